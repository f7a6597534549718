package search_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/search"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

const (
	a1, a2 = "111111111111", "222222222222"
	eu, us = "eu-west-1", "us-east-1"
)

var now = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// open returns a SQLite store holding one scan with resources.
func open(t testing.TB, rs []inventory.Resource, collected ...inventory.Scope) store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "guardrail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rep := storetest.NewReport("s1", now).Account(a1, "prod", "Root/Prod", eu, us).Account(a2, "dev", "Root/Dev", eu, us).
		Instance(control.Passed, a1, eu, "i-0").Inventory(rs, collected...).Report()
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// scopes are every (account, region, type) of rs, read in full.
func scopes(rs []inventory.Resource) []inventory.Scope {
	seen := map[inventory.Scope]bool{}
	var out []inventory.Scope
	for _, r := range rs {
		sc := inventory.Scope{Account: r.Account, Region: r.Region, Type: r.Type}
		if !seen[sc] {
			seen[sc] = true
			out = append(out, sc)
		}
	}
	return out
}

func group(acct, region, id string, e inventory.Exposure, public bool, rules ...inventory.Rule) inventory.Resource {
	a := &inventory.SecurityGroupAttrs{Ingress: rules, Interfaces: []string{"eni-" + id}}
	if public {
		a.PublicInterfaces = a.Interfaces
	}
	return inventory.Resource{Account: acct, AccountName: map[string]string{a1: "prod", a2: "dev"}[acct], Region: region, Type: inventory.TypeSecurityGroup, ID: id, Name: id, Exposure: e,
		ARN: "arn:aws:ec2:" + region + ":" + acct + ":security-group/" + id, Attrs: inventory.Attrs{SecurityGroup: a}}
}

func rule(proto string, from, to int, cidr string) inventory.Rule {
	r := inventory.Rule{Protocol: proto, FromPort: from, ToPort: to}
	switch {
	case strings.HasPrefix(cidr, "sg-"):
		r.Group = cidr
	case strings.Contains(cidr, ":"):
		r.IPv6CIDR = cidr
	default:
		r.CIDR = cidr
	}
	return r
}

func groups() []inventory.Resource {
	return []inventory.Resource{
		group(a1, eu, "sg-web", inventory.Internet, true, rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 443, 443, "::/0")),
		group(a1, eu, "sg-partner", 0, false, rule("tcp", 22, 22, "203.0.113.0/24")),
		group(a1, us, "sg-range", 0, false, rule("tcp", 1000, 2000, "198.51.100.0/25")),
		group(a2, eu, "sg-all", 0, false, rule("-1", -1, -1, "10.0.0.0/8")),
		group(a2, eu, "sg-v6", 0, false, rule("udp", 53, 53, "2001:db8::/32")),
		group(a2, us, "sg-peer", 0, false, rule("tcp", 22, 22, "sg-web")),
		group(a2, us, "sg-icmp", 0, false, rule("icmp", 8, -1, "0.0.0.0/0")),
	}
}

func names(hs []search.Hit) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

func TestSecurityGroups(t *testing.T) {
	rs := groups()
	s := open(t, rs, scopes(rs)...)
	for _, tc := range []struct {
		name string
		q    search.Query
		want []string
	}{
		// The internet-reachable group first, then by account, region, name.
		{"an IPv4 address", search.Query{IP: "203.0.113.7"}, []string{"sg-web", "sg-partner", "sg-icmp"}},
		{"address and port", search.Query{IP: "203.0.113.7", Port: 22}, []string{"sg-partner"}},
		{"address, port, protocol", search.Query{IP: "203.0.113.7", Port: 443, Protocol: "tcp"}, []string{"sg-web"}},
		{"udp at a tcp port", search.Query{IP: "203.0.113.7", Port: 22, Protocol: "udp"}, []string{}},
		{"a CIDR the rule contains", search.Query{IP: "203.0.113.0/24"}, []string{"sg-web", "sg-partner", "sg-icmp"}},
		{"host bits are masked", search.Query{IP: "203.0.113.77/24"}, []string{"sg-web", "sg-partner", "sg-icmp"}},
		{"a wider CIDR: contains", search.Query{IP: "203.0.112.0/23"}, []string{"sg-web", "sg-icmp"}},
		{"a wider CIDR: overlaps", search.Query{IP: "203.0.112.0/23", Match: "overlaps"}, []string{"sg-web", "sg-partner", "sg-icmp"}},
		{"/0 is only contained by /0", search.Query{IP: "0.0.0.0/0"}, []string{"sg-web", "sg-icmp"}},
		{"/0 overlaps every IPv4 rule", search.Query{IP: "0.0.0.0/0", Match: "overlaps"}, []string{"sg-web", "sg-partner", "sg-range", "sg-all", "sg-icmp"}},
		{"an IPv6 address", search.Query{IP: "2001:db8::1"}, []string{"sg-web", "sg-v6"}},
		{"an IPv6 address over tcp", search.Query{IP: "2001:db8::1", Protocol: "6"}, []string{"sg-web"}},
		{"an IPv4-mapped IPv6 address is IPv4", search.Query{IP: "::ffff:203.0.113.7", Port: 22}, []string{"sg-partner"}},
		{"a port inside a range", search.Query{Port: 1500}, []string{"sg-range", "sg-all"}},
		{"a range's bounds", search.Query{Port: 2000}, []string{"sg-range", "sg-all"}},
		{"past a range", search.Query{Port: 2001}, []string{"sg-all"}},
		{"protocol -1 allows every port and protocol", search.Query{IP: "10.1.2.3", Port: 5432, Protocol: "udp"}, []string{"sg-all"}},
		{"protocol all: rules of every protocol only", search.Query{IP: "10.1.2.3", Protocol: "all"}, []string{"sg-all"}},
		{"ICMP rules have no ports", search.Query{IP: "192.0.2.1", Port: 8}, []string{}},
		{"ICMP by protocol", search.Query{IP: "192.0.2.1", Protocol: "icmp"}, []string{"sg-icmp"}},
		{"by account", search.Query{IP: "0.0.0.0/0", Match: "overlaps", Accounts: []string{a2}}, []string{"sg-all", "sg-icmp"}},
		{"by region", search.Query{IP: "0.0.0.0/0", Match: "overlaps", Regions: []string{us}}, []string{"sg-range", "sg-icmp"}},
		{"limit", search.Query{IP: "203.0.113.7", Limit: 1}, []string{"sg-web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Kind = search.SecurityGroups
			res, err := search.Run(context.Background(), s, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Hits); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hits %v, want %v", got, tc.want)
			}
			if tc.q.Limit == 0 && res.Total != len(tc.want) {
				t.Errorf("total %d, want %d", res.Total, len(tc.want))
			}
			if !res.AsOf.Equal(now) {
				t.Errorf("as of %v, want %v", res.AsOf, now)
			}
		})
	}
	// A hit says which rules matched and where the group is attached.
	res, err := search.Run(context.Background(), s, search.Query{Kind: search.SecurityGroups, IP: "2001:db8::1"})
	if err != nil {
		t.Fatal(err)
	}
	web := res.Hits[0]
	if web.Match != "tcp 443 from ::/0" || web.Detail != "attached to 1 network interface(s), 1 with a public IP (eni-sg-web)" ||
		web.Exposure != inventory.Internet || web.Account != a1 || web.AccountName != "prod" || web.Scan != "s1" {
		t.Errorf("sg-web hit: %+v", web)
	}
	if res, _ := search.Run(context.Background(), s, search.Query{Kind: search.SecurityGroups, IP: "203.0.113.0/24"}); res.Total != 3 || res.Hits[1].Match != "tcp 22 from 203.0.113.0/24" {
		t.Errorf("203.0.113.0/24: %+v", res.Hits)
	}
}

func TestQueryErrors(t *testing.T) {
	s := open(t, nil)
	for _, tc := range []struct {
		q     search.Query
		field string
		msg   string
	}{
		{search.Query{Kind: search.SecurityGroups, IP: "300.1.2.3"}, "ip", `"300.1.2.3" is not an IPv4 or IPv6 address or CIDR`},
		{search.Query{Kind: search.SecurityGroups, IP: "10.0.0.0/33"}, "ip", `"10.0.0.0/33" is not an IPv4 or IPv6 CIDR`},
		{search.Query{Kind: search.SecurityGroups, IP: "example.com"}, "ip", "example.com"},
		{search.Query{Kind: search.SecurityGroups}, "ip", "give an IP address or CIDR, a port, or both"},
		{search.Query{Kind: search.SecurityGroups, Port: 70000}, "port", "70000: want 1-65535"},
		{search.Query{Kind: search.SecurityGroups, Port: -1}, "port", "-1"},
		{search.Query{Kind: search.SecurityGroups, Port: 22, Protocol: "tcpp"}, "protocol", `"tcpp"`},
		{search.Query{Kind: search.SecurityGroups, Port: 22, Protocol: "300"}, "protocol", `"300"`},
		{search.Query{Kind: search.SecurityGroups, Port: 22, Protocol: "icmp"}, "port", "icmp has no ports"},
		{search.Query{Kind: search.SecurityGroups, Port: 22, Match: "near"}, "match", `"near": want contains or overlaps`},
		{search.Query{Kind: search.Users, KeyAge: -3}, "key-age", "-3 days"},
		{search.Query{Kind: "vpcs"}, "kind", `"vpcs"`},
		{search.Query{Kind: search.Buckets, Limit: -1}, "limit", "-1"},
	} {
		_, err := search.Run(context.Background(), s, tc.q)
		var qe *search.QueryError
		if !errors.As(err, &qe) || qe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), tc.field+": ") {
			t.Errorf("%+v: %v, want a %s error with %q", tc.q, err, tc.field, tc.msg)
		}
	}
}

func TestBuckets(t *testing.T) {
	b := func(name, region string, e inventory.Exposure, a inventory.BucketAttrs, why ...string) inventory.Resource {
		return inventory.Resource{Account: a1, Region: region, Type: inventory.TypeBucket, ARN: "arn:aws:s3:::" + name, ID: name, Name: name,
			Exposure: e, Attrs: inventory.Attrs{Bucket: &a, Why: why}}
	}
	rs := []inventory.Resource{
		b("open", eu, inventory.Public, inventory.BucketAttrs{Public: true}, `public: bucket policy statement "Web" allows s3:GetObject to everyone`),
		b("private", us, 0, inventory.BucketAttrs{}),
		b("unread", eu, 0, inventory.BucketAttrs{Unknown: true}, "public: unknown: bucket policy not read: AccessDenied"),
	}
	s := open(t, rs, inventory.Scope{Account: a1, Type: inventory.TypeBucket})
	res, err := search.Run(context.Background(), s, search.Query{Kind: search.Buckets, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res.Hits); !reflect.DeepEqual(got, []string{"open"}) || res.Hits[0].Match != `public: bucket policy statement "Web" allows s3:GetObject to everyone` {
		t.Errorf("public buckets %v: %+v", got, res.Hits)
	}
	if len(res.Unknown) != 1 || res.Unknown[0].Name != "unread" || res.Unknown[0].Match != "bucket policy not read: AccessDenied" {
		t.Errorf("unknown %+v, want unread with why", res.Unknown)
	}
	all, err := search.Run(context.Background(), s, search.Query{Kind: search.Buckets})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(all.Hits); !reflect.DeepEqual(got, []string{"open", "private"}) {
		t.Errorf("all buckets %v, want open, private", got)
	}
}

func TestUsers(t *testing.T) {
	u := func(name string, a inventory.UserAttrs) inventory.Resource {
		return inventory.Resource{Account: a1, Region: us, Type: inventory.TypeUser, ARN: "arn:aws:iam::" + a1 + ":user/" + name, ID: name, Name: name,
			Attrs: inventory.Attrs{User: &a}}
	}
	key := func(id string, active bool, days int) inventory.AccessKey {
		return inventory.AccessKey{ID: id, Active: active, Created: now.AddDate(0, 0, -days)}
	}
	rs := []inventory.Resource{
		u("alice", inventory.UserAttrs{ConsolePassword: true, AccessKeys: []inventory.AccessKey{key("AKIA1", true, 200)}}),
		u("bob", inventory.UserAttrs{ConsolePassword: true, MFA: true, AccessKeys: []inventory.AccessKey{key("AKIA2", true, 10)}}),
		u("carol", inventory.UserAttrs{AccessKeys: []inventory.AccessKey{key("AKIA3", false, 100)}}),
		u("deploy", inventory.UserAttrs{AccessKeys: []inventory.AccessKey{key("AKIA4", true, 90)}}),
		u("dave", inventory.UserAttrs{CredentialsUnknown: "console password unknown: credential report not read: AccessDenied"}),
		u("root", inventory.UserAttrs{Root: true, ConsolePassword: true}),
	}
	rs[5].Exposure = inventory.Privileged
	s := open(t, rs, inventory.Scope{Account: a1, Type: inventory.TypeUser})
	for _, tc := range []struct {
		name    string
		q       search.Query
		want    []string
		unknown []string
	}{
		{"no MFA: console and root users", search.Query{NoMFA: true}, []string{"root", "alice"}, []string{"dave"}},
		{"old keys: active, 90 days or more", search.Query{OldKeys: true}, []string{"alice", "deploy"}, nil},
		{"key age", search.Query{KeyAge: 5, OldKeys: true}, []string{"alice", "bob", "deploy"}, nil},
		{"both by default", search.Query{}, []string{"root", "alice", "deploy"}, []string{"dave"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Kind, tc.q.Now = search.Users, now
			res, err := search.Run(context.Background(), s, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Hits); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hits %v, want %v", got, tc.want)
			}
			if got := names(res.Unknown); len(got) != len(tc.unknown) || len(got) > 0 && !reflect.DeepEqual(got, tc.unknown) {
				t.Errorf("unknown %v, want %v", got, tc.unknown)
			}
		})
	}
	res, _ := search.Run(context.Background(), s, search.Query{Kind: search.Users, Now: now})
	for _, h := range res.Hits {
		want := map[string]string{"root": "root user without MFA", "alice": "console password, no MFA; active access key AKIA1 is 200 days old, never used",
			"deploy": "active access key AKIA4 is 90 days old, never used"}[h.Name]
		if h.Match != want {
			t.Errorf("%s: match %q, want %q", h.Name, h.Match, want)
		}
	}
}

func TestInstances(t *testing.T) {
	in := func(acct, id string, a inventory.InstanceAttrs) inventory.Resource {
		return inventory.Resource{Account: acct, Region: eu, Type: inventory.TypeInstance, ARN: "arn:aws:ec2:" + eu + ":" + acct + ":instance/" + id,
			ID: id, Name: id, Attrs: inventory.Attrs{Instance: &a}}
	}
	rs := []inventory.Resource{
		in(a1, "i-v1", inventory.InstanceAttrs{State: "running", HTTPTokens: "optional", HTTPEndpoint: "enabled", PublicIP: "54.0.0.1"}),
		in(a1, "i-v1-default-endpoint", inventory.InstanceAttrs{State: "stopped", HTTPTokens: "optional"}),
		in(a1, "i-v1-off", inventory.InstanceAttrs{State: "running", HTTPTokens: "optional", HTTPEndpoint: "disabled"}),
		in(a1, "i-v2", inventory.InstanceAttrs{State: "running", HTTPTokens: "required"}),
		in(a2, "i-unknown", inventory.InstanceAttrs{State: "running"}),
		in(a2, "i-ending", inventory.InstanceAttrs{State: "shutting-down", HTTPTokens: "optional"}),
	}
	rs[0].Exposure = inventory.Internet
	s := open(t, rs, scopes(rs)...)
	res, err := search.Run(context.Background(), s, search.Query{Kind: search.Instances})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(res.Hits), []string{"i-v1", "i-v1-default-endpoint"}; !reflect.DeepEqual(got, want) {
		t.Errorf("hits %v, want %v", got, want)
	}
	if h := res.Hits[0]; h.Detail != "running, public IP 54.0.0.1" || h.Match != "IMDSv1 allowed: http_tokens optional, endpoint enabled" {
		t.Errorf("i-v1: %+v", h)
	}
	if got := names(res.Unknown); !reflect.DeepEqual(got, []string{"i-unknown"}) {
		t.Errorf("unknown %v, want i-unknown", got)
	}
	res, err = search.Run(context.Background(), s, search.Query{Kind: search.Instances, Accounts: []string{a2}})
	if err != nil || len(res.Hits) != 0 {
		t.Errorf("account %s: %v %v, want none", a2, names(res.Hits), err)
	}
}

// BenchmarkSearchSG searches the security groups of a 200-account x
// 17-region organization (5 groups of 4 rules per target: 17,000 groups)
// stored in SQLite, for an address and port.
//
//	go test ./internal/search -run '^$' -bench SearchSG
func BenchmarkSearchSG(b *testing.B) {
	accounts := 200
	if testing.Short() {
		accounts = 20
	}
	var rs []inventory.Resource
	for a := range accounts {
		acct := fmt.Sprintf("%012d", 100000000000+a)
		for _, region := range storetest.Regions17 {
			for g := range 5 {
				id := fmt.Sprintf("sg-%s%02d", acct[6:], g)
				rules := []inventory.Rule{rule("tcp", 443, 443, "10.0.0.0/8"), rule("tcp", 22, 22, fmt.Sprintf("192.168.%d.0/24", g)),
					rule("tcp", 8080, 8090, "172.16.0.0/12"), rule("udp", 53, 53, "2001:db8::/32")}
				if (a+g)%40 == 0 {
					rules[1].CIDR = "0.0.0.0/0"
				}
				rs = append(rs, group(acct, region, id, 0, g == 0, rules...))
			}
		}
	}
	s := open(b, rs, scopes(rs)...)
	q := search.Query{Kind: search.SecurityGroups, IP: "203.0.113.7", Port: 22}
	var hits int
	for b.Loop() {
		res, err := search.Run(context.Background(), s, q)
		if err != nil {
			b.Fatal(err)
		}
		hits = res.Total
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/search")
	b.ReportMetric(float64(len(rs)), "groups")
	b.ReportMetric(float64(hits), "hits")
}
