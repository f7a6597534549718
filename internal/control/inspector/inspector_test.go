package inspector_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/inspector"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/inspector2"
)

const region = "us-east-1"

func eval(t *testing.T, c *control.Control, s *inspector2.Inspector2) control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].Inspector2 = s
	rs := controltest.Eval(c, controltest.Snapshot(a))
	if len(rs) != 1 || rs[0].Resource.ARN != "AWS::::Account:111122223333" || rs[0].Resource.Region != region {
		t.Fatalf("%s: want one result on the account, got %+v", c.ID, rs)
	}
	return rs[0]
}

// set returns a state with every scan type at status, and the one that
// field selects at mine.
func set(overall, status, field, mine string) *inspector2.Inspector2 {
	s := &inspector2.Inspector2{Status: overall, EC2: status, ECR: status, Lambda: status, LambdaCode: status, CodeRepository: status}
	switch field {
	case "ec2":
		s.EC2 = mine
	case "ecr":
		s.ECR = mine
	case "lambda_code":
		s.LambdaCode = mine
	case "lambda":
		s.Lambda = mine
	}
	return s
}

func TestScans(t *testing.T) {
	fields := map[string]string{"Inspector.1": "ec2", "Inspector.2": "ecr", "Inspector.3": "lambda_code", "Inspector.4": "lambda"}
	cs := ctl.Controls()
	if len(cs) != len(fields) {
		t.Errorf("%d controls, want %d", len(cs), len(fields))
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		f, ok := fields[c.ID]
		if !ok || c.Severity != control.High || c.Global || c.Needs[0] != "inspector2" || c.ResourceType != "AwsAccount" {
			t.Errorf("%s: %+v", c.ID, c)
			continue
		}
		for _, tc := range []struct {
			name   string
			s      *inspector2.Inspector2
			want   control.Status
			reason string
		}{
			{"this scan on", set("ENABLED", "DISABLED", f, "ENABLED"), control.Passed, "is enabled"},
			{"only the others on", set("ENABLED", "ENABLED", f, "DISABLED"), control.Failed, "is DISABLED"},
			{"suspended", set("ENABLED", "ENABLED", f, "SUSPENDED"), control.Failed, "is SUSPENDED"},
			{"Inspector not enabled", set("DISABLED", "DISABLED", f, "DISABLED"), control.Failed, "not enabled in the region"},
			{"not reported in the region", set("ENABLED", "ENABLED", f, ""), control.NotApplicable, "does not report"},
			{"not collected", nil, control.Error, "not collected"},
		} {
			t.Run(c.ID+"/"+tc.name, func(t *testing.T) {
				if r := eval(t, c, tc.s); r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
					t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
				}
			})
		}
	}
}

func TestGap(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "inspector2"}, Class: "access denied", Reason: "AccessDeniedException: no"})
	for _, c := range ctl.Controls() {
		if st := controltest.Statuses(t, controltest.Eval(c, s)); st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
	}
}
