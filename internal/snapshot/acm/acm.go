// Package acm holds the normalized AWS Certificate Manager state of one
// account in one region: its certificates, with their key algorithm and
// validity. It must not import the AWS SDK.
package acm

import (
	"strconv"
	"strings"
	"time"
)

// ACM is the ACM state of a region.
type ACM struct {
	Certificates []Certificate `json:"certificates"`
}

// Certificate is a certificate.
type Certificate struct {
	ARN    string `json:"arn"`
	Domain string `json:"domain"`
	// Type is AMAZON_ISSUED, IMPORTED or PRIVATE.
	Type string `json:"type"`
	// Status is ISSUED, PENDING_VALIDATION, EXPIRED, INACTIVE, REVOKED,
	// FAILED or VALIDATION_TIMED_OUT.
	Status string `json:"status"`
	// KeyAlgorithm is RSA_2048, EC_prime256v1, ...
	KeyAlgorithm string `json:"key_algorithm"`
	// NotAfter is when it expires; zero for a certificate never issued.
	NotAfter time.Time `json:"not_after,omitzero"`
	InUse    bool      `json:"in_use"`
}

// RSABits returns the RSA key length of c, and false when its key is not
// RSA.
func (c *Certificate) RSABits() (int, bool) {
	n, ok := strings.CutPrefix(c.KeyAlgorithm, "RSA_")
	if !ok {
		return 0, false
	}
	bits, err := strconv.Atoi(n)
	return bits, err == nil
}
