// Package sfn holds the AWS Step Functions controls. They read the
// "stepfunctions" collector's state and never call AWS.
package sfn

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Controls returns the Step Functions controls.
func Controls() []*control.Control { return []*control.Control{sfn1()} }

func sfn1() *control.Control {
	c := &control.Control{
		ID:           "StepFunctions.1",
		Title:        "Step Functions state machines should have logging turned on",
		Service:      "StepFunctions",
		Severity:     control.Medium,
		ResourceType: "AwsStepFunctionStateMachine",
		Needs:        []string{"stepfunctions"},
		Rationale: "Without execution logs there is no record of what a workflow did with its inputs, which steps " +
			"failed, or who started it with what.",
		Remediation: "Turn logging on (level ERROR at least, ALL for sensitive workflows) to a CloudWatch Logs group.\n" +
			"Console: Step Functions > State machines > the state machine > Edit > Config > Logging.\n" +
			"CLI: aws stepfunctions update-state-machine --state-machine-arn <arn> --logging-configuration " +
			"'level=ERROR,includeExecutionData=false,destinations=[{cloudWatchLogsLogGroup={logGroupArn=<log-group-arn>}}]'",
		WellArchitected: []string{"SEC04"},
	}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.StepFunctions == nil {
			in.Error(in.AccountMeta(), "Step Functions state was not collected in %s", in.RegionName())
			return
		}
		for _, m := range in.Region.StepFunctions.StateMachines {
			meta := snapshot.Meta{ARN: m.ARN, Type: c.ResourceType, Name: m.Name, Account: in.Account.ID, Region: in.RegionName()}
			switch {
			case m.Error != "":
				in.Error(meta, "state machine could not be described: %s", m.Error)
			case m.LogLevel == "OFF" || m.LogLevel == "":
				in.Fail(meta, "logging is off")
			default:
				in.Pass(meta, "logging level %s", m.LogLevel)
			}
		}
	}
	return c
}
