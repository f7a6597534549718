package accessanalyzer_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	collector "github.com/guardrail-sec/guardrail/internal/collect/accessanalyzer"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/accessanalyzer"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	management = "111111111111"
	hardened   = "222222222222"
	weak       = "555555555501"
)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func run(t *testing.T, s *simtest.Sim, account, region string) (*accessanalyzer.AccessAnalyzer, error) {
	t.Helper()
	a, err := collecttest.Run(t, collector.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].AccessAnalyzer, err
}

func TestDemoAccounts(t *testing.T) {
	s := start(t)

	aa, err := run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(aa.Analyzers) != 2 {
		t.Fatalf("hardened: %+v", aa.Analyzers)
	}
	a := aa.Analyzers[0]
	if a.Name != "guardrail-account-analyzer" || a.Type != accessanalyzer.TypeAccount || a.Status != accessanalyzer.StatusActive ||
		a.ARN != "arn:aws:access-analyzer:us-east-1:"+hardened+":analyzer/guardrail-account-analyzer" ||
		a.Tags["owner"] != "secops" || a.CreatedAt.IsZero() {
		t.Errorf("hardened analyzer: %+v", a)
	}
	if b := aa.Analyzers[1]; b.Name != "guardrail-unused-access" || b.Type != "ACCOUNT_UNUSED_ACCESS" {
		t.Errorf("hardened second analyzer: %+v", b)
	}

	aa, err = run(t, s, management, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, a := range aa.Analyzers {
		types = append(types, a.Type)
	}
	if strings.Join(types, ",") != "ACCOUNT,ORGANIZATION" {
		t.Errorf("management analyzer types = %v", types)
	}

	aa, err = run(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if aa == nil || len(aa.Analyzers) != 0 {
		t.Errorf("weak: want no analyzer, got %+v", aa)
	}
}

func TestAccessDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "access-analyzer", Action: "ListAnalyzers"}}})
	aa, err := run(t, s, hardened, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "list analyzers") || !strings.Contains(err.Error(), "AccessDenied") || aa != nil {
		t.Errorf("denied list: err = %v, state %+v", err, aa)
	}
}
