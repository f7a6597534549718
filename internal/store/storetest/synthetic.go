package storetest

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Regions17 are the 17 regions enabled by default in an AWS account.
var Regions17 = []string{"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2"}

// Synthetic describes a generated organization scan.
type Synthetic struct {
	Accounts int
	Regions  []string
	// Scan numbers the scan from 1. Later scans change about 3% of the
	// results, replace about 2% of the instances, volumes and functions
	// (the old ones are gone), and leave a different account unassessed.
	Scan int
	At   time.Time
}

// per-target resource counts by ASFF type (regional controls) and per
// account (global ones), about what a mid-size workload account holds.
var (
	regionalCounts = map[string]int{"AwsAccount": 1, "AwsEc2Instance": 3, "AwsEc2LaunchTemplate": 1, "AwsEc2NetworkAcl": 1,
		"AwsEc2SecurityGroup": 2, "AwsEc2Subnet": 2, "AwsEc2Volume": 3, "AwsEc2Vpc": 1, "AwsKmsKey": 1, "AwsLambdaFunction": 1, "Other": 1}
	globalCounts = map[string]int{"AwsAccount": 1, "AwsCloudTrailTrail": 1, "AwsIamPolicy": 3, "AwsIamRole": 6, "AwsIamUser": 6,
		"AwsS3AccessPoint": 1, "AwsS3Bucket": 4, "Other": 1}
	// replaced types are ones whose resources come and go.
	replaced = map[string]bool{"AwsEc2Instance": true, "AwsEc2Volume": true, "AwsLambdaFunction": true}
)

// Report generates the scan: every control of the default catalog over
// every account and region, with statuses mixed as real scans are (most
// pass, about a fifth fail, a few are not applicable or errors), resource
// tags, one account in a hundred unassessed, collector gaps, and the
// inventory of the resources judged.
func (s Synthetic) Report() (*report.Report, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	if s.Scan == 0 {
		s.Scan = 1
	}
	if s.At.IsZero() {
		s.At = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(s.Scan-1) * 24 * time.Hour)
	}
	rep := &report.Report{
		ID: fmt.Sprintf("scan-synthetic-%d", s.Scan), Started: s.At, Finished: s.At.Add(4 * time.Minute),
		Scope:    report.Scope{OrgID: "o-synthetic", Management: "100000000000", Caller: "arn:aws:iam::100000000000:role/guardrail", Regions: s.Regions},
		Controls: cat.Controls(), Standards: cat.Standards(),
	}
	home := "us-east-1"
	for a := range s.Accounts {
		acct := fmt.Sprintf("%012d", 100000000000+a)
		ra := report.Account{ID: acct, Name: fmt.Sprintf("workload-%03d", a), OUPath: fmt.Sprintf("Root/%s/team-%02d", []string{"Production", "Staging", "Sandbox"}[a%3], a%20),
			Status: "ACTIVE", Regions: s.Regions}
		if s.Accounts >= 100 && (a+s.Scan)%100 == 0 {
			ra.Error = "AccessDenied: not authorized to perform sts:AssumeRole"
		}
		rep.Accounts = append(rep.Accounts, ra)
		if ra.Error != "" {
			for _, c := range rep.Controls {
				rep.Results = append(rep.Results, control.Result{Control: c.ID, Status: control.Error,
					Resource: snapshot.Meta{ARN: "AWS::::Account:" + acct, Type: "AwsAccount", Account: acct, Region: home},
					Reason:   "account not assessed: " + ra.Error})
			}
			continue
		}
		// One target in 50 misses a collector.
		for _, r := range s.Regions {
			if h := hash(acct, r, "gap", s.Scan); h%50 == 0 {
				rep.Gaps = append(rep.Gaps, snapshot.Gap{GapKey: snapshot.GapKey{Account: acct, Region: r, Collector: "ec2"},
					Class: "throttled", Reason: "Throttling: rate exceeded"})
			}
		}
		for _, c := range rep.Controls {
			if c.Global {
				s.results(rep, c, acct, home, globalCounts)
				continue
			}
			for _, r := range s.Regions {
				s.results(rep, c, acct, r, regionalCounts)
			}
		}
	}
	control.Sort(rep.Results)
	rep.ComputeScores()
	rep.Stats = report.Stats{Accounts: len(rep.Accounts), Targets: len(rep.Accounts) * len(s.Regions)}
	rep.Inventory = syntheticInventory(rep)
	return rep, nil
}

func (s Synthetic) results(rep *report.Report, c *control.Control, acct, region string, counts map[string]int) {
	for _, g := range rep.Gaps {
		if g.Account == acct && g.Region == region && !c.Global && contains(c.Needs, g.Collector) {
			rep.Results = append(rep.Results, control.Result{Control: c.ID, Status: control.Error,
				Resource: snapshot.Meta{ARN: "AWS::::Account:" + acct, Type: "AwsAccount", Account: acct, Region: region},
				Reason:   g.Collector + " not collected: " + g.Reason})
			return
		}
	}
	n := counts[c.ResourceType]
	if n == 0 {
		n = 1
	}
	for k := range n {
		gen := 0
		if replaced[c.ResourceType] {
			// Generation: how many times resource k was replaced by now.
			for sc := 2; sc <= s.Scan; sc++ {
				if hash(acct, region, c.ResourceType, k, sc)%50 == 0 {
					gen++
				}
			}
		}
		m := meta(c.ResourceType, acct, region, k, gen)
		st := status(hash(c.ID, m.ARN))
		if s.Scan > 1 && hash(c.ID, m.ARN, s.Scan)%33 == 0 {
			st = status(hash(c.ID, m.ARN, s.Scan, "flip"))
		}
		reason := map[control.Status]string{control.Passed: "compliant", control.Failed: "not compliant: " + c.Title,
			control.NotApplicable: "does not apply", control.Error: "could not read the resource's configuration"}[st]
		rep.Results = append(rep.Results, control.Result{Control: c.ID, Status: st, Resource: m, Reason: reason})
	}
}

func status(h uint64) control.Status {
	switch p := h % 100; {
	case p < 72:
		return control.Passed
	case p < 94:
		return control.Failed
	case p < 99:
		return control.NotApplicable
	}
	return control.Error
}

func meta(typ, acct, region string, k, gen int) snapshot.Meta {
	m := snapshot.Meta{Type: typ, Account: acct, Region: region}
	id := fmt.Sprintf("%s%04x%02d%d", acct[8:], hash(region)%0xffff, k, gen)
	switch typ {
	case "AwsAccount":
		m.ARN, m.Name = "AWS::::Account:"+acct, "workload"
	case "AwsEc2Instance":
		m.ARN, m.Name = "arn:aws:ec2:"+region+":"+acct+":instance/i-0"+id, "web-"+id
		m.Tags = map[string]string{"app": []string{"web", "erp", "batch"}[k%3], "env": "prod", "owner": "team-" + acct[10:]}
	case "AwsEc2SecurityGroup":
		m.ARN, m.Name = "arn:aws:ec2:"+region+":"+acct+":security-group/sg-0"+id, "sg-"+id
	case "AwsIamUser":
		m.ARN, m.Name = "arn:aws:iam::"+acct+":user/user-"+id, "user-"+id
	case "AwsIamRole":
		m.ARN, m.Name = "arn:aws:iam::"+acct+":role/role-"+id, "role-"+id
	case "AwsS3Bucket":
		m.ARN, m.Name = "arn:aws:s3:::bucket-"+id, "bucket-"+id
		m.Tags = map[string]string{"data-class": []string{"public", "internal", "confidential"}[k%3]}
	default:
		m.ARN, m.Name = "arn:aws:"+typ+":"+region+":"+acct+":resource/"+id, typ+"-"+id
	}
	return m
}

func hash(parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	x := h.Sum64()
	// fnv's low bits are weak for short inputs: mix.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
