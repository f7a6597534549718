package elasticache_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/elasticache"
	"github.com/guardrail-sec/guardrail/internal/control"
	eccontrol "github.com/guardrail-sec/guardrail/internal/control/elasticache"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapec "github.com/guardrail-sec/guardrail/internal/snapshot/elasticache"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapec.ElastiCache, error) {
	t.Helper()
	a, err := collecttest.Run(t, elasticache.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].ElastiCache, err
}

func TestHardened(t *testing.T) {
	s := start(t)
	e, err := collect(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Errors) != 0 || len(e.Clusters) != 2 || len(e.Groups) != 1 {
		t.Fatalf("state = %+v", e)
	}
	c := e.Cluster("findings-cache-001")
	if c == nil || c.ARN != "arn:aws:elasticache:us-east-1:222222222222:cluster:findings-cache-001" || c.Engine != "redis" || c.Version != "7.1" ||
		c.GroupID != "findings-cache" || c.SubnetGroup != "findings-cache" || c.SnapshotRetentionDays == nil || *c.SnapshotRetentionDays != 7 ||
		!c.AutoMinorVersionUpgrade || !c.AtRestEncryption || !c.TransitEncryption || !c.AuthToken || c.Status != "available" {
		t.Errorf("cluster = %+v", c)
	}
	g := e.Groups[0]
	if g.ID != "findings-cache" || g.AutomaticFailover != "enabled" || !g.MultiAZ || g.SnapshotRetentionDays != 7 || !g.AtRestEncryption ||
		!g.TransitEncryption || !g.AuthToken || len(g.Members) != 2 || g.KMSKeyID == "" ||
		g.ARN != "arn:aws:elasticache:us-east-1:222222222222:replicationgroup:findings-cache" {
		t.Errorf("group = %+v", g)
	}
	// Another region of the same account has no caches.
	if e, err := collect(t, s, hardened, "eu-west-1"); err != nil || len(e.Clusters) != 0 || len(e.Groups) != 0 {
		t.Errorf("eu-west-1 = %+v, %v", e, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "elasticache", Action: "DescribeReplicationGroups"}}})
	e, err := collect(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Errors["replication_groups"], "AccessDenied") || len(e.Groups) != 0 || len(e.Clusters) != 1 {
		t.Errorf("denied groups: %+v %v", e, e.Errors)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "elasticache", Action: "DescribeCacheClusters"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe cache clusters") ||
		!strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want describe cache clusters: AccessDenied", err)
	}
}

// TestDemoMix runs the collector and the controls over one account of
// each demo profile: the hardened account passes everything, nothing is
// in ERROR, and every control both passes and fails somewhere.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", "444444444401": "partial",
		weak: "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, elasticache.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(eccontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range eccontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
