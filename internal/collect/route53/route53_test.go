package route53_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/route53"
	"github.com/guardrail-sec/guardrail/internal/control"
	r53control "github.com/guardrail-sec/guardrail/internal/control/route53"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapr53 "github.com/guardrail-sec/guardrail/internal/snapshot/route53"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	management = "111111111111"
	hardened   = "222222222222"
	partial    = "444444444401"
	weak       = "555555555501"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account string) (*snapr53.Route53, error) {
	t.Helper()
	a, err := collecttest.Run(t, route53.Collector(), s.Config(t, account, "us-east-1"), account, "us-east-1", now)
	return a.Route53, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	r, err := collect(t, s, management)
	if err != nil || len(r.HostedZones) != 2 {
		t.Fatalf("%+v %v", r, err)
	}
	z, p := r.HostedZones[0], r.HostedZones[1]
	if z.ID != "Z11111111111100000001" || z.ARN != "arn:aws:route53:::hostedzone/Z11111111111100000001" || z.Name != "example.com." ||
		z.Private || len(z.QueryLogGroups) != 1 || !strings.HasSuffix(z.QueryLogGroups[0], ":log-group:/aws/route53/example.com") || z.Errors != nil {
		t.Errorf("public zone = %+v", z)
	}
	if !p.Private || len(p.QueryLogGroups) != 0 {
		t.Errorf("private zone = %+v", p)
	}
	r, err = collect(t, s, partial)
	if err != nil || len(r.HostedZones) != 2 || len(r.HostedZones[0].QueryLogGroups) != 0 {
		t.Errorf("partial = %+v %v", r, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "route53", Action: "ListQueryLoggingConfigs"}}})
	r, err := collect(t, s, weak)
	if err != nil || len(r.HostedZones) != 1 || !strings.HasPrefix(r.HostedZones[0].Errors["query_logging"], "AccessDenied") {
		t.Errorf("denied configs: %+v %v", r, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "route53", Action: "ListHostedZones"}}})
	if _, err := collect(t, s, weak); err == nil || !strings.Contains(err.Error(), "list hosted zones") {
		t.Errorf("err = %v", err)
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and the control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{management: "managed", hardened: "hardened", partial: "partial", weak: "weak", "666666666601": "neglected"}
	seen := map[control.Status]int{}
	for acct, profile := range profiles {
		a, err := collecttest.Run(t, route53.Collector(), s.Config(t, acct, "us-east-1"), acct, "us-east-1", now)
		if err != nil {
			t.Fatalf("%s: %v", acct, err)
		}
		snap := &snapshot.Snapshot{}
		snap.Add(a)
		for _, r := range control.EvaluateAccount(r53control.Controls(), snap, a, func(n string) bool { return n == "route53" }, now) {
			if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
				t.Errorf("%s (%s): %s %s: %s", acct, profile, r.Control, r.Status, r.Reason)
			}
			seen[r.Status]++
		}
	}
	if seen[control.Passed] == 0 || seen[control.Failed] == 0 {
		t.Errorf("demo results %v, want both PASSED and FAILED", seen)
	}
}
