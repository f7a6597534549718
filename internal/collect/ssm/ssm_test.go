package ssm_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	ec2collect "github.com/guardrail-sec/guardrail/internal/collect/ec2"
	"github.com/guardrail-sec/guardrail/internal/collect/ssm"
	"github.com/guardrail-sec/guardrail/internal/control"
	ssmcontrol "github.com/guardrail-sec/guardrail/internal/control/ssm"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapssm "github.com/guardrail-sec/guardrail/internal/snapshot/ssm"
)

const region = "us-east-1"

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account string) (*snapssm.SSM, error) {
	t.Helper()
	a, err := collecttest.Run(t, ssm.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].SSM, err
}

func TestDevelopment(t *testing.T) {
	s, err := collect(t, start(t), "555555555501")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(s.ManagedInstances) != "map[i-0de700000001c0d01:Online i-0de700000001c0d02:ConnectionLost]" ||
		fmt.Sprint(s.Patch) != "map[i-0de700000001c0d01:NON_COMPLIANT]" || fmt.Sprint(s.Association) != "map[i-0de700000001c0d01:NON_COMPLIANT]" ||
		s.PublicSharingBlocked || s.Errors != nil || len(s.Documents) != 1 {
		t.Fatalf("ssm = %+v", s)
	}
	if d := s.Documents[0]; d.ARN != "arn:aws:ssm:us-east-1:555555555501:document/dev-bootstrap" || fmt.Sprint(d.SharedWith) != "[all]" {
		t.Errorf("document = %+v", d)
	}
}

func TestManyInstancesAndDocuments(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 120 {
		r.SSM.ManagedInstances = append(r.SSM.ManagedInstances, &world.SSMManagedInstance{InstanceID: fmt.Sprintf("i-%03d", i), PatchStatus: "COMPLIANT"})
		r.SSM.Documents = append(r.SSM.Documents, &world.SSMDocument{Name: fmt.Sprintf("d%03d", i), Content: "{}"})
	}
	a, err := collecttest.Run(t, ssm.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Regions[region].SSM
	if len(s.ManagedInstances) != 120 || len(s.Patch) != 120 || len(s.Documents) != 120 {
		t.Errorf("%d instances, %d patch, %d documents", len(s.ManagedInstances), len(s.Patch), len(s.Documents))
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "ssm", Action: "DescribeInstanceInformation"}}})
	if _, err := collect(t, s, "555555555501"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v", err)
	}
	s = start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: "555555555501", Service: "ssm", Action: "ListResourceComplianceSummaries"},
		{Account: "555555555501", Service: "ssm", Action: "DescribeDocumentPermission"},
		{Account: "555555555501", Service: "ssm", Action: "GetServiceSetting"},
	}})
	got, err := collect(t, s, "555555555501")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Errors[snapssm.PartCompliance], "AccessDenied") || !strings.HasPrefix(got.Errors[snapssm.PartSetting], "AccessDenied") ||
		got.Patch != nil || len(got.Documents) != 1 || !strings.HasPrefix(got.Documents[0].Error, "AccessDenied") || len(got.ManagedInstances) != 2 {
		t.Errorf("ssm = %+v", got)
	}
}

// TestDemoMix collects EC2 and SSM for one account of each profile and
// runs the SSM controls.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, ssm.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			b, err := collecttest.Run(t, ec2collect.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s ec2: %v", acct, region, err)
			}
			a.Regions[region].EC2 = b.Regions[region].EC2
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ssmcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range ssmcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
