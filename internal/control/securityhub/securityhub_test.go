package securityhub_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/securityhub"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/securityhub"
)

const region = "eu-west-1"

const (
	fsbp  = "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"
	cis12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
	cis30 = "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
	pci   = "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1"
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

func eval(t *testing.T, id string, h *securityhub.SecurityHub) control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].SecurityHub = h
	rs := controltest.Eval(byID(t, id), controltest.Snapshot(a))
	if len(rs) != 1 || rs[0].Resource.ARN != "AWS::::Account:111122223333" || rs[0].Resource.Region != region {
		t.Fatalf("%s: want one result on the account in %s, got %+v", id, region, rs)
	}
	return rs[0]
}

func hub(standards ...string) *securityhub.SecurityHub {
	h := &securityhub.SecurityHub{Enabled: true, HubARN: "arn:aws:securityhub:eu-west-1:111122223333:hub/default", Standards: []securityhub.Standard{}}
	for _, s := range standards {
		arn, status, _ := strings.Cut(s, "=")
		if status == "" {
			status = "READY"
		}
		h.Standards = append(h.Standards, securityhub.Standard{ARN: arn, Status: status})
	}
	return h
}

type tcase struct {
	name   string
	h      *securityhub.SecurityHub
	want   control.Status
	reason string
}

func run(t *testing.T, id string, cases []tcase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := eval(t, id, tc.h)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	run(t, "GR.SecurityHub.1", []tcase{
		{"enabled", hub(), control.Passed, "hub/default"},
		{"not enabled", &securityhub.SecurityHub{}, control.Failed, "not enabled"},
		// Whether standards could be read does not matter here.
		{"enabled, standards unknown", &securityhub.SecurityHub{Enabled: true, Errors: map[string]string{securityhub.DetailStandards: "AccessDeniedException: no"}}, control.Passed, ""},
		{"not collected", nil, control.Error, "not collected"},
	})
}

func TestStandards(t *testing.T) {
	run(t, "GR.SecurityHub.2", []tcase{
		{"FSBP and CIS 3.0", hub(fsbp, cis30), control.Passed, "v3.0.0"},
		{"FSBP and two CIS versions", hub(fsbp, cis12, cis30), control.Passed, "v1.2.0, v3.0.0"},
		{"FSBP being enabled", hub(fsbp+"=PENDING", cis30), control.Passed, ""},
		{"FSBP only", hub(fsbp), control.Failed, "not enabled: CIS AWS Foundations Benchmark"},
		{"CIS only", hub(cis12, pci), control.Failed, "not enabled: AWS Foundational Security Best Practices"},
		{"none", hub(), control.Failed, "Best Practices and CIS"},
		{"FSBP failed", hub(fsbp+"=FAILED", cis30), control.Failed, "aws-foundational-security-best-practices/v/1.0.0 is FAILED"},
		{"CIS being deleted", hub(fsbp, cis30+"=DELETING"), control.Failed, "is DELETING"},
		{"hub not enabled", &securityhub.SecurityHub{}, control.Failed, "Security Hub is not enabled"},
		{"standards unknown", &securityhub.SecurityHub{Enabled: true, Errors: map[string]string{securityhub.DetailStandards: "AccessDeniedException: no"}}, control.Error, "AccessDeniedException"},
		{"not collected", nil, control.Error, "not collected"},
	})
}

func TestCatalog(t *testing.T) {
	cs := ctl.Controls()
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]control.Severity{"GR.SecurityHub.1": control.Medium, "GR.SecurityHub.2": control.Low}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "securityhub" {
			t.Errorf("%s: severity %s global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if len(cs) != len(want) {
		t.Errorf("%d controls", len(cs))
	}
}

func TestGap(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "securityhub"}, Class: "access denied", Reason: "AccessDeniedException: no"})
	for _, c := range ctl.Controls() {
		if st := controltest.Statuses(t, controltest.Eval(c, s)); st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
	}
}
