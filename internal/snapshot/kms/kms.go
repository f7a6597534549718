// Package kms holds the normalized kms state of one account in one region. It
// must not import the AWS SDK.
package kms

// KMS is the kms state.
type KMS struct{}
