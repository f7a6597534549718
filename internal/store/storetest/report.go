package storetest

import (
	"sort"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// The standards of the suite's controls.
var (
	FSBP = control.Standard{ID: "standards/aws-foundational-security-best-practices/v/1.0.0", Short: "fsbp", Name: "AWS FSBP",
		Requirements: []control.StdItem{{ID: "EC2.8", Controls: []string{"EC2.8"}}, {ID: "IAM.4", Controls: []string{"IAM.4"}}, {ID: "KMS.4", Controls: []string{"KMS.4"}}}}
	CIS = control.Standard{ID: "standards/cis-aws-foundations-benchmark/v/3.0.0", Short: "cis-3.0", Name: "CIS 3.0",
		Requirements: []control.StdItem{{ID: "1.4", Controls: []string{"IAM.4"}}, {ID: "3.6", Controls: []string{"KMS.4"}}}}
)

// The suite's controls: a regional one per EC2 instance, a global one on
// the account, a regional one per KMS key.
var (
	EC28 = &control.Control{ID: "EC2.8", Title: "EC2 instances should use IMDSv2", Service: "EC2", Severity: control.High,
		ResourceType: "AwsEc2Instance", Needs: []string{"ec2"},
		Standards: []control.Requirement{{Standard: FSBP.ID, ID: "EC2.8"}}}
	IAM4 = &control.Control{ID: "IAM.4", Title: "IAM root user access key should not exist", Service: "IAM", Severity: control.Critical,
		ResourceType: "AwsAccount", Global: true, Needs: []string{"iam"},
		Standards: []control.Requirement{{Standard: FSBP.ID, ID: "IAM.4"}, {Standard: CIS.ID, ID: "1.4"}}}
	KMS4 = &control.Control{ID: "KMS.4", Title: "AWS KMS key rotation should be enabled", Service: "KMS", Severity: control.Medium,
		ResourceType: "AwsKmsKey", Needs: []string{"kms"},
		Standards: []control.Requirement{{Standard: FSBP.ID, ID: "KMS.4"}, {Standard: CIS.ID, ID: "3.6"}}}
)

// The suite's collectors: iam and s3 read an account once, the others
// each region.
var Collectors = []report.Collector{{Name: "cloudtrail"}, {Name: "ec2"}, {Name: "iam", Global: true}, {Name: "kms"}, {Name: "s3", Global: true}}

// Builder builds a report.Report for tests, result by result.
type Builder struct {
	rep report.Report
}

// NewReport starts the report of scan id, run at at, over the suite's
// controls and standards.
func NewReport(id string, at time.Time) *Builder {
	return &Builder{rep: report.Report{
		ID: id, Started: at, Finished: at.Add(time.Minute),
		Scope:      report.Scope{OrgID: "o-test", Caller: "arn:aws:iam::111111111111:role/guardrail"},
		Controls:   []*control.Control{EC28, IAM4, KMS4},
		Standards:  []control.Standard{FSBP, CIS},
		Collectors: Collectors,
	}}
}

// Controls replaces the controls the scan evaluated.
func (b *Builder) Controls(cs ...*control.Control) *Builder {
	b.rep.Controls = cs
	return b
}

// Account adds an assessed account and its regions.
func (b *Builder) Account(id, name, ou string, regions ...string) *Builder {
	b.rep.Accounts = append(b.rep.Accounts, report.Account{ID: id, Name: name, OUPath: ou, Regions: regions})
	return b
}

// Skip marks region of account as asked for but not assessed (its last
// account added must be account).
func (b *Builder) Skip(account, region, why string) *Builder {
	a := b.account(account)
	if a.Skipped == nil {
		a.Skipped = map[string]string{}
	}
	a.Skipped[region] = why
	return b
}

// Unassessed marks account as not assessed at all, with why.
func (b *Builder) Unassessed(account, why string) *Builder {
	b.account(account).Error = why
	return b
}

func (b *Builder) account(id string) *report.Account {
	for i := range b.rep.Accounts {
		if b.rep.Accounts[i].ID == id {
			return &b.rep.Accounts[i]
		}
	}
	panic("storetest: no account " + id)
}

// Gap records that collector could not read account/region ("" for a
// global collector).
func (b *Builder) Gap(account, region, collector, why string) *Builder {
	b.rep.Gaps = append(b.rep.Gaps, snapshot.Gap{GapKey: snapshot.GapKey{Account: account, Region: region, Collector: collector}, Class: "access denied", Reason: why})
	return b
}

// Result adds the result of ctl for the resource arn of type typ.
func (b *Builder) Result(ctl string, s control.Status, account, region, typ, arn, reason string) *Builder {
	b.rep.Results = append(b.rep.Results, control.Result{Control: ctl, Status: s, Reason: reason,
		Resource: snapshot.Meta{ARN: arn, Type: typ, Name: lastPart(arn), Account: account, Region: region}})
	return b
}

// Instance adds an EC2.8 result for instance id.
func (b *Builder) Instance(s control.Status, account, region, id string) *Builder {
	return b.Result("EC2.8", s, account, region, "AwsEc2Instance", "arn:aws:ec2:"+region+":"+account+":instance/"+id, "instance "+id+" "+string(s))
}

// Root adds an IAM.4 result for account, reported in its home region.
func (b *Builder) Root(s control.Status, account, home string) *Builder {
	return b.Result("IAM.4", s, account, home, "AwsAccount", "AWS::::Account:"+account, "root access key "+string(s))
}

// Key adds a KMS.4 result for key id.
func (b *Builder) Key(s control.Status, account, region, id string) *Builder {
	return b.Result("KMS.4", s, account, region, "AwsKmsKey", "arn:aws:kms:"+region+":"+account+":key/"+id, "key "+id+" "+string(s))
}

// Report returns the report, its results sorted and scored.
func (b *Builder) Report() *report.Report {
	rep := b.rep
	rep.Results = append([]control.Result(nil), b.rep.Results...)
	control.Sort(rep.Results)
	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].ID < rep.Accounts[j].ID })
	rep.ComputeScores()
	rep.Stats = report.Stats{Accounts: len(rep.Accounts)}
	return &rep
}

func lastPart(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' || arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}
