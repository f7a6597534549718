// Package securityhub holds the normalized AWS Security Hub (CSPM) state
// of one account in one region: whether the hub is enabled, and which
// standards are. It must not import the AWS SDK.
package securityhub

import "time"

// DetailStandards is the key of SecurityHub.Errors when the enabled
// standards could not be read.
const DetailStandards = "standards"

// SecurityHub is the Security Hub state of a region.
type SecurityHub struct {
	// Enabled is false when the account is not subscribed to Security
	// Hub in the region (DescribeHub answered InvalidAccessException).
	Enabled                 bool      `json:"enabled"`
	HubARN                  string    `json:"hub_arn,omitempty"`
	SubscribedAt            time.Time `json:"subscribed_at,omitzero"`
	AutoEnableControls      bool      `json:"auto_enable_controls"`
	ControlFindingGenerator string    `json:"control_finding_generator,omitempty"`
	// Standards are the enabled standards subscriptions.
	Standards []Standard `json:"standards,omitempty"`
	// Errors are the details that could not be read (DetailStandards):
	// Standards is unknown then, not empty.
	Errors map[string]string `json:"errors,omitempty"`
}

// Standard is a standards subscription.
type Standard struct {
	// ARN is the standard's ARN
	// (arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0).
	ARN             string `json:"arn"`
	SubscriptionARN string `json:"subscription_arn,omitempty"`
	// Status is PENDING, READY, FAILED, DELETING or INCOMPLETE.
	Status string `json:"status"`
}
