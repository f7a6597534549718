package scpeval

import "strings"

// prefixes maps a service's SigV4 signing name (or the simulator's route
// key), where it differs, to its IAM action prefix.
var prefixes = map[string]string{
	"monitoring": "cloudwatch",
	"s3control":  "s3",
	"email":      "ses",
}

// actionNames maps an API operation, where its IAM action has another
// name, to that name, per IAM prefix (Service Authorization Reference:
// Amazon S3's actions are not its operations).
var actionNames = map[string]map[string]string{
	"s3": {
		"ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
		"HeadObject": "GetObject", "ListBuckets": "ListAllMyBuckets", "CopyObject": "PutObject", "DeleteObjects": "DeleteObject",
		"GetBucketEncryption": "GetEncryptionConfiguration", "PutBucketEncryption": "PutEncryptionConfiguration",
		"DeleteBucketEncryption":          "PutEncryptionConfiguration",
		"GetBucketLifecycleConfiguration": "GetLifecycleConfiguration", "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
		"DeleteBucketLifecycle":              "PutLifecycleConfiguration",
		"GetBucketNotificationConfiguration": "GetBucketNotification", "PutBucketNotificationConfiguration": "PutBucketNotification",
		"GetObjectLockConfiguration": "GetBucketObjectLockConfiguration", "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
		"GetBucketReplication": "GetReplicationConfiguration", "PutBucketReplication": "PutReplicationConfiguration",
		"DeleteBucketReplication":       "PutReplicationConfiguration",
		"DeleteBucketOwnershipControls": "PutBucketOwnershipControls", "DeleteBucketTagging": "PutBucketTagging",
		// The bucket-level Block Public Access operations.
		"GetPublicAccessBlock": "GetBucketPublicAccessBlock", "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
		"DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
	},
	// S3 Control's account-level Block Public Access.
	"s3control": {
		"GetPublicAccessBlock": "GetAccountPublicAccessBlock", "PutPublicAccessBlock": "PutAccountPublicAccessBlock",
		"DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
	},
}

// Action returns the IAM action ("s3:ListBucket") that authorizes
// operation op of the service signed as service (its signing name, or
// "s3control" for S3 Control).
func Action(service, op string) string {
	prefix := service
	if p, ok := prefixes[service]; ok {
		prefix = p
	}
	if n, ok := actionNames[service][op]; ok {
		op = n
	}
	return prefix + ":" + op
}

// EventAction returns the IAM action of a CloudTrail record's
// eventSource ("s3.amazonaws.com") and eventName. CloudTrail names most
// calls by their operation; S3 Control's calls come from
// s3.amazonaws.com under their action's name (PutAccountPublicAccessBlock),
// which maps to itself.
func EventAction(eventSource, eventName string) string {
	service, _, _ := strings.Cut(eventSource, ".")
	return Action(service, eventName)
}
