// Package ecr holds the normalized Amazon ECR state (the private
// registry) of one account in one region. It must not import the AWS SDK.
package ecr

// ECR is the private registry of one region.
type ECR struct {
	Repositories []*Repository `json:"repositories"`
}

// Repository is a private repository.
type Repository struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// TagMutability is MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or
	// MUTABLE_WITH_EXCLUSION.
	TagMutability string `json:"tag_mutability"`
	// ScanFrequency is the repository's effective scanning: the registry's
	// rules or its own scan-on-push flag (SCAN_ON_PUSH, CONTINUOUS_SCAN or
	// MANUAL).
	ScanFrequency string `json:"scan_frequency,omitempty"`
	// LifecyclePolicy reports whether the repository has one.
	LifecyclePolicy bool `json:"lifecycle_policy"`
	// Errors records details that could not be read, keyed "scanning" or
	// "lifecycle", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}
