package world

import "time"

// Backup is an account's AWS Backup vaults in one region.
type Backup struct {
	Vaults []*BackupVault `yaml:"vaults"`
}

// BackupVault is a backup vault and the recovery points it holds.
type BackupVault struct {
	Name string `yaml:"name"`
	// KMSKeyARN encrypts what the vault itself encrypts; "" is the AWS
	// managed key aws/backup.
	KMSKeyARN      string                 `yaml:"kms_key_arn"`
	Locked         bool                   `yaml:"locked"`
	Created        time.Time              `yaml:"created"`
	RecoveryPoints []*BackupRecoveryPoint `yaml:"recovery_points"`
}

// BackupRecoveryPoint is one backup in a vault.
type BackupRecoveryPoint struct {
	// ID names the point: its ARN is arn:...:backup:region:account:
	// recovery-point:<ID> unless ARN is set (EBS and RDS points are
	// snapshots with their service's ARN).
	ID           string `yaml:"id"`
	ARN          string `yaml:"arn"`
	ResourceARN  string `yaml:"resource_arn"`
	ResourceType string `yaml:"resource_type"` // EBS, RDS, EFS, DynamoDB, S3, EC2, ...
	Status       string `yaml:"status"`        // COMPLETED (default), PARTIAL, DELETING, EXPIRED, AVAILABLE, STOPPED, CREATING
	// Encrypted is IsEncrypted. A point of a service whose backups AWS
	// Backup encrypts itself (EFS, DynamoDB with advanced features, S3)
	// is encrypted with the vault's key; an EBS or RDS snapshot keeps the
	// encryption, or the lack of it, of its source.
	Encrypted bool `yaml:"encrypted"`
	// KMSKeyARN is the key of an encrypted point; "" means the vault's.
	KMSKeyARN string    `yaml:"kms_key_arn"`
	SizeBytes int64     `yaml:"size_bytes"`
	Created   time.Time `yaml:"created"`
}
