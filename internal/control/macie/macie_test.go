package macie_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/macie"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/macie"
)

const region = "eu-west-1"

func eval(t *testing.T, id string, m *macie.Macie) control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].Macie = m
	for _, c := range ctl.Controls() {
		if c.ID == id {
			rs := controltest.Eval(c, controltest.Snapshot(a))
			if len(rs) != 1 || rs[0].Resource.ARN != "AWS::::Account:111122223333" || rs[0].Resource.Region != region {
				t.Fatalf("%s: want one result on the account, got %+v", id, rs)
			}
			return rs[0]
		}
	}
	t.Fatalf("no control %s", id)
	return control.Result{}
}

type tc struct {
	name   string
	m      *macie.Macie
	want   control.Status
	reason string
}

func run(t *testing.T, id string, cases []tc) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := eval(t, id, c.m)
			if r.Status != c.want || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, c.want, c.reason)
			}
		})
	}
}

func TestMacie1(t *testing.T) {
	run(t, "Macie.1", []tc{
		{"enabled", &macie.Macie{Status: macie.Enabled}, control.Passed, "enabled"},
		{"paused", &macie.Macie{Status: macie.Paused}, control.Failed, "paused"},
		{"off", &macie.Macie{}, control.Failed, "not enabled in eu-west-1"},
		{"not collected", nil, control.Error, "not collected"},
	})
}

func TestMacie2(t *testing.T) {
	run(t, "Macie.2", []tc{
		{"standalone, on", &macie.Macie{Status: macie.Enabled, AutomatedDiscovery: macie.Enabled}, control.Passed, "ENABLED"},
		{"standalone, off", &macie.Macie{Status: macie.Enabled, AutomatedDiscovery: macie.Disabled}, control.Failed, "is DISABLED"},
		{"paused", &macie.Macie{Status: macie.Paused, AutomatedDiscovery: macie.Enabled}, control.Failed, "paused"},
		{"member", &macie.Macie{Status: macie.Enabled, AutomatedDiscovery: macie.Disabled, Administrator: "999988887777"}, control.NotApplicable, "administrator 999988887777"},
		{"macie off", &macie.Macie{}, control.Failed, "not enabled"},
		{"discovery unreadable", &macie.Macie{Status: macie.Enabled, Errors: map[string]string{macie.DetailDiscovery: "AccessDeniedException: no"}}, control.Error, "AccessDenied"},
		{"administrator unreadable", &macie.Macie{Status: macie.Enabled, AutomatedDiscovery: macie.Enabled, Errors: map[string]string{macie.DetailAdministrator: "ThrottlingException"}}, control.Error, "Throttling"},
		{"not collected", nil, control.Error, "not collected"},
	})
}

func TestGap(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "macie"}, Class: "access denied", Reason: "AccessDeniedException: no"})
	for _, c := range ctl.Controls() {
		st := controltest.Statuses(t, controltest.Eval(c, s))
		if st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
	}
}
