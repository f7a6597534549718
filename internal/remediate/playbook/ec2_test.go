package playbook_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// defaultVPC gives the member account a default VPC and subnet in region,
// as every account has, so that RunInstances needs no subnet.
func defaultVPC(region string) func(*world.World) {
	return func(w *world.World) {
		e := &w.Account(simtest.Member).In(region).EC2
		e.VPCs = append(e.VPCs, &world.VPC{ID: "vpc-0default00000001", CIDR: "172.31.0.0/16", IsDefault: true, State: "available"})
		e.Subnets = append(e.Subnets, &world.Subnet{ID: "subnet-0default0000001", VPCID: "vpc-0default00000001", CIDR: "172.31.0.0/20", AZ: region + "a", DefaultForAZ: true})
	}
}

// ec2ARN is the ARN of an EC2 resource of the member account.
func ec2ARN(region, resource string) string {
	return "arn:aws:ec2:" + region + ":" + simtest.Member + ":" + resource
}

// ec2Must returns v, or panics (failing the test) on an unexpected
// error.
func ec2Must[T any](v T, err error) T {
	if err != nil {
		panic("unexpected error: " + err.Error())
	}
	return v
}

// newVPC creates a VPC (and so its default security group) and returns
// its ID.
func newVPC(t *testing.T, c *ec2api.Client, cidr string) string {
	t.Helper()
	out := ec2Must(c.CreateVpc(context.Background(), &ec2api.CreateVpcInput{CidrBlock: aws.String(cidr)}))
	return aws.ToString(out.Vpc.VpcId)
}

// defaultGroup returns the ID of a VPC's default security group.
func defaultGroup(t *testing.T, c *ec2api.Client, vpc string) string {
	t.Helper()
	out := ec2Must(c.DescribeSecurityGroups(context.Background(), &ec2api.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("group-name"), Values: []string{"default"}}}}))
	return aws.ToString(out.SecurityGroups[0].GroupId)
}

// perm is one rule to authorize: a protocol, ports and one peer.
func perm(proto string, from, to int32, peer, desc string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to)}
	d := aws.String(desc)
	if desc == "" {
		d = nil
	}
	switch {
	case strings.HasPrefix(peer, "sg-"):
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: aws.String(peer), Description: d}}
	case strings.HasPrefix(peer, "pl-"):
		p.PrefixListIds = []ec2types.PrefixListId{{PrefixListId: aws.String(peer), Description: d}}
	case strings.Contains(peer, ":"):
		p.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: aws.String(peer), Description: d}}
	default:
		p.IpRanges = []ec2types.IpRange{{CidrIp: aws.String(peer), Description: d}}
	}
	return p
}

func authorize(t *testing.T, c *ec2api.Client, group string, tags map[string]string, perms ...ec2types.IpPermission) {
	t.Helper()
	in := &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(group), IpPermissions: perms}
	for k, v := range tags {
		in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroupRule,
			Tags: []ec2types.Tag{{Key: aws.String(k), Value: aws.String(v)}}}}
	}
	ec2Must(c.AuthorizeSecurityGroupIngress(context.Background(), in))
}

// exposedGroup creates a security group whose inbound rules open SSH and
// RDP to the internet over IPv4 and IPv6 (one of them tagged), a range
// of high-risk ports over IPv6, and others that no control here judges.
func exposedGroup(region string) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		c := ec2api.NewFromConfig(cfg)
		ctx := context.Background()
		vpc := newVPC(t, c, "10.20.0.0/16")
		lb := aws.ToString(ec2Must(c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{
			GroupName: aws.String("lb"), Description: aws.String("load balancer"), VpcId: aws.String(vpc)})).GroupId)
		id := aws.ToString(ec2Must(c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{
			GroupName: aws.String("web"), Description: aws.String("web servers"), VpcId: aws.String(vpc)})).GroupId)
		authorize(t, c, id, nil,
			perm("tcp", 22, 22, "0.0.0.0/0", "ops from anywhere"),
			perm("tcp", 3389, 3389, "::/0", ""),
			perm("tcp", 8000, 9000, "::/0", "dev servers"),
			perm("tcp", 443, 443, "0.0.0.0/0", "https"),
			perm("tcp", 443, 443, "::/0", "https v6"),
			perm("tcp", 22, 22, "10.0.0.0/8", "ssh from the VPN"),
			perm("tcp", 22, 22, "pl-0a1b2c3d", "ssh from the office"),
			perm("-1", -1, -1, lb, "from the load balancer"),
			perm("icmp", -1, -1, "0.0.0.0/0", "ping"),
		)
		authorize(t, c, id, map[string]string{"ticket": "OPS-42"}, perm("udp", 3389, 3389, "0.0.0.0/0", "rdp over udp"))
		return playbook.Resource{ARN: ec2ARN(region, "security-group/"+id)}
	}
}

// launchTemplate creates a launch template with one version per element
// of tokens (its HttpTokens; "" sets no metadata options) and makes
// version def the default.
func launchTemplate(region string, def int, tokens ...string) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		c := ec2api.NewFromConfig(cfg)
		ctx := context.Background()
		data := func(i int) *ec2types.RequestLaunchTemplateData {
			d := &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0000000" + string(rune('1'+i))), InstanceType: ec2types.InstanceTypeT3Small}
			if tokens[i] != "" {
				d.MetadataOptions = &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
					HttpTokens: ec2types.LaunchTemplateHttpTokensState(tokens[i]), HttpPutResponseHopLimit: aws.Int32(2)}
			}
			return d
		}
		out := ec2Must(c.CreateLaunchTemplate(ctx, &ec2api.CreateLaunchTemplateInput{
			LaunchTemplateName: aws.String("web"), VersionDescription: aws.String("v1"), LaunchTemplateData: data(0)}))
		id := aws.ToString(out.LaunchTemplate.LaunchTemplateId)
		for i := 1; i < len(tokens); i++ {
			ec2Must(c.CreateLaunchTemplateVersion(ctx, &ec2api.CreateLaunchTemplateVersionInput{
				LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"), LaunchTemplateData: data(i)}))
		}
		ec2Must(c.ModifyLaunchTemplate(ctx, &ec2api.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String(string(rune('0' + def)))}))
		return playbook.Resource{ARN: ec2ARN(region, "launch-template/"+id)}
	}
}

// vpcWithAcceptLog creates a VPC whose only flow log records accepted
// traffic, which EC2.6 does not count.
func vpcWithAcceptLog(region string) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		c := ec2api.NewFromConfig(cfg)
		vpc := newVPC(t, c, "10.30.0.0/16")
		ec2Must(c.CreateFlowLogs(context.Background(), &ec2api.CreateFlowLogsInput{
			ResourceType: ec2types.FlowLogsResourceTypeVpc, ResourceIds: []string{vpc}, TrafficType: ec2types.TrafficTypeAccept,
			LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::accepted-traffic"),
		}))
		return playbook.Resource{ARN: ec2ARN(region, "vpc/"+vpc)}
	}
}

// publicSnapshot seeds an unencrypted snapshot, then shares it with
// everyone and with one account, as a user would.
const snapID = "snap-0a1b2c3d4e5f60718"

func snapshotWorld(region, bpa string, public bool) func(*world.World) {
	return func(w *world.World) {
		e := &w.Account(simtest.Member).In(region).EC2
		e.SnapshotBlockPublicAccess = bpa
		e.Snapshots = append(e.Snapshots, &world.Snapshot{ID: snapID, VolumeID: "vol-0a1b2c3d4e5f60718", VolumeSize: 8, Started: simtest.Now, Public: public})
	}
}

func publicSnapshot(region string) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		ec2Must(ec2api.NewFromConfig(cfg).ModifySnapshotAttribute(context.Background(), &ec2api.ModifySnapshotAttributeInput{
			SnapshotId: aws.String(snapID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
			CreateVolumePermission: &ec2types.CreateVolumePermissionModifications{Add: []ec2types.CreateVolumePermission{
				{Group: ec2types.PermissionGroupAll}, {UserId: aws.String("333333333333")}}},
		}))
		return playbook.Resource{ARN: "arn:aws:ec2:" + region + "::snapshot/" + snapID}
	}
}

func ec2Cases() []roundTrip {
	const r = "eu-west-1"
	s3Dest := map[string]string{"flow-logs-destination": "arn:aws:s3:::org-flow-logs/vpc"}
	return []roundTrip{
		{control: "EC2.8", region: r, world: defaultVPC(r), setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			out, err := ec2api.NewFromConfig(cfg).RunInstances(context.Background(), &ec2api.RunInstancesInput{
				ImageId: aws.String("ami-12345678"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional},
			})
			if err != nil {
				t.Fatal(err)
			}
			id := aws.ToString(out.Instances[0].InstanceId)
			return playbook.Resource{ARN: "arn:aws:ec2:eu-west-1:" + simtest.Member + ":instance/" + id}
		}},
		{control: "EC2.7", region: r, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			ec2Must(ec2api.NewFromConfig(cfg).DisableEbsEncryptionByDefault(context.Background(), &ec2api.DisableEbsEncryptionByDefaultInput{}))
			return playbook.Resource{ARN: "AWS::::Account:" + simtest.Member}
		}},
		{control: "EC2.1", region: r, world: snapshotWorld(r, "", false), setup: publicSnapshot(r)},
		{control: "EC2.2", region: r, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			c := ec2api.NewFromConfig(cfg)
			vpc := newVPC(t, c, "10.10.0.0/16")
			id := defaultGroup(t, c, vpc)
			// Besides AWS's two default rules: rules of every kind of peer,
			// with descriptions and tags, that the rollback must restore.
			authorize(t, c, id, nil, perm("tcp", 443, 443, "::/0", "https v6"), perm("tcp", 5432, 5432, "pl-0a1b2c3d", "db from the office"))
			authorize(t, c, id, map[string]string{"owner": "ops"}, perm("tcp", 22, 22, "10.0.0.0/8", "ssh from the VPN"))
			ec2Must(c.AuthorizeSecurityGroupEgress(context.Background(), &ec2api.AuthorizeSecurityGroupEgressInput{
				GroupId: aws.String(id), IpPermissions: []ec2types.IpPermission{perm("tcp", 443, 443, "::/0", "")}}))
			return playbook.Resource{ARN: ec2ARN(r, "security-group/"+id)}
		}},
		{control: "EC2.19", region: r, setup: exposedGroup(r)},
		{control: "EC2.53", region: r, setup: exposedGroup(r)},
		{control: "EC2.54", region: r, setup: exposedGroup(r)},
		{control: "EC2.6", name: "EC2.6/s3", region: r, params: s3Dest, setup: vpcWithAcceptLog(r)},
		{control: "EC2.6", name: "EC2.6/cloudwatch-all", region: r, params: map[string]string{
			"flow-logs-destination":  "arn:aws:logs:eu-west-1:" + simtest.Member + ":log-group:/vpc/flow-logs",
			"flow-logs-role":         "arn:aws:iam::" + simtest.Member + ":role/vpc-flow-logs",
			"flow-logs-traffic-type": "all",
		}, setup: vpcWithAcceptLog(r)},
		{control: "EC2.6", name: "EC2.6/no-destination", region: r, setup: vpcWithAcceptLog(r), skip: "flow-logs-destination"},
		{control: "EC2.6", name: "EC2.6/log-group-without-role", region: r, setup: vpcWithAcceptLog(r),
			params: map[string]string{"flow-logs-destination": "arn:aws:logs:eu-west-1:" + simtest.Member + ":log-group:vpc"}, skip: "flow-logs-role"},
		{control: "EC2.6", name: "EC2.6/bad-destination", region: r, setup: vpcWithAcceptLog(r),
			params: map[string]string{"flow-logs-destination": "org-flow-logs"}, skip: "neither an S3 bucket ARN"},
		{control: "EC2.170", name: "EC2.170/one-version", region: r, setup: launchTemplate(r, 1, "")},
		{control: "EC2.170", name: "EC2.170/default-and-latest", region: r, setup: launchTemplate(r, 1, "optional", "optional")},
		{control: "EC2.170", name: "EC2.170/only-latest", region: r, setup: launchTemplate(r, 1, "required", "optional")},
		{control: "EC2.170", name: "EC2.170/only-default", region: r, setup: launchTemplate(r, 1, "optional", "required")},
	}
}
