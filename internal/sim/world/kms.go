package world

import "time"

// KMS is an account's KMS keys and aliases in one region.
type KMS struct {
	Keys    []*KMSKey   `yaml:"keys"`
	Aliases []*KMSAlias `yaml:"aliases"`
}

// KMSKey is one KMS key.
type KMSKey struct {
	// ID is the key ID (a UUID).
	ID          string `yaml:"id"`
	Description string `yaml:"description"`
	// Manager is CUSTOMER (default) or AWS.
	Manager string `yaml:"manager"`
	// State is Enabled (default), Disabled or PendingDeletion.
	State string `yaml:"state"`
	// Spec is SYMMETRIC_DEFAULT (default), RSA_2048, ECC_NIST_P256, HMAC_256, ...
	Spec string `yaml:"spec"`
	// Usage is ENCRYPT_DECRYPT (default), SIGN_VERIFY or GENERATE_VERIFY_MAC.
	Usage string `yaml:"usage"`
	// Origin is AWS_KMS (default), EXTERNAL, AWS_CLOUDHSM.
	Origin      string    `yaml:"origin"`
	MultiRegion bool      `yaml:"multi_region"`
	Created     time.Time `yaml:"created"`
	// Rotation is automatic yearly rotation (always on for AWS managed keys).
	Rotation           bool `yaml:"rotation"`
	RotationPeriodDays int  `yaml:"rotation_period_days"`
	// DeletionDate and PendingWindowDays are set while PendingDeletion.
	DeletionDate      time.Time `yaml:"deletion_date"`
	PendingWindowDays int       `yaml:"pending_window_days"`
	// Policy is the key policy JSON; empty means the default key policy.
	Policy string   `yaml:"policy"`
	Tags   []KMSTag `yaml:"tags"`
}

// KMSTag is a tag on a KMS key.
type KMSTag struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// KMSAlias is a KMS alias (alias/...).
type KMSAlias struct {
	Name        string    `yaml:"name"`
	TargetKeyID string    `yaml:"target_key_id"`
	Created     time.Time `yaml:"created"`
}
