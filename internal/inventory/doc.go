// Package inventory turns a scan's snapshot into resources that can be
// searched across accounts and ranked by exposure: every security group,
// instance, bucket, IAM user, role and group, RDS instance and snapshot,
// EBS snapshot, Lambda function and KMS key, with its account, region,
// tags, the attributes searches read (Attrs), and its Exposure (public,
// internet-reachable, privileged).
//
// Exposure is judged by the evaluators the controls use (S3 public access
// from control/s3, resource policies from internal/policy,
// IAM policy documents from snapshot/iam), so a bucket the inventory calls
// public is one S3.2 or S3.3 fails.
//
// What could not be read is not "nothing there": Build says which
// (account, region, type) it read in full (Inventory.Collected), so a store
// replaces only those and keeps the rest as last seen. Global resources
// (IAM) are in the account's home region, buckets in their own region, as
// the controls report them.
//
// This package must not import the AWS SDK.
package inventory
