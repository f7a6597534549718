package guardduty_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collector "github.com/guardrail-sec/guardrail/internal/collect/guardduty"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	simgd "github.com/guardrail-sec/guardrail/internal/sim/svc/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened  = "222222222222"
	weak      = "555555555501"
	neglected = "666666666601"
)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func run(t *testing.T, s *simtest.Sim, account, region string) (*guardduty.GuardDuty, error) {
	t.Helper()
	a, err := collecttest.Run(t, collector.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].GuardDuty, err
}

func TestDemoAccounts(t *testing.T) {
	s := start(t)

	g, err := run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Detectors) != 1 {
		t.Fatalf("hardened: %d detectors", len(g.Detectors))
	}
	d := g.Detectors[0]
	id := simgd.DetectorID(hardened, "us-east-1")
	if d.ID != id || d.ARN != "arn:aws:guardduty:us-east-1:"+hardened+":detector/"+id || d.Status != guardduty.Enabled ||
		d.FindingPublishingFrequency != "FIFTEEN_MINUTES" || d.Tags["owner"] != "secops" || d.CreatedAt.IsZero() || len(d.Errors) != 0 {
		t.Errorf("hardened detector: %+v", d)
	}
	for name, want := range map[string]string{
		guardduty.FeatureCloudTrail:           guardduty.Enabled,
		guardduty.FeatureS3DataEvents:         guardduty.Enabled,
		guardduty.FeatureEKSAuditLogs:         guardduty.Enabled,
		guardduty.FeatureEBSMalwareProtection: guardduty.Enabled,
		guardduty.FeatureRDSLoginEvents:       guardduty.Enabled,
		guardduty.FeatureLambdaNetworkLogs:    guardduty.Enabled,
		guardduty.FeatureEKSRuntimeMonitoring: guardduty.Disabled,
		guardduty.FeatureRuntimeMonitoring:    guardduty.Enabled,
	} {
		if got := d.Features[name].Status; got != want {
			t.Errorf("hardened %s = %q, want %q", name, got, want)
		}
	}
	if got := d.Features[guardduty.FeatureRuntimeMonitoring].Additional[guardduty.AdditionalEKSAddonManagement]; got != guardduty.Enabled {
		t.Errorf("hardened runtime monitoring EKS add-on management = %q", got)
	}

	g, err = run(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if d := g.Detectors[0]; d.Status != guardduty.Enabled || d.Features[guardduty.FeatureS3DataEvents].Status != guardduty.Disabled ||
		d.Features[guardduty.FeatureEBSMalwareProtection].Status != guardduty.Disabled {
		t.Errorf("weak us-east-1: %+v", d)
	}
	// Suspended and forgotten.
	g, err = run(t, s, weak, "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Detectors) != 1 || g.Detectors[0].Status != guardduty.Disabled {
		t.Errorf("weak us-west-2: %+v", g.Detectors)
	}

	g, err = run(t, s, neglected, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if g == nil || len(g.Detectors) != 0 {
		t.Errorf("neglected: want no detector, got %+v", g)
	}
}

func TestAccessDenied(t *testing.T) {
	s := start(t)
	deny := func(action string) {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "guardduty", Action: action}}})
	}

	deny("ListDetectors")
	g, err := run(t, s, hardened, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "list detectors") || !strings.Contains(err.Error(), "AccessDenied") || g != nil {
		t.Errorf("denied list: err = %v, state %+v", err, g)
	}

	deny("GetDetector")
	g, err = run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatalf("denied detail must not fail the collector: %v", err)
	}
	if len(g.Detectors) != 1 {
		t.Fatalf("denied detail: %+v", g)
	}
	d := g.Detectors[0]
	if d.ID == "" || d.Status != "" || d.Features != nil || !strings.Contains(d.Errors[guardduty.DetailDetector], "AccessDenied") {
		t.Errorf("denied detail: %+v", d)
	}
}
