package world

// SNS is an account's SNS topics (and their subscriptions) in one region.
type SNS struct {
	Topics []*SNSTopic `yaml:"topics"`
}

// SNSTopic is an SNS topic.
type SNSTopic struct {
	Name string `yaml:"name"`
	// Attributes are the settable attributes (DisplayName, Policy,
	// KmsMasterKeyId, DeliveryPolicy, ...); Policy empty means the default.
	Attributes    map[string]string  `yaml:"attributes"`
	Subscriptions []*SNSSubscription `yaml:"subscriptions"`
	Tags          map[string]string  `yaml:"tags"`
}

// SNSSubscription is a subscription to a topic.
type SNSSubscription struct {
	// ID is the last part of the subscription ARN (a UUID).
	ID        string `yaml:"id"`
	Protocol  string `yaml:"protocol"`
	Endpoint  string `yaml:"endpoint"`
	Confirmed bool   `yaml:"confirmed"`
}
