package inventory_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

const (
	a1, a2, a3 = "111111111111", "222222222222", "333333333333"
	eu, us     = "eu-west-1", "us-east-1"
)

var taken = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

func arn(svc, region, acct, res string) string {
	return "arn:aws:" + svc + ":" + region + ":" + acct + ":" + res
}

func policy(t *testing.T, doc string) *s3.Policy {
	t.Helper()
	p, err := s3.ParsePolicy(doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const publicRead = `{"Statement":[{"Sid":"Web","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`

// fixture is an organization with every kind of exposure, and what could
// not be read: a1 fully read (but its instances in us-east-1), a2 with
// an ec2 gap in eu-west-1 and no s3, a3 not assessed.
func fixture(t *testing.T) *snapshot.Snapshot {
	snap := &snapshot.Snapshot{Taken: taken}
	groupSG := func(id string, eni []string, rules ...ec2.Rule) ec2.SecurityGroup {
		return ec2.SecurityGroup{ID: id, ARN: arn("ec2", eu, a1, "security-group/"+id), Name: id + "-name", VPCID: "vpc-1", Ingress: rules, NetworkInterfaces: eni}
	}
	tcp := func(port int, cidr string) ec2.Rule {
		r := ec2.Rule{Protocol: "tcp", FromPort: port, ToPort: port}
		if strings.Contains(cidr, ":") {
			r.IPv6CIDR = cidr
		} else {
			r.CIDR = cidr
		}
		return r
	}
	admin := iam.AttachedPolicy{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}
	star, err := iam.ParseDocument(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	a := &snapshot.Account{ID: a1, Name: "prod", OUPath: "Root/Prod", Partition: "aws", HomeRegion: us,
		IAM: &iam.IAM{
			Root:    iam.Root{ARN: "arn:aws:iam::" + a1 + ":root"},
			Summary: map[string]int{"AccountMFAEnabled": 0},
			Groups:  []*iam.Group{{Name: "admins", ARN: "arn:aws:iam::" + a1 + ":group/admins", AttachedPolicies: []iam.AttachedPolicy{admin}}},
			Roles: []*iam.Role{
				{Name: "deploy", ARN: "arn:aws:iam::" + a1 + ":role/deploy", InlinePolicies: []*iam.InlinePolicy{{Name: "all", Document: star}}},
				{Name: "reader", ARN: "arn:aws:iam::" + a1 + ":role/reader"},
			},
			Users: []*iam.User{
				{Name: "alice", ARN: "arn:aws:iam::" + a1 + ":user/alice", Groups: []string{"admins"},
					Credentials: &iam.Credentials{PasswordEnabled: true, MFAActive: false},
					AccessKeys:  []iam.AccessKey{{ID: "AKIA1", Status: "Active", Created: taken.AddDate(0, 0, -200)}}},
				{Name: "bob", ARN: "arn:aws:iam::" + a1 + ":user/bob", MFADevices: []iam.MFADevice{{Serial: "mfa-bob"}},
					Credentials: &iam.Credentials{PasswordEnabled: true, AccessKeys: []iam.KeyCredentials{
						{Active: false, LastRotated: taken.AddDate(0, 0, -10), LastUsed: taken.AddDate(0, 0, -1)}}},
					AccessKeys: []iam.AccessKey{{ID: "AKIA2", Status: "Inactive", Created: taken.AddDate(0, 0, -10)}}},
			},
		},
		S3: &s3.S3{Buckets: []s3.Bucket{
			{Name: "open", ARN: "arn:aws:s3:::open", Region: eu, Policy: policy(t, publicRead)},
			{Name: "blocked", ARN: "arn:aws:s3:::blocked", Region: eu, Policy: policy(t, publicRead),
				PublicAccessBlock: &s3.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}},
			{Name: "acl", ARN: "arn:aws:s3:::acl", Region: "", ACL: &s3.ACL{Grants: []s3.Grant{{Type: s3.GranteeGroup, URI: s3.AllUsers, Permission: "READ"}}}},
			{Name: "unread", ARN: "arn:aws:s3:::unread", Region: eu, Errors: map[string]string{s3.DetailPolicy: "AccessDenied"}},
		}},
		Regions: map[string]*snapshot.Region{
			eu: {Name: eu,
				EC2: &ec2.EC2{
					NetworkInterfaces: []ec2.NetworkInterface{{ID: "eni-pub", PublicIP: "54.0.0.1"}, {ID: "eni-priv"}},
					SecurityGroups: []ec2.SecurityGroup{
						groupSG("sg-open", []string{"eni-pub", "eni-priv"}, tcp(22, "0.0.0.0/0")),
						groupSG("sg-v6", []string{"eni-priv"}, tcp(443, "::/0")),
						groupSG("sg-corp", []string{"eni-pub"}, tcp(22, "10.0.0.0/8")),
					},
					Instances: []ec2.Instance{
						{ID: "i-pub", ARN: arn("ec2", eu, a1, "instance/i-pub"), State: "running", PublicIP: "54.0.0.1", SecurityGroups: []string{"sg-open"},
							Metadata: ec2.MetadataOptions{HTTPTokens: "optional"}, Tags: map[string]string{"Name": "bastion"}},
						{ID: "i-priv", ARN: arn("ec2", eu, a1, "instance/i-priv"), State: "stopped", SecurityGroups: []string{"sg-open"},
							Metadata: ec2.MetadataOptions{HTTPTokens: "required"}},
						{ID: "i-pubcorp", ARN: arn("ec2", eu, a1, "instance/i-pubcorp"), State: "running", NetworkInterfaces: []string{"eni-pub"}, SecurityGroups: []string{"sg-corp"}},
						{ID: "i-gone", ARN: arn("ec2", eu, a1, "instance/i-gone"), State: "terminated", PublicIP: "54.0.0.2", SecurityGroups: []string{"sg-open"}},
					},
					Snapshots: []ec2.Snapshot{
						{ID: "snap-pub", ARN: arn("ec2", eu, a1, "snapshot/snap-pub"), Public: true},
						{ID: "snap-priv", ARN: arn("ec2", eu, a1, "snapshot/snap-priv")},
					},
				},
				RDS: &rds.RDS{
					Instances: []*rds.Instance{{ID: "db-pub", ARN: arn("rds", eu, a1, "db:db-pub"), Engine: "postgres", PubliclyAccessible: true}},
					Snapshots: []*rds.Snapshot{{ID: "rs-pub", ARN: arn("rds", eu, a1, "snapshot:rs-pub"), RestorableBy: []string{"all"}}},
					Errors:    map[string]string{"cluster_snapshots": "AccessDenied"},
				},
				Lambda: &lambda.Lambda{Functions: []*lambda.Function{
					{Name: "fn-pub", ARN: arn("lambda", eu, a1, "function:fn-pub"), Policy: `{"Statement":[{"Sid":"Any","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}]}`},
					{Name: "fn-svc", ARN: arn("lambda", eu, a1, "function:fn-svc"), Policy: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"AWS:SourceAccount":"` + a1 + `"}}}]}`},
				}},
				KMS: &kms.KMS{Keys: []*kms.Key{{ID: "k-1", ARN: arn("kms", eu, a1, "key/k-1"), Aliases: []string{"alias/app"}, Errors: map[string]string{"policy": "AccessDenied"}}}},
			},
			us: {Name: us, EC2: &ec2.EC2{Errors: map[string]string{ec2.PartInstances: "Throttling"},
				SecurityGroups: []ec2.SecurityGroup{{ID: "sg-us", ARN: arn("ec2", us, a1, "security-group/sg-us"), Name: "default"}}}},
		},
	}
	b := &snapshot.Account{ID: a2, Name: "dev", HomeRegion: us, Partition: "aws",
		IAM: &iam.IAM{Root: iam.Root{ARN: "arn:aws:iam::" + a2 + ":root"}},
		Regions: map[string]*snapshot.Region{
			eu: {Name: eu, EC2: &ec2.EC2{}},
			us: {Name: us, EC2: &ec2.EC2{SecurityGroups: []ec2.SecurityGroup{{ID: "sg-dev", ARN: arn("ec2", us, a2, "security-group/sg-dev"), Name: "dev",
				Ingress: []ec2.Rule{tcp(22, "0.0.0.0/0")}}}}},
		}}
	c := &snapshot.Account{ID: a3, Name: "denied", HomeRegion: us, Err: "AccessDenied: sts:AssumeRole"}
	snap.Add(a)
	snap.Add(b)
	snap.Add(c)
	snap.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a2, Region: eu, Collector: "ec2"}, Class: "access denied", Reason: "AccessDenied"})
	snap.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a2, Collector: "s3"}, Class: "access denied", Reason: "AccessDenied"})
	return snap
}

func TestBuildExposure(t *testing.T) {
	inv := inventory.Build(fixture(t))
	const P, I, V = inventory.Public, inventory.Internet, inventory.Privileged
	for _, tc := range []struct {
		arn  string
		want inventory.Exposure
		why  string // a part of Attrs.Why, "" for none
	}{
		{arn("ec2", eu, a1, "security-group/sg-open"), I, "internet: tcp 22 from 0.0.0.0/0, attached to eni-pub with a public IP"},
		{arn("ec2", eu, a1, "security-group/sg-v6"), 0, ""},   // open to ::/0, no public interface
		{arn("ec2", eu, a1, "security-group/sg-corp"), 0, ""}, // public interface, no internet rule
		{arn("ec2", us, a2, "security-group/sg-dev"), 0, ""},  // open, attached nowhere
		{arn("ec2", eu, a1, "instance/i-pub"), I, "internet: public IP, security groups allow tcp 22 from 0.0.0.0/0"},
		{arn("ec2", eu, a1, "instance/i-priv"), 0, ""},
		{arn("ec2", eu, a1, "instance/i-pubcorp"), 0, ""},
		{arn("ec2", eu, a1, "snapshot/snap-pub"), P, "public: anyone may create volumes"},
		{arn("ec2", eu, a1, "snapshot/snap-priv"), 0, ""},
		{"arn:aws:s3:::open", P, `public: bucket policy statement "Web" allows s3:GetObject to everyone`},
		{"arn:aws:s3:::blocked", 0, ""},
		{"arn:aws:s3:::acl", P, "public: ACL grants READ to everyone (AllUsers)"},
		{"arn:aws:s3:::unread", 0, "public: unknown: bucket policy not read: AccessDenied"},
		{"arn:aws:iam::" + a1 + ":group/admins", V, "privileged: managed policy AdministratorAccess"},
		{"arn:aws:iam::" + a1 + ":role/deploy", V, "privileged: inline policy all allows * on *"},
		{"arn:aws:iam::" + a1 + ":role/reader", 0, ""},
		{"arn:aws:iam::" + a1 + ":user/alice", V, "privileged: group admins: managed policy AdministratorAccess"},
		{"arn:aws:iam::" + a1 + ":user/bob", 0, ""},
		{"arn:aws:iam::" + a1 + ":root", V, "privileged: the account's root user"},
		{arn("rds", eu, a1, "db:db-pub"), P, "public: publicly accessible"},
		{arn("rds", eu, a1, "snapshot:rs-pub"), P, "public: anyone may restore it"},
		{arn("lambda", eu, a1, "function:fn-pub"), P, "public: Any allows lambda:InvokeFunction to any principal"},
		{arn("lambda", eu, a1, "function:fn-svc"), 0, ""},
		{arn("kms", eu, a1, "key/k-1"), 0, "public: unknown: policy not read: AccessDenied"},
	} {
		t.Run(tc.arn, func(t *testing.T) {
			if got, ok := inv.Lookup(tc.arn); !ok || got != tc.want {
				t.Errorf("exposure %q (found %v), want %q", got, ok, tc.want)
			}
			r := find(inv, tc.arn)
			if r == nil {
				t.Fatal("not in the inventory")
			}
			why := strings.Join(r.Attrs.Why, " | ")
			if tc.why == "" && why != "" || !strings.Contains(why, tc.why) {
				t.Errorf("why %q, want %q", why, tc.why)
			}
		})
	}
	if _, ok := inv.Lookup(arn("ec2", eu, a1, "instance/i-gone")); ok {
		t.Error("a terminated instance is in the inventory")
	}
	if e := inv.ExposureOf("arn:aws:s3:::nowhere"); e != 0 {
		t.Errorf("unknown ARN: exposure %q", e)
	}
}

func find(inv *inventory.Inventory, arn string) *inventory.Resource {
	for i := range inv.Resources {
		if inv.Resources[i].ARN == arn {
			return &inv.Resources[i]
		}
	}
	return nil
}

// TestBuildCollected: only what was read in full is collected, so that
// a store replaces nothing else.
func TestBuildCollected(t *testing.T) {
	inv := inventory.Build(fixture(t))
	var got []string
	for _, s := range inv.Collected {
		got = append(got, s.Account+"/"+s.Region+"/"+s.Type)
	}
	want := []string{
		a1 + "//AwsIamGroup", a1 + "//AwsIamRole", a1 + "//AwsIamUser", a1 + "//AwsS3Bucket",
		a1 + "/" + eu + "/AwsEc2Instance", a1 + "/" + eu + "/AwsEc2SecurityGroup", a1 + "/" + eu + "/AwsEc2Snapshot",
		a1 + "/" + eu + "/AwsKmsKey", a1 + "/" + eu + "/AwsLambdaFunction", a1 + "/" + eu + "/AwsRdsDbInstance", a1 + "/" + eu + "/AwsRdsDbSnapshot",
		// us-east-1: instances not read; no RDS, Lambda or KMS state.
		a1 + "/" + us + "/AwsEc2SecurityGroup", a1 + "/" + us + "/AwsEc2Snapshot",
		// a2: the ec2 gap in eu-west-1 and the s3 gap leave those out.
		a2 + "//AwsIamGroup", a2 + "//AwsIamRole", a2 + "//AwsIamUser",
		a2 + "/" + us + "/AwsEc2Instance", a2 + "/" + us + "/AwsEc2SecurityGroup", a2 + "/" + us + "/AwsEc2Snapshot",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("collected:\n got %v\nwant %v", got, want)
	}
	for _, r := range inv.Resources {
		if r.Account == a3 {
			t.Errorf("account %s was not assessed, yet %s is in the inventory", a3, r.ARN)
		}
		if !r.Seen.Equal(taken) {
			t.Errorf("%s seen %v, want %v", r.ARN, r.Seen, taken)
		}
	}
}

// TestBuildAttrs: global resources are where the controls report them,
// with what searches read.
func TestBuildAttrs(t *testing.T) {
	inv := inventory.Build(fixture(t))
	for _, tc := range []struct {
		arn, region, name string
	}{
		{"arn:aws:s3:::open", eu, "open"},
		{"arn:aws:s3:::acl", us, "acl"}, // location unknown: the home region
		{"arn:aws:iam::" + a1 + ":user/alice", us, "alice"},
		{arn("ec2", eu, a1, "instance/i-pub"), eu, "bastion"}, // its Name tag
		{arn("ec2", eu, a1, "security-group/sg-open"), eu, "sg-open-name"},
	} {
		r := find(inv, tc.arn)
		if r == nil || r.Region != tc.region || r.Name != tc.name || r.AccountName == "" {
			t.Errorf("%s: %+v, want region %s, name %s, an account name", tc.arn, r, tc.region, tc.name)
		}
	}
	alice := find(inv, "arn:aws:iam::"+a1+":user/alice").Attrs.User
	if !alice.ConsolePassword || alice.MFA || len(alice.AccessKeys) != 1 || !alice.AccessKeys[0].Active {
		t.Errorf("alice: %+v", alice)
	}
	bob := find(inv, "arn:aws:iam::"+a1+":user/bob").Attrs.User
	if !bob.MFA || len(bob.AccessKeys) != 1 || bob.AccessKeys[0].Active || !bob.AccessKeys[0].LastUsed.Equal(taken.AddDate(0, 0, -1)) {
		t.Errorf("bob: %+v", bob)
	}
	if root := find(inv, "arn:aws:iam::"+a1+":root").Attrs.User; !root.Root || root.MFA || !root.ConsolePassword {
		t.Errorf("root: %+v", root)
	}
	// Issue #12: what is unknown says why, never "MFA unknown: ; ".
	if root := find(inv, "arn:aws:iam::"+a2+":root").Attrs.User; root.CredentialsUnknown != "MFA unknown: account summary not collected; credential report not collected" ||
		root.KeysUnknown != "credential report not collected" {
		t.Errorf("dev root: credentials unknown %q, keys unknown %q", root.CredentialsUnknown, root.KeysUnknown)
	}
	if in := find(inv, arn("ec2", eu, a1, "instance/i-pub")).Attrs.Instance; !in.IMDSv1() || in.PublicIP != "54.0.0.1" {
		t.Errorf("i-pub: %+v, want IMDSv1 and its public IP", in)
	}
	sg := find(inv, arn("ec2", eu, a1, "security-group/sg-open")).Attrs.SecurityGroup
	if !reflect.DeepEqual(sg.PublicInterfaces, []string{"eni-pub"}) || len(sg.Ingress) != 1 || sg.Ingress[0].String() != "tcp 22 from 0.0.0.0/0" {
		t.Errorf("sg-open: %+v", sg)
	}
}

func TestExposure(t *testing.T) {
	const P, I, V = inventory.Public, inventory.Internet, inventory.Privileged
	// Rank: any public outranks any non-public; then internet; then
	// privileged.
	order := []inventory.Exposure{P | I | V, P | I, P | V, P, I | V, I, V, 0}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() <= order[i].Rank() {
			t.Errorf("rank %q (%d) <= %q (%d)", order[i-1], order[i-1].Rank(), order[i], order[i].Rank())
		}
	}
	for _, tc := range []struct {
		e    inventory.Exposure
		s    string
		json string
	}{
		{0, "", "[]"}, {P | I, "public,internet", `["public","internet"]`}, {V, "privileged", `["privileged"]`},
		{P | I | V, "public,internet,privileged", `["public","internet","privileged"]`},
	} {
		if tc.e.String() != tc.s {
			t.Errorf("%d: String %q, want %q", tc.e, tc.e.String(), tc.s)
		}
		b, err := json.Marshal(tc.e)
		if err != nil || string(b) != tc.json {
			t.Errorf("%d: JSON %s (%v), want %s", tc.e, b, err, tc.json)
		}
		var back inventory.Exposure
		if err := json.Unmarshal(b, &back); err != nil || back != tc.e {
			t.Errorf("%s: read back %d (%v), want %d", b, back, err, tc.e)
		}
		if p, err := inventory.ParseExposure(strings.ToUpper(tc.s)); err != nil || p != tc.e {
			t.Errorf("parse %q: %d (%v)", tc.s, p, err)
		}
	}
	if _, err := inventory.ParseExposure("public,exposed"); err == nil || !strings.Contains(err.Error(), `"exposed"`) {
		t.Errorf("parse exposed: %v, want an error naming it", err)
	}
}

func TestRule(t *testing.T) {
	for _, tc := range []struct {
		r    inventory.Rule
		want string
	}{
		{inventory.Rule{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDR: "0.0.0.0/0"}, "tcp 22 from 0.0.0.0/0"},
		{inventory.Rule{Protocol: "-1", FromPort: -1, ToPort: -1, IPv6CIDR: "::/0"}, "all traffic from ::/0"},
		{inventory.Rule{Protocol: "6", FromPort: 1024, ToPort: 65535, CIDR: "10.0.0.0/8"}, "tcp 1024-65535 from 10.0.0.0/8"},
		{inventory.Rule{Protocol: "udp", FromPort: 0, ToPort: 65535, Group: "sg-1"}, "udp all ports from sg-1"},
		{inventory.Rule{Protocol: "icmp", FromPort: 8, ToPort: -1, PrefixList: "pl-1"}, "icmp from pl-1"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.r, got, tc.want)
		}
	}
}
