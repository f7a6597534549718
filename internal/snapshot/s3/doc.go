// Package s3 holds the normalized S3 state of one account: the account's
// Block Public Access setting, its general purpose buckets (in every
// region) with the configuration the controls judge, and its access
// points. It must not import the AWS SDK.
//
// A detail that could not be read is named in the resource's Errors (keyed
// by the Detail* constants) and its field is left at the zero value, which
// must then not be read as "not configured": check Err first.
package s3
