package iac

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/account"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

// Formats of a Source.
const (
	FormatTerraformPlan  = "terraform-plan"
	FormatCloudFormation = "cloudformation"
	FormatCDK            = "cdk"
)

// DefaultAccount and DefaultRegion are the synthetic account and region a
// source is assessed in when neither the code nor the caller names them.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// Source is one input file turned into the snapshot of one synthetic
// account and region.
type Source struct {
	// Path is the file (or cdk.out directory) as given.
	Path   string
	Format string
	// Resources are the resources the mapping turned into Snapshot, each
	// with the ARN it has there.
	Resources []*Resource
	Snapshot  *snapshot.Snapshot
	// NotAssessed are resources of a type no mapping covers, with Reason.
	NotAssessed []*Resource
}

// Account returns the synthetic account of s's snapshot.
func (s *Source) Account() *snapshot.Account {
	if s.Snapshot == nil || len(s.Snapshot.Accounts) == 0 {
		return nil
	}
	return s.Snapshot.Accounts[0]
}

// Resource is one resource of the code.
type Resource struct {
	// Address is the Terraform address
	// (module.app.aws_s3_bucket.logs["a"]) or the CloudFormation logical
	// ID.
	Address string `json:"address"`
	// Type is the code's type (aws_s3_bucket, AWS::S3::Bucket).
	Type string `json:"type"`
	// ARN is the synthetic ARN the resource has in the snapshot, so that
	// results map back to it. Several resources of the code can make one
	// snapshot resource (a bucket and its aws_s3_bucket_versioning): the
	// one that owns the ARN is the main one, the others name it in Joins.
	ARN string `json:"arn,omitempty"`
	// File and Line locate the resource's block ("" and 0 when unknown).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Construct is a CDK resource's construct path (its
	// Metadata."aws:cdk:path", "App/Data/Bucket/Resource"), "" otherwise.
	Construct string `json:"construct,omitempty"`
	// Unknown are the attribute paths the mapping read whose value is
	// known only after apply.
	Unknown []string `json:"unknown,omitempty"`
	// UnknownFor, when not nil, says which controls depend on which of
	// Unknown; a control it does not name keeps its verdict. When nil,
	// every verdict on the resource with Unknown set is UNKNOWN.
	UnknownFor map[string][]string `json:"-"`
	// Partial, when set, says the code defines only part of the resource
	// (rules added to a security group outside the plan): a FAILED
	// verdict stands (the part fails on its own), a PASSED or
	// NOT_APPLICABLE one is UNKNOWN with this reason.
	Partial string `json:"partial,omitempty"`
	// Facts are the account-level facts the resource defines (Fact*).
	Facts []string `json:"facts,omitempty"`
	// DefaultFrom names the account-level fact (Fact*) that decides the
	// resource's Unknown attributes when the code leaves them unset (an
	// EBS volume without "encrypted": EBS encryption by default). When
	// the code or the context defines the fact, Evaluate applies it and
	// the attributes are no longer unknown.
	DefaultFrom string `json:"-"`
	// DefaultOnlyIfOn: the fact decides only when it is on (a root
	// volume whose AMI's snapshot may be encrypted even when EBS
	// encryption by default is off).
	DefaultOnlyIfOn bool `json:"-"`
	// Joins is the address of the resource this one configures (an
	// aws_s3_bucket_policy joins its aws_s3_bucket).
	Joins string `json:"joins,omitempty"`
	// Reason says why a resource is not assessed.
	Reason string            `json:"reason,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// AddUnknown records that attribute path is known only after apply,
// once.
func (r *Resource) AddUnknown(path string) {
	for _, u := range r.Unknown {
		if u == path {
			return
		}
	}
	r.Unknown = append(r.Unknown, path)
}

// Loader turns one input into a Source. Errors name the file and the
// position (line:column) of what is wrong.
type Loader interface {
	Load(path string, data []byte) (*Source, error)
}

// LoaderFunc is a Loader.
type LoaderFunc func(path string, data []byte) (*Source, error)

// Load calls f.
func (f LoaderFunc) Load(path string, data []byte) (*Source, error) { return f(path, data) }

// InputError is input that cannot be read: the file, and where in it.
// A CLI reports it as a usage error.
type InputError struct {
	File string
	// Line and Column are 1-based; 0 when the error has no position.
	Line, Column int
	Err          error
}

func (e *InputError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

// LineCol turns a byte offset of data into a 1-based line and column.
func LineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// NewSnapshot is the empty snapshot of one synthetic account with one
// region: every service's state present and empty, as a collector that
// found nothing leaves it (not a gap: what the code does not define does
// not exist once it is applied, as far as the code can tell; the
// account-level state it cannot see is handled by Evaluate).
func NewSnapshot(accountID, region string, now time.Time) *snapshot.Snapshot {
	part := "aws"
	switch {
	case strings.HasPrefix(region, "cn-"):
		part = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		part = "aws-us-gov"
	}
	a := &snapshot.Account{
		ID: accountID, Name: "iac", Partition: part, HomeRegion: region,
		IAM:      &iam.IAM{},
		Settings: &account.Settings{},
		S3:       &s3.S3{},
		Regions: map[string]*snapshot.Region{region: {
			Name:       region,
			EC2:        &ec2.EC2{},
			CloudTrail: &cloudtrail.CloudTrail{},
			Config:     &config.Config{},
			GuardDuty:  &guardduty.GuardDuty{},
			KMS:        &kms.KMS{},
			Logs:       &logs.Logs{},
			CloudWatch: &cloudwatch.CloudWatch{},
			SNS:        &sns.SNS{},
			RDS:        &rds.RDS{},
			Lambda:     &lambda.Lambda{},
		}},
	}
	s := &snapshot.Snapshot{Taken: now}
	s.Add(a)
	return s
}

// Region returns the only region of the synthetic account.
func Region(a *snapshot.Account) *snapshot.Region {
	for _, r := range a.Regions {
		return r
	}
	return nil
}

// SortResources orders resources by address.
func SortResources(rs []*Resource) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Address < rs[j].Address })
}
