package item

import (
	"context"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/passwordpolicy"
)

// passwordPolicyState is the account password policy; Exists false is
// "no policy" (IAM's defaults), which rollback restores by deleting it.
type passwordPolicyState = passwordpolicy.State

func passwordPolicy() Item {
	return &def[passwordPolicyState]{
		name: "iam.password-policy", scope: Global, phase: 1,
		applies: func(env Env) string {
			if p := env.Settings.PasswordPolicy; p == nil || !spec.On(p.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (passwordPolicyState, error) {
			return passwordpolicy.Read(ctx, env.Config)
		},
		want: func(env Env, cur passwordPolicyState) passwordPolicyState {
			// The call replaces the whole policy: what the spec leaves
			// out keeps its current value.
			p := env.Settings.PasswordPolicy
			w := cur
			w.Exists = true
			setInt(&w.MinLength, p.MinLength)
			setBool(&w.RequireUppercase, p.RequireUppercase)
			setBool(&w.RequireLowercase, p.RequireLowercase)
			setBool(&w.RequireNumbers, p.RequireNumbers)
			setBool(&w.RequireSymbols, p.RequireSymbols)
			setBool(&w.AllowUsersToChange, p.AllowUsersToChange)
			setInt(&w.MaxAge, p.MaxAge)
			setInt(&w.ReusePrevention, p.ReusePrevention)
			setBool(&w.HardExpiry, p.HardExpiry)
			return w
		},
		set: func(ctx context.Context, env Env, _, w passwordPolicyState) error {
			return passwordpolicy.Write(ctx, env.Config, w)
		},
	}
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}
