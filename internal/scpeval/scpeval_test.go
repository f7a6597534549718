package scpeval_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
)

func doc(t *testing.T, s string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEvaluate: AWS's rule along a path, as data: an allow at every
// level, an explicit deny anywhere wins, and which statement is named.
func TestEvaluate(t *testing.T) {
	full := scpeval.Policy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Doc: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}
	s3only := scpeval.Policy{ID: "p-s3", Name: "s3-only", Doc: doc(t, `{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}
	deny := scpeval.Policy{ID: "p-deny", Name: "deny", Doc: doc(t, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)}
	path := func(root, ou, acct []scpeval.Policy) []scpeval.Level {
		return []scpeval.Level{{Target: "r-1", Kind: scpeval.Root, Policies: root}, {Target: "ou-1", Kind: scpeval.OU, Policies: ou}, {Target: "1", Kind: scpeval.Account, Policies: acct}}
	}
	for _, tc := range []struct {
		name    string
		path    []scpeval.Level
		action  string
		allowed bool
		deny    string // statement Sid
		noAllow string // level
	}{
		{"FullAWSAccess everywhere", path([]scpeval.Policy{full}, []scpeval.Policy{full}, []scpeval.Policy{full}), "ec2:RunInstances", true, "", ""},
		{"allow list at the OU", path([]scpeval.Policy{full}, []scpeval.Policy{s3only}, []scpeval.Policy{full}), "ec2:RunInstances", false, "", "ou-1"},
		{"allow list lets its own through", path([]scpeval.Policy{full}, []scpeval.Policy{s3only}, []scpeval.Policy{full}), "s3:GetObject", true, "", ""},
		{"deny at the account wins", path([]scpeval.Policy{full}, []scpeval.Policy{full}, []scpeval.Policy{full, deny}), "s3:DeleteBucket", false, "NoDelete", ""},
		{"deny wins over a missing allow", path([]scpeval.Policy{full}, []scpeval.Policy{deny}, []scpeval.Policy{full}), "s3:DeleteBucket", false, "NoDelete", ""},
		{"no policy at a level", path([]scpeval.Policy{full}, nil, []scpeval.Policy{full}), "s3:GetObject", false, "", "ou-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := scpeval.Evaluate(tc.path, &policy.Request{Action: tc.action, Resource: "*"})
			if d.Allowed != tc.allowed {
				t.Fatalf("allowed = %v", d.Allowed)
			}
			if (d.Deny != nil) != (tc.deny != "") || d.Deny != nil && d.Deny.Statement.Sid != tc.deny {
				t.Errorf("deny = %+v, want %q", d.Deny, tc.deny)
			}
			if (d.NoAllow != nil) != (tc.noAllow != "") || d.NoAllow != nil && d.NoAllow.Target != tc.noAllow {
				t.Errorf("no allow at %+v, want %q", d.NoAllow, tc.noAllow)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, tc := range [][2]string{
		{scpeval.Action("s3", "ListObjectsV2"), "s3:ListBucket"},
		{scpeval.Action("s3control", "PutPublicAccessBlock"), "s3:PutAccountPublicAccessBlock"},
		{scpeval.Action("s3", "PutPublicAccessBlock"), "s3:PutBucketPublicAccessBlock"},
		{scpeval.Action("monitoring", "DescribeAlarms"), "cloudwatch:DescribeAlarms"},
		{scpeval.EventAction("s3.amazonaws.com", "PutBucketPublicAccessBlock"), "s3:PutBucketPublicAccessBlock"},
		{scpeval.EventAction("monitoring.amazonaws.com", "DeleteAlarms"), "cloudwatch:DeleteAlarms"},
		{scpeval.RoleARN("arn:aws:sts::111122223333:assumed-role/Dev/alice"), "arn:aws:iam::111122223333:role/Dev"},
		{scpeval.RoleARN("arn:aws:iam::111122223333:user/bob"), "arn:aws:iam::111122223333:user/bob"},
	} {
		if tc[0] != tc[1] {
			t.Errorf("got %q, want %q", tc[0], tc[1])
		}
	}
	if !scpeval.Exempt("arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig") || scpeval.Exempt("arn:aws:iam::1:role/Dev") {
		t.Error("Exempt")
	}
}
