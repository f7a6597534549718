package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
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

// sgPerm is one rule to authorize: a protocol, ports and one peer.
func sgPerm(proto string, from, to int32, peer, desc string) ec2types.IpPermission {
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

func sgAuthorize(t *testing.T, c *ec2api.Client, group string, tags map[string]string, perms ...ec2types.IpPermission) {
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
		sgAuthorize(t, c, id, nil,
			sgPerm("tcp", 22, 22, "0.0.0.0/0", "ops from anywhere"),
			sgPerm("tcp", 3389, 3389, "::/0", ""),
			sgPerm("tcp", 8000, 9000, "::/0", "dev servers"),
			sgPerm("tcp", 443, 443, "0.0.0.0/0", "https"),
			sgPerm("tcp", 443, 443, "::/0", "https v6"),
			sgPerm("tcp", 22, 22, "10.0.0.0/8", "ssh from the VPN"),
			sgPerm("tcp", 22, 22, "pl-0a1b2c3d", "ssh from the office"),
			sgPerm("-1", -1, -1, lb, "from the load balancer"),
			sgPerm("icmp", -1, -1, "0.0.0.0/0", "ping"),
		)
		sgAuthorize(t, c, id, map[string]string{"ticket": "OPS-42"}, sgPerm("udp", 3389, 3389, "0.0.0.0/0", "rdp over udp"))
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

// ec2SnapID is the snapshot snapshotWorld seeds.
const ec2SnapID = "snap-0a1b2c3d4e5f60718"

// snapshotWorld seeds an unencrypted snapshot (public or not: with
// block public access on, the API cannot make it public), under the
// given snapshot block public access state.
func snapshotWorld(region, bpa string, public bool) func(*world.World) {
	return func(w *world.World) {
		e := &w.Account(simtest.Member).In(region).EC2
		e.SnapshotBlockPublicAccess = bpa
		e.Snapshots = append(e.Snapshots, &world.Snapshot{ID: ec2SnapID, VolumeID: "vol-0a1b2c3d4e5f60718", VolumeSize: 8, Started: simtest.Now, Public: public})
	}
}

// publicSnapshot shares the seeded snapshot with everyone and with one
// account, as a user would.
func publicSnapshot(region string) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		ec2Must(ec2api.NewFromConfig(cfg).ModifySnapshotAttribute(context.Background(), &ec2api.ModifySnapshotAttributeInput{
			SnapshotId: aws.String(ec2SnapID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
			CreateVolumePermission: &ec2types.CreateVolumePermissionModifications{Add: []ec2types.CreateVolumePermission{
				{Group: ec2types.PermissionGroupAll}, {UserId: aws.String("333333333333")}}},
		}))
		return playbook.Resource{ARN: "arn:aws:ec2:" + region + "::snapshot/" + ec2SnapID}
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
			sgAuthorize(t, c, id, nil, sgPerm("tcp", 443, 443, "::/0", "https v6"), sgPerm("tcp", 5432, 5432, "pl-0a1b2c3d", "db from the office"))
			sgAuthorize(t, c, id, map[string]string{"owner": "ops"}, sgPerm("tcp", 22, 22, "10.0.0.0/8", "ssh from the VPN"))
			ec2Must(c.AuthorizeSecurityGroupEgress(context.Background(), &ec2api.AuthorizeSecurityGroupEgressInput{
				GroupId: aws.String(id), IpPermissions: []ec2types.IpPermission{sgPerm("tcp", 443, 443, "::/0", "")}}))
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

// ec2Fix runs the Fix of control's playbook on a JSON state.
func ec2Fix(t *testing.T, control string, params map[string]string, cur string) (string, error) {
	t.Helper()
	p := playbook.ByControl(control)
	if p == nil {
		t.Fatalf("no playbook for %s", control)
	}
	want, err := p.Fix(playbook.Env{Account: simtest.Member, Region: "eu-west-1", Params: params, Now: simtest.Now}, json.RawMessage(cur))
	return string(want), err
}

// TestEC2IngressFix: each control revokes exactly the inbound rules that
// open its ports to its sources, and keeps every other rule as it is.
func TestEC2IngressFix(t *testing.T) {
	rules := map[string]string{
		"ssh-v4":       `{"protocol":"tcp","from_port":22,"to_port":22,"cidr":"0.0.0.0/0","description":"ops"}`,
		"rdp-v6":       `{"protocol":"tcp","from_port":3389,"to_port":3389,"ipv6_cidr":"::/0"}`,
		"rdp-udp-v6":   `{"protocol":"udp","from_port":3389,"to_port":3389,"ipv6_cidr":"0::/0"}`,
		"range-v6":     `{"protocol":"tcp","from_port":8000,"to_port":9000,"ipv6_cidr":"::/0"}`,
		"range-ssh-v4": `{"protocol":"tcp","from_port":21,"to_port":23,"cidr":"0.0.0.0/0"}`,
		"all-v4":       `{"protocol":"-1","from_port":-1,"to_port":-1,"cidr":"0.0.0.0/0","tags":{"k":"v"}}`,
		"tcp6-v4":      `{"protocol":"6","from_port":0,"to_port":65535,"cidr":"0.0.0.0/0"}`,
		"noports-v6":   `{"protocol":"udp","from_port":-1,"to_port":-1,"ipv6_cidr":"::/0"}`,
		"mysql-v4":     `{"protocol":"tcp","from_port":3306,"to_port":3306,"cidr":"0.0.0.0/0"}`,
		"https-v4":     `{"protocol":"tcp","from_port":443,"to_port":443,"cidr":"0.0.0.0/0"}`,
		"ssh-vpn":      `{"protocol":"tcp","from_port":22,"to_port":22,"cidr":"10.0.0.0/8"}`,
		"ssh-half":     `{"protocol":"tcp","from_port":22,"to_port":22,"cidr":"0.0.0.0/1"}`,
		"ssh-pl":       `{"protocol":"tcp","from_port":22,"to_port":22,"prefix_list":"pl-0a1b2c3d"}`,
		"all-group":    `{"protocol":"-1","from_port":-1,"to_port":-1,"group":"sg-0lb"}`,
		"icmp-v4":      `{"protocol":"icmp","from_port":-1,"to_port":-1,"cidr":"0.0.0.0/0"}`,
		"esp-v4":       `{"protocol":"50","from_port":-1,"to_port":-1,"cidr":"0.0.0.0/0"}`,
	}
	revoked := map[string][]string{
		"EC2.19": {"ssh-v4", "rdp-v6", "rdp-udp-v6", "range-v6", "range-ssh-v4", "all-v4", "tcp6-v4", "noports-v6", "mysql-v4"},
		"EC2.53": {"ssh-v4", "range-ssh-v4", "all-v4", "tcp6-v4"},
		"EC2.54": {"rdp-v6", "rdp-udp-v6", "noports-v6"},
	}
	var names []string
	var all []string
	for n, r := range rules {
		names = append(names, n)
		all = append(all, r)
	}
	cur := `{"ingress":[` + strings.Join(all, ",") + `]}`
	for control, gone := range revoked {
		var kept []string
		for _, n := range names {
			if !slices.Contains(gone, n) {
				kept = append(kept, rules[n])
			}
		}
		got, err := ec2Fix(t, control, nil, cur)
		if err != nil {
			t.Fatalf("%s: %v", control, err)
		}
		if want := `{"ingress":[` + strings.Join(kept, ",") + `]}`; !jsonEqual(json.RawMessage(got), json.RawMessage(want)) {
			t.Errorf("%s keeps\n%s\nwant\n%s", control, got, want)
		}
		if again, _ := ec2Fix(t, control, nil, got); !jsonEqual(json.RawMessage(again), json.RawMessage(got)) {
			t.Errorf("%s: a second fix changes %s to %s", control, got, again)
		}
	}
}

// TestEC2IngressMatchesControls: for rules the simulator accepts, the
// playbooks revoke a rule exactly when its control fails a group that
// has only that rule.
func TestEC2IngressMatchesControls(t *testing.T) {
	const region = "eu-west-1"
	sim := simtest.Start(t, simtest.NewWorld())
	cfg := sim.Config(t, simtest.Member, region)
	c := ec2api.NewFromConfig(cfg)
	vpc := newVPC(t, c, "10.40.0.0/16")
	rules := map[string]ec2types.IpPermission{
		"ssh-v4":       sgPerm("tcp", 22, 22, "0.0.0.0/0", ""),
		"rdp-udp-v6":   sgPerm("udp", 3389, 3389, "0::/0", ""),
		"range-v6":     sgPerm("tcp", 8000, 9000, "::/0", ""),
		"range-ssh-v4": sgPerm("tcp", 21, 23, "0.0.0.0/0", ""),
		"all-v4":       sgPerm("-1", -1, -1, "0.0.0.0/0", ""),
		"all-v6":       sgPerm("-1", -1, -1, "::/0", ""),
		"tcp6-v4":      sgPerm("6", 0, 65535, "0.0.0.0/0", ""),
		"mysql-v6":     sgPerm("tcp", 3306, 3306, "::/0", ""),
		"https-v4":     sgPerm("tcp", 443, 443, "0.0.0.0/0", ""),
		"ssh-half":     sgPerm("tcp", 22, 22, "0.0.0.0/1", ""),
		"ssh-pl":       sgPerm("tcp", 22, 22, "pl-0a1b2c3d", ""),
		"icmp-v4":      sgPerm("icmp", -1, -1, "0.0.0.0/0", ""),
		"esp-v4":       sgPerm("50", -1, -1, "0.0.0.0/0", ""),
	}
	groups := map[string]string{} // ARN -> rule name
	for n, p := range rules {
		id := aws.ToString(ec2Must(c.CreateSecurityGroup(context.Background(), &ec2api.CreateSecurityGroupInput{
			GroupName: aws.String(n), Description: aws.String(n), VpcId: aws.String(vpc)})).GroupId)
		sgAuthorize(t, c, id, nil, p)
		groups[ec2ARN(region, "security-group/"+id)] = n
	}
	for _, control := range []string{"EC2.19", "EC2.53", "EC2.54"} {
		p := playbook.ByControl(control)
		failed := 0
		for arn, n := range groups {
			env := playbook.Env{Config: cfg, Account: simtest.Member, Region: region, Resource: playbook.Resource{ARN: arn}, Now: simtest.Now}
			cur := ec2Must(p.Read(context.Background(), env))
			want := ec2Must(p.Fix(env, cur))
			revokes := !jsonEqual(cur, want)
			fails := assessResource(t, cfg, control, region, arn).Status == "FAILED"
			if revokes != fails {
				t.Errorf("%s on a group with only %s: control fails %v, playbook revokes %v (%s -> %s)", control, n, fails, revokes, cur, want)
			}
			if fails {
				failed++
			}
		}
		if failed == 0 || failed == len(groups) {
			t.Errorf("%s fails %d of %d groups: the cases do not tell revoked from kept rules", control, failed, len(groups))
		}
	}
}

// TestEC2TemplateFix: the default version is copied with IMDSv2
// required; the latest is copied after it when it was another version
// (with IMDSv2 required when it lacked it), so $Latest keeps its
// settings.
func TestEC2TemplateFix(t *testing.T) {
	for _, tc := range []struct{ name, cur, want string }{
		{"one version without options",
			`{"default":{"version":1},"latest":{"version":1}}`,
			`{"default":{"source":1,"http_tokens":"required"},"latest":{"source":1,"http_tokens":"required"}}`},
		{"one version, endpoint kept",
			`{"default":{"version":3,"http_tokens":"optional","http_endpoint":"enabled"},"latest":{"version":3,"http_tokens":"optional","http_endpoint":"enabled"}}`,
			`{"default":{"source":3,"http_tokens":"required","http_endpoint":"enabled"},"latest":{"source":3,"http_tokens":"required","http_endpoint":"enabled"}}`},
		{"both versions lack it",
			`{"default":{"version":2,"http_tokens":"optional"},"latest":{"version":5}}`,
			`{"default":{"source":2,"http_tokens":"required"},"latest":{"source":5,"http_tokens":"required"}}`},
		{"only the default lacks it",
			`{"default":{"version":2,"http_tokens":"optional"},"latest":{"version":5,"http_tokens":"required"}}`,
			`{"default":{"source":2,"http_tokens":"required"},"latest":{"source":5,"http_tokens":"required"}}`},
		{"only the default lacks it, the latest has the endpoint off",
			`{"default":{"version":2},"latest":{"version":5,"http_endpoint":"disabled"}}`,
			`{"default":{"source":2,"http_tokens":"required"},"latest":{"source":5,"http_endpoint":"disabled"}}`},
		{"only the latest lacks it",
			`{"default":{"version":2,"http_tokens":"required"},"latest":{"version":5,"http_tokens":"optional"}}`,
			`{"default":{"version":2,"http_tokens":"required"},"latest":{"source":5,"http_tokens":"required"}}`},
		{"both have it",
			`{"default":{"version":2,"http_tokens":"required"},"latest":{"version":5,"http_endpoint":"disabled"}}`,
			`{"default":{"version":2,"http_tokens":"required"},"latest":{"version":5,"http_endpoint":"disabled"}}`},
	} {
		got, err := ec2Fix(t, "EC2.170", nil, tc.cur)
		if err != nil || !jsonEqual(json.RawMessage(got), json.RawMessage(tc.want)) {
			t.Errorf("%s: Fix = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestEC2FlowLogsFix: a VPC that already logs rejected traffic is left
// alone (and needs no parameter); otherwise a flow log is added to those
// it has, as the parameters say.
func TestEC2FlowLogsFix(t *testing.T) {
	accept := `{"id":"fl-1","traffic_type":"ACCEPT","destination_type":"s3","destination":"arn:aws:s3:::a","status":"ACTIVE"}`
	logGroup := "arn:aws:logs:eu-west-1:" + simtest.Member + ":log-group:/vpc/flow-logs:*"
	role := "arn:aws:iam::" + simtest.Member + ":role/flow"
	for _, tc := range []struct {
		name, cur string
		params    map[string]string
		want      string // "" when it skips
		skip      string
	}{
		{name: "already logs rejected traffic", cur: `{"flow_logs":[` + accept + `,{"id":"fl-2","traffic_type":"REJECT","destination_type":"s3","destination":"arn:aws:s3:::r","status":"ACTIVE"}]}`,
			want: `{"flow_logs":[` + accept + `,{"id":"fl-2","traffic_type":"REJECT","destination_type":"s3","destination":"arn:aws:s3:::r","status":"ACTIVE"}]}`},
		{name: "s3", cur: `{"flow_logs":[` + accept + `]}`, params: map[string]string{"flow-logs-destination": "arn:aws:s3:::org-logs/vpc"},
			want: `{"flow_logs":[` + accept + `,{"traffic_type":"REJECT","destination_type":"s3","destination":"arn:aws:s3:::org-logs/vpc"}]}`},
		{name: "s3 in another partition, all traffic", cur: `{"flow_logs":[]}`,
			params: map[string]string{"flow-logs-destination": "arn:aws-us-gov:s3:::org-logs", "flow-logs-traffic-type": "ALL"},
			want:   `{"flow_logs":[{"traffic_type":"ALL","destination_type":"s3","destination":"arn:aws-us-gov:s3:::org-logs"}]}`},
		{name: "an inactive flow log does not count", cur: `{"flow_logs":[{"id":"fl-3","traffic_type":"ALL","destination_type":"s3","destination":"arn:aws:s3:::x","status":"DELETING"}]}`,
			params: map[string]string{"flow-logs-destination": logGroup, "flow-logs-role": role},
			want:   `{"flow_logs":[{"id":"fl-3","traffic_type":"ALL","destination_type":"s3","destination":"arn:aws:s3:::x","status":"DELETING"},{"traffic_type":"REJECT","destination_type":"cloud-watch-logs","destination":"` + logGroup + `","role":"` + role + `"}]}`},
		{name: "no destination", cur: `{"flow_logs":[]}`, skip: "give the flow-logs-destination parameter"},
		{name: "log group without a role", cur: `{"flow_logs":[]}`, params: map[string]string{"flow-logs-destination": logGroup}, skip: "flow-logs-role"},
		{name: "a bucket name, not an ARN", cur: `{"flow_logs":[]}`, params: map[string]string{"flow-logs-destination": "org-logs"}, skip: "neither an S3 bucket ARN"},
		{name: "a bad traffic type", cur: `{"flow_logs":[]}`, params: map[string]string{"flow-logs-destination": "arn:aws:s3:::b", "flow-logs-traffic-type": "ACCEPT"}, skip: "neither REJECT nor ALL"},
	} {
		got, err := ec2Fix(t, "EC2.6", tc.params, tc.cur)
		if tc.skip != "" {
			if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), tc.skip) {
				t.Errorf("%s: Fix = %s, %v; want a skip saying %q", tc.name, got, err, tc.skip)
			}
			continue
		}
		if err != nil || !jsonEqual(json.RawMessage(got), json.RawMessage(tc.want)) {
			t.Errorf("%s: Fix = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestEC2DefaultGroupFix: every rule goes, whatever it is.
func TestEC2DefaultGroupFix(t *testing.T) {
	got, err := ec2Fix(t, "EC2.2", nil, `{"ingress":[{"protocol":"-1","from_port":-1,"to_port":-1,"group":"sg-1"}],"egress":[{"protocol":"-1","from_port":-1,"to_port":-1,"cidr":"0.0.0.0/0"}]}`)
	if err != nil || !jsonEqual(json.RawMessage(got), json.RawMessage(`{"ingress":[],"egress":[]}`)) {
		t.Errorf("Fix = %s, %v", got, err)
	}
}

// ec2Env starts a simulator on w and returns an environment acting on
// arn in region, and the config it uses.
func ec2Env(t *testing.T, w *world.World, region, arn string, params map[string]string) (playbook.Env, aws.Config) {
	t.Helper()
	cfg := simtest.Start(t, w).Config(t, simtest.Member, region)
	return playbook.Env{Config: cfg, Account: simtest.Member, Region: region, Resource: playbook.Resource{ARN: arn}, Params: params, Now: simtest.Now}, cfg
}

// ec2Apply reads, fixes and sets; it returns the prior and fixed states.
func ec2Apply(t *testing.T, p playbook.Playbook, env playbook.Env) (cur, want json.RawMessage) {
	t.Helper()
	ctx := context.Background()
	cur = ec2Must(p.Read(ctx, env))
	want = ec2Must(p.Fix(env, cur))
	if err := p.Set(ctx, env, cur, want); err != nil {
		t.Fatalf("Set %s -> %s: %v", cur, want, err)
	}
	return cur, want
}

// TestEC2SnapshotKeepsAccounts: the accounts a snapshot is shared with
// keep their permission; only "all" goes.
func TestEC2SnapshotKeepsAccounts(t *testing.T) {
	const region = "eu-west-1"
	w := simtest.NewWorld()
	snapshotWorld(region, "", false)(w)
	env, cfg := ec2Env(t, w, region, "", nil)
	env.Resource = publicSnapshot(region)(t, cfg)
	ec2Apply(t, playbook.ByControl("EC2.1"), env)
	out := ec2Must(ec2api.NewFromConfig(cfg).DescribeSnapshotAttribute(context.Background(), &ec2api.DescribeSnapshotAttributeInput{
		SnapshotId: aws.String(ec2SnapID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission}))
	if len(out.CreateVolumePermissions) != 1 || aws.ToString(out.CreateVolumePermissions[0].UserId) != "333333333333" {
		t.Errorf("permissions after the fix: %+v", out.CreateVolumePermissions)
	}
}

// TestEC2SnapshotRollbackBlocked: where snapshot block public access
// blocks new sharing, a snapshot made private cannot be made public
// again; the rollback says so with an IrreversibleError.
func TestEC2SnapshotRollbackBlocked(t *testing.T) {
	const region = "eu-west-1"
	w := simtest.NewWorld()
	snapshotWorld(region, "block-new-sharing", true)(w)
	env, _ := ec2Env(t, w, region, "arn:aws:ec2:"+region+"::snapshot/"+ec2SnapID, nil)
	p := playbook.ByControl("EC2.1")
	cur, want := ec2Apply(t, p, env)
	err := p.Set(context.Background(), env, want, cur)
	var irr *playbook.IrreversibleError
	if !errors.As(err, &irr) || !strings.Contains(irr.What, "block-new-sharing") {
		t.Fatalf("rollback = %v, want an IrreversibleError naming block-new-sharing", err)
	}
	if now := ec2Must(p.Read(context.Background(), env)); !jsonEqual(now, want) {
		t.Errorf("after the refused rollback: %s, want %s", now, want)
	}
}

// TestEC2ReadSkipsWhatIsGone: a resource deleted since the finding is
// skipped, saying so.
func TestEC2ReadSkipsWhatIsGone(t *testing.T) {
	const region = "eu-west-1"
	sim := simtest.Start(t, simtest.NewWorld())
	cfg := sim.Config(t, simtest.Member, region)
	for control, arn := range map[string]string{
		"EC2.8":   ec2ARN(region, "instance/i-0123456789abcdef0"),
		"EC2.1":   "arn:aws:ec2:" + region + "::snapshot/snap-0123456789abcdef0",
		"EC2.2":   ec2ARN(region, "security-group/sg-0123456789abcdef0"),
		"EC2.19":  ec2ARN(region, "security-group/sg-0123456789abcdef0"),
		"EC2.6":   ec2ARN(region, "vpc/vpc-0123456789abcdef0"),
		"EC2.170": ec2ARN(region, "launch-template/lt-0123456789abcdef0"),
	} {
		env := playbook.Env{Config: cfg, Account: simtest.Member, Region: region, Resource: playbook.Resource{ARN: arn}, Now: simtest.Now}
		_, err := playbook.ByControl(control).Read(context.Background(), env)
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "no longer exists") {
			t.Errorf("%s on %s: Read = %v, want a skip saying it no longer exists", control, arn, err)
		}
	}
}

// TestEC2DefaultGroupOnly: EC2.2's playbook never empties a group that is
// not a VPC's default one.
func TestEC2DefaultGroupOnly(t *testing.T) {
	const region = "eu-west-1"
	env, cfg := ec2Env(t, simtest.NewWorld(), region, "", nil)
	env.Resource = exposedGroup(region)(t, cfg)
	_, err := playbook.ByControl("EC2.2").Read(context.Background(), env)
	if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "not a VPC's default security group") {
		t.Errorf("Read = %v, want a skip", err)
	}
}

// TestEC2SetAgain: a Set run again (after an interruption) finds its
// work done and changes nothing more.
func TestEC2SetAgain(t *testing.T) {
	const region = "eu-west-1"
	for _, tc := range []struct {
		control string
		params  map[string]string
		setup   func(string) func(*testing.T, aws.Config) playbook.Resource
	}{
		{"EC2.19", nil, exposedGroup},
		{"EC2.6", map[string]string{"flow-logs-destination": "arn:aws:s3:::org-flow-logs"}, vpcWithAcceptLog},
	} {
		env, cfg := ec2Env(t, simtest.NewWorld(), region, "", tc.params)
		env.Resource = tc.setup(region)(t, cfg)
		p := playbook.ByControl(tc.control)
		cur, want := ec2Apply(t, p, env)
		done := ec2Must(p.Read(context.Background(), env))
		if err := p.Set(context.Background(), env, cur, want); err != nil {
			t.Errorf("%s: Set again: %v", tc.control, err)
		}
		if again := ec2Must(p.Read(context.Background(), env)); !jsonEqual(again, done) {
			t.Errorf("%s: Set again changed %s to %s", tc.control, done, again)
		}
	}
}

// TestEC2TemplateVersions: the versions the fix creates copy their
// sources (only the HTTP tokens change), $Default and $Latest end up on
// them, and the rollback deletes them.
func TestEC2TemplateVersions(t *testing.T) {
	const region = "eu-west-1"
	env, cfg := ec2Env(t, simtest.NewWorld(), region, "", nil)
	env.Resource = launchTemplate(region, 1, "optional", "optional", "")(t, cfg)
	c := ec2api.NewFromConfig(cfg)
	id := env.Resource.ID()
	p := playbook.ByControl("EC2.170")
	cur, _ := ec2Apply(t, p, env)
	vs := ec2Must(c.DescribeLaunchTemplateVersions(context.Background(), &ec2api.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})).LaunchTemplateVersions
	byNum := map[int64]ec2types.LaunchTemplateVersion{}
	for _, v := range vs {
		byNum[aws.ToInt64(v.VersionNumber)] = v
	}
	if len(vs) != 5 || !aws.ToBool(byNum[4].DefaultVersion) {
		t.Fatalf("after the fix: %d versions, default 4: %v", len(vs), aws.ToBool(byNum[4].DefaultVersion))
	}
	for _, pair := range [][2]int64{{4, 1}, {5, 3}} {
		got, src := byNum[pair[0]].LaunchTemplateData, byNum[pair[1]].LaunchTemplateData
		if aws.ToString(got.ImageId) != aws.ToString(src.ImageId) || got.InstanceType != src.InstanceType ||
			got.MetadataOptions == nil || got.MetadataOptions.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired {
			t.Errorf("version %d = %+v, want a copy of version %d with IMDSv2 required", pair[0], got, pair[1])
		}
		if src.MetadataOptions != nil && aws.ToInt32(got.MetadataOptions.HttpPutResponseHopLimit) != aws.ToInt32(src.MetadataOptions.HttpPutResponseHopLimit) {
			t.Errorf("version %d lost the hop limit of version %d", pair[0], pair[1])
		}
		if !strings.HasPrefix(aws.ToString(byNum[pair[0]].VersionDescription), "EC2.170: ") {
			t.Errorf("version %d description %q", pair[0], aws.ToString(byNum[pair[0]].VersionDescription))
		}
	}
	if err := p.Set(context.Background(), env, ec2Must(p.Read(context.Background(), env)), cur); err != nil {
		t.Fatal(err)
	}
	left := ec2Must(c.DescribeLaunchTemplateVersions(context.Background(), &ec2api.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})).LaunchTemplateVersions
	if len(left) != 3 {
		t.Errorf("after the rollback: %d versions, want the 3 there were", len(left))
	}
}

// TestEC2TemplateKeepsSnapshots: AWS drops the snapshots of a source
// version's block device mappings from a version based on it, unless the
// mappings are given again: the playbook gives them.
func TestEC2TemplateKeepsSnapshots(t *testing.T) {
	const region = "eu-west-1"
	env, cfg := ec2Env(t, simtest.NewWorld(), region, "", nil)
	c := ec2api.NewFromConfig(cfg)
	out := ec2Must(c.CreateLaunchTemplate(context.Background(), &ec2api.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("database"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
			ImageId: aws.String("ami-0a1b2c3d"),
			BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/sdf"),
				Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{SnapshotId: aws.String("snap-0data"), VolumeSize: aws.Int32(100), DeleteOnTermination: aws.Bool(false)}}},
		}}))
	id := aws.ToString(out.LaunchTemplate.LaunchTemplateId)
	env.Resource = playbook.Resource{ARN: ec2ARN(region, "launch-template/"+id)}
	ec2Apply(t, playbook.ByControl("EC2.170"), env)
	v := ec2Must(c.DescribeLaunchTemplateVersions(context.Background(), &ec2api.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(id), Versions: []string{"$Default"}})).LaunchTemplateVersions[0]
	bdm := v.LaunchTemplateData.BlockDeviceMappings
	if aws.ToInt64(v.VersionNumber) != 2 || len(bdm) != 1 || aws.ToString(bdm[0].Ebs.SnapshotId) != "snap-0data" ||
		aws.ToInt32(bdm[0].Ebs.VolumeSize) != 100 || aws.ToBool(bdm[0].Ebs.DeleteOnTermination) {
		t.Errorf("default version %d mappings %+v, want version 1's", aws.ToInt64(v.VersionNumber), bdm)
	}
}
