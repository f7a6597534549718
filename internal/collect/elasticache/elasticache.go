// Package elasticache collects the Amazon ElastiCache state of one region:
// cache clusters and replication groups.
package elasticache

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecapi "github.com/aws/aws-sdk-go-v2/service/elasticache"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elasticache"
)

// Collector returns the regional "elasticache" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "elasticache",
		Actions: []string{
			"elasticache:DescribeCacheClusters",
			"elasticache:DescribeReplicationGroups",
		},
		Collect: collectElastiCache,
	}
}

func collectElastiCache(ctx context.Context, in collect.Input) error {
	c := ecapi.NewFromConfig(in.Config)
	out := &elasticache.ElastiCache{Clusters: []*elasticache.Cluster{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeCacheClusters(ctx, &ecapi.DescribeCacheClustersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.CacheClusters {
			cl := &elasticache.Cluster{
				ARN:                     aws.ToString(d.ARN),
				ID:                      aws.ToString(d.CacheClusterId),
				Engine:                  aws.ToString(d.Engine),
				Version:                 aws.ToString(d.EngineVersion),
				Status:                  aws.ToString(d.CacheClusterStatus),
				GroupID:                 aws.ToString(d.ReplicationGroupId),
				SubnetGroup:             aws.ToString(d.CacheSubnetGroupName),
				AutoMinorVersionUpgrade: aws.ToBool(d.AutoMinorVersionUpgrade),
				AtRestEncryption:        aws.ToBool(d.AtRestEncryptionEnabled),
				TransitEncryption:       aws.ToBool(d.TransitEncryptionEnabled),
				AuthToken:               aws.ToBool(d.AuthTokenEnabled),
			}
			if d.SnapshotRetentionLimit != nil {
				n := int(*d.SnapshotRetentionLimit)
				cl.SnapshotRetentionDays = &n
			}
			out.Clusters = append(out.Clusters, cl)
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe cache clusters: %w", err)
	}
	// Replication groups are judged by fewer controls: a failure is
	// recorded and those report ERROR; the cluster controls still run.
	if err := groups(ctx, c, out); err != nil {
		out.Errors = map[string]string{"replication_groups": awsx.Brief(err)}
	}
	in.Region.ElastiCache = out
	return nil
}

func groups(ctx context.Context, c *ecapi.Client, out *elasticache.ElastiCache) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeReplicationGroups(ctx, &ecapi.DescribeReplicationGroupsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, g := range page.ReplicationGroups {
			out.Groups = append(out.Groups, &elasticache.Group{
				ARN:                   aws.ToString(g.ARN),
				ID:                    aws.ToString(g.ReplicationGroupId),
				Engine:                aws.ToString(g.Engine),
				Status:                aws.ToString(g.Status),
				Members:               g.MemberClusters,
				AutomaticFailover:     string(g.AutomaticFailover),
				MultiAZ:               g.MultiAZ == "enabled",
				SnapshotRetentionDays: int(aws.ToInt32(g.SnapshotRetentionLimit)),
				AtRestEncryption:      aws.ToBool(g.AtRestEncryptionEnabled),
				TransitEncryption:     aws.ToBool(g.TransitEncryptionEnabled),
				AuthToken:             aws.ToBool(g.AuthTokenEnabled),
				KMSKeyID:              aws.ToString(g.KmsKeyId),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe replication groups: %w", err)
	}
	return nil
}
