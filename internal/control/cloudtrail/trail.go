package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// checkEnabled is CloudTrail.1: the account has a multi-region trail,
// logging, with every read and write management event (no event source
// left out). The organization's trail counts for its members.
func checkEnabled(in *control.Input) {
	v := See(in)
	ok, why, unknown := v.Qualifying(in, cloudtrail.ManagementEvents)
	switch {
	case len(ok) > 0:
		in.Pass(in.AccountMeta(), "multi-region trail %s is logging read and write management events", Label(in, ok[0]))
	case len(unknown) > 0:
		in.Error(in.AccountMeta(), "%s", strings.Join(unknown, "; "))
	case len(v.Trails) == 0:
		in.Fail(in.AccountMeta(), "no CloudTrail trail in any assessed region")
	default:
		in.Fail(in.AccountMeta(), "no multi-region trail logs read and write management events: %s", strings.Join(why, "; "))
	}
}

// trailCheck judges every trail the account sees, once, with judge (the
// trail-level controls CloudTrail.2, .4, .5).
func trailCheck(judge func(in *control.Input, t cloudtrail.Trail)) func(*control.Input) {
	return func(in *control.Input) {
		v := See(in)
		for _, m := range v.Missing {
			in.Error(in.Account.Meta(m.Region), "cloudtrail not collected in %s: %s", m.Region, m.Reason)
		}
		for _, t := range v.Trails {
			if judgedHere(in, t) {
				judge(in, t)
			}
		}
	}
}

// encrypted is CloudTrail.2.
func encrypted(in *control.Input, t cloudtrail.Trail) {
	if t.KMSKeyID != "" {
		in.Pass(Meta(t), "trail %s encrypts its logs with KMS key %s", Label(in, t), t.KMSKeyID)
		return
	}
	in.Fail(Meta(t), "trail %s is not encrypted with a KMS key (SSE-S3 only)", Label(in, t))
}

// validated is CloudTrail.4.
func validated(in *control.Input, t cloudtrail.Trail) {
	in.Check(Meta(t), t.LogFileValidation,
		fmt.Sprintf("trail %s has log file validation enabled", Label(in, t)),
		fmt.Sprintf("trail %s does not have log file validation enabled", Label(in, t)))
}

// integrated is CloudTrail.5.
func integrated(in *control.Input, t cloudtrail.Trail) {
	if t.CloudWatchLogsLogGroupARN == "" {
		in.Fail(Meta(t), "trail %s does not send its events to CloudWatch Logs", Label(in, t))
		return
	}
	in.Pass(Meta(t), "trail %s sends its events to log group %s", Label(in, t), t.CloudWatchLogsLogGroupARN)
}
