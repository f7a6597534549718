// Package logs holds the normalized CloudWatch Logs state of one account
// in one region: log groups and the metric filters on them. It must not
// import the AWS SDK.
package logs

import "time"

// Logs is the CloudWatch Logs state of a region.
type Logs struct {
	Groups        []LogGroup     `json:"groups"`
	MetricFilters []MetricFilter `json:"metric_filters"`
}

// LogGroup is a log group.
type LogGroup struct {
	// ARN is the group's ARN without the trailing ":*".
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// RetentionDays is how long events are kept; 0 means forever.
	RetentionDays int       `json:"retention_days,omitempty"`
	KMSKeyID      string    `json:"kms_key_id,omitempty"`
	Created       time.Time `json:"created,omitzero"`
}

// MetricFilter publishes a metric from the log events of a group that
// match its pattern.
type MetricFilter struct {
	Name         string `json:"name"`
	LogGroupName string `json:"log_group_name"`
	// Pattern is the filter pattern as written
	// ("{ $.userIdentity.type = \"Root\" && ... }").
	Pattern         string                 `json:"pattern"`
	Transformations []MetricTransformation `json:"transformations"`
	Created         time.Time              `json:"created,omitzero"`
}

// MetricTransformation is a metric a filter publishes.
type MetricTransformation struct {
	MetricName      string `json:"metric_name"`
	MetricNamespace string `json:"metric_namespace"`
	MetricValue     string `json:"metric_value"`
}

// Group returns the log group named name, or nil.
func (l *Logs) Group(name string) *LogGroup {
	for i := range l.Groups {
		if l.Groups[i].Name == name {
			return &l.Groups[i]
		}
	}
	return nil
}

// Filters returns the metric filters of the log group named group.
func (l *Logs) Filters(group string) []MetricFilter {
	var out []MetricFilter
	for _, f := range l.MetricFilters {
		if f.LogGroupName == group {
			out = append(out, f)
		}
	}
	return out
}
