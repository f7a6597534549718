package world

import "time"

// CloudWatch is an account's CloudWatch alarms and metrics in one region.
type CloudWatch struct {
	Alarms []*MetricAlarm `yaml:"alarms"`
	// Metrics are the metrics that have data (ListMetrics).
	Metrics []CWMetric `yaml:"metrics"`
}

// MetricAlarm is a CloudWatch metric alarm.
type MetricAlarm struct {
	Name               string        `yaml:"name"`
	Description        string        `yaml:"description"`
	MetricName         string        `yaml:"metric_name"`
	Namespace          string        `yaml:"namespace"`
	Statistic          string        `yaml:"statistic"`
	ExtendedStatistic  string        `yaml:"extended_statistic"`
	Dimensions         []CWDimension `yaml:"dimensions"`
	Period             int           `yaml:"period"`
	EvaluationPeriods  int           `yaml:"evaluation_periods"`
	DatapointsToAlarm  int           `yaml:"datapoints_to_alarm"`
	Threshold          float64       `yaml:"threshold"`
	ComparisonOperator string        `yaml:"comparison_operator"`
	TreatMissingData   string        `yaml:"treat_missing_data"`
	Unit               string        `yaml:"unit"`
	// ActionsDisabled is the inverse of ActionsEnabled (enabled by default).
	ActionsDisabled         bool      `yaml:"actions_disabled"`
	AlarmActions            []string  `yaml:"alarm_actions"`
	OKActions               []string  `yaml:"ok_actions"`
	InsufficientDataActions []string  `yaml:"insufficient_data_actions"`
	State                   string    `yaml:"state"` // OK, ALARM, INSUFFICIENT_DATA (default)
	StateReason             string    `yaml:"state_reason"`
	StateReasonData         string    `yaml:"state_reason_data,omitempty"` // JSON
	StateUpdated            time.Time `yaml:"state_updated"`
	// StateTransitioned is when the state value last changed; zero means
	// StateUpdated.
	StateTransitioned time.Time         `yaml:"state_transitioned,omitempty"`
	ConfigUpdated     time.Time         `yaml:"config_updated"`
	Tags              map[string]string `yaml:"tags,omitempty"`
	// Eval is the health model's bookkeeping (health.go), never data.
	Eval *AlarmEval `yaml:"-"`
}

// CWDimension is a metric dimension.
type CWDimension struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// CWMetric is a metric with data.
type CWMetric struct {
	Namespace  string        `yaml:"namespace"`
	MetricName string        `yaml:"metric_name"`
	Dimensions []CWDimension `yaml:"dimensions"`
}
