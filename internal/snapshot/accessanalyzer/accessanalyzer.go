// Package accessanalyzer holds the normalized IAM Access Analyzer state
// of one account in one region: its analyzers. It must not import the AWS
// SDK.
package accessanalyzer

import "time"

// Analyzer types that find external access (the others find unused or
// internal access).
const (
	TypeAccount      = "ACCOUNT"
	TypeOrganization = "ORGANIZATION"
)

// StatusActive is the status of an analyzer that is analyzing.
const StatusActive = "ACTIVE"

// AccessAnalyzer is the Access Analyzer state of a region.
type AccessAnalyzer struct {
	Analyzers []Analyzer `json:"analyzers"`
}

// Analyzer is an IAM Access Analyzer analyzer.
type Analyzer struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// Type is ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ...
	Type string `json:"type"`
	// Status is ACTIVE, CREATING, DISABLED or FAILED.
	Status       string            `json:"status"`
	StatusReason string            `json:"status_reason,omitempty"`
	CreatedAt    time.Time         `json:"created_at,omitzero"`
	Tags         map[string]string `json:"tags,omitempty"`
}
