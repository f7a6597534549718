// Package registry lists every collector Guardrail has, explicitly (no
// init-time registration): adding a service means adding it here.
package registry

import (
	"github.com/guardrail-sec/guardrail/internal/collect"
	accessanalyzercollect "github.com/guardrail-sec/guardrail/internal/collect/accessanalyzer"
	accountcollect "github.com/guardrail-sec/guardrail/internal/collect/account"
	acmcollect "github.com/guardrail-sec/guardrail/internal/collect/acm"
	apigatewaycollect "github.com/guardrail-sec/guardrail/internal/collect/apigateway"
	autoscalingcollect "github.com/guardrail-sec/guardrail/internal/collect/autoscaling"
	backupcollect "github.com/guardrail-sec/guardrail/internal/collect/backup"
	cloudfrontcollect "github.com/guardrail-sec/guardrail/internal/collect/cloudfront"
	cloudtrailcollect "github.com/guardrail-sec/guardrail/internal/collect/cloudtrail"
	cloudwatchcollect "github.com/guardrail-sec/guardrail/internal/collect/cloudwatch"
	codebuildcollect "github.com/guardrail-sec/guardrail/internal/collect/codebuild"
	configcollect "github.com/guardrail-sec/guardrail/internal/collect/config"
	dynamodbcollect "github.com/guardrail-sec/guardrail/internal/collect/dynamodb"
	ec2collect "github.com/guardrail-sec/guardrail/internal/collect/ec2"
	ecrcollect "github.com/guardrail-sec/guardrail/internal/collect/ecr"
	ecscollect "github.com/guardrail-sec/guardrail/internal/collect/ecs"
	efscollect "github.com/guardrail-sec/guardrail/internal/collect/efs"
	ekscollect "github.com/guardrail-sec/guardrail/internal/collect/eks"
	elasticachecollect "github.com/guardrail-sec/guardrail/internal/collect/elasticache"
	elbcollect "github.com/guardrail-sec/guardrail/internal/collect/elb"
	eventbridgecollect "github.com/guardrail-sec/guardrail/internal/collect/eventbridge"
	guarddutycollect "github.com/guardrail-sec/guardrail/internal/collect/guardduty"
	iamcollect "github.com/guardrail-sec/guardrail/internal/collect/iam"
	inspector2collect "github.com/guardrail-sec/guardrail/internal/collect/inspector2"
	kinesiscollect "github.com/guardrail-sec/guardrail/internal/collect/kinesis"
	kmscollect "github.com/guardrail-sec/guardrail/internal/collect/kms"
	lambdacollect "github.com/guardrail-sec/guardrail/internal/collect/lambda"
	logscollect "github.com/guardrail-sec/guardrail/internal/collect/logs"
	maciecollect "github.com/guardrail-sec/guardrail/internal/collect/macie"
	networkfirewallcollect "github.com/guardrail-sec/guardrail/internal/collect/networkfirewall"
	opensearchcollect "github.com/guardrail-sec/guardrail/internal/collect/opensearch"
	rdscollect "github.com/guardrail-sec/guardrail/internal/collect/rds"
	redshiftcollect "github.com/guardrail-sec/guardrail/internal/collect/redshift"
	route53collect "github.com/guardrail-sec/guardrail/internal/collect/route53"
	s3collect "github.com/guardrail-sec/guardrail/internal/collect/s3"
	secretsmanagercollect "github.com/guardrail-sec/guardrail/internal/collect/secretsmanager"
	securityhubcollect "github.com/guardrail-sec/guardrail/internal/collect/securityhub"
	sfncollect "github.com/guardrail-sec/guardrail/internal/collect/sfn"
	snscollect "github.com/guardrail-sec/guardrail/internal/collect/sns"
	sqscollect "github.com/guardrail-sec/guardrail/internal/collect/sqs"
	ssmcollect "github.com/guardrail-sec/guardrail/internal/collect/ssm"
	wafv2collect "github.com/guardrail-sec/guardrail/internal/collect/wafv2"
)

// All returns every collector, global ones first.
func All() []collect.Collector {
	return []collect.Collector{
		iamcollect.Collector(),
		accountcollect.Collector(),
		s3collect.Collector(),
		cloudfrontcollect.Collector(),
		accessanalyzercollect.Collector(),
		cloudtrailcollect.Collector(),
		cloudwatchcollect.Collector(),
		configcollect.Collector(),
		ec2collect.Collector(),
		elbcollect.Collector(),
		ecscollect.Collector(),
		ecrcollect.Collector(),
		ekscollect.Collector(),
		codebuildcollect.Collector(),
		autoscalingcollect.Collector(),
		ssmcollect.Collector(),
		sfncollect.Collector(),
		guarddutycollect.Collector(),
		inspector2collect.Collector(),
		kmscollect.Collector(),
		lambdacollect.Collector(),
		logscollect.Collector(),
		rdscollect.Collector(),
		securityhubcollect.Collector(),
		snscollect.Collector(),
		wafv2collect.Collector(),
		elasticachecollect.Collector(),
		redshiftcollect.Collector(),
		efscollect.Collector(),
		opensearchcollect.Collector(),
		dynamodbcollect.Collector(),
		sqscollect.Collector(),
		secretsmanagercollect.Collector(),
		acmcollect.Collector(),
		maciecollect.Collector(),
		eventbridgecollect.Collector(),
		apigatewaycollect.Collector(),
		kinesiscollect.Collector(),
		backupcollect.Collector(),
		route53collect.Collector(),
		networkfirewallcollect.Collector(),
	}
}

// DiscoveryActions are the IAM actions discovery itself calls, in the
// management account (Organizations, STS) and in each member account
// (regions).
var DiscoveryActions = []string{
	"sts:GetCallerIdentity", "sts:AssumeRole",
	"organizations:DescribeOrganization", "organizations:ListRoots",
	"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
	"organizations:ListTagsForResource",
	"account:ListRegions", "ec2:DescribeRegions",
}

// Policy returns the least-privilege read-only policy for a scan.
func Policy() collect.PolicyDocument { return collect.Policy(All(), DiscoveryActions...) }
