package s3_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	s3control "github.com/guardrail-sec/guardrail/internal/control/s3"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

const (
	owner      = "111122223333" // controltest.Account's ID
	other      = "444455556666"
	ownerCanon = "c0ffee"
	bucketName = "b"
	bucketARN  = "arn:aws:s3:::b"
)

const (
	pass = control.Passed
	fail = control.Failed
	na   = control.NotApplicable
	erro = control.Error
)

func get(t *testing.T, id string) *control.Control {
	t.Helper()
	for _, c := range s3control.Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}

// Policy builders.
func policy(t *testing.T, statements ...string) *s3snap.Policy {
	t.Helper()
	p, err := s3snap.ParsePolicy(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func allow(principal, action, cond string) string {
	s := `{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":` + action + `,"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]`
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

var (
	allBPA       = &s3snap.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	restrictOnly = &s3snap.PublicAccessBlock{RestrictPublicBuckets: true}
	ignoreOnly   = &s3snap.PublicAccessBlock{IgnorePublicACLs: true}
	ownerACL     = &s3snap.ACL{Owner: ownerCanon, Grants: []s3snap.Grant{{Type: s3snap.GranteeCanonicalUser, ID: ownerCanon, Permission: "FULL_CONTROL"}}}
)

func aclWith(grants ...s3snap.Grant) *s3snap.ACL {
	a := &s3snap.ACL{Owner: ownerCanon, Grants: append([]s3snap.Grant{}, ownerACL.Grants...)}
	a.Grants = append(a.Grants, grants...)
	return a
}

func group(uri, perm string) s3snap.Grant {
	return s3snap.Grant{Type: s3snap.GranteeGroup, URI: uri, Permission: perm}
}

func errs(details ...string) map[string]string {
	m := map[string]string{}
	for _, d := range details {
		m[d] = "AccessDenied: denied"
	}
	return m
}

// bucketCase is one bucket judged by one control. The bucket is called
// "b", lives in eu-west-1, and has an owner-only ACL unless the case says
// otherwise.
type bucketCase struct {
	name    string
	b       s3snap.Bucket
	account s3snap.S3 // the account's state besides its buckets
	want    control.Status
	reason  string // a substring of the result's reason
}

func runBuckets(t *testing.T, id string, cases []bucketCase) {
	t.Helper()
	c := get(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			b.Name, b.ARN = bucketName, bucketARN
			if b.Region == "" {
				b.Region = "eu-west-1"
			}
			if b.ACL == nil && b.Errors[s3snap.DetailACL] == "" {
				b.ACL = ownerACL
			}
			a := controltest.Account("us-east-1", "eu-west-1")
			st := tc.account
			st.Buckets = []s3snap.Bucket{b}
			a.S3 = &st
			rs := controltest.Eval(c, controltest.Snapshot(a))
			if len(rs) != 1 {
				t.Fatalf("%d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("%s %s: %s (%q), want %s containing %q", id, tc.name, r.Status, r.Reason, tc.want, tc.reason)
			}
			if r.Resource.ARN != bucketARN || r.Resource.Type != "AwsS3Bucket" || r.Resource.Account != owner || r.Resource.Region != "eu-west-1" {
				t.Errorf("resource = %+v", r.Resource)
			}
		})
	}
}

func TestControlsAreWellFormed(t *testing.T) {
	want := map[string]control.Severity{
		"S3.1": control.Medium, "S3.2": control.Critical, "S3.3": control.Critical, "S3.5": control.Medium,
		"S3.6": control.High, "S3.8": control.High, "S3.9": control.Medium, "S3.12": control.Medium,
		"S3.17": control.Medium, "S3.19": control.Critical, "S3.20": control.Low, "S3.14": control.Low,
		"S3.13":        control.Low,
		"CloudTrail.6": control.Critical, "CloudTrail.7": control.Low,
	}
	cs := s3control.Controls()
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		sev, ok := want[c.ID]
		if !ok {
			t.Errorf("unexpected control %s", c.ID)
			continue
		}
		delete(want, c.ID)
		if c.Severity != sev || !c.Global || len(c.WellArchitected) == 0 || !strings.Contains(c.Remediation, "CLI: ") && !strings.Contains(c.Remediation, "aws s3") {
			t.Errorf("%s: severity %s (want %s), global %v, WA %v, remediation %q", c.ID, c.Severity, sev, c.Global, c.WellArchitected, c.Remediation)
		}
		if !contains(c.Needs, "s3") {
			t.Errorf("%s: needs %v", c.ID, c.Needs)
		}
	}
	for id := range want {
		t.Errorf("missing control %s", id)
	}
}

func TestAccountBlockPublicAccess(t *testing.T) {
	c := get(t, "S3.1")
	for _, tc := range []struct {
		name   string
		s3     *s3snap.S3
		want   control.Status
		reason string
	}{
		{"all on", &s3snap.S3{PublicAccessBlock: allBPA}, pass, "all four"},
		{"not configured", &s3snap.S3{}, fail, "not configured"},
		{"some off", &s3snap.S3{PublicAccessBlock: ignoreOnly}, fail, "BlockPublicAcls, BlockPublicPolicy, RestrictPublicBuckets"},
		{"all off", &s3snap.S3{PublicAccessBlock: &s3snap.PublicAccessBlock{}}, fail, "IgnorePublicAcls"},
		{"unread", &s3snap.S3{Errors: errs(s3snap.DetailPublicAccessBlock)}, erro, "AccessDenied"},
		{"not collected", nil, erro, "not collected"},
	} {
		a := controltest.Account("us-east-1", "eu-west-1")
		a.S3 = tc.s3
		rs := controltest.Eval(c, controltest.Snapshot(a))
		if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Reason, tc.reason) {
			t.Errorf("%s: %+v, want one %s containing %q", tc.name, rs, tc.want, tc.reason)
			continue
		}
		if m := rs[0].Resource; m.Type != "AwsAccount" || m.Region != "us-east-1" || m.ARN != "AWS::::Account:"+owner {
			t.Errorf("%s: resource %+v", tc.name, m)
		}
	}
}

func TestPublicRead(t *testing.T) {
	star := func(action, cond string) *s3snap.Policy { return policy(t, allow(`"*"`, action, cond)) }
	runBuckets(t, "S3.2", []bucketCase{
		{name: "private", b: s3snap.Bucket{}, want: pass, reason: "no policy statement or ACL grant"},
		{name: "policy open to everyone", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, "")}, want: fail, reason: `statement "S" allows s3:GetObject to everyone`},
		{name: "AWS star principal", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":["arn:aws:iam::444455556666:root","*"]}`, `"s3:Get*"`, ""))}, want: fail, reason: "s3:Get*"},
		{name: "s3 star", b: s3snap.Bucket{Policy: star(`"s3:*"`, "")}, want: fail},
		{name: "NotAction", b: s3snap.Bucket{Policy: policy(t, `{"Sid":"N","Effect":"Allow","Principal":"*","NotAction":"s3:Delete*","Resource":"*"}`)}, want: fail, reason: "s3:GetObject"},
		{name: "write only", b: s3snap.Bucket{Policy: star(`"s3:PutObject"`, "")}, want: pass},
		{name: "deny statement", b: s3snap.Bucket{Policy: policy(t, `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)}, want: pass},
		{name: "within the organization", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)}, want: pass},
		{name: "from a VPC endpoint", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}`)}, want: pass},
		{name: "source account, key in another case", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringEquals":{"AWS:SourceAccount":"111122223333"}}`)}, want: pass},
		{name: "wildcard organization", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`)}, want: fail},
		{name: "negated condition", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)}, want: fail},
		{name: "IfExists condition", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}`)}, want: fail},
		{name: "TLS only is no restriction", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"Bool":{"aws:SecureTransport":"true"}}`)}, want: fail},
		{name: "any IP", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`)}, want: fail},
		{name: "office IP", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)}, want: pass},
		{name: "a Deny outside the organization takes the public read back", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, ""),
			`{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`)}, want: pass},
		{name: "S3 says public, but a Deny takes every public grant back", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, ""),
			`{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`), PolicyPublic: ptr(true)}, want: pass},
		{name: "a Deny without TLS leaves the public read", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, ""),
			`{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}, want: fail, reason: "s3:GetObject to everyone"},
		{name: "a Deny of one action leaves the other", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `["s3:GetObject","s3:ListBucket"]`, ""),
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)}, want: fail, reason: "allows s3:ListBucket to everyone"},
		{name: "restricted by the bucket", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, ""), PublicAccessBlock: restrictOnly}, want: pass, reason: "neutralized by RestrictPublicBuckets on the bucket"},
		{name: "restricted by the account", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, "")}, account: s3snap.S3{PublicAccessBlock: restrictOnly}, want: pass, reason: "on the account"},
		{name: "BlockPublicPolicy does not neutralize an existing policy", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, ""), PublicAccessBlock: &s3snap.PublicAccessBlock{BlockPublicPolicy: true}}, want: fail},
		{name: "bucket BPA unknown", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, ""), Errors: errs(s3snap.DetailPublicAccessBlock)}, want: erro, reason: "bucket Block Public Access not read"},
		{name: "account BPA unknown", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, "")}, account: s3snap.S3{Errors: errs(s3snap.DetailPublicAccessBlock)}, want: erro, reason: "account Block Public Access not read"},
		{name: "bucket BPA unknown but account restricts", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, ""), Errors: errs(s3snap.DetailPublicAccessBlock)}, account: s3snap.S3{PublicAccessBlock: allBPA}, want: pass},
		{name: "BPA unknown, nothing public", b: s3snap.Bucket{Errors: errs(s3snap.DetailPublicAccessBlock)}, account: s3snap.S3{Errors: errs(s3snap.DetailPublicAccessBlock)}, want: pass},
		{name: "policy unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailPolicy)}, want: erro, reason: "bucket policy not read"},
		{name: "policy unknown, restricted", b: s3snap.Bucket{Errors: errs(s3snap.DetailPolicy), PublicAccessBlock: allBPA}, want: pass},
		{name: "S3 says the policy is not public", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, ""), PolicyPublic: ptr(false)}, want: pass},
		{name: "S3 says the policy is public", b: s3snap.Bucket{Policy: star(`"s3:GetObject"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`), PolicyPublic: ptr(true)}, want: fail, reason: "S3 reports the bucket policy as public"},
		{name: "public-read ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), Ownership: "ObjectWriter"}, want: fail, reason: "ACL grants READ to everyone (AllUsers)"},
		{name: "authenticated-read ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AuthenticatedUsers, "READ"))}, want: fail, reason: "AuthenticatedUsers"},
		{name: "full control ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "FULL_CONTROL"))}, want: fail},
		{name: "log delivery ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.LogDelivery, "WRITE"), group(s3snap.LogDelivery, "READ_ACP"))}, want: pass},
		{name: "public ACL ignored by the account", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ"))}, account: s3snap.S3{PublicAccessBlock: ignoreOnly}, want: pass, reason: "IgnorePublicAcls on the account"},
		{name: "public ACL, ACLs disabled", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), Ownership: "BucketOwnerEnforced"}, want: pass, reason: "BucketOwnerEnforced"},
		{name: "public ACL, restrict is not ignore", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), PublicAccessBlock: restrictOnly}, want: fail},
		{name: "ACL unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailACL)}, want: erro, reason: "bucket ACL not read"},
		{name: "ACL unknown, ACLs disabled", b: s3snap.Bucket{Errors: errs(s3snap.DetailACL), Ownership: "BucketOwnerEnforced"}, want: pass},
		{name: "public ACL, ownership unknown", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), Errors: errs(s3snap.DetailOwnership)}, want: fail},
		{name: "public and unknown: public wins", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), Errors: errs(s3snap.DetailPolicy)}, want: fail},
		{name: "region unknown", b: s3snap.Bucket{Region: "eu-west-1", Errors: errs(s3snap.DetailLocation)}, want: erro, reason: "region could not be read"},
	})
}

func TestPublicWrite(t *testing.T) {
	runBuckets(t, "S3.3", []bucketCase{
		{name: "private", b: s3snap.Bucket{}, want: pass},
		{name: "public-read-write ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ"), group(s3snap.AllUsers, "WRITE"))}, want: fail, reason: "ACL grants WRITE to everyone"},
		{name: "public-read ACL", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ"))}, want: pass},
		{name: "WRITE_ACP", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AuthenticatedUsers, "WRITE_ACP"))}, want: fail},
		{name: "policy put object", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `["s3:GetObject","s3:PutObject"]`, ""))}, want: fail, reason: "allows s3:PutObject to everyone"},
		{name: "policy everything", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"*"`, ""))}, want: fail},
		{name: "policy read only", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, ""))}, want: pass},
		{name: "account may write", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"arn:aws:iam::444455556666:root"}`, `"s3:PutObject"`, ""))}, want: pass},
		{name: "S3 says public, statement reads only", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, "")), PolicyPublic: ptr(true)}, want: pass},
		{name: "public write neutralized", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "WRITE"))}, account: s3snap.S3{PublicAccessBlock: allBPA}, want: pass, reason: "neutralized"},
	})
}

func TestTLSOnly(t *testing.T) {
	deny := func(action, resource, cond string) string {
		return `{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":` + action + `,"Resource":` + resource + `,"Condition":` + cond + `}`
	}
	both := `["arn:aws:s3:::b","arn:aws:s3:::b/*"]`
	insecure := `{"Bool":{"aws:SecureTransport":"false"}}`
	runBuckets(t, "S3.5", []bucketCase{
		{name: "deny HTTP", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, both, insecure))}, want: pass, reason: `"TLS"`},
		{name: "JSON boolean", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, both, `{"Bool":{"aws:SecureTransport":false}}`))}, want: pass},
		{name: "all actions, wildcard resource", b: s3snap.Bucket{Policy: policy(t, deny(`"*"`, `"*"`, insecure))}, want: pass},
		{name: "AWS star principal", b: s3snap.Bucket{Policy: policy(t, `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":`+both+`,"Condition":`+insecure+`}`)}, want: pass},
		{name: "no policy", b: s3snap.Bucket{}, want: fail, reason: "no bucket policy"},
		{name: "other statements only", b: s3snap.Bucket{Policy: policy(t, allow(`{"Service":"cloudtrail.amazonaws.com"}`, `"s3:PutObject"`, ""))}, want: fail},
		{name: "bucket only, not objects", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, `"arn:aws:s3:::b"`, insecure))}, want: fail, reason: "not on both"},
		{name: "bucket and objects in two statements", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, `"arn:aws:s3:::b"`, insecure), deny(`"s3:*"`, `"arn:aws:s3:::b/*"`, insecure))}, want: pass},
		{name: "one action", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:GetObject"`, both, insecure))}, want: fail},
		{name: "denies TLS instead", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, both, `{"Bool":{"aws:SecureTransport":"true"}}`))}, want: fail},
		{name: "only from some IPs", b: s3snap.Bucket{Policy: policy(t, deny(`"s3:*"`, both, `{"Bool":{"aws:SecureTransport":"false"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`))}, want: fail},
		{name: "allow with TLS", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:GetObject"`, `{"Bool":{"aws:SecureTransport":"true"}}`))}, want: fail},
		{name: "policy unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailPolicy)}, want: erro, reason: "policy could not be read"},
	})
}

func TestCrossAccountActions(t *testing.T) {
	runBuckets(t, "S3.6", []bucketCase{
		{name: "no policy", b: s3snap.Bucket{}, want: pass},
		{name: "other account reads", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"arn:aws:iam::444455556666:root"}`, `["s3:GetObject","s3:ListBucket"]`, ""))}, want: pass},
		{name: "other account sets object ACLs", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"arn:aws:iam::444455556666:root"}`, `["s3:PutObject","s3:PutObjectAcl"]`, ""))}, want: fail, reason: "account 444455556666 s3:PutObjectAcl"},
		{name: "account ID principal, Put wildcard", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"444455556666"}`, `"s3:Put*"`, ""))}, want: fail, reason: "s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl"},
		{name: "role of another account", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"arn:aws:iam::444455556666:role/deployer"}`, `"s3:DeleteBucketPolicy"`, ""))}, want: fail},
		{name: "own account", b: s3snap.Bucket{Policy: policy(t, allow(`{"AWS":"arn:aws:iam::111122223333:role/admin"}`, `"s3:*"`, ""))}, want: pass},
		{name: "everyone", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:*"`, ""))}, want: fail, reason: "everyone"},
		{name: "everyone in the own account", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:*"`, `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`))}, want: pass},
		{name: "everyone in the organization", b: s3snap.Bucket{Policy: policy(t, allow(`"*"`, `"s3:PutObjectAcl"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: fail},
		{name: "NotAction", b: s3snap.Bucket{Policy: policy(t, `{"Sid":"N","Effect":"Allow","Principal":{"AWS":"444455556666"},"NotAction":"s3:Get*","Resource":"*"}`)}, want: fail},
		{name: "service principal", b: s3snap.Bucket{Policy: policy(t, allow(`{"Service":"logging.s3.amazonaws.com"}`, `"s3:PutObjectAcl"`, ""))}, want: pass},
		{name: "deny to another account", b: s3snap.Bucket{Policy: policy(t, `{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"*"}`)}, want: pass},
		{name: "policy unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailPolicy)}, want: erro},
	})
}

func TestBucketBlockPublicAccess(t *testing.T) {
	runBuckets(t, "S3.8", []bucketCase{
		{name: "all on", b: s3snap.Bucket{PublicAccessBlock: allBPA}, want: pass},
		{name: "none", b: s3snap.Bucket{}, account: s3snap.S3{PublicAccessBlock: allBPA}, want: fail, reason: "no bucket-level"},
		{name: "some off", b: s3snap.Bucket{PublicAccessBlock: &s3snap.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true}}, want: fail, reason: "BlockPublicPolicy, RestrictPublicBuckets"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailPublicAccessBlock)}, want: erro, reason: "public access block could not be read"},
	})
}

func TestAccessLogging(t *testing.T) {
	runBuckets(t, "S3.9", []bucketCase{
		{name: "enabled", b: s3snap.Bucket{Logging: &s3snap.Logging{TargetBucket: "logs", TargetPrefix: "b/"}}, want: pass, reason: "logs/b/"},
		{name: "disabled", b: s3snap.Bucket{}, want: fail, reason: "disabled"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailLogging)}, want: erro},
	})
}

func TestNoACLs(t *testing.T) {
	runBuckets(t, "S3.12", []bucketCase{
		{name: "ACLs disabled", b: s3snap.Bucket{Ownership: "BucketOwnerEnforced"}, want: pass},
		{name: "ACLs disabled, ACL unknown", b: s3snap.Bucket{Ownership: "BucketOwnerEnforced", Errors: errs(s3snap.DetailACL)}, want: pass},
		{name: "owner only", b: s3snap.Bucket{Ownership: "ObjectWriter"}, want: pass, reason: "owner only"},
		{name: "owner only, no ownership controls", b: s3snap.Bucket{}, want: pass, reason: "not configured"},
		{name: "owner only, ownership unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailOwnership)}, want: pass},
		{name: "log delivery", b: s3snap.Bucket{ACL: aclWith(group(s3snap.LogDelivery, "WRITE"))}, want: fail, reason: "WRITE to LogDelivery"},
		{name: "another canonical user", b: s3snap.Bucket{Ownership: "BucketOwnerPreferred", ACL: aclWith(s3snap.Grant{Type: s3snap.GranteeCanonicalUser, ID: "0123456789abcdef0123", Permission: "READ"})}, want: fail, reason: "canonical user 0123456789ab"},
		{name: "public", b: s3snap.Bucket{ACL: aclWith(group(s3snap.AllUsers, "READ")), Errors: errs(s3snap.DetailOwnership)}, want: fail, reason: "not read"},
		{name: "ACL unknown", b: s3snap.Bucket{Ownership: "ObjectWriter", Errors: errs(s3snap.DetailACL)}, want: erro},
	})
}

func TestKMSEncryption(t *testing.T) {
	runBuckets(t, "S3.17", []bucketCase{
		{name: "SSE-KMS", b: s3snap.Bucket{Encryption: &s3snap.Encryption{Algorithm: "aws:kms", KMSKeyID: "arn:aws:kms:eu-west-1:111122223333:key/k"}}, want: pass, reason: "key/k"},
		{name: "SSE-KMS, managed key", b: s3snap.Bucket{Encryption: &s3snap.Encryption{Algorithm: "aws:kms"}}, want: pass, reason: "aws/s3"},
		{name: "DSSE-KMS", b: s3snap.Bucket{Encryption: &s3snap.Encryption{Algorithm: "aws:kms:dsse"}}, want: pass},
		{name: "SSE-S3", b: s3snap.Bucket{Encryption: &s3snap.Encryption{Algorithm: "AES256"}}, want: fail, reason: "SSE-S3"},
		{name: "none", b: s3snap.Bucket{}, want: fail, reason: "no default encryption"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailEncryption)}, want: erro},
	})
}

func TestMFADelete(t *testing.T) {
	runBuckets(t, "S3.20", []bucketCase{
		{name: "enabled", b: s3snap.Bucket{Versioning: "Enabled", MFADelete: "Enabled"}, want: pass},
		{name: "disabled", b: s3snap.Bucket{Versioning: "Enabled", MFADelete: "Disabled"}, want: fail, reason: "MFA delete is not enabled"},
		{name: "suspended", b: s3snap.Bucket{Versioning: "Suspended"}, want: fail, reason: "suspended"},
		{name: "never versioned", b: s3snap.Bucket{}, want: fail, reason: "never enabled"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailVersioning)}, want: erro},
		// S3 refuses MFA delete beside a lifecycle configuration: no finding in Security Hub.
		{name: "lifecycle configured", b: s3snap.Bucket{Versioning: "Enabled", Lifecycle: []s3snap.LifecycleRule{{ID: "x", Enabled: true}}}, want: na, reason: "lifecycle configuration"},
		{name: "lifecycle unknown", b: s3snap.Bucket{Versioning: "Enabled", Errors: errs(s3snap.DetailLifecycle)}, want: erro},
	})
}

func TestLifecycle(t *testing.T) {
	runBuckets(t, "S3.13", []bucketCase{
		{name: "enabled rule", b: s3snap.Bucket{Lifecycle: []s3snap.LifecycleRule{{ID: "off"}, {ID: "expire", Enabled: true}}}, want: pass, reason: "1 enabled"},
		{name: "rules all disabled", b: s3snap.Bucket{Lifecycle: []s3snap.LifecycleRule{{ID: "off"}}}, want: fail, reason: "disabled"},
		{name: "none", b: s3snap.Bucket{}, want: fail, reason: "no lifecycle configuration"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailLifecycle)}, want: erro, reason: "lifecycle"},
	})
}

func TestVersioning(t *testing.T) {
	runBuckets(t, "S3.14", []bucketCase{
		{name: "enabled", b: s3snap.Bucket{Versioning: "Enabled"}, want: pass},
		{name: "suspended", b: s3snap.Bucket{Versioning: "Suspended"}, want: fail, reason: "versioning is suspended"},
		{name: "never versioned", b: s3snap.Bucket{}, want: fail, reason: "never enabled"},
		{name: "unknown", b: s3snap.Bucket{Errors: errs(s3snap.DetailVersioning)}, want: erro},
	})
}

// Bucket controls judge nothing when there is no bucket, and report a
// collection gap as ERROR.
func TestNoBucketsAndGaps(t *testing.T) {
	for _, c := range s3control.Controls() {
		if c.ID == "S3.1" || c.Service != "S3" {
			continue
		}
		a := controltest.Account("us-east-1")
		a.S3 = &s3snap.S3{PublicAccessBlock: allBPA}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no bucket: %+v", c.ID, rs)
		}
	}
	for _, c := range s3control.Controls() {
		a := controltest.Account("us-east-1")
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "s3"}, Class: "access denied", Reason: "list buckets: AccessDenied"})
		rs := controltest.Eval(c, s)
		if len(rs) != 1 || rs[0].Status != erro || !strings.Contains(rs[0].Reason, "list buckets") {
			t.Errorf("%s with an s3 gap: %+v", c.ID, rs)
		}
	}
}

func TestAccessPointBlockPublicAccess(t *testing.T) {
	c := get(t, "S3.19")
	a := controltest.Account("us-east-1", "eu-west-1", "us-west-2")
	ap := func(name, region string, p *s3snap.PublicAccessBlock, errs map[string]string) s3snap.AccessPoint {
		return s3snap.AccessPoint{Name: name, Region: region, Bucket: "b", ARN: "arn:aws:s3:" + region + ":" + owner + ":accesspoint/" + name,
			PublicAccessBlock: p, Errors: errs}
	}
	a.S3 = &s3snap.S3{
		AccessPointRegions: []string{"us-east-1", "eu-west-1"},
		AccessPoints: []s3snap.AccessPoint{
			ap("good", "us-east-1", allBPA, nil),
			ap("open", "eu-west-1", &s3snap.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true}, nil),
			ap("unread", "eu-west-1", nil, errs(s3snap.DetailPublicAccessBlock)),
		},
		Errors: map[string]string{s3snap.DetailAccessPoints + "us-west-2": "AccessDenied: denied"},
	}
	rs := controltest.Eval(c, controltest.Snapshot(a))
	got := controltest.Statuses(t, rs)
	want := map[string]control.Status{
		"arn:aws:s3:us-east-1:" + owner + ":accesspoint/good":   pass,
		"arn:aws:s3:eu-west-1:" + owner + ":accesspoint/open":   fail,
		"arn:aws:s3:eu-west-1:" + owner + ":accesspoint/unread": erro,
		"AWS::::Account:" + owner + "@us-west-2":                erro,
	}
	if len(got) != len(want) {
		t.Errorf("results = %v", got)
	}
	for k, s := range want {
		if got[k] != s {
			t.Errorf("%s: %s, want %s", k, got[k], s)
		}
	}
	for _, r := range rs {
		if r.Resource.Name == "open" && (r.Resource.Region != "eu-west-1" || r.Resource.Type != "AwsS3AccessPoint" || !strings.Contains(r.Reason, "BlockPublicPolicy, RestrictPublicBuckets")) {
			t.Errorf("open access point: %+v", r)
		}
	}
	// No access point: nothing to judge.
	a.S3 = &s3snap.S3{AccessPointRegions: []string{"us-east-1"}}
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
		t.Errorf("no access points: %+v", rs)
	}
}

func ptr[T any](v T) *T { return &v }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
