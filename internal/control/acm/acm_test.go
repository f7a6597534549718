package acm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	ctl "github.com/guardrail-sec/guardrail/internal/control/acm"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/acm"
)

const (
	region = "us-east-1"
	arn    = "arn:aws:acm:us-east-1:111122223333:certificate/1"
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

func eval(t *testing.T, id string, s *acm.ACM) []control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].ACM = s
	return controltest.Eval(byID(t, id), controltest.Snapshot(a))
}

type tc struct {
	name   string
	c      acm.Certificate
	want   control.Status
	reason string
}

func run(t *testing.T, id string, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.c.ARN, c.c.Domain = arn, "www.example.com"
			rs := eval(t, id, &acm.ACM{Certificates: []acm.Certificate{c.c}})
			if len(rs) != 1 || rs[0].Resource.ARN != arn || rs[0].Resource.Type != "AwsCertificateManagerCertificate" {
				t.Fatalf("want one result on the certificate, got %+v", rs)
			}
			if r := rs[0]; r.Status != c.want || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, c.want, c.reason)
			}
		})
	}
}

func in(days int) time.Time { return controltest.Now.AddDate(0, 0, days) }

func TestACM1(t *testing.T) {
	run(t, "ACM.1", []tc{
		{"valid for months", acm.Certificate{Type: "AMAZON_ISSUED", Status: "ISSUED", KeyAlgorithm: "RSA_2048", NotAfter: in(200)}, control.Passed, "valid until"},
		{"31 days left", acm.Certificate{Type: "IMPORTED", Status: "ISSUED", NotAfter: in(31)}, control.Passed, "valid until"},
		{"30 days left", acm.Certificate{Type: "IMPORTED", Status: "ISSUED", NotAfter: in(30)}, control.Failed, "in 30 days"},
		{"expiring soon", acm.Certificate{Type: "IMPORTED", Status: "ISSUED", NotAfter: in(12)}, control.Failed, "IMPORTED certificate expires on 2026-06-13, in 12 days"},
		{"expired", acm.Certificate{Type: "IMPORTED", Status: "EXPIRED", NotAfter: in(-3)}, control.Failed, "expired on 2026-05-29"},
		{"pending validation", acm.Certificate{Type: "AMAZON_ISSUED", Status: "PENDING_VALIDATION", KeyAlgorithm: "RSA_2048"}, control.NotApplicable, "never issued"},
	})
}

func TestACM2(t *testing.T) {
	run(t, "ACM.2", []tc{
		{"RSA 2048", acm.Certificate{KeyAlgorithm: "RSA_2048"}, control.Passed, "2048 bits"},
		{"RSA 4096", acm.Certificate{KeyAlgorithm: "RSA_4096"}, control.Passed, "4096 bits"},
		{"RSA 1024", acm.Certificate{KeyAlgorithm: "RSA_1024"}, control.Failed, "1024 bits"},
		{"ECDSA", acm.Certificate{KeyAlgorithm: "EC_prime256v1"}, control.NotApplicable, "not an RSA certificate"},
	})
}

func TestNoCertificates(t *testing.T) {
	for _, c := range ctl.Controls() {
		if rs := eval(t, c.ID, &acm.ACM{Certificates: []acm.Certificate{}}); len(rs) != 0 {
			t.Errorf("%s: no certificate, got %+v", c.ID, rs)
		}
	}
}

func TestNotCollected(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "acm"}, Class: "access denied", Reason: "AccessDenied: no"})
	for _, c := range ctl.Controls() {
		st := controltest.Statuses(t, controltest.Eval(c, s))
		if st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
		if rs := eval(t, c.ID, nil); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s: state not collected: %+v, want one ERROR", c.ID, rs)
		}
	}
}
