package world

import "time"

// StepFunctions is an account's AWS Step Functions state machines in one
// region.
type StepFunctions struct {
	StateMachines []*StateMachine `yaml:"state_machines"`
}

// StateMachine is a state machine and its logging configuration.
type StateMachine struct {
	Name       string    `yaml:"name"`
	Type       string    `yaml:"type"` // STANDARD ("") or EXPRESS
	RoleARN    string    `yaml:"role_arn"`
	Definition string    `yaml:"definition"`
	Created    time.Time `yaml:"created"`
	// LogLevel is ALL, ERROR, FATAL or OFF (""); LogGroupARN the CloudWatch
	// Logs destination.
	LogLevel             string `yaml:"log_level"`
	IncludeExecutionData bool   `yaml:"include_execution_data"`
	LogGroupARN          string `yaml:"log_group_arn"`
	TracingEnabled       bool   `yaml:"tracing_enabled"`
}
