// Package backup holds the normalized AWS Backup state of one account in
// one region: its vaults and the recovery points each holds, with their
// encryption. It must not import the AWS SDK.
package backup

import "time"

// Backup is the AWS Backup state of one region.
type Backup struct {
	Vaults []*Vault `json:"vaults"`
}

// Vault is one backup vault.
type Vault struct {
	ARN       string `json:"arn"`
	Name      string `json:"name"`
	KMSKeyARN string `json:"kms_key_arn,omitempty"`
	Locked    bool   `json:"locked,omitempty"`
	// RecoveryPoints are the vault's recovery points; nil when they could
	// not be listed (Errors["recovery_points"] says why).
	RecoveryPoints []*RecoveryPoint `json:"recovery_points"`
	// Errors records details that could not be read: "recovery_points",
	// with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// RecoveryPoint is one backup in a vault.
type RecoveryPoint struct {
	ARN          string    `json:"arn"`
	ResourceARN  string    `json:"resource_arn,omitempty"`
	ResourceType string    `json:"resource_type,omitempty"`
	Status       string    `json:"status,omitempty"`
	Encrypted    bool      `json:"encrypted"`
	KMSKeyARN    string    `json:"kms_key_arn,omitempty"`
	Created      time.Time `json:"created,omitzero"`
}
