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
	// Published are the messages published to the topic, oldest first.
	Published []*SNSPublished `yaml:"-"`
}

// SNSSubscription is a subscription to a topic.
type SNSSubscription struct {
	// ID is the last part of the subscription ARN (a UUID).
	ID        string `yaml:"id"`
	Protocol  string `yaml:"protocol"`
	Endpoint  string `yaml:"endpoint"`
	Confirmed bool   `yaml:"confirmed"`
}

// SNSPublished is one message published to a topic, as the simulator
// received it (tests read it; it is not part of a world file).
type SNSPublished struct {
	MessageID        string
	Subject          string
	Message          string
	MessageStructure string
	Attributes       map[string]SNSAttribute
	MessageGroupID   string
	DeduplicationID  string
}

// SNSAttribute is a message attribute: its data type (String, Number,
// Binary, String.Array, or one of those with a custom suffix) and value.
type SNSAttribute struct {
	DataType string
	Value    string // StringValue, or BinaryValue base64-decoded
}
