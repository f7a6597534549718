// Package ecs collects the Amazon ECS state of one region: every cluster
// with its Container Insights setting and services, and the latest
// ACTIVE revision of every task definition family.
package ecs

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecsapi "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecs"
)

const (
	// detailLimit bounds the concurrent per-family and per-cluster calls.
	detailLimit = 8
	// describeClusters and describeServices are the most names
	// DescribeClusters and DescribeServices take in one call.
	describeClusters = 100
	describeServices = 10
)

// Collector returns the regional "ecs" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "ecs",
		Actions: []string{
			"ecs:ListClusters",
			"ecs:DescribeClusters",
			"ecs:ListServices",
			"ecs:DescribeServices",
			"ecs:ListTaskDefinitionFamilies",
			"ecs:DescribeTaskDefinition",
		},
		Collect: collectECS,
	}
}

func collectECS(ctx context.Context, in collect.Input) error {
	c := ecsapi.NewFromConfig(in.Config)
	out := &ecs.ECS{Clusters: []*ecs.Cluster{}, TaskDefinitions: []*ecs.TaskDefinition{}}
	var arns []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListClusters(ctx, &ecsapi.ListClustersInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		arns = append(arns, page.ClusterArns...)
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list clusters: %w", err)
	}
	for start := 0; start < len(arns); start += describeClusters {
		o, err := c.DescribeClusters(ctx, &ecsapi.DescribeClustersInput{
			Clusters: arns[start:min(start+describeClusters, len(arns))],
			Include:  []ecstypes.ClusterField{ecstypes.ClusterFieldSettings},
		})
		if err != nil {
			return fmt.Errorf("describe clusters: %w", err)
		}
		for _, cl := range o.Clusters {
			k := &ecs.Cluster{ARN: aws.ToString(cl.ClusterArn), Name: aws.ToString(cl.ClusterName), ContainerInsights: "disabled"}
			for _, s := range cl.Settings {
				if s.Name == ecstypes.ClusterSettingNameContainerInsights {
					k.ContainerInsights = aws.ToString(s.Value)
				}
			}
			out.Clusters = append(out.Clusters, k)
		}
		// A cluster deleted between the list and the describe is a
		// failure with reason MISSING: it is gone, so it is not judged.
	}
	if err := services(ctx, c, out.Clusters); err != nil {
		return err
	}
	var families []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListTaskDefinitionFamilies(ctx, &ecsapi.ListTaskDefinitionFamiliesInput{
			Status: ecstypes.TaskDefinitionFamilyStatusActive, NextToken: token,
		})
		if err != nil {
			return nil, err
		}
		families = append(families, page.Families...)
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list task definition families: %w", err)
	}
	tds, err := taskDefinitions(ctx, c, families)
	if err != nil {
		return err
	}
	out.TaskDefinitions = tds
	in.Region.ECS = out
	return nil
}

// services lists and describes each cluster's services, a few clusters
// at a time; a cluster whose services could not be read says so.
func services(ctx context.Context, c *ecsapi.Client, clusters []*ecs.Cluster) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, cl := range clusters {
		g.Go(func() error {
			cl.Services = []*ecs.Service{}
			err := clusterServices(gctx, c, cl)
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				cl.Services = nil
				cl.Errors = map[string]string{"services": awsx.Brief(err)}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("list services: %w", err)
	}
	return nil
}

func clusterServices(ctx context.Context, c *ecsapi.Client, cl *ecs.Cluster) error {
	var arns []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListServices(ctx, &ecsapi.ListServicesInput{Cluster: aws.String(cl.ARN), MaxResults: aws.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		arns = append(arns, page.ServiceArns...)
		return page.NextToken, nil
	}); err != nil {
		return err
	}
	for start := 0; start < len(arns); start += describeServices {
		o, err := c.DescribeServices(ctx, &ecsapi.DescribeServicesInput{Cluster: aws.String(cl.ARN), Services: arns[start:min(start+describeServices, len(arns))]})
		if err != nil {
			return err
		}
		for _, s := range o.Services {
			v := &ecs.Service{ARN: aws.ToString(s.ServiceArn), Name: aws.ToString(s.ServiceName), Cluster: cl.Name,
				LaunchType: string(s.LaunchType), PlatformVersion: aws.ToString(s.PlatformVersion), PlatformFamily: aws.ToString(s.PlatformFamily)}
			for _, p := range s.CapacityProviderStrategy {
				v.CapacityProviders = append(v.CapacityProviders, aws.ToString(p.CapacityProvider))
			}
			if n := s.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
				v.AwsVPC, v.AssignPublicIP = true, string(n.AwsvpcConfiguration.AssignPublicIp)
				if v.AssignPublicIP == "" {
					v.AssignPublicIP = "DISABLED"
				}
			}
			cl.Services = append(cl.Services, v)
		}
	}
	return nil
}

// taskDefinitions describes the latest ACTIVE revision of each family, a
// few at a time; a family that could not be described is kept with the
// reason, so the controls report ERROR for it rather than nothing.
func taskDefinitions(ctx context.Context, c *ecsapi.Client, families []string) ([]*ecs.TaskDefinition, error) {
	out := make([]*ecs.TaskDefinition, len(families))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for i, f := range families {
		g.Go(func() error {
			o, err := c.DescribeTaskDefinition(gctx, &ecsapi.DescribeTaskDefinitionInput{TaskDefinition: aws.String(f)})
			switch {
			case err == nil:
				out[i] = taskDefinition(o.TaskDefinition)
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				out[i] = &ecs.TaskDefinition{Family: f, Error: awsx.Brief(err)}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("describe task definition: %w", err)
	}
	return out, nil
}

func taskDefinition(td *ecstypes.TaskDefinition) *ecs.TaskDefinition {
	v := &ecs.TaskDefinition{ARN: aws.ToString(td.TaskDefinitionArn), Family: aws.ToString(td.Family), Revision: int(td.Revision),
		NetworkMode: string(td.NetworkMode), PidMode: string(td.PidMode), Containers: []*ecs.Container{}}
	if p := td.RuntimePlatform; p != nil {
		v.OSFamily = string(p.OperatingSystemFamily)
	}
	for _, cd := range td.ContainerDefinitions {
		ct := &ecs.Container{Name: aws.ToString(cd.Name), User: aws.ToString(cd.User), Privileged: cd.Privileged,
			ReadonlyRootFilesystem: cd.ReadonlyRootFilesystem}
		for _, e := range cd.Environment {
			ct.Environment = append(ct.Environment, aws.ToString(e.Name))
		}
		if cd.LogConfiguration != nil {
			ct.LogDriver = string(cd.LogConfiguration.LogDriver)
		}
		v.Containers = append(v.Containers, ct)
	}
	return v
}
