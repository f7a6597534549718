// Package cloudwatch holds the normalized cloudwatch state of one account in one region. It
// must not import the AWS SDK.
package cloudwatch

// CloudWatch is the cloudwatch state.
type CloudWatch struct{}
