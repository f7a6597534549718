package world

import "time"

// ConfigService is an account's AWS Config state in one region.
type ConfigService struct {
	// Recorders: AWS allows one customer-managed recorder per region.
	Recorders   []*ConfigRecorder   `yaml:"recorders,omitempty"`
	Channels    []*DeliveryChannel  `yaml:"delivery_channels,omitempty"`
	Aggregators []*ConfigAggregator `yaml:"aggregators,omitempty"`
	Rules       []*ConfigRule       `yaml:"rules,omitempty"`
}

// ConfigRecorder is a configuration recorder and its status.
type ConfigRecorder struct {
	Name    string `yaml:"name"`
	RoleARN string `yaml:"role_arn"`
	// AllSupported and IncludeGlobalResourceTypes are the recording group.
	AllSupported               bool     `yaml:"all_supported"`
	IncludeGlobalResourceTypes bool     `yaml:"include_global_resource_types"`
	ResourceTypes              []string `yaml:"resource_types,omitempty"`
	ExclusionResourceTypes     []string `yaml:"exclusion_resource_types,omitempty"`
	// RecordingStrategy: ALL_SUPPORTED_RESOURCE_TYPES,
	// INCLUSION_BY_RESOURCE_TYPES or EXCLUSION_BY_RESOURCE_TYPES.
	RecordingStrategy  string    `yaml:"recording_strategy,omitempty"`
	RecordingFrequency string    `yaml:"recording_frequency,omitempty"` // CONTINUOUS, DAILY
	Recording          bool      `yaml:"recording"`
	LastStatus         string    `yaml:"last_status,omitempty"` // Pending, Success, Failure
	LastStart          time.Time `yaml:"last_start,omitempty"`
	LastStop           time.Time `yaml:"last_stop,omitempty"`
	LastStatusChange   time.Time `yaml:"last_status_change,omitempty"`
}

// DeliveryChannel is a Config delivery channel.
type DeliveryChannel struct {
	Name              string    `yaml:"name"`
	S3BucketName      string    `yaml:"s3_bucket_name"`
	S3KeyPrefix       string    `yaml:"s3_key_prefix,omitempty"`
	S3KmsKeyArn       string    `yaml:"s3_kms_key_arn,omitempty"`
	SnsTopicARN       string    `yaml:"sns_topic_arn,omitempty"`
	DeliveryFrequency string    `yaml:"delivery_frequency,omitempty"` // One_Hour, ..., TwentyFour_Hours
	LastDelivery      time.Time `yaml:"last_delivery,omitempty"`
}

// ConfigAggregator is a configuration aggregator.
type ConfigAggregator struct {
	Name string `yaml:"name"`
	ID   string `yaml:"id,omitempty"` // config-aggregator-xxxxxxxx
	// Organization source (RoleARN set) or account sources.
	OrgRoleARN string            `yaml:"org_role_arn,omitempty"`
	AccountIDs []string          `yaml:"account_ids,omitempty"`
	AllRegions bool              `yaml:"all_regions"`
	Regions    []string          `yaml:"regions,omitempty"`
	Created    time.Time         `yaml:"created,omitempty"`
	Updated    time.Time         `yaml:"updated,omitempty"`
	Tags       map[string]string `yaml:"tags,omitempty"`
}

// ConfigRule is a Config rule (AWS managed or custom).
type ConfigRule struct {
	Name             string   `yaml:"name"`
	ID               string   `yaml:"id,omitempty"`
	Description      string   `yaml:"description,omitempty"`
	Owner            string   `yaml:"owner"` // AWS, CUSTOM_LAMBDA, CUSTOM_POLICY
	SourceIdentifier string   `yaml:"source_identifier"`
	InputParameters  string   `yaml:"input_parameters,omitempty"`
	ResourceTypes    []string `yaml:"resource_types,omitempty"`
	MaxFrequency     string   `yaml:"max_frequency,omitempty"`
	State            string   `yaml:"state,omitempty"` // ACTIVE
	CreatedBy        string   `yaml:"created_by,omitempty"`
}
