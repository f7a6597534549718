package inspector2_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collector "github.com/guardrail-sec/guardrail/internal/collect/inspector2"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/inspector2"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func run(t *testing.T, s *simtest.Sim, account, region string) (*inspector2.Inspector2, error) {
	t.Helper()
	a, err := collecttest.Run(t, collector.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].Inspector2, err
}

func TestDemoAccounts(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		account, region string
		want            inspector2.Inspector2
	}{
		{hardened, "eu-west-1", inspector2.Inspector2{Status: "ENABLED", EC2: "ENABLED", ECR: "ENABLED", Lambda: "ENABLED", LambdaCode: "ENABLED", CodeRepository: "DISABLED"}},
		{partial, "us-east-1", inspector2.Inspector2{Status: "ENABLED", EC2: "ENABLED", ECR: "ENABLED", Lambda: "DISABLED", LambdaCode: "DISABLED", CodeRepository: "DISABLED"}},
		{partial, "eu-west-1", inspector2.Inspector2{Status: "DISABLED", EC2: "DISABLED", ECR: "DISABLED", Lambda: "DISABLED", LambdaCode: "DISABLED", CodeRepository: "DISABLED"}},
		{weak, "us-east-1", inspector2.Inspector2{Status: "DISABLED", EC2: "DISABLED", ECR: "DISABLED", Lambda: "DISABLED", LambdaCode: "DISABLED", CodeRepository: "DISABLED"}},
	} {
		got, err := run(t, s, tc.account, tc.region)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.account, tc.region, err)
		}
		if got == nil || *got != tc.want {
			t.Errorf("%s %s = %+v, want %+v", tc.account, tc.region, got, tc.want)
		}
	}
}

func TestAccessDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "inspector2", Action: "BatchGetAccountStatus"}}})
	got, err := run(t, s, hardened, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "batch get account status") || !strings.Contains(err.Error(), "AccessDenied") || got != nil {
		t.Errorf("denied: err = %v, state %+v", err, got)
	}
}
