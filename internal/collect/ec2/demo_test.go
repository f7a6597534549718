package ec2_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	ec2collect "github.com/guardrail-sec/guardrail/internal/collect/ec2"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ec2control "github.com/guardrail-sec/guardrail/internal/control/ec2"
)

// TestDemoResults runs the collector and every EC2 control over one demo
// account per profile: every control must have something to pass and
// something to fail in the demo, the hardened account fails only EC2.10
// on its unused default VPC, and the issues the demo data plants show up.
func TestDemoResults(t *testing.T) {
	s := startDemo(t)
	type target struct{ profile, account, region string }
	targets := []target{
		{"managed", "111111111111", "us-east-1"},
		{"hardened", hardened, "us-east-1"},
		{"hardened", hardened, "eu-central-1"},
		{"partial", partial, "eu-west-1"},
		{"partial", partial, "eu-central-1"},
		{"weak", weak, "us-east-1"},
		{"neglected", neglected, "eu-west-1"},
	}
	seen := map[string]map[control.Status]bool{}
	// got maps profile/region/control/resource name to the status.
	got := map[string]control.Status{}
	for _, tg := range targets {
		a, err := collecttest.Run(t, ec2collect.Collector(), config(t, s, tg.account, tg.region), tg.account, tg.region, now)
		if err != nil {
			t.Fatalf("%s/%s: %v", tg.account, tg.region, err)
		}
		snap := controltest.Snapshot(a)
		for _, c := range ec2control.Controls() {
			for _, r := range controltest.Eval(c, snap) {
				if seen[c.ID] == nil {
					seen[c.ID] = map[control.Status]bool{}
				}
				seen[c.ID][r.Status] = true
				got[tg.profile+"/"+tg.region+"/"+c.ID+"/"+r.Resource.Name] = r.Status
				if r.Status == control.Error {
					t.Errorf("%s %s %s: ERROR %s", tg.account, c.ID, r.Resource.ARN, r.Reason)
				}
				if tg.profile == "hardened" && r.Status == control.Failed &&
					!(c.ID == "EC2.10" && r.Resource.Name == "vpc-0def1a2b3c4d5e6f7") {
					t.Errorf("hardened %s %s: FAILED %s", c.ID, r.Resource.Name, r.Reason)
				}
			}
		}
	}
	for _, c := range ec2control.Controls() {
		if !seen[c.ID][control.Passed] || !seen[c.ID][control.Failed] {
			t.Errorf("%s: demo results %v; want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
	for k, want := range map[string]control.Status{
		"hardened/us-east-1/EC2.10/security-tooling":       control.Passed,
		"hardened/us-east-1/EC2.21/acl-0def6f7a8b9c0d1e2":  control.Passed,
		"partial/eu-west-1/EC2.7/444444444401":             control.Passed,
		"partial/eu-central-1/EC2.7/444444444401":          control.Failed,
		"partial/eu-west-1/EC2.53/prod-bastion":            control.Failed,
		"partial/eu-west-1/EC2.8/prod-bastion":             control.Failed,
		"partial/eu-west-1/EC2.6/vpc-0def1a2b3c4d5e6f7":    control.Failed,
		"partial/eu-west-1/EC2.6/prod":                     control.Passed,
		"managed/us-east-1/EC2.2/default":                  control.Failed,
		"weak/us-east-1/EC2.54/dev-ssh":                    control.Failed,
		"weak/us-east-1/GR.EC2.1/dev-windows-build":        control.Failed,
		"weak/us-east-1/GR.EC2.1/old-test":                 control.NotApplicable,
		"neglected/eu-west-1/EC2.1/snap-0de700000001a002":  control.Failed,
		"neglected/eu-west-1/EC2.1/snap-0de700000001a003":  control.Passed,
		"neglected/eu-west-1/EC2.3/data-copy":              control.NotApplicable,
		"neglected/eu-west-1/EC2.19/launch-wizard-1":       control.Failed,
		"neglected/eu-west-1/EC2.21/acl-0de700000001ac001": control.Failed,
		"neglected/eu-west-1/EC2.9/test-do-not-delete":     control.Failed,
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %s", k, got[k], want)
		}
	}
}
