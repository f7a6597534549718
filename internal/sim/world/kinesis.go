package world

import "time"

// Kinesis is an account's Kinesis data streams in one region.
type Kinesis struct {
	Streams []*KinesisStream `yaml:"streams"`
}

// KinesisStream is a Kinesis data stream.
type KinesisStream struct {
	Name   string `yaml:"name"`
	Status string `yaml:"status"` // ACTIVE (default), CREATING, DELETING, UPDATING
	// Mode is PROVISIONED (default) or ON_DEMAND.
	Mode   string `yaml:"mode"`
	Shards int    `yaml:"shards"`
	// RetentionHours is how long records stay readable: 24 (default) to
	// 8760.
	RetentionHours int `yaml:"retention_hours"`
	// KMSKeyID, when set, is the key of server-side encryption
	// (EncryptionType KMS): a key ARN, a key ID or an alias such as
	// "alias/aws/kinesis". "" is an unencrypted stream (EncryptionType
	// NONE).
	KMSKeyID string    `yaml:"kms_key_id"`
	Created  time.Time `yaml:"created"`
}
