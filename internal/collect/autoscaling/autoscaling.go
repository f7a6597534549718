// Package autoscaling collects the Amazon EC2 Auto Scaling groups and
// launch configurations of one region.
package autoscaling

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	asapi "github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/autoscaling"
)

// Collector returns the regional "autoscaling" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "autoscaling",
		Actions: []string{"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeLaunchConfigurations"},
		Collect: collectAutoScaling,
	}
}

func collectAutoScaling(ctx context.Context, in collect.Input) error {
	c := asapi.NewFromConfig(in.Config)
	out := &autoscaling.AutoScaling{Groups: []*autoscaling.Group{}, LaunchConfigurations: []*autoscaling.LaunchConfiguration{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeAutoScalingGroups(ctx, &asapi.DescribeAutoScalingGroupsInput{MaxRecords: aws.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, g := range page.AutoScalingGroups {
			out.Groups = append(out.Groups, group(g))
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe auto scaling groups: %w", err)
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeLaunchConfigurations(ctx, &asapi.DescribeLaunchConfigurationsInput{MaxRecords: aws.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, l := range page.LaunchConfigurations {
			v := &autoscaling.LaunchConfiguration{ARN: aws.ToString(l.LaunchConfigurationARN), Name: aws.ToString(l.LaunchConfigurationName),
				AssociatePublicIP: l.AssociatePublicIpAddress}
			if m := l.MetadataOptions; m != nil {
				v.HttpTokens, v.HttpEndpoint = string(m.HttpTokens), string(m.HttpEndpoint)
			}
			out.LaunchConfigurations = append(out.LaunchConfigurations, v)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe launch configurations: %w", err)
	}
	in.Region.AutoScaling = out
	return nil
}

func group(g astypes.AutoScalingGroup) *autoscaling.Group {
	v := &autoscaling.Group{ARN: aws.ToString(g.AutoScalingGroupARN), Name: aws.ToString(g.AutoScalingGroupName),
		LaunchConfiguration: aws.ToString(g.LaunchConfigurationName), AvailabilityZones: g.AvailabilityZones,
		HealthCheckType: aws.ToString(g.HealthCheckType)}
	v.LoadBalancers = append(append(v.LoadBalancers, g.LoadBalancerNames...), g.TargetGroupARNs...)
	if t := g.LaunchTemplate; t != nil {
		v.LaunchTemplate = orID(t.LaunchTemplateName, t.LaunchTemplateId)
	}
	if m := g.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil {
		if s := m.LaunchTemplate.LaunchTemplateSpecification; s != nil {
			v.LaunchTemplate = orID(s.LaunchTemplateName, s.LaunchTemplateId)
		}
		seen := map[string]bool{}
		for _, o := range m.LaunchTemplate.Overrides {
			t := aws.ToString(o.InstanceType)
			if o.InstanceRequirements != nil {
				// Attribute-based selection: several types by design.
				t = "attribute-based"
			}
			if t != "" && !seen[t] {
				seen[t] = true
				v.InstanceTypes = append(v.InstanceTypes, t)
			}
		}
		sort.Strings(v.InstanceTypes)
	}
	return v
}

func orID(name, id *string) string {
	if n := aws.ToString(name); n != "" {
		return n
	}
	return aws.ToString(id)
}
