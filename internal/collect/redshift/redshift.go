// Package redshift collects the Amazon Redshift state of one region:
// provisioned clusters, each with its audit logging status and the
// require_ssl value of its parameter group.
package redshift

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	rsapi "github.com/aws/aws-sdk-go-v2/service/redshift"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/redshift"
)

// detailLimit bounds the concurrent per-cluster and per-group calls.
const detailLimit = 8

// Collector returns the regional "redshift" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "redshift",
		Actions: []string{
			"redshift:DescribeClusters",
			"redshift:DescribeLoggingStatus",
			"redshift:DescribeClusterParameters",
		},
		Collect: collectRedshift,
	}
}

func collectRedshift(ctx context.Context, in collect.Input) error {
	c := rsapi.NewFromConfig(in.Config)
	partition := in.Target.Partition
	if partition == "" {
		partition = "aws"
	}
	out := &redshift.Redshift{Clusters: []*redshift.Cluster{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeClusters(ctx, &rsapi.DescribeClustersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.Clusters {
			id := aws.ToString(d.ClusterIdentifier)
			cl := &redshift.Cluster{
				// DescribeClusters does not return the cluster's ARN; this is
				// the documented format.
				ARN:                 fmt.Sprintf("arn:%s:redshift:%s:%s:cluster:%s", partition, in.Target.Region, in.Target.Account, id),
				ID:                  id,
				Status:              aws.ToString(d.ClusterStatus),
				MasterUsername:      aws.ToString(d.MasterUsername),
				VpcID:               aws.ToString(d.VpcId),
				PubliclyAccessible:  aws.ToBool(d.PubliclyAccessible),
				Encrypted:           aws.ToBool(d.Encrypted),
				KMSKeyID:            aws.ToString(d.KmsKeyId),
				SnapshotRetention:   int(aws.ToInt32(d.AutomatedSnapshotRetentionPeriod)),
				AllowVersionUpgrade: aws.ToBool(d.AllowVersionUpgrade),
				EnhancedVpcRouting:  aws.ToBool(d.EnhancedVpcRouting),
			}
			if len(d.ClusterParameterGroups) > 0 {
				cl.ParameterGroup = aws.ToString(d.ClusterParameterGroups[0].ParameterGroupName)
			}
			if len(d.Tags) > 0 {
				cl.Tags = map[string]string{}
				for _, t := range d.Tags {
					cl.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			out.Clusters = append(out.Clusters, cl)
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe clusters: %w", err)
	}
	if err := details(ctx, c, out.Clusters); err != nil {
		return err
	}
	in.Region.Redshift = out
	return nil
}

// details reads each cluster's logging status and each parameter group's
// require_ssl, a few at a time. What could not be read is recorded on the
// cluster; only a cancelled context stops the whole.
func details(ctx context.Context, c *rsapi.Client, clusters []*redshift.Cluster) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	var mu sync.Mutex
	fail := func(cl *redshift.Cluster, key string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if cl.Errors == nil {
			cl.Errors = map[string]string{}
		}
		cl.Errors[key] = awsx.Brief(err)
	}
	byGroup := map[string][]*redshift.Cluster{}
	for _, cl := range clusters {
		if cl.ParameterGroup != "" {
			byGroup[cl.ParameterGroup] = append(byGroup[cl.ParameterGroup], cl)
		}
		g.Go(func() error {
			o, err := c.DescribeLoggingStatus(gctx, &rsapi.DescribeLoggingStatusInput{ClusterIdentifier: aws.String(cl.ID)})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fail(cl, "logging", err)
				return nil
			}
			cl.Logging, cl.LogDestination = aws.ToBool(o.LoggingEnabled), string(o.LogDestinationType)
			return nil
		})
	}
	for group, members := range byGroup {
		g.Go(func() error {
			ssl, err := requireSSL(gctx, c, group)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				for _, cl := range members {
					fail(cl, "parameters", err)
				}
				return nil
			}
			for _, cl := range members {
				cl.RequireSSL = ssl
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe cluster details: %w", err)
	}
	return nil
}

func requireSSL(ctx context.Context, c *rsapi.Client, group string) (bool, error) {
	ssl := false
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeClusterParameters(ctx, &rsapi.DescribeClusterParametersInput{ParameterGroupName: aws.String(group), Marker: token})
		if err != nil {
			return nil, err
		}
		for _, p := range page.Parameters {
			if aws.ToString(p.ParameterName) == "require_ssl" {
				ssl = strings.EqualFold(aws.ToString(p.ParameterValue), "true")
			}
		}
		return page.Marker, nil
	})
	return ssl, err
}
