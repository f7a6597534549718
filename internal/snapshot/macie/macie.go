// Package macie holds the normalized Amazon Macie state of one account in
// one region: whether Macie is on, automated sensitive data discovery,
// and the account's Macie administrator. It must not import the AWS SDK.
package macie

// Statuses.
const (
	Enabled  = "ENABLED"
	Paused   = "PAUSED"
	Disabled = "DISABLED"
)

// Keys of Macie.Errors: the details that could not be read.
const (
	DetailDiscovery     = "automated_discovery"
	DetailAdministrator = "administrator"
)

// Macie is the Macie state of a region.
type Macie struct {
	// Status is ENABLED or PAUSED, or "" when Macie is not enabled (AWS
	// answers "Macie is not enabled"); the other fields are then empty.
	Status string `json:"status,omitempty"`
	// AutomatedDiscovery is ENABLED or DISABLED.
	AutomatedDiscovery string `json:"automated_discovery,omitempty"`
	// Administrator is the account's Macie administrator when it is a
	// member account, "" for a standalone or administrator account.
	Administrator string `json:"administrator,omitempty"`
	// Errors holds why a detail could not be read (Detail* keys).
	Errors map[string]string `json:"errors,omitempty"`
}
