// Package ssm holds the normalized AWS Systems Manager state of one
// account in one region. It must not import the AWS SDK.
package ssm

// Parts of the state that can fail on their own, the keys of SSM.Errors.
const (
	PartCompliance = "compliance"
	PartDocuments  = "documents"
	PartSetting    = "public_sharing_setting"
)

// SSM is the Systems Manager state of one region.
type SSM struct {
	// ManagedInstances maps each EC2 instance registered with Systems
	// Manager to its agent's ping status (Online, ConnectionLost, Inactive).
	ManagedInstances map[string]string `json:"managed_instances"`
	// Patch and Association map a managed instance to its compliance
	// status of that type (COMPLIANT, NON_COMPLIANT); an instance without
	// compliance data of a type is absent.
	Patch       map[string]string `json:"patch,omitempty"`
	Association map[string]string `json:"association,omitempty"`
	// Documents are the documents the account owns.
	Documents []*Document `json:"documents"`
	// PublicSharingBlocked is the block-public-sharing service setting
	// (/ssm/documents/console/public-sharing-permission at Disable).
	PublicSharingBlocked bool `json:"public_sharing_blocked"`
	// Errors maps each part (Part*) that could not be read to why.
	Errors map[string]string `json:"errors,omitempty"`
}

// Document is a document the account owns.
type Document struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// SharedWith are the accounts it is shared with; "all" is public.
	SharedWith []string `json:"shared_with,omitempty"`
	// Error, when set, says why its sharing could not be read.
	Error string `json:"error,omitempty"`
}
