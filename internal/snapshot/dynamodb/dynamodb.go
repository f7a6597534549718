// Package dynamodb holds the normalized Amazon DynamoDB state of one
// account in one region: its tables with deletion protection and
// point-in-time recovery. It must not import the AWS SDK.
package dynamodb

// DynamoDB is the DynamoDB state of one region.
type DynamoDB struct {
	Tables []*Table `json:"tables"`
}

// Table is one DynamoDB table.
type Table struct {
	ARN                string `json:"arn"`
	Name               string `json:"name"`
	Status             string `json:"status,omitempty"`
	BillingMode        string `json:"billing_mode,omitempty"`
	DeletionProtection bool   `json:"deletion_protection"`
	PITR               bool   `json:"point_in_time_recovery"`
	KMSKeyID           string `json:"kms_key_id,omitempty"`
	// Errors records details that could not be read: "table" (the table
	// was listed but could not be described) or "backups", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}
