package item

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3controlapi "github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

// IrreversibleError says a Set did all it could, but AWS cannot put part
// of the prior state back (Object Lock cannot be turned off). The
// engine reports it and counts the step as done.
type IrreversibleError struct{ What string }

func (e *IrreversibleError) Error() string { return "cannot be undone: " + e.What }

// Irreversible marks it for change.IsIrreversible.
func (e *IrreversibleError) Irreversible() {}

// IsIrreversible reports whether err is an IrreversibleError.
func IsIrreversible(err error) bool {
	var ie *IrreversibleError
	return errors.As(err, &ie)
}

type publicAccessBlockState struct {
	Exists                bool `json:"exists"`
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// accountPublicAccessBlock is S3 Block Public Access for the account
// (S3 Control, global).
func accountPublicAccessBlock() Item {
	return &def[publicAccessBlockState]{
		name: "s3.account-public-access-block", scope: Global, phase: 1,
		applies: func(env Env) string {
			if t := env.Settings.S3PublicAccessBlock; t == nil || !spec.On(t.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (publicAccessBlockState, error) {
			out, err := env.s3Control().GetPublicAccessBlock(ctx, &s3controlapi.GetPublicAccessBlockInput{AccountId: aws.String(env.Target.Account)})
			if awsx.IsNotFound(err) {
				return publicAccessBlockState{}, nil
			}
			if err != nil {
				return publicAccessBlockState{}, err
			}
			c := out.PublicAccessBlockConfiguration
			return publicAccessBlockState{Exists: true, BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}, nil
		},
		want: func(Env, publicAccessBlockState) publicAccessBlockState {
			return publicAccessBlockState{Exists: true, BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
		},
		set: func(ctx context.Context, env Env, _, w publicAccessBlockState) error {
			c := env.s3Control()
			if !w.Exists {
				_, err := c.DeletePublicAccessBlock(ctx, &s3controlapi.DeletePublicAccessBlockInput{AccountId: aws.String(env.Target.Account)})
				return err
			}
			_, err := c.PutPublicAccessBlock(ctx, &s3controlapi.PutPublicAccessBlockInput{AccountId: aws.String(env.Target.Account),
				PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(w.BlockPublicAcls), IgnorePublicAcls: aws.Bool(w.IgnorePublicAcls),
					BlockPublicPolicy: aws.Bool(w.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(w.RestrictPublicBuckets)}})
			return err
		},
	}
}

// denyDeleteSid names the bucket policy statement the baseline adds.
const denyDeleteSid = "GuardrailDenyLogDeletion"

type logBucketState struct {
	Bucket string `json:"bucket"`
	// Versioning is Enabled, Suspended or "" (never enabled).
	Versioning string `json:"versioning"`
	ObjectLock bool   `json:"object_lock"`
	// DenyDelete says the policy has the baseline's deny-delete statement.
	DenyDelete bool `json:"deny_delete"`
	// Policy is the bucket policy ("" for none), kept whole so that
	// rollback puts back exactly the policy that was there.
	Policy string `json:"policy"`
}

// logArchiveBucket hardens the central log bucket of the log-archive
// account: versioning, Object Lock, and a statement that denies deleting
// logs. It does not create the bucket.
func logArchiveBucket() Item {
	return &def[logBucketState]{
		name: "s3.log-archive-bucket", scope: Global, phase: 0,
		applies: func(env Env) string {
			l := env.Settings.LogArchive
			switch {
			case l == nil || !spec.On(l.Enabled):
				return NotManaged
			case env.Target.Account != env.Org.LogArchive:
				return "only in the log-archive account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (logBucketState, error) {
			b := spec.Str(env.Settings.LogArchive.Bucket)
			c := env.s3()
			st := logBucketState{Bucket: b}
			v, err := c.GetBucketVersioning(ctx, &s3api.GetBucketVersioningInput{Bucket: aws.String(b)})
			if err != nil {
				return st, fmt.Errorf("bucket %s: %w", b, err)
			}
			st.Versioning = string(v.Status)
			ol, err := c.GetObjectLockConfiguration(ctx, &s3api.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
			switch {
			case err == nil:
				st.ObjectLock = ol.ObjectLockConfiguration != nil && ol.ObjectLockConfiguration.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled
			case awsx.IsNotFound(err) && awsx.Code(err) != "NoSuchBucket":
			default:
				return st, fmt.Errorf("bucket %s: %w", b, err)
			}
			p, err := c.GetBucketPolicy(ctx, &s3api.GetBucketPolicyInput{Bucket: aws.String(b)})
			switch {
			case err == nil:
				st.Policy = aws.ToString(p.Policy)
			case awsx.Code(err) == "NoSuchBucketPolicy":
			default:
				return st, fmt.Errorf("bucket %s: %w", b, err)
			}
			st.DenyDelete = st.Policy != "" && withDenyDelete(st.Policy, b) == st.Policy
			return st, nil
		},
		want: func(env Env, cur logBucketState) logBucketState {
			l := env.Settings.LogArchive
			w := cur
			if spec.Bool(l.Versioning) || spec.Bool(l.ObjectLock) {
				w.Versioning = "Enabled" // Object Lock needs versioning
			}
			if spec.Bool(l.ObjectLock) {
				w.ObjectLock = true
			}
			if spec.Bool(l.DenyDelete) {
				w.Policy, w.DenyDelete = withDenyDelete(cur.Policy, cur.Bucket), true
			}
			return w
		},
		set: func(ctx context.Context, env Env, cur, w logBucketState) error {
			c := env.s3()
			b := aws.String(w.Bucket)
			var irreversible []string
			if w.Versioning != cur.Versioning {
				status := s3types.BucketVersioningStatus(w.Versioning)
				if w.Versioning == "" {
					status = s3types.BucketVersioningStatusSuspended
					irreversible = append(irreversible, "a bucket that was never versioned can only be suspended, not unversioned")
				}
				if cur.ObjectLock && status != s3types.BucketVersioningStatusEnabled {
					irreversible = append(irreversible, "versioning stays on while Object Lock is on")
				} else if _, err := c.PutBucketVersioning(ctx, &s3api.PutBucketVersioningInput{Bucket: b,
					VersioningConfiguration: &s3types.VersioningConfiguration{Status: status}}); err != nil {
					return err
				}
			}
			if w.ObjectLock && !cur.ObjectLock {
				if _, err := c.PutObjectLockConfiguration(ctx, &s3api.PutObjectLockConfigurationInput{Bucket: b,
					ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}}); err != nil {
					return err
				}
			} else if !w.ObjectLock && cur.ObjectLock {
				irreversible = append(irreversible, "S3 Object Lock, once enabled on a bucket, cannot be disabled")
			}
			if w.Policy != cur.Policy {
				var err error
				if w.Policy == "" {
					_, err = c.DeleteBucketPolicy(ctx, &s3api.DeleteBucketPolicyInput{Bucket: b})
				} else {
					_, err = c.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: b, Policy: aws.String(w.Policy)})
				}
				if err != nil {
					return err
				}
			}
			if len(irreversible) > 0 {
				return &IrreversibleError{What: fmt.Sprint(irreversible)}
			}
			return nil
		},
	}
}

// withDenyDelete returns policy with the deny-delete statement for
// bucket added, or policy unchanged if it has it.
func withDenyDelete(policy, bucket string) string {
	doc := map[string]any{"Version": "2012-10-17"}
	if policy != "" {
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			return policy // not JSON: leave it to the owner; Set would fail anyway
		}
	}
	var stmts []any
	switch s := doc["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	for _, s := range stmts {
		if m, ok := s.(map[string]any); ok && m["Sid"] == denyDeleteSid {
			return policy
		}
	}
	arn := "arn:aws:s3:::" + bucket
	stmts = append(stmts, map[string]any{
		"Sid": denyDeleteSid, "Effect": "Deny", "Principal": "*",
		"Action":   []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"},
		"Resource": []string{arn, arn + "/*"},
	})
	doc["Statement"] = stmts
	b, _ := json.Marshal(doc)
	return string(b)
}
