package ec2

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// authorizedTCP are the ports EC2.18 lets be open to the internet (its
// authorizedTcpPorts default); no UDP port is authorized by default.
var authorizedTCP = map[int]bool{80: true, 443: true}

// highRiskPorts are the ports EC2.19 keeps closed to the internet.
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
	4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// use says whether a failing group is in use, to help prioritise: "
// (attached to 2 network interfaces)" or " (not attached)"; "" when the
// attachments are unknown.
func use(e *ec2.EC2, g *ec2.SecurityGroup) string {
	if _, unknown := e.Errors[ec2.PartNetworkInterfaces]; unknown {
		return ""
	}
	if len(g.NetworkInterfaces) == 0 {
		return " (not attached)"
	}
	return " (attached to " + plural(len(g.NetworkInterfaces), "network interface") + ")"
}

// sgControl judges every security group of the region with judge.
func sgControl(judge func(in *control.Input, e *ec2.EC2, g *ec2.SecurityGroup)) func(*control.Input) {
	return func(in *control.Input) {
		e := state(in, ec2.PartSecurityGroups)
		if e == nil {
			return
		}
		for i := range e.SecurityGroups {
			judge(in, e, &e.SecurityGroups[i])
		}
	}
}

// portsClosed fails a group whose inbound rules open one of ports to one
// of sources.
func portsClosed(ps []int, sources ...string) func(*control.Input) {
	return sgControl(func(in *control.Input, e *ec2.EC2, g *ec2.SecurityGroup) {
		open, by := openPorts(g, ps, sources...)
		if len(open) == 0 {
			in.Pass(groupMeta(g), "no inbound rule opens ports %s to %s", ports(ps), or(sources))
			return
		}
		in.Fail(groupMeta(g), "port %s open to the internet: %s%s", ports(open), join(by), use(e, g))
	})
}

func or(sources []string) string {
	if len(sources) == 2 {
		return sources[0] + " or " + sources[1]
	}
	return sources[0]
}

func ec2_2() *control.Control {
	return &control.Control{
		ID:           "EC2.2",
		Title:        "VPC default security groups should not allow inbound or outbound traffic",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeSecurityGroup,
		Needs:        []string{collector},
		Check: sgControl(func(in *control.Input, _ *ec2.EC2, g *ec2.SecurityGroup) {
			if !g.IsDefault() {
				return
			}
			in.Check(groupMeta(g), len(g.Ingress)+len(g.Egress) == 0,
				"default security group of "+g.VPCID+" has no rules",
				fmt.Sprintf("default security group of %s has %s and %s", g.VPCID,
					plural(len(g.Ingress), "inbound rule"), plural(len(g.Egress), "outbound rule")))
		}),
		Rationale: "Every VPC has a default security group that resources join when no group is named. " +
			"If it allows traffic, resources launched carelessly are reachable; restricting it forces every " +
			"resource into a deliberately designed group.",
		Remediation: "Create purpose-built security groups and move resources off the default group, then " +
			"delete every inbound and outbound rule of the default group. Console: VPC > Security groups > " +
			"the group named \"default\" > Inbound rules / Outbound rules > Edit > Delete all. CLI: " +
			"aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-ids>; " +
			"aws ec2 revoke-security-group-egress --group-id <sg-id> --security-group-rule-ids <sgr-ids>",
		WellArchitected: []string{"SEC05"},
	}
}

func ec2_18() *control.Control {
	return &control.Control{
		ID:           "EC2.18",
		Title:        "Security groups should only allow unrestricted incoming traffic for authorized ports",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeSecurityGroup,
		Needs:        []string{collector},
		Check: sgControl(func(in *control.Input, e *ec2.EC2, g *ec2.SecurityGroup) {
			var bad []opening
			os := openings(g, anyIPv4, anyIPv6)
			for _, o := range os {
				if !authorized(o.flow) {
					bad = append(bad, o)
				}
			}
			switch {
			case len(bad) > 0:
				in.Fail(groupMeta(g), "open to the internet beyond tcp/80 and tcp/443: %s%s", join(bad), use(e, g))
			case len(os) > 0:
				in.Pass(groupMeta(g), "only tcp/80 and tcp/443 are open to the internet")
			default:
				in.Pass(groupMeta(g), "no inbound rule is open to the internet")
			}
		}),
		Rationale: "A port open to 0.0.0.0/0 or ::/0 can be reached by anyone; only the ports a public " +
			"service needs (by default HTTP and HTTPS) should be.",
		Remediation: "Replace each rule that opens another port to 0.0.0.0/0 or ::/0 by one for the networks " +
			"that need it (a VPN, a load balancer's security group). Console: EC2 > Security groups > the " +
			"group > Inbound rules > Edit inbound rules. CLI: aws ec2 revoke-security-group-ingress " +
			"--group-id <sg-id> --security-group-rule-ids <sgr-id>",
		WellArchitected: []string{"SEC05"},
	}
}

// authorized reports whether everything f lets in is an authorized port.
func authorized(f flow) bool {
	if f.proto != "tcp" {
		return false // all traffic, or UDP: no UDP port is authorized
	}
	for p := f.from; p <= f.to; p++ {
		if !authorizedTCP[p] {
			return false
		}
	}
	return true
}

func ec2_19() *control.Control {
	return &control.Control{
		ID:           "EC2.19",
		Title:        "Security groups should not allow unrestricted access to ports with high risk",
		Service:      "EC2",
		Severity:     control.Critical,
		ResourceType: typeSecurityGroup,
		Needs:        []string{collector},
		Check:        portsClosed(highRiskPorts, anyIPv4, anyIPv6),
		Rationale: "Ports of remote administration, file sharing, mail and databases (SSH, RDP, SMB, MySQL, " +
			"PostgreSQL, OpenSearch and others) open to the internet are scanned and attacked within minutes.",
		Remediation: "Restrict each rule that opens a high-risk port to 0.0.0.0/0 or ::/0 to the addresses " +
			"that need it, or use Session Manager instead of SSH/RDP. Console: EC2 > Security groups > the " +
			"group > Inbound rules > Edit inbound rules. CLI: aws ec2 revoke-security-group-ingress " +
			"--group-id <sg-id> --security-group-rule-ids <sgr-id>",
		WellArchitected: []string{"SEC05"},
	}
}

func ec2_53() *control.Control {
	return &control.Control{
		ID:           "EC2.53",
		Title:        "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeSecurityGroup,
		Needs:        []string{collector},
		Check:        portsClosed(adminPorts, anyIPv4),
		Rationale: "SSH (22) and RDP (3389) open to any IPv4 address invite brute force and exploitation of " +
			"the remote access service itself.",
		Remediation: "Remove the inbound rules that open 22 or 3389 to 0.0.0.0/0 (TCP, UDP or all protocols); " +
			"reach instances through Session Manager, a VPN or a bastion restricted to known addresses. " +
			"Console: EC2 > Security groups > the group > Inbound rules > Edit inbound rules. CLI: " +
			"aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>",
		WellArchitected: []string{"SEC05"},
	}
}

func ec2_54() *control.Control {
	return &control.Control{
		ID:           "EC2.54",
		Title:        "EC2 security groups should not allow ingress from ::/0 to remote server administration ports",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeSecurityGroup,
		Needs:        []string{collector},
		Check:        portsClosed(adminPorts, anyIPv6),
		Rationale: "SSH (22) and RDP (3389) open to any IPv6 address are as exposed as over IPv4, and are " +
			"often forgotten when only IPv4 rules are reviewed.",
		Remediation: "Remove the inbound rules that open 22 or 3389 to ::/0 (TCP, UDP or all protocols). " +
			"Console: EC2 > Security groups > the group > Inbound rules > Edit inbound rules. CLI: " +
			"aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>",
		WellArchitected: []string{"SEC05"},
	}
}

func ec2_21() *control.Control {
	return &control.Control{
		ID:           "EC2.21",
		Title:        "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeNetworkACL,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartNetworkACLs)
			if e == nil {
				return
			}
			for i := range e.NetworkACLs {
				acl := &e.NetworkACLs[i]
				var open []aclOpening
				for _, src := range []string{anyIPv4, anyIPv6} {
					for _, p := range adminPorts {
						for _, proto := range []string{"tcp", "udp"} {
							if o, ok := aclOpens(acl, proto, p, src); ok {
								open = append(open, o)
							}
						}
					}
				}
				m := meta(typeNetworkACL, acl.ARN, acl.ID, acl.Tags)
				if len(open) > 0 {
					in.Fail(m, "%s", byEntry(open))
				} else {
					in.Pass(m, "ports 22 and 3389 are not open to 0.0.0.0/0 or ::/0")
				}
			}
		},
		Rationale: "A network ACL is the subnet's stateless first line of defence; allowing SSH and RDP from " +
			"anywhere there leaves only security groups between the internet and remote administration.",
		Remediation: "Add a DENY entry for 22 and 3389 from 0.0.0.0/0 and ::/0 numbered before the ALLOW " +
			"entries, or narrow the ALLOW entries' sources or port ranges. Console: VPC > Network ACLs > the " +
			"ACL > Inbound rules > Edit inbound rules. CLI: aws ec2 create-network-acl-entry " +
			"--network-acl-id <acl-id> --ingress --rule-number 50 --protocol tcp --port-range From=22,To=22 " +
			"--cidr-block 0.0.0.0/0 --rule-action deny",
		WellArchitected: []string{"SEC05"},
	}
}

// byEntry describes openings entry by entry: "rule 100 allows all
// traffic from 0.0.0.0/0 (22, 3389)".
func byEntry(os []aclOpening) string {
	type key struct {
		rule   int
		source string
	}
	var order []key
	seen := map[key][]int{}
	desc := map[key]flow{}
	for _, o := range os {
		k := key{o.entry.RuleNumber, o.flow.source}
		if _, ok := seen[k]; !ok {
			order = append(order, k)
			desc[k] = o.flow
		}
		if ps := seen[k]; len(ps) == 0 || ps[len(ps)-1] != o.port {
			seen[k] = append(ps, o.port)
		}
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("rule %d allows %s from %s (port %s)", k.rule, desc[k], k.source, ports(seen[k]))
	}
	return strings.Join(parts, "; ")
}
