package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const kmsRegion = "eu-west-1"

// kmsCreateKey creates a customer managed symmetric key, as a user would,
// and returns its ARN.
func kmsCreateKey(t *testing.T, cfg aws.Config) string {
	t.Helper()
	o, err := kmsapi.NewFromConfig(cfg).CreateKey(context.Background(), &kmsapi.CreateKeyInput{Description: aws.String("app data")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(o.KeyMetadata.Arn)
}

func kmsCases() []roundTrip {
	return []roundTrip{
		{control: "KMS.3", region: kmsRegion, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			arn := kmsCreateKey(t, cfg)
			if _, err := kmsapi.NewFromConfig(cfg).ScheduleKeyDeletion(context.Background(), &kmsapi.ScheduleKeyDeletionInput{
				KeyId: aws.String(arn), PendingWindowInDays: aws.Int32(10),
			}); err != nil {
				t.Fatal(err)
			}
			return playbook.Resource{ARN: arn}
		}},
		// A key disabled first, then scheduled for deletion: it stays
		// disabled once the deletion is cancelled.
		{name: "KMS.3/disabled-first", control: "KMS.3", region: kmsRegion, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			arn := kmsCreateKey(t, cfg)
			c := kmsapi.NewFromConfig(cfg)
			if _, err := c.DisableKey(context.Background(), &kmsapi.DisableKeyInput{KeyId: aws.String(arn)}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ScheduleKeyDeletion(context.Background(), &kmsapi.ScheduleKeyDeletionInput{KeyId: aws.String(arn)}); err != nil {
				t.Fatal(err)
			}
			return playbook.Resource{ARN: arn}
		}},
		{control: "KMS.4", region: kmsRegion, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			return playbook.Resource{ARN: kmsCreateKey(t, cfg)}
		}},
	}
}

// TestKMSFix: KMS.3 cancels only a pending deletion; KMS.4 skips, with the
// reason, every key KMS cannot rotate, and keeps a rotation already on.
func TestKMSFix(t *testing.T) {
	key := func(extra string) string {
		return `{"rotation_enabled":false,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"` + extra + `}`
	}
	runFixExamples(t, []fixExample{
		{name: "pending", control: "KMS.3", cur: `{"pending_deletion":true,"deletion_date":"2026-06-08T12:00:00Z","key_state":"PendingDeletion"}`,
			want: `{"pending_deletion":false,"key_state":"Disabled"}`},
		{name: "not pending", control: "KMS.3", cur: `{"pending_deletion":false,"key_state":"Enabled"}`, want: `{"pending_deletion":false,"key_state":"Enabled"}`},
		{name: "off", control: "KMS.4", cur: key(""), want: `{"rotation_enabled":true,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`},
		{name: "on with its period", control: "KMS.4", cur: `{"rotation_enabled":true,"rotation_period_days":90,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`,
			want: `{"rotation_enabled":true,"rotation_period_days":90,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`},
		{name: "asymmetric", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Enabled","manager":"CUSTOMER","spec":"RSA_2048","origin":"AWS_KMS"}`,
			skip: "RSA_2048 key: KMS rotates symmetric encryption keys only"},
		{name: "hmac", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Enabled","manager":"CUSTOMER","spec":"HMAC_256","origin":"AWS_KMS"}`,
			skip: "HMAC_256 key"},
		{name: "imported", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"EXTERNAL"}`,
			skip: "imported key material"},
		{name: "cloudhsm", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Enabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_CLOUDHSM"}`,
			skip: "custom key store (origin AWS_CLOUDHSM)"},
		{name: "replica", control: "KMS.4", cur: key(`,"primary":"arn:aws:kms:us-east-1:222222222222:key/mrk-1"`),
			skip: "rotation is set on its primary key arn:aws:kms:us-east-1:222222222222:key/mrk-1"},
		{name: "disabled", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Disabled","manager":"CUSTOMER","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`,
			skip: "key is Disabled"},
		{name: "aws managed", control: "KMS.4", cur: `{"rotation_enabled":false,"key_state":"Enabled","manager":"AWS","spec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`,
			skip: "AWS managed key"},
	})
}

// TestKMSDeletionRollback: rolling back a cancelled deletion schedules it
// again for the prior date when KMS's 7-to-30-day window reaches it, and
// says what it could not restore when it does not (the date had fewer
// than 7 days to go, or falls between two whole days from now).
func TestKMSDeletionRollback(t *testing.T) {
	const keyID = "1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, tc := range []struct {
		name   string
		left   time.Duration
		newDay time.Duration // the deletion date after rollback, from now
	}{
		{"12 days left", 12 * 24 * time.Hour, 12 * 24 * time.Hour},
		{"3 days left", 3 * 24 * time.Hour, 7 * 24 * time.Hour},
		{"10 days 5 hours left", 10*24*time.Hour + 5*time.Hour, 11 * 24 * time.Hour},
		{"the old date has passed", -time.Hour, 7 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := simtest.NewWorld()
			r := w.Account(simtest.Member).In(kmsRegion)
			r.KMS.Keys = append(r.KMS.Keys, &world.KMSKey{ID: keyID, State: "PendingDeletion", DeletionDate: simtest.Now.Add(tc.left), Created: simtest.Now.AddDate(-1, 0, 0)})
			sim := simtest.Start(t, w)
			cfg := sim.Config(t, simtest.Member, kmsRegion)
			env := playbook.Env{Config: cfg, Account: simtest.Member, Region: kmsRegion, Now: simtest.Now,
				Resource: playbook.Resource{ARN: "arn:aws:kms:" + kmsRegion + ":" + simtest.Member + ":key/" + keyID}}
			ctx := context.Background()
			p := playbook.ByControl("KMS.3")
			prior, err := p.Read(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			want, err := p.Fix(env, prior)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Set(ctx, env, prior, want); err != nil {
				t.Fatal(err)
			}
			now, err := p.Read(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Set(ctx, env, now, prior)
			var irr *playbook.IrreversibleError
			exact := tc.newDay == tc.left
			if exact && err != nil || !exact && !errors.As(err, &irr) {
				t.Fatalf("rollback = %v; want an IrreversibleError: %v", err, !exact)
			}
			back, err := p.Read(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				Pending      bool      `json:"pending_deletion"`
				KeyState     string    `json:"key_state"`
				DeletionDate time.Time `json:"deletion_date"`
			}
			if err := json.Unmarshal(back, &s); err != nil {
				t.Fatal(err)
			}
			if !s.Pending || s.KeyState != "PendingDeletion" || !s.DeletionDate.Equal(simtest.Now.Add(tc.newDay)) {
				t.Errorf("after rollback: %s; want PendingDeletion on %s", back, simtest.Now.Add(tc.newDay))
			}
			if irr != nil {
				t.Log(irr)
			}
		})
	}
}

// TestKMSGone: a key deleted since the finding is skipped.
func TestKMSGone(t *testing.T) {
	sim := simtest.Start(t, simtest.NewWorld())
	env := playbook.Env{Config: sim.Config(t, simtest.Member, kmsRegion), Account: simtest.Member, Region: kmsRegion, Now: simtest.Now,
		Resource: playbook.Resource{ARN: "arn:aws:kms:" + kmsRegion + ":" + simtest.Member + ":key/00000000-0000-0000-0000-000000000000"}}
	for _, c := range []string{"KMS.3", "KMS.4"} {
		if _, err := playbook.ByControl(c).Read(context.Background(), env); !errors.Is(err, playbook.ErrSkip) {
			t.Errorf("%s Read = %v, want a skip", c, err)
		}
	}
}
