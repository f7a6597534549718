package explain_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scp/explain"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
)

func state() *rollout.State {
	return &rollout.State{OrgID: "o-test", Management: "111111111111", RootID: "r-ab12",
		Targets: map[string]*rollout.Target{
			"r-ab12":           {ID: "r-ab12", Kind: scpeval.Root, Name: "Root"},
			"ou-ab12-11111111": {ID: "ou-ab12-11111111", Kind: scpeval.OU, Name: "Workloads", Parent: "r-ab12"},
			"222222222222":     {ID: "222222222222", Kind: scpeval.Account, Name: "app", Parent: "ou-ab12-11111111"},
			"111111111111":     {ID: "111111111111", Kind: scpeval.Account, Name: "management", Parent: "r-ab12"},
		},
		Policies: map[string]*rollout.Policy{
			"p-FullAWSAccess": {ID: "p-FullAWSAccess", Name: "FullAWSAccess", AWSManaged: true, Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
				Targets: []string{"r-ab12", "111111111111", "222222222222"}},
			"p-onlys3": {ID: "p-onlys3", Name: "guardrail-only-s3", Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}]}`,
				Targets: []string{"ou-ab12-11111111"}},
			"p-imds": {ID: "p-imds", Name: "guardrail-imds", Content: `{"Version":"2012-10-17","Statement":[{"Sid":"RequireIMDSv2","Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringNotEquals":{"ec2:MetadataHttpTokens":"required"}}}]}`,
				Targets: []string{"r-ab12"}},
		}}
}

// TestExplain: each verdict, with the statement, policy and target.
func TestExplain(t *testing.T) {
	s := state()
	dev := "arn:aws:sts::222222222222:assumed-role/Developer/alice"
	for _, tc := range []struct {
		name    string
		call    explain.Call
		verdict string
		want    string
	}{
		{"explicit", explain.Call{Account: "222222222222", Principal: dev, Action: "ec2:RunInstances", Region: "us-east-1",
			Resource: "arn:aws:ec2:us-east-1:222222222222:instance/*", Context: map[string][]string{"ec2:MetadataHttpTokens": {"optional"}}},
			explain.ExplicitDeny, "denied by statement RequireIMDSv2 of SCP guardrail-imds (p-imds), attached to Root"},
		{"with IMDSv2", explain.Call{Account: "222222222222", Principal: dev, Action: "ec2:RunInstances", Region: "us-east-1",
			Resource: "arn:aws:ec2:us-east-1:222222222222:instance/*", Context: map[string][]string{"ec2:MetadataHttpTokens": {"required"}}},
			explain.NotSCP, "the denial comes from elsewhere"},
		{"implicit", explain.Call{Account: "222222222222", Principal: dev, Action: "lambda:CreateFunction", Region: "us-east-1"},
			explain.ImplicitDeny, "no SCP attached to Root/Workloads allows it (attached: guardrail-only-s3 (p-onlys3))"},
		{"management", explain.Call{Account: "111111111111", Principal: "arn:aws:iam::111111111111:root", Action: "lambda:CreateFunction", Region: "us-east-1"},
			explain.Exempt, "SCPs do not apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := explain.Explain(s, tc.call)
			if err != nil {
				t.Fatal(err)
			}
			if e.Verdict != tc.verdict || !strings.Contains(e.Message, tc.want) {
				t.Errorf("= %s %q, want %s with %q", e.Verdict, e.Message, tc.verdict, tc.want)
			}
			var b strings.Builder
			if err := e.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if tc.verdict == explain.ExplicitDeny && !strings.Contains(b.String(), `"Sid":"RequireIMDSv2"`) {
				t.Errorf("text lacks the statement:\n%s", b.String())
			}
		})
	}
	if _, err := explain.Explain(s, explain.Call{Account: "999999999999", Action: "s3:ListBucket", Region: "us-east-1"}); err == nil {
		t.Error("an account outside the organization was explained")
	}
	_ = policy.Allow
}

// TestFromEvent: a CloudTrail record gives the call (action, resource,
// IMDS tokens); malformed records are errors naming name:line:column or
// the field.
func TestFromEvent(t *testing.T) {
	rec := `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::222222222222:assumed-role/Developer/alice","accountId":"222222222222"},
"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","errorCode":"Client.UnauthorizedOperation","errorMessage":"denied",
"requestParameters":{"instancesSet":{},"metadataOptions":{"httpTokens":"optional"}},"recipientAccountId":"222222222222"}`
	c, err := explain.FromEvent([]byte(rec), "e.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != "ec2:RunInstances" || c.Resource != "arn:aws:ec2:eu-west-1:222222222222:instance/*" || c.Context["ec2:MetadataHttpTokens"][0] != "optional" || c.Account != "222222222222" {
		t.Errorf("call = %+v", c)
	}
	s3 := `{"Records":[{"eventSource":"s3.amazonaws.com","eventName":"ListObjects","awsRegion":"us-east-1","userIdentity":{"arn":"arn:aws:iam::222222222222:user/bob"},"recipientAccountId":"222222222222"},
{"eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","errorCode":"AccessDenied","userIdentity":{"arn":"arn:aws:iam::222222222222:user/bob"},"recipientAccountId":"222222222222","requestParameters":{"bucketName":"logs"}}]}`
	c, err = explain.FromEvent([]byte(s3), "log.json")
	if err != nil || c.Action != "s3:DeleteBucket" || c.Resource != "arn:aws:s3:::logs" {
		t.Errorf("from a log file: %+v %v", c, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"{\n  \"eventSource\": \"ec2.amazonaws.com\",\n  \"eventName\": RunInstances\n}", "bad.json:3:16: not a CloudTrail record"},
		{`{"eventSource":"ec2.amazonaws.com","eventName":7}`, "bad.json:1:48: eventName"},
		{`{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"1"}`, "bad.json: userIdentity.arn: missing"},
		{`{"Records":[{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`, "bad.json: none of its 1 records was denied"},
		{`[1,2]`, "bad.json:1:1"},
	} {
		_, err := explain.FromEvent([]byte(tc.in), "bad.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("FromEvent(%s) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
