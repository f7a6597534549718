package iac

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// What AWS does on its own when code creates a resource, shared by the
// loaders (Terraform, CloudFormation) so that both give the state the
// collectors would read.

// CanonicalOwner is the synthetic canonical user ID of account: the
// owner of its buckets in ACLs.
func CanonicalOwner(account string) string { return "canonical-" + account }

// CannedACL expands a canned ACL ("public-read") as S3 does for a bucket
// of account: the owner keeps FULL_CONTROL, the groups named get their
// grants. False for a name S3 does not know (the owner's grant alone is
// returned then).
func CannedACL(acl, account string) (*s3.ACL, bool) {
	owner := CanonicalOwner(account)
	a := &s3.ACL{Owner: owner, Grants: []s3.Grant{{Type: s3.GranteeCanonicalUser, ID: owner, Permission: "FULL_CONTROL"}}}
	group := func(uri, perm string) s3.Grant { return s3.Grant{Type: s3.GranteeGroup, URI: uri, Permission: perm} }
	switch acl {
	case "", "private", "bucket-owner-read", "bucket-owner-full-control":
	case "public-read":
		a.Grants = append(a.Grants, group(s3.AllUsers, "READ"))
	case "public-read-write":
		a.Grants = append(a.Grants, group(s3.AllUsers, "READ"), group(s3.AllUsers, "WRITE"))
	case "authenticated-read":
		a.Grants = append(a.Grants, group(s3.AuthenticatedUsers, "READ"))
	case "log-delivery-write":
		a.Grants = append(a.Grants, group(s3.LogDelivery, "WRITE"), group(s3.LogDelivery, "READ_ACP"))
	case "aws-exec-read":
		// EC2 may read the bundle: an AWS-owned account, not the public.
		a.Grants = append(a.Grants, s3.Grant{Type: s3.GranteeCanonicalUser, ID: "aws-exec-read", Permission: "READ"})
	default:
		return a, false
	}
	return a, true
}

// NewBucketDefaults sets what S3 gives a new bucket of account that its
// code does not configure (since April 2023): all four Block Public
// Access settings on, ACLs disabled (BucketOwnerEnforced) with the
// owner-only ACL, and SSE-S3 default encryption.
func NewBucketDefaults(b *s3.Bucket, account string) {
	b.PublicAccessBlock = &s3.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	b.Ownership = "BucketOwnerEnforced"
	b.Encryption = &s3.Encryption{Algorithm: "AES256"}
	b.ACL, _ = CannedACL("private", account)
}

// Protocol normalizes a security group rule's protocol as EC2 reports it
// ("6" is "tcp", "all" is "-1").
func Protocol(p string) string {
	switch strings.ToLower(p) {
	case "all", "-1", "":
		return "-1"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58":
		return "icmpv6"
	}
	return strings.ToLower(p)
}
