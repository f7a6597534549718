// Package cloudtrail holds the normalized CloudTrail state of one account
// in one region: the trails the region's DescribeTrails shows (its own,
// multi-region trails homed elsewhere, and the organization's trail). It
// must not import the AWS SDK.
package cloudtrail

// CloudTrail is the CloudTrail state of a region.
type CloudTrail struct {
	Trails []Trail `json:"trails"`
}

// Trail is one trail.
type Trail struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// S3BucketName is the bucket the trail delivers to (possibly in
	// another account, such as the log archive).
	S3BucketName string `json:"s3_bucket_name"`
}
