package world

import "time"

// DynamoDB is an account's DynamoDB tables in one region.
type DynamoDB struct {
	Tables []*DynamoDBTable `yaml:"tables"`
}

// DynamoDBTable is a DynamoDB table.
type DynamoDBTable struct {
	Name               string `yaml:"name"`
	Status             string `yaml:"status"`       // ACTIVE (default)
	BillingMode        string `yaml:"billing_mode"` // PROVISIONED (default) or PAY_PER_REQUEST
	ReadCapacity       int64  `yaml:"read_capacity"`
	WriteCapacity      int64  `yaml:"write_capacity"`
	DeletionProtection bool   `yaml:"deletion_protection"`
	PITR               bool   `yaml:"pitr"`
	// KMSKeyID is the customer managed or AWS managed key of a table
	// encrypted with KMS; "" is the default AWS owned key.
	KMSKeyID string    `yaml:"kms_key_id"`
	Items    int64     `yaml:"items"`
	Created  time.Time `yaml:"created"`
}
