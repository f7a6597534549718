// Package snapshot is the normalized state Guardrail assesses: for every
// account its global state (IAM, S3, account settings) and for every
// region its regional state, in plain structs of the packages under
// snapshot/ (one per AWS service). Collectors fill it; controls read it
// and never call AWS. It must not import the AWS SDK.
//
// What could not be read is never left looking like "nothing there": a
// collector that fails leaves a Gap (account, region, collector, why), and
// a resource whose detail could not be read says so in its own fields.
// Controls turn both into ERROR results.
package snapshot

import (
	"sort"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot/accessanalyzer"
	"github.com/guardrail-sec/guardrail/internal/snapshot/account"
	"github.com/guardrail-sec/guardrail/internal/snapshot/acm"
	"github.com/guardrail-sec/guardrail/internal/snapshot/apigateway"
	"github.com/guardrail-sec/guardrail/internal/snapshot/autoscaling"
	"github.com/guardrail-sec/guardrail/internal/snapshot/backup"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudfront"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/codebuild"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
	"github.com/guardrail-sec/guardrail/internal/snapshot/dynamodb"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecr"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/efs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eks"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elasticache"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elb"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eventbridge"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
	"github.com/guardrail-sec/guardrail/internal/snapshot/inspector2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kinesis"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/macie"
	"github.com/guardrail-sec/guardrail/internal/snapshot/networkfirewall"
	"github.com/guardrail-sec/guardrail/internal/snapshot/opensearch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot/redshift"
	"github.com/guardrail-sec/guardrail/internal/snapshot/route53"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
	"github.com/guardrail-sec/guardrail/internal/snapshot/secretsmanager"
	"github.com/guardrail-sec/guardrail/internal/snapshot/securityhub"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sfn"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sqs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ssm"
	"github.com/guardrail-sec/guardrail/internal/snapshot/wafv2"
)

// Snapshot is the state of every assessed account.
type Snapshot struct {
	Taken      time.Time `json:"taken"`
	OrgID      string    `json:"org_id,omitempty"`
	Management string    `json:"management_account,omitempty"`
	// Accounts are sorted by ID.
	Accounts []*Account `json:"accounts"`

	mu   sync.Mutex
	gaps map[GapKey]Gap
	byID map[string]*Account
}

// Account is one account: who it is, and its state.
type Account struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Email     string            `json:"email,omitempty"`
	Status    string            `json:"status,omitempty"`
	OUID      string            `json:"ou_id,omitempty"`
	OUPath    string            `json:"ou_path,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	Partition string            `json:"partition"`
	// HomeRegion is where global services are called and where results
	// about account-wide state are reported.
	HomeRegion string `json:"home_region"`
	// Err, when set, says why nothing in the account could be assessed
	// (its role could not be assumed).
	Err string `json:"error,omitempty"`
	// Skipped are regions that were asked for but are not enabled in the
	// account, with the reason; they are reported as not assessed.
	Skipped map[string]string `json:"skipped_regions,omitempty"`

	IAM      *iam.IAM          `json:"iam,omitempty"`
	Settings *account.Settings `json:"settings,omitempty"`
	S3       *s3.S3            `json:"s3,omitempty"`
	// CloudFront is global: read once per account, in its home region.
	CloudFront *cloudfront.CloudFront `json:"cloudfront,omitempty"`
	// Route53 is global: read once per account, in its home region.
	Route53 *route53.Route53 `json:"route53,omitempty"`

	// Regions holds the regional state of each assessed region.
	Regions map[string]*Region `json:"regions"`
}

// Region is the regional state of one account in one region.
type Region struct {
	Name           string                         `json:"name"`
	EC2            *ec2.EC2                       `json:"ec2,omitempty"`
	CloudTrail     *cloudtrail.CloudTrail         `json:"cloudtrail,omitempty"`
	Config         *config.Config                 `json:"config,omitempty"`
	GuardDuty      *guardduty.GuardDuty           `json:"guardduty,omitempty"`
	SecurityHub    *securityhub.SecurityHub       `json:"securityhub,omitempty"`
	AccessAnalyzer *accessanalyzer.AccessAnalyzer `json:"accessanalyzer,omitempty"`
	Inspector2     *inspector2.Inspector2         `json:"inspector2,omitempty"`
	KMS            *kms.KMS                       `json:"kms,omitempty"`
	Logs           *logs.Logs                     `json:"logs,omitempty"`
	CloudWatch     *cloudwatch.CloudWatch         `json:"cloudwatch,omitempty"`
	SNS            *sns.SNS                       `json:"sns,omitempty"`
	RDS            *rds.RDS                       `json:"rds,omitempty"`
	Lambda         *lambda.Lambda                 `json:"lambda,omitempty"`
	ELB            *elb.ELB                       `json:"elb,omitempty"`
	WAFv2          *wafv2.WAFv2                   `json:"wafv2,omitempty"`
	ElastiCache    *elasticache.ElastiCache       `json:"elasticache,omitempty"`
	Redshift       *redshift.Redshift             `json:"redshift,omitempty"`
	EFS            *efs.EFS                       `json:"efs,omitempty"`
	OpenSearch     *opensearch.OpenSearch         `json:"opensearch,omitempty"`
	DynamoDB       *dynamodb.DynamoDB             `json:"dynamodb,omitempty"`
	Kinesis        *kinesis.Kinesis               `json:"kinesis,omitempty"`
	Backup         *backup.Backup                 `json:"backup,omitempty"`
	SQS            *sqs.SQS                       `json:"sqs,omitempty"`
	SecretsManager *secretsmanager.SecretsManager `json:"secretsmanager,omitempty"`
	ACM            *acm.ACM                       `json:"acm,omitempty"`
	Macie          *macie.Macie                   `json:"macie,omitempty"`
	EventBridge    *eventbridge.EventBridge       `json:"eventbridge,omitempty"`
	ECS            *ecs.ECS                       `json:"ecs,omitempty"`
	ECR            *ecr.ECR                       `json:"ecr,omitempty"`
	EKS            *eks.EKS                       `json:"eks,omitempty"`
	CodeBuild      *codebuild.CodeBuild           `json:"codebuild,omitempty"`
	AutoScaling    *autoscaling.AutoScaling       `json:"autoscaling,omitempty"`
	SSM            *ssm.SSM                       `json:"ssm,omitempty"`
	StepFunctions  *sfn.StepFunctions             `json:"stepfunctions,omitempty"`
	APIGateway     *apigateway.APIGateway         `json:"apigateway,omitempty"`

	// NetworkFirewall is kept apart so its long name does not realign the fields above.
	NetworkFirewall *networkfirewall.NetworkFirewall `json:"networkfirewall,omitempty"`
}

// RegionNames returns the assessed regions of a, sorted.
func (a *Account) RegionNames() []string {
	out := make([]string, 0, len(a.Regions))
	for r := range a.Regions {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// ARN is the account's own resource ID as Security Hub names it.
func (a *Account) ARN() string { return "AWS::::Account:" + a.ID }

// Meta returns the account as a resource reported in region.
func (a *Account) Meta(region string) Meta {
	return Meta{ARN: a.ARN(), Type: "AwsAccount", Name: a.Name, Account: a.ID, Region: region}
}

// Add puts a into s (replacing an account with the same ID) and keeps the
// accounts sorted. Call before collection starts.
func (s *Snapshot) Add(a *Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = map[string]*Account{}
	}
	if old := s.byID[a.ID]; old != nil {
		*old = *a
		return
	}
	s.byID[a.ID] = a
	s.Accounts = append(s.Accounts, a)
	sort.Slice(s.Accounts, func(i, j int) bool { return s.Accounts[i].ID < s.Accounts[j].ID })
}

// Account returns the account with id, or nil.
func (s *Snapshot) Account(id string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// Meta identifies a resource: every result points at one.
type Meta struct {
	// ARN is the resource's ARN, or Security Hub's ID for things without
	// one ("AWS::::Account:111122223333").
	ARN string `json:"arn"`
	// Type is the ASFF resource type (AwsS3Bucket, AwsIamUser, AwsAccount).
	Type    string            `json:"type"`
	Name    string            `json:"name,omitempty"`
	Account string            `json:"account"`
	Region  string            `json:"region"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// GapKey names what a gap is about. Region is "" for global collectors.
type GapKey struct {
	Account   string `json:"account"`
	Region    string `json:"region,omitempty"`
	Collector string `json:"collector"`
}

// Gap is state that could not be collected, and why.
type Gap struct {
	GapKey
	// Class is the kind of failure: "access denied", "throttled",
	// "region disabled", "unsupported", "not found", "error".
	Class  string `json:"class"`
	Reason string `json:"reason"`
}

// AddGap records that collector could not read account/region. Safe for
// concurrent use.
func (s *Snapshot) AddGap(g Gap) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gaps == nil {
		s.gaps = map[GapKey]Gap{}
	}
	s.gaps[g.GapKey] = g
}

// Gap returns the gap of collector in account/region ("" for global).
func (s *Snapshot) Gap(account, region, collector string) (Gap, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gaps[GapKey{account, region, collector}]
	return g, ok
}

// Gaps returns every gap, sorted by account, region, collector.
func (s *Snapshot) Gaps() []Gap { return s.gapsOf("") }

// AccountGaps returns the gaps of account, sorted by region, collector.
func (s *Snapshot) AccountGaps(account string) []Gap { return s.gapsOf(account) }

// gapsOf returns the gaps of account (all when ""), sorted.
func (s *Snapshot) gapsOf(account string) []Gap {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Gap
	if account == "" {
		out = make([]Gap, 0, len(s.gaps))
	}
	for _, g := range s.gaps {
		if account == "" || g.Account == account {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Collector < b.Collector
	})
	return out
}
