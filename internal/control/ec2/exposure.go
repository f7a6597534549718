package ec2

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// The internet, as a source: all of IPv4 or all of IPv6.
const (
	anyIPv4 = "0.0.0.0/0"
	anyIPv6 = "::/0"
)

// Ports of remote server administration (CIS 5.1–5.3): SSH and RDP.
var adminPorts = []int{22, 3389}

// flow is what a security group rule or a network ACL entry lets in: a
// protocol, an inclusive port range and a source.
type flow struct {
	// proto is "all", "tcp", "udp", or another protocol as given.
	proto    string
	from, to int
	// source is anyIPv4 or anyIPv6 when the source is the whole internet
	// of that family, else the CIDR as given.
	source string
}

// protocol names a protocol given by name or number.
func protocol(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "all"
	case "tcp", "6":
		return "tcp"
	case "udp", "17":
		return "udp"
	}
	return strings.ToLower(p)
}

// source returns anyIPv4 or anyIPv6 when cidr is a whole address family
// (0.0.0.0/0, ::/0 however written), else cidr.
func source(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Bits() != 0 {
		return cidr
	}
	if p.Addr().Is4() {
		return anyIPv4
	}
	return anyIPv6
}

func newFlow(proto string, from, to int, cidr string) flow {
	f := flow{proto: protocol(proto), from: from, to: to, source: source(cidr)}
	if f.proto == "all" || from < 0 || to < 0 {
		f.from, f.to = 0, 65535
	}
	return f
}

// ruleFlow is what an inbound security group rule lets in. A rule whose
// peer is a security group or a prefix list has no CIDR source.
func ruleFlow(r ec2.Rule) flow {
	cidr := r.CIDR
	if cidr == "" {
		cidr = r.IPv6CIDR
	}
	return newFlow(r.Protocol, r.FromPort, r.ToPort, cidr)
}

// entryFlow is what a network ACL entry matches. An entry without a port
// range covers every port.
func entryFlow(e ec2.NACLEntry) flow {
	cidr := e.CIDR
	if cidr == "" {
		cidr = e.IPv6CIDR
	}
	from, to := -1, -1
	if e.Ports != nil {
		from, to = e.Ports.From, e.Ports.To
	}
	return newFlow(e.Protocol, from, to, cidr)
}

// internet reports whether f comes from one of sources (anyIPv4, anyIPv6).
func (f flow) internet(sources ...string) bool {
	for _, s := range sources {
		if f.source == s {
			return true
		}
	}
	return false
}

// carries reports whether f lets in proto ("tcp" or "udp") at all.
func (f flow) carries(proto string) bool { return f.proto == "all" || f.proto == proto }

// opens reports whether f lets TCP or UDP traffic reach port.
func (f flow) opens(port int) bool {
	return (f.carries("tcp") || f.carries("udp")) && f.from <= port && port <= f.to
}

// String describes f as a console would: "tcp/22", "udp/1024-65535",
// "all traffic".
func (f flow) String() string {
	switch {
	case f.proto == "all":
		return "all traffic"
	case f.from == f.to:
		return f.proto + "/" + strconv.Itoa(f.from)
	case f.from == 0 && f.to == 65535:
		return f.proto + "/all ports"
	}
	return fmt.Sprintf("%s/%d-%d", f.proto, f.from, f.to)
}

// opening is an inbound security group rule that lets the internet in
// over TCP or UDP.
type opening struct {
	rule ec2.Rule
	flow flow
}

// String names the rule and what it opens: "sgr-0abc (tcp/22 from
// 0.0.0.0/0)".
func (o opening) String() string {
	id := o.rule.ID
	if id == "" {
		id = "rule"
	}
	return fmt.Sprintf("%s (%s from %s)", id, o.flow, o.flow.source)
}

// openings returns the inbound rules of g that let one of sources in
// over TCP or UDP (protocol tcp, udp or all).
func openings(g *ec2.SecurityGroup, sources ...string) []opening {
	var out []opening
	for _, r := range g.Ingress {
		f := ruleFlow(r)
		if f.internet(sources...) && (f.carries("tcp") || f.carries("udp")) {
			out = append(out, opening{r, f})
		}
	}
	return out
}

// openPorts returns which of ports the inbound rules of g open to one of
// sources, and the rules that do, each once.
func openPorts(g *ec2.SecurityGroup, ports []int, sources ...string) ([]int, []opening) {
	var open []int
	var by []opening
	used := map[int]bool{}
	os := openings(g, sources...)
	for _, p := range ports {
		hit := false
		for i, o := range os {
			if o.flow.opens(p) {
				hit = true
				if !used[i] {
					used[i] = true
					by = append(by, o)
				}
			}
		}
		if hit {
			open = append(open, p)
		}
	}
	return open, by
}

// aclOpening is a network ACL entry that lets the internet reach a port.
type aclOpening struct {
	port  int
	proto string
	entry ec2.NACLEntry
	flow  flow
}

// aclOpens returns the inbound entry of acl that decides whether traffic
// from source reaches port over proto ("tcp" or "udp"), when it allows
// it. Entries apply in rule-number order and the first that matches
// decides; an entry for a narrower source than the whole internet does
// not decide for all of it, so it is passed over.
func aclOpens(acl *ec2.NetworkACL, proto string, port int, source string) (aclOpening, bool) {
	in := make([]ec2.NACLEntry, 0, len(acl.Entries))
	for _, e := range acl.Entries {
		if !e.Egress {
			in = append(in, e)
		}
	}
	sort.SliceStable(in, func(i, j int) bool { return in[i].RuleNumber < in[j].RuleNumber })
	for _, e := range in {
		f := entryFlow(e)
		if !f.internet(source) || !f.carries(proto) || !f.opens(port) {
			continue
		}
		if strings.EqualFold(e.Action, "allow") {
			return aclOpening{port, proto, e, f}, true
		}
		return aclOpening{}, false
	}
	return aclOpening{}, false
}

func itoa(n int) string { return strconv.Itoa(n) }

func ports(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = itoa(p)
	}
	return strings.Join(s, ", ")
}

func join[T fmt.Stringer](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}
