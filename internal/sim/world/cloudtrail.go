package world

import "time"

// CloudTrail is an account's CloudTrail trails in one region (trails live in
// their home region; multi-region and organization trails are shown as
// shadow trails elsewhere by the service, not copied here).
type CloudTrail struct {
	Trails []*Trail `yaml:"trails,omitempty"`
}

// Trail is one CloudTrail trail. Its home region is the region whose state
// holds it.
type Trail struct {
	Name                       string             `yaml:"name"`
	S3BucketName               string             `yaml:"s3_bucket_name"`
	S3KeyPrefix                string             `yaml:"s3_key_prefix,omitempty"`
	SnsTopicName               string             `yaml:"sns_topic_name,omitempty"`
	IncludeGlobalServiceEvents bool               `yaml:"include_global_service_events"`
	IsMultiRegion              bool               `yaml:"is_multi_region"`
	IsOrganization             bool               `yaml:"is_organization"`
	LogFileValidation          bool               `yaml:"log_file_validation"`
	KmsKeyID                   string             `yaml:"kms_key_id,omitempty"`
	CloudWatchLogsLogGroupArn  string             `yaml:"cloudwatch_logs_log_group_arn,omitempty"`
	CloudWatchLogsRoleArn      string             `yaml:"cloudwatch_logs_role_arn,omitempty"`
	Logging                    bool               `yaml:"logging"`
	StartLogging               time.Time          `yaml:"start_logging,omitempty"`
	StopLogging                time.Time          `yaml:"stop_logging,omitempty"`
	LatestDelivery             time.Time          `yaml:"latest_delivery,omitempty"`
	EventSelectors             []EventSelector    `yaml:"event_selectors,omitempty"`
	AdvancedEventSelectors     []AdvancedSelector `yaml:"advanced_event_selectors,omitempty"`
	// InsightSelectors are the Insights types enabled (ApiCallRateInsight, ...).
	InsightSelectors []string          `yaml:"insight_selectors,omitempty"`
	Tags             map[string]string `yaml:"tags,omitempty"`
}

// EventSelector is a classic CloudTrail event selector.
type EventSelector struct {
	ReadWriteType                 string         `yaml:"read_write_type"` // ReadOnly, WriteOnly, All
	IncludeManagementEvents       bool           `yaml:"include_management_events"`
	ExcludeManagementEventSources []string       `yaml:"exclude_management_event_sources,omitempty"`
	DataResources                 []DataResource `yaml:"data_resources,omitempty"`
}

// DataResource is a data-event selector of a classic event selector.
type DataResource struct {
	Type   string   `yaml:"type"`
	Values []string `yaml:"values"`
}

// AdvancedSelector is an advanced CloudTrail event selector.
type AdvancedSelector struct {
	Name           string          `yaml:"name,omitempty"`
	FieldSelectors []FieldSelector `yaml:"field_selectors"`
}

// FieldSelector is one field condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `yaml:"field"`
	Equals        []string `yaml:"equals,omitempty"`
	NotEquals     []string `yaml:"not_equals,omitempty"`
	StartsWith    []string `yaml:"starts_with,omitempty"`
	NotStartsWith []string `yaml:"not_starts_with,omitempty"`
	EndsWith      []string `yaml:"ends_with,omitempty"`
	NotEndsWith   []string `yaml:"not_ends_with,omitempty"`
}

// OrgTrail is a copy of an organization trail of the management account,
// kept on the Organization (guarded by World.Mu) so member accounts can see
// it without locking the management account.
type OrgTrail struct {
	Account    string
	HomeRegion string
	Trail      Trail
}
