package world

import "time"

// Logs is an account's CloudWatch Logs log groups and metric filters in one region.
type Logs struct {
	Groups        []*LogGroup        `yaml:"groups"`
	MetricFilters []*LogMetricFilter `yaml:"metric_filters"`
}

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Name string `yaml:"name"`
	// RetentionDays 0 means never expire.
	RetentionDays      int       `yaml:"retention_days"`
	KMSKeyID           string    `yaml:"kms_key_id"`
	Class              string    `yaml:"class"` // STANDARD (default) or INFREQUENT_ACCESS
	StoredBytes        int64     `yaml:"stored_bytes"`
	Created            time.Time `yaml:"created"`
	DeletionProtection bool      `yaml:"deletion_protection"`
}

// LogMetricFilter is a metric filter on a log group.
type LogMetricFilter struct {
	Name            string                    `yaml:"name"`
	LogGroup        string                    `yaml:"log_group"`
	Pattern         string                    `yaml:"pattern"`
	Transformations []LogMetricTransformation `yaml:"transformations"`
	Created         time.Time                 `yaml:"created"`
}

// LogMetricTransformation publishes a metric from matching log events.
type LogMetricTransformation struct {
	MetricName      string   `yaml:"metric_name"`
	MetricNamespace string   `yaml:"metric_namespace"`
	MetricValue     string   `yaml:"metric_value"`
	DefaultValue    *float64 `yaml:"default_value"`
	Unit            string   `yaml:"unit"`
}
