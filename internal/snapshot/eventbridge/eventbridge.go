// Package eventbridge holds the normalized Amazon EventBridge state of one
// account in one region: its event buses and their resource policies. It
// must not import the AWS SDK.
package eventbridge

// EventBridge is the EventBridge state of a region.
type EventBridge struct {
	Buses []Bus `json:"buses"`
}

// Bus is an event bus.
type Bus struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// Policy is its resource-based policy, "" when it has none.
	Policy string `json:"policy,omitempty"`
}

// Default reports whether b is the account's default bus, which AWS
// services send their events to.
func (b *Bus) Default() bool { return b.Name == "default" }
