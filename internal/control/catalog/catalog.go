// Package catalog assembles Guardrail's control catalog: every service's
// controls, listed explicitly, linked to the embedded standards.
package catalog

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	accessanalyzercontrol "github.com/guardrail-sec/guardrail/internal/control/accessanalyzer"
	accountcontrol "github.com/guardrail-sec/guardrail/internal/control/account"
	acmcontrol "github.com/guardrail-sec/guardrail/internal/control/acm"
	apigatewaycontrol "github.com/guardrail-sec/guardrail/internal/control/apigateway"
	autoscalingcontrol "github.com/guardrail-sec/guardrail/internal/control/autoscaling"
	backupcontrol "github.com/guardrail-sec/guardrail/internal/control/backup"
	cloudfrontcontrol "github.com/guardrail-sec/guardrail/internal/control/cloudfront"
	cloudtrailcontrol "github.com/guardrail-sec/guardrail/internal/control/cloudtrail"
	cloudwatchcontrol "github.com/guardrail-sec/guardrail/internal/control/cloudwatch"
	codebuildcontrol "github.com/guardrail-sec/guardrail/internal/control/codebuild"
	configcontrol "github.com/guardrail-sec/guardrail/internal/control/config"
	dynamodbcontrol "github.com/guardrail-sec/guardrail/internal/control/dynamodb"
	ec2control "github.com/guardrail-sec/guardrail/internal/control/ec2"
	ecrcontrol "github.com/guardrail-sec/guardrail/internal/control/ecr"
	ecscontrol "github.com/guardrail-sec/guardrail/internal/control/ecs"
	efscontrol "github.com/guardrail-sec/guardrail/internal/control/efs"
	ekscontrol "github.com/guardrail-sec/guardrail/internal/control/eks"
	elasticachecontrol "github.com/guardrail-sec/guardrail/internal/control/elasticache"
	elbcontrol "github.com/guardrail-sec/guardrail/internal/control/elb"
	eventbridgecontrol "github.com/guardrail-sec/guardrail/internal/control/eventbridge"
	guarddutycontrol "github.com/guardrail-sec/guardrail/internal/control/guardduty"
	iamcontrol "github.com/guardrail-sec/guardrail/internal/control/iam"
	inspectorcontrol "github.com/guardrail-sec/guardrail/internal/control/inspector"
	kinesiscontrol "github.com/guardrail-sec/guardrail/internal/control/kinesis"
	kmscontrol "github.com/guardrail-sec/guardrail/internal/control/kms"
	lambdacontrol "github.com/guardrail-sec/guardrail/internal/control/lambda"
	maciecontrol "github.com/guardrail-sec/guardrail/internal/control/macie"
	networkfirewallcontrol "github.com/guardrail-sec/guardrail/internal/control/networkfirewall"
	opensearchcontrol "github.com/guardrail-sec/guardrail/internal/control/opensearch"
	rdscontrol "github.com/guardrail-sec/guardrail/internal/control/rds"
	redshiftcontrol "github.com/guardrail-sec/guardrail/internal/control/redshift"
	route53control "github.com/guardrail-sec/guardrail/internal/control/route53"
	s3control "github.com/guardrail-sec/guardrail/internal/control/s3"
	secretsmanagercontrol "github.com/guardrail-sec/guardrail/internal/control/secretsmanager"
	securityhubcontrol "github.com/guardrail-sec/guardrail/internal/control/securityhub"
	sfncontrol "github.com/guardrail-sec/guardrail/internal/control/sfn"
	snscontrol "github.com/guardrail-sec/guardrail/internal/control/sns"
	sqscontrol "github.com/guardrail-sec/guardrail/internal/control/sqs"
	ssmcontrol "github.com/guardrail-sec/guardrail/internal/control/ssm"
	"github.com/guardrail-sec/guardrail/internal/control/standards"
	wafv2control "github.com/guardrail-sec/guardrail/internal/control/wafv2"
)

// Controls returns every control, unlinked.
func Controls() []*control.Control {
	var out []*control.Control
	for _, cs := range [][]*control.Control{
		accessanalyzercontrol.Controls(),
		accountcontrol.Controls(),
		cloudtrailcontrol.Controls(),
		cloudwatchcontrol.Controls(),
		configcontrol.Controls(),
		ec2control.Controls(),
		elbcontrol.Controls(),
		cloudfrontcontrol.Controls(),
		wafv2control.Controls(),
		ecscontrol.Controls(),
		ecrcontrol.Controls(),
		ekscontrol.Controls(),
		codebuildcontrol.Controls(),
		autoscalingcontrol.Controls(),
		ssmcontrol.Controls(),
		sfncontrol.Controls(),
		guarddutycontrol.Controls(),
		iamcontrol.Controls(),
		inspectorcontrol.Controls(),
		kmscontrol.Controls(),
		lambdacontrol.Controls(),
		rdscontrol.Controls(),
		s3control.Controls(),
		securityhubcontrol.Controls(),
		elasticachecontrol.Controls(),
		redshiftcontrol.Controls(),
		efscontrol.Controls(),
		opensearchcontrol.Controls(),
		dynamodbcontrol.Controls(),
		snscontrol.Controls(),
		sqscontrol.Controls(),
		secretsmanagercontrol.Controls(),
		acmcontrol.Controls(),
		maciecontrol.Controls(),
		eventbridgecontrol.Controls(),
		apigatewaycontrol.Controls(),
		kinesiscontrol.Controls(),
		backupcontrol.Controls(),
		route53control.Controls(),
		networkfirewallcontrol.Controls(),
	} {
		out = append(out, cs...)
	}
	return out
}

// Default returns the catalog of every control and embedded standard.
func Default() (*control.Catalog, error) {
	stds, err := standards.All()
	if err != nil {
		return nil, err
	}
	return control.NewCatalog(Controls(), stds)
}
