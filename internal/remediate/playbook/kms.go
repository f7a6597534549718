package playbook

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// kmsPlaybooks returns the playbooks of KMS's controls.
func kmsPlaybooks() []Playbook {
	return []Playbook{kmsCancelDeletion(), kmsRotation()}
}

// kmsKey reads the metadata of the resource's key; Skip when it no
// longer exists.
func kmsKey(ctx context.Context, env Env) (*kmstypes.KeyMetadata, error) {
	o, err := kmsapi.NewFromConfig(env.Config).DescribeKey(ctx, &kmsapi.DescribeKeyInput{KeyId: aws.String(env.Resource.ARN)})
	if awsx.IsNotFound(err) {
		return nil, Skip("KMS key %s no longer exists", env.Resource.ID())
	}
	if err != nil {
		return nil, err
	}
	if o.KeyMetadata == nil {
		return nil, fmt.Errorf("describe key %s: no metadata", env.Resource.ID())
	}
	return o.KeyMetadata, nil
}

// kmsDeletionState is whether a key is pending deletion and when KMS
// deletes it.
type kmsDeletionState struct {
	PendingDeletion bool       `json:"pending_deletion"`
	DeletionDate    *time.Time `json:"deletion_date,omitempty"`
	// KeyState is read for the plan (Enabled, Disabled, PendingDeletion,
	// ...); Set never changes it but through the deletion: KMS leaves a
	// key whose deletion is cancelled Disabled.
	KeyState string `json:"key_state"`
}

// Deletion windows KMS accepts, in days.
const (
	kmsMinWindow = 7
	kmsMaxWindow = 30
)

// kmsCancelDeletion cancels the scheduled deletion of a key (KMS.3).
//
// KMS leaves a key whose deletion is cancelled Disabled, and so does the
// playbook: KMS.3 passes on a key that is no longer pending deletion, and
// whether the key should encrypt again (it was often disabled on purpose
// before its deletion was scheduled) is the owner's call. So the playbook
// needs no right to enable or disable keys.
//
// Rollback schedules the deletion again. KMS takes a waiting period of 7
// to 30 days from the call, not a date, and DescribeKey shows only the
// date, so the rollback asks for the days left until the prior date,
// rounded up: the key is deleted on the prior date (to the day) when at
// least 7 days are left, and 7 days from the rollback otherwise; never
// sooner than planned. A date that differs from the prior one is reported
// as an IrreversibleError, with both dates.
func kmsCancelDeletion() Playbook {
	return &def[kmsDeletionState]{
		info: Info{
			Control: "KMS.3", Name: "kms.cancel-key-deletion",
			Summary: "Cancel the key's scheduled deletion; KMS leaves the key Disabled, and so does the playbook (enable it by hand if it should encrypt again)",
			Risk: "the key, and everything encrypted under it, is kept (and billed) instead of deleted; it stays Disabled, so nothing " +
				"can use it until someone enables it. A rollback schedules the deletion again, 7 to 30 days from the rollback as KMS " +
				"allows: on the prior deletion date when at least 7 days remain before it, otherwise 7 days from the rollback " +
				"(reported as not exactly undone); the key is never deleted sooner than it was scheduled to be",
			Actions: []string{"kms:DescribeKey", "kms:CancelKeyDeletion", "kms:ScheduleKeyDeletion"},
		},
		read: func(ctx context.Context, env Env) (kmsDeletionState, error) {
			m, err := kmsKey(ctx, env)
			if err != nil {
				return kmsDeletionState{}, err
			}
			s := kmsDeletionState{KeyState: string(m.KeyState), PendingDeletion: m.KeyState == kmstypes.KeyStatePendingDeletion}
			if s.PendingDeletion && m.DeletionDate != nil {
				d := m.DeletionDate.UTC()
				s.DeletionDate = &d
			}
			return s, nil
		},
		fix: func(_ Env, cur kmsDeletionState) (kmsDeletionState, error) {
			if !cur.PendingDeletion {
				return cur, nil
			}
			return kmsDeletionState{KeyState: string(kmstypes.KeyStateDisabled)}, nil
		},
		set: kmsSetDeletion,
	}
}

func kmsSetDeletion(ctx context.Context, env Env, cur, want kmsDeletionState) error {
	c := kmsapi.NewFromConfig(env.Config)
	key := aws.String(env.Resource.ARN)
	switch {
	case want.PendingDeletion == cur.PendingDeletion:
		return nil
	case !want.PendingDeletion:
		_, err := c.CancelKeyDeletion(ctx, &kmsapi.CancelKeyDeletionInput{KeyId: key})
		return err
	}
	days := kmsWindow(env.Now, want.DeletionDate)
	o, err := c.ScheduleKeyDeletion(ctx, &kmsapi.ScheduleKeyDeletionInput{KeyId: key, PendingWindowInDays: aws.Int32(days)})
	if err != nil {
		return err
	}
	if want.DeletionDate != nil && (o.DeletionDate == nil || !o.DeletionDate.Equal(*want.DeletionDate)) {
		now := "an unknown date"
		if o.DeletionDate != nil {
			now = o.DeletionDate.UTC().Format(time.RFC3339)
		}
		return &IrreversibleError{What: fmt.Sprintf("KMS key %s is scheduled for deletion on %s (%d days from now); it was scheduled for %s: "+
			"KMS schedules a deletion 7 to 30 days from the request", env.Resource.ID(), now, days, want.DeletionDate.UTC().Format(time.RFC3339))}
	}
	return nil
}

// kmsWindow returns the deletion window, in days, that deletes a key
// scheduled now on date or as soon after it as KMS allows: the days left,
// rounded up, within 7 to 30. Without a date it is KMS's default, 30.
func kmsWindow(now time.Time, date *time.Time) int32 {
	if date == nil {
		return kmsMaxWindow
	}
	days := int(math.Ceil(date.Sub(now).Hours() / 24))
	return int32(min(max(days, kmsMinWindow), kmsMaxWindow))
}

// kmsRotationState is whether KMS rotates a key's material, with the
// facts Fix judges by.
type kmsRotationState struct {
	RotationEnabled bool `json:"rotation_enabled"`
	// RotationPeriodDays is the rotation period while rotation is on;
	// 0 in a wanted state means KMS's default (365 days).
	RotationPeriodDays int `json:"rotation_period_days,omitempty"`
	// The rest is read for Fix; Set never changes it.
	KeyState string `json:"key_state"`
	Manager  string `json:"manager"`
	Spec     string `json:"spec"`
	Origin   string `json:"origin"`
	// Primary is the primary key's ARN when the key is a multi-Region
	// replica: the primary holds the rotation setting of all of them.
	Primary string `json:"primary,omitempty"`
}

// kmsRotation turns on automatic rotation of a customer managed
// symmetric key (KMS.4).
func kmsRotation() Playbook {
	return &def[kmsRotationState]{
		info: Info{
			Control: "KMS.4", Name: "kms.key-rotation",
			Summary: "Turn on automatic yearly rotation of the key's material (customer managed symmetric keys with KMS-generated material)",
			Risk: "none for callers: KMS keeps every earlier key material and decrypts older ciphertexts transparently, and the key ID " +
				"and ARN do not change; the first rotations add a monthly key-material charge. A rotation that happens before a " +
				"rollback is not undone (the new material stays; rollback only turns rotation off again)",
			Actions: []string{"kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation"},
		},
		read: func(ctx context.Context, env Env) (kmsRotationState, error) {
			m, err := kmsKey(ctx, env)
			if err != nil {
				return kmsRotationState{}, err
			}
			s := kmsRotationState{KeyState: string(m.KeyState), Manager: string(m.KeyManager), Spec: string(m.KeySpec), Origin: string(m.Origin)}
			if mr := m.MultiRegionConfiguration; mr != nil && mr.MultiRegionKeyType == kmstypes.MultiRegionKeyTypeReplica && mr.PrimaryKey != nil {
				s.Primary = aws.ToString(mr.PrimaryKey.Arn)
			}
			if s.Spec != string(kmstypes.KeySpecSymmetricDefault) || s.Origin != string(kmstypes.OriginTypeAwsKms) ||
				m.KeyState == kmstypes.KeyStatePendingDeletion || m.KeyState == kmstypes.KeyStatePendingImport {
				return s, nil // KMS has no rotation status for these
			}
			r, err := kmsapi.NewFromConfig(env.Config).GetKeyRotationStatus(ctx, &kmsapi.GetKeyRotationStatusInput{KeyId: aws.String(env.Resource.ARN)})
			if err != nil {
				return kmsRotationState{}, err
			}
			s.RotationEnabled = r.KeyRotationEnabled
			if s.RotationEnabled {
				s.RotationPeriodDays = int(aws.ToInt32(r.RotationPeriodInDays))
			}
			return s, nil
		},
		fix: func(_ Env, cur kmsRotationState) (kmsRotationState, error) {
			switch {
			case cur.RotationEnabled:
				return cur, nil
			case cur.Manager != string(kmstypes.KeyManagerTypeCustomer):
				return cur, Skip("%s managed key: AWS rotates it, its owner cannot", cur.Manager)
			case cur.Spec != string(kmstypes.KeySpecSymmetricDefault):
				return cur, Skip("%s key: KMS rotates symmetric encryption keys only", cur.Spec)
			case cur.Origin == string(kmstypes.OriginTypeExternal):
				return cur, Skip("imported key material (origin EXTERNAL): KMS cannot rotate it automatically")
			case cur.Origin != string(kmstypes.OriginTypeAwsKms):
				return cur, Skip("key in a custom key store (origin %s): KMS cannot rotate it automatically", cur.Origin)
			case cur.Primary != "":
				return cur, Skip("multi-Region replica key: rotation is set on its primary key %s", cur.Primary)
			case cur.KeyState != string(kmstypes.KeyStateEnabled):
				return cur, Skip("key is %s: KMS.4 judges enabled keys, and KMS turns rotation on for enabled keys only", cur.KeyState)
			}
			want := cur
			want.RotationEnabled, want.RotationPeriodDays = true, 0
			return want, nil
		},
		set: func(ctx context.Context, env Env, cur, want kmsRotationState) error {
			c := kmsapi.NewFromConfig(env.Config)
			key := aws.String(env.Resource.ARN)
			switch {
			case want.RotationEnabled && (!cur.RotationEnabled || want.RotationPeriodDays != 0 && want.RotationPeriodDays != cur.RotationPeriodDays):
				in := &kmsapi.EnableKeyRotationInput{KeyId: key}
				if want.RotationPeriodDays != 0 {
					in.RotationPeriodInDays = aws.Int32(int32(want.RotationPeriodDays))
				}
				_, err := c.EnableKeyRotation(ctx, in)
				return err
			case !want.RotationEnabled && cur.RotationEnabled:
				_, err := c.DisableKeyRotation(ctx, &kmsapi.DisableKeyRotationInput{KeyId: key})
				return err
			}
			return nil
		},
	}
}
