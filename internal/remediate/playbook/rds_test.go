package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdsapi "github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const rdsRegion = "eu-west-1"

func rdsARN(kind, name string) string {
	return "arn:aws:rds:" + rdsRegion + ":" + simtest.Member + ":" + kind + ":" + name
}

// rdsWorld gives the member account a well-configured PostgreSQL
// instance, a manual snapshot and a manual cluster snapshot, both
// private and unencrypted, and an Aurora cluster with one member; each
// case's setup then misconfigures one of them through the SDK.
func rdsWorld(w *world.World) {
	r := &w.Account(simtest.Member).In(rdsRegion).RDS
	r.Instances = append(r.Instances,
		&world.DBInstance{ID: "app-db", Engine: "postgres", EngineVersion: "16.3", StorageEncrypted: true, DeletionProtection: true,
			AutoMinorVersionUpgrade: true, CopyTagsToSnapshot: true, BackupRetentionPeriod: 14, VpcID: "vpc-1", Created: simtest.Now},
		&world.DBInstance{ID: "reports-1", Engine: "aurora-postgresql", ClusterID: "reports", StorageEncrypted: true,
			AutoMinorVersionUpgrade: true, BackupRetentionPeriod: 1, VpcID: "vpc-1", Created: simtest.Now})
	r.Clusters = append(r.Clusters, &world.DBCluster{ID: "reports", Engine: "aurora-postgresql", StorageEncrypted: true,
		BackupRetentionPeriod: 1, Members: []string{"reports-1"}, Created: simtest.Now})
	r.Snapshots = append(r.Snapshots, &world.DBSnapshot{ID: "app-before-upgrade", InstanceID: "app-db", Engine: "postgres", Created: simtest.Now})
	r.ClusterSnapshots = append(r.ClusterSnapshots, &world.DBClusterSnapshot{ID: "reports-2025", ClusterID: "reports", Created: simtest.Now})
}

// rdsModify changes the app-db instance as a user would.
func rdsModify(in rdsapi.ModifyDBInstanceInput) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		in.DBInstanceIdentifier, in.ApplyImmediately = aws.String("app-db"), aws.Bool(true)
		if _, err := rdsapi.NewFromConfig(cfg).ModifyDBInstance(context.Background(), &in); err != nil {
			t.Fatal(err)
		}
		return playbook.Resource{ARN: rdsARN("db", "app-db")}
	}
}

func rdsCases() []roundTrip {
	return []roundTrip{
		{control: "RDS.1", region: rdsRegion, world: rdsWorld, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			// Shared with a partner account and, by mistake, with everyone.
			if _, err := rdsapi.NewFromConfig(cfg).ModifyDBSnapshotAttribute(context.Background(), &rdsapi.ModifyDBSnapshotAttributeInput{
				DBSnapshotIdentifier: aws.String("app-before-upgrade"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"444455556666", "all"},
			}); err != nil {
				t.Fatal(err)
			}
			return playbook.Resource{ARN: rdsARN("snapshot", "app-before-upgrade")}
		}},
		{name: "RDS.1/cluster-snapshot", control: "RDS.1", region: rdsRegion, world: rdsWorld, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			if _, err := rdsapi.NewFromConfig(cfg).ModifyDBClusterSnapshotAttribute(context.Background(), &rdsapi.ModifyDBClusterSnapshotAttributeInput{
				DBClusterSnapshotIdentifier: aws.String("reports-2025"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"},
			}); err != nil {
				t.Fatal(err)
			}
			return playbook.Resource{ARN: rdsARN("cluster-snapshot", "reports-2025")}
		}},
		{control: "RDS.2", region: rdsRegion, world: rdsWorld, setup: rdsModify(rdsapi.ModifyDBInstanceInput{PubliclyAccessible: aws.Bool(true)})},
		{control: "RDS.8", region: rdsRegion, world: rdsWorld, setup: rdsModify(rdsapi.ModifyDBInstanceInput{DeletionProtection: aws.Bool(false)})},
		{control: "RDS.11", region: rdsRegion, world: rdsWorld, setup: rdsModify(rdsapi.ModifyDBInstanceInput{BackupRetentionPeriod: aws.Int32(0)})},
		{name: "RDS.11/three-days", control: "RDS.11", region: rdsRegion, world: rdsWorld,
			setup: rdsModify(rdsapi.ModifyDBInstanceInput{BackupRetentionPeriod: aws.Int32(3)})},
		{name: "RDS.11/cluster-member", control: "RDS.11", region: rdsRegion, world: rdsWorld, skip: "the backup retention period is the cluster's",
			setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				return playbook.Resource{ARN: rdsARN("db", "reports-1")}
			}},
		{control: "RDS.13", region: rdsRegion, world: rdsWorld, setup: rdsModify(rdsapi.ModifyDBInstanceInput{AutoMinorVersionUpgrade: aws.Bool(false)})},
		{control: "RDS.17", region: rdsRegion, world: rdsWorld, setup: rdsModify(rdsapi.ModifyDBInstanceInput{CopyTagsToSnapshot: aws.Bool(false)})},
	}
}

// fixExample is one Fix of a playbook on a JSON state: the state it
// gives, or the skip it says.
type fixExample struct {
	name, control string
	env           playbook.Env
	cur, want     string
	skip          string
}

func runFixExamples(t *testing.T, examples []fixExample) {
	t.Helper()
	for _, ex := range examples {
		t.Run(ex.control+"/"+ex.name, func(t *testing.T) {
			p := playbook.ByControl(ex.control)
			if p == nil {
				t.Fatalf("no playbook for %s", ex.control)
			}
			got, err := p.Fix(ex.env, json.RawMessage(ex.cur))
			if ex.skip != "" {
				if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), ex.skip) {
					t.Fatalf("Fix(%s) = %s, %v; want a skip saying %q", ex.cur, got, err, ex.skip)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fix(%s): %v", ex.cur, err)
			}
			if !jsonEqual(got, json.RawMessage(ex.want)) {
				t.Errorf("Fix(%s) = %s, want %s", ex.cur, got, ex.want)
			}
		})
	}
}

// TestRDSFix: RDS.1 keeps the accounts a snapshot is shared with; the
// instance playbooks keep stricter values, and skip what is the
// cluster's to set.
func TestRDSFix(t *testing.T) {
	runFixExamples(t, []fixExample{
		{name: "keeps accounts", control: "RDS.1", cur: `{"restore":["111122223333","444455556666","all"]}`,
			want: `{"restore":["111122223333","444455556666"]}`},
		{name: "public only", control: "RDS.1", cur: `{"restore":["all"]}`, want: `{"restore":[]}`},
		{name: "private", control: "RDS.1", cur: `{"restore":[]}`, want: `{"restore":[]}`},
		{name: "public", control: "RDS.2", cur: `{"publicly_accessible":true}`, want: `{"publicly_accessible":false}`},
		{name: "off", control: "RDS.8", cur: `{"deletion_protection":false}`, want: `{"deletion_protection":true}`},
		{name: "cluster member", control: "RDS.8", cur: `{"deletion_protection":false,"cluster":"c1"}`, skip: "the cluster's setting (RDS.7)"},
		{name: "none", control: "RDS.11", cur: `{"backup_retention_days":0}`, want: `{"backup_retention_days":7}`},
		{name: "short", control: "RDS.11", cur: `{"backup_retention_days":6}`, want: `{"backup_retention_days":7}`},
		{name: "longer kept", control: "RDS.11", cur: `{"backup_retention_days":30}`, want: `{"backup_retention_days":30}`},
		{name: "replica", control: "RDS.11", cur: `{"backup_retention_days":0,"replica_of":"app-db"}`, skip: "read replica of app-db"},
		{name: "cluster member", control: "RDS.11", cur: `{"backup_retention_days":1,"cluster":"c1"}`, skip: "member of DB cluster c1"},
		{name: "off", control: "RDS.13", cur: `{"auto_minor_version_upgrade":false}`, want: `{"auto_minor_version_upgrade":true}`},
		{name: "off", control: "RDS.17", cur: `{"copy_tags_to_snapshot":false}`, want: `{"copy_tags_to_snapshot":true}`},
		{name: "cluster member", control: "RDS.17", cur: `{"copy_tags_to_snapshot":false,"cluster":"c1"}`, skip: "(RDS.16)"},
	})
}

// TestRDSGone: a snapshot or instance deleted since the finding is
// skipped, saying so.
func TestRDSGone(t *testing.T) {
	sim := simtest.Start(t, simtest.NewWorld())
	cfg := sim.Config(t, simtest.Member, rdsRegion)
	for control, arn := range map[string]string{
		"RDS.1":  rdsARN("snapshot", "gone"),
		"RDS.2":  rdsARN("db", "gone"),
		"RDS.17": rdsARN("db", "gone"),
	} {
		env := playbook.Env{Config: cfg, Account: simtest.Member, Region: rdsRegion, Resource: playbook.Resource{ARN: arn}, Now: simtest.Now}
		_, err := playbook.ByControl(control).Read(context.Background(), env)
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "gone no longer exists") {
			t.Errorf("%s Read of %s = %v, want a skip", control, arn, err)
		}
	}
	env := playbook.Env{Config: cfg, Account: simtest.Member, Region: rdsRegion, Resource: playbook.Resource{ARN: rdsARN("cluster-snapshot", "gone")}, Now: simtest.Now}
	if _, err := playbook.ByControl("RDS.1").Read(context.Background(), env); !errors.Is(err, playbook.ErrSkip) {
		t.Errorf("RDS.1 Read of a cluster snapshot that is gone = %v, want a skip", err)
	}
}

// TestRDSKMSLambdaActions runs each RDS, KMS and Lambda case's read, fix
// and rollback through a recorder: every call is an action the playbook
// declares (the least-privilege policy is made of them).
func TestRDSKMSLambdaActions(t *testing.T) {
	var cases []roundTrip
	for _, f := range []func() []roundTrip{rdsCases, kmsCases, lambdaCases} {
		cases = append(cases, f()...)
	}
	for _, tc := range cases {
		name := tc.name
		if name == "" {
			name = tc.control
		}
		t.Run(name, func(t *testing.T) {
			w := simtest.NewWorld()
			if tc.world != nil {
				tc.world(w)
			}
			sim := simtest.Start(t, w)
			region := tc.region
			if region == "" {
				region = "us-east-1"
			}
			cfg := sim.Config(t, simtest.Member, region)
			res := tc.setup(t, cfg)
			var rec collecttest.Recorder
			env := playbook.Env{Config: rec.Instrument(cfg), Account: simtest.Member, Region: region, Resource: res, Params: tc.params, Now: simtest.Now}
			p := playbook.ByControl(tc.control)
			ctx := context.Background()
			cur, err := p.Read(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			if want, err := p.Fix(env, cur); err == nil {
				if err := p.Set(ctx, env, cur, want); err != nil {
					t.Fatal(err)
				}
				now, err := p.Read(ctx, env)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.Set(ctx, env, now, cur); err != nil {
					t.Fatal(err)
				}
			}
			if len(rec.Actions()) == 0 {
				t.Fatal("no call recorded")
			}
			declared := p.Info().Actions
			for _, a := range rec.Actions() {
				if !slices.Contains(declared, a) {
					t.Errorf("%s calls %s, which it does not declare (%v)", p.Info().Name, a, declared)
				}
			}
		})
	}
}
