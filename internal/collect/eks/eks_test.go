package eks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/eks"
	"github.com/guardrail-sec/guardrail/internal/control"
	ekscontrol "github.com/guardrail-sec/guardrail/internal/control/eks"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapeks "github.com/guardrail-sec/guardrail/internal/snapshot/eks"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapeks.EKS, error) {
	t.Helper()
	a, err := collecttest.Run(t, eks.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].EKS, err
}

func TestProduction(t *testing.T) {
	e, err := collect(t, start(t), "444444444401", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Clusters) != 1 {
		t.Fatalf("clusters = %+v", e.Clusters)
	}
	c := e.Clusters[0]
	if c.ARN != "arn:aws:eks:us-east-1:444444444401:cluster/platform-prod" || c.Version != "1.29" || !c.EndpointPublic || !c.EndpointPrivate ||
		fmt.Sprint(c.PublicAccessCIDRs) != "[198.51.100.0/24]" || !c.SecretsEncrypted || fmt.Sprint(c.Logging) != "[api audit authenticator]" || c.Error != "" {
		t.Errorf("cluster = %+v", c)
	}
}

func TestManyClusters(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In("us-east-1")
	for i := range 130 {
		r.EKS.Clusters = append(r.EKS.Clusters, &world.EKSCluster{Name: fmt.Sprintf("c%03d", i), Version: "1.35"})
	}
	a, err := collecttest.Run(t, eks.Collector(), simtest.Start(t, w).Config(t, simtest.Member, "us-east-1"), simtest.Member, "us-east-1", now)
	if err != nil {
		t.Fatal(err)
	}
	if cs := a.Regions["us-east-1"].EKS.Clusters; len(cs) != 130 || cs[129].Name != "c129" || !cs[0].EndpointPublic {
		t.Errorf("%d clusters", len(cs))
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: "555555555501", Service: "eks", Action: "ListClusters"},
		{Account: "444444444401", Service: "eks", Action: "DescribeCluster"},
	}})
	if _, err := collect(t, s, "555555555501", "us-east-1"); err == nil || !strings.Contains(err.Error(), "list clusters") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v", err)
	}
	e, err := collect(t, s, "444444444401", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Clusters) != 1 || !strings.HasPrefix(e.Clusters[0].Error, "AccessDenied") || e.Clusters[0].ARN != "arn:aws:eks:us-east-1:444444444401:cluster/platform-prod" {
		t.Errorf("clusters = %+v", e.Clusters[0])
	}
}

func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, eks.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ekscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range ekscontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
