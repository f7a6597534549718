package s3

import (
	"github.com/guardrail-sec/guardrail/internal/policy"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

func tlsOnly() *control.Control {
	return &control.Control{
		ID:           "S3.5",
		Title:        "S3 general purpose buckets should require requests to use SSL",
		Service:      "S3",
		Severity:     control.Medium,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "S3 answers plain HTTP too; only a bucket policy that denies requests without TLS " +
			"(aws:SecureTransport false) keeps data and credentials from crossing the network in clear.",
		Remediation: "Console: S3 > bucket > Permissions > Bucket policy > Edit, add a statement: Effect Deny, Principal \"*\", " +
			"Action \"s3:*\", Resource the bucket ARN and <bucket ARN>/*, Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.\n" +
			"CLI: aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json (the existing policy plus that statement)",
		WellArchitected: []string{"SEC09"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailPolicy) {
					return
				}
				if b.Policy == nil {
					in.Fail(m, "no bucket policy, so requests over plain HTTP are not denied")
					return
				}
				switch sids, ok := deniesHTTP(b.Policy, m.ARN); {
				case ok:
					in.Pass(m, "bucket policy statement %s denies requests without TLS", strings.Join(sids, ", "))
				case len(sids) > 0:
					in.Fail(m, "bucket policy statement %s denies requests without TLS, but not on both the bucket and its objects", strings.Join(sids, ", "))
				default:
					in.Fail(m, "no bucket policy statement denies every S3 action to everyone when aws:SecureTransport is false")
				}
			})
		},
	}
}

// blockedActions are the actions S3.6 does not allow other accounts
// (the Config rule's default blacklistedActionPattern).
var blockedActions = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

func crossAccountActions() *control.Control {
	return &control.Control{
		ID:           "S3.6",
		Title:        "S3 general purpose bucket policies should restrict access to other AWS accounts",
		Service:      "S3",
		Severity:     control.High,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "Letting other accounts change a bucket's policy, ACLs or encryption hands them control of the " +
			"bucket: they can open it to the public, lock its owner out or re-encrypt its data.",
		Remediation: "Console: S3 > bucket > Permissions > Bucket policy > Edit, remove s3:DeleteBucketPolicy, s3:PutBucketAcl, " +
			"s3:PutBucketPolicy, s3:PutEncryptionConfiguration and s3:PutObjectAcl (and wildcards covering them) from statements " +
			"whose principals are other accounts or \"*\".\n" +
			"CLI: aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json",
		WellArchitected: []string{"SEC03"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailPolicy) {
					return
				}
				if b.Policy == nil {
					in.Pass(m, "no bucket policy")
					return
				}
				var found []string
				for _, g := range policy.CrossAccount(document(b.Policy), in.Account.ID, blockedActions) {
					found = append(found, g.CrossString())
				}
				if len(found) > 0 {
					in.Fail(m, "bucket policy lets other accounts manage the bucket: %s", strings.Join(found, "; "))
				} else {
					in.Pass(m, "bucket policy grants no other account the actions that control the bucket")
				}
			})
		},
	}
}

func accessLogging() *control.Control {
	return &control.Control{
		ID:           "S3.9",
		Title:        "S3 general purpose buckets should have server access logging enabled",
		Service:      "S3",
		Severity:     control.Medium,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "Server access logs record every request made to a bucket, which security and access audits " +
			"and incident investigations need.",
		Remediation: "Console: S3 > bucket > Properties > Server access logging > Edit, enable it and choose a target bucket in the same region.\n" +
			"CLI: aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status " +
			"'{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<bucket>/\"}}'",
		WellArchitected: []string{"SEC04"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailLogging) {
					return
				}
				if b.Logging == nil {
					in.Fail(m, "server access logging is disabled")
				} else {
					in.Pass(m, "server access logs go to %s", logTarget(b.Logging))
				}
			})
		},
	}
}

func logTarget(l *s3snap.Logging) string {
	if l.TargetPrefix == "" {
		return l.TargetBucket
	}
	return l.TargetBucket + "/" + strings.TrimPrefix(l.TargetPrefix, "/")
}

func noACLs() *control.Control {
	return &control.Control{
		ID:           "S3.12",
		Title:        "ACLs should not be used to manage user access to S3 general purpose buckets",
		Service:      "S3",
		Severity:     control.Medium,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "ACLs are a legacy, hard-to-audit way to grant access that bypasses IAM and bucket policies; " +
			"with Object Ownership set to Bucket owner enforced they are disabled and policies alone decide access.",
		Remediation: "Move any access granted by the ACL into the bucket policy, then Console: S3 > bucket > Permissions > " +
			"Object Ownership > Edit, choose ACLs disabled (Bucket owner enforced), save.\n" +
			"CLI: aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
		WellArchitected: []string{"SEC03"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if b.Ownership == "BucketOwnerEnforced" {
					in.Pass(m, "ACLs are disabled (Object Ownership: BucketOwnerEnforced)")
					return
				}
				if unread(in, m, b, s3snap.DetailACL) {
					return
				}
				// Grants beyond the owner mean ACLs are enabled, whatever
				// the Object Ownership setting (even if it was not read).
				if others := aclGrantees(b.ACL); len(others) > 0 {
					in.Fail(m, "the ACL grants %s (Object Ownership: %s)", strings.Join(others, ", "), ownership(b))
				} else {
					in.Pass(m, "the ACL grants access to the owner only (Object Ownership: %s)", ownership(b))
				}
			})
		},
	}
}

func ownership(b *s3snap.Bucket) string {
	if _, ok := b.Err(s3snap.DetailOwnership); ok {
		return "not read"
	}
	if b.Ownership == "" {
		return "not configured"
	}
	return b.Ownership
}

// aclGrantees describes the grants of a to anyone but its owner.
func aclGrantees(a *s3snap.ACL) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, g := range a.Grants {
		var who string
		switch {
		case g.Type == s3snap.GranteeCanonicalUser && g.ID == a.Owner:
			continue
		case g.URI != "":
			who = g.URI[strings.LastIndex(g.URI, "/")+1:]
		case g.Email != "":
			who = g.Email
		default:
			who = "canonical user " + short(g.ID)
		}
		out = append(out, g.Permission+" to "+who)
	}
	return out
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

func kmsEncryption() *control.Control {
	return &control.Control{
		ID:           "S3.17",
		Title:        "S3 general purpose buckets should be encrypted at rest with AWS KMS keys",
		Service:      "S3",
		Severity:     control.Medium,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "SSE-KMS puts reading the data behind a second permission (kms:Decrypt on the key) and logs every " +
			"use of the key in CloudTrail, which SSE-S3 does not.",
		Remediation: "Console: S3 > bucket > Properties > Default encryption > Edit, choose SSE-KMS and a key, enable Bucket Key, save.\n" +
			"CLI: aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration " +
			"'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
		WellArchitected: []string{"SEC08"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailEncryption) {
					return
				}
				switch e := b.Encryption; {
				case e == nil:
					in.Fail(m, "no default encryption is configured")
				case e.Algorithm == "aws:kms" || e.Algorithm == "aws:kms:dsse":
					key := e.KMSKeyID
					if key == "" {
						key = "the AWS managed key aws/s3"
					}
					in.Pass(m, "default encryption is %s with %s", e.Algorithm, key)
				default:
					in.Fail(m, "default encryption is %s (SSE-S3), not SSE-KMS", e.Algorithm)
				}
			})
		},
	}
}

func mfaDelete() *control.Control {
	return &control.Control{
		ID:           "S3.20",
		Title:        "S3 general purpose buckets should have MFA delete enabled",
		Service:      "S3",
		Severity:     control.Low,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "With MFA delete, permanently deleting an object version or changing the bucket's versioning state " +
			"needs the root user's MFA code, so stolen credentials cannot destroy the data.",
		Remediation: "MFA delete can only be enabled by the root user, with the CLI or API (not the console): " +
			"aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled " +
			"--mfa '<root-mfa-device-arn> <code>'",
		WellArchitected: []string{"SEC08"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailVersioning, s3snap.DetailLifecycle) {
					return
				}
				switch {
				case b.Lifecycle != nil:
					// S3 refuses MFA delete on a bucket with a lifecycle
					// configuration; Security Hub reports no finding for it.
					in.NotApplicable(m, "the bucket has a lifecycle configuration, which MFA delete cannot be used with")
				case b.MFADelete == "Enabled":
					in.Pass(m, "MFA delete is enabled")
				case b.Versioning != "Enabled":
					in.Fail(m, "MFA delete is not enabled (versioning %s)", versioning(b.Versioning))
				default:
					in.Fail(m, "MFA delete is not enabled")
				}
			})
		},
	}
}

// versioningEnabled is S3.14 (a NIST 800-53 control in Security Hub, not
// one of FSBP): a bucket whose versioning was never enabled or is
// suspended fails.
func versioningEnabled() *control.Control {
	return &control.Control{
		ID:           "S3.14",
		Title:        "S3 general purpose buckets should have versioning enabled",
		Service:      "S3",
		Severity:     control.Low,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "Versioning keeps every version of an object, so an overwrite or a delete (by mistake, by a bug, " +
			"by ransomware with stolen credentials) can be undone; it is also what replication, Object Lock and MFA " +
			"delete build on.",
		Remediation: "Console: S3 > the bucket > Properties > Bucket Versioning > Edit > Enable; add a lifecycle rule " +
			"that expires noncurrent versions to bound the cost.\n" +
			"CLI: aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
		WellArchitected: []string{"SEC09", "SEC10"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailVersioning) {
					return
				}
				in.Check(m, b.Versioning == "Enabled", "versioning is enabled", "versioning is "+versioning(b.Versioning))
			})
		},
	}
}

func versioning(v string) string {
	if v == "" {
		return "never enabled"
	}
	return strings.ToLower(v)
}

// lifecycleConfigured is S3.13: a bucket without a lifecycle
// configuration, or whose rules are all disabled, fails (Security Hub's
// defaults: no storage class or day count is required).
func lifecycleConfigured() *control.Control {
	return &control.Control{
		ID:           "S3.13",
		Title:        "S3 general purpose buckets should have Lifecycle configurations",
		Service:      "S3",
		Severity:     control.Low,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "Without lifecycle rules every object and every noncurrent version is kept forever: data past " +
			"its retention stays exposed to whoever can read the bucket, and incomplete multipart uploads and old " +
			"versions pile up unseen.",
		Remediation: "Console: S3 > the bucket > Management > Create lifecycle rule (transition or expire current " +
			"and noncurrent versions, abort incomplete multipart uploads).\n" +
			"CLI: aws s3api put-bucket-lifecycle-configuration --bucket <bucket> --lifecycle-configuration file://lifecycle.json",
		WellArchitected: []string{"SEC07"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailLifecycle) {
					return
				}
				enabled := 0
				for _, r := range b.Lifecycle {
					if r.Enabled {
						enabled++
					}
				}
				switch {
				case b.Lifecycle == nil:
					in.Fail(m, "no lifecycle configuration")
				case enabled == 0:
					in.Fail(m, "every lifecycle rule (%d) is disabled", len(b.Lifecycle))
				default:
					in.Pass(m, "%d enabled lifecycle rule(s)", enabled)
				}
			})
		},
	}
}
