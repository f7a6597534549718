package report_test

import (
	"fmt"
	"github.com/guardrail-sec/guardrail/internal/report"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

const (
	prod   = "111111111111"
	dev    = "222222222222"
	legacy = "333333333333"
)

// outcome is what a sample control reports for one resource.
type outcome struct {
	status control.Status
	meta   snapshot.Meta // ARN "" means the account itself
	reason string
}

// sample builds a small report the way a scan does: three accounts (one
// not assessed, one with a region not enabled), controls run by the real
// evaluator over planned outcomes, collector gaps, and the scores.
func sample() *report.Report {
	plan := map[string][]outcome{} // "control|account|region"
	add := func(ctl, account, region string, o ...outcome) {
		k := ctl + "|" + account + "|" + region
		plan[k] = append(plan[k], o...)
	}
	sg := func(account, region, id, name string) snapshot.Meta {
		return snapshot.Meta{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, account, id),
			Type: "AwsEc2SecurityGroup", Name: name}
	}
	bucket := func(name string, tags map[string]string) snapshot.Meta {
		return snapshot.Meta{ARN: "arn:aws:s3:::" + name, Type: "AwsS3Bucket", Name: name, Tags: tags}
	}
	inst := func(account, region, id string) snapshot.Meta {
		return snapshot.Meta{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", region, account, id), Type: "AwsEc2Instance", Name: id}
	}
	acct := snapshot.Meta{}
	P, F, E, N := control.Passed, control.Failed, control.Error, control.NotApplicable

	// prod: us-east-1 (home) lost ec2 to a gap; eu-west-1 is fine.
	add("Account.1", prod, "us-east-1", outcome{P, acct, "a security contact is set"})
	add("Account.1", dev, "us-east-1", outcome{P, acct, "a security contact is set"})
	add("IAM.4", prod, "us-east-1", outcome{P, acct, "the root user has no access key"})
	add("IAM.6", prod, "us-east-1", outcome{F, acct, "the root user's MFA device is virtual, not hardware"})
	add("S3.5", prod, "us-east-1",
		outcome{E, bucket("prod-data", nil), "bucket policy not readable: AccessDenied: Access Denied"},
		outcome{F, bucket("prod-logs", map[string]string{"team": "platform"}), "the bucket policy does not deny requests without aws:SecureTransport"})
	add("EC2.19", prod, "eu-west-1",
		outcome{F, sg(prod, "eu-west-1", "sg-0a1b2c3d", "bastion"), "port 22 open to 0.0.0.0/0 (rule sgr-0123456789abcdef0)"},
		outcome{P, sg(prod, "eu-west-1", "sg-0e5f6a7b", "internal"), "no high-risk port open to the internet"})
	add("EC2.7", prod, "eu-west-1", outcome{P, acct, "EBS encryption by default is on"})
	add("GR.EC2.1", prod, "eu-west-1", outcome{N, inst(prod, "eu-west-1", "i-0aa11bb22cc33dd44"), "the instance is stopped"})

	// dev: us-east-1 has everything failing; eu-west-1 lost ec2; eu-south-1 is not enabled.
	add("IAM.4", dev, "us-east-1", outcome{F, acct, "the root user has an active access key (created 2019-03-01)"})
	add("IAM.6", dev, "us-east-1", outcome{F, acct, "the root user has no MFA device"})
	add("S3.5", dev, "us-east-1", outcome{P, bucket("dev-artifacts", map[string]string{"owner": `=HYPERLINK("http://evil.example")`}),
		"the bucket policy denies requests without aws:SecureTransport"})
	add("EC2.19", dev, "us-east-1",
		outcome{F, sg(dev, "us-east-1", "sg-0bad", `<img src=x onerror=alert(1)>`), `port 3389 open to ::/0 (rule sgr-0fedcba987654321) on group "<b>rdp</b>" & more`})
	add("EC2.7", dev, "us-east-1", outcome{F, acct, "EBS encryption by default is off"})
	add("GR.EC2.1", dev, "us-east-1", outcome{F, inst(dev, "us-east-1", "i-0dev"), "the instance has no instance profile"})

	controls := []*control.Control{
		{ID: "Account.1", Title: "Security contact information should be provided for an AWS account", Service: "Account",
			Severity: control.Medium, Global: true, ResourceType: "AwsAccount", Needs: []string{"account"}, WellArchitected: []string{"SEC10"},
			Rationale:   "AWS uses the security contact to reach the team that can act on an incident in the account.",
			Remediation: "Console: Account > Alternate contacts > Security contact > Edit. CLI: aws account put-alternate-contact --alternate-contact-type SECURITY --name <name> --email-address <email> --phone-number <phone> --title <title>"},
		{ID: "EC2.7", Title: "EBS default encryption should be enabled", Service: "EC2", Severity: control.Medium,
			ResourceType: "AwsAccount", Needs: []string{"ec2"}, WellArchitected: []string{"SEC08"},
			Rationale:   "Encrypting EBS volumes by default protects data at rest without relying on every launch to ask for it.",
			Remediation: "Console: EC2 > Settings > EBS encryption > Manage > Enable. CLI: aws ec2 enable-ebs-encryption-by-default --region <region>"},
		{ID: "EC2.19", Title: "Security groups should not allow unrestricted access to ports with high risk", Service: "EC2", Severity: control.Critical,
			ResourceType: "AwsEc2SecurityGroup", Needs: []string{"ec2"}, WellArchitected: []string{"SEC05"},
			Rationale:   "Ports such as SSH and RDP open to the internet invite brute force and exploitation.",
			Remediation: "Console: VPC > Security groups > Inbound rules > remove the 0.0.0.0/0 and ::/0 rules on high-risk ports. CLI: aws ec2 revoke-security-group-ingress --group-id <sg> --security-group-rule-ids <rule>"},
		{ID: "GR.EC2.1", Title: "EC2 instances should use IAM instance roles for AWS access", Service: "EC2", Severity: control.Medium,
			ResourceType: "AwsEc2Instance", Needs: []string{"ec2"}, WellArchitected: []string{"SEC02"},
			Rationale:   "Instance roles give short-lived credentials instead of long-lived keys on disk.",
			Remediation: "Console: EC2 > Instances > Actions > Security > Modify IAM role. CLI: aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>"},
		{ID: "IAM.4", Title: "IAM root user access key should not exist", Service: "IAM", Severity: control.Critical, Global: true,
			ResourceType: "AwsAccount", Needs: []string{"iam"}, WellArchitected: []string{"SEC02"},
			Rationale:   "A root access key gives unrestricted access to the account and cannot be limited by policies.",
			Remediation: "Console: sign in as root > Security credentials > Access keys > Delete. CLI: none (root keys can only be deleted as root: aws iam delete-access-key --access-key-id <id> with root credentials)"},
		{ID: "IAM.6", Title: "Hardware MFA should be enabled for the root user", Service: "IAM", Severity: control.Critical, Global: true,
			ResourceType: "AwsAccount", Needs: []string{"iam"}, WellArchitected: []string{"SEC02"},
			Rationale:   "A hardware MFA device protects the root user against phishing and stolen passwords.",
			Remediation: "Console: sign in as root > Security credentials > Multi-factor authentication > Assign MFA device > Hardware TOTP token or security key. CLI: aws iam enable-mfa-device (as root)"},
		{ID: "S3.5", Title: "S3 general purpose buckets should require requests to use SSL", Service: "S3", Severity: control.Medium, Global: true,
			ResourceType: "AwsS3Bucket", Needs: []string{"s3"}, WellArchitected: []string{"SEC09"},
			Rationale:   "Without a policy that denies plain HTTP, data can travel to and from the bucket unencrypted.",
			Remediation: "Console: S3 > bucket > Permissions > Bucket policy > add a Deny for aws:SecureTransport false. CLI: aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json"},
	}
	standards := []control.Standard{
		{ID: "cis-aws-foundations-benchmark/v/3.0.0", Short: "cis-3.0", Name: "CIS AWS Foundations Benchmark", Version: "3.0.0",
			Requirements: []control.StdItem{
				{ID: "1.2", Title: "Ensure security contact information is registered", Level: 1, Manual: true, Controls: []string{"Account.1"}},
				{ID: "1.4", Title: "Ensure no 'root' user account access key exists", Level: 1, Controls: []string{"IAM.4"}},
				{ID: "1.6", Title: "Ensure hardware MFA is enabled for the 'root' user account", Level: 2, Controls: []string{"IAM.6"}},
				{ID: "1.18", Title: "Ensure IAM instance roles are used for AWS resource access from instances", Level: 2, Controls: []string{"GR.EC2.1"}},
				{ID: "2.1.1", Title: "Ensure S3 Bucket Policy is set to deny HTTP requests", Level: 2, Controls: []string{"S3.5"}},
				{ID: "2.2.1", Title: "Ensure EBS Volume Encryption is Enabled in all Regions", Level: 1, Controls: []string{"EC2.7"}},
			}},
		{ID: "aws-foundational-security-best-practices/v/1.0.0", Short: "fsbp", Name: "AWS Foundational Security Best Practices", Version: "1.0.0",
			Requirements: []control.StdItem{
				{ID: "Account.1", Controls: []string{"Account.1"}},
				{ID: "EC2.7", Controls: []string{"EC2.7"}}, {ID: "EC2.19", Controls: []string{"EC2.19"}},
				{ID: "IAM.4", Controls: []string{"IAM.4"}}, {ID: "IAM.6", Controls: []string{"IAM.6"}},
				{ID: "S3.5", Controls: []string{"S3.5"}},
			}},
	}
	for _, c := range controls {
		c.Check = func(in *control.Input) {
			for _, o := range plan[c.ID+"|"+in.Account.ID+"|"+in.RegionName()] {
				m := o.meta
				if m.ARN == "" {
					m = in.AccountMeta()
				}
				switch o.status {
				case control.Passed:
					in.Pass(m, "%s", o.reason)
				case control.Failed:
					in.Fail(m, "%s", o.reason)
				case control.NotApplicable:
					in.NotApplicable(m, "%s", o.reason)
				default:
					in.Error(m, "%s", o.reason)
				}
			}
		}
	}
	cat, err := control.NewCatalog(controls, standards)
	if err != nil {
		panic(err)
	}

	snap := &snapshot.Snapshot{Taken: time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC), OrgID: "o-a1b2c3d4e5", Management: prod}
	account := func(id, name, ou string, regions ...string) *snapshot.Account {
		a := &snapshot.Account{ID: id, Name: name, OUPath: ou, Partition: "aws", HomeRegion: "us-east-1", Status: "ACTIVE",
			Regions: map[string]*snapshot.Region{}}
		for _, r := range regions {
			a.Regions[r] = &snapshot.Region{Name: r}
		}
		snap.Add(a)
		return a
	}
	account(prod, "prod-payments", "Workloads/Production", "us-east-1", "eu-west-1")
	d := account(dev, "dev-sandbox", "Sandbox & Experiments", "us-east-1", "eu-west-1")
	d.Skipped = map[string]string{"eu-south-1": "region not enabled in the account (opt-in region)"}
	l := account(legacy, "legacy-billing", "Suspended")
	l.Err = "assume role arn:aws:iam::333333333333:role/GuardrailAudit: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/GuardrailScanner/guardrail is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/GuardrailAudit"
	for _, g := range []snapshot.Gap{
		{GapKey: snapshot.GapKey{Account: prod, Region: "us-east-1", Collector: "ec2"}, Class: "access denied",
			Reason: "describe security groups: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/GuardrailAudit/guardrail is not authorized to perform: ec2:DescribeSecurityGroups"},
		{GapKey: snapshot.GapKey{Account: dev, Region: "eu-west-1", Collector: "ec2"}, Class: "access denied",
			Reason: "describe security groups: AccessDenied: User: arn:aws:sts::222222222222:assumed-role/GuardrailAudit/guardrail is not authorized to perform: ec2:DescribeSecurityGroups"},
		{GapKey: snapshot.GapKey{Account: dev, Region: "us-east-1", Collector: "guardduty"}, Class: "throttled",
			Reason: "list detectors: ThrottlingException: Rate exceeded"},
	} {
		snap.AddGap(g)
	}

	global := func(c string) bool { return c == "iam" || c == "s3" || c == "account" }
	var results []control.Result
	for _, a := range snap.Accounts {
		results = append(results, control.EvaluateAccount(cat.Controls(), snap, a, global, snap.Taken)...)
	}
	control.Sort(results)

	r := &report.Report{
		ID:       "scan-20261123T101500Z",
		Started:  snap.Taken,
		Finished: snap.Taken.Add(42300 * time.Millisecond),
		Scope: report.Scope{OrgID: snap.OrgID, Management: prod, Caller: "arn:aws:sts::111111111111:assumed-role/GuardrailScanner/guardrail",
			Regions: []string{"eu-south-1", "eu-west-1", "us-east-1"}, Standards: []string{"cis-3.0", "fsbp"}},
		Controls:  cat.Controls(),
		Standards: cat.Standards(),
		Results:   results,
		Gaps:      snap.Gaps(),
		Stats:     report.Stats{Accounts: 3, Targets: 4, Tasks: 41, APICalls: 1284, Retries: 7, Errors: 3, WallSecs: 42.3},
	}
	for _, a := range snap.Accounts {
		r.Accounts = append(r.Accounts, report.Account{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status,
			Regions: a.RegionNames(), Skipped: a.Skipped, Error: a.Err})
	}
	r.ComputeScores()
	return r
}
