package export_test

import (
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

const (
	prod = "111111111111"
	dev  = "222222222222"
)

func day(n int) time.Time { return time.Date(2026, 11, n, 10, 15, 0, 0, time.UTC) }

// testCatalog is a small catalog, so goldens do not move with the real
// one's texts.
func testCatalog() *control.Catalog {
	nop := func(*control.Input) {}
	controls := []*control.Control{
		{ID: "EC2.19", Title: "Security groups should not allow unrestricted access to ports with high risk", Service: "EC2",
			Severity: control.Critical, ResourceType: "AwsEc2SecurityGroup", Check: nop, WellArchitected: []string{"SEC05"},
			Rationale:   "Open high-risk ports invite attacks.",
			Remediation: "Remove the rule that allows 0.0.0.0/0 on the port."},
		{ID: "IAM.4", Title: "IAM root user access key should not exist", Service: "IAM", Severity: control.Critical,
			ResourceType: "AwsAccount", Check: nop, Global: true,
			Rationale:   "The root user's access key cannot be restricted.",
			Remediation: "Delete the root user's access keys."},
		{ID: "S3.8", Title: "S3 general purpose buckets should block public access", Service: "S3", Severity: control.High,
			ResourceType: "AwsS3Bucket", Check: nop, Global: true,
			Rationale:   "Public buckets leak data.",
			Remediation: "Turn on Block Public Access for the bucket."},
	}
	standards := []control.Standard{
		{ID: "standards/cis-aws-foundations-benchmark/v/3.0.0", Short: "cis-3.0", Name: "CIS AWS Foundations Benchmark", Version: "3.0.0",
			Requirements: []control.StdItem{{ID: "1.4", Controls: []string{"IAM.4"}}, {ID: "2.1.4", Controls: []string{"S3.8"}}, {ID: "5.2", Controls: []string{"EC2.19"}}}},
		{ID: "standards/aws-foundational-security-best-practices/v/1.0.0", Short: "fsbp", Name: "AWS Foundational Security Best Practices", Version: "1.0.0",
			Requirements: []control.StdItem{{ID: "EC2.19", Controls: []string{"EC2.19"}}, {ID: "IAM.4", Controls: []string{"IAM.4"}}, {ID: "S3.8", Controls: []string{"S3.8"}}}},
	}
	cat, err := control.NewCatalog(controls, standards)
	if err != nil {
		panic(err)
	}
	return cat
}

var opts = export.Options{Catalog: testCatalog(), Version: "1.0.0-test", OrgID: "o-a1b2c3d4e5"}

// observation is what a scan saw, as the store would hand it to
// finding.Observe.
func observation(cat *control.Catalog, ctl string, s control.Status, m snapshot.Meta, reason string) finding.Observation {
	o := finding.Observation{Result: control.Result{Control: ctl, Status: s, Resource: m, Reason: reason}, Control: cat.Control(ctl)}
	switch m.Account {
	case prod:
		o.AccountName, o.OUPath = "prod-payments", "Workloads/Production"
	case dev:
		o.AccountName, o.OUPath = "@dev-sandbox", "-Sandbox & Experiments"
	}
	if c := o.Control; c != nil {
		for _, q := range c.Standards {
			std, _ := cat.Standard(q.Standard)
			o.Standards = append(o.Standards, std.Short+":"+q.ID)
		}
	}
	return o
}

// step is one thing that happens to a finding.
type step func(f *finding.Finding) finding.Finding

// history plays steps from nothing.
func history(steps ...step) finding.Finding {
	var f *finding.Finding
	for _, s := range steps {
		nf := s(f)
		f = &nf
	}
	return *f
}

func seen(o finding.Observation, n int) step {
	return func(f *finding.Finding) finding.Finding {
		nf, _ := finding.Observe(f, o, fmt.Sprintf("scan-202611%02dT101500Z", n), day(n))
		return nf
	}
}

func then(fn func(f finding.Finding) finding.Finding) step {
	return func(f *finding.Finding) finding.Finding { return fn(*f) }
}

func bucket(account, region, name string, tags map[string]string) snapshot.Meta {
	return snapshot.Meta{ARN: "arn:aws:s3:::" + name, Type: "AwsS3Bucket", Name: name, Account: account, Region: region, Tags: tags}
}

func sg(account, region, id, name string) snapshot.Meta {
	return snapshot.Meta{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, account, id), Type: "AwsEc2SecurityGroup",
		Name: name, Account: account, Region: region}
}

func root(account, region string) snapshot.Meta {
	return snapshot.Meta{ARN: "arn:aws:iam::" + account + ":root", Type: "AwsAccount", Name: account, Account: account, Region: region}
}

// sample is one finding in each state the lifecycle allows, with
// untrusted text where AWS accounts and people put it.
func sample() []finding.Finding {
	cat := testCatalog()
	P, F, E, N := control.Passed, control.Failed, control.Error, control.NotApplicable
	logs := bucket(prod, "eu-west-1", "prod-logs", map[string]string{"team": "platform", "cost": "=1+1"})
	bastion := sg(prod, "eu-west-1", "sg-0a1b2c3d", "bastion")
	rootDev := root(dev, "us-east-1")
	oldData := bucket(dev, "eu-west-1", "old-data", nil)
	devSG := sg(dev, "eu-west-1", "sg-0e5f6a7b", "web")
	stopped := sg(dev, "us-east-1", "sg-0c0c0c0c", "unused")
	legacy := snapshot.Meta{ARN: "arn:aws:cloudtrail:us-east-1:" + dev + ":trail/org", Type: "AwsCloudTrailTrail", Name: "org", Account: dev, Region: "us-east-1"}
	legacyObs := observation(cat, "GR.OLD.1", F, legacy, "the trail does not validate log files")
	legacyObs.Standards = []string{"cis-3.0:3.2", "cis-1.2:2.2"}

	return []finding.Finding{
		// NEW: failing since it was first seen.
		history(seen(observation(cat, "S3.8", F, logs, "public access is not blocked"), 1)),
		// NOTIFIED with a ticket, still failing.
		history(seen(observation(cat, "EC2.19", F, bastion, "port 22 open to 0.0.0.0/0"), 1),
			then(func(f finding.Finding) finding.Finding {
				f.Workflow, f.UpdatedAt = finding.Notified, day(2)
				f.Notes = append(f.Notes, finding.Note{Text: "SEC-42 opened", By: "alice", At: day(2)})
				return f
			}),
			seen(observation(cat, "EC2.19", F, bastion, "port 22 open to 0.0.0.0/0"), 3)),
		// SUPPRESSED until a date, severity lowered by a rule, with notes.
		history(seen(observation(cat, "IAM.4", F, rootDev, "the root user has an access key"), 1),
			then(func(f finding.Finding) finding.Finding {
				f, _ = finding.Suppress(f, "=break-glass key, reviewed", "bob", day(30), day(2))
				f.Severity, f.SeverityOverridden = control.Low, true
				f.Notes = append(f.Notes, finding.Note{Text: "first", By: "rule:sandbox", At: day(2)},
					finding.Note{Text: "+kept in the safe", By: "bob", At: day(2)})
				return f
			}),
			seen(observation(cat, "IAM.4", F, rootDev, "the root user has an access key"), 3)),
		// RESOLVED: fixed.
		history(seen(observation(cat, "S3.8", F, oldData, "public access is not blocked"), 1),
			seen(observation(cat, "S3.8", P, oldData, "public access is blocked"), 3)),
		// Could not be assessed: keeps its workflow.
		history(seen(observation(cat, "EC2.19", F, devSG, "port 3389 open to 0.0.0.0/0"), 1),
			seen(observation(cat, "EC2.19", E, devSG, "describe security groups: AccessDenied: User: arn:aws:sts::222222222222:assumed-role/GuardrailAudit/guardrail is not authorized"), 3)),
		// RESOLVED by becoming not applicable.
		history(seen(observation(cat, "EC2.19", F, stopped, "port 22 open to 0.0.0.0/0"), 1),
			seen(observation(cat, "EC2.19", N, stopped, "the group is attached to nothing"), 2)),
		// A control the catalog no longer has, and a standard it does not know.
		history(seen(legacyObs, 1), then(func(f finding.Finding) finding.Finding {
			f.Title, f.Severity = "CloudTrail log file validation should be enabled", control.Medium
			return f
		})),
	}
}
