package ec2

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Collector returns the regional "ec2" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "ec2",
		Actions: []string{
			"ec2:DescribeFlowLogs",
			"ec2:DescribeInstances",
			"ec2:DescribeLaunchTemplateVersions",
			"ec2:DescribeLaunchTemplates",
			"ec2:DescribeNetworkAcls",
			"ec2:DescribeNetworkInterfaces",
			"ec2:DescribeSecurityGroupRules",
			"ec2:DescribeSecurityGroups",
			"ec2:DescribeSnapshotAttribute",
			"ec2:DescribeSnapshots",
			"ec2:DescribeSubnets",
			"ec2:DescribeTransitGateways",
			"ec2:DescribeVolumes",
			"ec2:DescribeVpcEndpoints",
			"ec2:DescribeVpcs",
			"ec2:GetEbsEncryptionByDefault",
			"ec2:GetInstanceMetadataDefaults",
		},
		Collect: collectRegion,
	}
}

// reader reads the parts of one region.
type reader struct {
	c         *ec2api.Client
	partition string
	account   string
	region    string
}

// arn returns the ARN of an EC2 resource ("instance/i-0abc") of the
// target account and region.
func (r *reader) arn(resource string) string {
	return fmt.Sprintf("arn:%s:ec2:%s:%s:%s", r.partition, r.region, r.account, resource)
}

// part is one part of the state and the call that reads it.
type part struct {
	name string // key of EC2.Errors
	call string // the failing operation, for the collector's own error
	read func(ctx context.Context, r *reader, e *ec2.EC2) error
}

// errSkipped is returned by a part that has nothing to do because a part
// it refines could not be read.
var errSkipped = errors.New("skipped")

// parts are read in this order; later parts may use earlier ones
// (security group rule IDs and attachments refine the security groups).
var parts = []part{
	{ec2.PartVPCs, "describe vpcs", readVPCs},
	{ec2.PartSubnets, "describe subnets", readSubnets},
	{ec2.PartFlowLogs, "describe flow logs", readFlowLogs},
	{ec2.PartVPCEndpoints, "describe vpc endpoints", readVPCEndpoints},
	{ec2.PartTransitGateways, "describe transit gateways", readTransitGateways},
	{ec2.PartNetworkACLs, "describe network acls", readNetworkACLs},
	{ec2.PartSecurityGroups, "describe security groups", readSecurityGroups},
	{ec2.PartSecurityGroupRules, "describe security group rules", readSecurityGroupRules},
	{ec2.PartNetworkInterfaces, "describe network interfaces", readNetworkInterfaces},
	{ec2.PartInstances, "describe instances", readInstances},
	{ec2.PartMetadataDefaults, "get instance metadata defaults", readMetadataDefaults},
	{ec2.PartLaunchTemplates, "describe launch templates", readLaunchTemplates},
	{ec2.PartEBSEncryption, "get ebs encryption by default", readEBSEncryption},
	{ec2.PartVolumes, "describe volumes", readVolumes},
	{ec2.PartSnapshots, "describe snapshots", readSnapshots},
}

func collectRegion(ctx context.Context, in collect.Input) error {
	r := &reader{
		c:         ec2api.NewFromConfig(in.Config),
		partition: in.Target.Partition,
		account:   in.Target.Account,
		region:    in.Target.Region,
	}
	if r.partition == "" {
		r.partition = target.PartitionOf(r.region)
	}
	e := &ec2.EC2{}
	var first error
	read := 0
	for _, p := range parts {
		if len(in.Parts) > 0 && !slices.Contains(in.Parts, p.name) {
			// Not wanted (a re-assessment of controls that read other
			// parts): recorded unread, so that nothing passes on it.
			if e.Errors == nil {
				e.Errors = map[string]string{}
			}
			e.Errors[p.name] = "not read: only " + strings.Join(in.Parts, ", ") + " were re-collected"
			continue
		}
		// A part reads into a copy, kept only when the part succeeds: a
		// listing that fails on its second page leaves nothing behind
		// that could pass for the whole list.
		next := *e
		err := p.read(ctx, r, &next)
		if err == nil {
			*e = next
			read++
			continue
		}
		if errors.Is(err, errSkipped) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e.Errors == nil {
			e.Errors = map[string]string{}
		}
		e.Errors[p.name] = awsx.Brief(err)
		if first == nil {
			first = fmt.Errorf("%s: %w", p.call, err)
		}
	}
	if read == 0 {
		if first == nil {
			return fmt.Errorf("none of the parts %s is a part of the ec2 state", strings.Join(in.Parts, ", "))
		}
		return fmt.Errorf("%w (and every other ec2 call failed)", first)
	}
	linkAttachments(e)
	in.Region.EC2 = e
	return nil
}

// linkAttachments records on each security group the interfaces it is
// attached to.
func linkAttachments(e *ec2.EC2) {
	if _, failed := e.Errors[ec2.PartNetworkInterfaces]; failed {
		return
	}
	byGroup := map[string][]string{}
	for _, n := range e.NetworkInterfaces {
		for _, g := range n.SecurityGroups {
			byGroup[g] = append(byGroup[g], n.ID)
		}
	}
	for i := range e.SecurityGroups {
		e.SecurityGroups[i].NetworkInterfaces = byGroup[e.SecurityGroups[i].ID]
	}
}

func tags(ts []ec2types.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// port reads an optional port; absent means -1 (all / not applicable).
func port(p *int32) int {
	if p == nil {
		return -1
	}
	return int(*p)
}
