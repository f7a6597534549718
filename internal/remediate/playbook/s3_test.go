package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3controlapi "github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	controls3 "github.com/guardrail-sec/guardrail/internal/control/s3"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	s3sim "github.com/guardrail-sec/guardrail/internal/sim/svc/s3"
)

// The grantees of the ACLs the cases write.
const (
	s3AllUsers    = "http://acs.amazonaws.com/groups/global/AllUsers"
	s3AuthUsers   = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	s3LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// s3Account is the member account as S3.1 reports it.
const s3Account = "AWS::::Account:" + simtest.Member

// s3Bucket creates bucket name in cfg's region, as an old bucket was:
// no Block Public Access and, with ownership set, ACLs enabled; then
// each step changes it.
func s3Bucket(name, ownership string, steps ...func(t *testing.T, c *s3api.Client, b *string)) func(*testing.T, aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		t.Helper()
		ctx := context.Background()
		c := s3api.NewFromConfig(cfg)
		b := aws.String(name)
		in := &s3api.CreateBucketInput{Bucket: b}
		if cfg.Region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}
		}
		if _, err := c.CreateBucket(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
			t.Fatal(err)
		}
		switch ownership {
		case "":
		case "none":
			if _, err := c.DeleteBucketOwnershipControls(ctx, &s3api.DeleteBucketOwnershipControlsInput{Bucket: b}); err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := c.PutBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(ownership)}}}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range steps {
			s(t, c, b)
		}
		return playbook.Resource{ARN: "arn:aws:s3:::" + name, Type: "AwsS3Bucket", Name: name}
	}
}

// s3Grants writes the bucket ACL: the owner's full control, then g.
func s3Grants(g ...s3types.Grant) func(*testing.T, *s3api.Client, *string) {
	return func(t *testing.T, c *s3api.Client, b *string) {
		t.Helper()
		owner := aws.String(s3sim.CanonicalID(simtest.Member))
		grants := append([]s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: owner}, Permission: s3types.PermissionFullControl}}, g...)
		if _, err := c.PutBucketAcl(context.Background(), &s3api.PutBucketAclInput{Bucket: b,
			AccessControlPolicy: &s3types.AccessControlPolicy{Owner: &s3types.Owner{ID: owner}, Grants: grants}}); err != nil {
			t.Fatal(err)
		}
	}
}

func s3Group(uri string, p s3types.Permission) s3types.Grant {
	return s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(uri)}, Permission: p}
}

func s3Policy(doc string) func(*testing.T, *s3api.Client, *string) {
	return func(t *testing.T, c *s3api.Client, b *string) {
		t.Helper()
		if _, err := c.PutBucketPolicy(context.Background(), &s3api.PutBucketPolicyInput{Bucket: b, Policy: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
}

func s3BucketPAB(p s3types.PublicAccessBlockConfiguration) func(*testing.T, *s3api.Client, *string) {
	return func(t *testing.T, c *s3api.Client, b *string) {
		t.Helper()
		if _, err := c.PutPublicAccessBlock(context.Background(), &s3api.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &p}); err != nil {
			t.Fatal(err)
		}
	}
}

func s3AccountPAB(t *testing.T, cfg aws.Config, p s3controltypes.PublicAccessBlockConfiguration) {
	t.Helper()
	if _, err := s3controlapi.NewFromConfig(cfg).PutPublicAccessBlock(context.Background(), &s3controlapi.PutPublicAccessBlockInput{
		AccountId: aws.String(simtest.Member), PublicAccessBlockConfiguration: &p}); err != nil {
		t.Fatal(err)
	}
}

// s3PublicRead is a policy statement open to everyone.
func s3PublicRead(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

// s3PartnerPolicy is a policy as people write it: indented, a single
// statement object (s3PartnerStatement), a numeric condition.
const s3PartnerPolicy = `{
  "Version": "2012-10-17",
  "Id": "partner-access",
  "Statement": ` + s3PartnerStatement + `
}`

const s3PartnerStatement = `{
    "Sid": "PartnerRead",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::partner-share", "arn:aws:s3:::partner-share/*"],
    "Condition": {"NumericLessThan": {"s3:max-keys": 1000}}
  }`

func s3Cases() []roundTrip {
	account := func(*testing.T, aws.Config) playbook.Resource {
		return playbook.Resource{ARN: s3Account, Type: "AwsAccount"}
	}
	return []roundTrip{
		// The account never had Block Public Access: rollback deletes it.
		{control: "S3.1", setup: account},
		{name: "S3.1/partial", control: "S3.1", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			s3AccountPAB(t, cfg, s3controltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)})
			return account(t, cfg)
		}},
		// A bucket outside us-east-1: the client must be in its region.
		{control: "S3.8", region: "eu-west-1", setup: s3Bucket("eu-data", "")},
		{name: "S3.8/partial", control: "S3.8", setup: s3Bucket("half-blocked", "",
			s3BucketPAB(s3types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}))},

		{control: "S3.5", setup: s3Bucket("partner-share", "", s3Policy(s3PartnerPolicy))},
		// No policy: the fix creates one, rollback deletes it.
		{name: "S3.5/no-policy", control: "S3.5", region: "eu-west-1", setup: s3Bucket("eu-no-policy", "")},
		// Public and blocked: S3 would refuse the merged policy.
		{name: "S3.5/public-blocked", control: "S3.5", skip: "BlockPublicPolicy is on for the account",
			setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				res := s3Bucket("public-share", "", s3Policy(s3PublicRead("public-share")))(t, cfg)
				s3AccountPAB(t, cfg, s3controltypes.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)})
				return res
			}},

		// Public read by ACL among other grants: only AllUsers READ and
		// AuthenticatedUsers READ_ACP go; the public WRITE is S3.3's.
		{control: "S3.2", setup: s3Bucket("legacy-site", "ObjectWriter", s3Grants(
			s3Group(s3AllUsers, s3types.PermissionRead),
			s3Group(s3LogDelivery, s3types.PermissionWrite),
			s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String(s3sim.CanonicalID(simtest.Management))}, Permission: s3types.PermissionRead},
			s3Group(s3AuthUsers, s3types.PermissionReadAcp),
			s3Group(s3AllUsers, s3types.PermissionWrite),
		))},
		// Public through its policy too: removing the ACL grant would not do.
		{name: "S3.2/public-policy", control: "S3.2", skip: `bucket policy statement "PublicRead" allows s3:GetObject to everyone`,
			setup: s3Bucket("open-site", "ObjectWriter", s3Grants(s3Group(s3AllUsers, s3types.PermissionRead)), s3Policy(s3PublicRead("open-site")))},
		// Public read by policy, public write by ACL: S3.3 fixes the ACL.
		{control: "S3.3", region: "eu-west-1", setup: s3Bucket("uploads", "BucketOwnerPreferred",
			s3Grants(s3Group(s3AllUsers, s3types.PermissionRead), s3Group(s3AllUsers, s3types.PermissionWrite), s3Group(s3AuthUsers, s3types.PermissionFullControl)),
			s3Policy(s3PublicRead("uploads")))},

		{control: "S3.12", setup: s3Bucket("vendor-logs", "ObjectWriter", s3Grants(s3Group(s3AuthUsers, s3types.PermissionRead)))},
		// No ownership controls at all: rollback deletes them again.
		{name: "S3.12/no-ownership", control: "S3.12", setup: s3Bucket("ancient", "none",
			s3Grants(s3Group(s3AllUsers, s3types.PermissionRead), s3Group(s3AllUsers, s3types.PermissionWrite)))},
		{name: "S3.12/log-delivery", control: "S3.12", skip: "WRITE to LogDelivery",
			setup: s3Bucket("access-logs", "ObjectWriter", s3Grants(s3Group(s3LogDelivery, s3types.PermissionWrite), s3Group(s3AllUsers, s3types.PermissionRead)))},
	}
}

// s3Env is where the unit tests act: a bucket of the member account.
func s3Env(bucket string) playbook.Env {
	return playbook.Env{Account: simtest.Member, Region: "us-east-1", Now: simtest.Now,
		Resource: playbook.Resource{ARN: "arn:aws:s3:::" + bucket, Type: "AwsS3Bucket", Name: bucket}}
}

// s3FixCase is one Fix of a playbook over a JSON state: want is the state
// it gives (cur itself when empty), or skip what its skip says.
type s3FixCase struct {
	name, cur, want, skip string
}

func s3RunFix(t *testing.T, id string, env playbook.Env, cases []s3FixCase) {
	t.Helper()
	p := playbook.ByControl(id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Fix(env, json.RawMessage(tc.cur))
			if tc.skip != "" {
				if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), tc.skip) {
					t.Fatalf("Fix = %s, %v; want a skip saying %q", got, err, tc.skip)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fix: %v", err)
			}
			want := tc.want
			if want == "" {
				want = tc.cur
			}
			if !jsonEqual(got, json.RawMessage(want)) {
				t.Errorf("Fix =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestS3FixBlockPublicAccess(t *testing.T) {
	const on = `{"exists":true,"block_public_acls":true,"ignore_public_acls":true,"block_public_policy":true,"restrict_public_buckets":true}`
	cases := []s3FixCase{
		{name: "none", cur: `{"exists":false,"block_public_acls":false,"ignore_public_acls":false,"block_public_policy":false,"restrict_public_buckets":false}`, want: on},
		{name: "partial", cur: `{"exists":true,"block_public_acls":true,"ignore_public_acls":false,"block_public_policy":true,"restrict_public_buckets":false}`, want: on},
		{name: "all on", cur: on},
	}
	s3RunFix(t, "S3.1", playbook.Env{Account: simtest.Member, Region: "us-east-1", Resource: playbook.Resource{ARN: s3Account}}, cases)
	s3RunFix(t, "S3.8", s3Env("b"), cases)
}

// s3ACL writes an ACL state of owner "o" with the grants given as
// "type:grantee:permission".
func s3ACL(extra string, grants ...string) string {
	var gs []string
	for _, g := range grants {
		f := strings.SplitN(g, ":", 3)
		key := map[string]string{"CanonicalUser": "id", "Group": "uri", "AmazonCustomerByEmail": "email"}[f[0]]
		who := f[1]
		switch who {
		case "AllUsers":
			who = s3AllUsers
		case "AuthenticatedUsers":
			who = s3AuthUsers
		case "LogDelivery":
			who = s3LogDelivery
		}
		gs = append(gs, `{"type":"`+f[0]+`","`+key+`":"`+who+`","permission":"`+f[2]+`"}`)
	}
	s := `{"owner":"o","grants":[` + strings.Join(gs, ",") + `]`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func TestS3FixPublicACL(t *testing.T) {
	const owner = "CanonicalUser:o:FULL_CONTROL"
	s3RunFix(t, "S3.2", s3Env("b"), []s3FixCase{
		{name: "read grants go, the rest stay in order",
			cur: s3ACL("", owner, "Group:AllUsers:READ", "Group:LogDelivery:WRITE", "CanonicalUser:partner:READ", "Group:AuthenticatedUsers:READ_ACP",
				"Group:AllUsers:WRITE", "AmazonCustomerByEmail:a@example.com:READ"),
			want: s3ACL("", owner, "Group:LogDelivery:WRITE", "CanonicalUser:partner:READ", "Group:AllUsers:WRITE", "AmazonCustomerByEmail:a@example.com:READ")},
		{name: "full control goes whole", cur: s3ACL("", owner, "Group:AuthenticatedUsers:FULL_CONTROL"), want: s3ACL("", owner)},
		{name: "no public read grant", cur: s3ACL("", owner, "Group:AllUsers:WRITE", "Group:LogDelivery:READ_ACP")},
		{name: "ignored by Block Public Access", cur: s3ACL(`"acl_ignored":"IgnorePublicAcls is on for the account"`, owner, "Group:AllUsers:READ")},
		{name: "public through the policy", skip: `publicly readable: bucket policy statement "PublicRead"`,
			cur: s3ACL(`"public_otherwise":"publicly readable: bucket policy statement \"PublicRead\" allows s3:GetObject to everyone"`, owner, "Group:AllUsers:READ")},
		{name: "public through the policy only", skip: "remove or narrow that policy statement",
			cur: s3ACL(`"public_otherwise":"publicly readable: bucket policy statement \"PublicRead\" allows s3:GetObject to everyone"`, owner)},
	})
	s3RunFix(t, "S3.3", s3Env("b"), []s3FixCase{
		{name: "write grants go", cur: s3ACL("", owner, "Group:AllUsers:READ", "Group:AllUsers:WRITE", "Group:AuthenticatedUsers:WRITE_ACP", "Group:LogDelivery:WRITE"),
			want: s3ACL("", owner, "Group:AllUsers:READ", "Group:LogDelivery:WRITE")},
		{name: "full control goes whole", cur: s3ACL("", owner, "Group:AllUsers:FULL_CONTROL", "CanonicalUser:partner:FULL_CONTROL"),
			want: s3ACL("", owner, "CanonicalUser:partner:FULL_CONTROL")},
		{name: "no public write grant", cur: s3ACL("", owner, "Group:AllUsers:READ")},
	})
}

func TestS3FixACLsDisabled(t *testing.T) {
	const owner = "CanonicalUser:o:FULL_CONTROL"
	with := func(ownership, a string) string {
		return `{"ownership":"` + ownership + `",` + strings.TrimPrefix(a, "{")
	}
	enforced := with("BucketOwnerEnforced", s3ACL("", owner))
	s3RunFix(t, "S3.12", s3Env("b"), []s3FixCase{
		{name: "public grants", cur: with("ObjectWriter", s3ACL("", owner, "Group:AllUsers:READ", "Group:AuthenticatedUsers:WRITE")), want: enforced},
		{name: "no ownership controls", cur: with("", s3ACL("", owner, "Group:AuthenticatedUsers:READ")), want: enforced},
		// The owner's other grants collapse into full control: what S3 keeps.
		{name: "owner grants", cur: with("BucketOwnerPreferred", s3ACL("", "CanonicalUser:o:READ", "CanonicalUser:o:WRITE", "Group:AllUsers:READ")), want: enforced},
		{name: "owner only", cur: with("ObjectWriter", s3ACL("", owner))},
		{name: "already disabled", cur: enforced},
		{name: "log delivery", skip: "WRITE to LogDelivery, READ_ACP to LogDelivery", cur: with("ObjectWriter", s3ACL("", owner,
			"Group:LogDelivery:WRITE", "Group:LogDelivery:READ_ACP", "Group:AllUsers:READ"))},
		{name: "another account", skip: "READ to canonical user partner", cur: with("ObjectWriter", s3ACL("", owner, "CanonicalUser:partner:READ"))},
		{name: "by email", skip: "FULL_CONTROL to a@example.com", cur: with("", s3ACL("", owner, "AmazonCustomerByEmail:a@example.com:FULL_CONTROL"))},
	})
}

func TestS3FixTLSOnly(t *testing.T) {
	const bucket = "b"
	const tls = `{"Sid":"GuardrailDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	state := func(policy, extra string) string {
		p, _ := json.Marshal(policy)
		s := `{"policy":` + string(p)
		if extra != "" {
			s += "," + extra
		}
		return s + "}"
	}
	allow := `{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
	// A statement written with spacing, a number and an escaped character:
	// it must come back exactly as written.
	odd := `{ "Sid" : "Odd\u0041",  "Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::b",
	  "Condition":{"NumericLessThanEquals":{"s3:max-keys":10.50}} }`
	ownDeny := `{"Sid":"TLSOnly","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	brokenOurs := strings.Replace(tls, `"s3:*"`, `"s3:GetObject"`, 1)
	s3RunFix(t, "S3.5", s3Env(bucket), []s3FixCase{
		{name: "no policy", cur: state("", ""), want: state(`{"Version":"2012-10-17","Statement":[`+tls+`]}`, "")},
		{name: "list kept", cur: state(`{"Version":"2012-10-17","Statement":[`+allow+`,`+odd+`]}`, ""),
			want: state(`{"Version":"2012-10-17","Statement":[`+allow+`,`+odd+`,`+tls+`]}`, "")},
		{name: "one statement, members in order", cur: state(`{"Statement":`+allow+`, "Id":"x","Version":"2012-10-17"}`, ""),
			want: state(`{"Statement":[`+allow+`,`+tls+`],"Id":"x","Version":"2012-10-17"}`, "")},
		{name: "public, not blocked", cur: state(`{"Version":"2012-10-17","Statement":[`+s3PublicReadStmt+`]}`, `"public":true`),
			want: state(`{"Version":"2012-10-17","Statement":[`+s3PublicReadStmt+`,`+tls+`]}`, `"public":true`)},
		{name: "already denies under another Sid", cur: state(`{"Version":"2012-10-17","Statement":[`+allow+`,`+ownDeny+`]}`, "")},
		{name: "already has ours", cur: state(`{"Version":"2012-10-17","Statement":[`+tls+`]}`, "")},
		{name: "ours, changed by hand", skip: "already has a statement GuardrailDenyInsecureTransport",
			cur: state(`{"Version":"2012-10-17","Statement":[`+brokenOurs+`]}`, "")},
		{name: "public and blocked", skip: "BlockPublicPolicy is on for the bucket",
			cur: state(`{"Version":"2012-10-17","Statement":[`+s3PublicReadStmt+`]}`, `"public":true,"public_blocked":"the bucket"`)},
		{name: "not JSON S3.5 can read", skip: "S3.5 cannot judge", cur: state(`{"Statement":[{"Effect":"Allow","Principal":"someone"}]}`, "")},
	})
}

const s3PublicReadStmt = `{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`

// TestS3TLSOnlyKeepsStatements checks the merge on the document itself:
// every statement of the owner's policy is in the new one byte for byte.
func TestS3TLSOnlyKeepsStatements(t *testing.T) {
	p := playbook.ByControl("S3.5")
	cur, _ := json.Marshal(map[string]string{"policy": s3PartnerPolicy})
	got, err := p.Fix(s3Env("partner-share"), cur)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Policy string }
	if err := json.Unmarshal(got, &st); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Policy, s3PartnerStatement) || !strings.Contains(st.Policy, `"Id":"partner-access"`) {
		t.Errorf("merged policy lost the owner's statement as written:\n%s", st.Policy)
	}
}

// s3IAMAction is the IAM action each S3 call of the playbooks needs
// (service ID/operation), as the S3 API reference states it: deleting a
// Block Public Access configuration or the ownership controls needs the
// Put action.
var s3IAMAction = map[string]string{
	"S3/GetPublicAccessBlock":            "s3:GetBucketPublicAccessBlock",
	"S3/PutPublicAccessBlock":            "s3:PutBucketPublicAccessBlock",
	"S3/DeletePublicAccessBlock":         "s3:PutBucketPublicAccessBlock",
	"S3 Control/GetPublicAccessBlock":    "s3:GetAccountPublicAccessBlock",
	"S3 Control/PutPublicAccessBlock":    "s3:PutAccountPublicAccessBlock",
	"S3 Control/DeletePublicAccessBlock": "s3:PutAccountPublicAccessBlock",
	"S3/GetBucketAcl":                    "s3:GetBucketAcl",
	"S3/PutBucketAcl":                    "s3:PutBucketAcl",
	"S3/GetBucketPolicy":                 "s3:GetBucketPolicy",
	"S3/GetBucketPolicyStatus":           "s3:GetBucketPolicyStatus",
	"S3/PutBucketPolicy":                 "s3:PutBucketPolicy",
	"S3/DeleteBucketPolicy":              "s3:DeleteBucketPolicy",
	"S3/GetBucketOwnershipControls":      "s3:GetBucketOwnershipControls",
	"S3/PutBucketOwnershipControls":      "s3:PutBucketOwnershipControls",
	"S3/DeleteBucketOwnershipControls":   "s3:PutBucketOwnershipControls",
}

// s3Calls records the IAM actions of the calls made through the configs
// it instruments.
type s3Calls struct {
	mu      sync.Mutex
	actions map[string]bool
}

func (r *s3Calls) instrument(cfg aws.Config) aws.Config {
	out := cfg.Copy()
	out.APIOptions = append(out.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("s3test.record",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				op := awsmiddleware.GetServiceID(ctx) + "/" + awsmiddleware.GetOperationName(ctx)
				a, ok := s3IAMAction[op]
				if !ok {
					a = "unknown IAM action of " + op
				}
				r.mu.Lock()
				r.actions[a] = true
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return out
}

// TestS3Actions runs the playbook of every S3 case (Read, then for a fix
// Fix, Set and Set back) through a client that records the IAM action of
// each call: every call must be one of the playbook's Actions, and every
// declared action must be called by some case.
func TestS3Actions(t *testing.T) {
	ctx := context.Background()
	used := map[string]map[string]bool{}
	for _, tc := range s3Cases() {
		region := tc.region
		if region == "" {
			region = "us-east-1"
		}
		sim := simtest.Start(t, simtest.NewWorld())
		cfg := sim.Config(t, simtest.Member, region)
		res := tc.setup(t, cfg)
		rec := &s3Calls{actions: map[string]bool{}}
		p := playbook.ByControl(tc.control)
		env := playbook.Env{Config: rec.instrument(cfg), Account: simtest.Member, Region: region, Resource: res, Now: simtest.Now}
		cur, err := p.Read(ctx, env)
		if err != nil {
			t.Fatalf("%s: Read: %v", tc.control, err)
		}
		if want, err := p.Fix(env, cur); err == nil {
			if err := p.Set(ctx, env, cur, want); err != nil {
				t.Fatalf("%s: Set: %v", tc.control, err)
			}
			if err := p.Set(ctx, env, want, cur); err != nil {
				t.Fatalf("%s: Set back: %v", tc.control, err)
			}
		}
		if used[tc.control] == nil {
			used[tc.control] = map[string]bool{}
		}
		declared := map[string]bool{}
		for _, a := range p.Info().Actions {
			declared[a] = true
		}
		for a := range rec.actions {
			used[tc.control][a] = true
			if !declared[a] {
				t.Errorf("%s (%s) calls %s, not in its Actions", tc.control, p.Info().Name, a)
			}
		}
	}
	for id, acts := range used {
		for _, a := range playbook.ByControl(id).Info().Actions {
			if !acts[a] {
				t.Errorf("%s declares %s, which no case calls", id, a)
			}
		}
	}
}

// TestS3BucketGone: a bucket deleted since the finding is skipped, saying
// so; one found in another region is an error.
func TestS3BucketGone(t *testing.T) {
	sim := simtest.Start(t, simtest.NewWorld())
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	res := s3Bucket("short-lived", "")(t, cfg)
	if _, err := s3api.NewFromConfig(cfg).DeleteBucket(context.Background(), &s3api.DeleteBucketInput{Bucket: aws.String("short-lived")}); err != nil {
		t.Fatal(err)
	}
	env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: res, Now: simtest.Now}
	for _, id := range []string{"S3.2", "S3.3", "S3.5", "S3.8", "S3.12"} {
		_, err := playbook.ByControl(id).Read(context.Background(), env)
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "bucket short-lived no longer exists") {
			t.Errorf("%s: Read = %v, want a skip saying the bucket no longer exists", id, err)
		}
	}
	// A bucket of another region than the finding's: an error that says so.
	s3Bucket("elsewhere", "")(t, sim.Config(t, simtest.Member, "eu-west-1"))
	env.Resource = playbook.Resource{ARN: "arn:aws:s3:::elsewhere"}
	_, err := playbook.ByControl("S3.8").Read(context.Background(), env)
	if err == nil || errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "not in the finding's region") {
		t.Errorf("S3.8 on a bucket of another region: Read = %v", err)
	}
}

// TestS3DemoApplyRollback applies every S3 playbook to the demo
// organization's failing resources, account by account, with Block
// Public Access (S3.8, then S3.1) last, then rolls back in reverse
// order: every S3 result must come back as it was. Block Public Access
// goes last because S3 refuses to put a public ACL or policy back while
// it is on: rolled back first, it lets the others restore theirs.
func TestS3DemoApplyRollback(t *testing.T) {
	ctx := context.Background()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	order := []string{"S3.12", "S3.2", "S3.3", "S3.5", "S3.8", "S3.1"}
	var cs []*control.Control
	for _, id := range order {
		cs = append(cs, s3Control(t, id))
	}
	assess := func(acct string) map[string]control.Status {
		rs, err := scan.Assess(ctx, sim.Config(t, acct, "us-east-1"), acct, "us-east-1", []string{"us-east-1"}, cs, registry.All(), simtest.Now)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]control.Status{}
		for _, r := range rs {
			out[r.Control+" "+r.Resource.ARN+" "+r.Resource.Region] = r.Status
		}
		return out
	}
	rank := func(key string) int { return slices.Index(order, strings.Fields(key)[0]) }
	type change struct {
		key      string
		p        playbook.Playbook
		env      playbook.Env
		cur, fix json.RawMessage
	}
	applied, skipped := 0, 0
	for _, acct := range w.AccountIDs() {
		if len(w.Accounts[acct].S3.Buckets) == 0 {
			continue
		}
		before := assess(acct)
		var failed []string
		for k, s := range before {
			if s == control.Failed {
				failed = append(failed, k)
			}
		}
		sort.Slice(failed, func(i, j int) bool {
			if a, b := rank(failed[i]), rank(failed[j]); a != b {
				return a < b
			}
			return failed[i] < failed[j]
		})
		var journal []change
		for _, k := range failed {
			f := strings.Fields(k)
			p := playbook.ByControl(f[0])
			env := playbook.Env{Config: sim.Config(t, acct, f[2]), Account: acct, Region: f[2], Resource: playbook.Resource{ARN: f[1]}, Now: simtest.Now}
			cur, err := p.Read(ctx, env)
			if err != nil {
				t.Fatalf("%s: Read: %v", k, err)
			}
			want, err := p.Fix(env, cur)
			if errors.Is(err, playbook.ErrSkip) {
				skipped++
				continue
			}
			if err != nil {
				t.Fatalf("%s: Fix: %v", k, err)
			}
			if jsonEqual(cur, want) {
				continue // fixed by an earlier change (S3.12 fixes S3.2)
			}
			if err := p.Set(ctx, env, cur, want); err != nil {
				t.Fatalf("%s: Set: %v", k, err)
			}
			journal = append(journal, change{k, p, env, cur, want})
		}
		applied += len(journal)
		for k, s := range assess(acct) {
			if before[k] == control.Passed && s != control.Passed {
				t.Errorf("%s went from PASSED to %s", k, s)
			}
		}
		for i := len(journal) - 1; i >= 0; i-- {
			c := journal[i]
			if err := c.p.Set(ctx, c.env, c.fix, c.cur); err != nil {
				t.Errorf("%s: rollback: %v", c.key, err)
			}
		}
		after := assess(acct)
		for k, s := range before {
			if after[k] != s {
				t.Errorf("%s after rollback: %s, was %s", k, after[k], s)
			}
		}
	}
	if applied == 0 || skipped == 0 {
		t.Errorf("applied %d changes, skipped %d: the demo has both", applied, skipped)
	}
}

func s3Control(t *testing.T, id string) *control.Control {
	t.Helper()
	for _, c := range controls3.Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}
