// Package cloudwatch holds the normalized CloudWatch state of one account
// in one region: its metric alarms. It must not import the AWS SDK.
package cloudwatch

// CloudWatch is the CloudWatch state of a region.
type CloudWatch struct {
	Alarms []Alarm `json:"alarms"`
}

// Alarm is a metric alarm.
type Alarm struct {
	ARN        string `json:"arn"`
	Name       string `json:"name"`
	MetricName string `json:"metric_name"`
	Namespace  string `json:"namespace"`
	// Dimensions of the alarm's metric, by name.
	Dimensions         map[string]string `json:"dimensions,omitempty"`
	Statistic          string            `json:"statistic,omitempty"`
	Period             int32             `json:"period,omitempty"`
	EvaluationPeriods  int32             `json:"evaluation_periods,omitempty"`
	Threshold          float64           `json:"threshold"`
	ComparisonOperator string            `json:"comparison_operator,omitempty"`
	// ActionsEnabled false means the alarm changes state but notifies
	// nobody.
	ActionsEnabled          bool     `json:"actions_enabled"`
	AlarmActions            []string `json:"alarm_actions,omitempty"`
	OKActions               []string `json:"ok_actions,omitempty"`
	InsufficientDataActions []string `json:"insufficient_data_actions,omitempty"`
	// State is OK, ALARM or INSUFFICIENT_DATA.
	State string `json:"state"`
}

// OnMetric returns the alarms on the metric namespace/name.
func (c *CloudWatch) OnMetric(namespace, name string) []Alarm {
	var out []Alarm
	for _, a := range c.Alarms {
		if a.Namespace == namespace && a.MetricName == name {
			out = append(out, a)
		}
	}
	return out
}
