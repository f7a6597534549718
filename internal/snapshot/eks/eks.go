// Package eks holds the normalized Amazon EKS state of one account in one
// region. It must not import the AWS SDK.
package eks

// EKS is the EKS state of one region.
type EKS struct {
	Clusters []*Cluster `json:"clusters"`
}

// Cluster is an EKS cluster's control plane configuration. When Error is
// set, only ARN and Name are known.
type Cluster struct {
	ARN     string `json:"arn"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"` // Kubernetes minor version, "1.31"
	Status  string `json:"status,omitempty"`
	// EndpointPublic reports whether the API server endpoint is reachable
	// from the internet (from PublicAccessCIDRs).
	EndpointPublic    bool     `json:"endpoint_public"`
	EndpointPrivate   bool     `json:"endpoint_private"`
	PublicAccessCIDRs []string `json:"public_access_cidrs,omitempty"`
	// SecretsEncrypted reports an encryption configuration covering the
	// "secrets" resource (envelope encryption with a KMS key).
	SecretsEncrypted bool `json:"secrets_encrypted"`
	// Logging are the enabled control plane log types.
	Logging []string `json:"logging,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// Logs reports whether the control plane log type t is enabled.
func (c *Cluster) Logs(t string) bool {
	for _, l := range c.Logging {
		if l == t {
			return true
		}
	}
	return false
}
