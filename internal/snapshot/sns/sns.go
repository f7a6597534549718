// Package sns holds the normalized SNS state of one account in one
// region: its topics and their subscriptions. It must not import the AWS
// SDK.
package sns

// SNS is the SNS state of a region.
type SNS struct {
	Topics []Topic `json:"topics"`
}

// Topic is a topic.
type Topic struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// Subscriptions are every subscription to the topic, confirmed or
	// not; nil when they could not be read (Errors["subscriptions"]).
	Subscriptions []Subscription `json:"subscriptions"`
	// KMSKeyID is the KmsMasterKeyId attribute: the KMS key (ID, ARN or
	// alias) that encrypts the topic at rest, "" when not encrypted.
	KMSKeyID string `json:"kms_key_id,omitempty"`
	// Policy is the topic's access policy document (SNS always has one:
	// a new topic gets a default policy limited to its owner).
	Policy string `json:"policy,omitempty"`
	// Errors holds why a detail could not be read, keyed "subscriptions",
	// DetailAttributes (then KMSKeyID and Policy are unknown), or
	// DetailKMSKey or DetailPolicy alone (infrastructure code whose value
	// is known only after apply).
	Errors map[string]string `json:"errors,omitempty"`
}

// Keys of Topic.Errors: GetTopicAttributes failed (both unknown), or one
// attribute is unknown.
const (
	DetailAttributes = "attributes"
	DetailKMSKey     = "kms_key"
	DetailPolicy     = "policy"
)

// Unknown returns why detail (DetailKMSKey or DetailPolicy) of t is
// unknown, or "".
func (t *Topic) Unknown(detail string) string {
	if why := t.Errors[DetailAttributes]; why != "" {
		return why
	}
	return t.Errors[detail]
}

// Subscription is a subscription to a topic.
type Subscription struct {
	// ARN is the subscription's ARN, or "PendingConfirmation" while the
	// endpoint has not confirmed it.
	ARN      string `json:"arn"`
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
	Owner    string `json:"owner,omitempty"`
}

// Confirmed reports whether the endpoint confirmed the subscription, so
// messages reach it.
func (s Subscription) Confirmed() bool {
	return s.ARN != "" && s.ARN != "PendingConfirmation" && s.ARN != "Deleted"
}

// Confirmed returns the topic's confirmed subscriptions.
func (t *Topic) Confirmed() []Subscription {
	var out []Subscription
	for _, s := range t.Subscriptions {
		if s.Confirmed() {
			out = append(out, s)
		}
	}
	return out
}

// Topic returns the topic with arn, or nil.
func (s *SNS) Topic(arn string) *Topic {
	for i := range s.Topics {
		if s.Topics[i].ARN == arn {
			return &s.Topics[i]
		}
	}
	return nil
}
