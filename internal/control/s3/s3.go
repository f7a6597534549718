package s3

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// Controls returns the S3 controls and the CloudTrail bucket controls.
func Controls() []*control.Control {
	return []*control.Control{
		accountBlockPublicAccess(),
		publicRead(),
		publicWrite(),
		tlsOnly(),
		crossAccountActions(),
		bucketBlockPublicAccess(),
		accessLogging(),
		noACLs(),
		lifecycleConfigured(),
		kmsEncryption(),
		accessPointBlockPublicAccess(),
		mfaDelete(),
		versioningEnabled(),
		trailBucketNotPublic(),
		trailBucketLogging(),
	}
}

// Resource types of the resources judged here.
const (
	typeBucket      = "AwsS3Bucket"
	typeAccessPoint = "AwsS3AccessPoint"
	typeTrail       = "AwsCloudTrailTrail"
)

// bucketMeta is bucket b of account a as a resource, in the bucket's region
// (the account's home region when the region is unknown).
func bucketMeta(a *snapshot.Account, b *s3snap.Bucket) snapshot.Meta {
	region := b.Region
	if region == "" {
		region = a.HomeRegion
	}
	arn := b.ARN
	if arn == "" {
		part := a.Partition
		if part == "" {
			part = "aws"
		}
		arn = "arn:" + part + ":s3:::" + b.Name
	}
	return snapshot.Meta{ARN: arn, Type: typeBucket, Name: b.Name, Account: a.ID, Region: region, Tags: b.Tags}
}

// eachBucket calls f for every bucket of the account being judged. A
// bucket whose region could not be read (so nothing else was) is ERROR.
func eachBucket(in *control.Input, f func(m snapshot.Meta, b *s3snap.Bucket)) {
	st := in.Account.S3
	if st == nil {
		return
	}
	for i := range st.Buckets {
		b := &st.Buckets[i]
		m := bucketMeta(in.Account, b)
		if e, ok := b.Err(s3snap.DetailLocation); ok {
			in.Error(m, "bucket region could not be read: %s", e)
			continue
		}
		f(m, b)
	}
}

// unread reports ERROR for m and returns true when one of the details of
// b could not be read.
func unread(in *control.Input, m snapshot.Meta, b *s3snap.Bucket, details ...string) bool {
	for _, d := range details {
		if e, ok := b.Err(d); ok {
			in.Error(m, "bucket %s could not be read: %s", strings.ReplaceAll(d, "_", " "), e)
			return true
		}
	}
	return false
}
