package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cloudtrailapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const guardSCP = `{"Version":"2012-10-17","Statement":[
{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*",
 "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}}},
{"Sid":"RequireIMDSv2","Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*",
 "Condition":{"StringNotEquals":{"ec2:MetadataHttpTokens":"required"}}},
{"Sid":"ProtectLogArchive","Effect":"Deny","Action":["s3:DeleteBucket","s3:PutBucketPolicy"],"Resource":"arn:aws:s3:::org-log-archive-*"},
{"Sid":"ProtectTrails","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*",
 "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}]}`

// scpWorld is the demo organization with a Developer role in a workload
// account (444444444401), which the management account may assume.
func scpWorld(t *testing.T) (*simtest.Sim, aws.Config, aws.Config, aws.Config) {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"444444444401", "333333333333"} {
		a := w.Accounts[id]
		a.IAM.Roles = append(a.IAM.Roles, &world.Role{Name: "Developer", Path: "/", ID: "AROASIMDEV" + id[:6], Created: simtest.Now,
			AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`})
	}
	s := simtest.Start(t, w)
	mgmt := s.Config(t, "111111111111", "us-east-1")
	dev := awsx.AssumeRole(mgmt, "arn:aws:iam::444444444401:role/Developer", "alice")
	admin := awsx.AssumeRole(mgmt, "arn:aws:iam::444444444401:role/OrganizationAccountAccessRole", "guardrail")
	return s, mgmt, dev, admin
}

func apiErr(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	if err != nil {
		return "not an API error", err.Error()
	}
	return "", ""
}

func inRegion(cfg aws.Config, r string) aws.Config {
	c := cfg.Copy()
	c.Region = r
	return c
}

// TestSCPEnforcement: SCPs attached along a member account's path decide
// its calls (explicit deny wins; an allow needed at every level), with
// AWS's message, recorded in CloudTrail; the management account is
// exempt; a change of attachments takes effect on the next call.
func TestSCPEnforcement(t *testing.T) {
	ctx := context.Background()
	s, mgmt, dev, admin := scpWorld(t)
	org := orgapi.NewFromConfig(mgmt)
	describe := func(cfg aws.Config, region string) error {
		_, err := ec2api.NewFromConfig(inRegion(cfg, region)).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{})
		return err
	}
	// Only FullAWSAccess: everything goes through.
	if err := describe(dev, "eu-central-1"); err != nil {
		t.Fatalf("before any SCP: %v", err)
	}
	cp, err := org.CreatePolicy(ctx, &orgapi.CreatePolicyInput{Name: aws.String("guard"), Description: aws.String("test"),
		Type: "SERVICE_CONTROL_POLICY", Content: aws.String(guardSCP)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: cp.Policy.PolicySummary.Id, TargetId: aws.String("r-gr7d")}); err != nil {
		t.Fatal(err)
	}

	err = describe(dev, "eu-central-1")
	code, msg := apiErr(err)
	want := "User: arn:aws:sts::444444444401:assumed-role/Developer/alice is not authorized to perform: ec2:DescribeInstances with an explicit deny in a service control policy"
	if code != "UnauthorizedOperation" || !strings.Contains(msg, want) {
		t.Errorf("region outside the list: %s %q, want UnauthorizedOperation with %q", code, msg, want)
	}
	if err := describe(dev, "us-west-2"); err != nil {
		t.Errorf("allowed region: %v", err)
	}
	if err := describe(admin, "eu-central-1"); err != nil {
		t.Errorf("the excepted role: %v", err)
	}
	if err := describe(mgmt, "eu-central-1"); err != nil {
		t.Errorf("management account (exempt): %v", err)
	}

	ec2c := ec2api.NewFromConfig(dev)
	_, err = ec2c.RunInstances(ctx, &ec2api.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if code, msg := apiErr(err); code != "UnauthorizedOperation" || !strings.Contains(msg, "ec2:RunInstances on resource: arn:aws:ec2:us-east-1:444444444401:instance/*") {
		t.Errorf("RunInstances without IMDSv2: %s %q", code, msg)
	}
	_, err = ec2c.RunInstances(ctx, &ec2api.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}})
	if code, msg := apiErr(err); strings.Contains(msg, "service control policy") {
		t.Errorf("RunInstances with IMDSv2 denied by an SCP: %s %q", code, msg)
	}

	_, err = s3api.NewFromConfig(dev).DeleteBucket(ctx, &s3api.DeleteBucketInput{Bucket: aws.String("org-log-archive-333333333333")})
	if code, msg := apiErr(err); code != "AccessDenied" || !strings.Contains(msg, "s3:DeleteBucket on resource: arn:aws:s3:::org-log-archive-333333333333 with an explicit deny") {
		t.Errorf("delete the log archive: %s %q", code, msg)
	}
	_, err = cloudtrailapi.NewFromConfig(dev).StopLogging(ctx, &cloudtrailapi.StopLoggingInput{Name: aws.String("payments-prod-audit")})
	if code, _ := apiErr(err); code != "AccessDeniedException" {
		t.Errorf("StopLogging as a developer: %v", err)
	}

	// The denial is in CloudTrail, with its errorCode and message.
	var rec *world.TrailRecord
	for _, r := range s.World().TrailRecords("444444444401", "eu-central-1") {
		if r.EventName == "DescribeInstances" && r.ErrorCode != "" {
			rec = r
		}
	}
	if rec == nil || rec.ErrorCode != "Client.UnauthorizedOperation" && rec.ErrorCode != "UnauthorizedOperation" || !strings.Contains(rec.ErrorMessage, "service control policy") {
		t.Errorf("trail record of the denial = %+v", rec)
	}

	// Allow list: an OU whose only SCP allows S3 denies EC2 implicitly.
	allow, err := org.CreatePolicy(ctx, &orgapi.CreatePolicyInput{Name: aws.String("s3-only"), Description: aws.String("test"),
		Type: "SERVICE_CONTROL_POLICY", Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:*"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	prod := ouID(t, org, "Production")
	if _, err := org.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: allow.Policy.PolicySummary.Id, TargetId: aws.String(prod)}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.DetachPolicy(ctx, &orgapi.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(prod)}); err != nil {
		t.Fatal(err)
	}
	_, msg = apiErr(describe(dev, "us-east-1"))
	if !strings.Contains(msg, "because no service control policy allows the ec2:DescribeInstances action") {
		t.Errorf("implicit deny: %q", msg)
	}
	if _, err := org.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(prod)}); err != nil {
		t.Fatal(err)
	}
	if err := describe(dev, "us-east-1"); err != nil {
		t.Errorf("FullAWSAccess attached again: %v", err)
	}
}

func ouID(t *testing.T, org *orgapi.Client, name string) string {
	t.Helper()
	ctx := context.Background()
	roots, err := org.ListRoots(ctx, &orgapi.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	queue := []string{aws.ToString(roots.Roots[0].Id)}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out, err := org.ListOrganizationalUnitsForParent(ctx, &orgapi.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p)})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.OrganizationalUnits {
			if aws.ToString(o.Name) == name {
				return aws.ToString(o.Id)
			}
			queue = append(queue, aws.ToString(o.Id))
		}
	}
	t.Fatalf("no OU %s", name)
	return ""
}
