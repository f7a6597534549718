package rds_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/rds"
	"github.com/guardrail-sec/guardrail/internal/control"
	rdscontrol "github.com/guardrail-sec/guardrail/internal/control/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// TestDemoMix runs the collector and the rds controls over one account of
// each demo profile: the hardened account passes everything, nothing is
// in ERROR, and every control both passes and fails somewhere, so the demo
// shows each of them at work.
func TestDemoMix(t *testing.T) {
	s := start(t)
	// noFailure lists the controls no demo account fails, and why.
	noFailure := map[string]string{"RDS.18": "EC2-Classic is retired: every demo database is in a VPC"}
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, rds.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(rdscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range rdscontrol.Controls() {
		_, exempt := noFailure[c.ID]
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 && !exempt {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
