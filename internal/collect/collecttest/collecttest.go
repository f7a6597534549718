// Package collecttest runs collectors against the simulator in tests and
// checks that every AWS call a collector makes is one of the IAM actions
// it declares, so the generated read-only policy is always enough.
package collecttest

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// prefixes maps an SDK service ID to its IAM action prefix.
var prefixes = map[string]string{
	"IAM": "iam", "S3": "s3", "S3 Control": "s3", "EC2": "ec2", "CloudTrail": "cloudtrail",
	"Config Service": "config", "GuardDuty": "guardduty", "SecurityHub": "securityhub",
	"AccessAnalyzer": "access-analyzer", "Inspector2": "inspector2", "KMS": "kms",
	"CloudWatch Logs": "logs", "CloudWatch": "cloudwatch", "SNS": "sns", "RDS": "rds",
	"Lambda": "lambda", "Account": "account", "STS": "sts", "Organizations": "organizations",
	"Detective":              "detective",
	"CloudFront":             "cloudfront",
	"WAFV2":                  "wafv2",
	"Elastic Load Balancing": "elasticloadbalancing", "Elastic Load Balancing v2": "elasticloadbalancing",
	"ElastiCache": "elasticache", "Redshift": "redshift", "DynamoDB": "dynamodb", "EFS": "elasticfilesystem", "OpenSearch": "es",
	"SQS": "sqs", "Secrets Manager": "secretsmanager", "ACM": "acm", "Macie2": "macie2",
	"EventBridge": "events",
	"ECS":         "ecs", "ECR": "ecr", "EKS": "eks", "Auto Scaling": "autoscaling",
	"CodeBuild": "codebuild", "SSM": "ssm", "SFN": "states",
	"API Gateway": "apigateway", "ApiGatewayV2": "apigateway",
	"Kinesis": "kinesis", "Backup": "backup", "Route 53": "route53", "Network Firewall": "network-firewall",
}

// renamed maps operations whose IAM action has another name.
var renamed = map[string]string{
	"s3:ListBuckets":                       "s3:ListAllMyBuckets",
	"s3:HeadBucket":                        "s3:ListBucket",
	"s3:GetBucketEncryption":               "s3:GetEncryptionConfiguration",
	"s3:GetObjectLockConfiguration":        "s3:GetBucketObjectLockConfiguration",
	"s3:GetBucketLifecycleConfiguration":   "s3:GetLifecycleConfiguration",
	"s3:GetBucketReplication":              "s3:GetReplicationConfiguration",
	"s3:GetPublicAccessBlock":              "s3:GetBucketPublicAccessBlock",
	"s3:GetBucketOwnershipControls":        "s3:GetBucketOwnershipControls",
	"s3control:GetPublicAccessBlock":       "s3:GetAccountPublicAccessBlock",
	"s3control:ListAccessPoints":           "s3:ListAccessPoints",
	"s3control:GetAccessPointPolicy":       "s3:GetAccessPointPolicy",
	"s3control:GetAccessPointPolicyStatus": "s3:GetAccessPointPolicyStatus",
	// Writes (remediation): deleting a Block Public Access configuration
	// or the ownership controls needs the Put action.
	"s3:PutPublicAccessBlock":           "s3:PutBucketPublicAccessBlock",
	"s3:DeletePublicAccessBlock":        "s3:PutBucketPublicAccessBlock",
	"s3:DeleteBucketOwnershipControls":  "s3:PutBucketOwnershipControls",
	"s3control:PutPublicAccessBlock":    "s3:PutAccountPublicAccessBlock",
	"s3control:DeletePublicAccessBlock": "s3:PutAccountPublicAccessBlock",
}

// Action returns the IAM action an SDK call needs: service ID "S3" and
// operation "ListBuckets" need "s3:ListAllMyBuckets".
func Action(serviceID, operation string) string {
	p := prefixes[serviceID]
	if p == "" {
		p = "unknown(" + serviceID + ")"
	}
	if p == "apigateway" {
		return apigatewayAction(operation)
	}
	key := p + ":" + operation
	if serviceID == "S3 Control" {
		key = "s3control:" + operation
	}
	if a, ok := renamed[key]; ok {
		return a
	}
	if serviceID == "S3 Control" {
		return "s3:" + operation
	}
	return key
}

// apigatewayAction: API Gateway authorizes its management API by HTTP
// verb (apigateway:GET, POST, PATCH, PUT, DELETE) on resource paths.
func apigatewayAction(operation string) string {
	for _, v := range []struct{ prefix, verb string }{
		{"Get", "GET"}, {"Create", "POST"}, {"Update", "PATCH"}, {"Put", "PUT"}, {"Import", "PUT"}, {"Delete", "DELETE"},
	} {
		if strings.HasPrefix(operation, v.prefix) {
			return "apigateway:" + v.verb
		}
	}
	return "apigateway:" + operation
}

// Recorder records the IAM actions of the calls made through configs it
// has instrumented.
type Recorder struct {
	mu      sync.Mutex
	actions map[string]int
}

// Instrument returns a copy of cfg whose calls r records.
func (r *Recorder) Instrument(cfg aws.Config) aws.Config {
	out := cfg.Copy()
	out.APIOptions = append(out.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("collecttest.record",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				a := Action(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
				r.mu.Lock()
				if r.actions == nil {
					r.actions = map[string]int{}
				}
				r.actions[a]++
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return out
}

// Actions returns the distinct actions recorded, sorted.
func (r *Recorder) Actions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.actions))
	for a := range r.actions {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Undeclared returns the recorded actions c does not declare.
func (r *Recorder) Undeclared(c collect.Collector) []string {
	declared := map[string]bool{}
	for _, a := range c.Actions {
		declared[a] = true
	}
	var out []string
	for _, a := range r.Actions() {
		if !declared[a] {
			out = append(out, a)
		}
	}
	return out
}

// Run runs c for account in region with cfg (acting in that account) and
// returns the filled account, failing t if c called an AWS action it does
// not declare. The collector's own error is returned for the test to judge.
func Run(t testing.TB, c collect.Collector, cfg aws.Config, account, region string, now time.Time) (*snapshot.Account, error) {
	t.Helper()
	var rec Recorder
	cfg = rec.Instrument(cfg)
	cfg.Region = region
	acct := &snapshot.Account{ID: account, Name: account, Partition: target.PartitionOf(region), HomeRegion: region,
		Regions: map[string]*snapshot.Region{region: {Name: region}}}
	in := collect.Input{
		Config:  cfg,
		Target:  target.Target{Partition: acct.Partition, Account: account, Region: region, Global: c.Global},
		Account: acct,
		Now:     now,
	}
	if !c.Global {
		in.Region = acct.Regions[region]
	}
	err := c.Collect(context.Background(), in)
	if u := rec.Undeclared(c); len(u) > 0 {
		t.Errorf("collector %s called actions it does not declare: %v", c.Name, u)
	}
	return acct, err
}
