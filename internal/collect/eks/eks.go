// Package eks collects the Amazon EKS clusters of one region: each
// control plane's Kubernetes version, endpoint access, secrets
// encryption and logging.
package eks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	eksapi "github.com/aws/aws-sdk-go-v2/service/eks"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eks"
	"github.com/guardrail-sec/guardrail/internal/target"
)

const detailLimit = 8

// Collector returns the regional "eks" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "eks",
		Actions: []string{"eks:ListClusters", "eks:DescribeCluster"},
		Collect: collectEKS,
	}
}

func collectEKS(ctx context.Context, in collect.Input) error {
	c := eksapi.NewFromConfig(in.Config)
	var names []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListClusters(ctx, &eksapi.ListClustersInput{MaxResults: aws.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		names = append(names, page.Clusters...)
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list clusters: %w", err)
	}
	out := &eks.EKS{Clusters: make([]*eks.Cluster, 0, len(names))}
	clusters := make([]*eks.Cluster, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for i, n := range names {
		g.Go(func() error {
			o, err := c.DescribeCluster(gctx, &eksapi.DescribeClusterInput{Name: aws.String(n)})
			switch {
			case err == nil:
				clusters[i] = cluster(o)
			case awsx.IsNotFound(err):
				// Deleted since it was listed: nothing to judge.
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				clusters[i] = &eks.Cluster{Name: n, ARN: arn(in.Target, n), Error: awsx.Brief(err)}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe cluster: %w", err)
	}
	for _, cl := range clusters {
		if cl != nil {
			out.Clusters = append(out.Clusters, cl)
		}
	}
	in.Region.EKS = out
	return nil
}

// arn is the ARN of cluster name in t, for a cluster that could not be
// described.
func arn(t target.Target, name string) string {
	p := t.Partition
	if p == "" {
		p = target.PartitionOf(t.Region)
	}
	return fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", p, t.Region, t.Account, name)
}

func cluster(o *eksapi.DescribeClusterOutput) *eks.Cluster {
	c := o.Cluster
	v := &eks.Cluster{ARN: aws.ToString(c.Arn), Name: aws.ToString(c.Name), Version: aws.ToString(c.Version), Status: string(c.Status)}
	if r := c.ResourcesVpcConfig; r != nil {
		v.EndpointPublic, v.EndpointPrivate, v.PublicAccessCIDRs = r.EndpointPublicAccess, r.EndpointPrivateAccess, r.PublicAccessCidrs
	}
	for _, e := range c.EncryptionConfig {
		for _, r := range e.Resources {
			if r == "secrets" {
				v.SecretsEncrypted = true
			}
		}
	}
	if c.Logging != nil {
		for _, s := range c.Logging.ClusterLogging {
			if aws.ToBool(s.Enabled) {
				for _, t := range s.Types {
					v.Logging = append(v.Logging, string(t))
				}
			}
		}
	}
	return v
}
