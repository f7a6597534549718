// Package secretsmanager holds the normalized AWS Secrets Manager state of
// one account in one region: its secrets and their rotation and access
// history. It must not import the AWS SDK.
package secretsmanager

import "time"

// SecretsManager is the Secrets Manager state of a region.
type SecretsManager struct {
	Secrets []Secret `json:"secrets"`
}

// Secret is a secret (its metadata: never its value).
type Secret struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// KMSKeyID is the key that encrypts it; "" is the AWS managed key
	// aws/secretsmanager.
	KMSKeyID string    `json:"kms_key_id,omitempty"`
	Created  time.Time `json:"created,omitzero"`
	Changed  time.Time `json:"changed,omitzero"`
	// Accessed is the last day the value was read (AWS keeps the date
	// only); zero when never read.
	Accessed time.Time `json:"accessed,omitzero"`
	// Rotated is the last successful rotation; zero when never rotated.
	Rotated time.Time `json:"rotated,omitzero"`
	// RotationEnabled is whether automatic rotation is on;
	// RotationDays or RotationSchedule is its schedule, NextRotation
	// when Secrets Manager plans the next one (zero when off).
	RotationEnabled  bool      `json:"rotation_enabled"`
	RotationLambda   string    `json:"rotation_lambda,omitempty"`
	RotationDays     int       `json:"rotation_days,omitempty"`
	RotationSchedule string    `json:"rotation_schedule,omitempty"`
	NextRotation     time.Time `json:"next_rotation,omitzero"`
	// OwningService is the service that manages the secret ("rds"), ""
	// when the account created it.
	OwningService string            `json:"owning_service,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
}

// LastUsed is when the secret was last read, or created when never read.
func (s *Secret) LastUsed() (time.Time, string) {
	if !s.Accessed.IsZero() {
		return s.Accessed, "last accessed"
	}
	return s.Created, "never accessed; created"
}

// LastRotation is the last rotation, or the creation when never rotated
// (the value is as old as the secret).
func (s *Secret) LastRotation() (time.Time, string) {
	if !s.Rotated.IsZero() {
		return s.Rotated, "last rotated"
	}
	return s.Created, "never rotated; created"
}
