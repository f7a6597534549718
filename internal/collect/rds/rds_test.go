package rds_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/rds"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	snaprds "github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

// Demo accounts (internal/sim/demo/data/org.yaml) and their profiles.
const (
	hardened  = "222222222222" // security-tooling
	logs      = "333333333333" // log-archive
	weak      = "555555555501" // payments-dev
	neglected = "666666666601" // sandbox-alice
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snaprds.RDS, error) {
	t.Helper()
	a, err := collecttest.Run(t, rds.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].RDS, err
}

func instance(t *testing.T, r *snaprds.RDS, id string) *snaprds.Instance {
	t.Helper()
	for _, i := range r.Instances {
		if i.ID == id {
			return i
		}
	}
	t.Fatalf("no instance %s in %+v", id, r.Instances)
	return nil
}

func snap(t *testing.T, r *snaprds.RDS, id string) *snaprds.Snapshot {
	t.Helper()
	for _, s := range r.Snapshots {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no snapshot %s", id)
	return nil
}

func TestHardened(t *testing.T) {
	s := start(t)
	r, err := collect(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 0 {
		t.Errorf("errors = %v", r.Errors)
	}
	i := instance(t, r, "findings-db")
	if i.ARN != "arn:aws:rds:us-east-1:222222222222:db:findings-db" || i.Engine != "postgres" || i.Port != 6432 ||
		i.MonitoringInterval != 60 || fmt.Sprint(i.LogExports) != "[postgresql upgrade]" || i.VpcID != "vpc-0a11ce5ec0001beef" ||
		!i.StorageEncrypted || i.PubliclyAccessible || !i.MultiAZ || !i.IAMAuth || i.BackupRetentionDays != 14 ||
		!i.AutoMinorVersionUpgrade || !i.CopyTagsToSnapshot || !i.DeletionProtection || i.Tags["owner"] != "secops" || i.Status != "available" {
		t.Errorf("instance = %+v", i)
	}
	m := snap(t, r, "findings-db-before-v16")
	if m.Type != "manual" || !m.Encrypted || fmt.Sprint(m.RestorableBy) != "["+logs+"]" || m.Public() || m.Source != "findings-db" {
		t.Errorf("manual snapshot = %+v", m)
	}
	a := snap(t, r, "rds:findings-db-2024-01-01")
	if a.Type != "automated" || a.RestorableBy != nil || a.Errors != nil {
		t.Errorf("automated snapshot = %+v", a)
	}
	// Another region of the same account has no databases.
	r, err = collect(t, s, hardened, "eu-west-1")
	if err != nil || len(r.Instances) != 0 || len(r.Snapshots) != 0 {
		t.Errorf("eu-west-1 = %+v, %v", r, err)
	}
}

func TestWeakAndNeglected(t *testing.T) {
	s := start(t)
	r, err := collect(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if i := instance(t, r, "dev-mysql"); !i.PubliclyAccessible || i.StorageEncrypted || i.Port != 3306 || i.AutoMinorVersionUpgrade {
		t.Errorf("dev-mysql = %+v", i)
	}
	if p := snap(t, r, "dev-mysql-share-with-vendor"); !p.Public() || p.Encrypted {
		t.Errorf("public snapshot = %+v", p)
	}
	if p := snap(t, r, "dev-mysql-before-migration"); p.Public() || fmt.Sprint(p.RestorableBy) != "[999988887777]" {
		t.Errorf("shared snapshot = %+v", p)
	}
	r, err = collect(t, s, neglected, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if i := instance(t, r, "test-aurora-1"); i.ClusterID != "test-aurora" || i.Engine != "aurora-mysql" {
		t.Errorf("aurora member = %+v", i)
	}
	c := r.Cluster("test-aurora")
	if c == nil || fmt.Sprint(c.Members) != "[test-aurora-1]" || c.StorageEncrypted || c.ARN != "arn:aws:rds:eu-west-1:666666666601:cluster:test-aurora" {
		t.Errorf("cluster = %+v", c)
	}
	if cs := snap(t, r, "test-aurora-manual"); !cs.Cluster || !cs.Public() || cs.Source != "test-aurora" || cs.Encrypted {
		t.Errorf("cluster snapshot = %+v", cs)
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "rds", Action: "DescribeDBInstances"}}})
	_, err := collect(t, s, weak, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "describe db instances") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want describe db instances: AccessDenied", err)
	}
}

// TestDetailDenied: what fewer controls need is recorded where it was
// lost, and the rest is collected.
func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: weak, Service: "rds", Action: "DescribeDBSnapshotAttributes"},
		{Account: neglected, Service: "rds", Action: "DescribeDBClusters"},
		{Account: neglected, Service: "rds", Action: "DescribeDBClusterSnapshots"},
	}})
	r, err := collect(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	p := snap(t, r, "dev-mysql-share-with-vendor")
	if !strings.HasPrefix(p.Errors["attributes"], "AccessDenied") || p.RestorableBy != nil {
		t.Errorf("denied snapshot = %+v", p)
	}
	if len(r.Instances) != 2 {
		t.Errorf("instances = %d", len(r.Instances))
	}
	r, err = collect(t, s, neglected, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Errors["clusters"], "AccessDenied") || !strings.HasPrefix(r.Errors["cluster_snapshots"], "AccessDenied") ||
		r.Errors["snapshots"] != "" || len(r.Clusters) != 0 || len(r.Instances) != 1 {
		t.Errorf("rds = %+v errors %v", r, r.Errors)
	}
}

// TestClustersAndSubscriptions reads the cluster settings and event
// subscriptions the cluster and event controls judge, and records a
// denied subscription list where it was lost.
func TestClustersAndSubscriptions(t *testing.T) {
	s := start(t)
	r, err := collect(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	c := r.Cluster("detections")
	if c == nil || c.Engine != "aurora-mysql" || c.MasterUsername != "detections_admin" || c.BacktrackWindow != 86400 ||
		!c.CopyTagsToSnapshot || c.Port != 3307 || c.Status != "available" || c.Tags["owner"] != "secops" {
		t.Errorf("cluster = %+v", c)
	}
	if i := instance(t, r, "findings-db"); i.MasterUsername != "findings_admin" {
		t.Errorf("master username = %q", i.MasterUsername)
	}
	if len(r.EventSubscriptions) != 4 {
		t.Fatalf("subscriptions = %+v", r.EventSubscriptions)
	}
	e := r.EventSubscriptions[1]
	if e.Name != "cluster-critical" || e.SourceType != "db-cluster" || fmt.Sprint(e.Categories) != "[failure maintenance failover]" ||
		!e.Enabled || e.ARN != "arn:aws:rds:us-east-1:222222222222:es:cluster-critical" || !strings.HasSuffix(e.Topic, ":cis-security-alarms") {
		t.Errorf("subscription = %+v", e)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "rds", Action: "DescribeEventSubscriptions"}}})
	r, err = collect(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Errors["event_subscriptions"], "AccessDenied") || r.EventSubscriptions != nil || len(r.Clusters) != 1 {
		t.Errorf("denied subscriptions: %+v %v", r.EventSubscriptions, r.Errors)
	}
}
