// Package s3 holds the normalized s3 state of one account. It
// must not import the AWS SDK.
package s3

// S3 is the s3 state.
type S3 struct{}
