// Package sfn holds the normalized AWS Step Functions state of one account
// in one region. It must not import the AWS SDK.
package sfn

// StepFunctions is the Step Functions state of one region.
type StepFunctions struct {
	StateMachines []*StateMachine `json:"state_machines"`
}

// StateMachine is a state machine. When Error is set, only ARN and Name
// are known.
type StateMachine struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"` // STANDARD or EXPRESS
	// LogLevel is ALL, ERROR, FATAL or OFF.
	LogLevel string `json:"log_level,omitempty"`
	Error    string `json:"error,omitempty"`
}
