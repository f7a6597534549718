package cloudtrail

import (
	"strings"
	"time"
)

// CloudTrail is the CloudTrail state of a region.
type CloudTrail struct {
	Trails []Trail `json:"trails"`
}

// Trail is one trail.
type Trail struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// S3BucketName is the bucket the trail delivers to (possibly in
	// another account, such as the log archive).
	S3BucketName string `json:"s3_bucket_name"`
	S3KeyPrefix  string `json:"s3_key_prefix,omitempty"`
	// HomeRegion is where the trail was created; it is a shadow trail in
	// the other regions that show it.
	HomeRegion                 string `json:"home_region"`
	IsMultiRegion              bool   `json:"is_multi_region"`
	IsOrganization             bool   `json:"is_organization"`
	IncludeGlobalServiceEvents bool   `json:"include_global_service_events"`
	LogFileValidation          bool   `json:"log_file_validation"`
	// KMSKeyID is the key ARN of SSE-KMS encryption; "" means SSE-S3.
	KMSKeyID string `json:"kms_key_id,omitempty"`
	// CloudWatchLogsLogGroupARN is the log group the trail sends to
	// ("arn:aws:logs:<region>:<account>:log-group:<name>:*"), "" if none.
	CloudWatchLogsLogGroupARN string `json:"cloudwatch_logs_log_group_arn,omitempty"`
	CloudWatchLogsRoleARN     string `json:"cloudwatch_logs_role_arn,omitempty"`
	SNSTopicARN               string `json:"sns_topic_arn,omitempty"`

	// Status is the trail's logging status; nil when it could not be
	// read (Errors["status"] says why).
	Status *Status `json:"status,omitempty"`
	// Selectors are the trail's event selectors; nil when they could not
	// be read (Errors["event_selectors"] says why).
	Selectors *Selectors `json:"selectors,omitempty"`
	// Errors holds why a detail could not be read, keyed "status" or
	// "event_selectors".
	Errors map[string]string `json:"errors,omitempty"`
}

// Owner is the account that owns the trail (the account in its ARN).
func (t *Trail) Owner() string {
	f := strings.Split(t.ARN, ":")
	if len(f) < 6 {
		return ""
	}
	return f[4]
}

// Status is what GetTrailStatus answers.
type Status struct {
	IsLogging          bool      `json:"is_logging"`
	StartLoggingTime   time.Time `json:"start_logging_time,omitzero"`
	StopLoggingTime    time.Time `json:"stop_logging_time,omitzero"`
	LatestDeliveryTime time.Time `json:"latest_delivery_time,omitzero"`
	LatestDeliveryErr  string    `json:"latest_delivery_error,omitempty"`
	// LatestCloudWatchLogsDeliveryTime is when the trail last delivered
	// to its log group.
	LatestCloudWatchLogsDeliveryTime time.Time `json:"latest_cloudwatch_logs_delivery_time,omitzero"`
	LatestCloudWatchLogsDeliveryErr  string    `json:"latest_cloudwatch_logs_delivery_error,omitempty"`
}

// Selectors are a trail's event selectors: either basic or advanced ones
// (CloudTrail accepts one kind per trail).
type Selectors struct {
	Basic    []EventSelector         `json:"basic,omitempty"`
	Advanced []AdvancedEventSelector `json:"advanced,omitempty"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	// ReadWriteType is All, ReadOnly or WriteOnly; it applies to the
	// management and data events the selector selects.
	ReadWriteType                 string         `json:"read_write_type"`
	IncludeManagementEvents       bool           `json:"include_management_events"`
	ExcludeManagementEventSources []string       `json:"exclude_management_event_sources,omitempty"`
	DataResources                 []DataResource `json:"data_resources,omitempty"`
}

// DataResource selects data events of a resource type
// ("AWS::S3::Object") for resources whose ARN starts with one of Values.
type DataResource struct {
	Type   string   `json:"type"`
	Values []string `json:"values,omitempty"`
}

// AdvancedEventSelector logs the events that match every one of its
// field selectors.
type AdvancedEventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []FieldSelector `json:"field_selectors"`
}

// FieldSelector is one condition on an event field ("eventCategory",
// "readOnly", "resources.type", "resources.ARN", "eventSource", ...).
type FieldSelector struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}
