// Package search answers questions across every account and region from
// the stored inventory (package inventory, kept by package store): which
// security groups allow an IP address, a CIDR or a port; which buckets
// are public; which IAM users have no MFA or old access keys; which
// instances still allow IMDSv1.
//
// Searches read what the latest scans stored: each hit says when its
// resource was last seen, and Result.AsOf is the newest of those times.
// A resource whose state could not be read to answer is not a hit: it is
// listed in Result.Unknown, with why.
//
// This package must not import the AWS SDK.
package search

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Source is where resources come from: a store.
type Source interface {
	Resources(ctx context.Context, f store.ResourceFilter) ([]inventory.Resource, error)
}

// Kind is what a query searches.
type Kind string

// The kinds of search.
const (
	SecurityGroups Kind = "sg"
	Buckets        Kind = "buckets"
	Users          Kind = "users"
	Instances      Kind = "instances"
)

// Match is how a CIDR query meets a rule's range.
const (
	// Contains: the rule allows every address of the query (the rule's
	// range contains it). The default; for a single address, the only
	// meaning.
	Contains = "contains"
	// Overlaps: the rule allows some address of the query.
	Overlaps = "overlaps"
)

// DefaultKeyAge is the age in days from which an active access key is
// old (IAM.3, CIS 1.14: rotate every 90 days).
const DefaultKeyAge = 90

// Query is one search.
type Query struct {
	Kind Kind
	// Accounts and Regions restrict the search (empty: all).
	Accounts, Regions []string

	// SecurityGroups: inbound rules that allow IP (an IPv4 or IPv6
	// address or CIDR), Port (1-65535; 0: any) over Protocol ("tcp",
	// "udp", "icmp", "icmpv6", a protocol number, or "all" for rules that
	// allow every protocol; "": any). At least IP or Port. Match is how a
	// CIDR IP meets a rule's range: Contains (default) or Overlaps. Rules
	// whose source is a security group or a prefix list are not matched:
	// the inventory does not know their addresses.
	IP       string
	Port     int
	Protocol string
	Match    string

	// Buckets: Public keeps the public ones (else every bucket, with
	// whether it is public).
	Public bool

	// Users: NoMFA keeps console users (and root users) without MFA;
	// OldKeys users with an active access key at least KeyAge days old
	// (default DefaultKeyAge). Neither set: both.
	NoMFA, OldKeys bool
	KeyAge         int

	// Instances: the instances (running, stopped or in between) whose
	// metadata service answers IMDSv1: tokens optional, endpoint enabled.

	// Now is when key ages are measured (default time.Now).
	Now time.Time
	// Limit bounds the hits returned (0: all); Result.Total counts all.
	Limit int
}

// Hit is one resource that matches.
type Hit struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name,omitempty"`
	Region      string `json:"region"`
	Type        string `json:"type"`
	ARN         string `json:"arn"`
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	// Match says what matched: the rules ("tcp 22 from 0.0.0.0/0"), why a
	// bucket is public, which credential, the metadata options.
	Match string `json:"match"`
	// Detail adds context: a security group's attachments, an instance's
	// public IP.
	Detail   string             `json:"detail,omitempty"`
	Exposure inventory.Exposure `json:"exposure"`
	// Scan last saw the resource, at Seen.
	Scan string    `json:"scan,omitempty"`
	Seen time.Time `json:"seen"`
}

// Result is the answer to a query.
type Result struct {
	Query Query `json:"-"`
	// Hits are sorted by exposure (highest rank first), then account,
	// region and name.
	Hits []Hit `json:"hits"`
	// Total counts the hits before Limit.
	Total int `json:"total"`
	// Unknown are resources that could not be judged (Match says why).
	Unknown []Hit `json:"unknown,omitempty"`
	// AsOf is when the newest of the resources searched was seen; zero
	// when there were none.
	AsOf time.Time `json:"as_of,omitzero"`
}

// QueryError is a query that cannot run: Field names what is wrong
// ("ip", "port", "protocol", "match", "key-age", "kind", "limit").
type QueryError struct {
	Field string
	Err   error
}

func (e *QueryError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

func bad(field, format string, args ...any) error {
	return &QueryError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Validate reports what is wrong with q, as Run would, without a source.
func Validate(q Query) error {
	_, _, _, err := prepare(q)
	return err
}

// judgement tells whether a resource is a hit, or could not be judged,
// with what matched (or why not judged) and context.
type judgement func(r *inventory.Resource) (hit, unknown bool, match, detail string)

// prepare checks q, fills its defaults, and returns the types to read and
// the judgement of each resource.
func prepare(q Query) (Query, []string, judgement, error) {
	if q.Limit < 0 {
		return q, nil, nil, bad("limit", "%d: must not be negative", q.Limit)
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	switch q.Kind {
	case SecurityGroups:
		m, err := newRuleMatcher(q)
		if err != nil {
			return q, nil, nil, err
		}
		return q, []string{inventory.TypeSecurityGroup}, m.judge, nil
	case Buckets:
		return q, []string{inventory.TypeBucket}, q.bucket, nil
	case Users:
		if q.KeyAge < 0 {
			return q, nil, nil, bad("key-age", "%d days: must not be negative", q.KeyAge)
		}
		if q.KeyAge == 0 {
			q.KeyAge = DefaultKeyAge
		}
		if !q.NoMFA && !q.OldKeys {
			q.NoMFA, q.OldKeys = true, true
		}
		return q, []string{inventory.TypeUser}, q.user, nil
	case Instances:
		return q, []string{inventory.TypeInstance}, q.instance, nil
	}
	return q, nil, nil, bad("kind", "%q: want sg, buckets, users or instances", q.Kind)
}

// Run answers q from src. A query that cannot run is a *QueryError.
func Run(ctx context.Context, src Source, q Query) (Result, error) {
	q, types, judge, err := prepare(q)
	if err != nil {
		return Result{}, err
	}
	rs, err := src.Resources(ctx, store.ResourceFilter{Types: types, Accounts: q.Accounts, Regions: q.Regions})
	if err != nil {
		return Result{}, fmt.Errorf("search %s: %w", q.Kind, err)
	}
	res := Result{Query: q, Hits: []Hit{}}
	for i := range rs {
		r := &rs[i]
		if r.Seen.After(res.AsOf) {
			res.AsOf = r.Seen
		}
		hit, unknown, match, detail := judge(r)
		h := Hit{Account: r.Account, AccountName: r.AccountName, Region: r.Region, Type: r.Type, ARN: r.ARN, ID: r.ID, Name: r.Name,
			Match: match, Detail: detail, Exposure: r.Exposure, Scan: r.Scan, Seen: r.Seen}
		switch {
		case hit:
			res.Hits = append(res.Hits, h)
		case unknown:
			res.Unknown = append(res.Unknown, h)
		}
	}
	sortHits(res.Hits)
	sortHits(res.Unknown)
	res.Total = len(res.Hits)
	if q.Limit > 0 && len(res.Hits) > q.Limit {
		res.Hits = res.Hits[:q.Limit]
	}
	return res, nil
}

func sortHits(hs []Hit) {
	sort.SliceStable(hs, func(i, j int) bool {
		a, b := &hs[i], &hs[j]
		if ar, br := a.Exposure.Rank(), b.Exposure.Rank(); ar != br {
			return ar > br
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ARN < b.ARN
	})
}

// ruleMatcher matches security group rules against a query.
type ruleMatcher struct {
	prefix  netip.Prefix // invalid when no IP was given
	overlap bool
	port    int
	proto   string // "", "all", "tcp", "udp", "icmp", "icmpv6", or a number
}

func newRuleMatcher(q Query) (*ruleMatcher, error) {
	m := &ruleMatcher{port: q.Port}
	if ip := strings.TrimSpace(q.IP); ip != "" {
		p, err := ParseIP(ip)
		if err != nil {
			return nil, bad("ip", "%v", err)
		}
		m.prefix = p
	}
	switch strings.ToLower(q.Match) {
	case "", Contains:
	case Overlaps:
		m.overlap = true
	default:
		return nil, bad("match", "%q: want contains or overlaps", q.Match)
	}
	if q.Port < 0 || q.Port > 65535 {
		return nil, bad("port", "%d: want 1-65535", q.Port)
	}
	if q.Protocol != "" {
		p, err := protocol(q.Protocol)
		if err != nil {
			return nil, bad("protocol", "%v", err)
		}
		m.proto = p
	}
	if !m.prefix.IsValid() && q.Port == 0 {
		return nil, bad("ip", "give an IP address or CIDR, a port, or both")
	}
	if m.port != 0 && (m.proto == "icmp" || m.proto == "icmpv6") {
		return nil, bad("port", "%d: %s has no ports", m.port, m.proto)
	}
	return m, nil
}

// ParseIP reads an IPv4 or IPv6 address ("203.0.113.7") or CIDR
// ("203.0.113.0/24") as a prefix: an address is a prefix of all its bits.
// A CIDR with host bits set is masked ("203.0.113.7/24" is
// 203.0.113.0/24).
func ParseIP(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 or IPv6 CIDR", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 or IPv6 address or CIDR", s)
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// protocol names a protocol given by name or number as rules name it.
func protocol(p string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "-1", "all":
		return "all", nil
	case "tcp", "6":
		return "tcp", nil
	case "udp", "17":
		return "udp", nil
	case "icmp", "1":
		return "icmp", nil
	case "icmpv6", "58":
		return "icmpv6", nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n > 255 {
		return "", fmt.Errorf("%q: want tcp, udp, icmp, icmpv6, all, or a protocol number 0-255", p)
	}
	return strconv.Itoa(n), nil
}

// allows reports whether rule r lets in what m asks for.
func (m *ruleMatcher) allows(r inventory.Rule) bool {
	cidr := r.CIDR
	if cidr == "" {
		cidr = r.IPv6CIDR
	}
	if cidr == "" {
		return false // a security group or prefix list: addresses unknown
	}
	src, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	src = src.Masked()
	if m.prefix.IsValid() {
		if src.Addr().Is4() != m.prefix.Addr().Is4() {
			return false
		}
		if m.overlap {
			if !src.Overlaps(m.prefix) {
				return false
			}
		} else if src.Bits() > m.prefix.Bits() || !src.Contains(m.prefix.Addr()) {
			return false
		}
	}
	proto, err := protocol(r.Protocol)
	if err != nil {
		return false
	}
	switch {
	case m.proto == "all" && proto != "all":
		return false
	case m.proto != "" && m.proto != "all" && proto != "all" && proto != m.proto:
		return false
	}
	if m.port != 0 {
		switch proto {
		case "all":
		case "tcp", "udp":
			if r.FromPort >= 0 && r.ToPort >= 0 && (m.port < r.FromPort || m.port > r.ToPort) {
				return false
			}
		default:
			return false // ICMP and others have no ports
		}
	}
	return true
}

func (m *ruleMatcher) judge(r *inventory.Resource) (bool, bool, string, string) {
	a := r.Attrs.SecurityGroup
	if a == nil {
		return false, false, "", ""
	}
	var matched []string
	for _, rule := range a.Ingress {
		if m.allows(rule) {
			matched = append(matched, rule.String())
		}
	}
	if len(matched) == 0 {
		return false, false, "", ""
	}
	return true, false, strings.Join(matched, "; "), attachment(a)
}

// attachment describes where a security group is attached.
func attachment(a *inventory.SecurityGroupAttrs) string {
	switch {
	case a.InterfacesUnknown != "":
		return "attachments unknown: " + a.InterfacesUnknown
	case len(a.Interfaces) == 0:
		return "not attached"
	}
	s := fmt.Sprintf("attached to %d network interface(s)", len(a.Interfaces))
	if n := len(a.PublicInterfaces); n > 0 {
		s += fmt.Sprintf(", %d with a public IP (%s)", n, strings.Join(a.PublicInterfaces, ", "))
	}
	return s
}

// whyOf returns the reasons of r's Why that start with prefix, trimmed.
func whyOf(r *inventory.Resource, prefix string) []string {
	var out []string
	for _, w := range r.Attrs.Why {
		if rest, ok := strings.CutPrefix(w, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

func (q *Query) bucket(r *inventory.Resource) (bool, bool, string, string) {
	a := r.Attrs.Bucket
	if a == nil {
		return false, false, "", ""
	}
	switch {
	case a.Public:
		return true, false, "public: " + strings.Join(whyOf(r, "public: "), "; "), ""
	case a.Unknown:
		return false, true, strings.Join(whyOf(r, "public: unknown: "), "; "), ""
	case !q.Public:
		return true, false, "not public", ""
	}
	return false, false, "", ""
}

func (q *Query) user(r *inventory.Resource) (bool, bool, string, string) {
	a := r.Attrs.User
	if a == nil {
		return false, false, "", ""
	}
	var match, unknown []string
	if q.NoMFA {
		switch {
		case a.Root && !a.MFA && a.CredentialsUnknown == "":
			match = append(match, "root user without MFA")
		case a.CredentialsUnknown != "":
			unknown = append(unknown, a.CredentialsUnknown)
		case a.ConsolePassword && !a.MFA:
			m := "console password, no MFA"
			if !a.PasswordLastUsed.IsZero() {
				m += fmt.Sprintf(" (password last used %s)", a.PasswordLastUsed.UTC().Format(time.DateOnly))
			}
			match = append(match, m)
		}
	}
	if q.OldKeys {
		if a.KeysUnknown != "" {
			unknown = append(unknown, a.KeysUnknown)
		}
		for _, k := range a.AccessKeys {
			if !k.Active || k.Created.IsZero() {
				continue
			}
			if days := int(q.Now.Sub(k.Created) / (24 * time.Hour)); days >= q.KeyAge {
				m := fmt.Sprintf("active access key %s is %d days old", k.ID, days)
				if k.LastUsed.IsZero() {
					m += ", never used"
				} else {
					m += ", last used " + k.LastUsed.UTC().Format(time.DateOnly)
				}
				match = append(match, m)
			}
		}
	}
	switch {
	case len(match) > 0:
		return true, false, strings.Join(match, "; "), ""
	case len(unknown) > 0:
		return false, true, strings.Join(unknown, "; "), ""
	}
	return false, false, "", ""
}

func (q *Query) instance(r *inventory.Resource) (bool, bool, string, string) {
	a := r.Attrs.Instance
	if a == nil || a.State == "terminated" || a.State == "shutting-down" {
		return false, false, "", ""
	}
	detail := a.State
	if a.PublicIP != "" {
		detail += ", public IP " + a.PublicIP
	}
	switch {
	case a.HTTPTokens == "":
		return false, true, "metadata options unknown", detail
	case a.IMDSv1():
		return true, false, "IMDSv1 allowed: http_tokens optional, endpoint enabled", detail
	}
	return false, false, "", ""
}
