package macie_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/macie"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	maciesnap "github.com/guardrail-sec/guardrail/internal/snapshot/macie"
)

func collect(t *testing.T, s *simtest.Sim, account, reg string) (*maciesnap.Macie, error) {
	t.Helper()
	a, err := collecttest.Run(t, macie.Collector(), s.Config(t, account, reg), account, reg, simtest.Now)
	return a.Regions[reg].Macie, err
}

func start(t *testing.T) *simtest.Sim {
	w := simtest.NewWorld()
	w.Accounts[simtest.Management].In("eu-west-1").Macie = world.Macie{Status: "ENABLED", AutomatedDiscovery: "ENABLED", Created: simtest.Now}
	w.Accounts[simtest.Member].In("eu-west-1").Macie = world.Macie{Status: "PAUSED", Administrator: simtest.Management, Created: simtest.Now}
	return simtest.Start(t, w)
}

func TestCollect(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		account, region string
		want            maciesnap.Macie
	}{
		{simtest.Management, "eu-west-1", maciesnap.Macie{Status: "ENABLED", AutomatedDiscovery: "ENABLED"}},
		{simtest.Member, "eu-west-1", maciesnap.Macie{Status: "PAUSED", AutomatedDiscovery: "DISABLED", Administrator: simtest.Management}},
		// "Macie is not enabled" is a state, not a gap.
		{simtest.Member, "us-east-1", maciesnap.Macie{}},
	} {
		got, err := collect(t, s, tc.account, tc.region)
		if err != nil || got == nil || got.Status != tc.want.Status || got.AutomatedDiscovery != tc.want.AutomatedDiscovery ||
			got.Administrator != tc.want.Administrator || len(got.Errors) != 0 {
			t.Errorf("%s/%s = %+v, %v; want %+v", tc.account, tc.region, got, err, tc.want)
		}
	}
}

// A real denial is never read as "Macie is off".
func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "macie2", Action: "GetMacieSession"}}})
	for _, reg := range []string{"eu-west-1", "us-east-1"} {
		if _, err := collect(t, s, simtest.Member, reg); err == nil || !strings.Contains(err.Error(), "get macie session") {
			t.Errorf("%s: denied GetMacieSession: err = %v, want a gap naming the call", reg, err)
		}
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Management, Service: "macie2", Action: "GetAutomatedDiscoveryConfiguration"}}})
	got, err := collect(t, s, simtest.Management, "eu-west-1")
	if err != nil || got.Status != "ENABLED" || got.AutomatedDiscovery != "" || got.Errors[maciesnap.DetailDiscovery] == "" {
		t.Errorf("denied discovery read = %+v, %v; want the session and the error recorded", got, err)
	}
}
