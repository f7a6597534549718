package world

import "time"

// ACM is an account's AWS Certificate Manager certificates in one region.
type ACM struct {
	Certificates []*Certificate `yaml:"certificates"`
}

// Certificate is an ACM certificate (its metadata: no key material).
type Certificate struct {
	// ID is the last part of the ARN (a UUID).
	ID     string   `yaml:"id"`
	Domain string   `yaml:"domain"`
	SANs   []string `yaml:"sans,omitempty"`
	// Type is AMAZON_ISSUED, IMPORTED or PRIVATE.
	Type string `yaml:"type"`
	// Status is ISSUED, PENDING_VALIDATION, EXPIRED, INACTIVE, REVOKED,
	// FAILED or VALIDATION_TIMED_OUT.
	Status string `yaml:"status"`
	// KeyAlgorithm is RSA_1024, RSA_2048, RSA_3072, RSA_4096, EC_prime256v1,
	// EC_secp384r1 or EC_secp521r1.
	KeyAlgorithm string    `yaml:"key_algorithm"`
	NotBefore    time.Time `yaml:"not_before,omitempty"`
	NotAfter     time.Time `yaml:"not_after,omitempty"`
	Created      time.Time `yaml:"created"`
	// InUse lists the ARNs of the resources that use it (load balancers,
	// CloudFront distributions...).
	InUse []string          `yaml:"in_use,omitempty"`
	Tags  map[string]string `yaml:"tags,omitempty"`
}

// CertificateARN is the ARN of c in account and region.
func CertificateARN(account, region string, c *Certificate) string {
	return ARN("acm", region, account, "certificate/"+c.ID)
}
