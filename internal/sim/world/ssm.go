package world

import "time"

// SSM is an account's AWS Systems Manager state in one region: the
// instances its agent manages with their compliance, the account's own
// documents, and the public-sharing service setting.
type SSM struct {
	ManagedInstances []*SSMManagedInstance `yaml:"managed_instances"`
	Documents        []*SSMDocument        `yaml:"documents"`
	// BlockPublicSharing is the /ssm/documents/console/public-sharing-permission
	// setting at Disable (the default, false, is Enable: documents may be
	// shared publicly).
	BlockPublicSharing bool `yaml:"block_public_sharing"`
}

// SSMManagedInstance is an instance registered with Systems Manager.
type SSMManagedInstance struct {
	InstanceID   string    `yaml:"instance_id"`
	PingStatus   string    `yaml:"ping_status"` // Online (""), ConnectionLost, Inactive
	AgentVersion string    `yaml:"agent_version"`
	PlatformType string    `yaml:"platform_type"` // Linux (""), Windows, MacOS
	LastPing     time.Time `yaml:"last_ping"`
	// PatchStatus and AssociationStatus are the instance's compliance
	// for the Patch and Association types: COMPLIANT, NON_COMPLIANT or ""
	// (no compliance data of that type).
	PatchStatus       string    `yaml:"patch_status"`
	AssociationStatus string    `yaml:"association_status"`
	ComplianceTime    time.Time `yaml:"compliance_time"`
}

// SSMDocument is a document the account owns.
type SSMDocument struct {
	Name         string    `yaml:"name"`
	DocumentType string    `yaml:"document_type"` // Command (""), Automation, Session...
	Format       string    `yaml:"format"`        // JSON (""), YAML
	Content      string    `yaml:"content"`
	Created      time.Time `yaml:"created"`
	// SharedWith are the account IDs it is shared with; "all" makes it
	// public.
	SharedWith []string `yaml:"shared_with"`
}
