package elasticache_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/elasticache"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapec "github.com/guardrail-sec/guardrail/internal/snapshot/elasticache"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, elasticache.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{
		"ElastiCache.1": control.High, "ElastiCache.2": control.High, "ElastiCache.3": control.Medium, "ElastiCache.4": control.Medium,
		"ElastiCache.5": control.Medium, "ElastiCache.6": control.Medium, "ElastiCache.7": control.High,
	}
	cs := elasticache.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "elasticache" || c.Remediation == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func cARN(id string) string { return "arn:aws:elasticache:us-east-1:111122223333:cluster:" + id }
func gARN(id string) string {
	return "arn:aws:elasticache:us-east-1:111122223333:replicationgroup:" + id
}

func days(n int) *int { return &n }

// state is a region with a good and a bad of everything.
func state() *snapec.ElastiCache {
	return &snapec.ElastiCache{
		Clusters: []*snapec.Cluster{
			{ARN: cARN("good-001"), ID: "good-001", Engine: "redis", Version: "7.1", GroupID: "good", SubnetGroup: "cache-private",
				SnapshotRetentionDays: days(7), AutoMinorVersionUpgrade: true},
			{ARN: cARN("old-001"), ID: "old-001", Engine: "redis", Version: "5.0.6", GroupID: "old", SubnetGroup: "default",
				SnapshotRetentionDays: days(0)},
			{ARN: cARN("old-auth-001"), ID: "old-auth-001", Engine: "redis", Version: "4.0.10", GroupID: "old-auth", SubnetGroup: "cache-private",
				SnapshotRetentionDays: days(0), AutoMinorVersionUpgrade: true},
			{ARN: cARN("solo"), ID: "solo", Engine: "redis", Version: "6.2", SubnetGroup: "default", SnapshotRetentionDays: days(0)},
			{ARN: cARN("solo-backed"), ID: "solo-backed", Engine: "redis", Version: "7.0", SubnetGroup: "cache-private",
				SnapshotRetentionDays: days(3), AutoMinorVersionUpgrade: true},
			{ARN: cARN("memcache"), ID: "memcache", Engine: "memcached", Version: "1.6.22", SubnetGroup: "default"},
		},
		Groups: []*snapec.Group{
			{ARN: gARN("good"), ID: "good", Engine: "redis", Members: []string{"good-001"}, AutomaticFailover: "enabled", MultiAZ: true,
				SnapshotRetentionDays: 7, AtRestEncryption: true, TransitEncryption: true},
			{ARN: gARN("old"), ID: "old", Engine: "redis", Members: []string{"old-001"}, AutomaticFailover: "disabled"},
			{ARN: gARN("old-auth"), ID: "old-auth", Engine: "redis", Members: []string{"old-auth-001"}, AutomaticFailover: "enabling",
				SnapshotRetentionDays: 1, TransitEncryption: true, AuthToken: true},
			{ARN: gARN("valkey"), ID: "valkey", Engine: "valkey", AutomaticFailover: "enabled", SnapshotRetentionDays: 1,
				AtRestEncryption: true, TransitEncryption: true},
			{ARN: gARN("orphan"), ID: "orphan", Engine: "redis", Members: []string{"gone-001"}, AutomaticFailover: "enabled", SnapshotRetentionDays: 1},
		},
	}
}

func eval(t *testing.T, c *control.Control, e *snapec.ElastiCache) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].ElastiCache = e
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, what string, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s is %s, want %s", what, k, got[k], w)
		}
	}
}

func TestControls(t *testing.T) {
	P, F, N, E := control.Passed, control.Failed, control.NotApplicable, control.Error
	for id, want := range map[string]map[string]control.Status{
		"ElastiCache.1": {cARN("good-001"): N, cARN("old-001"): N, cARN("old-auth-001"): N, cARN("solo"): F, cARN("solo-backed"): P,
			cARN("memcache"): N, gARN("good"): P, gARN("old"): F, gARN("old-auth"): P, gARN("valkey"): P, gARN("orphan"): P},
		"ElastiCache.2": {cARN("good-001"): P, cARN("old-001"): F, cARN("old-auth-001"): P, cARN("solo"): F, cARN("solo-backed"): P,
			cARN("memcache"): F},
		"ElastiCache.3": {gARN("good"): P, gARN("old"): F, gARN("old-auth"): F, gARN("valkey"): P, gARN("orphan"): P},
		"ElastiCache.4": {gARN("good"): P, gARN("old"): F, gARN("old-auth"): F, gARN("valkey"): P, gARN("orphan"): F},
		"ElastiCache.5": {gARN("good"): P, gARN("old"): F, gARN("old-auth"): P, gARN("valkey"): P, gARN("orphan"): F},
		"ElastiCache.6": {gARN("good"): N, gARN("old"): F, gARN("old-auth"): P, gARN("valkey"): N, gARN("orphan"): E},
		"ElastiCache.7": {cARN("good-001"): P, cARN("old-001"): F, cARN("old-auth-001"): P, cARN("solo"): F, cARN("solo-backed"): P,
			cARN("memcache"): F},
	} {
		t.Run(id, func(t *testing.T) { check(t, id, eval(t, byID(t, id), state()), want) })
	}
}

// TestGroupsUnread: replication groups that could not be listed are one
// ERROR for the region in every control that judges them, never a pass;
// the cluster controls still judge the clusters.
func TestGroupsUnread(t *testing.T) {
	e := state()
	e.Groups = nil
	e.Errors = map[string]string{"replication_groups": "AccessDenied: no"}
	account := "AWS::::Account:111122223333@us-east-1"
	for _, id := range []string{"ElastiCache.3", "ElastiCache.4", "ElastiCache.5", "ElastiCache.6"} {
		check(t, id, eval(t, byID(t, id), e), map[string]control.Status{account: control.Error})
	}
	got := eval(t, byID(t, "ElastiCache.1"), e)
	if got[account] != control.Error || got[cARN("solo")] != control.Failed || got[cARN("solo-backed")] != control.Passed {
		t.Errorf("ElastiCache.1 = %v", got)
	}
	if got := eval(t, byID(t, "ElastiCache.2"), e); len(got) != 6 || got[account] != "" {
		t.Errorf("ElastiCache.2 = %v", got)
	}
}

// TestNotCollected: every control reports ERROR, never PASSED, for a
// region whose state is missing or has a gap, and nothing when the region
// has no caches.
func TestNotCollected(t *testing.T) {
	for _, c := range elasticache.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].ElastiCache = state()
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "elasticache"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].ElastiCache = &snapec.ElastiCache{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no caches: %+v", c.ID, rs)
		}
	}
}
