// Package s3 holds the controls over S3: account and bucket Block Public
// Access, public and cross-account bucket policies and ACLs, TLS-only
// policies, access logging, encryption, MFA delete, access points, and the
// two CloudTrail controls about the bucket a trail delivers to
// (CloudTrail.6 and CloudTrail.7), which judge S3 state.
//
// Bucket controls are Global (the s3 collector reads every region's
// buckets at once) and report each bucket in its own region. The
// evaluators of policies (policy.go) and of public exposure (exposure.go)
// are shared by the controls. This package reads only the snapshot and
// must not import the AWS SDK.
package s3
