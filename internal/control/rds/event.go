package rds

import (
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// subscriptionControl completes c as a control that judges every existing
// event subscription for sourceType: it must be enabled and carry every
// category of want (an empty category list subscribes to all of them).
// As in Security Hub, the subject is the subscription: a region with no
// subscription yields no result, and subscriptions for other source
// types are NOT_APPLICABLE.
func subscriptionControl(c control.Control, sourceType string, want []string) *control.Control {
	c.Service = "RDS"
	c.ResourceType = "AwsRdsEventSubscription"
	c.Needs = []string{"rds"}
	c.Check = func(in *control.Input) {
		r := state(in)
		if r == nil {
			return
		}
		if why, ok := r.Errors["event_subscriptions"]; ok {
			in.Error(in.AccountMeta(), "could not list event subscriptions: %s", why)
			return
		}
		for _, e := range r.EventSubscriptions {
			m := snapshot.Meta{ARN: e.ARN, Type: "AwsRdsEventSubscription", Name: e.Name, Account: in.Account.ID, Region: in.RegionName()}
			if e.SourceType != "" && e.SourceType != sourceType {
				in.NotApplicable(m, "subscribes to %s events", e.SourceType)
				continue
			}
			var missing []string
			if len(e.Categories) > 0 {
				for _, w := range want {
					if !slices.Contains(e.Categories, w) {
						missing = append(missing, w)
					}
				}
			}
			switch {
			case !e.Enabled:
				in.Fail(m, "subscription disabled")
			case len(missing) > 0:
				in.Fail(m, "%s events %s not subscribed", sourceType, strings.Join(missing, ", "))
			default:
				in.Pass(m, "%s events %s subscribed", sourceType, strings.Join(want, ", "))
			}
		}
	}
	return &c
}

func rds19() *control.Control {
	return subscriptionControl(control.Control{
		ID:       "RDS.19",
		Title:    "Existing RDS event notification subscriptions should be configured for critical cluster events",
		Severity: control.Low,
		Rationale: "Failure and maintenance events of a DB cluster tell the team about an outage or an imposed " +
			"change as it happens, instead of from its users.",
		Remediation: "Console: RDS > Event subscriptions > the subscription > Edit > Source type: Clusters; event " +
			"categories: failure and maintenance (or all) > Save.\n" +
			"CLI: aws rds modify-event-subscription --subscription-name <name> --source-type db-cluster --event-categories failure maintenance --enabled",
		WellArchitected: []string{"SEC04"},
	}, "db-cluster", []string{"maintenance", "failure"})
}

func rds20() *control.Control {
	return subscriptionControl(control.Control{
		ID:       "RDS.20",
		Title:    "Existing RDS event notification subscriptions should be configured for critical database instance events",
		Severity: control.Low,
		Rationale: "Failure, maintenance and configuration change events of a DB instance tell the team about an " +
			"outage or an unexpected change as it happens.",
		Remediation: "Console: RDS > Event subscriptions > the subscription > Edit > Source type: Instances; event " +
			"categories: failure, maintenance and configuration change (or all) > Save.\n" +
			"CLI: aws rds modify-event-subscription --subscription-name <name> --source-type db-instance " +
			"--event-categories failure maintenance \"configuration change\" --enabled",
		WellArchitected: []string{"SEC04"},
	}, "db-instance", []string{"maintenance", "configuration change", "failure"})
}

func rds21() *control.Control {
	return subscriptionControl(control.Control{
		ID:       "RDS.21",
		Title:    "An RDS event notifications subscription should be configured for critical database parameter group events",
		Severity: control.Low,
		Rationale: "A parameter group change can turn off TLS enforcement, audit logging or other settings of " +
			"every database that uses the group; a notification tells the team when it happens.",
		Remediation: "Console: RDS > Event subscriptions > the subscription > Edit > Source type: Parameter groups; " +
			"event categories: configuration change (or all) > Save.\n" +
			"CLI: aws rds modify-event-subscription --subscription-name <name> --source-type db-parameter-group " +
			"--event-categories \"configuration change\" --enabled",
		WellArchitected: []string{"SEC04"},
	}, "db-parameter-group", []string{"configuration change"})
}

func rds22() *control.Control {
	return subscriptionControl(control.Control{
		ID:       "RDS.22",
		Title:    "An RDS event notifications subscription should be configured for critical database security group events",
		Severity: control.Low,
		Rationale: "A change to a DB security group changes who can reach the databases behind it, and a failure " +
			"can cut them off; a notification tells the team when either happens.",
		Remediation: "Console: RDS > Event subscriptions > the subscription > Edit > Source type: Security groups; " +
			"event categories: configuration change and failure (or all) > Save.\n" +
			"CLI: aws rds modify-event-subscription --subscription-name <name> --source-type db-security-group " +
			"--event-categories \"configuration change\" failure --enabled",
		WellArchitected: []string{"SEC04"},
	}, "db-security-group", []string{"configuration change", "failure"})
}
