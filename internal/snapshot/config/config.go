// Package config holds the normalized AWS Config state of one account in
// one region: its configuration recorders with their status, and its
// delivery channels. It must not import the AWS SDK.
package config

import "time"

// Keys of Config.Errors: the details that could not be read.
const (
	// DetailRecorderStatus is DescribeConfigurationRecorderStatus.
	DetailRecorderStatus = "recorder_status"
	// DetailDeliveryChannels is DescribeDeliveryChannels.
	DetailDeliveryChannels = "delivery_channels"
)

// Recording strategies (RecordingGroup.RecordingStrategy.UseOnly).
const (
	AllSupportedResourceTypes = "ALL_SUPPORTED_RESOURCE_TYPES"
	InclusionByResourceTypes  = "INCLUSION_BY_RESOURCE_TYPES"
	ExclusionByResourceTypes  = "EXCLUSION_BY_RESOURCE_TYPES"
)

// Config is the AWS Config state of a region. An empty Recorders with no
// error means no recorder was ever set up there.
type Config struct {
	Recorders []Recorder        `json:"recorders"`
	Channels  []DeliveryChannel `json:"delivery_channels"`
	// Errors are the details that could not be read (keys Detail*), with
	// the reason: Recorders' Status and Channels are unknown then, not
	// absent.
	Errors map[string]string `json:"errors,omitempty"`
}

// Recorder is a configuration recorder.
type Recorder struct {
	Name    string `json:"name"`
	ARN     string `json:"arn,omitempty"`
	RoleARN string `json:"role_arn,omitempty"`
	// ServicePrincipal is set on service-linked recorders (created by
	// another AWS service for its own use); "" for the customer's.
	ServicePrincipal string `json:"service_principal,omitempty"`
	// RecordingScope is PAID (items delivered to the customer) or
	// INTERNAL (kept by the linked service); "" when not reported.
	RecordingScope string `json:"recording_scope,omitempty"`
	// AllSupported records every supported resource type, current and
	// future.
	AllSupported bool `json:"all_supported"`
	// IncludeGlobalResourceTypes also records global types (IAM users,
	// groups, roles, policies).
	IncludeGlobalResourceTypes bool     `json:"include_global_resource_types"`
	RecordingStrategy          string   `json:"recording_strategy,omitempty"`
	ResourceTypes              []string `json:"resource_types,omitempty"`
	ExcludedResourceTypes      []string `json:"excluded_resource_types,omitempty"`
	// RecordingFrequency is CONTINUOUS or DAILY.
	RecordingFrequency string `json:"recording_frequency,omitempty"`
	// Status is nil when it could not be read (Config.Errors says why) or
	// was not reported for this recorder.
	Status *RecorderStatus `json:"status,omitempty"`
}

// RecorderStatus is whether a recorder records, and how its last
// delivery went.
type RecorderStatus struct {
	Recording bool `json:"recording"`
	// LastStatus is Pending, Success or Failure.
	LastStatus       string    `json:"last_status,omitempty"`
	LastErrorCode    string    `json:"last_error_code,omitempty"`
	LastErrorMessage string    `json:"last_error_message,omitempty"`
	LastStart        time.Time `json:"last_start,omitzero"`
	LastStop         time.Time `json:"last_stop,omitzero"`
	LastStatusChange time.Time `json:"last_status_change,omitzero"`
}

// DeliveryChannel is where AWS Config delivers configuration snapshots
// and history.
type DeliveryChannel struct {
	Name         string `json:"name"`
	S3BucketName string `json:"s3_bucket_name,omitempty"`
	S3KeyPrefix  string `json:"s3_key_prefix,omitempty"`
	S3KMSKeyARN  string `json:"s3_kms_key_arn,omitempty"`
	SNSTopicARN  string `json:"sns_topic_arn,omitempty"`
	// DeliveryFrequency is the snapshot frequency ("TwentyFour_Hours").
	DeliveryFrequency string `json:"delivery_frequency,omitempty"`
}

// CustomerRecorders returns the recorders the customer manages, leaving
// out service-linked ones.
func (c *Config) CustomerRecorders() []Recorder {
	var out []Recorder
	for _, r := range c.Recorders {
		if r.ServicePrincipal == "" {
			out = append(out, r)
		}
	}
	return out
}
