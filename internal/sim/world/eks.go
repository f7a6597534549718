package world

import "time"

// EKS is an account's Amazon EKS clusters in one region.
type EKS struct {
	Clusters []*EKSCluster `yaml:"clusters"`
}

// EKSCluster is an EKS cluster's control plane configuration.
type EKSCluster struct {
	Name            string    `yaml:"name"`
	Version         string    `yaml:"version"` // Kubernetes minor version, "1.31"
	PlatformVersion string    `yaml:"platform_version"`
	Status          string    `yaml:"status"` // "" reads as ACTIVE
	RoleARN         string    `yaml:"role_arn"`
	Created         time.Time `yaml:"created"`
	// The API server endpoint's access: public (the default when
	// neither is set in yaml is public only, as EKS creates it), private,
	// and the CIDRs allowed to reach the public endpoint.
	EndpointPublic    *bool    `yaml:"endpoint_public"`
	EndpointPrivate   bool     `yaml:"endpoint_private"`
	PublicAccessCIDRs []string `yaml:"public_access_cidrs"`
	SubnetIDs         []string `yaml:"subnet_ids"`
	SecurityGroupIDs  []string `yaml:"security_group_ids"`
	// SecretsKeyARN is the KMS key envelope-encrypting Kubernetes secrets
	// ("" for none).
	SecretsKeyARN string `yaml:"secrets_key_arn"`
	// Logging are the enabled control plane log types (api, audit,
	// authenticator, controllerManager, scheduler).
	Logging []string          `yaml:"logging"`
	Tags    map[string]string `yaml:"tags"`
}

// Public reports whether the cluster's endpoint is public.
func (c *EKSCluster) Public() bool { return c.EndpointPublic == nil || *c.EndpointPublic }
