// Package kms holds the normalized AWS KMS state of one account in one
// region. It must not import the AWS SDK.
package kms

import "time"

// KMS is the KMS state of one region.
type KMS struct {
	Keys []*Key `json:"keys"`
	// Errors records what could not be read for the region as a whole,
	// keyed "aliases" (the keys are then named by their IDs).
	Errors map[string]string `json:"errors,omitempty"`
}

// Key is one KMS key.
type Key struct {
	ARN string `json:"arn"`
	ID  string `json:"id"`
	// Aliases are the key's alias names ("alias/app-data").
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	// Manager is CUSTOMER or AWS.
	Manager string `json:"manager"`
	// State is Enabled, Disabled, PendingDeletion, PendingImport, ...
	State string `json:"state"`
	// Spec is SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ...
	Spec string `json:"spec"`
	// Usage is ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, ...
	Usage string `json:"usage,omitempty"`
	// Origin is AWS_KMS, EXTERNAL, AWS_CLOUDHSM or EXTERNAL_KEY_STORE.
	Origin      string `json:"origin"`
	MultiRegion bool   `json:"multi_region,omitempty"`
	// DeletionDate is when a key pending deletion will be deleted.
	DeletionDate *time.Time `json:"deletion_date,omitempty"`
	// RotationEnabled is whether automatic rotation is on. It is read
	// only for keys that can rotate (customer managed, symmetric, key
	// material from KMS, not pending deletion); nil otherwise or when it
	// could not be read (Errors["rotation"]).
	RotationEnabled *bool `json:"rotation_enabled,omitempty"`
	// Policy is the key policy document (JSON); "" when it could not be
	// read (Errors["policy"]).
	Policy string `json:"policy,omitempty"`
	// Errors records details that could not be read, keyed "describe",
	// "rotation" or "policy", with the reason. When "describe" is set,
	// only ARN, ID and Aliases are known.
	Errors map[string]string `json:"errors,omitempty"`
}

// Rotatable reports whether automatic rotation applies to the key: a
// customer managed symmetric encryption key whose key material KMS
// generated.
func (k *Key) Rotatable() bool {
	return k.Manager == "CUSTOMER" && k.Spec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS"
}
