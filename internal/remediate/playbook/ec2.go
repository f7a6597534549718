package playbook

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// ec2Playbooks returns the playbooks of EC2's controls.
func ec2Playbooks() []Playbook {
	return []Playbook{
		instanceIMDSv2(), ebsDefaultEncryption(), snapshotPrivate(), defaultGroupClosed(),
		ingressClosed("EC2.19", "ec2.sg-high-risk-ports", "high-risk ports", sgHighRiskPorts, sgAnyIPv4, sgAnyIPv6),
		ingressClosed("EC2.53", "ec2.sg-admin-ports-ipv4", "SSH (22) and RDP (3389)", sgAdminPorts, sgAnyIPv4),
		ingressClosed("EC2.54", "ec2.sg-admin-ports-ipv6", "SSH (22) and RDP (3389)", sgAdminPorts, sgAnyIPv6),
		vpcFlowLogs(), templateIMDSv2(),
	}
}

type imdsState struct {
	// HttpTokens is "required" (IMDSv2 only) or "optional".
	HttpTokens string `json:"http_tokens"`
}

// instanceIMDSv2 requires IMDSv2 on an instance (EC2.8).
func instanceIMDSv2() Playbook {
	return &def[imdsState]{
		info: Info{
			Control: "EC2.8", Name: "ec2.instance-imdsv2",
			Summary: "Require IMDSv2 (HttpTokens required) on the instance's metadata service",
			Risk:    "software on the instance that still calls IMDSv1 (old SDKs, agents, scripts) loses access to instance metadata and role credentials",
			Actions: []string{"ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"},
		},
		read: func(ctx context.Context, env Env) (imdsState, error) {
			id := env.Resource.ID()
			out, err := ec2api.NewFromConfig(env.Config).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{InstanceIds: []string{id}})
			if awsx.IsNotFound(err) {
				return imdsState{}, Skip("instance %s no longer exists", id)
			}
			if err != nil {
				return imdsState{}, err
			}
			for _, r := range out.Reservations {
				for _, i := range r.Instances {
					if aws.ToString(i.InstanceId) == id && i.MetadataOptions != nil {
						return imdsState{HttpTokens: string(i.MetadataOptions.HttpTokens)}, nil
					}
				}
			}
			return imdsState{}, Skip("instance %s no longer exists", id)
		},
		fix: func(_ Env, cur imdsState) (imdsState, error) {
			return imdsState{HttpTokens: string(ec2types.HttpTokensStateRequired)}, nil
		},
		set: func(ctx context.Context, env Env, _, w imdsState) error {
			_, err := ec2api.NewFromConfig(env.Config).ModifyInstanceMetadataOptions(ctx, &ec2api.ModifyInstanceMetadataOptionsInput{
				InstanceId: aws.String(env.Resource.ID()), HttpTokens: ec2types.HttpTokensState(w.HttpTokens),
			})
			return err
		},
	}
}

// ---- EC2.7: EBS encryption by default ----

type ebsDefaultState struct {
	Enabled bool `json:"enabled"`
}

// ebsDefaultEncryption turns on EBS encryption by default in the region
// (EC2.7), an account setting of each region.
func ebsDefaultEncryption() Playbook {
	return &def[ebsDefaultState]{
		info: Info{
			Control: "EC2.7", Name: "ec2.ebs-encryption-by-default",
			Summary: "Turn on EBS encryption by default in the region (with the region's default EBS key, which is left as it is)",
			Risk: "new volumes, and copies of unencrypted snapshots, are encrypted from then on: launches that share unencrypted " +
				"snapshots or AMIs with other accounts, or instance types without EBS encryption support, fail; " +
				"when the default key is a customer managed key, launches by roles and services that cannot use that key fail",
			Actions: []string{"ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault"},
		},
		read: func(ctx context.Context, env Env) (ebsDefaultState, error) {
			out, err := ec2api.NewFromConfig(env.Config).GetEbsEncryptionByDefault(ctx, &ec2api.GetEbsEncryptionByDefaultInput{})
			if err != nil {
				return ebsDefaultState{}, err
			}
			return ebsDefaultState{Enabled: aws.ToBool(out.EbsEncryptionByDefault)}, nil
		},
		fix: func(_ Env, _ ebsDefaultState) (ebsDefaultState, error) { return ebsDefaultState{Enabled: true}, nil },
		set: func(ctx context.Context, env Env, cur, w ebsDefaultState) error {
			if cur == w {
				return nil
			}
			c := ec2api.NewFromConfig(env.Config)
			var err error
			if w.Enabled {
				_, err = c.EnableEbsEncryptionByDefault(ctx, &ec2api.EnableEbsEncryptionByDefaultInput{})
			} else {
				_, err = c.DisableEbsEncryptionByDefault(ctx, &ec2api.DisableEbsEncryptionByDefaultInput{})
			}
			return err
		},
	}
}

// ---- EC2.1: public EBS snapshots ----

type snapshotState struct {
	// Public: createVolumePermission has the group "all". Permissions
	// given to named accounts are not part of the state: the playbook
	// never changes them.
	Public bool `json:"public"`
}

// snapshotPrivate stops an EBS snapshot from being restorable by anyone
// (EC2.1), keeping the accounts it is shared with.
func snapshotPrivate() Playbook {
	return &def[snapshotState]{
		info: Info{
			Control: "EC2.1", Name: "ec2.snapshot-private",
			Summary: "Remove the public (group \"all\") create-volume permission of the EBS snapshot; permissions given to named accounts stay",
			Risk: "accounts that are not named in the snapshot's permissions (partners, customers, AMI users) can no longer " +
				"create volumes or register AMIs from it; where snapshot block public access blocks new sharing, the " +
				"snapshot cannot be made public again, so a rollback leaves it private",
			Actions: []string{"ec2:DescribeSnapshotAttribute", "ec2:ModifySnapshotAttribute", "ec2:GetSnapshotBlockPublicAccessState"},
		},
		read: func(ctx context.Context, env Env) (snapshotState, error) {
			id := env.Resource.ID()
			out, err := ec2api.NewFromConfig(env.Config).DescribeSnapshotAttribute(ctx, &ec2api.DescribeSnapshotAttributeInput{
				SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
			})
			if awsx.IsNotFound(err) {
				return snapshotState{}, Skip("snapshot %s no longer exists", id)
			}
			if err != nil {
				return snapshotState{}, err
			}
			public := slices.ContainsFunc(out.CreateVolumePermissions, func(p ec2types.CreateVolumePermission) bool {
				return p.Group == ec2types.PermissionGroupAll
			})
			return snapshotState{Public: public}, nil
		},
		fix: func(_ Env, _ snapshotState) (snapshotState, error) { return snapshotState{Public: false}, nil },
		set: func(ctx context.Context, env Env, cur, w snapshotState) error {
			if cur == w {
				return nil
			}
			c := ec2api.NewFromConfig(env.Config)
			id := env.Resource.ID()
			perm := []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
			mod := &ec2types.CreateVolumePermissionModifications{Remove: perm}
			if w.Public {
				// Block public access refuses new public sharing
				// (block-new-sharing) or hides it (block-all-sharing):
				// the snapshot cannot be made public again.
				out, err := c.GetSnapshotBlockPublicAccessState(ctx, &ec2api.GetSnapshotBlockPublicAccessStateInput{})
				if err != nil {
					return err
				}
				if st := out.State; st != "" && st != ec2types.SnapshotBlockPublicAccessStateUnblocked {
					return &IrreversibleError{What: fmt.Sprintf("snapshot %s stays private: snapshot block public access is %s in %s, so it cannot be shared publicly again", id, st, env.Region)}
				}
				mod = &ec2types.CreateVolumePermissionModifications{Add: perm}
			}
			_, err := c.ModifySnapshotAttribute(ctx, &ec2api.ModifySnapshotAttributeInput{
				SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission, CreateVolumePermission: mod,
			})
			return err
		},
	}
}

// ---- security group rules (EC2.2, EC2.19, EC2.53, EC2.54) ----

// sgRule is a security group rule as a state keeps it: what it lets
// through, its peer, description and tags. It has no rule ID: a rule
// authorized again gets a new one, and the rollback must still restore
// the state exactly.
type sgRule struct {
	// Protocol is "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a number.
	Protocol string `json:"protocol"`
	// FromPort and ToPort bound the ports (ICMP: type and code); -1 for
	// all.
	FromPort int32 `json:"from_port"`
	ToPort   int32 `json:"to_port"`
	// The peer: exactly one of CIDR, IPv6CIDR, PrefixList, Group.
	CIDR       string `json:"cidr,omitempty"`
	IPv6CIDR   string `json:"ipv6_cidr,omitempty"`
	PrefixList string `json:"prefix_list,omitempty"`
	Group      string `json:"group,omitempty"`
	// GroupOwner is the account of Group when it is not the group's
	// own; GroupVPC and GroupPeering locate a group across a peering.
	GroupOwner   string            `json:"group_owner,omitempty"`
	GroupVPC     string            `json:"group_vpc,omitempty"`
	GroupPeering string            `json:"group_peering,omitempty"`
	Description  string            `json:"description,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// key identifies a rule in its group and direction: AWS holds at most
// one rule per protocol, ports and peer.
func (r sgRule) key() string {
	return fmt.Sprintf("%s/%d/%d/%s/%s/%s/%s", r.Protocol, r.FromPort, r.ToPort, r.CIDR, r.IPv6CIDR, r.PrefixList, r.Group)
}

// sgLive is a rule as read, with its ID.
type sgLive struct {
	id     string
	egress bool
	rule   sgRule
}

// sgRead returns the rules of group id, after checking that the
// group exists (a filter on a deleted group's ID lists nothing) and that
// check, if given, accepts it.
func sgRead(ctx context.Context, env Env, id string, check func(ec2types.SecurityGroup) error) ([]sgLive, error) {
	c := ec2api.NewFromConfig(env.Config)
	g, err := c.DescribeSecurityGroups(ctx, &ec2api.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if awsx.IsNotFound(err) || (err == nil && len(g.SecurityGroups) == 0) {
		return nil, Skip("security group %s no longer exists", id)
	}
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(g.SecurityGroups[0]); err != nil {
			return nil, err
		}
	}
	var out []sgLive
	err = awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeSecurityGroupRules(ctx, &ec2api.DescribeSecurityGroupRulesInput{
			Filters:    []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{id}}},
			MaxResults: aws.Int32(1000), NextToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, r := range page.SecurityGroupRules {
			if aws.ToString(r.GroupId) != id {
				continue
			}
			x := sgRule{
				Protocol: aws.ToString(r.IpProtocol), FromPort: aws.ToInt32(r.FromPort), ToPort: aws.ToInt32(r.ToPort),
				CIDR: aws.ToString(r.CidrIpv4), IPv6CIDR: aws.ToString(r.CidrIpv6), PrefixList: aws.ToString(r.PrefixListId),
				Description: aws.ToString(r.Description),
			}
			if ref := r.ReferencedGroupInfo; ref != nil {
				x.Group = aws.ToString(ref.GroupId)
				if u := aws.ToString(ref.UserId); u != "" && u != aws.ToString(r.GroupOwnerId) {
					x.GroupOwner = u
				}
				x.GroupVPC, x.GroupPeering = aws.ToString(ref.VpcId), aws.ToString(ref.VpcPeeringConnectionId)
			}
			if len(r.Tags) > 0 {
				x.Tags = map[string]string{}
				for _, t := range r.Tags {
					x.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			out = append(out, sgLive{aws.ToString(r.SecurityGroupRuleId), aws.ToBool(r.IsEgress), x})
		}
		return page.NextToken, nil
	})
	if err != nil {
		return nil, err
	}
	// AWS lists rules in no documented order: keep states comparable.
	slices.SortStableFunc(out, func(a, b sgLive) int { return strings.Compare(a.rule.key(), b.rule.key()) })
	return out, nil
}

// sgRulesOf returns the rules of one direction.
func sgRulesOf(live []sgLive, egress bool) []sgRule {
	out := []sgRule{}
	for _, l := range live {
		if l.egress == egress {
			out = append(out, l.rule)
		}
	}
	return out
}

// sgSet moves the rules of one direction of group id from cur to
// want: it revokes, by rule ID, the rules cur has and want has not, and
// authorizes the rules want has and cur has not. What is already done
// (a rule already gone, or already there) is not done again, so a Set
// interrupted half way can be run again; rules in neither state (added
// by someone since) are left alone.
func sgSet(ctx context.Context, env Env, id string, egress bool, cur, want []sgRule) error {
	in := func(rs []sgRule) map[string]bool {
		m := map[string]bool{}
		for _, r := range rs {
			m[r.key()] = true
		}
		return m
	}
	curKeys, wantKeys := in(cur), in(want)
	var drop, add []sgRule
	for _, r := range cur {
		if !wantKeys[r.key()] {
			drop = append(drop, r)
		}
	}
	for _, r := range want {
		if !curKeys[r.key()] {
			add = append(add, r)
		}
	}
	if len(drop)+len(add) == 0 {
		return nil
	}
	live, err := sgRead(ctx, env, id, nil)
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, l := range live {
		if l.egress == egress {
			ids[l.rule.key()] = l.id
		}
	}
	c := ec2api.NewFromConfig(env.Config)
	var revoke []string
	for _, r := range drop {
		if rid := ids[r.key()]; rid != "" {
			revoke = append(revoke, rid)
		}
	}
	if len(revoke) > 0 {
		if egress {
			_, err = c.RevokeSecurityGroupEgress(ctx, &ec2api.RevokeSecurityGroupEgressInput{GroupId: aws.String(id), SecurityGroupRuleIds: revoke})
		} else {
			_, err = c.RevokeSecurityGroupIngress(ctx, &ec2api.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), SecurityGroupRuleIds: revoke})
		}
		if err != nil {
			return fmt.Errorf("revoke %s rules %s of %s: %w", sgDirection(egress), strings.Join(revoke, ", "), id, err)
		}
	}
	// Tags given when authorizing go on every rule of the call: one call
	// per set of tags.
	var batches [][]sgRule
	for _, r := range add {
		if ids[r.key()] != "" {
			continue
		}
		i := slices.IndexFunc(batches, func(b []sgRule) bool { return sgSameTags(b[0].Tags, r.Tags) })
		if i < 0 {
			batches = append(batches, nil)
			i = len(batches) - 1
		}
		batches[i] = append(batches[i], r)
	}
	for _, b := range batches {
		perms := make([]ec2types.IpPermission, len(b))
		for i, r := range b {
			perms[i] = r.permission()
		}
		var spec []ec2types.TagSpecification
		if len(b[0].Tags) > 0 {
			spec = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroupRule, Tags: ec2Tags(b[0].Tags)}}
		}
		if egress {
			_, err = c.AuthorizeSecurityGroupEgress(ctx, &ec2api.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: perms, TagSpecifications: spec})
		} else {
			_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms, TagSpecifications: spec})
		}
		if err != nil {
			return fmt.Errorf("authorize %d %s rules of %s: %w", len(b), sgDirection(egress), id, err)
		}
	}
	return nil
}

func sgDirection(egress bool) string {
	if egress {
		return "outbound"
	}
	return "inbound"
}

func sgSameTags(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func ec2Tags(m map[string]string) []ec2types.Tag {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]ec2types.Tag, len(keys))
	for i, k := range keys {
		out[i] = ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])}
	}
	return out
}

// permission is r as an IpPermission to authorize.
func (r sgRule) permission() ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: aws.String(r.Protocol)}
	if r.Protocol != "-1" {
		p.FromPort, p.ToPort = aws.Int32(r.FromPort), aws.Int32(r.ToPort)
	}
	desc := aws.String(r.Description)
	if r.Description == "" {
		desc = nil
	}
	switch {
	case r.CIDR != "":
		p.IpRanges = []ec2types.IpRange{{CidrIp: aws.String(r.CIDR), Description: desc}}
	case r.IPv6CIDR != "":
		p.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: aws.String(r.IPv6CIDR), Description: desc}}
	case r.PrefixList != "":
		p.PrefixListIds = []ec2types.PrefixListId{{PrefixListId: aws.String(r.PrefixList), Description: desc}}
	case r.Group != "":
		pair := ec2types.UserIdGroupPair{GroupId: aws.String(r.Group), Description: desc}
		if r.GroupOwner != "" {
			pair.UserId = aws.String(r.GroupOwner)
		}
		if r.GroupVPC != "" {
			pair.VpcId = aws.String(r.GroupVPC)
		}
		if r.GroupPeering != "" {
			pair.VpcPeeringConnectionId = aws.String(r.GroupPeering)
		}
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{pair}
	}
	return p
}

// sgReadActions are the calls that read a group's rules.
var sgReadActions = []string{"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"}

// defaultGroupState is every rule of a VPC's default security group.
type defaultGroupState struct {
	Ingress []sgRule `json:"ingress"`
	Egress  []sgRule `json:"egress"`
}

// defaultGroupClosed removes every rule of a VPC's default security
// group (EC2.2); a rollback authorizes them again as they were.
func defaultGroupClosed() Playbook {
	return &def[defaultGroupState]{
		info: Info{
			Control: "EC2.2", Name: "ec2.default-sg-closed",
			Summary: "Revoke every inbound and outbound rule of the VPC's default security group",
			Risk: "instances, endpoints, Lambda functions and databases still attached to the default group lose the traffic " +
				"its rules allowed: members no longer reach each other, and nothing attached to it reaches anything (no " +
				"outbound rule); move them to purpose-built groups first",
			Actions: slices.Concat(sgReadActions, []string{"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
				"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags"}),
		},
		read: func(ctx context.Context, env Env) (defaultGroupState, error) {
			id := env.Resource.ID()
			live, err := sgRead(ctx, env, id, func(g ec2types.SecurityGroup) error {
				if aws.ToString(g.GroupName) != "default" {
					return Skip("security group %s (%s) is not a VPC's default security group", id, aws.ToString(g.GroupName))
				}
				return nil
			})
			if err != nil {
				return defaultGroupState{}, err
			}
			return defaultGroupState{Ingress: sgRulesOf(live, false), Egress: sgRulesOf(live, true)}, nil
		},
		fix: func(_ Env, _ defaultGroupState) (defaultGroupState, error) {
			return defaultGroupState{Ingress: []sgRule{}, Egress: []sgRule{}}, nil
		},
		set: func(ctx context.Context, env Env, cur, w defaultGroupState) error {
			id := env.Resource.ID()
			if err := sgSet(ctx, env, id, false, cur.Ingress, w.Ingress); err != nil {
				return err
			}
			return sgSet(ctx, env, id, true, cur.Egress, w.Egress)
		},
	}
}

// The internet as a source, and the ports of EC2.19, EC2.53 and EC2.54,
// as their checks in control/ec2 have them.
const (
	sgAnyIPv4 = "0.0.0.0/0"
	sgAnyIPv6 = "::/0"
)

var (
	sgHighRiskPorts = []int32{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
		4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}
	sgAdminPorts = []int32{22, 3389}
)

// opensToInternet reports whether the inbound rule r lets TCP or UDP
// traffic from one of sources (sgAnyIPv4, sgAnyIPv6) reach one of ports,
// judged as control/ec2 judges it: protocol all, tcp or udp (by name or
// number); all ports when the protocol is all or a port is -1; the
// source the whole address family however written (0.0.0.0/0, ::/0,
// 0::/0). A rule whose peer is a group or a prefix list is never the
// internet.
func opensToInternet(r sgRule, ports []int32, sources ...string) bool {
	cidr := r.CIDR
	if cidr == "" {
		cidr = r.IPv6CIDR
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Bits() != 0 {
		return false
	}
	src := sgAnyIPv6
	if p.Addr().Is4() {
		src = sgAnyIPv4
	}
	if !slices.Contains(sources, src) {
		return false
	}
	proto := strings.ToLower(r.Protocol)
	switch proto {
	case "-1", "all":
		return true // every port of every protocol
	case "tcp", "6", "udp", "17":
	default:
		return false
	}
	from, to := r.FromPort, r.ToPort
	if from < 0 || to < 0 {
		from, to = 0, 65535
	}
	for _, port := range ports {
		if from <= port && port <= to {
			return true
		}
	}
	return false
}

// ingressState is every inbound rule of a security group: the playbook
// keeps all but the ones that open the control's ports to the internet.
type ingressState struct {
	Ingress []sgRule `json:"ingress"`
}

// ingressClosed revokes the inbound rules of a security group that open
// one of ports to one of sources, and only those (EC2.19, EC2.53,
// EC2.54). A rule that opens a range or every port is revoked whole: its
// other ports close with it.
func ingressClosed(control, name, what string, ports []int32, sources ...string) Playbook {
	from := strings.Join(sources, " or ")
	return &def[ingressState]{
		info: Info{
			Control: control, Name: name,
			Summary: fmt.Sprintf("Revoke the security group's inbound rules that open %s to %s; every other rule stays", what, from),
			Risk: fmt.Sprintf("clients that reach the group's members over %s from addresses outside any other rule "+
				"(administrators, partners, monitoring, deployment tools) are cut off; a revoked rule that opens a port "+
				"range or all traffic closes all of it, not only the listed ports", what),
			Actions: slices.Concat(sgReadActions, []string{"ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags"}),
		},
		read: func(ctx context.Context, env Env) (ingressState, error) {
			live, err := sgRead(ctx, env, env.Resource.ID(), nil)
			if err != nil {
				return ingressState{}, err
			}
			return ingressState{Ingress: sgRulesOf(live, false)}, nil
		},
		fix: func(_ Env, cur ingressState) (ingressState, error) {
			keep := []sgRule{}
			for _, r := range cur.Ingress {
				if !opensToInternet(r, ports, sources...) {
					keep = append(keep, r)
				}
			}
			return ingressState{Ingress: keep}, nil
		},
		set: func(ctx context.Context, env Env, cur, w ingressState) error {
			return sgSet(ctx, env, env.Resource.ID(), false, cur.Ingress, w.Ingress)
		},
	}
}

// ---- EC2.6: VPC flow logs ----

// The parameters of the flow logs playbook.
const (
	paramFlowLogsDestination = "flow-logs-destination"
	paramFlowLogsRole        = "flow-logs-role"
	paramFlowLogsTraffic     = "flow-logs-traffic-type"
)

// flowLog is a flow log of a VPC.
type flowLog struct {
	// ID is "" for a flow log the change creates.
	ID string `json:"id,omitempty"`
	// TrafficType is ACCEPT, REJECT or ALL.
	TrafficType string `json:"traffic_type"`
	// DestinationType is s3, cloud-watch-logs or kinesis-data-firehose;
	// Destination its ARN.
	DestinationType string `json:"destination_type"`
	Destination     string `json:"destination,omitempty"`
	// Role is the role that delivers to CloudWatch Logs.
	Role string `json:"role,omitempty"`
	// Status is the flow log's status (ACTIVE) as AWS gives it.
	Status string `json:"status,omitempty"`
}

// logsRejected reports whether f counts for EC2.6: it is active and
// records rejected traffic.
func (f flowLog) logsRejected() bool {
	return (f.Status == "" || f.Status == "ACTIVE") && (f.TrafficType == "ALL" || f.TrafficType == "REJECT")
}

// flowLogsState is every flow log of a VPC.
type flowLogsState struct {
	FlowLogs []flowLog `json:"flow_logs"`
}

// vpcFlowLogs creates a flow log of the VPC's rejected traffic (EC2.6)
// to a destination the user gives; a rollback deletes it.
func vpcFlowLogs() Playbook {
	return &def[flowLogsState]{
		info: Info{
			Control: "EC2.6", Name: "ec2.vpc-flow-logs",
			Summary: "Create a flow log of the VPC's rejected traffic (or all traffic, by parameter), delivered to the S3 bucket or CloudWatch Logs log group given",
			Risk: "flow log records are billed (S3 storage, or CloudWatch Logs ingestion and storage) in proportion to the " +
				"traffic recorded; nothing the VPC carries is changed. Creation fails if the bucket policy does not let " +
				"delivery.logs.amazonaws.com write, or if the role cannot be assumed by vpc-flow-logs.amazonaws.com",
			Actions: []string{"ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs",
				"iam:PassRole", "logs:CreateLogDelivery", "logs:DeleteLogDelivery"},
			Params: []Param{
				{Name: paramFlowLogsDestination, Description: "where flow logs go: an S3 bucket ARN (arn:aws:s3:::bucket or " +
					"arn:aws:s3:::bucket/prefix) whose bucket policy already lets delivery.logs.amazonaws.com write (the " +
					"playbook does not change bucket policies), or a CloudWatch Logs log group ARN " +
					"(arn:aws:logs:region:account:log-group:name) with " + paramFlowLogsRole},
				{Name: paramFlowLogsRole, Description: "for a log group destination: the ARN of the IAM role that VPC Flow Logs " +
					"assumes (trusting vpc-flow-logs.amazonaws.com) to write to the log group"},
				{Name: paramFlowLogsTraffic, Description: "optional: the traffic to record, REJECT (the default, what the " +
					"control requires) or ALL"},
			},
		},
		read: func(ctx context.Context, env Env) (flowLogsState, error) {
			id := env.Resource.ID()
			c := ec2api.NewFromConfig(env.Config)
			if _, err := c.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{VpcIds: []string{id}}); awsx.IsNotFound(err) {
				return flowLogsState{}, Skip("VPC %s no longer exists", id)
			} else if err != nil {
				return flowLogsState{}, err
			}
			st := flowLogsState{FlowLogs: []flowLog{}}
			err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
				page, err := c.DescribeFlowLogs(ctx, &ec2api.DescribeFlowLogsInput{
					Filter:     []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}},
					MaxResults: aws.Int32(1000), NextToken: token,
				})
				if err != nil {
					return nil, err
				}
				for _, f := range page.FlowLogs {
					if aws.ToString(f.ResourceId) != id {
						continue
					}
					st.FlowLogs = append(st.FlowLogs, flowLog{
						ID: aws.ToString(f.FlowLogId), TrafficType: string(f.TrafficType),
						DestinationType: string(f.LogDestinationType), Destination: aws.ToString(f.LogDestination),
						Role: aws.ToString(f.DeliverLogsPermissionArn), Status: aws.ToString(f.FlowLogStatus),
					})
				}
				return page.NextToken, nil
			})
			slices.SortFunc(st.FlowLogs, func(a, b flowLog) int { return strings.Compare(a.ID, b.ID) })
			return st, err
		},
		fix: func(env Env, cur flowLogsState) (flowLogsState, error) {
			if slices.ContainsFunc(cur.FlowLogs, flowLog.logsRejected) {
				return cur, nil
			}
			f, err := newFlowLog(env.Params)
			if err != nil {
				return flowLogsState{}, err
			}
			return flowLogsState{FlowLogs: append(slices.Clone(cur.FlowLogs), f)}, nil
		},
		set: func(ctx context.Context, env Env, cur, w flowLogsState) error {
			c := ec2api.NewFromConfig(env.Config)
			keep := map[string]bool{}
			for _, f := range w.FlowLogs {
				keep[f.ID] = true
			}
			var drop []string
			for _, f := range cur.FlowLogs {
				if f.ID != "" && !keep[f.ID] {
					drop = append(drop, f.ID)
				}
			}
			if len(drop) > 0 {
				out, err := c.DeleteFlowLogs(ctx, &ec2api.DeleteFlowLogsInput{FlowLogIds: drop})
				if err != nil {
					return err
				}
				for _, u := range out.Unsuccessful {
					if e := u.Error; e != nil && !strings.HasSuffix(aws.ToString(e.Code), "NotFound") {
						return fmt.Errorf("delete flow log %s: %s: %s", aws.ToString(u.ResourceId), aws.ToString(e.Code), aws.ToString(e.Message))
					}
				}
			}
			for _, f := range w.FlowLogs {
				if f.ID != "" {
					continue
				}
				in := &ec2api.CreateFlowLogsInput{
					ResourceType: ec2types.FlowLogsResourceTypeVpc, ResourceIds: []string{env.Resource.ID()},
					TrafficType:        ec2types.TrafficType(f.TrafficType),
					LogDestinationType: ec2types.LogDestinationType(f.DestinationType), LogDestination: aws.String(f.Destination),
				}
				if f.Role != "" {
					in.DeliverLogsPermissionArn = aws.String(f.Role)
				}
				out, err := c.CreateFlowLogs(ctx, in)
				if err != nil {
					return err
				}
				for _, u := range out.Unsuccessful {
					// FlowLogAlreadyExists: a Set run again after it
					// created the flow log.
					if e := u.Error; e != nil && aws.ToString(e.Code) != "FlowLogAlreadyExists" {
						return fmt.Errorf("create flow log for %s: %s: %s", aws.ToString(u.ResourceId), aws.ToString(e.Code), aws.ToString(e.Message))
					}
				}
			}
			return nil
		},
	}
}

// newFlowLog is the flow log the parameters describe, or a skip that says
// which parameter to give.
func newFlowLog(params map[string]string) (flowLog, error) {
	dest := strings.TrimSpace(params[paramFlowLogsDestination])
	role := strings.TrimSpace(params[paramFlowLogsRole])
	traffic := strings.ToUpper(strings.TrimSpace(params[paramFlowLogsTraffic]))
	switch traffic {
	case "":
		traffic = string(ec2types.TrafficTypeReject)
	case string(ec2types.TrafficTypeReject), string(ec2types.TrafficTypeAll):
	default:
		return flowLog{}, Skip("%s %q is neither REJECT nor ALL", paramFlowLogsTraffic, params[paramFlowLogsTraffic])
	}
	f := flowLog{TrafficType: traffic, Destination: dest}
	parts := strings.SplitN(dest, ":", 7)
	switch {
	case dest == "":
		return flowLog{}, Skip("no destination for the flow log: give the %s parameter (an S3 bucket ARN, or a CloudWatch Logs log group ARN with %s)",
			paramFlowLogsDestination, paramFlowLogsRole)
	case len(parts) == 6 && parts[0] == "arn" && parts[2] == "s3" && parts[3] == "" && parts[4] == "" && parts[5] != "":
		f.DestinationType = string(ec2types.LogDestinationTypeS3)
	case len(parts) == 7 && parts[0] == "arn" && parts[2] == "logs" && parts[5] == "log-group" && parts[6] != "":
		if role == "" {
			return flowLog{}, Skip("the flow log's destination is a log group: give the %s parameter (the IAM role that delivers to it)", paramFlowLogsRole)
		}
		f.DestinationType, f.Role = string(ec2types.LogDestinationTypeCloudWatchLogs), role
	default:
		return flowLog{}, Skip("%s %q is neither an S3 bucket ARN (arn:aws:s3:::bucket) nor a CloudWatch Logs log group ARN (arn:aws:logs:region:account:log-group:name)",
			paramFlowLogsDestination, dest)
	}
	return f, nil
}

// ---- EC2.170: launch templates ----

// ltVersion is the default or latest version of a launch template, as
// far as IMDS goes.
type ltVersion struct {
	// Version is the version number; 0 for a version the change creates,
	// as a copy of Source with HTTPTokens.
	Version int64 `json:"version,omitempty"`
	Source  int64 `json:"source,omitempty"`
	// HTTPTokens and HTTPEndpoint are the version's metadata options, ""
	// when it sets none.
	HTTPTokens   string `json:"http_tokens,omitempty"`
	HTTPEndpoint string `json:"http_endpoint,omitempty"`
}

// imdsv2 reports whether instances launched from v cannot use IMDSv1,
// as EC2.170 judges it.
func (v ltVersion) imdsv2() bool { return v.HTTPEndpoint == "disabled" || v.HTTPTokens == "required" }

// templateState is a launch template's default and latest version (the
// same one, often): what launches use unless they name a version.
type templateState struct {
	Default ltVersion `json:"default"`
	Latest  ltVersion `json:"latest"`
}

// templateIMDSv2 makes a launch template's default and latest versions
// require IMDSv2 (EC2.170). Versions cannot be changed: the playbook
// creates a copy of the default version with HttpTokens required and
// makes it the default. When the latest version was another one, it is
// copied again after that (with IMDSv2 required if it lacked it), so
// that launches asking for $Latest keep getting what they got, and those
// asking for $Default get the default's settings. A rollback sets the
// prior default back and deletes the versions the change created; EC2
// does not give their numbers again.
func templateIMDSv2() Playbook {
	return &def[templateState]{
		info: Info{
			Control: "EC2.170", Name: "ec2.launch-template-imdsv2",
			Summary: "Create a version of the launch template that copies its default version with IMDSv2 required (HttpTokens required), " +
				"make it the default, and copy the latest version after it when that was another one",
			Risk: "instances launched from the template from then on (Auto Scaling groups, fleets, launches asking for the " +
				"default or latest version) require IMDSv2: software on them that still calls IMDSv1 loses instance metadata " +
				"and role credentials, and containers need a hop limit of 2 (the version's own hop limit is kept); running " +
				"instances and launches that name a version number are not changed",
			Actions: []string{"ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:CreateLaunchTemplateVersion",
				"ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplateVersions"},
		},
		read: func(ctx context.Context, env Env) (templateState, error) {
			id := env.Resource.ID()
			c := ec2api.NewFromConfig(env.Config)
			out, err := c.DescribeLaunchTemplates(ctx, &ec2api.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
			if awsx.IsNotFound(err) || (err == nil && len(out.LaunchTemplates) == 0) {
				return templateState{}, Skip("launch template %s no longer exists", id)
			}
			if err != nil {
				return templateState{}, err
			}
			t := out.LaunchTemplates[0]
			st := templateState{
				Default: ltVersion{Version: aws.ToInt64(t.DefaultVersionNumber)},
				Latest:  ltVersion{Version: aws.ToInt64(t.LatestVersionNumber)},
			}
			vs, err := ltDescribe(ctx, c, id, st.Default.Version, st.Latest.Version)
			if err != nil {
				return templateState{}, err
			}
			for _, v := range []*ltVersion{&st.Default, &st.Latest} {
				x, ok := vs[v.Version]
				if !ok {
					return templateState{}, fmt.Errorf("launch template %s: version %d not listed", id, v.Version)
				}
				if m := x.LaunchTemplateData.MetadataOptions; m != nil {
					v.HTTPTokens, v.HTTPEndpoint = string(m.HttpTokens), string(m.HttpEndpoint)
				}
			}
			return st, nil
		},
		fix: func(_ Env, cur templateState) (templateState, error) {
			d, l := cur.Default, cur.Latest
			if d.imdsv2() && l.imdsv2() {
				return cur, nil
			}
			required := func(v ltVersion) ltVersion {
				return ltVersion{Source: v.Version, HTTPTokens: "required", HTTPEndpoint: v.HTTPEndpoint}
			}
			if d.imdsv2() { // only the latest lacks it
				return templateState{Default: d, Latest: required(l)}, nil
			}
			w := templateState{Default: required(d)}
			switch {
			case l.Version == d.Version:
				w.Latest = w.Default
			case l.imdsv2():
				w.Latest = ltVersion{Source: l.Version, HTTPTokens: l.HTTPTokens, HTTPEndpoint: l.HTTPEndpoint}
			default:
				w.Latest = required(l)
			}
			return w, nil
		},
		set: func(ctx context.Context, env Env, cur, w templateState) error {
			id := env.Resource.ID()
			c := ec2api.NewFromConfig(env.Config)
			defNum, latestNum := w.Default.Version, w.Latest.Version
			var err error
			if defNum == 0 {
				if defNum, err = ltCopy(ctx, c, id, w.Default); err != nil {
					return err
				}
			}
			switch {
			case latestNum != 0:
			case w.Latest == w.Default:
				latestNum = defNum
			default:
				if latestNum, err = ltCopy(ctx, c, id, w.Latest); err != nil {
					return err
				}
			}
			if defNum != cur.Default.Version {
				if _, err := c.ModifyLaunchTemplate(ctx, &ec2api.ModifyLaunchTemplateInput{
					LaunchTemplateId: aws.String(id), DefaultVersion: aws.String(fmt.Sprint(defNum)),
				}); err != nil {
					return fmt.Errorf("set default version %d of %s: %w", defNum, id, err)
				}
			}
			// Back to an earlier latest version: delete the versions cur
			// names that came after it (the ones the fix created).
			// Versions someone else created in between are kept.
			var drop []string
			for _, v := range []int64{cur.Default.Version, cur.Latest.Version} {
				if v > latestNum && v != defNum && !slices.Contains(drop, fmt.Sprint(v)) {
					drop = append(drop, fmt.Sprint(v))
				}
			}
			if len(drop) == 0 {
				return nil
			}
			out, err := c.DeleteLaunchTemplateVersions(ctx, &ec2api.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: drop})
			if err != nil {
				return fmt.Errorf("delete versions %s of %s: %w", strings.Join(drop, ", "), id, err)
			}
			for _, u := range out.UnsuccessfullyDeletedLaunchTemplateVersions {
				if e := u.ResponseError; e != nil && e.Code != ec2types.LaunchTemplateErrorCodeLaunchTemplateVersionDoesNotExist {
					return fmt.Errorf("delete version %d of %s: %s: %s", aws.ToInt64(u.VersionNumber), id, e.Code, aws.ToString(e.Message))
				}
			}
			return nil
		},
	}
}

// ltDescribe returns the given versions of launch template id, by
// number.
func ltDescribe(ctx context.Context, c *ec2api.Client, id string, nums ...int64) (map[int64]ec2types.LaunchTemplateVersion, error) {
	var want []string
	for _, n := range nums {
		if s := fmt.Sprint(n); !slices.Contains(want, s) {
			want = append(want, s)
		}
	}
	out, err := c.DescribeLaunchTemplateVersions(ctx, &ec2api.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: want})
	if awsx.IsNotFound(err) {
		return nil, Skip("launch template %s, or its version %s, no longer exists", id, strings.Join(want, " or "))
	}
	if err != nil {
		return nil, err
	}
	vs := map[int64]ec2types.LaunchTemplateVersion{}
	for _, v := range out.LaunchTemplateVersions {
		if v.LaunchTemplateData != nil {
			vs[aws.ToInt64(v.VersionNumber)] = v
		}
	}
	return vs, nil
}

// ltCopy creates a version of launch template id that copies
// v.Source with v's HTTP tokens, and returns its number. The source's
// other metadata options are given again (a new version's metadata
// options replace its source's as a whole), and so are its block device
// mappings when one of them names a snapshot (AWS does not carry those
// snapshots over unless they are given).
func ltCopy(ctx context.Context, c *ec2api.Client, id string, v ltVersion) (int64, error) {
	vs, err := ltDescribe(ctx, c, id, v.Source)
	if err != nil {
		return 0, err
	}
	src, ok := vs[v.Source]
	if !ok {
		return 0, fmt.Errorf("launch template %s: version %d not listed", id, v.Source)
	}
	data := &ec2types.RequestLaunchTemplateData{MetadataOptions: ltMetadataRequest(src.LaunchTemplateData.MetadataOptions, v.HTTPTokens)}
	if bdm := src.LaunchTemplateData.BlockDeviceMappings; slices.ContainsFunc(bdm, func(b ec2types.LaunchTemplateBlockDeviceMapping) bool {
		return b.Ebs != nil && aws.ToString(b.Ebs.SnapshotId) != ""
	}) {
		data.BlockDeviceMappings = ltBlockDevices(bdm)
	}
	desc := fmt.Sprintf("EC2.170: version %d with IMDSv2 required", v.Source)
	if src.LaunchTemplateData.MetadataOptions != nil && string(src.LaunchTemplateData.MetadataOptions.HttpTokens) == v.HTTPTokens {
		desc = fmt.Sprintf("EC2.170: version %d, copied to stay the latest", v.Source)
	}
	if d := aws.ToString(src.VersionDescription); d != "" {
		desc += " (" + d + ")"
	}
	if len(desc) > 255 {
		desc = desc[:255]
	}
	out, err := c.CreateLaunchTemplateVersion(ctx, &ec2api.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), SourceVersion: aws.String(fmt.Sprint(v.Source)),
		VersionDescription: aws.String(desc), LaunchTemplateData: data,
	})
	if err != nil {
		return 0, fmt.Errorf("create a version of %s from version %d: %w", id, v.Source, err)
	}
	return aws.ToInt64(out.LaunchTemplateVersion.VersionNumber), nil
}

// ltMetadataRequest is m with HttpTokens set to tokens (kept when "").
func ltMetadataRequest(m *ec2types.LaunchTemplateInstanceMetadataOptions, tokens string) *ec2types.LaunchTemplateInstanceMetadataOptionsRequest {
	r := &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensState(tokens)}
	if m == nil {
		return r
	}
	r.HttpEndpoint, r.HttpProtocolIpv6 = m.HttpEndpoint, m.HttpProtocolIpv6
	r.HttpPutResponseHopLimit, r.InstanceMetadataTags = m.HttpPutResponseHopLimit, m.InstanceMetadataTags
	if tokens == "" {
		r.HttpTokens = m.HttpTokens
	}
	return r
}

// ltBlockDevices gives a version's block device mappings again, as
// a request takes them.
func ltBlockDevices(bdm []ec2types.LaunchTemplateBlockDeviceMapping) []ec2types.LaunchTemplateBlockDeviceMappingRequest {
	out := make([]ec2types.LaunchTemplateBlockDeviceMappingRequest, len(bdm))
	for i, b := range bdm {
		r := ec2types.LaunchTemplateBlockDeviceMappingRequest{DeviceName: b.DeviceName, NoDevice: b.NoDevice, VirtualName: b.VirtualName}
		if e := b.Ebs; e != nil {
			r.Ebs = &ec2types.LaunchTemplateEbsBlockDeviceRequest{
				DeleteOnTermination: e.DeleteOnTermination, EbsCardIndex: e.EbsCardIndex, Encrypted: e.Encrypted, Iops: e.Iops, KmsKeyId: e.KmsKeyId,
				SnapshotId: e.SnapshotId, Throughput: e.Throughput, VolumeInitializationRate: e.VolumeInitializationRate,
				VolumeSize: e.VolumeSize, VolumeType: e.VolumeType,
			}
		}
		out[i] = r
	}
	return out
}
