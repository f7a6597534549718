package rds_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdssdk "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.RDS = world.RDS{
		Instances: []*world.DBInstance{
			{ID: "prod", Engine: "postgres", StorageEncrypted: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k", BackupRetentionPeriod: 1,
				DeletionProtection: true, IAMAuth: true, MultiAZ: true, AutoMinorVersionUpgrade: true, LogExports: []string{"postgresql"},
				VpcSecurityGroups: []string{"sg-1"}, VpcID: "vpc-1", Created: created},
			{ID: "dev", Engine: "mysql", PubliclyAccessible: true, Created: created},
		},
		Snapshots: []*world.DBSnapshot{
			{ID: "public-snap", InstanceID: "dev", Engine: "mysql", Restore: []string{"all"}, Created: created},
			{ID: "enc-snap", InstanceID: "prod", Encrypted: true, Created: created},
			{ID: "prod-2024", InstanceID: "prod", Type: "automated", Encrypted: true, Created: created},
		},
		ClusterSnapshots:   []*world.DBClusterSnapshot{{ID: "cs", ClusterID: "c1", Created: created}},
		EventSubscriptions: []*world.RDSEventSubscription{{Name: "es", SNSTopicARN: "arn:aws:sns:eu-west-1:222222222222:t", SourceType: "db-instance", EventCategories: []string{"failure"}, Enabled: true, Created: created}},
	}
	return w
}

func TestInstances(t *testing.T) {
	s := simtest.Start(t, seed())
	c := rdssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{})
	if err != nil || len(out.DBInstances) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	d := out.DBInstances[0]
	if aws.ToString(d.DBInstanceIdentifier) != "prod" || !aws.ToBool(d.StorageEncrypted) || aws.ToBool(d.PubliclyAccessible) || !aws.ToBool(d.MultiAZ) ||
		!aws.ToBool(d.AutoMinorVersionUpgrade) || aws.ToInt32(d.BackupRetentionPeriod) != 1 || !aws.ToBool(d.DeletionProtection) ||
		!aws.ToBool(d.IAMDatabaseAuthenticationEnabled) || aws.ToString(d.Engine) != "postgres" ||
		aws.ToString(d.DBInstanceArn) != "arn:aws:rds:eu-west-1:222222222222:db:prod" || fmt.Sprint(d.EnabledCloudwatchLogsExports) != "[postgresql]" ||
		len(d.VpcSecurityGroups) != 1 || aws.ToString(d.VpcSecurityGroups[0].VpcSecurityGroupId) != "sg-1" || !aws.ToTime(d.InstanceCreateTime).Equal(created) ||
		aws.ToString(d.KmsKeyId) == "" || d.Endpoint == nil || aws.ToInt32(d.Endpoint.Port) != 5432 || aws.ToString(d.DBSubnetGroup.VpcId) != "vpc-1" {
		t.Errorf("instance = %+v", d)
	}
	_, err = c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	var nf *types.DBInstanceNotFoundFault
	if !errors.As(err, &nf) || code(err) != "DBInstanceNotFound" {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{MaxRecords: aws.Int32(5)}); code(err) != "InvalidParameterValue" {
		t.Errorf("MaxRecords 5: %v", err)
	}
	// Modify.
	m, err := c.ModifyDBInstance(ctx, &rdssdk.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("dev"), PubliclyAccessible: aws.Bool(false),
		DeletionProtection: aws.Bool(true), BackupRetentionPeriod: aws.Int32(14), AutoMinorVersionUpgrade: aws.Bool(true), ApplyImmediately: aws.Bool(true),
		CloudwatchLogsExportConfiguration: &types.CloudwatchLogsExportConfiguration{EnableLogTypes: []string{"error", "audit"}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(m.DBInstance.PubliclyAccessible) || !aws.ToBool(m.DBInstance.DeletionProtection) || aws.ToInt32(m.DBInstance.BackupRetentionPeriod) != 14 {
		t.Errorf("modify result %+v", m.DBInstance)
	}
	o, _ := c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("dev")})
	d = o.DBInstances[0]
	if aws.ToBool(d.PubliclyAccessible) || !aws.ToBool(d.DeletionProtection) || aws.ToInt32(d.BackupRetentionPeriod) != 14 ||
		!aws.ToBool(d.AutoMinorVersionUpgrade) || fmt.Sprint(d.EnabledCloudwatchLogsExports) != "[error audit]" {
		t.Errorf("after modify %+v", d)
	}
	if _, err := c.ModifyDBInstance(ctx, &rdssdk.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("dev"), BackupRetentionPeriod: aws.Int32(36)}); code(err) != "InvalidParameterValue" {
		t.Errorf("retention 36: %v", err)
	}
	if _, err := c.ModifyDBInstance(ctx, &rdssdk.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("modify missing: %v", err)
	}
	// Pagination over 45 instances.
	w := seed()
	for i := 0; i < 43; i++ {
		w.Accounts[simtest.Member].In(region).RDS.Instances = append(w.Accounts[simtest.Member].In(region).RDS.Instances, &world.DBInstance{ID: fmt.Sprintf("db%02d", i)})
	}
	s2 := simtest.Start(t, w)
	c2 := rdssdk.NewFromConfig(s2.Config(t, simtest.Member, region))
	p := rdssdk.NewDescribeDBInstancesPaginator(c2, &rdssdk.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
	var sizes []int
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(o.DBInstances))
	}
	if fmt.Sprint(sizes) != "[20 20 5]" {
		t.Errorf("pages %v", sizes)
	}
	// Isolation.
	for _, cfg := range []aws.Config{s.Config(t, simtest.Member, "us-east-1"), s.Config(t, simtest.Management, region)} {
		o, err := rdssdk.NewFromConfig(cfg).DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{})
		if err != nil || len(o.DBInstances) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
	}
}

func restore(t *testing.T, c *rdssdk.Client, id string) []string {
	t.Helper()
	o, err := c.DescribeDBSnapshotAttributes(context.Background(), &rdssdk.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	r := o.DBSnapshotAttributesResult
	if aws.ToString(r.DBSnapshotIdentifier) != id || len(r.DBSnapshotAttributes) != 1 || aws.ToString(r.DBSnapshotAttributes[0].AttributeName) != "restore" {
		t.Fatalf("attributes %+v", r)
	}
	return r.DBSnapshotAttributes[0].AttributeValues
}

func TestSnapshotsAndOthers(t *testing.T) {
	s := simtest.Start(t, seed())
	c := rdssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	o, err := c.DescribeDBSnapshots(ctx, &rdssdk.DescribeDBSnapshotsInput{})
	if err != nil || len(o.DBSnapshots) != 3 {
		t.Fatalf("%+v %v", o, err)
	}
	if sn := o.DBSnapshots[2]; aws.ToString(sn.DBSnapshotIdentifier) != "rds:prod-2024" || aws.ToString(sn.SnapshotType) != "automated" || !aws.ToBool(sn.Encrypted) {
		t.Errorf("automated %+v", sn)
	}
	o, _ = c.DescribeDBSnapshots(ctx, &rdssdk.DescribeDBSnapshotsInput{DBInstanceIdentifier: aws.String("prod"), SnapshotType: aws.String("manual")})
	if len(o.DBSnapshots) != 1 || aws.ToString(o.DBSnapshots[0].DBSnapshotArn) != "arn:aws:rds:eu-west-1:222222222222:snapshot:enc-snap" {
		t.Errorf("filtered %+v", o.DBSnapshots)
	}
	_, err = c.DescribeDBSnapshots(ctx, &rdssdk.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String("nope")})
	var snf *types.DBSnapshotNotFoundFault
	if !errors.As(err, &snf) {
		t.Errorf("missing snapshot: %v", err)
	}
	if v := restore(t, c, "public-snap"); fmt.Sprint(v) != "[all]" {
		t.Errorf("public restore %v", v)
	}
	if _, err := c.ModifyDBSnapshotAttribute(ctx, &rdssdk.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("public-snap"), AttributeName: aws.String("restore"),
		ValuesToRemove: []string{"all"}, ValuesToAdd: []string{"333333333333"}}); err != nil {
		t.Fatal(err)
	}
	if v := restore(t, c, "public-snap"); fmt.Sprint(v) != "[333333333333]" {
		t.Errorf("after modify %v", v)
	}
	for _, in := range []rdssdk.ModifyDBSnapshotAttributeInput{
		{DBSnapshotIdentifier: aws.String("enc-snap"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}},
		{DBSnapshotIdentifier: aws.String("enc-snap"), AttributeName: aws.String("copy"), ValuesToAdd: []string{"all"}},
	} {
		if _, err := c.ModifyDBSnapshotAttribute(ctx, &in); code(err) != "InvalidParameterValue" {
			t.Errorf("modify %+v: %v", in, err)
		}
	}
	if _, err := c.DescribeDBSnapshotAttributes(ctx, &rdssdk.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("nope")}); !errors.As(err, &snf) {
		t.Errorf("attributes of missing: %v", err)
	}
	cl, err := c.DescribeDBClusters(ctx, &rdssdk.DescribeDBClustersInput{})
	if err != nil || len(cl.DBClusters) != 0 {
		t.Errorf("clusters %+v %v", cl, err)
	}
	var cnf *types.DBClusterNotFoundFault
	if _, err := c.DescribeDBClusters(ctx, &rdssdk.DescribeDBClustersInput{DBClusterIdentifier: aws.String("x")}); !errors.As(err, &cnf) {
		t.Errorf("missing cluster: %v", err)
	}
	cs, err := c.DescribeDBClusterSnapshots(ctx, &rdssdk.DescribeDBClusterSnapshotsInput{})
	if err != nil || len(cs.DBClusterSnapshots) != 1 || aws.ToString(cs.DBClusterSnapshots[0].DBClusterIdentifier) != "c1" {
		t.Errorf("cluster snapshots %+v %v", cs, err)
	}
	es, err := c.DescribeEventSubscriptions(ctx, &rdssdk.DescribeEventSubscriptionsInput{})
	if err != nil || len(es.EventSubscriptionsList) != 1 {
		t.Fatalf("event subs %+v %v", es, err)
	}
	e := es.EventSubscriptionsList[0]
	if aws.ToString(e.CustSubscriptionId) != "es" || !aws.ToBool(e.Enabled) || aws.ToString(e.Status) != "active" || fmt.Sprint(e.EventCategoriesList) != "[failure]" {
		t.Errorf("event sub %+v", e)
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.RDS]("rds")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}

// TestPortAndClusterSnapshotAttributes covers the fields the RDS.23 and
// RDS.1 controls read: a non-default port, and who may restore a cluster
// snapshot.
func TestPortAndClusterSnapshotAttributes(t *testing.T) {
	w := seed()
	r := w.Accounts[simtest.Member].In(region)
	r.RDS.Instances = append(r.RDS.Instances, &world.DBInstance{ID: "custom-port", Engine: "mysql", Port: 13306, Created: created})
	r.RDS.ClusterSnapshots = append(r.RDS.ClusterSnapshots, &world.DBClusterSnapshot{ID: "cs-public", ClusterID: "c1", Restore: []string{"all", "333333333333"}, Created: created})
	s := simtest.Start(t, w)
	c := rdssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	o, err := c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("custom-port")})
	if err != nil || aws.ToInt32(o.DBInstances[0].Endpoint.Port) != 13306 {
		t.Errorf("custom port: %+v %v", o, err)
	}
	o, _ = c.DescribeDBInstances(ctx, &rdssdk.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("dev")})
	if p := aws.ToInt32(o.DBInstances[0].Endpoint.Port); p != 3306 {
		t.Errorf("default mysql port = %d", p)
	}
	for id, want := range map[string]string{"cs": "[]", "cs-public": "[all 333333333333]"} {
		a, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rdssdk.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		res := a.DBClusterSnapshotAttributesResult
		if aws.ToString(res.DBClusterSnapshotIdentifier) != id || len(res.DBClusterSnapshotAttributes) != 1 ||
			aws.ToString(res.DBClusterSnapshotAttributes[0].AttributeName) != "restore" || fmt.Sprint(res.DBClusterSnapshotAttributes[0].AttributeValues) != want {
			t.Errorf("%s: attributes %+v", id, res)
		}
	}
	var nf *types.DBClusterSnapshotNotFoundFault
	if _, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rdssdk.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("attributes of missing cluster snapshot: %v", err)
	}
}

// TestModifyClusterSnapshotAttribute shares and unshares a manual cluster
// snapshot as AWS documents ModifyDBClusterSnapshotAttribute: values are
// added and removed in one call, an encrypted snapshot is never public,
// an automated one is never shared, and the answer is the new attribute.
func TestModifyClusterSnapshotAttribute(t *testing.T) {
	w := seed()
	r := w.Accounts[simtest.Member].In(region)
	r.RDS.ClusterSnapshots = append(r.RDS.ClusterSnapshots,
		&world.DBClusterSnapshot{ID: "cs-enc", ClusterID: "c1", Encrypted: true, Created: created},
		&world.DBClusterSnapshot{ID: "rds:c1-auto", ClusterID: "c1", Type: "automated", Created: created})
	s := simtest.Start(t, w)
	c := rdssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	modify := func(id string, add, remove []string) ([]string, error) {
		o, err := c.ModifyDBClusterSnapshotAttribute(ctx, &rdssdk.ModifyDBClusterSnapshotAttributeInput{DBClusterSnapshotIdentifier: aws.String(id),
			AttributeName: aws.String("restore"), ValuesToAdd: add, ValuesToRemove: remove})
		if err != nil {
			return nil, err
		}
		res := o.DBClusterSnapshotAttributesResult
		if aws.ToString(res.DBClusterSnapshotIdentifier) != id || len(res.DBClusterSnapshotAttributes) != 1 {
			t.Fatalf("result %+v", res)
		}
		return res.DBClusterSnapshotAttributes[0].AttributeValues, nil
	}
	if v, err := modify("cs", []string{"all", "333333333333"}, nil); err != nil || fmt.Sprint(v) != "[all 333333333333]" {
		t.Fatalf("share: %v %v", v, err)
	}
	if v, err := modify("cs", []string{"444444444444"}, []string{"all"}); err != nil || fmt.Sprint(v) != "[333333333333 444444444444]" {
		t.Fatalf("unshare: %v %v", v, err)
	}
	a, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rdssdk.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String("cs")})
	if err != nil || fmt.Sprint(a.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes[0].AttributeValues) != "[333333333333 444444444444]" {
		t.Errorf("described %+v %v", a, err)
	}
	if _, err := modify("cs-enc", []string{"all"}, nil); code(err) != "InvalidParameterValue" {
		t.Errorf("encrypted public: %v", err)
	}
	if v, err := modify("cs-enc", []string{"333333333333"}, nil); err != nil || fmt.Sprint(v) != "[333333333333]" {
		t.Errorf("encrypted shared with an account: %v %v", v, err)
	}
	var bad *types.InvalidDBClusterSnapshotStateFault
	if _, err := modify("rds:c1-auto", []string{"333333333333"}, nil); !errors.As(err, &bad) {
		t.Errorf("automated: %v", err)
	}
	if _, err := modify("cs", []string{"12345"}, nil); code(err) != "InvalidParameterValue" {
		t.Errorf("bad account: %v", err)
	}
	var nf *types.DBClusterSnapshotNotFoundFault
	if _, err := modify("nope", []string{"333333333333"}, nil); !errors.As(err, &nf) {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.ModifyDBClusterSnapshotAttribute(ctx, &rdssdk.ModifyDBClusterSnapshotAttributeInput{DBClusterSnapshotIdentifier: aws.String("cs"),
		AttributeName: aws.String("copy"), ValuesToAdd: []string{"all"}}); code(err) != "InvalidParameterValue" {
		t.Errorf("attribute copy: %v", err)
	}
}

// TestClusterSettings covers the cluster fields the cluster controls read
// (RDS.7-RDS.35), through the SDK: administrator name, backtrack window,
// copying tags, automatic minor upgrades, port and tags, and that one
// account's cluster is invisible to another account and region.
func TestClusterSettings(t *testing.T) {
	w := seed()
	r := w.Accounts[simtest.Member].In(region)
	r.RDS.Clusters = append(r.RDS.Clusters,
		&world.DBCluster{ID: "aurora-1", Engine: "aurora-mysql", MasterUsername: "dbo", BacktrackWindow: 86400, CopyTagsToSnapshot: true,
			DeletionProtection: true, IAMAuth: true, MultiAZ: true, StorageEncrypted: true, LogExports: []string{"audit"}, Port: 3307,
			Tags: map[string]string{"owner": "data"}, Created: created},
		&world.DBCluster{ID: "maz-1", Engine: "postgres", MasterUsername: "postgres", AutoMinorVersionUpgrade: true, Created: created})
	s := simtest.Start(t, w)
	c := rdssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	o, err := c.DescribeDBClusters(ctx, &rdssdk.DescribeDBClustersInput{})
	if err != nil || len(o.DBClusters) != 2 {
		t.Fatalf("%+v %v", o, err)
	}
	a, m := o.DBClusters[0], o.DBClusters[1]
	if aws.ToString(a.MasterUsername) != "dbo" || aws.ToInt64(a.BacktrackWindow) != 86400 || !aws.ToBool(a.CopyTagsToSnapshot) ||
		aws.ToBool(a.AutoMinorVersionUpgrade) || aws.ToInt32(a.Port) != 3307 || !aws.ToBool(a.DeletionProtection) || !aws.ToBool(a.MultiAZ) ||
		!aws.ToBool(a.IAMDatabaseAuthenticationEnabled) || !aws.ToBool(a.StorageEncrypted) || fmt.Sprint(a.EnabledCloudwatchLogsExports) != "[audit]" ||
		len(a.TagList) != 1 || aws.ToString(a.TagList[0].Key) != "owner" || aws.ToString(a.Status) != "available" {
		t.Errorf("aurora cluster = %+v", a)
	}
	if aws.ToString(m.MasterUsername) != "postgres" || m.BacktrackWindow != nil || !aws.ToBool(m.AutoMinorVersionUpgrade) ||
		aws.ToInt32(m.Port) != 5432 || aws.ToBool(m.CopyTagsToSnapshot) {
		t.Errorf("multi-AZ cluster = %+v", m)
	}
	var nf *types.DBClusterNotFoundFault
	if _, err := c.DescribeDBClusters(ctx, &rdssdk.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing cluster: %v", err)
	}
	for _, other := range []*rdssdk.Client{
		rdssdk.NewFromConfig(s.Config(t, simtest.Management, region)),
		rdssdk.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if o, err := other.DescribeDBClusters(ctx, &rdssdk.DescribeDBClustersInput{}); err != nil || len(o.DBClusters) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
	}
}
