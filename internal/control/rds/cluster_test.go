package rds_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	snaprds "github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

func clusterARN(id string) string { return "arn:aws:rds:us-east-1:111122223333:cluster:" + id }

// goodCluster passes every cluster control that applies to its engine.
func goodCluster(id, engine string, change func(c *snaprds.Cluster)) *snaprds.Cluster {
	c := &snaprds.Cluster{ARN: clusterARN(id), ID: id, Engine: engine, Status: "available", StorageEncrypted: true,
		MultiAZ: true, IAMAuth: true, DeletionProtection: true, BackupRetentionDays: 7, MasterUsername: "dbo_owner",
		BacktrackWindow: 86400, CopyTagsToSnapshot: true, AutoMinorVersionUpgrade: true, LogExports: []string{"audit", "error"}}
	if change != nil {
		change(c)
	}
	return c
}

func TestClusterControls(t *testing.T) {
	P, F, N := control.Passed, control.Failed, control.NotApplicable
	for _, tc := range []struct {
		id       string
		clusters []*snaprds.Cluster
		want     map[string]control.Status
	}{
		{"RDS.7", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("open", "aurora-postgresql", func(c *snaprds.Cluster) { c.DeletionProtection = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("open"): F}},
		{"RDS.12", []*snaprds.Cluster{goodCluster("ok", "aurora-postgresql", nil),
			goodCluster("pw", "mysql", func(c *snaprds.Cluster) { c.IAMAuth = false }),
			goodCluster("doc", "docdb", func(c *snaprds.Cluster) { c.IAMAuth = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("pw"): F, clusterARN("doc"): N}},
		{"RDS.14", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("v1", "aurora", func(c *snaprds.Cluster) { c.BacktrackWindow = 0 }),
			goodCluster("pg", "aurora-postgresql", func(c *snaprds.Cluster) { c.BacktrackWindow = 0 })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("v1"): F, clusterARN("pg"): N}},
		{"RDS.15", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("one", "aurora-mysql", func(c *snaprds.Cluster) { c.MultiAZ = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("one"): F}},
		{"RDS.16", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("bare", "postgres", func(c *snaprds.Cluster) { c.CopyTagsToSnapshot = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("bare"): F}},
		{"RDS.24", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("admin", "aurora-mysql", func(c *snaprds.Cluster) { c.MasterUsername = "admin" }),
			goodCluster("pg", "aurora-postgresql", func(c *snaprds.Cluster) { c.MasterUsername = "Postgres" }),
			goodCluster("neptune", "neptune", func(c *snaprds.Cluster) { c.MasterUsername = "" })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("admin"): F, clusterARN("pg"): F, clusterARN("neptune"): N}},
		{"RDS.27", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("plain", "aurora-mysql", func(c *snaprds.Cluster) { c.StorageEncrypted = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("plain"): F}},
		{"RDS.34", []*snaprds.Cluster{goodCluster("ok", "aurora-mysql", nil),
			goodCluster("quiet", "aurora-mysql", func(c *snaprds.Cluster) { c.LogExports = []string{"error", "slowquery"} }),
			goodCluster("pg", "aurora-postgresql", func(c *snaprds.Cluster) { c.LogExports = nil })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("quiet"): F, clusterARN("pg"): N}},
		{"RDS.35", []*snaprds.Cluster{goodCluster("ok", "postgres", nil),
			goodCluster("pinned", "mysql", func(c *snaprds.Cluster) { c.AutoMinorVersionUpgrade = false }),
			goodCluster("aurora", "aurora-mysql", func(c *snaprds.Cluster) { c.AutoMinorVersionUpgrade = false })},
			map[string]control.Status{clusterARN("ok"): P, clusterARN("pinned"): F, clusterARN("aurora"): N}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			check(t, tc.id, eval(t, byID(t, tc.id), &snaprds.RDS{Clusters: tc.clusters}), tc.want)
		})
	}
}

// TestClusterListUnread: a cluster list that could not be read is one
// ERROR for the region, never a pass; the instance controls still judge.
func TestClusterListUnread(t *testing.T) {
	for _, id := range []string{"RDS.7", "RDS.12", "RDS.14", "RDS.15", "RDS.16", "RDS.24", "RDS.27", "RDS.34", "RDS.35"} {
		got := eval(t, byID(t, id), &snaprds.RDS{Errors: map[string]string{"clusters": "AccessDenied: no"}})
		check(t, id, got, map[string]control.Status{"AWS::::Account:111122223333@us-east-1": control.Error})
	}
}

func TestInstanceAdminName(t *testing.T) {
	P, F, N := control.Passed, control.Failed, control.NotApplicable
	r := &snaprds.RDS{Instances: []*snaprds.Instance{
		with("ok", func(i *snaprds.Instance) { i.MasterUsername = "app_owner" }),
		with("pg", func(i *snaprds.Instance) { i.MasterUsername = "postgres" }),
		with("my", func(i *snaprds.Instance) { i.Engine, i.MasterUsername = "mysql", "admin" }),
		with("member", func(i *snaprds.Instance) { i.ClusterID, i.MasterUsername = "c1", "admin" }),
		with("none", func(i *snaprds.Instance) { i.Engine, i.MasterUsername = "neptune", "" }),
	}}
	check(t, "RDS.25", eval(t, byID(t, "RDS.25"), r), map[string]control.Status{
		arn("ok"): P, arn("pg"): F, arn("my"): F, arn("member"): N, arn("none"): N})
}

func esARN(name string) string { return "arn:aws:rds:us-east-1:111122223333:es:" + name }

func TestEventSubscriptions(t *testing.T) {
	P, F, N := control.Passed, control.Failed, control.NotApplicable
	subs := []*snaprds.EventSubscription{
		{ARN: esARN("clusters"), Name: "clusters", SourceType: "db-cluster", Categories: []string{"failure", "maintenance"}, Enabled: true},
		{ARN: esARN("cluster-failover"), Name: "cluster-failover", SourceType: "db-cluster", Categories: []string{"failover"}, Enabled: true},
		{ARN: esARN("instances"), Name: "instances", SourceType: "db-instance", Categories: []string{"failure", "maintenance", "configuration change", "deletion"}, Enabled: true},
		{ARN: esARN("instance-failures"), Name: "instance-failures", SourceType: "db-instance", Categories: []string{"failure"}, Enabled: true},
		{ARN: esARN("everything"), Name: "everything", Enabled: true},
		{ARN: esARN("off"), Name: "off", SourceType: "db-instance", Enabled: false},
		{ARN: esARN("params"), Name: "params", SourceType: "db-parameter-group", Enabled: true},
		{ARN: esARN("params-fail"), Name: "params-fail", SourceType: "db-parameter-group", Categories: []string{"failure"}, Enabled: true},
		{ARN: esARN("sgs"), Name: "sgs", SourceType: "db-security-group", Categories: []string{"configuration change", "failure"}, Enabled: true},
		{ARN: esARN("sgs-change"), Name: "sgs-change", SourceType: "db-security-group", Categories: []string{"configuration change"}, Enabled: true},
	}
	r := &snaprds.RDS{EventSubscriptions: subs}
	check(t, "RDS.19", eval(t, byID(t, "RDS.19"), r), map[string]control.Status{
		esARN("clusters"): P, esARN("cluster-failover"): F, esARN("instances"): N, esARN("instance-failures"): N,
		esARN("everything"): P, esARN("off"): N, esARN("params"): N,
		esARN("params-fail"): N, esARN("sgs"): N, esARN("sgs-change"): N})
	check(t, "RDS.20", eval(t, byID(t, "RDS.20"), r), map[string]control.Status{
		esARN("clusters"): N, esARN("cluster-failover"): N, esARN("instances"): P, esARN("instance-failures"): F,
		esARN("everything"): P, esARN("off"): F, esARN("params"): N,
		esARN("params-fail"): N, esARN("sgs"): N, esARN("sgs-change"): N})
	check(t, "RDS.21", eval(t, byID(t, "RDS.21"), r), map[string]control.Status{
		esARN("clusters"): N, esARN("cluster-failover"): N, esARN("instances"): N, esARN("instance-failures"): N,
		esARN("everything"): P, esARN("off"): N, esARN("params"): P,
		esARN("params-fail"): F, esARN("sgs"): N, esARN("sgs-change"): N})
	check(t, "RDS.22", eval(t, byID(t, "RDS.22"), r), map[string]control.Status{
		esARN("clusters"): N, esARN("cluster-failover"): N, esARN("instances"): N, esARN("instance-failures"): N,
		esARN("everything"): P, esARN("off"): N, esARN("params"): N,
		esARN("params-fail"): N, esARN("sgs"): P, esARN("sgs-change"): F})
	// An unread list is one ERROR, never a pass.
	r.Errors = map[string]string{"event_subscriptions": "AccessDenied: no"}
	for _, id := range []string{"RDS.19", "RDS.20", "RDS.21", "RDS.22"} {
		got := controltest.Statuses(t, controltest.Eval(byID(t, id), snapshotOf(r)))
		check(t, id, got, map[string]control.Status{"AWS::::Account:111122223333@us-east-1": control.Error})
	}
}
