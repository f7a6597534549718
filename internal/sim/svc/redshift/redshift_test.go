package redshift_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rsapi "github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
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

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.Redshift = world.Redshift{
		Clusters: []*world.RedshiftCluster{
			{ID: "analytics", MasterUsername: "etl_admin", Nodes: 2, VpcID: "vpc-1", Encrypted: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k",
				SnapshotRetention: 7, AllowVersionUpgrade: true, EnhancedVpcRouting: true, ParameterGroup: "tls-only",
				Logging: &world.RedshiftLogging{Destination: "cloudwatch", Exports: []string{"connectionlog", "userlog"}},
				Tags:    map[string]string{"owner": "data"}, Created: created},
			{ID: "scratch", PubliclyAccessible: true, Created: created},
		},
		ParameterGroups: []*world.RedshiftParameterGroup{{Name: "tls-only", Parameters: map[string]string{"require_ssl": "true"}}},
	}
	for i := 0; i < extra; i++ {
		r.Redshift.Clusters = append(r.Redshift.Clusters, &world.RedshiftCluster{ID: fmt.Sprintf("bulk-%03d", i), Created: created})
	}
	return w
}

func TestDescribeClusters(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := rsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{})
	if err != nil || len(out.Clusters) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	a, b := out.Clusters[0], out.Clusters[1]
	if aws.ToString(a.ClusterIdentifier) != "analytics" || aws.ToString(a.MasterUsername) != "etl_admin" || !aws.ToBool(a.Encrypted) ||
		aws.ToString(a.KmsKeyId) == "" || aws.ToInt32(a.AutomatedSnapshotRetentionPeriod) != 7 || !aws.ToBool(a.AllowVersionUpgrade) ||
		!aws.ToBool(a.EnhancedVpcRouting) || aws.ToBool(a.PubliclyAccessible) || aws.ToString(a.VpcId) != "vpc-1" ||
		len(a.ClusterParameterGroups) != 1 || aws.ToString(a.ClusterParameterGroups[0].ParameterGroupName) != "tls-only" ||
		a.Endpoint == nil || aws.ToInt32(a.Endpoint.Port) != 5439 || len(a.Tags) != 1 || aws.ToString(a.Tags[0].Value) != "data" ||
		!aws.ToTime(a.ClusterCreateTime).Equal(created) || aws.ToInt32(a.NumberOfNodes) != 2 || aws.ToString(a.ClusterStatus) != "available" {
		t.Errorf("analytics = %+v", a)
	}
	if aws.ToString(b.MasterUsername) != "awsuser" || !aws.ToBool(b.PubliclyAccessible) || aws.ToBool(b.Encrypted) ||
		aws.ToString(b.ClusterParameterGroups[0].ParameterGroupName) != "default.redshift-1.0" {
		t.Errorf("scratch = %+v", b)
	}
	var nf *rstypes.ClusterNotFoundFault
	if _, err := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{ClusterIdentifier: aws.String("nope")}); !errors.As(err, &nf) || code(err) != "ClusterNotFound" {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{MaxRecords: aws.Int32(10)}); code(err) != "InvalidParameterValue" {
		t.Errorf("MaxRecords 10: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(45))
	c := rsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	var ids []string
	var marker *string
	for pages := 1; ; pages++ {
		o, err := c.DescribeClusters(context.Background(), &rsapi.DescribeClustersInput{MaxRecords: aws.Int32(20), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, cl := range o.Clusters {
			ids = append(ids, aws.ToString(cl.ClusterIdentifier))
		}
		if o.Marker == nil {
			if pages != 3 {
				t.Errorf("%d pages", pages)
			}
			break
		}
		marker = o.Marker
	}
	if len(ids) != 47 || ids[46] != "bulk-044" {
		t.Errorf("%d clusters: %v", len(ids), ids)
	}
}

func TestLoggingAndParameters(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := rsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.DescribeLoggingStatus(ctx, &rsapi.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("analytics")})
	if err != nil || !aws.ToBool(l.LoggingEnabled) || l.LogDestinationType != rstypes.LogDestinationTypeCloudwatch || fmt.Sprint(l.LogExports) != "[connectionlog userlog]" {
		t.Errorf("logging = %+v %v", l, err)
	}
	l, err = c.DescribeLoggingStatus(ctx, &rsapi.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("scratch")})
	if err != nil || aws.ToBool(l.LoggingEnabled) {
		t.Errorf("scratch logging = %+v %v", l, err)
	}
	if _, err := c.DescribeLoggingStatus(ctx, &rsapi.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("nope")}); code(err) != "ClusterNotFound" {
		t.Errorf("missing cluster logging: %v", err)
	}
	value := func(group, name string) string {
		t.Helper()
		p, err := c.DescribeClusterParameters(ctx, &rsapi.DescribeClusterParametersInput{ParameterGroupName: aws.String(group)})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Parameters {
			if aws.ToString(x.ParameterName) == name {
				return aws.ToString(x.ParameterValue)
			}
		}
		return ""
	}
	if v := value("tls-only", "require_ssl"); v != "true" {
		t.Errorf("tls-only require_ssl = %q", v)
	}
	if v := value("default.redshift-1.0", "require_ssl"); v != "false" {
		t.Errorf("default require_ssl = %q", v)
	}
	u, err := c.DescribeClusterParameters(ctx, &rsapi.DescribeClusterParametersInput{ParameterGroupName: aws.String("tls-only"), Source: aws.String("user")})
	if err != nil || len(u.Parameters) != 1 || aws.ToString(u.Parameters[0].Source) != "user" {
		t.Errorf("user parameters = %+v %v", u, err)
	}
	var gnf *rstypes.ClusterParameterGroupNotFoundFault
	if _, err := c.DescribeClusterParameters(ctx, &rsapi.DescribeClusterParametersInput{ParameterGroupName: aws.String("nope")}); !errors.As(err, &gnf) {
		t.Errorf("missing group: %v", err)
	}
}

func TestModifyAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := rsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	m, err := c.ModifyCluster(ctx, &rsapi.ModifyClusterInput{ClusterIdentifier: aws.String("scratch"), PubliclyAccessible: aws.Bool(false),
		AutomatedSnapshotRetentionPeriod: aws.Int32(14)})
	if err != nil || aws.ToBool(m.Cluster.PubliclyAccessible) {
		t.Fatalf("modify: %+v %v", m, err)
	}
	o, err := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{ClusterIdentifier: aws.String("scratch")})
	if err != nil || aws.ToBool(o.Clusters[0].PubliclyAccessible) || aws.ToInt32(o.Clusters[0].AutomatedSnapshotRetentionPeriod) != 14 {
		t.Errorf("read after write: %+v %v", o, err)
	}
	if _, err := c.ModifyCluster(ctx, &rsapi.ModifyClusterInput{ClusterIdentifier: aws.String("scratch"), PubliclyAccessible: aws.Bool(true),
		AutomatedSnapshotRetentionPeriod: aws.Int32(36)}); code(err) != "InvalidParameterValue" {
		t.Errorf("retention 36: %v", err)
	}
	if o, _ := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{ClusterIdentifier: aws.String("scratch")}); aws.ToBool(o.Clusters[0].PubliclyAccessible) {
		t.Error("refused modify changed the cluster")
	}
	for _, other := range []*rsapi.Client{
		rsapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		rsapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if o, err := other.DescribeClusters(ctx, &rsapi.DescribeClustersInput{}); err != nil || len(o.Clusters) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
		if _, err := other.DescribeClusterParameters(ctx, &rsapi.DescribeClusterParametersInput{ParameterGroupName: aws.String("tls-only")}); code(err) != "ClusterParameterGroupNotFound" {
			t.Errorf("parameter group isolation: %v", err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Redshift]("redshift")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
