package scp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

const example = "../../examples/scp/intents.yaml"

func loadExample(t *testing.T) *Intents {
	t.Helper()
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Load("intents.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func docs(t *testing.T, tp TargetPolicies) []*policy.Document {
	t.Helper()
	var out []*policy.Document
	for _, b := range tp.Policies {
		d, err := policy.Parse(b.Document)
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		out = append(out, d)
	}
	return out
}

// decide evaluates a request as AWS evaluates SCPs within one target:
// any explicit Deny of any policy denies (FullAWSAccess allows the rest).
func decide(ds []*policy.Document, r *policy.Request) (bool, string) {
	for _, d := range ds {
		if res := d.Evaluate(r); res.Decision == policy.Deny {
			return false, res.Statement.Sid
		}
	}
	return true, ""
}

func user(acct string) policy.Principal {
	return policy.Principal{Type: "AWS", ID: "arn:aws:iam::" + acct + ":role/Developer", Account: acct}
}

// TestExampleDecisions builds the shipped example and checks what it
// denies and allows, as the issue lists: a region outside the list, a
// denied service, StopLogging, deleting the log archive bucket, leaving
// the organization, RunInstances without IMDSv2; and that Guardrail's
// role and the administrators keep what they need.
func TestExampleDecisions(t *testing.T) {
	in := loadExample(t)
	plan, err := Build(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	byTarget := map[string][]*policy.Document{}
	for _, tp := range plan.Targets {
		byTarget[tp.Target] = docs(t, tp)
	}
	workloads := append(slices.Clone(byTarget["root"]), byTarget["ou:Workloads"]...)
	security := append(slices.Clone(byTarget["root"]), byTarget["ou:Security"]...)
	guardrail := policy.Principal{Type: "AWS", ID: "arn:aws:iam::444444444401:role/OrganizationAccountAccessRole", Account: "444444444401"}
	admin := policy.Principal{Type: "AWS", ID: "arn:aws:iam::444444444401:role/SecurityAdmin", Account: "444444444401"}
	root := policy.Principal{Type: "AWS", ID: "arn:aws:iam::444444444401:root", Account: "444444444401", Root: true}
	region := func(r string) map[string][]string { return map[string][]string{"aws:RequestedRegion": {r}} }
	for _, c := range []struct {
		name    string
		ds      []*policy.Document
		r       policy.Request
		allowed bool
		sid     string
	}{
		{"region outside the list", workloads, policy.Request{Action: "ec2:DescribeInstances", Principal: user("444444444401"), Context: region("ap-south-1")}, false, "DenyOutsideAllowedRegions"},
		{"region in the list", workloads, policy.Request{Action: "ec2:DescribeInstances", Principal: user("444444444401"), Context: region("eu-west-1")}, true, ""},
		{"global service outside the list", workloads, policy.Request{Action: "iam:ListRoles", Principal: user("444444444401"), Context: region("us-west-2")}, true, ""},
		{"Guardrail scans outside the list", workloads, policy.Request{Action: "ec2:DescribeInstances", Principal: guardrail, Context: region("us-west-2")}, true, ""},
		{"denied service", workloads, policy.Request{Action: "sagemaker:CreateNotebookInstance", Principal: user("444444444401"), Context: region("eu-west-1")}, false, "DenyServicesDenyImdsChangesDenyDisableEbsEncryptionDenyDisableS3BlockPublicAccess"},
		{"StopLogging", workloads, policy.Request{Action: "cloudtrail:StopLogging", Resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", Principal: user("444444444401"), Context: region("us-east-1")}, false, "ProtectSecurityServices"},
		{"StopLogging by the security admin", workloads, policy.Request{Action: "cloudtrail:StopLogging", Principal: admin, Context: region("us-east-1")}, true, ""},
		{"baseline rollback by Guardrail", workloads, policy.Request{Action: "guardduty:DeleteDetector", Principal: guardrail, Context: region("eu-west-1")}, true, ""},
		{"delete the log archive bucket", security, policy.Request{Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::org-log-archive-333333333333", Principal: user("333333333333"), Context: region("us-east-1")}, false, "ProtectBucketsDenyLogBucketDeletionOutsideOrg"},
		{"delete a log object", security, policy.Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::org-log-archive-333333333333/AWSLogs/x.json.gz", Principal: user("333333333333"), Context: region("us-east-1")}, false, "ProtectBucketObjects"},
		{"delete another bucket", security, policy.Request{Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::scratch", Principal: user("333333333333"), Context: region("us-east-1")}, true, ""},
		{"leave the organization", workloads, policy.Request{Action: "organizations:LeaveOrganization", Principal: guardrail, Context: region("us-east-1")}, false, "DenyLeaveOrganization"},
		{"the root user", workloads, policy.Request{Action: "s3:ListAllMyBuckets", Principal: root, Context: region("us-east-1")}, false, "DenyRootUser"},
		{"RunInstances without IMDSv2", workloads, policy.Request{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:eu-west-1:444444444401:instance/*", Principal: user("444444444401"),
			Context: map[string][]string{"aws:RequestedRegion": {"eu-west-1"}, "ec2:MetadataHttpTokens": {"optional"}}}, false, "RequireImdsV2"},
		{"RunInstances with IMDSv2", workloads, policy.Request{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:eu-west-1:444444444401:instance/*", Principal: user("444444444401"),
			Context: map[string][]string{"aws:RequestedRegion": {"eu-west-1"}, "ec2:MetadataHttpTokens": {"required"}}}, true, ""},
		{"RunInstances, the volume resource", workloads, policy.Request{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:eu-west-1:444444444401:volume/*", Principal: user("444444444401"),
			Context: region("eu-west-1")}, true, ""},
		{"disable EBS default encryption", workloads, policy.Request{Action: "ec2:DisableEbsEncryptionByDefault", Principal: user("444444444401"), Context: region("eu-west-1")}, false, "DenyServicesDenyImdsChangesDenyDisableEbsEncryptionDenyDisableS3BlockPublicAccess"},
		{"Guardrail re-enables S3 Block Public Access", workloads, policy.Request{Action: "s3:PutAccountPublicAccessBlock", Principal: guardrail, Context: region("us-east-1")}, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok, sid := decide(c.ds, &c.r)
			if ok != c.allowed || sid != c.sid {
				t.Fatalf("allowed %v by %q, want %v by %q", ok, sid, c.allowed, c.sid)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"empty", "", "intents.yaml:1:1: targets: required"},
		{"unknown top key", "target: []\n", `intents.yaml:1:1: unknown field "target"`},
		{"bad region", "targets:\n  - target: root\n    allowed_regions: [eu-west-1, europe]\n", `intents.yaml:3:34: targets[0].allowed_regions[1]: "europe" is not an AWS Region code`},
		{"repeated region", "targets:\n  - target: root\n    allowed_regions: [eu-west-1, eu-west-1]\n", `targets[0].allowed_regions[1]: "eu-west-1" is already listed on line 3`},
		{"bad target", "targets:\n  - target: prod\n    deny_root_user: true\n", `intents.yaml:2:13: targets[0].target: "prod" is not a target`},
		{"no target", "targets:\n  - deny_root_user: true\n", "targets[0].target: required"},
		{"no intent", "targets:\n  - target: root\n", "targets[0]: no intent"},
		{"only false intents", "targets:\n  - target: root\n    deny_root_user: false\n", "targets[0]: no intent"},
		{"exceptions but no intent", "targets:\n  - target: root\n    except_roles: ['arn:aws:iam::*:role/A']\n", "targets[0]: no intent"},
		{"same target twice", "targets:\n  - target: ou:Workloads\n    deny_root_user: true\n  - target: ou:Root/Workloads\n    deny_root_user: true\n", `intents.yaml:4:13: targets[1].target: "ou:Root/Workloads" is already a target on line 2`},
		{"not a bool", "targets:\n  - target: root\n    deny_root_user: yes please\n", `targets[0].deny_root_user: "yes please": want true or false`},
		{"bad role", "targets:\n  - target: root\n    except_roles: [Admin]\n", `targets[0].except_roles[0]: "Admin" is not a role ARN pattern`},
		{"bad service", "targets:\n  - target: root\n    denied_services: [SageMaker]\n", `"SageMaker" is not a service prefix`},
		{"bad bucket field", "targets:\n  - target: root\n    protect_buckets: [{name: logs}]\n", `targets[0].protect_buckets[0]: unknown field "name"`},
		{"raw statement bad effect", "targets:\n  - target: root\n    statements:\n      - {Effect: deny, Action: '*', Resource: '*'}\n", `intents.yaml:4:9: targets[0].statements[0]: Effect "deny"`},
		{"raw statement no action", "targets:\n  - target: root\n    statements:\n      - {Effect: Deny, Resource: '*'}\n", `targets[0].statements[0]: no Action or NotAction`},
		{"guardrail role ARN", "guardrail_role: arn:aws:iam::1:role/x\ntargets:\n  - target: root\n    deny_root_user: true\n", `guardrail_role: "arn:aws:iam::1:role/x" is not a role name`},
		{"YAML syntax", "targets:\n  - target: root\n   deny_root_user: true\n", "intents.yaml:3"},
		{"two documents", "targets: []\n---\ntargets: []\n", "more than one YAML document"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("intents.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// manyBuckets returns intents whose one target protects n buckets with
// long names, each statement too big to merge into few policies.
func intentsWith(t *testing.T, target string, body string) *Intents {
	t.Helper()
	in, err := Load("t.yaml", []byte("targets:\n  - target: "+target+"\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func rawStatements(n, actions int) string {
	var b strings.Builder
	b.WriteString("    statements:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - Sid: Deny%d\n        Effect: Deny\n        Resource: '*'\n        Condition: {StringEquals: {'aws:PrincipalTag/team': ['team-%d']}}\n        Action:\n", i, i)
		for j := 0; j < actions; j++ {
			fmt.Fprintf(&b, "          - ec2:CreateSomethingQuiteLongNumber%04dForTeam%d\n", j, i)
		}
	}
	return b.String()
}

func TestPack(t *testing.T) {
	t.Run("fits in one policy", func(t *testing.T) {
		plan, err := Build(intentsWith(t, "ou:Workloads", "    deny_root_user: true\n    deny_leave_organization: true\n    deny_disable_ebs_encryption: true\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Targets) != 1 || len(plan.Targets[0].Policies) != 1 {
			t.Fatalf("plan %+v", plan)
		}
		b := plan.Targets[0].Policies[0]
		if b.Name != "guardrail-ou-workloads-1" || !slices.Equal(b.Sids, []string{"DenyDisableEbsEncryption", "DenyLeaveOrganization", "DenyRootUser"}) &&
			!slices.Equal(b.Sids, []string{"DenyLeaveOrganization", "DenyRootUser", "DenyDisableEbsEncryption"}) {
			t.Fatalf("built %s %v", b.Name, b.Sids)
		}
		if !slices.Equal(plan.Targets[0].Keep, []string{"FullAWSAccess"}) {
			t.Fatalf("keep %v", plan.Targets[0].Keep)
		}
	})
	t.Run("needs several", func(t *testing.T) {
		plan, err := Build(intentsWith(t, "account:111122223333", rawStatements(6, 40)), nil)
		if err != nil {
			t.Fatal(err)
		}
		ps := plan.Targets[0].Policies
		if len(ps) < 2 || len(ps) > 4 {
			t.Fatalf("%d policies", len(ps))
		}
		var sids []string
		for _, p := range ps {
			if p.Size > MaxPolicySize || p.Size != len(p.Document) {
				t.Fatalf("%s: size %d (document %d)", p.Name, p.Size, len(p.Document))
			}
			sids = append(sids, p.Sids...)
		}
		slices.Sort(sids)
		if len(sids) != 6 {
			t.Fatalf("sids %v", sids)
		}
	})
	t.Run("splits a statement too big for one policy", func(t *testing.T) {
		plan, err := Build(intentsWith(t, "root", rawStatements(1, 200)), nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range plan.Targets[0].Policies {
			if p.Size > MaxPolicySize {
				t.Fatalf("%s: %d", p.Name, p.Size)
			}
			d, _ := policy.Parse(p.Document)
			for _, s := range d.Statements {
				n += len(s.Action)
			}
		}
		if n != 200 {
			t.Fatalf("%d actions after splitting, want 200", n)
		}
	})
	t.Run("cannot fit within 5 per target", func(t *testing.T) {
		_, err := Build(intentsWith(t, "ou:Workloads", rawStatements(12, 45)), Attached{"ou:Root/Workloads": {"FullAWSAccess", "LegacyDeny", "guardrail-ou-workloads-1"}})
		var pe *PackError
		if err == nil || !strings.Contains(err.Error(), "target ou:Workloads: the intents need ") ||
			!strings.Contains(err.Error(), "only 3 of 5 slots are free (attached and kept: FullAWSAccess, LegacyDeny)") {
			t.Fatalf("error %v", err)
		}
		_ = pe
	})
	t.Run("a NotAction statement too big", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("    statements:\n      - Sid: Huge\n        Effect: Deny\n        Resource: '*'\n        NotAction:\n")
		for j := 0; j < 300; j++ {
			fmt.Fprintf(&b, "          - ec2:SomeRatherLongActionName%04d\n", j)
		}
		_, err := Build(intentsWith(t, "root", b.String()), nil)
		if err == nil || !strings.Contains(err.Error(), "target root: statement Huge is ") || !strings.Contains(err.Error(), "cannot be split") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("every example policy within the limit", func(t *testing.T) {
		plan, err := Build(loadExample(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range plan.Targets {
			if len(tp.Policies) == 0 || len(tp.Policies)+len(tp.Keep) > MaxPerTarget {
				t.Fatalf("%s: %d policies", tp.Target, len(tp.Policies))
			}
			for _, p := range tp.Policies {
				if p.Size > MaxPolicySize {
					t.Fatalf("%s: %d", p.Name, p.Size)
				}
			}
		}
	})
}

func TestMergeDropsCovered(t *testing.T) {
	a := &policy.Statement{Sid: "A", Effect: "Deny", Action: []string{"s3:GetObject", "ec2:RunInstances"}, Resource: []string{"*"}}
	b := &policy.Statement{Sid: "B", Effect: "Deny", Action: []string{"s3:*"}, Resource: []string{"*"}}
	c := &policy.Statement{Sid: "C", Effect: "Deny", Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::x"}}
	out := Merge([]*policy.Statement{a, b, c})
	if len(out) != 2 || out[0].Sid != "AB" || !slices.Equal(out[0].Action, []string{"ec2:RunInstances", "s3:*"}) || out[1].Sid != "C" {
		t.Fatalf("merged %+v %+v", out[0], out[1])
	}
}

func testActions() GuardrailActions {
	return GuardrailActions{
		Scan:      []string{"cloudtrail:DescribeTrails", "ec2:DescribeInstances", "s3:GetBucketPolicy", "guardduty:ListDetectors"},
		Baseline:  BaselineActions,
		Remediate: []string{"s3:PutBucketPolicy", "ec2:ModifyInstanceMetadataOptions", "s3:PutAccountPublicAccessBlock"},
	}
}

func TestValidate(t *testing.T) {
	cat := NewCatalog(testActions().Scan, testActions().Remediate)
	t.Run("the example is clean", func(t *testing.T) {
		in := loadExample(t)
		plan, err := Build(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ps := Validate(in, plan, cat, testActions()); len(ps) != 0 {
			t.Fatalf("problems: %v", ps)
		}
	})
	t.Run("misspelled, unknown and lockout", func(t *testing.T) {
		in := intentsWith(t, "ou:Workloads", `    allowed_regions: [eu-west-1]
    statements:
      - Sid: Typo
        Effect: Deny
        Action: [cloudtrail:StopLoging, quantumledger:DoThings]
        Resource: '*'
      - Sid: NoCloudTrail
        Effect: Deny
        Action: cloudtrail:*
        Resource: '*'
`)
		plan, err := Build(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps := Validate(in, plan, cat, testActions())
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		all := strings.Join(got, "\n")
		for _, want := range []string{
			"t.yaml:5:9: error: target ou:Workloads: statement Typo: cloudtrail:StopLoging is not an action of cloudtrail: did you mean cloudtrail:StopLogging?",
			`t.yaml:5:9: warning: target ou:Workloads: statement Typo: service prefix "quantumledger" (in quantumledger:DoThings) is unknown to Guardrail`,
			"t.yaml:5:9: error: target ou:Workloads: policy guardrail-ou-workloads-1 statement TypoNoCloudTrail: denies Guardrail's role arn:aws:iam::111122223333:role/OrganizationAccountAccessRole cloudtrail:CreateTrail (baseline)",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("missing %q in\n%s", want, all)
			}
		}
		if len(Errors(ps)) != 2 {
			t.Errorf("%d errors, want 2:\n%s", len(Errors(ps)), all)
		}
	})
	t.Run("a Principal in a raw statement", func(t *testing.T) {
		in := intentsWith(t, "root", "    statements:\n      - {Sid: P, Effect: Deny, Principal: '*', Action: 'ec2:RunInstances', Resource: '*'}\n")
		ps := Errors(Validate(in, nil, cat, testActions()))
		if len(ps) != 1 || !strings.Contains(ps[0].String(), "t.yaml:4:9: error: target root: statement P: an SCP takes no Principal") {
			t.Fatalf("problems %v", ps)
		}
	})
	t.Run("Sids AWS refuses", func(t *testing.T) {
		in := intentsWith(t, "root", "    deny_root_user: true\n    statements:\n      - {Sid: DenyRootUser, Effect: Deny, Action: 'ec2:RunInstances', Resource: '*'}\n      - {Sid: 'no spaces', Effect: Deny, Action: 'ec2:RunInstances', Resource: '*'}\n")
		var got []string
		for _, p := range Errors(Validate(in, nil, cat, testActions())) {
			got = append(got, p.String())
		}
		want := []string{
			`t.yaml:5:9: error: target root: statement DenyRootUser: Sid "DenyRootUser" is given twice in one policy (statements 1 and 2): AWS requires each to be unique`,
			`t.yaml:6:9: error: target root: statement no spaces: Sid "no spaces": a statement ID takes only letters (A-Z, a-z) and digits`,
		}
		if !slices.Equal(got, want) {
			t.Fatalf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("an administrator locked out", func(t *testing.T) {
		in := intentsWith(t, "root", `    protect_security_services: {except_roles: ["arn:aws:iam::*:role/SecurityAdmin"]}
    statements:
      - Sid: NoTrailChanges
        Effect: Deny
        Action: cloudtrail:StopLogging
        Resource: '*'
        Condition: {ArnNotLike: {aws:PrincipalArn: "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}
`)
		plan, err := Build(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps := Errors(Validate(in, plan, cat, testActions()))
		if len(ps) != 1 || !strings.Contains(ps[0].String(), "denies administrator role arn:aws:iam::111122223333:role/SecurityAdmin (except_roles) cloudtrail:StopLogging") {
			t.Fatalf("problems %v", ps)
		}
	})
}

func TestValidateDocument(t *testing.T) {
	cat := NewCatalog(testActions().Scan)
	l := Lockout{Role: "OrganizationAccountAccessRole", Regions: []string{"us-east-1"}, Actions: testActions()}
	for _, c := range []struct{ name, doc, want string }{
		{"syntax", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Deny\" \"Action\": \"*\"}\n  ]\n}", "p.json:4:23: error: invalid character"},
		{"grammar", `{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Deny","Action":"*","NotAction":"s3:*","Resource":"*"}]}`, "p.json:1:78: error: statement 1 (X): both Action and NotAction"},
		{"principal", `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Deny","Principal":"*","Action":"ec2:RunInstances","Resource":"*"}]}`, "error: statement P: an SCP takes no Principal"},
		{"lockout", `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Deny","Action":"*","Resource":"*"}]}`, "p.json:1:38: error: policy p.json statement Everything: denies Guardrail's role"},
		{"misspelled", `{"Version":"2012-10-17","Statement":[{"Sid":"M","Effect":"Deny","Action":"ec2:DescribeInstance","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"ap-south-1"}}}]}`, "did you mean ec2:DescribeInstances?"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range ValidateDocument("p.json", []byte(c.doc), cat, l) {
				got = append(got, p.String())
			}
			if !strings.Contains(strings.Join(got, "\n"), c.want) {
				t.Fatalf("problems %q, want %q", got, c.want)
			}
		})
	}
	var many []string
	for i := 0; i < 200; i++ {
		many = append(many, fmt.Sprintf(`"ec2:DescribeSomethingLong%03d"`, i))
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":[` + strings.Join(many, ",") + `],"Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"ap-south-1"}}}]}`
	ps := ValidateDocument("big.json", []byte(big), cat, l)
	if len(ps) == 0 || !strings.Contains(ps[0].String(), "more than the 5120 an SCP may hold") {
		t.Fatalf("problems %v", ps)
	}
}

func TestLoadAttached(t *testing.T) {
	a, err := LoadAttached("a.json", []byte(`{"ou:Root/Workloads": ["FullAWSAccess", "X"], "123456789012": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.keep("ou:Workloads"), []string{"FullAWSAccess", "X"}) || !slices.Equal(a.keep("account:123456789012"), []string{"FullAWSAccess"}) {
		t.Fatalf("attached %v", a)
	}
	for _, bad := range []string{`[]`, `{"prod": ["x"]}`, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*"}}`} {
		if _, err := LoadAttached("a.json", []byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "a.json: ") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// TestBaselineActionsCurrent keeps BaselineActions in step with the AWS
// calls the baseline items make: every method called on a client
// (c.Name(ctx) in internal/baseline/item and internal/passwordpolicy)
// must be an action of the list, under its IAM name.
func TestBaselineActionsCurrent(t *testing.T) {
	iamName := map[string]string{
		// S3 API operations whose IAM action has another name.
		"GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
		"PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
		"GetPublicAccessBlock":       "GetAccountPublicAccessBlock",
		"PutPublicAccessBlock":       "PutAccountPublicAccessBlock",
		"DeletePublicAccessBlock":    "PutAccountPublicAccessBlock",
	}
	names := map[string]bool{}
	for _, a := range BaselineActions {
		_, n, _ := strings.Cut(a, ":")
		names[n] = true
	}
	call := regexp.MustCompile(`\bc\.([A-Z][A-Za-z0-9]+)\(ctx`)
	files, _ := filepath.Glob("../baseline/item/*.go")
	more, _ := filepath.Glob("../passwordpolicy/*.go")
	files = append(files, more...)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			n++
			name := m[1]
			if x, ok := iamName[name]; ok {
				name = x
			}
			if !names[name] {
				t.Errorf("%s calls %s, which BaselineActions does not list", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d calls: the pattern no longer matches the baseline's code", n)
	}
}

func TestManifestJSON(t *testing.T) {
	plan, err := Build(loadExample(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Targets) != 3 || back.GuardrailRole != "OrganizationAccountAccessRole" || !json.Valid(back.Targets[0].Policies[0].Document) {
		t.Fatalf("round trip %s", b)
	}
	if !strings.Contains(string(b), `"document":{"Version":"2012-10-17","Statement":[`) {
		t.Fatalf("document not inline JSON: %s", b[:200])
	}
}

func TestResolve(t *testing.T) {
	root := Node{Kind: "root", ID: "r-gr7d"}
	ous := []Node{{Kind: "ou", ID: "ou-gr7d-11111111", Name: "Workloads", Path: "Workloads"}, {Kind: "ou", ID: "ou-gr7d-22222222", Name: "Production", Path: "Workloads/Production"}}
	accts := []Node{{Kind: "account", ID: "444444444401", Name: "payments-prod"}, {Kind: "account", ID: "555555555501", Name: "dup"}, {Kind: "account", ID: "555555555502", Name: "dup"}}
	for target, want := range map[string]string{
		"root": "r-gr7d", "r-gr7d": "r-gr7d", "ou:Root/Workloads/Production": "ou-gr7d-22222222", "ou:Workloads": "ou-gr7d-11111111",
		"ou-gr7d-22222222": "ou-gr7d-22222222", "account:payments-prod": "444444444401", "444444444401": "444444444401",
	} {
		n, err := Resolve(target, root, ous, accts)
		if err != nil || n.ID != want {
			t.Errorf("Resolve(%s) = %+v, %v; want %s", target, n, err, want)
		}
	}
	for target, want := range map[string]string{
		"ou:Sandbox": `no OU at path "Sandbox"`, "account:dup": `2 accounts are named "dup" (555555555501, 555555555502)`,
		"account:999999999999": "no account", "r-zzzz": `the organization's root is "r-gr7d"`, "ou-gr7d-99999999": "no OU with that ID",
	} {
		if _, err := Resolve(target, root, ous, accts); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%s): %v, want %q", target, err, want)
		}
	}
}
