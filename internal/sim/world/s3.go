package world

import "time"

// S3 is an account's S3 buckets and account-level S3 settings (global).
// Every bucket's name is also registered in World.Buckets, the global
// bucket namespace (see RegisterBuckets).
type S3 struct {
	// PublicAccessBlock is the account-level Block Public Access setting
	// (S3 Control); nil when never configured.
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block,omitempty"`
	Buckets           []*Bucket          `yaml:"buckets,omitempty"`
	// AccessPoints are S3 access points (S3 Control), each in a region.
	AccessPoints []*AccessPoint `yaml:"access_points,omitempty"`
}

// Bucket returns the account's bucket called name, or nil.
func (s *S3) Bucket(name string) *Bucket {
	for _, b := range s.Buckets {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// PublicAccessBlock is a Block Public Access configuration (bucket or
// account level).
type PublicAccessBlock struct {
	BlockPublicAcls       bool `yaml:"block_public_acls"`
	IgnorePublicAcls      bool `yaml:"ignore_public_acls"`
	BlockPublicPolicy     bool `yaml:"block_public_policy"`
	RestrictPublicBuckets bool `yaml:"restrict_public_buckets"`
}

// Bucket is one general purpose S3 bucket. A nil or empty configuration
// means "never configured": S3 answers its NotFound error for it.
type Bucket struct {
	Name    string    `yaml:"name"`
	Region  string    `yaml:"region"`
	Created time.Time `yaml:"created"`

	// ACL is a canned ACL (private, public-read, public-read-write,
	// authenticated-read, log-delivery-write); Grants, when set, replace it.
	ACL    string  `yaml:"acl,omitempty"`
	Grants []Grant `yaml:"grants,omitempty"`
	// Ownership is the Object Ownership control (BucketOwnerEnforced,
	// BucketOwnerPreferred, ObjectWriter); "" when none is configured.
	Ownership         string             `yaml:"ownership,omitempty"`
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block,omitempty"`
	// Policy is the bucket policy document (JSON), "" when none.
	Policy       string              `yaml:"policy,omitempty"`
	Encryption   *BucketEncryption   `yaml:"encryption,omitempty"`
	Versioning   string              `yaml:"versioning,omitempty"` // "", Enabled, Suspended
	MFADelete    string              `yaml:"mfa_delete,omitempty"` // "", Enabled, Disabled
	Logging      *BucketLogging      `yaml:"logging,omitempty"`
	ObjectLock   *ObjectLock         `yaml:"object_lock,omitempty"`
	Tags         map[string]string   `yaml:"tags,omitempty"`
	Lifecycle    []LifecycleRule     `yaml:"lifecycle,omitempty"`
	Replication  *Replication        `yaml:"replication,omitempty"`
	Notification *BucketNotification `yaml:"notification,omitempty"`
	Objects      []*Object           `yaml:"objects,omitempty"`
}

// Grant is one ACL grant. Exactly one of ID (canonical user), URI (group)
// or Email names the grantee.
type Grant struct {
	ID         string `yaml:"id,omitempty"`
	URI        string `yaml:"uri,omitempty"`
	Email      string `yaml:"email,omitempty"`
	Permission string `yaml:"permission"` // FULL_CONTROL, READ, WRITE, READ_ACP, WRITE_ACP
}

// BucketEncryption is a bucket's default encryption.
type BucketEncryption struct {
	Algorithm        string `yaml:"algorithm"` // AES256, aws:kms, aws:kms:dsse
	KMSKeyID         string `yaml:"kms_key_id,omitempty"`
	BucketKeyEnabled bool   `yaml:"bucket_key_enabled,omitempty"`
}

// BucketLogging is server access logging.
type BucketLogging struct {
	TargetBucket string `yaml:"target_bucket"`
	TargetPrefix string `yaml:"target_prefix"`
}

// ObjectLock is a bucket's Object Lock configuration.
type ObjectLock struct {
	Enabled bool   `yaml:"enabled"`
	Mode    string `yaml:"mode,omitempty"` // GOVERNANCE, COMPLIANCE
	Days    int    `yaml:"days,omitempty"`
	Years   int    `yaml:"years,omitempty"`
}

// LifecycleRule is one lifecycle rule (the common subset).
type LifecycleRule struct {
	ID                             string `yaml:"id"`
	Status                         string `yaml:"status"` // Enabled, Disabled
	Prefix                         string `yaml:"prefix,omitempty"`
	ExpirationDays                 int    `yaml:"expiration_days,omitempty"`
	ExpiredObjectDeleteMarker      bool   `yaml:"expired_object_delete_marker,omitempty"`
	TransitionDays                 int    `yaml:"transition_days,omitempty"`
	TransitionStorageClass         string `yaml:"transition_storage_class,omitempty"`
	NoncurrentExpirationDays       int    `yaml:"noncurrent_expiration_days,omitempty"`
	NoncurrentTransitionDays       int    `yaml:"noncurrent_transition_days,omitempty"`
	NoncurrentTransitionClass      string `yaml:"noncurrent_transition_class,omitempty"`
	AbortIncompleteMultipartUpload int    `yaml:"abort_incomplete_multipart_upload_days,omitempty"`
}

// Replication is a bucket's replication configuration.
type Replication struct {
	Role  string            `yaml:"role"`
	Rules []ReplicationRule `yaml:"rules"`
}

// ReplicationRule is one replication rule.
type ReplicationRule struct {
	ID                      string `yaml:"id"`
	Priority                int    `yaml:"priority,omitempty"`
	Status                  string `yaml:"status"` // Enabled, Disabled
	Prefix                  string `yaml:"prefix,omitempty"`
	DestinationBucket       string `yaml:"destination_bucket"` // ARN
	DestinationAccount      string `yaml:"destination_account,omitempty"`
	StorageClass            string `yaml:"storage_class,omitempty"`
	DeleteMarkerReplication string `yaml:"delete_marker_replication,omitempty"` // Enabled, Disabled
}

// BucketNotification is a bucket's event notification configuration.
type BucketNotification struct {
	Topics      []NotificationTarget `yaml:"topics,omitempty"`
	Queues      []NotificationTarget `yaml:"queues,omitempty"`
	Lambdas     []NotificationTarget `yaml:"lambdas,omitempty"`
	EventBridge bool                 `yaml:"eventbridge,omitempty"`
}

// NotificationTarget is one SNS topic, SQS queue or Lambda function
// notified of events.
type NotificationTarget struct {
	ID     string   `yaml:"id"`
	ARN    string   `yaml:"arn"`
	Events []string `yaml:"events"`
	Prefix string   `yaml:"prefix,omitempty"`
	Suffix string   `yaml:"suffix,omitempty"`
}

// Object is one stored object (the simulator keeps small objects only).
type Object struct {
	Key         string `yaml:"key"`
	Body        string `yaml:"body"`
	ContentType string `yaml:"content_type,omitempty"`
	// ContentEncoding is "gzip" for CloudTrail's log files.
	ContentEncoding string    `yaml:"content_encoding,omitempty"`
	Modified        time.Time `yaml:"modified"`
	VersionID       string    `yaml:"version_id,omitempty"`
	StorageClass    string    `yaml:"storage_class,omitempty"`
}

// AccessPoint is an S3 access point.
type AccessPoint struct {
	Name              string             `yaml:"name"`
	Bucket            string             `yaml:"bucket"`
	Region            string             `yaml:"region"`
	VpcID             string             `yaml:"vpc_id,omitempty"` // "" for Internet origin
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block,omitempty"`
	Created           time.Time          `yaml:"created"`
	Alias             string             `yaml:"alias,omitempty"`
}

// RegisterBuckets records every account's buckets in the global bucket
// namespace (World.Buckets). It takes no account lock: call it while
// building a world, before the simulator serves it.
func RegisterBuckets(w *World) {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	if w.Buckets == nil {
		w.Buckets = map[string]string{}
	}
	for id, a := range w.Accounts {
		for _, b := range a.S3.Buckets {
			w.Buckets[b.Name] = id
		}
	}
}
