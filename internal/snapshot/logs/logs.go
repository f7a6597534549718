// Package logs holds the normalized CloudWatch Logs state of one account
// in one region: the metric filters of its log groups. It must not import
// the AWS SDK.
package logs

import "time"

// Logs is the CloudWatch Logs state of a region.
type Logs struct {
	MetricFilters []MetricFilter `json:"metric_filters"`
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
