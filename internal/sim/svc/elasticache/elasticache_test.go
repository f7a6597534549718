package elasticache_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecapi "github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
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

func seed(clusters int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.ElastiCache = world.ElastiCache{
		CacheClusters: []*world.CacheCluster{
			{ID: "sessions-001", EngineVersion: "7.1", ReplicationGroupID: "sessions", SubnetGroup: "app-cache", AutoMinorVersionUpgrade: true,
				AtRestEncryption: true, TransitEncryption: true, AvailabilityZone: "eu-west-1a", Created: created},
			{ID: "memcache", Engine: "memcached", EngineVersion: "1.6.22", NumNodes: 2, SnapshotRetentionLimit: 3, Created: created},
		},
		ReplicationGroups: []*world.ReplicationGroup{
			{ID: "sessions", Members: []string{"sessions-001"}, AutomaticFailover: "enabled", MultiAZ: true, SnapshotRetentionLimit: 7,
				AtRestEncryption: true, TransitEncryption: true, AuthToken: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k", Created: created},
		},
	}
	for i := 0; i < clusters; i++ {
		r.ElastiCache.CacheClusters = append(r.ElastiCache.CacheClusters, &world.CacheCluster{ID: fmt.Sprintf("bulk-%03d", i), Created: created})
	}
	return w
}

func TestDescribe(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := ecapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{})
	if err != nil || len(out.CacheClusters) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	r, m := out.CacheClusters[0], out.CacheClusters[1]
	if aws.ToString(r.CacheClusterId) != "sessions-001" || aws.ToString(r.Engine) != "redis" || aws.ToString(r.EngineVersion) != "7.1" ||
		aws.ToString(r.ReplicationGroupId) != "sessions" || aws.ToString(r.CacheSubnetGroupName) != "app-cache" || !aws.ToBool(r.AutoMinorVersionUpgrade) ||
		!aws.ToBool(r.AtRestEncryptionEnabled) || !aws.ToBool(r.TransitEncryptionEnabled) || aws.ToString(r.CacheClusterStatus) != "available" ||
		aws.ToString(r.ARN) != "arn:aws:elasticache:eu-west-1:222222222222:cluster:sessions-001" || !aws.ToTime(r.CacheClusterCreateTime).Equal(created) {
		t.Errorf("redis node = %+v", r)
	}
	if aws.ToString(m.Engine) != "memcached" || aws.ToInt32(m.NumCacheNodes) != 2 || m.SnapshotRetentionLimit != nil ||
		aws.ToString(m.CacheSubnetGroupName) != "default" || aws.ToBool(m.AutoMinorVersionUpgrade) {
		t.Errorf("memcached = %+v", m)
	}
	only, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{ShowCacheClustersNotInReplicationGroups: aws.Bool(true)})
	if err != nil || len(only.CacheClusters) != 1 || aws.ToString(only.CacheClusters[0].CacheClusterId) != "memcache" {
		t.Errorf("not in groups: %+v %v", only, err)
	}
	var nf *ectypes.CacheClusterNotFoundFault
	if _, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{CacheClusterId: aws.String("nope")}); !errors.As(err, &nf) || code(err) != "CacheClusterNotFound" {
		t.Errorf("missing cluster: %v", err)
	}
	if _, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{MaxRecords: aws.Int32(101)}); code(err) != "InvalidParameterValue" {
		t.Errorf("MaxRecords 101: %v", err)
	}
	g, err := c.DescribeReplicationGroups(ctx, &ecapi.DescribeReplicationGroupsInput{})
	if err != nil || len(g.ReplicationGroups) != 1 {
		t.Fatalf("%+v %v", g, err)
	}
	rg := g.ReplicationGroups[0]
	if aws.ToString(rg.ReplicationGroupId) != "sessions" || rg.AutomaticFailover != ectypes.AutomaticFailoverStatusEnabled ||
		rg.MultiAZ != ectypes.MultiAZStatusEnabled || aws.ToInt32(rg.SnapshotRetentionLimit) != 7 || !aws.ToBool(rg.AuthTokenEnabled) ||
		!aws.ToBool(rg.AtRestEncryptionEnabled) || !aws.ToBool(rg.TransitEncryptionEnabled) || fmt.Sprint(rg.MemberClusters) != "[sessions-001]" ||
		aws.ToString(rg.ARN) != "arn:aws:elasticache:eu-west-1:222222222222:replicationgroup:sessions" || aws.ToString(rg.KmsKeyId) == "" {
		t.Errorf("replication group = %+v", rg)
	}
	var gnf *ectypes.ReplicationGroupNotFoundFault
	if _, err := c.DescribeReplicationGroups(ctx, &ecapi.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("nope")}); !errors.As(err, &gnf) {
		t.Errorf("missing group: %v", err)
	}
}

// TestPagination walks 130 clusters in pages of 50, and rejects a
// forged marker.
func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(128))
	c := ecapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var ids []string
	var marker *string
	pages := 0
	for {
		o, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{MaxRecords: aws.Int32(50), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, cc := range o.CacheClusters {
			ids = append(ids, aws.ToString(cc.CacheClusterId))
		}
		if o.Marker == nil {
			break
		}
		marker = o.Marker
	}
	if len(ids) != 130 || pages != 3 || ids[129] != "bulk-127" {
		t.Errorf("%d clusters in %d pages, last %s", len(ids), pages, ids[len(ids)-1])
	}
	if _, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{Marker: aws.String("forged")}); code(err) != "InvalidParameterValue" {
		t.Errorf("forged marker: %v", err)
	}
}

func TestModifyAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := ecapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	m, err := c.ModifyCacheCluster(ctx, &ecapi.ModifyCacheClusterInput{CacheClusterId: aws.String("sessions-001"), AutoMinorVersionUpgrade: aws.Bool(false),
		ApplyImmediately: aws.Bool(true)})
	if err != nil || aws.ToBool(m.CacheCluster.AutoMinorVersionUpgrade) {
		t.Fatalf("modify: %+v %v", m, err)
	}
	o, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{CacheClusterId: aws.String("sessions-001")})
	if err != nil || aws.ToBool(o.CacheClusters[0].AutoMinorVersionUpgrade) {
		t.Errorf("read after write: %+v %v", o, err)
	}
	// A refused change changes nothing.
	if _, err := c.ModifyCacheCluster(ctx, &ecapi.ModifyCacheClusterInput{CacheClusterId: aws.String("memcache"), AutoMinorVersionUpgrade: aws.Bool(true),
		SnapshotRetentionLimit: aws.Int32(5)}); code(err) != "InvalidParameterCombination" {
		t.Errorf("memcached retention: %v", err)
	}
	if o, _ := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{CacheClusterId: aws.String("memcache")}); aws.ToBool(o.CacheClusters[0].AutoMinorVersionUpgrade) {
		t.Error("refused modify changed the cluster")
	}
	if _, err := c.ModifyCacheCluster(ctx, &ecapi.ModifyCacheClusterInput{CacheClusterId: aws.String("sessions-001"), SnapshotRetentionLimit: aws.Int32(40)}); code(err) != "InvalidParameterValue" {
		t.Errorf("retention 40: %v", err)
	}
	for _, other := range []*ecapi.Client{
		ecapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		ecapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		o, err := other.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{})
		g, gerr := other.DescribeReplicationGroups(ctx, &ecapi.DescribeReplicationGroupsInput{})
		if err != nil || gerr != nil || len(o.CacheClusters) != 0 || len(g.ReplicationGroups) != 0 {
			t.Errorf("isolation: %+v %v %+v %v", o, err, g, gerr)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.ElastiCache]("elasticache")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
