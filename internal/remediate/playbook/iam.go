package playbook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/passwordpolicy"
)

// iamPlaybooks returns the playbooks of IAM's controls.
func iamPlaybooks() []Playbook {
	return []Playbook{
		passwordPolicyPlaybook(passwordIAM7), passwordPolicyPlaybook(passwordIAM15), passwordPolicyPlaybook(passwordIAM16),
		accessKeyPlaybook(keysIAM3), accessKeyPlaybook(keysIAM22), accessKeyPlaybook(keysIAM8),
	}
}

// ---- the account password policy (IAM.7, IAM.15, IAM.16) ----
//
// Three playbooks change one policy, and UpdateAccountPasswordPolicy
// replaces the whole of it: so each journals the whole policy, and
// strengthens only the fields its control judges, from the live policy
// (a second playbook in the same run reads what the first one set). A
// stricter value the user chose is kept: a minimum length of 20 stays
// 20. Rollback puts the exact prior policy back, or deletes the policy
// when there was none.

// passwordPolicyState is the account password policy. Exists false is
// "no policy" (IAM's default rules apply), restored by deleting it.
type passwordPolicyState = passwordpolicy.State

// iamDefaultMinLength is the minimum length of IAM's default rules, which
// apply while an account has no policy. A policy created by a playbook
// starts there, not at UpdateAccountPasswordPolicy's own default (6),
// so that creating one never shortens passwords.
const iamDefaultMinLength = 8

// passwordRule is what one control asks of the policy.
type passwordRule struct {
	control, name, summary, risk string
	// strengthen raises the fields the control judges, keeping values
	// that are already stricter.
	strengthen func(p *passwordPolicyState)
}

// passwordCreatedRisk is the risk every password playbook shares: what a new
// policy (there was none) means.
const passwordCreatedRisk = "; when the account has no policy, the new one replaces IAM's default rules, whose \"three of four character classes\" " +
	"a custom policy cannot express: it asks only for what this control needs (and 8 characters), so fix IAM.7 in the same run to keep complexity"

var passwordIAM7 = passwordRule{
	control: "IAM.7", name: "iam.password-policy-strong",
	summary: "Require uppercase and lowercase letters, numbers and symbols, and at least 8 characters, in the account password policy (stricter settings are kept)",
	risk: "users must meet the new rules the next time they set a password (existing passwords keep working); " +
		"automation that creates users or login profiles with generated passwords fails if its passwords lack a character class" + passwordCreatedRisk,
	strengthen: func(p *passwordPolicyState) {
		p.RequireUppercase, p.RequireLowercase, p.RequireNumbers, p.RequireSymbols = true, true, true, true
		p.MinLength = max(p.MinLength, 8)
	},
}

var passwordIAM15 = passwordRule{
	control: "IAM.15", name: "iam.password-policy-length",
	summary: "Raise the account password policy's minimum length to 14 (a longer minimum is kept)",
	risk: "users must choose passwords of 14 characters or more the next time they set one (existing passwords keep working); " +
		"automation that sets shorter generated passwords fails" + passwordCreatedRisk,
	strengthen: func(p *passwordPolicyState) { p.MinLength = max(p.MinLength, 14) },
}

var passwordIAM16 = passwordRule{
	control: "IAM.16", name: "iam.password-policy-reuse",
	summary: "Make the account password policy remember the last 24 passwords, so that users cannot reuse them",
	risk:    "users can no longer cycle back to any of their last 24 passwords when they change one" + passwordCreatedRisk,
	strengthen: func(p *passwordPolicyState) {
		p.ReusePrevention = max(p.ReusePrevention, 24)
	},
}

func passwordPolicyPlaybook(r passwordRule) Playbook {
	return &def[passwordPolicyState]{
		info: Info{
			Control: r.control, Name: r.name, Summary: r.summary, Risk: r.risk,
			Actions: []string{"iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"},
		},
		read: readPasswordPolicy,
		fix: func(_ Env, cur passwordPolicyState) (passwordPolicyState, error) {
			return r.fix(cur), nil
		},
		set: setPasswordPolicy,
	}
}

// fix returns cur strengthened by r: cur itself when r's control
// already passes (every rule only raises values).
func (r passwordRule) fix(cur passwordPolicyState) passwordPolicyState {
	w := cur
	if !w.Exists {
		w = passwordPolicyState{Exists: true, MinLength: iamDefaultMinLength}
	}
	r.strengthen(&w)
	return w
}

func readPasswordPolicy(ctx context.Context, env Env) (passwordPolicyState, error) {
	return passwordpolicy.Read(ctx, env.Config)
}

// setPasswordPolicy writes want whole (the call replaces the policy), or
// deletes the policy.
func setPasswordPolicy(ctx context.Context, env Env, cur, want passwordPolicyState) error {
	if cur == want {
		return nil
	}
	return passwordpolicy.Write(ctx, env.Config, want)
}

// ---- a user's access keys (IAM.3, IAM.22, IAM.8) ----
//
// These playbooks deactivate the access keys that make the control fail
// for the user, and only those; they never delete a key, so rollback
// reactivates exactly the keys they deactivated. A console password is
// never touched: a deleted login profile cannot be put back (its
// password is not readable), so a user who fails because of an unused
// password is skipped with the reason, keys and all, rather than left
// half fixed and still failing.

// accessKeysState is a user's access keys, with what the controls judge
// them by; only Status is ever changed.
type accessKeysState struct {
	User string           `json:"user"`
	Keys []accessKeyState `json:"keys"`
	// Password is the user's console password, read by the playbooks
	// on unused credentials; nil when the user has none (or for IAM.3,
	// which does not judge passwords).
	Password *consolePassword `json:"password,omitempty"`
	// Created is when the user was created: an unused password that was
	// never changed counts from there.
	Created time.Time `json:"created,omitzero"`
}

type accessKeyState struct {
	ID      string    `json:"id"`
	Status  string    `json:"status"` // Active or Inactive
	Created time.Time `json:"created"`
	// LastUsed is zero when the key was never used (read only by the
	// playbooks on unused credentials).
	LastUsed time.Time `json:"last_used,omitzero"`
	// Caller says the remediation itself signs with this key.
	Caller bool `json:"caller,omitempty"`
}

// consolePassword is a user's console password (login profile).
type consolePassword struct {
	// Set is when the login profile was created.
	Set time.Time `json:"set,omitzero"`
	// LastUsed is zero when the password was never used.
	LastUsed time.Time `json:"last_used,omitzero"`
}

const (
	accessKeyActive   = string(iamtypes.StatusTypeActive)
	accessKeyInactive = string(iamtypes.StatusTypeInactive)
)

// accessKeyRule is what one control counts as a failing credential.
type accessKeyRule struct {
	control, name, summary, risk string
	// usage: the control judges last use (and passwords), not only age.
	usage bool
	// limit names the threshold for reasons: "90 days".
	limit string
	// stale says whether a credential whose age (days since creation,
	// or since last use for usage rules) is d fails the control; the
	// same comparisons as control/iam's.
	stale func(d int) bool
}

var keysIAM3 = accessKeyRule{
	control: "IAM.3", name: "iam.access-keys-rotate",
	summary: "Deactivate (not delete) the user's active access keys created more than 90 days ago",
	risk: "whatever still signs with a deactivated key (applications, CI jobs, scripts, on-premises agents) is refused until the key is reactivated " +
		"(rollback) or replaced by a new one; deactivation is only a stop-gap for rotation",
	limit: "90 days", stale: func(d int) bool { return d > 90 },
}

var keysIAM22 = accessKeyRule{
	control: "IAM.22", name: "iam.access-keys-unused-45",
	summary: "Deactivate (not delete) the user's active access keys unused for 45 days or more (never used: since creation)",
	risk: "a job that uses a key rarely (quarterly reports, disaster-recovery tooling) is refused until the key is reactivated (rollback); " +
		"a user whose console password is unused is skipped, since deleting a password cannot be undone",
	usage: true, limit: "45 days", stale: func(d int) bool { return d >= 45 },
}

var keysIAM8 = accessKeyRule{
	control: "IAM.8", name: "iam.access-keys-unused-90",
	summary: "Deactivate (not delete) the user's active access keys unused for more than 90 days (never used: since creation)",
	risk: "a job that uses a key rarely (yearly audits, disaster-recovery tooling) is refused until the key is reactivated (rollback); " +
		"a user whose console password is unused is skipped, since deleting a password cannot be undone",
	usage: true, limit: "90 days", stale: func(d int) bool { return d > 90 },
}

func accessKeyPlaybook(r accessKeyRule) Playbook {
	actions := []string{"iam:ListAccessKeys", "iam:UpdateAccessKey"}
	if r.usage {
		actions = []string{"iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:GetLoginProfile", "iam:UpdateAccessKey"}
	}
	return &def[accessKeysState]{
		info: Info{Control: r.control, Name: r.name, Summary: r.summary, Risk: r.risk, Actions: actions},
		read: func(ctx context.Context, env Env) (accessKeysState, error) { return r.read(ctx, env) },
		fix:  r.fix,
		set:  setAccessKeys,
	}
}

func (r accessKeyRule) read(ctx context.Context, env Env) (accessKeysState, error) {
	user := env.Resource.ID()
	c := iamapi.NewFromConfig(env.Config)
	gone := func(err error) error {
		if awsx.IsNotFound(err) {
			return Skip("user %s no longer exists", user)
		}
		return err
	}
	st := accessKeysState{User: user, Keys: []accessKeyState{}}
	if r.usage {
		u, err := c.GetUser(ctx, &iamapi.GetUserInput{UserName: aws.String(user)})
		if err != nil {
			return st, gone(fmt.Errorf("get user %s: %w", user, err))
		}
		st.Created = aws.ToTime(u.User.CreateDate)
		lp, err := c.GetLoginProfile(ctx, &iamapi.GetLoginProfileInput{UserName: aws.String(user)})
		switch {
		case err == nil:
			st.Password = &consolePassword{Set: aws.ToTime(lp.LoginProfile.CreateDate), LastUsed: aws.ToTime(u.User.PasswordLastUsed)}
		case !awsx.IsNotFound(err):
			return st, fmt.Errorf("get login profile of %s: %w", user, err)
		}
	}
	var caller string
	if env.Config.Credentials != nil {
		if cr, err := env.Config.Credentials.Retrieve(ctx); err == nil {
			caller = cr.AccessKeyID
		}
	}
	// awsx.Pages, not the SDK's paginator: that takes the client as an
	// interface, which links every IAM operation into the binary.
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		out, err := c.ListAccessKeys(ctx, &iamapi.ListAccessKeysInput{UserName: aws.String(user), Marker: token})
		if err != nil {
			return nil, gone(fmt.Errorf("list access keys of %s: %w", user, err))
		}
		for _, k := range out.AccessKeyMetadata {
			ks := accessKeyState{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status), Created: aws.ToTime(k.CreateDate)}
			ks.Caller = ks.ID == caller
			if r.usage {
				lu, err := c.GetAccessKeyLastUsed(ctx, &iamapi.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
				if err != nil {
					return nil, fmt.Errorf("get last use of access key %s of %s: %w", ks.ID, user, err)
				}
				if lu.AccessKeyLastUsed != nil {
					ks.LastUsed = aws.ToTime(lu.AccessKeyLastUsed.LastUsedDate)
				}
			}
			st.Keys = append(st.Keys, ks)
		}
		if !out.IsTruncated {
			return nil, nil
		}
		return out.Marker, nil
	})
	if err != nil {
		return st, err
	}
	return st, nil
}

// credentialDays is how many whole days before now t was (as control/iam counts).
func credentialDays(now, t time.Time) int { return int(now.Sub(t) / (24 * time.Hour)) }

// staleKey says why k makes r's control fail, or "".
func (r accessKeyRule) staleKey(now time.Time, k accessKeyState) string {
	if k.Status != accessKeyActive {
		return ""
	}
	switch {
	case !r.usage:
		if d := credentialDays(now, k.Created); r.stale(d) {
			return fmt.Sprintf("%s is %d days old", k.ID, d)
		}
	case !k.LastUsed.IsZero():
		if d := credentialDays(now, k.LastUsed); r.stale(d) {
			return fmt.Sprintf("%s was last used %d days ago", k.ID, d)
		}
	default:
		if d := credentialDays(now, k.Created); r.stale(d) {
			return fmt.Sprintf("%s was never used (created %d days ago)", k.ID, d)
		}
	}
	return ""
}

// stalePassword says why the user's console password makes r's control
// fail, or "".
func (r accessKeyRule) stalePassword(now time.Time, st accessKeysState) string {
	p := st.Password
	if !r.usage || p == nil {
		return ""
	}
	if !p.LastUsed.IsZero() {
		if d := credentialDays(now, p.LastUsed); r.stale(d) {
			return fmt.Sprintf("its console password was last used %d days ago", d)
		}
		return ""
	}
	since := p.Set
	if since.IsZero() {
		since = st.Created
	}
	if d := credentialDays(now, since); r.stale(d) {
		return fmt.Sprintf("its console password was never used (set %d days ago)", d)
	}
	return ""
}

func (r accessKeyRule) fix(env Env, cur accessKeysState) (accessKeysState, error) {
	var stale []string
	var self string
	for _, k := range cur.Keys {
		if why := r.staleKey(env.Now, k); why != "" {
			stale = append(stale, why)
			if k.Caller {
				self = k.ID
			}
		}
	}
	if pw := r.stalePassword(env.Now, cur); pw != "" {
		also := ""
		if len(stale) > 0 {
			also = "; its access keys are left active too (" + strings.Join(stale, ", ") + "), since deactivating them alone would not make " + r.control + " pass"
		}
		return cur, Skip("user %s: %s, over the %s limit; removing a console password cannot be undone by a rollback (the password cannot be read back): "+
			"disable it yourself if nobody needs it%s", cur.User, pw, r.limit, also)
	}
	if len(stale) == 0 {
		return cur, nil
	}
	if self != "" {
		return cur, Skip("user %s: access key %s is the one this remediation signs with; deactivating it would cut off the run and its rollback", cur.User, self)
	}
	w := cur
	w.Keys = make([]accessKeyState, len(cur.Keys))
	for i, k := range cur.Keys {
		if r.staleKey(env.Now, k) != "" {
			k.Status = accessKeyInactive
		}
		w.Keys[i] = k
	}
	return w, nil
}

// setAccessKeys gives each key of want its status. A key deleted since
// cur cannot be reactivated: that part of a rollback is reported as
// irreversible once the other keys are set.
func setAccessKeys(ctx context.Context, env Env, cur, want accessKeysState) error {
	c := iamapi.NewFromConfig(env.Config)
	before := map[string]string{}
	for _, k := range cur.Keys {
		before[k.ID] = k.Status
	}
	var lost []string
	for _, k := range want.Keys {
		if s, ok := before[k.ID]; ok && s == k.Status {
			continue
		}
		_, err := c.UpdateAccessKey(ctx, &iamapi.UpdateAccessKeyInput{
			UserName: aws.String(want.User), AccessKeyId: aws.String(k.ID), Status: iamtypes.StatusType(k.Status),
		})
		switch {
		case err == nil:
		case awsx.IsNotFound(err) && k.Status == accessKeyActive:
			lost = append(lost, k.ID)
		case awsx.IsNotFound(err):
			// A deleted key is as inactive as a key can be.
		default:
			return fmt.Errorf("set access key %s of %s %s: %w", k.ID, want.User, k.Status, err)
		}
	}
	if len(lost) > 0 {
		return &IrreversibleError{What: fmt.Sprintf("access key %s of user %s was deleted since; it cannot be reactivated", strings.Join(lost, ", "), want.User)}
	}
	return nil
}
