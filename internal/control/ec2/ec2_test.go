package ec2

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

const (
	region  = "us-east-1"
	account = "AWS::::Account:111122223333@us-east-1"
)

const (
	P  = control.Passed
	F  = control.Failed
	NA = control.NotApplicable
	E  = control.Error
)

func arn(res string) string { return "arn:aws:ec2:us-east-1:111122223333:" + res }

// sg builds a security group with inbound rules.
func sg(id, name string, in ...ec2.Rule) ec2.SecurityGroup {
	return ec2.SecurityGroup{ID: id, ARN: arn("security-group/" + id), Name: name, VPCID: "vpc-1", Ingress: in}
}

func tcp(from, to int, cidr string) ec2.Rule {
	r := ec2.Rule{ID: "sgr-" + cidr, Protocol: "tcp", FromPort: from, ToPort: to}
	if strings.Contains(cidr, ":") {
		r.IPv6CIDR = cidr
	} else {
		r.CIDR = cidr
	}
	return r
}

func proto(p string, from, to int, cidr string) ec2.Rule {
	r := tcp(from, to, cidr)
	r.Protocol = p
	return r
}

func acl(id string, entries ...ec2.NACLEntry) ec2.NetworkACL {
	return ec2.NetworkACL{ID: id, ARN: arn("network-acl/" + id), VPCID: "vpc-1", Entries: entries}
}

func entry(n int, action, protocol, cidr string, ports ...int) ec2.NACLEntry {
	e := ec2.NACLEntry{RuleNumber: n, Action: action, Protocol: protocol}
	if strings.Contains(cidr, ":") {
		e.IPv6CIDR = cidr
	} else {
		e.CIDR = cidr
	}
	if len(ports) == 2 {
		e.Ports = &ec2.PortRange{From: ports[0], To: ports[1]}
	}
	return e
}

func vpc(id string) ec2.VPC { return ec2.VPC{ID: id, ARN: arn("vpc/" + id)} }

func inst(id, state string, f func(*ec2.Instance)) ec2.Instance {
	i := ec2.Instance{ID: id, ARN: arn("instance/" + id), State: state, Metadata: ec2.MetadataOptions{HTTPTokens: "required", HTTPEndpoint: "enabled"}}
	if f != nil {
		f(&i)
	}
	return i
}

type tc struct {
	name string
	e    *ec2.EC2 // nil: the region has no EC2 state
	gap  bool     // the ec2 collector failed in the region
	want map[string]control.Status
	// reasons maps a resource to a pattern its reason must match.
	reasons map[string]string
}

func run(t *testing.T, c *control.Control, cases []tc) {
	t.Helper()
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			a := controltest.Account(region)
			a.Regions[region].EC2 = k.e
			s := controltest.Snapshot(a)
			if k.gap {
				s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "ec2"},
					Class: "access denied", Reason: "UnauthorizedOperation"})
			}
			rs := controltest.Eval(c, s)
			got := controltest.Statuses(t, rs)
			want := k.want
			if want == nil {
				want = map[string]control.Status{}
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: got %v, want %v", c.ID, got, want)
				for _, r := range rs {
					t.Logf("  %s %s: %s", r.Status, r.Resource.ARN, r.Reason)
				}
			}
			for res, pat := range k.reasons {
				found := false
				for _, r := range rs {
					if r.Resource.ARN == res || r.Resource.ARN+"@"+r.Resource.Region == res {
						found = true
						if !regexp.MustCompile(pat).MatchString(r.Reason) {
							t.Errorf("%s reason %q does not match %q", res, r.Reason, pat)
						}
					}
				}
				if !found {
					t.Errorf("no result for %s", res)
				}
			}
			for _, r := range rs {
				if r.Resource.Account != "111122223333" || r.Resource.Region != region || r.Resource.Type == "" {
					t.Errorf("result resource %+v lacks account, region or type", r.Resource)
				}
			}
		})
	}
}

// common are the cases every control shares: no state, a collection gap.
func common(part string) []tc {
	return []tc{
		{name: "not collected", e: nil, want: map[string]control.Status{account: E}},
		{name: "collector gap", gap: true, e: &ec2.EC2{}, want: map[string]control.Status{account: E}},
		{name: "part not read", e: &ec2.EC2{Errors: map[string]string{part: "UnauthorizedOperation: no"}},
			want: map[string]control.Status{account: E}, reasons: map[string]string{account: "not collected: Unauthorized"}},
	}
}

func TestEC2_1(t *testing.T) {
	run(t, ec2_1(), append(common(ec2.PartSnapshots),
		tc{name: "none", e: &ec2.EC2{}},
		tc{name: "mixed", e: &ec2.EC2{Snapshots: []ec2.Snapshot{
			{ID: "snap-priv", ARN: "arn:aws:ec2:us-east-1::snapshot/snap-priv"},
			{ID: "snap-pub", ARN: "arn:aws:ec2:us-east-1::snapshot/snap-pub", Public: true, SharedWith: []string{"999999999999"}},
			{ID: "snap-pub2", ARN: "arn:aws:ec2:us-east-1::snapshot/snap-pub2", Public: true,
				Errors: map[string]string{ec2.DetailPermission: "denied"}},
			{ID: "snap-unk", ARN: "arn:aws:ec2:us-east-1::snapshot/snap-unk", Errors: map[string]string{ec2.DetailPublic: "denied"}},
		}}, want: map[string]control.Status{
			"arn:aws:ec2:us-east-1::snapshot/snap-priv": P,
			"arn:aws:ec2:us-east-1::snapshot/snap-pub":  F,
			"arn:aws:ec2:us-east-1::snapshot/snap-pub2": F,
			"arn:aws:ec2:us-east-1::snapshot/snap-unk":  E,
		}, reasons: map[string]string{"arn:aws:ec2:us-east-1::snapshot/snap-pub": "999999999999"}},
	))
}

func TestEC2_2(t *testing.T) {
	def := sg("sg-def", "default")
	open := sg("sg-def2", "default", ec2.Rule{Protocol: "-1", FromPort: -1, ToPort: -1, GroupID: "sg-def2"})
	open.Egress = []ec2.Rule{{Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"}}
	egressOnly := sg("sg-def3", "default")
	egressOnly.Egress = open.Egress
	run(t, ec2_2(), append(common(ec2.PartSecurityGroups),
		tc{name: "default groups", e: &ec2.EC2{SecurityGroups: []ec2.SecurityGroup{
			def, open, egressOnly, sg("sg-web", "web", tcp(22, 22, "0.0.0.0/0")),
		}}, want: map[string]control.Status{
			arn("security-group/sg-def"): P, arn("security-group/sg-def2"): F, arn("security-group/sg-def3"): F,
		}, reasons: map[string]string{arn("security-group/sg-def2"): "1 inbound rule and 1 outbound rule"}},
	))
}

func TestEC2_3(t *testing.T) {
	att := []ec2.VolumeAttachment{{InstanceID: "i-1"}}
	run(t, ec2_3(), append(common(ec2.PartVolumes),
		tc{name: "volumes", e: &ec2.EC2{Volumes: []ec2.Volume{
			{ID: "vol-enc", ARN: arn("volume/vol-enc"), Encrypted: true, Attachments: att},
			{ID: "vol-plain", ARN: arn("volume/vol-plain"), Attachments: att},
			{ID: "vol-free", ARN: arn("volume/vol-free")},
		}}, want: map[string]control.Status{
			arn("volume/vol-enc"): P, arn("volume/vol-plain"): F, arn("volume/vol-free"): NA,
		}, reasons: map[string]string{arn("volume/vol-plain"): "i-1"}},
	))
}

func TestEC2_6(t *testing.T) {
	run(t, ec2_6(), append(common(ec2.PartFlowLogs),
		tc{name: "vpcs not read", e: &ec2.EC2{Errors: map[string]string{ec2.PartVPCs: "x"}}, want: map[string]control.Status{account: E}},
		tc{name: "flow logs", e: &ec2.EC2{
			VPCs: []ec2.VPC{vpc("vpc-all"), vpc("vpc-rej"), vpc("vpc-acc"), vpc("vpc-none"), vpc("vpc-sub"), vpc("vpc-off")},
			FlowLogs: []ec2.FlowLog{
				{ID: "fl-1", ResourceID: "vpc-all", TrafficType: "ALL", Status: "ACTIVE"},
				{ID: "fl-2", ResourceID: "vpc-rej", TrafficType: "REJECT"},
				{ID: "fl-3", ResourceID: "vpc-acc", TrafficType: "ACCEPT", Status: "ACTIVE"},
				{ID: "fl-4", ResourceID: "subnet-of-vpc-sub", TrafficType: "ALL", Status: "ACTIVE"},
				{ID: "fl-5", ResourceID: "vpc-off", TrafficType: "ALL", Status: "INACTIVE"},
			},
		}, want: map[string]control.Status{
			arn("vpc/vpc-all"): P, arn("vpc/vpc-rej"): P, arn("vpc/vpc-acc"): F,
			arn("vpc/vpc-none"): F, arn("vpc/vpc-sub"): F, arn("vpc/vpc-off"): F,
		}, reasons: map[string]string{arn("vpc/vpc-acc"): "only accepted", arn("vpc/vpc-none"): "no active flow log"}},
	))
}

func TestEC2_7(t *testing.T) {
	run(t, ec2_7(), append(common(ec2.PartEBSEncryption),
		tc{name: "on", e: &ec2.EC2{EBSEncryptionByDefault: true}, want: map[string]control.Status{account: P}},
		tc{name: "off", e: &ec2.EC2{}, want: map[string]control.Status{account: F}},
		// Other parts failing do not matter to EC2.7.
		tc{name: "other part failed", e: &ec2.EC2{EBSEncryptionByDefault: true, Errors: map[string]string{ec2.PartVolumes: "x"}},
			want: map[string]control.Status{account: P}},
	))
}

func TestEC2_8(t *testing.T) {
	run(t, ec2_8(), append(common(ec2.PartInstances),
		tc{name: "instances", e: &ec2.EC2{Instances: []ec2.Instance{
			inst("i-v2", "running", nil),
			inst("i-v1", "stopped", func(i *ec2.Instance) { i.Metadata.HTTPTokens = "optional" }),
			inst("i-off", "running", func(i *ec2.Instance) {
				i.Metadata = ec2.MetadataOptions{HTTPTokens: "optional", HTTPEndpoint: "disabled"}
			}),
			inst("i-unk", "running", func(i *ec2.Instance) { i.Metadata = ec2.MetadataOptions{} }),
			inst("i-gone", "terminated", func(i *ec2.Instance) { i.Metadata.HTTPTokens = "optional" }),
		}}, want: map[string]control.Status{
			arn("instance/i-v2"): P, arn("instance/i-v1"): F, arn("instance/i-off"): P, arn("instance/i-unk"): E,
		}, reasons: map[string]string{arn("instance/i-v1"): "IMDSv1 allowed"}},
	))
}

func TestEC2_4(t *testing.T) {
	// controltest.Now is 2026-06-01 12:00 UTC.
	stop := func(reason string) func(*ec2.Instance) { return func(i *ec2.Instance) { i.StateReason = reason } }
	run(t, ec2_4(), append(common(ec2.PartInstances),
		tc{name: "instances", e: &ec2.EC2{Instances: []ec2.Instance{
			inst("i-run", "running", nil),
			inst("i-recent", "stopped", stop("User initiated (2026-05-20 08:00:00 GMT)")),
			inst("i-edge", "stopped", stop("User initiated (2026-05-02 12:00:00 GMT)")),
			inst("i-old", "stopped", stop("User initiated (2025-07-16 09:30:00 GMT)")),
			inst("i-why", "stopped", stop("Server.InternalError")),
			inst("i-none", "stopped", nil),
			inst("i-gone", "terminated", stop("User initiated (2024-01-01 00:00:00 GMT)")),
		}}, want: map[string]control.Status{
			arn("instance/i-run"): P, arn("instance/i-recent"): P, arn("instance/i-edge"): P,
			arn("instance/i-old"): F, arn("instance/i-why"): E, arn("instance/i-none"): E,
		}, reasons: map[string]string{
			arn("instance/i-recent"): "stopped 12 days ago", arn("instance/i-edge"): "stopped 30 days ago",
			arn("instance/i-old"): "320 days ago, on 2025-07-16", arn("instance/i-why"): "Server.InternalError",
		}},
	))
}

func TestEC2_24(t *testing.T) {
	virt := func(v string) func(*ec2.Instance) {
		return func(i *ec2.Instance) { i.Virtualization, i.Type = v, "m1.small" }
	}
	run(t, ec2_24(), append(common(ec2.PartInstances),
		tc{name: "instances", e: &ec2.EC2{Instances: []ec2.Instance{
			inst("i-hvm", "running", virt("hvm")),
			inst("i-pv", "stopped", virt("paravirtual")),
			inst("i-unk", "running", nil),
			inst("i-gone", "terminated", virt("paravirtual")),
		}}, want: map[string]control.Status{
			arn("instance/i-hvm"): P, arn("instance/i-pv"): F, arn("instance/i-unk"): E,
		}, reasons: map[string]string{arn("instance/i-pv"): "paravirtual .*m1.small"}},
	))
}

func TestEC2_9(t *testing.T) {
	run(t, ec2_9(), append(common(ec2.PartInstances),
		tc{name: "instances", e: &ec2.EC2{Instances: []ec2.Instance{
			inst("i-priv", "running", nil),
			inst("i-pub", "running", func(i *ec2.Instance) { i.PublicIP = "203.0.113.7" }),
			inst("i-dying", "shutting-down", func(i *ec2.Instance) { i.PublicIP = "203.0.113.8" }),
		}}, want: map[string]control.Status{arn("instance/i-priv"): P, arn("instance/i-pub"): F},
			reasons: map[string]string{arn("instance/i-pub"): "203.0.113.7"}},
	))
}

func TestEC2_10(t *testing.T) {
	run(t, ec2_10(), append(common(ec2.PartVPCEndpoints),
		tc{name: "endpoints", e: &ec2.EC2{
			VPCs: []ec2.VPC{vpc("vpc-ec2"), vpc("vpc-s3"), vpc("vpc-gone"), vpc("vpc-other")},
			VPCEndpoints: []ec2.VPCEndpoint{
				{ID: "vpce-1", VPCID: "vpc-ec2", ServiceName: "com.amazonaws.us-east-1.ec2", Type: "Interface", State: "available"},
				{ID: "vpce-2", VPCID: "vpc-s3", ServiceName: "com.amazonaws.us-east-1.s3", Type: "Gateway", State: "available"},
				{ID: "vpce-3", VPCID: "vpc-gone", ServiceName: "com.amazonaws.us-east-1.ec2", Type: "Interface", State: "deleted"},
				{ID: "vpce-4", VPCID: "vpc-other", ServiceName: "com.amazonaws.us-east-1.ec2messages", Type: "Interface", State: "available"},
			},
		}, want: map[string]control.Status{
			arn("vpc/vpc-ec2"): P, arn("vpc/vpc-s3"): F, arn("vpc/vpc-gone"): F, arn("vpc/vpc-other"): F,
		}},
	))
}

func TestEC2_15(t *testing.T) {
	run(t, ec2_15(), append(common(ec2.PartSubnets),
		tc{name: "subnets", e: &ec2.EC2{Subnets: []ec2.Subnet{
			{ID: "subnet-pub", ARN: arn("subnet/subnet-pub"), MapPublicIPOnLaunch: true},
			{ID: "subnet-priv", ARN: arn("subnet/subnet-priv")},
		}}, want: map[string]control.Status{arn("subnet/subnet-pub"): F, arn("subnet/subnet-priv"): P}},
	))
}

func TestEC2_18(t *testing.T) {
	groups := []ec2.SecurityGroup{
		sg("sg-https", "https", tcp(443, 443, "0.0.0.0/0"), tcp(80, 80, "::/0")),
		sg("sg-range", "range", tcp(80, 443, "0.0.0.0/0")),
		sg("sg-udp", "dns", proto("udp", 53, 53, "0.0.0.0/0")),
		sg("sg-all", "all", proto("-1", -1, -1, "::/0")),
		sg("sg-internal", "internal", tcp(22, 22, "10.0.0.0/8"), ec2.Rule{Protocol: "tcp", FromPort: 0, ToPort: 65535, GroupID: "sg-x"},
			ec2.Rule{Protocol: "tcp", FromPort: 22, ToPort: 22, PrefixListID: "pl-1"}),
		sg("sg-icmp", "ping", proto("icmp", -1, -1, "0.0.0.0/0")),
		sg("sg-ssh", "ssh", tcp(22, 22, "0.0.0.0/0")),
		sg("sg-none", "none"),
	}
	run(t, ec2_18(), append(common(ec2.PartSecurityGroups),
		tc{name: "groups", e: &ec2.EC2{SecurityGroups: groups}, want: map[string]control.Status{
			arn("security-group/sg-https"): P, arn("security-group/sg-range"): F, arn("security-group/sg-udp"): F,
			arn("security-group/sg-all"): F, arn("security-group/sg-internal"): P, arn("security-group/sg-icmp"): P,
			arn("security-group/sg-ssh"): F, arn("security-group/sg-none"): P,
		}, reasons: map[string]string{
			arn("security-group/sg-range"): `sgr-0\.0\.0\.0/0 \(tcp/80-443 from 0\.0\.0\.0/0\)`,
			arn("security-group/sg-all"):   `all traffic from ::/0`,
		}},
	))
}

func TestEC2_19(t *testing.T) {
	groups := []ec2.SecurityGroup{
		sg("sg-web", "web", tcp(443, 443, "0.0.0.0/0"), tcp(80, 80, "0.0.0.0/0")),
		sg("sg-alt", "alt-http", tcp(8080, 8080, "0.0.0.0/0")),
		sg("sg-range", "range", tcp(1000, 2000, "::/0")),
		sg("sg-db", "db", tcp(5432, 5432, "10.0.0.0/16")),
		sg("sg-all", "all", proto("-1", -1, -1, "0.0.0.0/0")),
	}
	run(t, ec2_19(), append(common(ec2.PartSecurityGroups),
		tc{name: "groups", e: &ec2.EC2{SecurityGroups: groups}, want: map[string]control.Status{
			arn("security-group/sg-web"): P, arn("security-group/sg-alt"): F, arn("security-group/sg-range"): F,
			arn("security-group/sg-db"): P, arn("security-group/sg-all"): F,
		}, reasons: map[string]string{
			arn("security-group/sg-range"): `^port 1433, 1434 open`,
			arn("security-group/sg-all"):   `^port 20, 21, 22, .*9300 open .*all traffic`,
		}},
	))
}

func TestEC2_53_54(t *testing.T) {
	groups := []ec2.SecurityGroup{
		sg("sg-ssh4", "ssh4", tcp(22, 22, "0.0.0.0/0")),
		sg("sg-ssh6", "ssh6", tcp(22, 22, "::/0")),
		sg("sg-rdp-udp", "rdp-udp", proto("udp", 3389, 3389, "0.0.0.0/0")),
		sg("sg-wide", "wide", tcp(0, 65535, "0.0.0.0/0"), tcp(0, 65535, "::/0")),
		sg("sg-all6", "all6", proto("-1", -1, -1, "::/0")),
		sg("sg-vpn", "vpn", tcp(22, 22, "10.0.0.0/8"), tcp(3389, 3389, "192.0.2.0/24")),
		sg("sg-web", "web", tcp(443, 443, "0.0.0.0/0")),
		sg("sg-num", "numbered", proto("6", 20, 30, "0.0.0.0/0")),
	}
	e := &ec2.EC2{SecurityGroups: groups}
	run(t, ec2_53(), append(common(ec2.PartSecurityGroups),
		tc{name: "ipv4", e: e, want: map[string]control.Status{
			arn("security-group/sg-ssh4"): F, arn("security-group/sg-ssh6"): P, arn("security-group/sg-rdp-udp"): F,
			arn("security-group/sg-wide"): F, arn("security-group/sg-all6"): P, arn("security-group/sg-vpn"): P,
			arn("security-group/sg-web"): P, arn("security-group/sg-num"): F,
		}, reasons: map[string]string{
			arn("security-group/sg-ssh4"): `^port 22 open to the internet: sgr-0\.0\.0\.0/0 \(tcp/22 from 0\.0\.0\.0/0\) \(not attached\)$`,
			arn("security-group/sg-wide"): `^port 22, 3389 open .*tcp/all ports from 0\.0\.0\.0/0\) \(not attached\)$`,
		}},
	))
	run(t, ec2_54(), append(common(ec2.PartSecurityGroups),
		tc{name: "ipv6", e: e, want: map[string]control.Status{
			arn("security-group/sg-ssh4"): P, arn("security-group/sg-ssh6"): F, arn("security-group/sg-rdp-udp"): P,
			arn("security-group/sg-wide"): F, arn("security-group/sg-all6"): F, arn("security-group/sg-vpn"): P,
			arn("security-group/sg-web"): P, arn("security-group/sg-num"): P,
		}},
	))
}

func TestSecurityGroupUse(t *testing.T) {
	g := sg("sg-ssh", "ssh", tcp(22, 22, "0.0.0.0/0"))
	g.NetworkInterfaces = []string{"eni-1", "eni-2"}
	unused := sg("sg-old", "old", tcp(22, 22, "0.0.0.0/0"))
	run(t, ec2_53(), []tc{
		{name: "attachments known", e: &ec2.EC2{SecurityGroups: []ec2.SecurityGroup{g, unused}},
			want: map[string]control.Status{arn("security-group/sg-ssh"): F, arn("security-group/sg-old"): F},
			reasons: map[string]string{
				arn("security-group/sg-ssh"): `\(attached to 2 network interfaces\)$`,
				arn("security-group/sg-old"): `\(not attached\)$`,
			}},
		{name: "attachments unknown", e: &ec2.EC2{SecurityGroups: []ec2.SecurityGroup{unused},
			Errors: map[string]string{ec2.PartNetworkInterfaces: "denied"}},
			want:    map[string]control.Status{arn("security-group/sg-old"): F},
			reasons: map[string]string{arn("security-group/sg-old"): `\)$`}},
	})
}

func TestEC2_21(t *testing.T) {
	acls := []ec2.NetworkACL{
		// Deny ahead of allow-all: closed.
		acl("acl-deny-first",
			entry(50, "deny", "6", "0.0.0.0/0", 22, 22), entry(51, "deny", "6", "0.0.0.0/0", 3389, 3389),
			entry(52, "deny", "17", "0.0.0.0/0", 3389, 3389), entry(53, "deny", "17", "0.0.0.0/0", 22, 22),
			entry(100, "allow", "-1", "0.0.0.0/0"), entry(32767, "deny", "-1", "0.0.0.0/0")),
		// Denying TCP only leaves UDP open (CIS: TCP, UDP or all).
		acl("acl-deny-tcp", entry(50, "deny", "6", "0.0.0.0/0", 22, 22), entry(51, "deny", "6", "0.0.0.0/0", 3389, 3389),
			entry(100, "allow", "-1", "0.0.0.0/0")),
		acl("acl-allow-all", entry(100, "allow", "-1", "0.0.0.0/0"), entry(32767, "deny", "-1", "0.0.0.0/0")),
		// The classic ephemeral range covers 3389.
		acl("acl-ephemeral", entry(100, "allow", "6", "0.0.0.0/0", 443, 443), entry(110, "allow", "6", "0.0.0.0/0", 1024, 65535)),
		acl("acl-v6", entry(100, "allow", "6", "::/0", 22, 22)),
		// A deny for part of the internet does not close it for the rest.
		acl("acl-narrow-deny", entry(50, "deny", "6", "198.51.100.0/24", 22, 22), entry(100, "allow", "6", "0.0.0.0/0", 22, 22)),
		acl("acl-private", entry(100, "allow", "-1", "10.0.0.0/8"), entry(110, "allow", "6", "0.0.0.0/0", 443, 443)),
		acl("acl-egress", ec2.NACLEntry{RuleNumber: 100, Egress: true, Action: "allow", Protocol: "-1", CIDR: "0.0.0.0/0"}),
		// Deny of TCP does not close UDP.
		acl("acl-udp", entry(50, "deny", "6", "0.0.0.0/0", 3389, 3389), entry(60, "deny", "6", "0.0.0.0/0", 22, 22),
			entry(100, "allow", "17", "0.0.0.0/0", 3389, 3389)),
	}
	run(t, ec2_21(), append(common(ec2.PartNetworkACLs),
		tc{name: "acls", e: &ec2.EC2{NetworkACLs: acls}, want: map[string]control.Status{
			arn("network-acl/acl-deny-first"): P, arn("network-acl/acl-allow-all"): F, arn("network-acl/acl-ephemeral"): F,
			arn("network-acl/acl-v6"): F, arn("network-acl/acl-narrow-deny"): F, arn("network-acl/acl-private"): P,
			arn("network-acl/acl-egress"): P, arn("network-acl/acl-udp"): F, arn("network-acl/acl-deny-tcp"): F,
		}, reasons: map[string]string{
			arn("network-acl/acl-allow-all"): `^rule 100 allows all traffic from 0\.0\.0\.0/0 \(port 22, 3389\)$`,
			arn("network-acl/acl-ephemeral"): `^rule 110 allows tcp/1024-65535 from 0\.0\.0\.0/0 \(port 3389\)$`,
			arn("network-acl/acl-udp"):       `^rule 100 allows udp/3389`,
			arn("network-acl/acl-deny-tcp"):  `^rule 100 allows all traffic from 0\.0\.0\.0/0 \(port 22, 3389\)$`,
		}},
	))
}

func TestGR_EC2_1(t *testing.T) {
	withProfile := func(i *ec2.Instance) { i.InstanceProfileARN = "arn:aws:iam::111122223333:instance-profile/app" }
	run(t, grEC2_1(), append(common(ec2.PartInstances),
		tc{name: "instances", e: &ec2.EC2{Instances: []ec2.Instance{
			inst("i-role", "running", withProfile),
			inst("i-keys", "running", nil),
			inst("i-stopped", "stopped", nil),
			inst("i-gone", "terminated", nil),
		}}, want: map[string]control.Status{
			arn("instance/i-role"): P, arn("instance/i-keys"): F, arn("instance/i-stopped"): NA,
		}},
	))
}

func lt(id string, def, latest int, vs ...ec2.LaunchTemplateVersion) ec2.LaunchTemplate {
	return ec2.LaunchTemplate{ID: id, ARN: arn("launch-template/" + id), Name: id, DefaultVersion: def, LatestVersion: latest, Versions: vs}
}

func ltv(n int, def bool, public *bool, m *ec2.MetadataOptions) ec2.LaunchTemplateVersion {
	v := ec2.LaunchTemplateVersion{Number: n, Default: def, Metadata: m}
	if public != nil {
		v.NetworkInterfaces = []ec2.LaunchTemplateInterface{{DeviceIndex: 0, AssociatePublicIP: public}}
	}
	return v
}

func TestEC2_25(t *testing.T) {
	yes, no := true, false
	run(t, ec2_25(), append(common(ec2.PartLaunchTemplates),
		tc{name: "templates", e: &ec2.EC2{LaunchTemplates: []ec2.LaunchTemplate{
			lt("lt-private", 1, 1, ltv(1, true, &no, nil)),
			lt("lt-unset", 1, 1, ltv(1, true, nil, nil)),
			lt("lt-public", 1, 1, ltv(1, true, &yes, nil)),
			// The default is fine, the latest (used by $Latest) is not.
			lt("lt-latest", 1, 2, ltv(1, true, &no, nil), ltv(2, false, &yes, nil)),
			lt("lt-unknown", 1, 1),
		}}, want: map[string]control.Status{
			arn("launch-template/lt-private"): P, arn("launch-template/lt-unset"): P, arn("launch-template/lt-public"): F,
			arn("launch-template/lt-latest"): F, arn("launch-template/lt-unknown"): E,
		}, reasons: map[string]string{
			arn("launch-template/lt-public"): `^version 1 \(default, latest\) assigns a public IP to network interface 0$`,
			arn("launch-template/lt-latest"): `^version 2 \(latest\)`,
		}},
	))
}

func TestEC2_170(t *testing.T) {
	run(t, ec2_170(), append(common(ec2.PartLaunchTemplates),
		tc{name: "templates", e: &ec2.EC2{LaunchTemplates: []ec2.LaunchTemplate{
			lt("lt-v2", 1, 1, ltv(1, true, nil, &ec2.MetadataOptions{HTTPTokens: "required"})),
			lt("lt-off", 1, 1, ltv(1, true, nil, &ec2.MetadataOptions{HTTPEndpoint: "disabled"})),
			lt("lt-v1", 1, 1, ltv(1, true, nil, &ec2.MetadataOptions{HTTPTokens: "optional"})),
			lt("lt-none", 1, 1, ltv(1, true, nil, nil)),
			lt("lt-hops", 1, 1, ltv(1, true, nil, &ec2.MetadataOptions{HTTPPutResponseHopLimit: 2})),
			lt("lt-fixed", 2, 2, ltv(2, true, nil, &ec2.MetadataOptions{HTTPTokens: "required"})),
			lt("lt-default-old", 1, 2, ltv(1, true, nil, nil), ltv(2, false, nil, &ec2.MetadataOptions{HTTPTokens: "required"})),
		}}, want: map[string]control.Status{
			arn("launch-template/lt-v2"): P, arn("launch-template/lt-off"): P, arn("launch-template/lt-v1"): F,
			arn("launch-template/lt-none"): F, arn("launch-template/lt-hops"): F, arn("launch-template/lt-fixed"): P,
			arn("launch-template/lt-default-old"): F,
		}, reasons: map[string]string{
			arn("launch-template/lt-v1"):          `allows IMDSv1`,
			arn("launch-template/lt-default-old"): `^version 1 \(default\) sets no metadata options`,
		}},
	))
}

func TestEC2_23(t *testing.T) {
	run(t, ec2_23(), append(common(ec2.PartTransitGateways),
		tc{name: "gateways", e: &ec2.EC2{TransitGateways: []ec2.TransitGateway{
			{ID: "tgw-auto", ARN: arn("transit-gateway/tgw-auto"), State: "available", AutoAcceptSharedAttachments: true},
			{ID: "tgw-manual", ARN: arn("transit-gateway/tgw-manual"), State: "available"},
			{ID: "tgw-gone", ARN: arn("transit-gateway/tgw-gone"), State: "deleted", AutoAcceptSharedAttachments: true},
		}}, want: map[string]control.Status{arn("transit-gateway/tgw-auto"): F, arn("transit-gateway/tgw-manual"): P}},
	))
}

func TestControls(t *testing.T) {
	want := []string{"EC2.1", "EC2.2", "EC2.3", "EC2.4", "EC2.6", "EC2.7", "EC2.8", "EC2.9", "EC2.10", "EC2.15",
		"EC2.18", "EC2.19", "EC2.21", "EC2.23", "EC2.24", "EC2.25", "EC2.53", "EC2.54", "EC2.170", "GR.EC2.1"}
	var got []string
	severities := map[string]control.Severity{
		"EC2.1": control.Critical, "EC2.2": control.High, "EC2.3": control.Medium, "EC2.6": control.Medium,
		"EC2.7": control.Medium, "EC2.8": control.High, "EC2.9": control.High, "EC2.10": control.Medium,
		"EC2.15": control.Medium, "EC2.18": control.High, "EC2.19": control.Critical, "EC2.21": control.Medium,
		"EC2.23": control.High, "EC2.25": control.High, "EC2.170": control.Low,
		"EC2.4": control.Medium, "EC2.24": control.Medium,
		"EC2.53": control.High, "EC2.54": control.High, "GR.EC2.1": control.Medium,
	}
	cs := Controls()
	for _, c := range cs {
		got = append(got, c.ID)
		if c.Severity != severities[c.ID] {
			t.Errorf("%s: severity %s, want %s", c.ID, c.Severity, severities[c.ID])
		}
		if c.Global || !slices.Equal(c.Needs, []string{"ec2"}) || len(c.WellArchitected) == 0 ||
			!strings.Contains(c.Remediation, "aws ec2 ") || !strings.Contains(c.Remediation, "Console") {
			t.Errorf("%s: global %t, needs %v, WA %v, remediation %q", c.ID, c.Global, c.Needs, c.WellArchitected, c.Remediation)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("controls %v, want %v", got, want)
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Error(err)
	}
}

func TestSource(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0/0": anyIPv4, "::/0": anyIPv6, "0::/0": anyIPv6, "0.0.0.0/1": "0.0.0.0/1", "10.0.0.0/8": "10.0.0.0/8", "": "",
	} {
		if got := source(in); got != want {
			t.Errorf("source(%q) = %q, want %q", in, got, want)
		}
	}
}
