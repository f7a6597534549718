// Package eventbridge holds the controls on Amazon EventBridge event
// buses: custom buses have a resource-based policy (EventBridge.3). It
// reads snapshot/eventbridge only.
package eventbridge

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Controls returns the EventBridge controls. EventBridge.4 (global
// endpoints replicate events) is not here: the simulator has no global
// endpoints yet.
func Controls() []*control.Control { return []*control.Control{eventBridge3()} }

func eventBridge3() *control.Control {
	return &control.Control{
		ID:           "EventBridge.3",
		Title:        "EventBridge custom event buses should have a resource-based policy attached",
		Service:      "EventBridge",
		Severity:     control.Low,
		ResourceType: "AwsEventsEventbus",
		Needs:        []string{"eventbridge"},
		Check: func(in *control.Input) {
			eb := in.Region.EventBridge
			if eb == nil {
				in.Error(in.AccountMeta(), "EventBridge state was not collected in %s", in.RegionName())
				return
			}
			for i := range eb.Buses {
				b := &eb.Buses[i]
				m := snapshot.Meta{ARN: b.ARN, Type: "AwsEventsEventbus", Name: b.Name}
				switch {
				case b.Default():
					in.NotApplicable(m, "the default event bus is not a custom bus")
				case b.Policy == "":
					in.Fail(m, "custom event bus has no resource-based policy")
				default:
					in.Pass(m, "custom event bus has a resource-based policy")
				}
			}
		},
		Rationale: "A resource-based policy on a custom bus states who may put events on it and manage its rules; " +
			"without one, access rests on IAM policies alone, spread over every role of the account, and " +
			"cross-account senders cannot be limited to the organization.",
		Remediation: "Console: EventBridge > Event buses > the bus > Manage permissions: add a policy that names the " +
			"accounts (or the organization, with aws:PrincipalOrgID) allowed to call events:PutEvents.\n" +
			"CLI: aws events put-permission --event-bus-name <bus> --policy file://policy.json",
		WellArchitected: []string{"SEC03"},
	}
}
