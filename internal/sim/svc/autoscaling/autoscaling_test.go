package autoscaling_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	assdk "github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestDescribePagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 120 {
		r.AutoScaling.Groups = append(r.AutoScaling.Groups, &world.AutoScalingGroup{Name: fmt.Sprintf("g%03d", i), LaunchTemplate: "lt", Min: 1, Max: 2, Desired: 1,
			AvailabilityZones: []string{"eu-west-1a"}})
		r.AutoScaling.LaunchConfigurations = append(r.AutoScaling.LaunchConfigurations, &world.LaunchConfiguration{Name: fmt.Sprintf("lc%03d", i), ImageID: "ami-1", InstanceType: "t3.micro"})
	}
	c := assdk.NewFromConfig(simtest.Start(t, w).Config(t, simtest.Member, region))
	ctx := context.Background()
	var groups []string
	var token *string
	pages := 0
	for {
		out, err := c.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range out.AutoScalingGroups {
			groups = append(groups, aws.ToString(g.AutoScalingGroupName))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(groups) != 120 || pages != 3 {
		t.Errorf("%d groups in %d pages (default page 50)", len(groups), pages)
	}
	lcs, err := c.DescribeLaunchConfigurations(ctx, &assdk.DescribeLaunchConfigurationsInput{MaxRecords: aws.Int32(100)})
	if err != nil || len(lcs.LaunchConfigurations) != 100 || lcs.NextToken == nil {
		t.Errorf("launch configurations page: %d %v", len(lcs.LaunchConfigurations), err)
	}
	if _, err := c.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{MaxRecords: aws.Int32(101)}); code(err) != "ValidationError" {
		t.Errorf("MaxRecords 101: %v", err)
	}
	if _, err := c.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{NextToken: aws.String("x")}); code(err) != "InvalidNextToken" {
		t.Errorf("bad token: %v", err)
	}
	// Unknown names are left out, not an error.
	out, err := c.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"g001", "nope"}})
	if err != nil || len(out.AutoScalingGroups) != 1 {
		t.Errorf("by name: %+v %v", out, err)
	}
}

func TestWriteThenRead(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.EC2.Subnets = []*world.Subnet{{ID: "subnet-a", VPCID: "vpc-1", AZ: "eu-west-1a"}, {ID: "subnet-b", VPCID: "vpc-1", AZ: "eu-west-1b"}}
	s := simtest.Start(t, w)
	c := assdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	if _, err := c.CreateLaunchConfiguration(ctx, &assdk.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy"),
		ImageId: aws.String("ami-1"), InstanceType: aws.String("m5.large"), AssociatePublicIpAddress: aws.Bool(true),
		MetadataOptions: &types.InstanceMetadataOptions{HttpTokens: types.InstanceMetadataHttpTokensStateOptional}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLaunchConfiguration(ctx, &assdk.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy"),
		ImageId: aws.String("ami-1"), InstanceType: aws.String("m5.large")}); code(err) != "AlreadyExists" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.CreateAutoScalingGroup(ctx, &assdk.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		LaunchConfigurationName: aws.String("legacy"), MinSize: aws.Int32(1), MaxSize: aws.Int32(3),
		VPCZoneIdentifier: aws.String("subnet-a,subnet-b"), TargetGroupARNs: []string{"arn:aws:elasticloadbalancing:eu-west-1:222222222222:targetgroup/web/1"},
		HealthCheckType: aws.String("ELB")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAutoScalingGroup(ctx, &assdk.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("mixed"), MinSize: aws.Int32(0), MaxSize: aws.Int32(4),
		AvailabilityZones: []string{"eu-west-1a"},
		MixedInstancesPolicy: &types.MixedInstancesPolicy{LaunchTemplate: &types.LaunchTemplate{
			LaunchTemplateSpecification: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("batch"), Version: aws.String("$Latest")},
			Overrides:                   []types.LaunchTemplateOverrides{{InstanceType: aws.String("c6i.large")}, {InstanceType: aws.String("c5.large")}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAutoScalingGroup(ctx, &assdk.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("none"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
		AvailabilityZones: []string{"eu-west-1a"}}); code(err) != "ValidationError" {
		t.Errorf("no launch source: %v", err)
	}
	if _, err := c.CreateAutoScalingGroup(ctx, &assdk.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
		LaunchConfigurationName: aws.String("gone"), AvailabilityZones: []string{"eu-west-1a"}}); code(err) != "ValidationError" {
		t.Errorf("unknown launch configuration: %v", err)
	}
	out, err := c.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{})
	if err != nil || len(out.AutoScalingGroups) != 2 {
		t.Fatalf("groups = %+v %v", out, err)
	}
	web, mixed := out.AutoScalingGroups[0], out.AutoScalingGroups[1]
	if aws.ToString(web.LaunchConfigurationName) != "legacy" || fmt.Sprint(web.AvailabilityZones) != "[eu-west-1a eu-west-1b]" ||
		aws.ToString(web.HealthCheckType) != "ELB" || len(web.TargetGroupARNs) != 1 || web.LaunchTemplate != nil ||
		!strings.HasPrefix(aws.ToString(web.AutoScalingGroupARN), "arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:") ||
		!strings.HasSuffix(aws.ToString(web.AutoScalingGroupARN), ":autoScalingGroupName/web") || !web.CreatedTime.Equal(simtest.Now) {
		t.Errorf("web = %+v", web)
	}
	m := mixed.MixedInstancesPolicy
	if m == nil || aws.ToString(m.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName) != "batch" || len(m.LaunchTemplate.Overrides) != 2 ||
		aws.ToString(mixed.HealthCheckType) != "EC2" {
		t.Errorf("mixed = %+v", mixed)
	}
	lcs, err := c.DescribeLaunchConfigurations(ctx, &assdk.DescribeLaunchConfigurationsInput{LaunchConfigurationNames: []string{"legacy"}})
	if err != nil || len(lcs.LaunchConfigurations) != 1 {
		t.Fatalf("launch configurations = %+v %v", lcs, err)
	}
	lc := lcs.LaunchConfigurations[0]
	if !aws.ToBool(lc.AssociatePublicIpAddress) || lc.MetadataOptions.HttpTokens != types.InstanceMetadataHttpTokensStateOptional ||
		!strings.HasSuffix(aws.ToString(lc.LaunchConfigurationARN), ":launchConfigurationName/legacy") {
		t.Errorf("launch configuration = %+v", lc)
	}
	for _, other := range []*assdk.Client{assdk.NewFromConfig(s.Config(t, simtest.Management, region)), assdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))} {
		g, err := other.DescribeAutoScalingGroups(ctx, &assdk.DescribeAutoScalingGroupsInput{})
		if err != nil || len(g.AutoScalingGroups) != 0 {
			t.Errorf("other sees groups %v %v", g, err)
		}
		l, err := other.DescribeLaunchConfigurations(ctx, &assdk.DescribeLaunchConfigurationsInput{})
		if err != nil || len(l.LaunchConfigurations) != 0 {
			t.Errorf("other sees launch configurations %v %v", l, err)
		}
	}
}
