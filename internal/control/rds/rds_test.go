package rds_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snaprds "github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, rds.Controls(), id)
}

// TestCatalog pins the IDs, severities and scope the brief and Security
// Hub give, and that the catalog accepts the controls.
func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{
		"RDS.1": control.Critical, "RDS.2": control.Critical, "RDS.3": control.Medium, "RDS.4": control.Medium,
		"RDS.5": control.Medium, "RDS.6": control.Low, "RDS.8": control.Low, "RDS.9": control.Medium,
		"RDS.10": control.Medium, "RDS.11": control.Medium, "RDS.13": control.High, "RDS.17": control.Low,
		"RDS.18": control.High, "RDS.23": control.Low,
		"RDS.7": control.Low, "RDS.12": control.Medium, "RDS.14": control.Medium, "RDS.15": control.Medium,
		"RDS.16": control.Low, "RDS.19": control.Low, "RDS.20": control.Low, "RDS.24": control.Medium,
		"RDS.21": control.Low, "RDS.22": control.Low,
		"RDS.25": control.Medium, "RDS.27": control.Medium, "RDS.34": control.Medium, "RDS.35": control.Medium,
	}
	cs := rds.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "rds" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(id string) string { return "arn:aws:rds:us-east-1:111122223333:db:" + id }

// good is an instance that passes every instance control.
func good(id string) *snaprds.Instance {
	return &snaprds.Instance{ARN: arn(id), ID: id, Engine: "postgres", Status: "available", StorageEncrypted: true,
		MultiAZ: true, MonitoringInterval: 60, LogExports: []string{"postgresql", "upgrade"}, IAMAuth: true,
		BackupRetentionDays: 14, AutoMinorVersionUpgrade: true, CopyTagsToSnapshot: true, DeletionProtection: true,
		VpcID: "vpc-1", Port: 6432}
}

func with(id string, change func(i *snaprds.Instance)) *snaprds.Instance {
	i := good(id)
	change(i)
	return i
}

func eval(t *testing.T, c *control.Control, r *snaprds.RDS) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].RDS = r
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func TestInstanceControls(t *testing.T) {
	cluster := &snaprds.Cluster{ID: "c1", Engine: "aurora-postgresql", LogExports: []string{"postgresql"}}
	member := func(id string, change func(i *snaprds.Instance)) *snaprds.Instance {
		return with(id, func(i *snaprds.Instance) {
			i.Engine, i.ClusterID, i.MultiAZ, i.LogExports, i.CopyTagsToSnapshot, i.DeletionProtection, i.Port =
				"aurora-postgresql", "c1", false, nil, false, false, 5433
			if change != nil {
				change(i)
			}
		})
	}
	P, F, N, E := control.Passed, control.Failed, control.NotApplicable, control.Error
	for _, tc := range []struct {
		id   string
		rds  *snaprds.RDS
		want map[string]control.Status
	}{
		{"RDS.2", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("public", func(i *snaprds.Instance) { i.PubliclyAccessible = true })}},
			map[string]control.Status{arn("ok"): P, arn("public"): F}},
		{"RDS.3", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("plain", func(i *snaprds.Instance) { i.StorageEncrypted = false })}},
			map[string]control.Status{arn("ok"): P, arn("plain"): F}},
		{"RDS.5", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("single", func(i *snaprds.Instance) { i.MultiAZ = false }),
			member("member", nil), with("neptune", func(i *snaprds.Instance) { i.Engine, i.MultiAZ = "neptune", false })}},
			map[string]control.Status{arn("ok"): P, arn("single"): F, arn("member"): N, arn("neptune"): N}},
		{"RDS.6", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("blind", func(i *snaprds.Instance) { i.MonitoringInterval = 0 })}},
			map[string]control.Status{arn("ok"): P, arn("blind"): F}},
		{"RDS.8", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("fragile", func(i *snaprds.Instance) { i.Engine, i.DeletionProtection = "mysql", false }),
			member("member", nil)}},
			map[string]control.Status{arn("ok"): P, arn("fragile"): F, arn("member"): N}},
		{"RDS.9", &snaprds.RDS{Clusters: []*snaprds.Cluster{cluster}, Instances: []*snaprds.Instance{
			good("ok"),
			with("no-upgrade-log", func(i *snaprds.Instance) { i.LogExports = []string{"postgresql"} }),
			with("mysql-some", func(i *snaprds.Instance) { i.Engine, i.LogExports = "mysql", []string{"error", "slowquery"} }),
			with("oracle-all", func(i *snaprds.Instance) {
				i.Engine, i.LogExports = "oracle-ee", []string{"alert", "audit", "trace", "listener"}
			}),
			with("docdb", func(i *snaprds.Instance) { i.Engine = "docdb" }),
			member("member", nil),
			member("orphan", func(i *snaprds.Instance) { i.ClusterID = "gone" }),
		}},
			map[string]control.Status{arn("ok"): P, arn("no-upgrade-log"): F, arn("mysql-some"): F, arn("oracle-all"): P,
				arn("docdb"): N, arn("member"): P, arn("orphan"): E}},
		{"RDS.9", &snaprds.RDS{Errors: map[string]string{"clusters": "AccessDenied: no"}, Instances: []*snaprds.Instance{good("ok"), member("member", nil)}},
			map[string]control.Status{arn("ok"): P, arn("member"): E}},
		{"RDS.10", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("passwords", func(i *snaprds.Instance) { i.IAMAuth = false }),
			with("oracle", func(i *snaprds.Instance) { i.Engine, i.IAMAuth = "oracle-se2", false }),
			with("stopped", func(i *snaprds.Instance) { i.Status, i.IAMAuth = "stopped", false })}},
			map[string]control.Status{arn("ok"): P, arn("passwords"): F, arn("oracle"): N, arn("stopped"): N}},
		{"RDS.11", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("none", func(i *snaprds.Instance) { i.BackupRetentionDays = 0 }),
			with("short", func(i *snaprds.Instance) { i.BackupRetentionDays = 6 }), with("week", func(i *snaprds.Instance) { i.BackupRetentionDays = 7 }),
			with("replica", func(i *snaprds.Instance) { i.ReplicaOf, i.BackupRetentionDays = "ok", 0 })}},
			map[string]control.Status{arn("ok"): P, arn("none"): F, arn("short"): F, arn("week"): P, arn("replica"): N}},
		{"RDS.13", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("pinned", func(i *snaprds.Instance) { i.AutoMinorVersionUpgrade = false })}},
			map[string]control.Status{arn("ok"): P, arn("pinned"): F}},
		{"RDS.17", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("untagged", func(i *snaprds.Instance) { i.CopyTagsToSnapshot = false }),
			member("member", nil)}},
			map[string]control.Status{arn("ok"): P, arn("untagged"): F, arn("member"): N}},
		{"RDS.18", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("classic", func(i *snaprds.Instance) { i.VpcID = "" })}},
			map[string]control.Status{arn("ok"): P, arn("classic"): F}},
		{"RDS.23", &snaprds.RDS{Instances: []*snaprds.Instance{good("ok"), with("default", func(i *snaprds.Instance) { i.Port = 5432 }),
			with("mysql", func(i *snaprds.Instance) { i.Engine, i.Port = "mysql", 3306 }),
			with("sqlserver", func(i *snaprds.Instance) { i.Engine, i.Port = "sqlserver-se", 1444 }),
			with("creating", func(i *snaprds.Instance) { i.Port, i.Status = 0, "creating" }),
			with("custom", func(i *snaprds.Instance) { i.Engine = "custom-sqlserver-ee" }),
			member("member", func(i *snaprds.Instance) { i.Port = 5432 })}},
			map[string]control.Status{arn("ok"): P, arn("default"): F, arn("mysql"): F, arn("sqlserver"): P, arn("creating"): E,
				arn("custom"): N, arn("member"): F}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			got := eval(t, byID(t, tc.id), tc.rds)
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s: %s, want %s", k, got[k], w)
				}
			}
		})
	}
}

func snapARN(id string) string { return "arn:aws:rds:us-east-1:111122223333:snapshot:" + id }

func TestSnapshotControls(t *testing.T) {
	snaps := []*snaprds.Snapshot{
		{ARN: snapARN("private"), ID: "private", Type: "manual", Encrypted: true},
		{ARN: snapARN("shared"), ID: "shared", Type: "manual", Encrypted: true, RestorableBy: []string{"444455556666"}},
		{ARN: snapARN("public"), ID: "public", Type: "manual", RestorableBy: []string{"all"}},
		{ARN: snapARN("rds:auto"), ID: "rds:auto", Type: "automated", Encrypted: true},
		{ARN: snapARN("unknown"), ID: "unknown", Type: "manual", Errors: map[string]string{"attributes": "AccessDenied: no"}},
		{ARN: "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:cs", ID: "cs", Cluster: true, Type: "manual", RestorableBy: []string{"all"}},
	}
	P, F, E := control.Passed, control.Failed, control.Error
	got := eval(t, byID(t, "RDS.1"), &snaprds.RDS{Snapshots: snaps})
	want := map[string]control.Status{snapARN("private"): P, snapARN("shared"): P, snapARN("public"): F, snapARN("rds:auto"): P,
		snapARN("unknown"): E, "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:cs": F}
	check(t, "RDS.1", got, want)
	got = eval(t, byID(t, "RDS.4"), &snaprds.RDS{Snapshots: snaps})
	want = map[string]control.Status{snapARN("private"): P, snapARN("shared"): P, snapARN("public"): F, snapARN("rds:auto"): P,
		snapARN("unknown"): F, "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:cs": F}
	check(t, "RDS.4", got, want)

	// A list that could not be read is one ERROR for the region; what was
	// listed is still judged.
	r := &snaprds.RDS{Snapshots: snaps[:1], Errors: map[string]string{"cluster_snapshots": "AccessDenied: no", "snapshots": "Throttling: slow"}}
	rs := controltest.Eval(byID(t, "RDS.1"), snapshotOf(r))
	check(t, "RDS.1 list error", controltest.Statuses(t, rs), map[string]control.Status{
		snapARN("private"): P, "AWS::::Account:111122223333@us-east-1": E})
	for _, res := range rs {
		if res.Status == E && res.Reason != "could not list DB snapshots: Throttling: slow; DB cluster snapshots: AccessDenied: no" {
			t.Errorf("reason = %q", res.Reason)
		}
		if res.Resource.ARN == snapARN("private") && res.Resource.Type != "AwsRdsDbSnapshot" {
			t.Errorf("type = %q", res.Resource.Type)
		}
	}
}

func snapshotOf(r *snaprds.RDS) *snapshot.Snapshot {
	a := controltest.Account(region)
	a.Regions[region].RDS = r
	return controltest.Snapshot(a)
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

// TestNotCollected: every control reports ERROR, never PASSED, for a
// region whose RDS state is missing or has a gap, and nothing when the
// region has no databases.
func TestNotCollected(t *testing.T) {
	for _, c := range rds.Controls() {
		a := controltest.Account(region)
		rs := controltest.Eval(c, controltest.Snapshot(a))
		if len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].RDS = &snaprds.RDS{Instances: []*snaprds.Instance{good("ok")},
			Snapshots: []*snaprds.Snapshot{{ARN: snapARN("s"), ID: "s", Type: "manual", Encrypted: true}}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "rds"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].RDS = &snaprds.RDS{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no databases: %+v", c.ID, rs)
		}
	}
}
