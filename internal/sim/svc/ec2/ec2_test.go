package ec2_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var (
	ctx = context.Background()
	t0  = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Fatalf("err = %v, want code %s", err, want)
	}
}

// must returns v, or panics (failing the test) on an unexpected error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

// seed fills the member account's eu-west-1 with a small network.
func seed() *world.World {
	w := simtest.NewWorld()
	e := &w.Accounts[simtest.Member].In(region).EC2
	*e = world.EC2{
		VPCs: []*world.VPC{
			{ID: "vpc-default", CIDR: "172.31.0.0/16", IsDefault: true},
			{ID: "vpc-app", CIDR: "10.0.0.0/16", Tags: map[string]string{"Name": "app"}},
		},
		Subnets: []*world.Subnet{
			{ID: "subnet-da", VPCID: "vpc-default", CIDR: "172.31.0.0/20", AZ: "eu-west-1a", DefaultForAZ: true, MapPublicIP: true},
			{ID: "subnet-app", VPCID: "vpc-app", CIDR: "10.0.1.0/24", AZ: "eu-west-1b"},
		},
		RouteTables: []*world.RouteTable{
			{ID: "rtb-main", VPCID: "vpc-default", Main: true, Routes: []world.Route{{Destination: "172.31.0.0/16", GatewayID: "local"}, {Destination: "0.0.0.0/0", GatewayID: "igw-1"}}},
			{ID: "rtb-app", VPCID: "vpc-app", Subnets: []string{"subnet-app"}, Routes: []world.Route{{Destination: "10.0.0.0/16", GatewayID: "local"}}},
		},
		InternetGateways: []*world.InternetGateway{{ID: "igw-1", VPCID: "vpc-default"}},
		NetworkACLs: []*world.NetworkACL{
			{ID: "acl-default", VPCID: "vpc-default", Default: true, Entries: []world.NACLEntry{
				{RuleNumber: 100, Protocol: "-1", Action: "allow", CIDR: "0.0.0.0/0"},
				{RuleNumber: 100, Egress: true, Protocol: "-1", Action: "allow", CIDR: "0.0.0.0/0"},
			}},
			{ID: "acl-app", VPCID: "vpc-app", Subnets: []string{"subnet-app"}, Entries: []world.NACLEntry{
				{RuleNumber: 90, Protocol: "6", Action: "allow", CIDR: "0.0.0.0/0", FromPort: aws.Int(22), ToPort: aws.Int(22)},
			}},
		},
		FlowLogs:     []*world.FlowLog{{ID: "fl-1", ResourceID: "vpc-app", TrafficType: "ALL", LogGroupName: "vpc-flow", DeliverLogsRoleARN: "arn:aws:iam::222222222222:role/flow", Created: t0}},
		VPCEndpoints: []*world.VPCEndpoint{{ID: "vpce-1", Type: "Gateway", VPCID: "vpc-app", ServiceName: "com.amazonaws.eu-west-1.s3", RouteTableIDs: []string{"rtb-app"}, Created: t0}},
		PeeringConnections: []*world.PeeringConnection{{ID: "pcx-1", Status: "active",
			Requester: world.PeeringVPC{VPCID: "vpc-app", OwnerID: simtest.Member, CIDR: "10.0.0.0/16", Region: region},
			Accepter:  world.PeeringVPC{VPCID: "vpc-other", OwnerID: "333333333333", CIDR: "10.1.0.0/16", Region: region}}},
		SecurityGroups: []*world.SecurityGroup{
			{ID: "sg-default", Name: "default", Description: "default VPC security group", VPCID: "vpc-default", Rules: []*world.SGRule{
				{Protocol: "-1", FromPort: -1, ToPort: -1, GroupID: "sg-default"},
				{Egress: true, Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"},
			}},
			{ID: "sg-web", Name: "web", Description: "web", VPCID: "vpc-default", Rules: []*world.SGRule{
				{ID: "sgr-ssh", Protocol: "tcp", FromPort: 22, ToPort: 22, CIDR: "0.0.0.0/0"},
				{ID: "sgr-ssh6", Protocol: "tcp", FromPort: 22, ToPort: 22, IPv6CIDR: "::/0"},
				{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "10.0.0.0/8", Description: "internal"},
			}},
			{ID: "sg-app", Name: "app", Description: "app", VPCID: "vpc-app"},
		},
		Instances: []*world.Instance{
			{ID: "i-web1", ImageID: "ami-own", InstanceType: "t3.micro", State: "running", AZ: "eu-west-1a", VPCID: "vpc-default", SubnetID: "subnet-da",
				PrivateIP: "172.31.0.10", PublicIP: "34.1.1.1", SecurityGroups: []string{"sg-web"}, InstanceProfile: "arn:aws:iam::222222222222:instance-profile/web",
				Metadata: world.InstanceMetadata{HTTPTokens: "optional"}, LaunchTime: t0, Tags: map[string]string{"Name": "web1", "env": "dev"}},
			{ID: "i-app1", ImageID: "ami-own", InstanceType: "t3.small", State: "stopped", AZ: "eu-west-1b", VPCID: "vpc-app", SubnetID: "subnet-app",
				PrivateIP: "10.0.1.10", SecurityGroups: []string{"sg-app"}, Metadata: world.InstanceMetadata{HTTPTokens: "required", HTTPPutHopLimit: 2}, LaunchTime: t0,
				StateTransitionTime: t0.Add(time.Hour), VirtualizationType: "paravirtual"},
		},
		Volumes: []*world.Volume{
			{ID: "vol-root", Size: 8, AZ: "eu-west-1a", Created: t0, Attachments: []world.VolumeAttachment{{InstanceID: "i-web1", Device: "/dev/xvda", DeleteOnTermination: true}}},
			{ID: "vol-data", Size: 100, AZ: "eu-west-1b", Encrypted: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k1", Created: t0, Attachments: []world.VolumeAttachment{{InstanceID: "i-app1", Device: "/dev/sdf"}}},
		},
		Snapshots: []*world.Snapshot{
			{ID: "snap-pub", VolumeID: "vol-root", VolumeSize: 8, Started: t0, Public: true, Description: "oops"},
			{ID: "snap-priv", VolumeID: "vol-data", VolumeSize: 100, Started: t0, Encrypted: true},
		},
		Images:    []*world.Image{{ID: "ami-own", Name: "golden", Public: true, SnapshotIDs: []string{"snap-pub"}, Created: t0}},
		Addresses: []*world.Address{{AllocationID: "eipalloc-1", PublicIP: "34.1.1.1", AssociationID: "eipassoc-1", InstanceID: "i-web1"}},
	}
	return w
}

func client(t *testing.T, w *world.World, account, region string) *ec2sdk.Client {
	t.Helper()
	s := simtest.Start(t, w)
	return ec2sdk.NewFromConfig(s.Config(t, account, region))
}

func TestDescribeRegions(t *testing.T) {
	w := simtest.NewWorld()
	w.Accounts[simtest.Member].RegionStatus["eu-south-1"] = "ENABLED"
	c := client(t, w, simtest.Member, region)
	out := must(c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{}))
	if len(out.Regions) != 18 {
		t.Fatalf("enabled regions = %d, want 18", len(out.Regions))
	}
	all := must(c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{AllRegions: aws.Bool(true)}))
	if len(all.Regions) != len(world.DefaultRegions()) {
		t.Fatalf("all regions = %d", len(all.Regions))
	}
	status := map[string]string{}
	for _, r := range all.Regions {
		status[aws.ToString(r.RegionName)] = aws.ToString(r.OptInStatus)
	}
	if status["us-east-1"] != "opt-in-not-required" || status["eu-south-1"] != "opted-in" || status["af-south-1"] != "not-opted-in" {
		t.Errorf("statuses = %v", status)
	}
	if aws.ToString(all.Regions[0].Endpoint) != "ec2.us-east-1.amazonaws.com" {
		t.Errorf("endpoint = %s", aws.ToString(all.Regions[0].Endpoint))
	}
	f := must(c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{AllRegions: aws.Bool(true),
		Filters: []types.Filter{{Name: aws.String("opt-in-status"), Values: []string{"not-opted-in"}}}}))
	if len(f.Regions) != 11 {
		t.Errorf("not-opted-in = %d, want 11", len(f.Regions))
	}
	n := must(c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{RegionNames: []string{"eu-west-1", "us-west-2"}}))
	if len(n.Regions) != 2 {
		t.Errorf("named = %d", len(n.Regions))
	}
	_, err := c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{RegionNames: []string{"mars-1"}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeRegions(ctx, &ec2sdk.DescribeRegionsInput{Filters: []types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue")
}

func TestDescribeAvailabilityZones(t *testing.T) {
	c := client(t, nil, simtest.Member, region)
	out := must(c.DescribeAvailabilityZones(ctx, &ec2sdk.DescribeAvailabilityZonesInput{}))
	if len(out.AvailabilityZones) != 3 || aws.ToString(out.AvailabilityZones[0].ZoneId) != "euw1-az1" || out.AvailabilityZones[0].State != types.AvailabilityZoneStateAvailable {
		t.Fatalf("zones = %+v", out.AvailabilityZones)
	}
	one := must(c.DescribeAvailabilityZones(ctx, &ec2sdk.DescribeAvailabilityZonesInput{ZoneNames: []string{"eu-west-1b"}}))
	if len(one.AvailabilityZones) != 1 || aws.ToString(one.AvailabilityZones[0].RegionName) != region {
		t.Errorf("zone b = %+v", one.AvailabilityZones)
	}
	_, err := c.DescribeAvailabilityZones(ctx, &ec2sdk.DescribeAvailabilityZonesInput{ZoneNames: []string{"eu-west-1z"}})
	wantCode(t, err, "InvalidParameterValue")
}

func TestVpcLifecycle(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	_, err := c.CreateVpc(ctx, &ec2sdk.CreateVpcInput{})
	wantCode(t, err, "MissingParameter")
	_, err = c.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	wantCode(t, err, "InvalidVpc.Range")
	v := must(c.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("new")}}}}}))
	id := aws.ToString(v.Vpc.VpcId)
	if !strings.HasPrefix(id, "vpc-") || aws.ToBool(v.Vpc.IsDefault) || len(v.Vpc.Tags) != 1 {
		t.Fatalf("created = %+v", v.Vpc)
	}
	got := must(c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{id}}))
	if len(got.Vpcs) != 1 || aws.ToString(got.Vpcs[0].CidrBlock) != "10.9.0.0/16" || got.Vpcs[0].State != types.VpcStateAvailable {
		t.Fatalf("describe = %+v", got.Vpcs)
	}
	vpcFilter := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{id}}}
	sgs := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{Filters: vpcFilter}))
	if len(sgs.SecurityGroups) != 1 || aws.ToString(sgs.SecurityGroups[0].GroupName) != "default" {
		t.Fatalf("default SG = %+v", sgs.SecurityGroups)
	}
	acls := must(c.DescribeNetworkAcls(ctx, &ec2sdk.DescribeNetworkAclsInput{Filters: vpcFilter}))
	rts := must(c.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{Filters: vpcFilter}))
	if len(acls.NetworkAcls) != 1 || !aws.ToBool(acls.NetworkAcls[0].IsDefault) || len(rts.RouteTables) != 1 || !aws.ToBool(rts.RouteTables[0].Associations[0].Main) {
		t.Fatalf("defaults: acls %+v rts %+v", acls.NetworkAcls, rts.RouteTables)
	}
	sg := must(c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String("x"), Description: aws.String("x"), VpcId: aws.String(id)}))
	_, err = c.DeleteVpc(ctx, &ec2sdk.DeleteVpcInput{VpcId: aws.String(id)})
	wantCode(t, err, "DependencyViolation")
	must(c.DeleteSecurityGroup(ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: sg.GroupId}))
	must(c.DeleteVpc(ctx, &ec2sdk.DeleteVpcInput{VpcId: aws.String(id)}))
	_, err = c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{id}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.DeleteVpc(ctx, &ec2sdk.DeleteVpcInput{VpcId: aws.String(id)})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.DeleteVpc(ctx, &ec2sdk.DeleteVpcInput{VpcId: aws.String("")})
	wantCode(t, err, "MissingParameter")
	def := must(c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}}))
	if len(def.Vpcs) != 1 || aws.ToString(def.Vpcs[0].VpcId) != "vpc-default" {
		t.Errorf("is-default = %+v", def.Vpcs)
	}
	tagged := must(c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"a*"}}}}))
	if len(tagged.Vpcs) != 1 || aws.ToString(tagged.Vpcs[0].VpcId) != "vpc-app" {
		t.Errorf("tag:Name = %+v", tagged.Vpcs)
	}
}

func TestNetworkReads(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	sn := must(c.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}}))
	if len(sn.Subnets) != 1 || !aws.ToBool(sn.Subnets[0].MapPublicIpOnLaunch) || aws.ToInt32(sn.Subnets[0].AvailableIpAddressCount) != 4091 {
		t.Errorf("subnets = %+v", sn.Subnets)
	}
	_, err := c.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{"subnet-nope"}})
	wantCode(t, err, "InvalidSubnetID.NotFound")

	rt := must(c.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{Filters: []types.Filter{{Name: aws.String("route.gateway-id"), Values: []string{"igw-*"}}}}))
	if len(rt.RouteTables) != 1 || aws.ToString(rt.RouteTables[0].RouteTableId) != "rtb-main" || len(rt.RouteTables[0].Routes) != 2 {
		t.Errorf("route tables = %+v", rt.RouteTables)
	}
	app := must(c.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{Filters: []types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{"subnet-app"}}}}))
	if len(app.RouteTables) != 1 || aws.ToString(app.RouteTables[0].Associations[0].SubnetId) != "subnet-app" {
		t.Errorf("app rt = %+v", app.RouteTables)
	}

	igw := must(c.DescribeInternetGateways(ctx, &ec2sdk.DescribeInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{"vpc-default"}}}}))
	if len(igw.InternetGateways) != 1 || igw.InternetGateways[0].Attachments[0].State != types.AttachmentStatus("available") {
		t.Errorf("igw = %+v", igw.InternetGateways)
	}
	_, err = c.DescribeInternetGateways(ctx, &ec2sdk.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"igw-nope"}})
	wantCode(t, err, "InvalidInternetGatewayID.NotFound")

	acl := must(c.DescribeNetworkAcls(ctx, &ec2sdk.DescribeNetworkAclsInput{NetworkAclIds: []string{"acl-app"}}))
	entries := acl.NetworkAcls[0].Entries
	if len(entries) != 3 {
		t.Fatalf("entries = %+v", entries)
	}
	e0 := entries[0]
	if aws.ToInt32(e0.RuleNumber) != 90 || aws.ToString(e0.Protocol) != "6" || e0.RuleAction != types.RuleActionAllow || aws.ToBool(e0.Egress) ||
		aws.ToString(e0.CidrBlock) != "0.0.0.0/0" || e0.PortRange == nil || aws.ToInt32(e0.PortRange.From) != 22 || aws.ToInt32(e0.PortRange.To) != 22 {
		t.Errorf("entry 0 = %+v", e0)
	}
	if aws.ToInt32(entries[2].RuleNumber) != 32767 || !aws.ToBool(entries[2].Egress) || entries[2].RuleAction != types.RuleActionDeny {
		t.Errorf("catch-all = %+v", entries[2])
	}
	if aws.ToString(acl.NetworkAcls[0].Associations[0].SubnetId) != "subnet-app" {
		t.Errorf("acl assoc = %+v", acl.NetworkAcls[0].Associations)
	}
	open := must(c.DescribeNetworkAcls(ctx, &ec2sdk.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("entry.port-range.from"), Values: []string{"22"}}, {Name: aws.String("entry.rule-action"), Values: []string{"allow"}}}}))
	if len(open.NetworkAcls) != 1 {
		t.Errorf("nacl filter = %d", len(open.NetworkAcls))
	}
	_, err = c.DescribeNetworkAcls(ctx, &ec2sdk.DescribeNetworkAclsInput{NetworkAclIds: []string{"acl-nope"}})
	wantCode(t, err, "InvalidNetworkAclID.NotFound")

	ep := must(c.DescribeVpcEndpoints(ctx, &ec2sdk.DescribeVpcEndpointsInput{}))
	if len(ep.VpcEndpoints) != 1 || ep.VpcEndpoints[0].VpcEndpointType != types.VpcEndpointTypeGateway || ep.VpcEndpoints[0].RouteTableIds[0] != "rtb-app" || ep.VpcEndpoints[0].State != types.State("available") {
		t.Errorf("endpoints = %+v", ep.VpcEndpoints)
	}
	_, err = c.DescribeVpcEndpoints(ctx, &ec2sdk.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-nope"}})
	wantCode(t, err, "InvalidVpcEndpointId.NotFound")

	pcx := must(c.DescribeVpcPeeringConnections(ctx, &ec2sdk.DescribeVpcPeeringConnectionsInput{Filters: []types.Filter{{Name: aws.String("accepter-vpc-info.owner-id"), Values: []string{"333333333333"}}}}))
	if len(pcx.VpcPeeringConnections) != 1 || pcx.VpcPeeringConnections[0].Status.Code != types.VpcPeeringConnectionStateReasonCodeActive ||
		aws.ToString(pcx.VpcPeeringConnections[0].AccepterVpcInfo.CidrBlock) != "10.1.0.0/16" {
		t.Errorf("peering = %+v", pcx.VpcPeeringConnections)
	}
	_, err = c.DescribeVpcPeeringConnections(ctx, &ec2sdk.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{"pcx-nope"}})
	wantCode(t, err, "InvalidVpcPeeringConnectionID.NotFound")
}

func TestFlowLogs(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	role := aws.String("arn:aws:iam::222222222222:role/flow")
	_, err := c.CreateFlowLogs(ctx, &ec2sdk.CreateFlowLogsInput{ResourceIds: []string{"vpc-default"}, ResourceType: types.FlowLogsResourceTypeVpc, TrafficType: types.TrafficTypeAll, LogGroupName: aws.String("g")})
	wantCode(t, err, "MissingParameter")
	_, err = c.CreateFlowLogs(ctx, &ec2sdk.CreateFlowLogsInput{ResourceIds: []string{}, ResourceType: types.FlowLogsResourceTypeVpc})
	wantCode(t, err, "MissingParameter")
	out := must(c.CreateFlowLogs(ctx, &ec2sdk.CreateFlowLogsInput{
		ResourceIds: []string{"vpc-default", "vpc-app", "vpc-nope"}, ResourceType: types.FlowLogsResourceTypeVpc, TrafficType: types.TrafficTypeAll,
		LogGroupName: aws.String("vpc-flow"), DeliverLogsPermissionArn: role,
	}))
	if len(out.FlowLogIds) != 1 || len(out.Unsuccessful) != 2 {
		t.Fatalf("create = %+v / %+v", out.FlowLogIds, out.Unsuccessful)
	}
	codes := []string{aws.ToString(out.Unsuccessful[0].Error.Code), aws.ToString(out.Unsuccessful[1].Error.Code)}
	sort.Strings(codes)
	if codes[0] != "FlowLogAlreadyExists" || codes[1] != "InvalidVpcID.NotFound" {
		t.Errorf("unsuccessful = %v", codes)
	}
	s3 := must(c.CreateFlowLogs(ctx, &ec2sdk.CreateFlowLogsInput{ResourceIds: []string{"vpc-default"}, ResourceType: types.FlowLogsResourceTypeVpc,
		TrafficType: types.TrafficTypeReject, LogDestinationType: types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::flow-bucket")}))
	if len(s3.FlowLogIds) != 1 {
		t.Fatalf("s3 flow log = %+v", s3.Unsuccessful)
	}
	d := must(c.DescribeFlowLogs(ctx, &ec2sdk.DescribeFlowLogsInput{Filter: []types.Filter{{Name: aws.String("resource-id"), Values: []string{"vpc-default"}}}}))
	if len(d.FlowLogs) != 2 {
		t.Fatalf("flow logs for default vpc = %d", len(d.FlowLogs))
	}
	for _, f := range d.FlowLogs {
		if aws.ToString(f.FlowLogStatus) != "ACTIVE" || f.LogDestinationType == "" || aws.ToString(f.LogDestination) == "" {
			t.Errorf("flow log = %+v", f)
		}
	}
	del := must(c.DeleteFlowLogs(ctx, &ec2sdk.DeleteFlowLogsInput{FlowLogIds: []string{out.FlowLogIds[0], "fl-nope"}}))
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].Error.Code) != "InvalidFlowLogId.NotFound" {
		t.Errorf("delete unsuccessful = %+v", del.Unsuccessful)
	}
	all := must(c.DescribeFlowLogs(ctx, &ec2sdk.DescribeFlowLogsInput{}))
	if len(all.FlowLogs) != 2 {
		t.Errorf("after delete = %d", len(all.FlowLogs))
	}
	_, err = c.DeleteFlowLogs(ctx, &ec2sdk.DeleteFlowLogsInput{FlowLogIds: []string{}})
	wantCode(t, err, "MissingParameter")
}

func findPerm(perms []types.IpPermission, proto string, port int32) *types.IpPermission {
	for i, p := range perms {
		if aws.ToString(p.IpProtocol) == proto && (proto == "-1" || aws.ToInt32(p.FromPort) == port) {
			return &perms[i]
		}
	}
	return nil
}

func TestSecurityGroups(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	web := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{"sg-web"}})).SecurityGroups[0]
	ssh := findPerm(web.IpPermissions, "tcp", 22)
	if ssh == nil || len(ssh.IpRanges) != 1 || aws.ToString(ssh.IpRanges[0].CidrIp) != "0.0.0.0/0" || len(ssh.Ipv6Ranges) != 1 || aws.ToString(ssh.Ipv6Ranges[0].CidrIpv6) != "::/0" {
		t.Fatalf("web ssh = %+v", ssh)
	}
	if https := findPerm(web.IpPermissions, "tcp", 443); https == nil || aws.ToString(https.IpRanges[0].Description) != "internal" {
		t.Errorf("https = %+v", https)
	}
	def := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})).SecurityGroups[0]
	self := findPerm(def.IpPermissions, "-1", 0)
	if self == nil || self.FromPort != nil || aws.ToString(self.UserIdGroupPairs[0].GroupId) != "sg-default" || aws.ToString(self.UserIdGroupPairs[0].UserId) != simtest.Member {
		t.Fatalf("default ingress = %+v", def.IpPermissions)
	}
	if eg := findPerm(def.IpPermissionsEgress, "-1", 0); eg == nil || aws.ToString(eg.IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Errorf("default egress = %+v", def.IpPermissionsEgress)
	}
	open := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("ip-permission.cidr"), Values: []string{"0.0.0.0/0"}}, {Name: aws.String("ip-permission.from-port"), Values: []string{"22"}}}}))
	if len(open.SecurityGroups) != 1 || aws.ToString(open.SecurityGroups[0].GroupId) != "sg-web" {
		t.Errorf("open filter = %d", len(open.SecurityGroups))
	}
	_, err := c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{"sg-nope"}})
	wantCode(t, err, "InvalidGroup.NotFound")

	// create, authorize, duplicate, revoke
	_, err = c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("")})
	wantCode(t, err, "MissingParameter")
	_, err = c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("db"), VpcId: aws.String("vpc-nope")})
	wantCode(t, err, "InvalidVpcID.NotFound")
	db := must(c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("db"), VpcId: aws.String("vpc-app")}))
	_, err = c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("db"), VpcId: aws.String("vpc-app")})
	wantCode(t, err, "InvalidGroup.Duplicate")
	perm := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3389), ToPort: aws.Int32(3389),
		IpRanges:         []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}},
		Ipv6Ranges:       []types.Ipv6Range{{CidrIpv6: aws.String("::/0")}},
		UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-app")}}}
	auth := must(c.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{perm}}))
	if !aws.ToBool(auth.Return) || len(auth.SecurityGroupRules) != 3 {
		t.Fatalf("authorize = %+v", auth.SecurityGroupRules)
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{perm}})
	wantCode(t, err, "InvalidPermission.Duplicate")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-nope"), IpPermissions: []types.IpPermission{perm}})
	wantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: db.GroupId, IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), CidrIp: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatalf("legacy authorize: %v", err)
	}
	rules := must(c.DescribeSecurityGroupRules(ctx, &ec2sdk.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{aws.ToString(db.GroupId)}}}}))
	if len(rules.SecurityGroupRules) != 5 { // 3 + legacy + default egress
		t.Fatalf("rules = %d", len(rules.SecurityGroupRules))
	}
	var egressID, refID string
	for _, r := range rules.SecurityGroupRules {
		if aws.ToBool(r.IsEgress) {
			egressID = aws.ToString(r.SecurityGroupRuleId)
		}
		if r.ReferencedGroupInfo != nil {
			refID = aws.ToString(r.SecurityGroupRuleId)
			if aws.ToString(r.ReferencedGroupInfo.GroupId) != "sg-app" {
				t.Errorf("referenced = %+v", r.ReferencedGroupInfo)
			}
		}
	}
	// Revoke by permission (the IPv4 + IPv6 parts), then by rule ID.
	rv := must(c.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3389), ToPort: aws.Int32(3389),
		IpRanges: perm.IpRanges, Ipv6Ranges: perm.Ipv6Ranges}}}))
	if len(rv.RevokedSecurityGroupRules) != 2 {
		t.Errorf("revoked = %+v", rv.RevokedSecurityGroupRules)
	}
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3389), ToPort: aws.Int32(3389), IpRanges: perm.IpRanges}}})
	wantCode(t, err, "InvalidPermission.NotFound")
	must(c.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: db.GroupId, SecurityGroupRuleIds: []string{refID}}))
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: db.GroupId, SecurityGroupRuleIds: []string{egressID}})
	wantCode(t, err, "InvalidSecurityGroupRuleId.NotFound")
	must(c.RevokeSecurityGroupEgress(ctx, &ec2sdk.RevokeSecurityGroupEgressInput{GroupId: db.GroupId, SecurityGroupRuleIds: []string{egressID}}))
	must(c.AuthorizeSecurityGroupEgress(ctx, &ec2sdk.AuthorizeSecurityGroupEgressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	_, err = c.RevokeSecurityGroupEgress(ctx, &ec2sdk.RevokeSecurityGroupEgressInput{GroupId: db.GroupId, IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	wantCode(t, err, "InvalidPermission.NotFound")
	g := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(db.GroupId)}})).SecurityGroups[0]
	if len(g.IpPermissions) != 1 || aws.ToInt32(g.IpPermissions[0].FromPort) != 5432 || len(g.IpPermissionsEgress) != 1 || aws.ToInt32(g.IpPermissionsEgress[0].FromPort) != 443 {
		t.Errorf("after revoke: in %+v eg %+v", g.IpPermissions, g.IpPermissionsEgress)
	}

	// delete: default group, group in use, referenced group
	_, err = c.DeleteSecurityGroup(ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String("sg-default")})
	wantCode(t, err, "CannotDelete")
	_, err = c.DeleteSecurityGroup(ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String("sg-web")})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DeleteSecurityGroup(ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String("sg-nope")})
	wantCode(t, err, "InvalidGroup.NotFound")
	must(c.DeleteSecurityGroup(ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: db.GroupId}))
	_, err = c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(db.GroupId)}})
	wantCode(t, err, "InvalidGroup.NotFound")
}

// TestSecurityGroupRuleTags: a rule is a taggable resource; tags given
// when rules are authorized go on each of them.
func TestSecurityGroupRuleTags(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	auth := must(c.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String("sg-web"),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8443), ToPort: aws.Int32(8443),
			IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8"), Description: aws.String("admin")}, {CidrIp: aws.String("192.168.0.0/16")}}}},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule, Tags: []types.Tag{{Key: aws.String("ticket"), Value: aws.String("OPS-1")}}}},
	}))
	if len(auth.SecurityGroupRules) != 2 || len(auth.SecurityGroupRules[0].Tags) != 1 || len(auth.SecurityGroupRules[1].Tags) != 1 {
		t.Fatalf("authorized %+v", auth.SecurityGroupRules)
	}
	id := aws.ToString(auth.SecurityGroupRules[0].SecurityGroupRuleId)
	must(c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("ops")}}}))
	got := must(c.DescribeSecurityGroupRules(ctx, &ec2sdk.DescribeSecurityGroupRulesInput{Filters: []types.Filter{
		{Name: aws.String("tag:owner"), Values: []string{"ops"}}}})).SecurityGroupRules
	if len(got) != 1 || aws.ToString(got[0].SecurityGroupRuleId) != id || len(got[0].Tags) != 2 || aws.ToString(got[0].Description) != "admin" {
		t.Fatalf("rules tagged owner=ops: %+v", got)
	}
	// Seeded rules, with IDs made on first use, can be tagged too.
	seeded := must(c.DescribeSecurityGroupRules(ctx, &ec2sdk.DescribeSecurityGroupRulesInput{Filters: []types.Filter{
		{Name: aws.String("group-id"), Values: []string{"sg-default"}}}})).SecurityGroupRules
	must(c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{aws.ToString(seeded[0].SecurityGroupRuleId)}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))
	_, err := c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{"sgr-0000000000000dead"}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidSecurityGroupRuleId.NotFound")
}

func TestNetworkInterfaces(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	out := must(c.DescribeNetworkInterfaces(ctx, &ec2sdk.DescribeNetworkInterfacesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{"sg-web"}}}}))
	if len(out.NetworkInterfaces) != 1 {
		t.Fatalf("enis = %+v", out.NetworkInterfaces)
	}
	n := out.NetworkInterfaces[0]
	if aws.ToString(n.Attachment.InstanceId) != "i-web1" || aws.ToString(n.Groups[0].GroupName) != "web" || aws.ToString(n.Association.PublicIp) != "34.1.1.1" {
		t.Errorf("eni = %+v", n)
	}
	none := must(c.DescribeNetworkInterfaces(ctx, &ec2sdk.DescribeNetworkInterfacesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{"sg-default"}}}}))
	if len(none.NetworkInterfaces) != 0 {
		t.Errorf("default SG in use by %d", len(none.NetworkInterfaces))
	}
	_, err := c.DescribeNetworkInterfaces(ctx, &ec2sdk.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-nope"}})
	wantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
}

func TestInstances(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	out := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{"i-web1"}}))
	if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		t.Fatalf("reservations = %+v", out.Reservations)
	}
	i := out.Reservations[0].Instances[0]
	if i.MetadataOptions.HttpTokens != types.HttpTokensStateOptional || i.MetadataOptions.HttpEndpoint != types.InstanceMetadataEndpointStateEnabled ||
		aws.ToInt32(i.MetadataOptions.HttpPutResponseHopLimit) != 1 || i.State.Name != types.InstanceStateNameRunning || aws.ToInt32(i.State.Code) != 16 ||
		aws.ToString(i.PublicIpAddress) != "34.1.1.1" || aws.ToString(i.IamInstanceProfile.Arn) != "arn:aws:iam::222222222222:instance-profile/web" ||
		!aws.ToTime(i.LaunchTime).Equal(t0) || aws.ToString(i.SecurityGroups[0].GroupName) != "web" || len(i.Tags) != 2 ||
		aws.ToString(i.BlockDeviceMappings[0].Ebs.VolumeId) != "vol-root" {
		t.Errorf("instance = %+v", i)
	}
	for _, tc := range []struct {
		name, value string
		want        int
	}{
		{"instance-state-name", "running", 1},
		{"instance-state-name", "stopped", 1},
		{"metadata-options.http-tokens", "optional", 1},
		{"tag:env", "dev", 1},
		{"instance.group-id", "sg-app", 1},
		{"vpc-id", "vpc-*", 2},
		{"iam-instance-profile.arn", "*instance-profile/web", 1},
	} {
		f := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String(tc.name), Values: []string{tc.value}}}}))
		if len(f.Reservations) != tc.want {
			t.Errorf("filter %s=%s: %d reservations, want %d", tc.name, tc.value, len(f.Reservations), tc.want)
		}
	}
	_, err := c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{"i-nope"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	_, err = c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("not-a-filter"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue")

	mod := must(c.ModifyInstanceMetadataOptions(ctx, &ec2sdk.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String("i-web1"), HttpTokens: types.HttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)}))
	if mod.InstanceMetadataOptions.HttpTokens != types.HttpTokensStateRequired || mod.InstanceMetadataOptions.State != types.InstanceMetadataOptionsStatePending {
		t.Errorf("modify = %+v", mod.InstanceMetadataOptions)
	}
	i = must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{"i-web1"}})).Reservations[0].Instances[0]
	if i.MetadataOptions.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(i.MetadataOptions.HttpPutResponseHopLimit) != 2 || i.MetadataOptions.State != types.InstanceMetadataOptionsStateApplied {
		t.Errorf("after modify = %+v", i.MetadataOptions)
	}
	_, err = c.ModifyInstanceMetadataOptions(ctx, &ec2sdk.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String("i-nope"), HttpTokens: types.HttpTokensStateRequired})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	_, err = c.ModifyInstanceMetadataOptions(ctx, &ec2sdk.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String("i-web1"), HttpPutResponseHopLimit: aws.Int32(100)})
	wantCode(t, err, "InvalidParameterValue")

	// Account defaults apply to new instances.
	def := must(c.GetInstanceMetadataDefaults(ctx, &ec2sdk.GetInstanceMetadataDefaultsInput{}))
	if def.AccountLevel == nil || def.AccountLevel.HttpTokens != "" {
		t.Errorf("defaults = %+v", def.AccountLevel)
	}
	must(c.ModifyInstanceMetadataDefaults(ctx, &ec2sdk.ModifyInstanceMetadataDefaultsInput{HttpTokens: types.MetadataDefaultHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)}))
	def = must(c.GetInstanceMetadataDefaults(ctx, &ec2sdk.GetInstanceMetadataDefaultsInput{}))
	if def.AccountLevel.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(def.AccountLevel.HttpPutResponseHopLimit) != 2 {
		t.Errorf("defaults after modify = %+v", def.AccountLevel)
	}
	_, err = c.RunInstances(ctx, &ec2sdk.RunInstancesInput{ImageId: aws.String(""), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	wantCode(t, err, "MissingParameter")
	run := must(c.RunInstances(ctx, &ec2sdk.RunInstancesInput{ImageId: aws.String("ami-own"), MinCount: aws.Int32(2), MaxCount: aws.Int32(2), InstanceType: types.InstanceTypeT3Micro,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("new")}}}}}))
	if len(run.Instances) != 2 || run.Instances[0].MetadataOptions.HttpTokens != types.HttpTokensStateRequired || aws.ToString(run.Instances[0].SubnetId) != "subnet-da" ||
		aws.ToString(run.Instances[0].SecurityGroups[0].GroupId) != "sg-default" || run.Instances[0].State.Name != types.InstanceStateNamePending || aws.ToString(run.Instances[0].PublicIpAddress) == "" {
		t.Fatalf("run = %+v", run.Instances)
	}
	newID := aws.ToString(run.Instances[0].InstanceId)
	vols := must(c.DescribeVolumes(ctx, &ec2sdk.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{newID}}}}))
	if len(vols.Volumes) != 1 || aws.ToBool(vols.Volumes[0].Encrypted) {
		t.Errorf("root volume = %+v", vols.Volumes)
	}
	_, err = c.RunInstances(ctx, &ec2sdk.RunInstancesInput{ImageId: aws.String("ami-own"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String("subnet-nope")})
	wantCode(t, err, "InvalidSubnetID.NotFound")

	app := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{"i-app1"}})).Reservations[0].Instances[0]
	if app.VirtualizationType != types.VirtualizationTypeParavirtual ||
		aws.ToString(app.StateTransitionReason) != "User initiated ("+t0.Add(time.Hour).UTC().Format("2006-01-02 15:04:05")+" GMT)" {
		t.Errorf("seeded stopped paravirtual instance = %q, %q", app.VirtualizationType, aws.ToString(app.StateTransitionReason))
	}
	st := must(c.StopInstances(ctx, &ec2sdk.StopInstancesInput{InstanceIds: []string{newID}}))
	if st.StoppingInstances[0].CurrentState.Name != types.InstanceStateNameStopping || st.StoppingInstances[0].PreviousState.Name != types.InstanceStateNameRunning {
		t.Errorf("stop = %+v", st.StoppingInstances[0])
	}
	stopped := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{newID}})).Reservations[0].Instances[0]
	if got, want := aws.ToString(stopped.StateTransitionReason), "User initiated ("+simtest.Now.Format("2006-01-02 15:04:05")+" GMT)"; got != want {
		t.Errorf("stopped instance's reason %q, want %q", got, want)
	}
	if stopped.VirtualizationType != types.VirtualizationTypeHvm {
		t.Errorf("virtualization type %q, want hvm (the default)", stopped.VirtualizationType)
	}
	if _, err := c.StartInstances(ctx, &ec2sdk.StartInstancesInput{InstanceIds: []string{newID}}); err != nil {
		t.Fatal(err)
	}
	started := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{newID}})).Reservations[0].Instances[0]
	if r := aws.ToString(started.StateTransitionReason); r != "" {
		t.Errorf("running instance's reason %q, want none", r)
	}
	must(c.StopInstances(ctx, &ec2sdk.StopInstancesInput{InstanceIds: []string{newID}}))
	term := must(c.TerminateInstances(ctx, &ec2sdk.TerminateInstancesInput{InstanceIds: []string{newID}}))
	if term.TerminatingInstances[0].CurrentState.Name != types.InstanceStateNameShuttingDown || term.TerminatingInstances[0].PreviousState.Name != types.InstanceStateNameStopped {
		t.Errorf("terminate = %+v", term.TerminatingInstances[0])
	}
	gone := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{newID}})).Reservations[0].Instances[0]
	if gone.State.Name != types.InstanceStateNameTerminated || aws.ToString(gone.PublicIpAddress) != "" {
		t.Errorf("terminated = %+v", gone.State)
	}
	vols = must(c.DescribeVolumes(ctx, &ec2sdk.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{newID}}}}))
	if len(vols.Volumes) != 0 {
		t.Errorf("root volume survived termination")
	}
	_, err = c.StopInstances(ctx, &ec2sdk.StopInstancesInput{InstanceIds: []string{newID}})
	wantCode(t, err, "IncorrectInstanceState")
	_, err = c.TerminateInstances(ctx, &ec2sdk.TerminateInstancesInput{InstanceIds: []string{"i-nope"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
}

func TestEBS(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	v := must(c.DescribeVolumes(ctx, &ec2sdk.DescribeVolumesInput{VolumeIds: []string{"vol-data"}})).Volumes[0]
	if !aws.ToBool(v.Encrypted) || aws.ToString(v.KmsKeyId) != "arn:aws:kms:eu-west-1:222222222222:key/k1" || aws.ToString(v.Attachments[0].InstanceId) != "i-app1" || v.State != types.VolumeStateInUse {
		t.Errorf("volume = %+v", v)
	}
	unenc := must(c.DescribeVolumes(ctx, &ec2sdk.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("encrypted"), Values: []string{"false"}}}}))
	if len(unenc.Volumes) != 1 || aws.ToString(unenc.Volumes[0].VolumeId) != "vol-root" {
		t.Errorf("unencrypted = %+v", unenc.Volumes)
	}
	_, err := c.DescribeVolumes(ctx, &ec2sdk.DescribeVolumesInput{VolumeIds: []string{"vol-nope"}})
	wantCode(t, err, "InvalidVolume.NotFound")

	self := must(c.DescribeSnapshots(ctx, &ec2sdk.DescribeSnapshotsInput{OwnerIds: []string{"self"}}))
	if len(self.Snapshots) != 2 || aws.ToString(self.Snapshots[0].OwnerId) != simtest.Member {
		t.Fatalf("self snapshots = %+v", self.Snapshots)
	}
	pub := must(c.DescribeSnapshots(ctx, &ec2sdk.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{"all"}}))
	if len(pub.Snapshots) != 1 || aws.ToString(pub.Snapshots[0].SnapshotId) != "snap-pub" {
		t.Errorf("public snapshots = %+v", pub.Snapshots)
	}
	amazon := must(c.DescribeSnapshots(ctx, &ec2sdk.DescribeSnapshotsInput{OwnerIds: []string{"amazon"}}))
	if len(amazon.Snapshots) != 0 {
		t.Errorf("amazon snapshots = %d", len(amazon.Snapshots))
	}
	_, err = c.DescribeSnapshots(ctx, &ec2sdk.DescribeSnapshotsInput{SnapshotIds: []string{"snap-nope"}})
	wantCode(t, err, "InvalidSnapshot.NotFound")

	attr := must(c.DescribeSnapshotAttribute(ctx, &ec2sdk.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-pub"), Attribute: types.SnapshotAttributeNameCreateVolumePermission}))
	if len(attr.CreateVolumePermissions) != 1 || attr.CreateVolumePermissions[0].Group != types.PermissionGroupAll {
		t.Errorf("attr = %+v", attr.CreateVolumePermissions)
	}
	must(c.ModifySnapshotAttribute(ctx, &ec2sdk.ModifySnapshotAttributeInput{SnapshotId: aws.String("snap-pub"), Attribute: types.SnapshotAttributeNameCreateVolumePermission,
		CreateVolumePermission: &types.CreateVolumePermissionModifications{Remove: []types.CreateVolumePermission{{Group: types.PermissionGroupAll}}, Add: []types.CreateVolumePermission{{UserId: aws.String("333333333333")}}}}))
	attr = must(c.DescribeSnapshotAttribute(ctx, &ec2sdk.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-pub"), Attribute: types.SnapshotAttributeNameCreateVolumePermission}))
	if len(attr.CreateVolumePermissions) != 1 || aws.ToString(attr.CreateVolumePermissions[0].UserId) != "333333333333" {
		t.Errorf("attr after modify = %+v", attr.CreateVolumePermissions)
	}
	_, err = c.DescribeSnapshotAttribute(ctx, &ec2sdk.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-nope"), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	wantCode(t, err, "InvalidSnapshot.NotFound")

	bpa := must(c.GetSnapshotBlockPublicAccessState(ctx, &ec2sdk.GetSnapshotBlockPublicAccessStateInput{}))
	if bpa.State != types.SnapshotBlockPublicAccessStateUnblocked {
		t.Errorf("bpa = %s", bpa.State)
	}
	en := must(c.EnableSnapshotBlockPublicAccess(ctx, &ec2sdk.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateBlockAllSharing}))
	if en.State != types.SnapshotBlockPublicAccessStateBlockAllSharing {
		t.Errorf("enable bpa = %s", en.State)
	}
	_, err = c.ModifySnapshotAttribute(ctx, &ec2sdk.ModifySnapshotAttributeInput{SnapshotId: aws.String("snap-pub"), OperationType: types.OperationTypeAdd, GroupNames: []string{"all"}, Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	wantCode(t, err, "OperationNotPermitted")

	enc := must(c.GetEbsEncryptionByDefault(ctx, &ec2sdk.GetEbsEncryptionByDefaultInput{}))
	if aws.ToBool(enc.EbsEncryptionByDefault) {
		t.Errorf("encryption by default on")
	}
	on := must(c.EnableEbsEncryptionByDefault(ctx, &ec2sdk.EnableEbsEncryptionByDefaultInput{}))
	enc = must(c.GetEbsEncryptionByDefault(ctx, &ec2sdk.GetEbsEncryptionByDefaultInput{}))
	if !aws.ToBool(on.EbsEncryptionByDefault) || !aws.ToBool(enc.EbsEncryptionByDefault) {
		t.Errorf("enable did not stick")
	}
	kid := must(c.GetEbsDefaultKmsKeyId(ctx, &ec2sdk.GetEbsDefaultKmsKeyIdInput{}))
	if aws.ToString(kid.KmsKeyId) != "arn:aws:kms:eu-west-1:222222222222:alias/aws/ebs" {
		t.Errorf("default key = %s", aws.ToString(kid.KmsKeyId))
	}
	off := must(c.DisableEbsEncryptionByDefault(ctx, &ec2sdk.DisableEbsEncryptionByDefaultInput{}))
	if aws.ToBool(off.EbsEncryptionByDefault) {
		t.Errorf("disable")
	}
	// Region isolation: us-east-1 has its own setting.
	s := simtest.Start(t, seed())
	east := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	west := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	must(west.EnableEbsEncryptionByDefault(ctx, &ec2sdk.EnableEbsEncryptionByDefaultInput{}))
	if aws.ToBool(must(east.GetEbsEncryptionByDefault(ctx, &ec2sdk.GetEbsEncryptionByDefaultInput{})).EbsEncryptionByDefault) {
		t.Errorf("encryption default leaked to us-east-1")
	}
}

func TestImagesAndAddresses(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	im := must(c.DescribeImages(ctx, &ec2sdk.DescribeImagesInput{Owners: []string{"self"}}))
	if len(im.Images) != 1 || !aws.ToBool(im.Images[0].Public) || aws.ToString(im.Images[0].BlockDeviceMappings[0].Ebs.SnapshotId) != "snap-pub" {
		t.Fatalf("images = %+v", im.Images)
	}
	pub := must(c.DescribeImages(ctx, &ec2sdk.DescribeImagesInput{Owners: []string{"self"}, Filters: []types.Filter{{Name: aws.String("is-public"), Values: []string{"false"}}}}))
	if len(pub.Images) != 0 {
		t.Errorf("private images = %d", len(pub.Images))
	}
	_, err := c.DescribeImages(ctx, &ec2sdk.DescribeImagesInput{ImageIds: []string{"ami-nope"}})
	wantCode(t, err, "InvalidAMIID.NotFound")

	ad := must(c.DescribeAddresses(ctx, &ec2sdk.DescribeAddressesInput{}))
	if len(ad.Addresses) != 1 || aws.ToString(ad.Addresses[0].InstanceId) != "i-web1" || ad.Addresses[0].Domain != types.DomainTypeVpc || aws.ToString(ad.Addresses[0].NetworkInterfaceId) != "eni-web1" {
		t.Errorf("addresses = %+v", ad.Addresses)
	}
	_, err = c.DescribeAddresses(ctx, &ec2sdk.DescribeAddressesInput{AllocationIds: []string{"eipalloc-nope"}})
	wantCode(t, err, "InvalidAllocationID.NotFound")
}

func TestTags(t *testing.T) {
	c := client(t, seed(), simtest.Member, region)
	must(c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{"sg-web", "vol-root"}, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("team-a")}}}))
	d := must(c.DescribeTags(ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"owner"}}}}))
	if len(d.Tags) != 2 || d.Tags[0].ResourceType != types.ResourceTypeSecurityGroup || d.Tags[1].ResourceType != types.ResourceTypeVolume {
		t.Fatalf("tags = %+v", d.Tags)
	}
	sg := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: aws.String("tag:owner"), Values: []string{"team-a"}}}}))
	if len(sg.SecurityGroups) != 1 {
		t.Errorf("tag filter on SGs = %d", len(sg.SecurityGroups))
	}
	// Value mismatch keeps the tag; no value deletes it.
	must(c.DeleteTags(ctx, &ec2sdk.DeleteTagsInput{Resources: []string{"sg-web"}, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("other")}}}))
	must(c.DeleteTags(ctx, &ec2sdk.DeleteTagsInput{Resources: []string{"vol-root"}, Tags: []types.Tag{{Key: aws.String("owner")}}}))
	d = must(c.DescribeTags(ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"owner"}}}}))
	if len(d.Tags) != 1 || aws.ToString(d.Tags[0].ResourceId) != "sg-web" {
		t.Errorf("after delete = %+v", d.Tags)
	}
	inst := must(c.DescribeTags(ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("resource-id"), Values: []string{"i-web1"}}}}))
	if len(inst.Tags) != 2 {
		t.Errorf("instance tags = %+v", inst.Tags)
	}
	_, err := c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{"i-nope"}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	_, err = c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{"sg-web"}, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{}, Tags: []types.Tag{{Key: aws.String("k")}}})
	wantCode(t, err, "MissingParameter")
}

func TestPagination(t *testing.T) {
	w := seed()
	e := &w.Accounts[simtest.Member].In(region).EC2
	for n := 0; n < 12; n++ {
		id := fmt.Sprintf("%02d", n)
		e.SecurityGroups = append(e.SecurityGroups, &world.SecurityGroup{ID: "sg-p" + id, Name: "p" + id, Description: "p", VPCID: "vpc-app", Tags: map[string]string{"n": id},
			Rules: []*world.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "10.0.0.0/8"}}})
		e.Instances = append(e.Instances, &world.Instance{ID: "i-p" + id, ImageID: "ami-x", InstanceType: "t3.nano", State: "running", AZ: "eu-west-1a", VPCID: "vpc-app", SubnetID: "subnet-app", LaunchTime: t0})
		e.Volumes = append(e.Volumes, &world.Volume{ID: "vol-p" + id, Size: 1, AZ: "eu-west-1a", Created: t0})
		e.Snapshots = append(e.Snapshots, &world.Snapshot{ID: "snap-p" + id, VolumeSize: 1, Started: t0})
	}
	c := client(t, w, simtest.Member, region)

	count := func(name string, pages, items int, wantItems int) {
		t.Helper()
		if items != wantItems || pages < 2 {
			t.Errorf("%s: %d items in %d pages, want %d in several", name, items, pages, wantItems)
		}
	}
	pages, items := 0, 0
	for p := ec2sdk.NewDescribeSecurityGroupsPaginator(c, &ec2sdk.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).SecurityGroups)
	}
	count("security groups", pages, items, 15)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeInstancesPaginator(c, &ec2sdk.DescribeInstancesInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		for _, r := range must(p.NextPage(ctx)).Reservations {
			items += len(r.Instances)
		}
	}
	count("instances", pages, items, 14)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeVolumesPaginator(c, &ec2sdk.DescribeVolumesInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).Volumes)
	}
	count("volumes", pages, items, 14)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeSnapshotsPaginator(c, &ec2sdk.DescribeSnapshotsInput{OwnerIds: []string{"self"}, MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).Snapshots)
	}
	count("snapshots", pages, items, 14)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeSecurityGroupRulesPaginator(c, &ec2sdk.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).SecurityGroupRules)
	}
	count("rules", pages, items, 17)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeTagsPaginator(c, &ec2sdk.DescribeTagsInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).Tags)
	}
	count("tags", pages, items, 15)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeNetworkInterfacesPaginator(c, &ec2sdk.DescribeNetworkInterfacesInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).NetworkInterfaces)
	}
	count("network interfaces", pages, items, 14)
	pages, items = 0, 0
	for p := ec2sdk.NewDescribeFlowLogsPaginator(c, &ec2sdk.DescribeFlowLogsInput{MaxResults: aws.Int32(1)}); p.HasMorePages(); pages++ {
		items += len(must(p.NextPage(ctx)).FlowLogs)
	}
	if items != 1 || pages != 1 {
		t.Errorf("flow logs: %d in %d pages", items, pages)
	}
	// Without MaxResults everything comes in one page.
	all := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{}))
	if len(all.SecurityGroups) != 15 || all.NextToken != nil {
		t.Errorf("unpaged = %d next %v", len(all.SecurityGroups), all.NextToken)
	}
	_, err := c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(2)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{MaxResults: aws.Int32(5), InstanceIds: []string{"i-web1"}})
	wantCode(t, err, "InvalidParameterCombination")
	vp := must(c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(5)}))
	if len(vp.Vpcs) != 2 || vp.NextToken != nil {
		t.Errorf("vpcs page = %d", len(vp.Vpcs))
	}
}

func TestIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	for _, tc := range []struct{ account, region string }{{simtest.Member, "us-east-1"}, {simtest.Management, region}} {
		c := ec2sdk.NewFromConfig(s.Config(t, tc.account, tc.region))
		v := must(c.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{}))
		i := must(c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{}))
		g := must(c.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{}))
		if len(v.Vpcs)+len(i.Reservations)+len(g.SecurityGroups) != 0 {
			t.Errorf("%s/%s sees member eu-west-1 state", tc.account, tc.region)
		}
		_, err := c.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: []string{"i-web1"}})
		wantCode(t, err, "InvalidInstanceID.NotFound")
	}
	// A write in one region stays there.
	west := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	east := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	must(west.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.5.0.0/16")}))
	if n := len(must(east.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{})).Vpcs); n != 0 {
		t.Errorf("us-east-1 sees %d VPCs", n)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.EC2]("ec2")
	if err != nil {
		t.Fatal(err)
	}
	for p, regions := range profiles {
		for r, e := range regions {
			out, err := yaml.Marshal(&e)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), "${") {
				t.Errorf("%s/%s: unsubstituted placeholder in ec2.yaml", p, r)
			}
		}
	}
	for _, p := range []string{"hardened", "managed", "partial", "weak", "neglected"} {
		regions, ok := profiles[p]
		if !ok {
			t.Errorf("profile %s missing", p)
			continue
		}
		if _, ok := regions["default"]; !ok {
			t.Errorf("profile %s has no default", p)
		}
		for r, e := range regions {
			checkProfile(t, p+"/"+r, p, &e)
		}
	}
	if profiles["partial"]["eu-central-1"].EBSEncryptionByDefault || !profiles["partial"]["default"].EBSEncryptionByDefault {
		t.Errorf("partial: want EBS default encryption on except in eu-central-1")
	}
	if len(profiles["partial"]["eu-central-1"].Instances) == 0 {
		t.Errorf("partial eu-central-1 override lost the merged default state")
	}
}

// checkProfile asserts the invariants every region of a profile keeps.
func checkProfile(t *testing.T, where, profile string, e *world.EC2) {
	t.Helper()
	var def *world.VPC
	for _, v := range e.VPCs {
		if v.IsDefault {
			def = v
		}
	}
	if def == nil || def.CIDR != "172.31.0.0/16" {
		t.Errorf("%s: no default VPC 172.31.0.0/16", where)
		return
	}
	var defSG *world.SecurityGroup
	for _, g := range e.SecurityGroups {
		if g.Name == "default" && g.VPCID == def.ID {
			defSG = g
		}
	}
	if defSG == nil {
		t.Errorf("%s: no default SG", where)
	} else if profile == "hardened" && len(defSG.Rules) != 0 {
		t.Errorf("%s: hardened default SG has rules", where)
	}
	ids := map[string]bool{}
	for _, g := range e.SecurityGroups {
		ids[g.ID] = true
	}
	for _, i := range e.Instances {
		for _, g := range i.SecurityGroups {
			if !ids[g] {
				t.Errorf("%s: instance %s uses unknown SG %s", where, i.ID, g)
			}
		}
		if profile == "hardened" && i.Metadata.HTTPTokens != "required" {
			t.Errorf("%s: hardened instance %s without IMDSv2", where, i.ID)
		}
	}
	for _, lt := range e.LaunchTemplates {
		for _, v := range lt.Versions {
			for _, n := range v.Data.NetworkInterfaces {
				if len(n.GroupIDs) > 0 && !ids[n.GroupIDs[0]] {
					t.Errorf("%s: launch template %s uses unknown SG %s", where, lt.Name, n.GroupIDs[0])
				}
			}
			if profile == "hardened" && (v.Data.Metadata == nil || v.Data.Metadata.HTTPTokens != "required") {
				t.Errorf("%s: hardened launch template %s without IMDSv2", where, lt.Name)
			}
		}
	}
	if profile == "hardened" {
		if !e.EBSEncryptionByDefault {
			t.Errorf("%s: hardened without EBS default encryption", where)
		}
		logged := map[string]bool{}
		for _, f := range e.FlowLogs {
			logged[f.ResourceID] = true
		}
		for _, v := range e.VPCs {
			if !logged[v.ID] {
				t.Errorf("%s: hardened VPC %s without flow logs", where, v.ID)
			}
		}
	}
}
