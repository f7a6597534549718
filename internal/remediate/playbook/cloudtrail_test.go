package playbook_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	logsapi "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const ctBucket = "trail-logs-" + simtest.Member

// ctWorld gives the member account the bucket its trails deliver to.
func ctWorld(w *world.World) { w.Buckets[ctBucket] = simtest.Member }

// ctTrail creates a trail in home through the SDK, as the user did, and
// returns it as the finding names it.
func ctTrail(t *testing.T, cfg aws.Config, home, name string, multi bool) playbook.Resource {
	t.Helper()
	out := iamOK(ctapi.NewFromConfig(cfg, func(o *ctapi.Options) { o.Region = home }).CreateTrail(context.Background(), &ctapi.CreateTrailInput{
		Name: aws.String(name), S3BucketName: aws.String(ctBucket), IsMultiRegionTrail: aws.Bool(multi),
	}))(t)
	return playbook.Resource{ARN: aws.ToString(out.TrailARN), Type: "AwsCloudTrailTrail", Name: name}
}

// ctKeyPolicy lets the account administer the key and CloudTrail
// encrypt with it, as CloudTrail documents (conditions included).
const ctKeyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + simtest.Member + `:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Allow CloudTrail to encrypt logs","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*",
  "Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:` + simtest.Member + `:trail/*"}}},
 {"Sid":"Allow CloudTrail to describe key","Effect":"Allow","Principal":{"Service":["cloudtrail.amazonaws.com"]},"Action":"kms:DescribeKey","Resource":"*"}]}`

// ctKey creates a KMS key with policy (the default one when "") and an
// alias for it in region.
func ctKey(t *testing.T, cfg aws.Config, region, alias, policy string) string {
	t.Helper()
	c := kmsapi.NewFromConfig(cfg, func(o *kmsapi.Options) { o.Region = region })
	in := &kmsapi.CreateKeyInput{Description: aws.String("trail logs")}
	if policy != "" {
		in.Policy = aws.String(policy)
	}
	k := iamOK(c.CreateKey(context.Background(), in))(t)
	iamOK(c.CreateAlias(context.Background(), &kmsapi.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: k.KeyMetadata.KeyId}))(t)
	return aws.ToString(k.KeyMetadata.Arn)
}

const ctTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// ctLogsTarget creates the log group and role CloudTrail.5's parameters
// name, the role trusting trust.
func ctLogsTarget(t *testing.T, cfg aws.Config, region, group, role, trust string) {
	t.Helper()
	ctx := context.Background()
	iamOK(logsapi.NewFromConfig(cfg, func(o *logsapi.Options) { o.Region = region }).CreateLogGroup(ctx, &logsapi.CreateLogGroupInput{LogGroupName: aws.String(group)}))(t)
	iamOK(iamapi.NewFromConfig(cfg).CreateRole(ctx, &iamapi.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)}))(t)
}

func cloudtrailCases() []roundTrip {
	logs := map[string]string{"cloudtrail-log-group": "aws-cloudtrail-logs-{account}", "cloudtrail-logs-role": "CloudTrailToCloudWatchLogs"}
	return []roundTrip{
		{control: "CloudTrail.4", world: ctWorld, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			return ctTrail(t, cfg, "us-east-1", "audit", false)
		}},
		// A multi-region trail homed elsewhere than the finding's
		// region: it changes only in its home region.
		{name: "CloudTrail.4/home-eu-west-1", control: "CloudTrail.4", region: "us-east-1", world: ctWorld, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			return ctTrail(t, cfg, "eu-west-1", "everywhere", true)
		}},
		{control: "CloudTrail.2", world: ctWorld, params: map[string]string{"cloudtrail-kms-key": "alias/trail-logs"}, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			ctKey(t, cfg, "us-east-1", "alias/trail-logs", ctKeyPolicy)
			return ctTrail(t, cfg, "us-east-1", "audit", true)
		}},
		{name: "CloudTrail.2/key-by-arn-home-eu-west-1", control: "CloudTrail.2", region: "us-east-1", world: ctWorld,
			params: map[string]string{"cloudtrail-kms-key": "arn:aws:kms:{region}:{account}:alias/trail-logs"}, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				ctKey(t, cfg, "eu-west-1", "alias/trail-logs", ctKeyPolicy)
				return ctTrail(t, cfg, "eu-west-1", "everywhere", true)
			}},
		{name: "CloudTrail.2/no-key", control: "CloudTrail.2", world: ctWorld, skip: "give one with the parameter cloudtrail-kms-key", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			return ctTrail(t, cfg, "us-east-1", "audit", true)
		}},
		{name: "CloudTrail.2/missing-key", control: "CloudTrail.2", world: ctWorld, params: map[string]string{"cloudtrail-kms-key": "alias/nope"},
			skip: "KMS key alias/nope (cloudtrail-kms-key) does not exist in us-east-1", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				return ctTrail(t, cfg, "us-east-1", "audit", true)
			}},
		{name: "CloudTrail.2/default-key-policy", control: "CloudTrail.2", world: ctWorld, params: map[string]string{"cloudtrail-kms-key": "alias/plain"},
			skip: "does not let cloudtrail.amazonaws.com use kms:GenerateDataKey* (in it, no statement allows it)", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				ctKey(t, cfg, "us-east-1", "alias/plain", "")
				return ctTrail(t, cfg, "us-east-1", "audit", true)
			}},
		{control: "CloudTrail.5", world: ctWorld, params: logs, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			ctLogsTarget(t, cfg, "us-east-1", "aws-cloudtrail-logs-"+simtest.Member, "CloudTrailToCloudWatchLogs", ctTrust)
			return ctTrail(t, cfg, "us-east-1", "audit", true)
		}},
		{name: "CloudTrail.5/untrusting-role", control: "CloudTrail.5", world: ctWorld, params: logs,
			skip: "role CloudTrailToCloudWatchLogs (cloudtrail-logs-role) cannot be assumed by cloudtrail.amazonaws.com (in its trust policy, no statement allows it)",
			setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				ctLogsTarget(t, cfg, "us-east-1", "aws-cloudtrail-logs-"+simtest.Member, "CloudTrailToCloudWatchLogs",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
				return ctTrail(t, cfg, "us-east-1", "audit", true)
			}},
		{name: "CloudTrail.5/missing-group", control: "CloudTrail.5", world: ctWorld, params: map[string]string{"cloudtrail-log-group": "nope", "cloudtrail-logs-role": "CloudTrailToCloudWatchLogs"},
			skip: "log group nope (cloudtrail-log-group) does not exist in us-east-1 of account " + simtest.Member,
			setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				ctLogsTarget(t, cfg, "us-east-1", "other", "CloudTrailToCloudWatchLogs", ctTrust)
				return ctTrail(t, cfg, "us-east-1", "audit", true)
			}},
		{name: "CloudTrail.5/one-param", control: "CloudTrail.5", world: ctWorld, params: map[string]string{"cloudtrail-log-group": "g"},
			skip: "give the parameter cloudtrail-logs-role", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
				return ctTrail(t, cfg, "us-east-1", "audit", true)
			}},
	}
}

func TestCloudTrailFix(t *testing.T) {
	const arn = "arn:aws:cloudtrail:us-east-1:222222222222:trail/audit"
	for _, tc := range []fixOnState{
		{name: "CloudTrail.4", control: "CloudTrail.4",
			cur:  `{"trail":"` + arn + `","log_file_validation":false}`,
			want: `{"trail":"` + arn + `","log_file_validation":true}`},
		{name: "CloudTrail.4 passing", control: "CloudTrail.4",
			cur:  `{"trail":"` + arn + `","log_file_validation":true}`,
			want: `{"trail":"` + arn + `","log_file_validation":true}`},
		{name: "CloudTrail.2 takes the resolved ARN", control: "CloudTrail.2",
			cur:  `{"trail":"` + arn + `","kms_key_id":"","param_key":{"given":"alias/k","arn":"arn:aws:kms:us-east-1:222222222222:key/k1"}}`,
			want: `{"trail":"` + arn + `","kms_key_id":"arn:aws:kms:us-east-1:222222222222:key/k1"}`},
		{name: "CloudTrail.2 keeps the user's key", control: "CloudTrail.2",
			cur:  `{"trail":"` + arn + `","kms_key_id":"arn:aws:kms:us-east-1:222222222222:key/theirs"}`,
			want: `{"trail":"` + arn + `","kms_key_id":"arn:aws:kms:us-east-1:222222222222:key/theirs"}`},
		{name: "CloudTrail.2 key problem", control: "CloudTrail.2",
			cur:  `{"trail":"` + arn + `","kms_key_id":"","param_key":{"given":"alias/k","arn":"arn:aws:kms:us-east-1:222222222222:key/k1","problem":"KMS key x is Disabled"}}`,
			skip: "KMS key x is Disabled"},
		{name: "CloudTrail.5 takes both ARNs", control: "CloudTrail.5",
			cur: `{"trail":"` + arn + `","log_group_arn":"","role_arn":"","param_target":{"log_group":{"given":"g","arn":"arn:aws:logs:us-east-1:222222222222:log-group:g:*"},` +
				`"role":{"given":"r","arn":"arn:aws:iam::222222222222:role/r"}}}`,
			want: `{"trail":"` + arn + `","log_group_arn":"arn:aws:logs:us-east-1:222222222222:log-group:g:*","role_arn":"arn:aws:iam::222222222222:role/r"}`},
		{name: "CloudTrail.5 keeps the user's group", control: "CloudTrail.5",
			cur:  `{"trail":"` + arn + `","log_group_arn":"arn:aws:logs:us-east-1:222222222222:log-group:theirs:*","role_arn":"arn:aws:iam::222222222222:role/theirs"}`,
			want: `{"trail":"` + arn + `","log_group_arn":"arn:aws:logs:us-east-1:222222222222:log-group:theirs:*","role_arn":"arn:aws:iam::222222222222:role/theirs"}`},
		{name: "CloudTrail.5 without params", control: "CloudTrail.5",
			cur:  `{"trail":"` + arn + `","log_group_arn":"","role_arn":""}`,
			skip: "no log group and role to send trail audit to: give the parameter cloudtrail-log-group and cloudtrail-logs-role"},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestCloudTrailKMSKeyPolicy: which key policies CloudTrail.2 takes a key
// with, and which it skips (read through the simulator's KMS).
func TestCloudTrailKMSKeyPolicy(t *testing.T) {
	ctx := context.Background()
	w := simtest.NewWorld()
	ctWorld(w)
	sim := simtest.Start(t, w)
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	res := ctTrail(t, cfg, "us-east-1", "audit", true)
	const admin = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}`
	for _, tc := range []struct {
		name, statements, skip string
	}{
		{"documented", `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:222222222222:trail/*"}}}`, ""},
		{"service list and kms star", `{"Effect":"Allow","Principal":{"Service":["logs.amazonaws.com","cloudtrail.amazonaws.com"]},"Action":["kms:*"],"Resource":"*"}`, ""},
		{"anyone", `{"Effect":"Allow","Principal":"*","Action":"kms:GenerateDataKey","Resource":"*"}`, ""},
		{"other service", `{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*"}`, "no statement allows it"},
		{"other action", `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`, "no statement allows it"},
		{"denied", `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*"},` +
			`{"Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKey*","Resource":"*"}`, "a statement denies it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			alias := "alias/" + strings.ReplaceAll(tc.name, " ", "-")
			ctKey(t, cfg, "us-east-1", alias, `{"Version":"2012-10-17","Statement":[`+admin+`,`+tc.statements+`]}`)
			p := playbook.ByControl("CloudTrail.2")
			env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: res, Params: map[string]string{"cloudtrail-kms-key": alias}, Now: simtest.Now}
			cur := iamOK(p.Read(ctx, env))(t)
			_, err := p.Fix(env, cur)
			switch {
			case tc.skip == "" && err != nil:
				t.Errorf("Fix: %v", err)
			case tc.skip != "" && (!errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), tc.skip)):
				t.Errorf("Fix = %v, want a skip saying %q", err, tc.skip)
			}
		})
	}
}

// TestCloudTrailOrganizationTrail: the organization's trail, seen
// from a member, is skipped without a call (only its owner changes it).
func TestCloudTrailOrganizationTrail(t *testing.T) {
	res := playbook.Resource{ARN: "arn:aws:cloudtrail:us-east-1:" + simtest.Management + ":trail/org-trail"}
	for _, id := range []string{"CloudTrail.2", "CloudTrail.4", "CloudTrail.5"} {
		env := playbook.Env{Account: simtest.Member, Region: "us-east-1", Resource: res, Now: simtest.Now}
		_, err := playbook.ByControl(id).Read(context.Background(), env)
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "belongs to account "+simtest.Management) {
			t.Errorf("%s: Read = %v, want a skip", id, err)
		}
	}
}

// TestCloudTrailGone: a trail deleted since the finding is skipped.
func TestCloudTrailGone(t *testing.T) {
	sim := simtest.Start(t, nil)
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	res := playbook.Resource{ARN: "arn:aws:cloudtrail:eu-west-1:" + simtest.Member + ":trail/gone"}
	env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: res, Now: simtest.Now}
	if _, err := playbook.ByControl("CloudTrail.4").Read(context.Background(), env); !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "trail gone no longer exists") {
		t.Errorf("Read = %v, want a skip", err)
	}
}
