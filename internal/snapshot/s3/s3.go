package s3

import "time"

// The details of a bucket, as keys of Bucket.Errors.
const (
	DetailLocation          = "location"
	DetailPolicy            = "policy"
	DetailPolicyStatus      = "policy_status"
	DetailPublicAccessBlock = "public_access_block"
	DetailACL               = "acl"
	DetailOwnership         = "ownership"
	DetailLogging           = "logging"
	DetailVersioning        = "versioning"
	DetailEncryption        = "encryption"
	DetailTags              = "tags"
	DetailLifecycle         = "lifecycle"
)

// DetailAccessPoints is the key of S3.Errors for the access points of a
// region: "access_points/<region>".
const DetailAccessPoints = "access_points/"

// S3 is the S3 state of an account.
type S3 struct {
	// PublicAccessBlock is the account-level Block Public Access setting
	// (S3 Control); nil when none is configured.
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	// Buckets are the account's general purpose buckets, all regions,
	// sorted by name.
	Buckets []Bucket `json:"buckets"`
	// AccessPoints are the account's access points in AccessPointRegions.
	AccessPoints []AccessPoint `json:"access_points,omitempty"`
	// AccessPointRegions are the regions whose access points were listed.
	AccessPointRegions []string `json:"access_point_regions,omitempty"`
	// Errors are account-wide details that could not be read:
	// DetailPublicAccessBlock (the account setting) and
	// DetailAccessPoints+region.
	Errors map[string]string `json:"errors,omitempty"`
}

// Err returns why detail could not be read, if it could not.
func (s *S3) Err(detail string) (string, bool) {
	e, ok := s.Errors[detail]
	return e, ok
}

// Bucket returns the bucket called name, or nil.
func (s *S3) Bucket(name string) *Bucket {
	for i := range s.Buckets {
		if s.Buckets[i].Name == name {
			return &s.Buckets[i]
		}
	}
	return nil
}

// PublicAccessBlock is a Block Public Access configuration (account,
// bucket or access point).
type PublicAccessBlock struct {
	BlockPublicACLs       bool `json:"block_public_acls"`
	IgnorePublicACLs      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// All reports whether all four settings are on.
func (p *PublicAccessBlock) All() bool {
	return p != nil && p.BlockPublicACLs && p.IgnorePublicACLs && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// Off names the settings that are off, in the console's order.
func (p *PublicAccessBlock) Off() []string {
	if p == nil {
		return []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}
	}
	var out []string
	for _, s := range []struct {
		on   bool
		name string
	}{{p.BlockPublicACLs, "BlockPublicAcls"}, {p.IgnorePublicACLs, "IgnorePublicAcls"},
		{p.BlockPublicPolicy, "BlockPublicPolicy"}, {p.RestrictPublicBuckets, "RestrictPublicBuckets"}} {
		if !s.on {
			out = append(out, s.name)
		}
	}
	return out
}

// Bucket is one general purpose bucket.
type Bucket struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// Region is where the bucket lives; "" only when DetailLocation failed.
	Region  string            `json:"region"`
	Created time.Time         `json:"created"`
	Tags    map[string]string `json:"tags,omitempty"`

	// Policy is the bucket policy, nil when the bucket has none.
	Policy *Policy `json:"policy,omitempty"`
	// PolicyPublic is S3's own verdict on the policy (GetBucketPolicyStatus);
	// nil when there is no policy or it was not read.
	PolicyPublic *bool `json:"policy_public,omitempty"`
	// PublicAccessBlock is the bucket-level setting, nil when none.
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	ACL               *ACL               `json:"acl,omitempty"`
	// Ownership is the Object Ownership setting (BucketOwnerEnforced,
	// BucketOwnerPreferred, ObjectWriter); "" when none is configured.
	Ownership string `json:"ownership,omitempty"`
	// Logging is server access logging, nil when disabled.
	Logging *Logging `json:"logging,omitempty"`
	// Versioning is "", Enabled or Suspended; MFADelete "", Enabled or
	// Disabled.
	Versioning string `json:"versioning,omitempty"`
	MFADelete  string `json:"mfa_delete,omitempty"`
	// Encryption is the default encryption, nil when none is configured.
	Encryption *Encryption `json:"encryption,omitempty"`
	// Lifecycle are the bucket's lifecycle rules; nil when it has no
	// lifecycle configuration.
	Lifecycle []LifecycleRule `json:"lifecycle,omitempty"`

	// Errors are the details that could not be read (Detail* keys), with
	// the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// Err returns why detail could not be read, if it could not.
func (b *Bucket) Err(detail string) (string, bool) {
	e, ok := b.Errors[detail]
	return e, ok
}

// SetErr records that detail could not be read.
func (b *Bucket) SetErr(detail, reason string) {
	if b.Errors == nil {
		b.Errors = map[string]string{}
	}
	b.Errors[detail] = reason
}

// LifecycleRule is one rule of a bucket's lifecycle configuration.
type LifecycleRule struct {
	ID      string `json:"id,omitempty"`
	Enabled bool   `json:"enabled"`
}

// ACL is a bucket's access control list.
type ACL struct {
	// Owner is the canonical user ID of the bucket owner.
	Owner  string  `json:"owner"`
	Grants []Grant `json:"grants"`
}

// Grantee types.
const (
	GranteeCanonicalUser = "CanonicalUser"
	GranteeEmail         = "AmazonCustomerByEmail"
	GranteeGroup         = "Group"
)

// The predefined groups of ACL grants.
const (
	AllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// Grant is one ACL grant.
type Grant struct {
	// Type is GranteeCanonicalUser, GranteeEmail or GranteeGroup.
	Type  string `json:"type"`
	ID    string `json:"id,omitempty"`
	URI   string `json:"uri,omitempty"`
	Email string `json:"email,omitempty"`
	// Permission is FULL_CONTROL, READ, WRITE, READ_ACP or WRITE_ACP.
	Permission string `json:"permission"`
}

// Logging is a bucket's server access logging.
type Logging struct {
	TargetBucket string `json:"target_bucket"`
	TargetPrefix string `json:"target_prefix,omitempty"`
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	// Algorithm is AES256 (SSE-S3), aws:kms or aws:kms:dsse.
	Algorithm        string `json:"algorithm"`
	KMSKeyID         string `json:"kms_key_id,omitempty"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
}

// AccessPoint is an S3 access point.
type AccessPoint struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	Bucket string `json:"bucket"`
	// BucketAccount owns the bucket (another account for cross-account
	// access points).
	BucketAccount string `json:"bucket_account,omitempty"`
	// NetworkOrigin is Internet or VPC; VpcID is set for VPC.
	NetworkOrigin string `json:"network_origin"`
	VpcID         string `json:"vpc_id,omitempty"`
	// PublicAccessBlock is the access point's own setting (always present
	// on a readable access point).
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	// Errors are the details that could not be read: DetailPublicAccessBlock.
	Errors map[string]string `json:"errors,omitempty"`
}

// Err returns why detail could not be read, if it could not.
func (a *AccessPoint) Err(detail string) (string, bool) {
	e, ok := a.Errors[detail]
	return e, ok
}
