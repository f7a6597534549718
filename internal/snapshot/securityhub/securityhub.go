// Package securityhub holds the normalized securityhub state of one account in one region. It
// must not import the AWS SDK.
package securityhub

// SecurityHub is the securityhub state.
type SecurityHub struct{}
