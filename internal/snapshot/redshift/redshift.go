// Package redshift holds the normalized Amazon Redshift state of one
// account in one region: provisioned clusters with their audit logging
// and the TLS requirement of their parameter group. It must not import
// the AWS SDK.
package redshift

// Redshift is the Redshift state of one region.
type Redshift struct {
	Clusters []*Cluster `json:"clusters"`
}

// Cluster is one provisioned cluster.
type Cluster struct {
	ARN                 string `json:"arn"`
	ID                  string `json:"id"`
	Status              string `json:"status,omitempty"`
	MasterUsername      string `json:"master_username,omitempty"`
	VpcID               string `json:"vpc_id,omitempty"`
	PubliclyAccessible  bool   `json:"publicly_accessible"`
	Encrypted           bool   `json:"encrypted"`
	KMSKeyID            string `json:"kms_key_id,omitempty"`
	SnapshotRetention   int    `json:"automated_snapshot_retention_days"`
	AllowVersionUpgrade bool   `json:"allow_version_upgrade"`
	EnhancedVpcRouting  bool   `json:"enhanced_vpc_routing"`
	ParameterGroup      string `json:"parameter_group,omitempty"`
	// RequireSSL is the require_ssl value of the cluster's parameter group.
	RequireSSL bool `json:"require_ssl"`
	// Logging is whether audit logging is on, and LogDestination where
	// it goes (s3 or cloudwatch).
	Logging        bool              `json:"audit_logging"`
	LogDestination string            `json:"log_destination,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
	// Errors records details that could not be read: "logging" or
	// "parameters", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}
