package autoscaling_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/autoscaling"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/control"
	ascontrol "github.com/guardrail-sec/guardrail/internal/control/autoscaling"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapas "github.com/guardrail-sec/guardrail/internal/snapshot/autoscaling"
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

func collect(t *testing.T, s *simtest.Sim, account string) (*snapas.AutoScaling, error) {
	t.Helper()
	a, err := collecttest.Run(t, autoscaling.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].AutoScaling, err
}

func TestProduction(t *testing.T) {
	as, err := collect(t, start(t), "444444444401")
	if err != nil {
		t.Fatal(err)
	}
	if len(as.Groups) != 2 || len(as.LaunchConfigurations) != 2 {
		t.Fatalf("auto scaling = %+v", as)
	}
	web, batch := as.Groups[0], as.Groups[1]
	if web.Name != "checkout-web" || web.LaunchTemplate != "checkout-web" || fmt.Sprint(web.InstanceTypes) != "[m5.large m6i.large]" ||
		len(web.LoadBalancers) != 1 || web.HealthCheckType != "ELB" || fmt.Sprint(web.AvailabilityZones) != "[us-east-1a us-east-1b]" {
		t.Errorf("checkout-web = %+v", web)
	}
	if batch.LaunchConfiguration != "batch-lc-2019" || batch.LaunchTemplate != "" || batch.InstanceTypes != nil || len(batch.AvailabilityZones) != 1 {
		t.Errorf("batch = %+v", batch)
	}
	lc := as.LaunchConfigurations[0]
	if lc.HttpTokens != "" || lc.AssociatePublicIP == nil || *lc.AssociatePublicIP ||
		!strings.HasSuffix(lc.ARN, ":launchConfigurationName/batch-lc-2019") {
		t.Errorf("launch configuration = %+v", lc)
	}
}

func TestManyGroups(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 230 {
		r.AutoScaling.Groups = append(r.AutoScaling.Groups, &world.AutoScalingGroup{Name: fmt.Sprintf("g%03d", i), LaunchTemplate: "lt", AvailabilityZones: []string{"us-east-1a"}})
	}
	a, err := collecttest.Run(t, autoscaling.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	if gs := a.Regions[region].AutoScaling.Groups; len(gs) != 230 || gs[229].Name != "g229" {
		t.Errorf("%d groups", len(gs))
	}
}

func TestDenied(t *testing.T) {
	for _, action := range []string{"DescribeAutoScalingGroups", "DescribeLaunchConfigurations"} {
		s := start(t)
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "autoscaling", Action: action}}})
		if _, err := collect(t, s, "555555555501"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("%s denied: err = %v", action, err)
		}
	}
}

func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, autoscaling.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ascontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range ascontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
