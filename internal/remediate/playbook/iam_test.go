package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// iamClock is a simulator clock a case's setup can move: it creates
// credentials in the past, as a user did then, and comes back to
// simtest.Now before the control is assessed.
type iamClock struct{ ns atomic.Int64 }

func (tr *iamClock) world(w *world.World) {
	tr.ns.Store(simtest.Now.UnixNano())
	w.Now = func() time.Time { return time.Unix(0, tr.ns.Load()).UTC() }
}

func (tr *iamClock) daysAgo(d int) { tr.ns.Store(simtest.Now.AddDate(0, 0, -d).UnixNano()) }
func (tr *iamClock) back()         { tr.ns.Store(simtest.Now.UnixNano()) }

func iamUserARN(path, name string) string {
	return "arn:aws:iam::" + simtest.Member + ":user" + path + name
}

func iamAccount() playbook.Resource {
	return playbook.Resource{ARN: "AWS::::Account:" + simtest.Member, Type: "AwsAccount"}
}

// iamOK returns v of a call, failing t when the call failed:
// iamOK(c.CreateUser(...))(t).
func iamOK[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func iamSetPolicy(t *testing.T, cfg aws.Config, in *iamapi.UpdateAccountPasswordPolicyInput) {
	t.Helper()
	iamOK(iamapi.NewFromConfig(cfg).UpdateAccountPasswordPolicy(context.Background(), in))(t)
}

// iamNewKey creates an access key for user and returns its ID.
func iamNewKey(t *testing.T, c *iamapi.Client, user string) string {
	t.Helper()
	out := iamOK(c.CreateAccessKey(context.Background(), &iamapi.CreateAccessKeyInput{UserName: aws.String(user)}))(t)
	return aws.ToString(out.AccessKey.AccessKeyId)
}

func iamCases() []roundTrip {
	ctx := context.Background()
	keys3, keys22, keys8, pwOnly := &iamClock{}, &iamClock{}, &iamClock{}, &iamClock{}
	return []roundTrip{
		{control: "IAM.7", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			// Stricter than IAM.7 in length and kept so; only the
			// character classes are missing.
			iamSetPolicy(t, cfg, &iamapi.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20), RequireUppercaseCharacters: true,
				MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(5), AllowUsersToChangePassword: true, HardExpiry: aws.Bool(true)})
			return iamAccount()
		}},
		{control: "IAM.15", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			return iamAccount() // no policy: rollback deletes the one the fix creates
		}},
		{control: "IAM.16", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			iamSetPolicy(t, cfg, &iamapi.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, PasswordReusePrevention: aws.Int32(5)})
			return iamAccount()
		}},
		{control: "IAM.3", world: keys3.world, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			c := iamapi.NewFromConfig(cfg)
			keys3.daysAgo(120)
			iamOK(c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("deploy")}))(t)
			iamNewKey(t, c, "deploy")
			// An old key the user already deactivated stays so after
			// the rollback.
			old := iamNewKey(t, c, "deploy")
			iamOK(c.UpdateAccessKey(ctx, &iamapi.UpdateAccessKeyInput{UserName: aws.String("deploy"), AccessKeyId: aws.String(old), Status: iamtypes.StatusTypeInactive}))(t)
			keys3.back()
			return playbook.Resource{ARN: iamUserARN("/", "deploy")}
		}},
		{control: "IAM.22", world: keys22.world, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			c := iamapi.NewFromConfig(cfg)
			keys22.daysAgo(50)
			iamOK(c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/team/")}))(t)
			iamNewKey(t, c, "bob")
			keys22.back()
			return playbook.Resource{ARN: iamUserARN("/team/", "bob")}
		}},
		{control: "IAM.8", world: keys8.world, setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			c := iamapi.NewFromConfig(cfg)
			keys8.daysAgo(100)
			iamOK(c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("batch")}))(t)
			iamNewKey(t, c, "batch")
			keys8.back()
			iamNewKey(t, c, "batch") // today's key is left alone
			return playbook.Resource{ARN: iamUserARN("/", "batch")}
		}},
		{name: "IAM.22/password-only", control: "IAM.22", world: pwOnly.world, skip: "console password was never used (set 60 days ago)", setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			c := iamapi.NewFromConfig(cfg)
			pwOnly.daysAgo(60)
			iamOK(c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("carol")}))(t)
			iamOK(c.CreateLoginProfile(ctx, &iamapi.CreateLoginProfileInput{UserName: aws.String("carol"), Password: aws.String("Correct-Horse-9")}))(t)
			pwOnly.back()
			return playbook.Resource{ARN: iamUserARN("/", "carol")}
		}},
	}
}

// fixOnState is a Fix of one playbook on a JSON state.
type fixOnState struct {
	name, control string
	cur           string
	want          string // "" with skip
	skip          string
}

func (tc fixOnState) run(t *testing.T) {
	t.Helper()
	p := playbook.ByControl(tc.control)
	env := playbook.Env{Account: simtest.Member, Region: "us-east-1", Now: simtest.Now, Params: map[string]string{}}
	got, err := p.Fix(env, json.RawMessage(tc.cur))
	if tc.skip != "" {
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), tc.skip) {
			t.Fatalf("Fix = %s, %v; want a skip saying %q", got, err, tc.skip)
		}
		return
	}
	if err != nil {
		t.Fatalf("Fix: %v", err)
	}
	if !jsonEqual(got, json.RawMessage(tc.want)) {
		t.Errorf("Fix =\n%s\nwant\n%s", got, tc.want)
	}
}

func TestPasswordPolicyFix(t *testing.T) {
	const none = `{"exists":false,"min_length":0,"require_uppercase":false,"require_lowercase":false,"require_numbers":false,"require_symbols":false,"allow_users_to_change":false,"max_age":0,"reuse_prevention":0,"hard_expiry":false}`
	const strong = `{"exists":true,"min_length":32,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":true,"allow_users_to_change":true,"max_age":60,"reuse_prevention":24,"hard_expiry":true}`
	for _, tc := range []fixOnState{
		{name: "IAM.7 creates", control: "IAM.7", cur: none,
			want: `{"exists":true,"min_length":8,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":true,"allow_users_to_change":false,"max_age":0,"reuse_prevention":0,"hard_expiry":false}`},
		{name: "IAM.15 creates", control: "IAM.15", cur: none,
			want: `{"exists":true,"min_length":14,"require_uppercase":false,"require_lowercase":false,"require_numbers":false,"require_symbols":false,"allow_users_to_change":false,"max_age":0,"reuse_prevention":0,"hard_expiry":false}`},
		{name: "IAM.16 creates at IAM's default length", control: "IAM.16", cur: none,
			want: `{"exists":true,"min_length":8,"require_uppercase":false,"require_lowercase":false,"require_numbers":false,"require_symbols":false,"allow_users_to_change":false,"max_age":0,"reuse_prevention":24,"hard_expiry":false}`},
		{name: "IAM.7 keeps length and the rest", control: "IAM.7",
			cur:  `{"exists":true,"min_length":20,"require_uppercase":false,"require_lowercase":true,"require_numbers":false,"require_symbols":false,"allow_users_to_change":true,"max_age":30,"reuse_prevention":3,"hard_expiry":true}`,
			want: `{"exists":true,"min_length":20,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":true,"allow_users_to_change":true,"max_age":30,"reuse_prevention":3,"hard_expiry":true}`},
		{name: "IAM.7 raises a short length", control: "IAM.7",
			cur:  `{"exists":true,"min_length":6,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":true,"allow_users_to_change":false,"max_age":0,"reuse_prevention":0,"hard_expiry":false}`,
			want: `{"exists":true,"min_length":8,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":true,"allow_users_to_change":false,"max_age":0,"reuse_prevention":0,"hard_expiry":false}`},
		{name: "IAM.15 touches only the length", control: "IAM.15",
			cur:  `{"exists":true,"min_length":10,"require_uppercase":true,"require_lowercase":false,"require_numbers":true,"require_symbols":false,"allow_users_to_change":true,"max_age":90,"reuse_prevention":2,"hard_expiry":false}`,
			want: `{"exists":true,"min_length":14,"require_uppercase":true,"require_lowercase":false,"require_numbers":true,"require_symbols":false,"allow_users_to_change":true,"max_age":90,"reuse_prevention":2,"hard_expiry":false}`},
		{name: "IAM.16 raises reuse only", control: "IAM.16",
			cur:  `{"exists":true,"min_length":9,"require_uppercase":false,"require_lowercase":false,"require_numbers":false,"require_symbols":false,"allow_users_to_change":false,"max_age":0,"reuse_prevention":12,"hard_expiry":false}`,
			want: `{"exists":true,"min_length":9,"require_uppercase":false,"require_lowercase":false,"require_numbers":false,"require_symbols":false,"allow_users_to_change":false,"max_age":0,"reuse_prevention":24,"hard_expiry":false}`},
		{name: "IAM.7 passing is unchanged", control: "IAM.7", cur: strong, want: strong},
		{name: "IAM.15 passing is unchanged", control: "IAM.15", cur: strong, want: strong},
		{name: "IAM.16 passing is unchanged", control: "IAM.16", cur: strong, want: strong},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestAccessKeysFix(t *testing.T) {
	day := func(d int) string { return `"` + simtest.Now.AddDate(0, 0, -d).Format(time.RFC3339) + `"` }
	key := func(id, status string, created int, lastUsed ...int) string {
		s := `{"id":"` + id + `","status":"` + status + `","created":` + day(created)
		if len(lastUsed) > 0 {
			s += `,"last_used":` + day(lastUsed[0])
		}
		return s + `}`
	}
	state := func(pw string, keys ...string) string {
		s := `{"user":"u","created":` + day(400) + `,"keys":[` + strings.Join(keys, ",") + `]`
		if pw != "" {
			s += `,"password":` + pw
		}
		return s + `}`
	}
	for _, tc := range []fixOnState{
		{name: "IAM.3 old active key", control: "IAM.3",
			cur:  state("", key("AKIAOLD", "Active", 91), key("AKIANEW", "Active", 10)),
			want: state("", key("AKIAOLD", "Inactive", 91), key("AKIANEW", "Active", 10))},
		{name: "IAM.3 exactly 90 days passes", control: "IAM.3",
			cur: state("", key("AKIA90", "Active", 90)), want: state("", key("AKIA90", "Active", 90))},
		{name: "IAM.3 ignores use", control: "IAM.3",
			cur:  state("", key("AKIAOLD", "Active", 200, 0)),
			want: state("", key("AKIAOLD", "Inactive", 200, 0))},
		{name: "IAM.3 inactive old key is left", control: "IAM.3",
			cur: state("", key("AKIAOLD", "Inactive", 300)), want: state("", key("AKIAOLD", "Inactive", 300))},
		{name: "IAM.22 last use decides, not age", control: "IAM.22",
			cur:  state("", key("AKIAUSED", "Active", 300, 3), key("AKIAIDLE", "Active", 300, 45)),
			want: state("", key("AKIAUSED", "Active", 300, 3), key("AKIAIDLE", "Inactive", 300, 45))},
		{name: "IAM.22 44 days passes", control: "IAM.22",
			cur: state("", key("AKIA", "Active", 300, 44)), want: state("", key("AKIA", "Active", 300, 44))},
		{name: "IAM.22 never used counts from creation", control: "IAM.22",
			cur:  state("", key("AKIANEVER", "Active", 45), key("AKIAYOUNG", "Active", 44)),
			want: state("", key("AKIANEVER", "Inactive", 45), key("AKIAYOUNG", "Active", 44))},
		{name: "IAM.8 45 days passes", control: "IAM.8",
			cur: state("", key("AKIA", "Active", 300, 45)), want: state("", key("AKIA", "Active", 300, 45))},
		{name: "IAM.8 91 days", control: "IAM.8",
			cur: state("", key("AKIA", "Active", 300, 91)), want: state("", key("AKIA", "Inactive", 300, 91))},
		{name: "IAM.8 used password is fine", control: "IAM.8",
			cur:  state(`{"set":`+day(300)+`,"last_used":`+day(2)+`}`, key("AKIA", "Active", 300, 91)),
			want: state(`{"set":`+day(300)+`,"last_used":`+day(2)+`}`, key("AKIA", "Inactive", 300, 91))},
		{name: "IAM.8 unused password skips, keys too", control: "IAM.8",
			cur:  state(`{"set":`+day(300)+`,"last_used":`+day(120)+`}`, key("AKIA", "Active", 300, 91)),
			skip: "console password was last used 120 days ago, over the 90 days limit; removing a console password cannot be undone"},
		{name: "IAM.22 password never used, never changed", control: "IAM.22",
			cur:  `{"user":"u","created":` + day(50) + `,"keys":[],"password":{}}`,
			skip: "console password was never used (set 50 days ago)"},
		{name: "IAM.22 the caller's own key", control: "IAM.22",
			cur:  state("", `{"id":"AKIASELF","status":"Active","created":`+day(100)+`,"caller":true}`),
			skip: "access key AKIASELF is the one this remediation signs with"},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestPasswordPlaybooksCompose applies the three password playbooks to
// one account in one run, each reading what the one before it set, and
// rolls them back in reverse: the first policy comes back exactly.
func TestPasswordPlaybooksCompose(t *testing.T) {
	ctx := context.Background()
	for _, start := range []*iamapi.UpdateAccountPasswordPolicyInput{
		nil,
		{MinimumPasswordLength: aws.Int32(16), RequireNumbers: true, MaxPasswordAge: aws.Int32(45), PasswordReusePrevention: aws.Int32(10)},
	} {
		sim := simtest.Start(t, nil)
		cfg := sim.Config(t, simtest.Member, "us-east-1")
		if start != nil {
			iamSetPolicy(t, cfg, start)
		}
		env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: iamAccount(), Now: simtest.Now}
		type step struct {
			p           playbook.Playbook
			prior, next json.RawMessage
		}
		var journal []step
		first := iamOK(playbook.ByControl("IAM.7").Read(ctx, env))(t)
		for _, id := range []string{"IAM.15", "IAM.7", "IAM.16"} {
			p := playbook.ByControl(id)
			cur := iamOK(p.Read(ctx, env))(t)
			want := iamOK(p.Fix(env, cur))(t)
			if err := p.Set(ctx, env, cur, want); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			journal = append(journal, step{p, cur, want})
		}
		all := iamOK(playbook.ByControl("IAM.7").Read(ctx, env))(t)
		for _, id := range []string{"IAM.7", "IAM.15", "IAM.16"} {
			if again := iamOK(playbook.ByControl(id).Fix(env, all))(t); !jsonEqual(again, all) {
				t.Errorf("after the three, %s still changes %s to %s", id, all, again)
			}
		}
		for i := len(journal) - 1; i >= 0; i-- {
			s := journal[i]
			now := iamOK(s.p.Read(ctx, env))(t)
			if !jsonEqual(now, s.next) {
				t.Fatalf("%s: live %s, journaled %s", s.p.Info().Control, now, s.next)
			}
			if err := s.p.Set(ctx, env, now, s.prior); err != nil {
				t.Fatal(err)
			}
		}
		if back := iamOK(playbook.ByControl("IAM.7").Read(ctx, env))(t); !jsonEqual(back, first) {
			t.Errorf("rolled back to %s, want %s", back, first)
		}
	}
}

// TestAccessKeysRollbackOfADeletedKey: a key deleted between the fix and
// the rollback cannot be reactivated; Set says so as irreversible, after
// reactivating the others.
func TestAccessKeysRollbackOfADeletedKey(t *testing.T) {
	ctx := context.Background()
	tr := &iamClock{}
	w := simtest.NewWorld()
	tr.world(w)
	sim := simtest.Start(t, w)
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	c := iamapi.NewFromConfig(cfg)
	tr.daysAgo(200)
	iamOK(c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("ops")}))(t)
	a, b := iamNewKey(t, c, "ops"), iamNewKey(t, c, "ops")
	tr.back()
	p := playbook.ByControl("IAM.3")
	env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: playbook.Resource{ARN: iamUserARN("/", "ops")}, Now: simtest.Now}
	cur := iamOK(p.Read(ctx, env))(t)
	want := iamOK(p.Fix(env, cur))(t)
	if err := p.Set(ctx, env, cur, want); err != nil {
		t.Fatal(err)
	}
	iamOK(c.DeleteAccessKey(ctx, &iamapi.DeleteAccessKeyInput{UserName: aws.String("ops"), AccessKeyId: aws.String(a)}))(t)
	now := iamOK(p.Read(ctx, env))(t)
	err := p.Set(ctx, env, now, cur)
	var irr *playbook.IrreversibleError
	if !errors.As(err, &irr) || !strings.Contains(irr.What, a) {
		t.Fatalf("Set back = %v, want an IrreversibleError naming %s", err, a)
	}
	out := iamOK(c.ListAccessKeys(ctx, &iamapi.ListAccessKeysInput{UserName: aws.String("ops")}))(t)
	if len(out.AccessKeyMetadata) != 1 || aws.ToString(out.AccessKeyMetadata[0].AccessKeyId) != b || out.AccessKeyMetadata[0].Status != iamtypes.StatusTypeActive {
		t.Errorf("keys after the rollback = %+v, want %s active", out.AccessKeyMetadata, b)
	}
}

// TestAccessKeysGoneUser: a user deleted since the finding is skipped.
func TestAccessKeysGoneUser(t *testing.T) {
	sim := simtest.Start(t, nil)
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	for _, id := range []string{"IAM.3", "IAM.22", "IAM.8"} {
		env := playbook.Env{Config: cfg, Account: simtest.Member, Region: "us-east-1", Resource: playbook.Resource{ARN: iamUserARN("/", "gone")}, Now: simtest.Now}
		_, err := playbook.ByControl(id).Read(context.Background(), env)
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), "user gone no longer exists") {
			t.Errorf("%s: Read = %v, want a skip", id, err)
		}
	}
}
