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
