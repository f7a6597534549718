package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Inventory sets the report's inventory: resources and the (account,
// region, type) read in full.
func (b *Builder) Inventory(rs []inventory.Resource, collected ...inventory.Scope) *Builder {
	b.rep.Inventory = &inventory.Inventory{Taken: b.rep.Started, Resources: rs, Collected: collected}
	return b
}

// InstanceARN is the ARN Instance gives instance id.
func InstanceARN(account, region, id string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":instance/" + id
}

// Res is a resource of the suite's inventories.
func Res(account, region, typ, arn string, e inventory.Exposure) inventory.Resource {
	return inventory.Resource{Account: account, Region: region, Type: typ, ARN: arn, ID: lastPart(arn), Name: lastPart(arn), Exposure: e}
}

// testInventory: FinishScan replaces the resources of what the scan read
// in full and keeps the rest; findings take their resource's exposure,
// even when nothing else about them changed, and keep it when the scan
// did not read the resource; the priority order puts exposure after
// severity.
func testInventory(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	const (
		sg, inst, user, bucket = inventory.TypeSecurityGroup, inventory.TypeInstance, inventory.TypeUser, inventory.TypeBucket
		pub, net, priv         = inventory.Public, inventory.Internet, inventory.Privileged
	)
	// Of two failing HIGH findings seen at the same time, the exposed one
	// must come first; give the exposure to the one whose ID sorts last,
	// so that the ID order alone would get it wrong.
	hi, lo := "i-1", "i-2"
	if Instance(A1, EU1, hi) < Instance(A1, EU1, lo) {
		hi, lo = lo, hi
	}
	sgARN := func(acct, id string) string { return "arn:aws:ec2:" + EU1 + ":" + acct + ":security-group/" + id }
	withRule := Res(A1, EU1, sg, sgARN(A1, "sg-1"), net)
	withRule.Tags = map[string]string{"team": "web"}
	withRule.Attrs = inventory.Attrs{Why: []string{"internet: tcp 22 from 0.0.0.0/0"}, SecurityGroup: &inventory.SecurityGroupAttrs{
		VPC: "vpc-1", Ingress: []inventory.Rule{{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDR: "0.0.0.0/0"}}, PublicInterfaces: []string{"eni-1"}}}
	s1 := accounts(NewReport("s1", day(b, 0))).
		Instance(control.Failed, A1, EU1, hi).Instance(control.Failed, A1, EU1, lo).Instance(control.Failed, A1, EU1, "i-3").
		Inventory([]inventory.Resource{
			withRule,
			Res(A1, EU1, inst, InstanceARN(A1, EU1, hi), net),
			Res(A1, EU1, inst, InstanceARN(A1, EU1, lo), 0),
			Res(A1, Home, user, "arn:aws:iam::"+A1+":user/alice", priv),
			Res(A1, EU1, bucket, "arn:aws:s3:::b-1", pub|priv),
			Res(A2, EU1, sg, sgARN(A2, "sg-2"), 0),
		},
			inventory.Scope{Account: A1, Region: EU1, Type: sg}, inventory.Scope{Account: A1, Region: EU1, Type: inst},
			inventory.Scope{Account: A1, Type: user}, inventory.Scope{Account: A1, Type: bucket},
			inventory.Scope{Account: A2, Region: EU1, Type: sg}).Report()
	record(t, s, s1)

	exposures := func(step string, want map[string]inventory.Exposure) {
		t.Helper()
		for id, w := range want {
			f, _, err := s.Finding(ctx, Instance(A1, EU1, id))
			if err != nil {
				t.Fatalf("%s: %s: %v", step, id, err)
			}
			if f.Exposure != w {
				t.Errorf("%s: finding of %s has exposure %q, want %q", step, id, f.Exposure, w)
			}
		}
	}
	exposures("s1", map[string]inventory.Exposure{hi: net, lo: 0, "i-3": 0})
	fs, _, err := s.Findings(ctx, store.Filter{Controls: []string{"EC2.8"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[0].ResourceARN != InstanceARN(A1, EU1, hi) {
		t.Errorf("s1: priority order %v, want the exposed %s first", ids(fs), hi)
	}
	// JSON names the flags.
	if f, _, _ := s.Finding(ctx, Instance(A1, EU1, hi)); !strings.Contains(mustJSON(t, f), `"exposure":["internet"]`) {
		t.Errorf("s1: finding JSON %s, want \"exposure\":[\"internet\"]", mustJSON(t, f))
	}
	if f, _, _ := s.Finding(ctx, Instance(A1, EU1, lo)); strings.Contains(mustJSON(t, f), `"exposure"`) {
		t.Errorf("s1: finding JSON %s has an exposure; want none", mustJSON(t, f))
	}

	// What s1 stored, as it stored it.
	got, err := s.Resources(ctx, store.ResourceFilter{Types: []string{sg}, Accounts: []string{A1}})
	if err != nil {
		t.Fatal(err)
	}
	want := withRule
	want.AccountName, want.OUPath = "", ""
	want.Scan, want.Seen = "s1", day(b, 0)
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("s1: security groups of %s:\n got %+v\nwant %+v", A1, got, want)
	}

	// s2 reads A1's instances in eu-west-1 and its users, not its
	// security groups or buckets, and nothing of A2. i-1 and i-2 swap
	// exposures (their findings are otherwise unchanged); alice is gone;
	// i-3 is not in the inventory and keeps its exposure. i-4 and i-5 are
	// new failing findings; i-4, exposed, comes first in the diff.
	hi2, lo2 := "i-4", "i-5"
	if Instance(A1, EU1, hi2) < Instance(A1, EU1, lo2) {
		hi2, lo2 = lo2, hi2
	}
	s2 := accounts(NewReport("s2", day(b, 1))).
		Instance(control.Failed, A1, EU1, hi).Instance(control.Failed, A1, EU1, lo).Instance(control.Failed, A1, EU1, "i-3").
		Instance(control.Failed, A1, EU1, hi2).Instance(control.Failed, A1, EU1, lo2).
		Inventory([]inventory.Resource{
			Res(A1, EU1, inst, InstanceARN(A1, EU1, hi), 0),
			Res(A1, EU1, inst, InstanceARN(A1, EU1, lo), net),
			Res(A1, EU1, inst, InstanceARN(A1, EU1, hi2), pub),
			Res(A1, EU1, inst, InstanceARN(A1, EU1, lo2), 0),
			// Not read in full: ignored, s1's stays.
			Res(A1, EU1, sg, sgARN(A1, "sg-9"), pub),
		}, inventory.Scope{Account: A1, Region: EU1, Type: inst}, inventory.Scope{Account: A1, Type: user}).Report()
	ch := record(t, s, s2)
	if ch.Unchanged != 3 || ch.New != 2 {
		t.Errorf("s2: changes %+v, want 3 unchanged (an exposure is no event), 2 new", ch)
	}
	exposures("s2", map[string]inventory.Exposure{hi: 0, lo: net, "i-3": 0, hi2: pub, lo2: 0})
	d, err := s.Diff(ctx, "s1", "s2")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Appeared) != 2 || d.Appeared[0].ResourceARN != InstanceARN(A1, EU1, hi2) {
		t.Errorf("diff s1 s2: appeared %v, want the exposed %s first", ids(d.Appeared), hi2)
	}

	type row struct {
		ARN, Scan string
		Exposure  inventory.Exposure
	}
	list := func(f store.ResourceFilter) []row {
		t.Helper()
		rs, err := s.Resources(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []row{}
		for _, r := range rs {
			out = append(out, row{r.ARN, r.Scan, r.Exposure})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.ResourceFilter
		want []row
	}{
		{"security groups stay as s1 saw them", store.ResourceFilter{Types: []string{sg}},
			[]row{{sgARN(A1, "sg-1"), "s1", net}, {sgARN(A2, "sg-2"), "s1", 0}}},
		{"instances replaced, most exposed first", store.ResourceFilter{Types: []string{inst}},
			[]row{{InstanceARN(A1, EU1, hi2), "s2", pub}, {InstanceARN(A1, EU1, lo), "s2", net}, {InstanceARN(A1, EU1, hi), "s2", 0}, {InstanceARN(A1, EU1, lo2), "s2", 0}}},
		{"users replaced: alice is gone", store.ResourceFilter{Types: []string{user}}, []row{}},
		{"bucket kept", store.ResourceFilter{Types: []string{bucket}}, []row{{"arn:aws:s3:::b-1", "s1", pub | priv}}},
		{"by account", store.ResourceFilter{Accounts: []string{A2}}, []row{{sgARN(A2, "sg-2"), "s1", 0}}},
		{"by region", store.ResourceFilter{Regions: []string{Home}}, []row{}},
		{"by exposure (any flag)", store.ResourceFilter{Exposure: priv | net},
			[]row{{"arn:aws:s3:::b-1", "s1", pub | priv}, {InstanceARN(A1, EU1, lo), "s2", net}, {sgARN(A1, "sg-1"), "s1", net}}},
		{"limit", store.ResourceFilter{Limit: 1}, []row{{"arn:aws:s3:::b-1", "s1", pub | priv}}},
	} {
		if got := list(tc.f); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}
	if _, err := s.Resources(ctx, store.ResourceFilter{Limit: -1}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("limit -1: %v, want an error naming the limit", err)
	}

	// A scan without an inventory changes no resource and no exposure.
	record(t, s, accounts(NewReport("s3", day(b, 2))).
		Instance(control.Failed, A1, EU1, hi).Instance(control.Failed, A1, EU1, lo).Report())
	exposures("s3", map[string]inventory.Exposure{hi: 0, lo: net})
	if got := list(store.ResourceFilter{Types: []string{inst}, Limit: 1}); len(got) != 1 || got[0].Scan != "s2" {
		t.Errorf("s3: instances %v, want s2's kept", got)
	}
}

func mustJSON(t *testing.T, f finding.Finding) string {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// syntheticInventory is the inventory of a synthetic scan: a resource for
// each security group, instance, bucket, IAM user and role its results
// judge, about one in ten exposed, with attributes of a realistic size;
// every (account, region, type) read in full but where the scan has a
// gap.
func syntheticInventory(rep *report.Report) *inventory.Inventory {
	inv := &inventory.Inventory{Taken: rep.Started}
	kept := map[string]bool{inventory.TypeSecurityGroup: true, inventory.TypeInstance: true, inventory.TypeBucket: true,
		inventory.TypeUser: true, inventory.TypeRole: true}
	global := map[string]bool{inventory.TypeBucket: true, inventory.TypeUser: true, inventory.TypeRole: true}
	gap := map[[2]string]bool{}
	for _, g := range rep.Gaps {
		gap[[2]string{g.Account, g.Region}] = true
	}
	names := map[string]report.Account{}
	for _, a := range rep.Accounts {
		names[a.ID] = a
	}
	seen := map[string]bool{}
	scopes := map[inventory.Scope]bool{}
	for _, r := range rep.Results {
		m := r.Resource
		a := names[m.Account]
		if !kept[m.Type] || seen[m.ARN] || a.Error != "" || gap[[2]string{m.Account, m.Region}] && !global[m.Type] {
			continue
		}
		seen[m.ARN] = true
		sc := inventory.Scope{Account: m.Account, Region: m.Region, Type: m.Type}
		if global[m.Type] {
			sc.Region = ""
		}
		scopes[sc] = true
		res := inventory.Resource{Account: m.Account, AccountName: a.Name, OUPath: a.OUPath, Region: m.Region, Type: m.Type,
			ARN: m.ARN, ID: lastPart(m.ARN), Name: m.Name, Tags: m.Tags}
		h := hash(m.ARN, "exposure")
		switch m.Type {
		case inventory.TypeSecurityGroup:
			res.Attrs.SecurityGroup = &inventory.SecurityGroupAttrs{VPC: "vpc-0" + res.ID[3:], Interfaces: []string{"eni-0" + res.ID[3:]},
				Ingress: []inventory.Rule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "10.0.0.0/8"}, {Protocol: "tcp", FromPort: 22, ToPort: 22, CIDR: "192.168.0.0/16"}}}
			if h%10 == 0 {
				res.Exposure = inventory.Internet
				res.Attrs.SecurityGroup.Ingress[0].CIDR = "0.0.0.0/0"
				res.Attrs.SecurityGroup.PublicInterfaces = res.Attrs.SecurityGroup.Interfaces
			}
		case inventory.TypeInstance:
			res.Attrs.Instance = &inventory.InstanceAttrs{State: "running", Type: "m6i.large", VPC: "vpc-1", PrivateIP: "10.0.1.10", HTTPTokens: "required", HTTPEndpoint: "enabled"}
			if h%10 == 0 {
				res.Exposure = inventory.Internet
				res.Attrs.Instance.PublicIP, res.Attrs.Instance.HTTPTokens = "54.72.10.10", "optional"
			}
		case inventory.TypeBucket:
			res.Attrs.Bucket = &inventory.BucketAttrs{Public: h%10 == 0}
			if h%10 == 0 {
				res.Exposure = inventory.Public
				res.Attrs.Why = []string{"public: bucket policy statement \"Public\" allows s3:GetObject to everyone"}
			}
		case inventory.TypeUser:
			res.Attrs.User = &inventory.UserAttrs{ConsolePassword: h%2 == 0, MFA: h%3 != 0,
				AccessKeys: []inventory.AccessKey{{ID: "AKIA" + res.ID, Active: true, Created: rep.Started.AddDate(0, 0, -int(h%400))}}}
			if h%10 == 0 {
				res.Exposure = inventory.Privileged
				res.Attrs.User.Admin = []string{"managed policy AdministratorAccess"}
			}
		case inventory.TypeRole:
			res.Attrs.Principal = &inventory.PrincipalAttrs{}
			if h%10 == 0 {
				res.Exposure = inventory.Privileged
				res.Attrs.Principal.Admin = []string{"managed policy AdministratorAccess"}
			}
		}
		inv.Resources = append(inv.Resources, res)
	}
	for sc := range scopes {
		inv.Collected = append(inv.Collected, sc)
	}
	return inv
}
