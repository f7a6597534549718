package sim

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/accessanalyzer"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/account"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/autoscaling"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/codebuild"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/config"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/detective"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/ec2"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/ecr"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/ecs"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/eks"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/eventbridge"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/guardduty"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/iam"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/inspector2"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/kms"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/lambda"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/logs"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/organizations"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/rds"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/s3"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/securityhub"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/sfn"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/sns"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/sqs"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/ssm"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/sts"
)

// Services returns every simulated service, explicitly listed.
func Services() []*svc.Service {
	return []*svc.Service{
		sts.Service(),
		organizations.Service(),
		account.Service(),
		iam.Service(),
		ec2.Service(),
		s3.Service(),
		s3.Control(),
		cloudtrail.Service(),
		config.Service(),
		guardduty.Service(),
		securityhub.Service(),
		accessanalyzer.Service(),
		inspector2.Service(),
		detective.Service(),
		kms.Service(),
		logs.Service(),
		cloudwatch.Service(),
		sns.Service(),
		sqs.Service(),
		eventbridge.Service(),
		rds.Service(),
		lambda.Service(),
		ecs.Service(),
		ecr.Service(),
		eks.Service(),
		codebuild.Service(),
		autoscaling.Service(),
		ssm.Service(),
		sfn.Service(),
	}
}
