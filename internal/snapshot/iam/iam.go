// Package iam holds the normalized iam state of one account. It
// must not import the AWS SDK.
package iam

// IAM is the iam state.
type IAM struct{}
