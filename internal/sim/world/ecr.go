package world

import "time"

// ECR is an account's private Amazon ECR registry in one region.
type ECR struct {
	Repositories []*ECRRepository `yaml:"repositories"`
	// ScanType is the registry's scanning configuration: BASIC (the
	// default) or ENHANCED (Amazon Inspector); ScanRules its rules.
	ScanType  string        `yaml:"scan_type"`
	ScanRules []ECRScanRule `yaml:"scan_rules"`
}

// ECRScanRule is a registry scanning rule: the repositories whose names
// match one of Filters (wildcards, * for any run of characters) are
// scanned at Frequency (SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL).
type ECRScanRule struct {
	Frequency string   `yaml:"frequency"`
	Filters   []string `yaml:"filters"`
}

// ECRRepository is a private repository.
type ECRRepository struct {
	Name    string    `yaml:"name"`
	Created time.Time `yaml:"created"`
	// TagMutability is MUTABLE (the default), IMMUTABLE,
	// IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.
	TagMutability string `yaml:"tag_mutability"`
	// ScanOnPush is the repository's own (deprecated) scan-on-push flag.
	ScanOnPush     bool   `yaml:"scan_on_push"`
	EncryptionType string `yaml:"encryption_type"` // AES256 (default) or KMS
	KMSKey         string `yaml:"kms_key"`
	// LifecyclePolicy is the lifecycle policy's JSON text ("" for none).
	LifecyclePolicy string            `yaml:"lifecycle_policy"`
	Tags            map[string]string `yaml:"tags"`
}
