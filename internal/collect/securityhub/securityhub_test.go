package securityhub_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collector "github.com/guardrail-sec/guardrail/internal/collect/securityhub"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/securityhub"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
)

const fsbp = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func run(t *testing.T, s *simtest.Sim, account, region string) (*securityhub.SecurityHub, error) {
	t.Helper()
	a, err := collecttest.Run(t, collector.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].SecurityHub, err
}

func arns(ss []securityhub.Standard) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ARN+"="+s.Status)
	}
	return out
}

func TestDemoAccounts(t *testing.T) {
	s := start(t)

	h, err := run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if !h.Enabled || h.HubARN != "arn:aws:securityhub:us-east-1:"+hardened+":hub/default" || h.SubscribedAt.IsZero() ||
		!h.AutoEnableControls || h.ControlFindingGenerator != "SECURITY_CONTROL" || len(h.Errors) != 0 {
		t.Errorf("hardened hub: %+v", h)
	}
	want := []string{
		fsbp + "=READY",
		"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0=READY",
		"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0=READY",
	}
	if got := arns(h.Standards); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("hardened standards = %v, want %v", got, want)
	}

	h, err = run(t, s, partial, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := arns(h.Standards); !h.Enabled || len(got) != 1 || got[0] != fsbp+"=READY" {
		t.Errorf("partial us-east-1: %+v", h)
	}

	// Not subscribed: that is data, not an error.
	for _, tc := range []struct{ account, region string }{{partial, "eu-west-1"}, {weak, "us-east-1"}} {
		h, err = run(t, s, tc.account, tc.region)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.account, tc.region, err)
		}
		if h == nil || h.Enabled || len(h.Standards) != 0 || len(h.Errors) != 0 {
			t.Errorf("%s %s: want not enabled, got %+v", tc.account, tc.region, h)
		}
	}
}

func TestAccessDenied(t *testing.T) {
	s := start(t)
	deny := func(action string) {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "securityhub", Action: action}}})
	}

	// Denied is not "not enabled".
	deny("DescribeHub")
	h, err := run(t, s, hardened, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "describe hub") || !strings.Contains(err.Error(), "AccessDenied") || h != nil {
		t.Errorf("denied hub: err = %v, state %+v", err, h)
	}

	deny("GetEnabledStandards")
	h, err = run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatalf("denied standards must not fail the collector: %v", err)
	}
	if !h.Enabled || h.Standards != nil || !strings.Contains(h.Errors[securityhub.DetailStandards], "AccessDenied") {
		t.Errorf("denied standards: %+v", h)
	}
}
