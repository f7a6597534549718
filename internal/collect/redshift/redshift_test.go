package redshift_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/redshift"
	"github.com/guardrail-sec/guardrail/internal/control"
	rscontrol "github.com/guardrail-sec/guardrail/internal/control/redshift"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snaprs "github.com/guardrail-sec/guardrail/internal/snapshot/redshift"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snaprs.Redshift, error) {
	t.Helper()
	a, err := collecttest.Run(t, redshift.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].Redshift, err
}

func TestHardenedAndPartial(t *testing.T) {
	s := start(t)
	r, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(r.Clusters) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	c := r.Clusters[0]
	if c.ARN != "arn:aws:redshift:us-east-1:222222222222:cluster:detections-wh" || c.MasterUsername != "wh_admin" || !c.Encrypted ||
		c.KMSKeyID == "" || c.SnapshotRetention != 14 || !c.AllowVersionUpgrade || !c.EnhancedVpcRouting || c.PubliclyAccessible ||
		c.ParameterGroup != "tls-only" || !c.RequireSSL || !c.Logging || c.LogDestination != "cloudwatch" || c.Errors != nil ||
		c.Tags["owner"] != "secops" || c.Status != "available" {
		t.Errorf("hardened cluster = %+v", c)
	}
	r, err = collect(t, s, partial, "us-east-1")
	if err != nil || len(r.Clusters) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	if c := r.Clusters[0]; c.ParameterGroup != "default.redshift-1.0" || c.RequireSSL || !c.Logging || c.LogDestination != "s3" || c.MasterUsername != "awsuser" {
		t.Errorf("partial cluster = %+v", c)
	}
	if r, err := collect(t, s, hardened, "eu-west-1"); err != nil || len(r.Clusters) != 0 {
		t.Errorf("eu-west-1 = %+v %v", r, err)
	}
}

// TestDenied: a denied detail is recorded on the cluster and the rest
// collected; a denied list fails the collector.
func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: weak, Service: "redshift", Action: "DescribeLoggingStatus"},
		{Account: weak, Service: "redshift", Action: "DescribeClusterParameters"},
	}})
	r, err := collect(t, s, weak, "us-east-1")
	if err != nil || len(r.Clusters) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	if c := r.Clusters[0]; !strings.HasPrefix(c.Errors["logging"], "AccessDenied") || !strings.HasPrefix(c.Errors["parameters"], "AccessDenied") ||
		!c.PubliclyAccessible {
		t.Errorf("cluster = %+v", c)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "redshift", Action: "DescribeClusters"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe clusters") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v", err)
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and every control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", weak: "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, redshift.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(rscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range rscontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
