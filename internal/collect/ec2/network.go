package ec2

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func readVPCs(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, v := range page.Vpcs {
			id := aws.ToString(v.VpcId)
			e.VPCs = append(e.VPCs, ec2.VPC{
				ID: id, ARN: r.arn("vpc/" + id), CIDR: aws.ToString(v.CidrBlock),
				IsDefault: aws.ToBool(v.IsDefault), State: string(v.State), Tags: tags(v.Tags),
			})
		}
		return page.NextToken, nil
	})
}

func readSubnets(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeSubnets(ctx, &ec2api.DescribeSubnetsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Subnets {
			id := aws.ToString(s.SubnetId)
			arn := aws.ToString(s.SubnetArn)
			if arn == "" {
				arn = r.arn("subnet/" + id)
			}
			e.Subnets = append(e.Subnets, ec2.Subnet{
				ID: id, ARN: arn, VPCID: aws.ToString(s.VpcId), CIDR: aws.ToString(s.CidrBlock),
				AZ: aws.ToString(s.AvailabilityZone), DefaultForAZ: aws.ToBool(s.DefaultForAz),
				MapPublicIPOnLaunch: aws.ToBool(s.MapPublicIpOnLaunch), Tags: tags(s.Tags),
			})
		}
		return page.NextToken, nil
	})
}

func readFlowLogs(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeFlowLogs(ctx, &ec2api.DescribeFlowLogsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, f := range page.FlowLogs {
			e.FlowLogs = append(e.FlowLogs, ec2.FlowLog{
				ID: aws.ToString(f.FlowLogId), ResourceID: aws.ToString(f.ResourceId), TrafficType: string(f.TrafficType),
				Status: aws.ToString(f.FlowLogStatus), DeliverStatus: aws.ToString(f.DeliverLogsStatus),
				DestinationType: string(f.LogDestinationType), Destination: aws.ToString(f.LogDestination),
			})
		}
		return page.NextToken, nil
	})
}

func readVPCEndpoints(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeVpcEndpoints(ctx, &ec2api.DescribeVpcEndpointsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, v := range page.VpcEndpoints {
			e.VPCEndpoints = append(e.VPCEndpoints, ec2.VPCEndpoint{
				ID: aws.ToString(v.VpcEndpointId), Type: string(v.VpcEndpointType), VPCID: aws.ToString(v.VpcId),
				ServiceName: aws.ToString(v.ServiceName), State: string(v.State),
			})
		}
		return page.NextToken, nil
	})
}

func readNetworkACLs(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeNetworkAcls(ctx, &ec2api.DescribeNetworkAclsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, n := range page.NetworkAcls {
			id := aws.ToString(n.NetworkAclId)
			acl := ec2.NetworkACL{
				ID: id, ARN: r.arn("network-acl/" + id), VPCID: aws.ToString(n.VpcId),
				Default: aws.ToBool(n.IsDefault), Tags: tags(n.Tags),
			}
			for _, en := range n.Entries {
				x := ec2.NACLEntry{
					RuleNumber: int(aws.ToInt32(en.RuleNumber)), Egress: aws.ToBool(en.Egress),
					Protocol: aws.ToString(en.Protocol), Action: string(en.RuleAction),
					CIDR: aws.ToString(en.CidrBlock), IPv6CIDR: aws.ToString(en.Ipv6CidrBlock),
				}
				if pr := en.PortRange; pr != nil {
					x.Ports = &ec2.PortRange{From: int(aws.ToInt32(pr.From)), To: int(aws.ToInt32(pr.To))}
				}
				acl.Entries = append(acl.Entries, x)
			}
			for _, a := range n.Associations {
				acl.Subnets = append(acl.Subnets, aws.ToString(a.SubnetId))
			}
			e.NetworkACLs = append(e.NetworkACLs, acl)
		}
		return page.NextToken, nil
	})
}

func readSecurityGroups(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeSecurityGroups(ctx, &ec2api.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, g := range page.SecurityGroups {
			id := aws.ToString(g.GroupId)
			arn := aws.ToString(g.SecurityGroupArn)
			if arn == "" {
				arn = r.arn("security-group/" + id)
			}
			e.SecurityGroups = append(e.SecurityGroups, ec2.SecurityGroup{
				ID: id, ARN: arn, Name: aws.ToString(g.GroupName), Description: aws.ToString(g.Description),
				VPCID: aws.ToString(g.VpcId), Tags: tags(g.Tags),
				Ingress: flatten(g.IpPermissions), Egress: flatten(g.IpPermissionsEgress),
			})
		}
		return page.NextToken, nil
	})
}

// flatten turns permissions (one per protocol and port range, with many
// peers) into rules of one peer each, as DescribeSecurityGroupRules and
// the console show them.
func flatten(perms []ec2types.IpPermission) []ec2.Rule {
	var out []ec2.Rule
	for _, p := range perms {
		base := ec2.Rule{Protocol: aws.ToString(p.IpProtocol), FromPort: port(p.FromPort), ToPort: port(p.ToPort)}
		for _, x := range p.IpRanges {
			r := base
			r.CIDR, r.Description = aws.ToString(x.CidrIp), aws.ToString(x.Description)
			out = append(out, r)
		}
		for _, x := range p.Ipv6Ranges {
			r := base
			r.IPv6CIDR, r.Description = aws.ToString(x.CidrIpv6), aws.ToString(x.Description)
			out = append(out, r)
		}
		for _, x := range p.PrefixListIds {
			r := base
			r.PrefixListID, r.Description = aws.ToString(x.PrefixListId), aws.ToString(x.Description)
			out = append(out, r)
		}
		for _, x := range p.UserIdGroupPairs {
			r := base
			r.GroupID, r.GroupOwner, r.Description = aws.ToString(x.GroupId), aws.ToString(x.UserId), aws.ToString(x.Description)
			out = append(out, r)
		}
	}
	return out
}

// ruleKey identifies a rule of a group by what it allows.
func ruleKey(group string, egress bool, r ec2.Rule) string {
	peer := "4:" + r.CIDR
	switch {
	case r.IPv6CIDR != "":
		peer = "6:" + r.IPv6CIDR
	case r.PrefixListID != "":
		peer = "pl:" + r.PrefixListID
	case r.GroupID != "":
		peer = "sg:" + r.GroupID
	}
	return fmt.Sprintf("%s/%t/%s/%d/%d/%s", group, egress, r.Protocol, r.FromPort, r.ToPort, peer)
}

// readSecurityGroupRules gives the rules read with the groups their IDs
// (sgr-...), so results and remediation can name them.
func readSecurityGroupRules(ctx context.Context, r *reader, e *ec2.EC2) error {
	if _, failed := e.Errors[ec2.PartSecurityGroups]; failed {
		return errSkipped // nothing to name; the groups' own part says why
	}
	ids := map[string]string{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeSecurityGroupRules(ctx, &ec2api.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, x := range page.SecurityGroupRules {
			rule := ec2.Rule{
				Protocol: aws.ToString(x.IpProtocol), FromPort: port(x.FromPort), ToPort: port(x.ToPort),
				CIDR: aws.ToString(x.CidrIpv4), IPv6CIDR: aws.ToString(x.CidrIpv6), PrefixListID: aws.ToString(x.PrefixListId),
			}
			if ref := x.ReferencedGroupInfo; ref != nil {
				rule.GroupID = aws.ToString(ref.GroupId)
			}
			ids[ruleKey(aws.ToString(x.GroupId), aws.ToBool(x.IsEgress), rule)] = aws.ToString(x.SecurityGroupRuleId)
		}
		return page.NextToken, nil
	}); err != nil {
		return err
	}
	for i := range e.SecurityGroups {
		g := &e.SecurityGroups[i]
		for j := range g.Ingress {
			g.Ingress[j].ID = ids[ruleKey(g.ID, false, g.Ingress[j])]
		}
		for j := range g.Egress {
			g.Egress[j].ID = ids[ruleKey(g.ID, true, g.Egress[j])]
		}
	}
	return nil
}

func readNetworkInterfaces(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeNetworkInterfaces(ctx, &ec2api.DescribeNetworkInterfacesInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, n := range page.NetworkInterfaces {
			x := ec2.NetworkInterface{
				ID: aws.ToString(n.NetworkInterfaceId), Type: string(n.InterfaceType), VPCID: aws.ToString(n.VpcId),
				SubnetID: aws.ToString(n.SubnetId), Status: string(n.Status),
			}
			if a := n.Attachment; a != nil {
				x.InstanceID = aws.ToString(a.InstanceId)
			}
			if a := n.Association; a != nil {
				x.PublicIP = aws.ToString(a.PublicIp)
			}
			for _, g := range n.Groups {
				x.SecurityGroups = append(x.SecurityGroups, aws.ToString(g.GroupId))
			}
			e.NetworkInterfaces = append(e.NetworkInterfaces, x)
		}
		return page.NextToken, nil
	})
}

func readTransitGateways(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeTransitGateways(ctx, &ec2api.DescribeTransitGatewaysInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, g := range page.TransitGateways {
			id := aws.ToString(g.TransitGatewayId)
			arn := aws.ToString(g.TransitGatewayArn)
			if arn == "" {
				arn = r.arn("transit-gateway/" + id)
			}
			x := ec2.TransitGateway{ID: id, ARN: arn, Description: aws.ToString(g.Description), State: string(g.State), Tags: tags(g.Tags)}
			if o := g.Options; o != nil {
				x.AutoAcceptSharedAttachments = o.AutoAcceptSharedAttachments == ec2types.AutoAcceptSharedAttachmentsValueEnable
			}
			e.TransitGateways = append(e.TransitGateways, x)
		}
		return page.NextToken, nil
	})
}
