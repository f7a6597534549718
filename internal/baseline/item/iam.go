package item

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

// passwordPolicyState is the account password policy; Exists false is
// "no policy" (IAM's defaults), which rollback restores by deleting it.
type passwordPolicyState struct {
	Exists             bool `json:"exists"`
	MinLength          int  `json:"min_length"`
	RequireUppercase   bool `json:"require_uppercase"`
	RequireLowercase   bool `json:"require_lowercase"`
	RequireNumbers     bool `json:"require_numbers"`
	RequireSymbols     bool `json:"require_symbols"`
	AllowUsersToChange bool `json:"allow_users_to_change"`
	MaxAge             int  `json:"max_age"`
	ReusePrevention    int  `json:"reuse_prevention"`
	HardExpiry         bool `json:"hard_expiry"`
}

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
			out, err := iamapi.NewFromConfig(env.Config).GetAccountPasswordPolicy(ctx, &iamapi.GetAccountPasswordPolicyInput{})
			if awsx.IsNotFound(err) {
				return passwordPolicyState{}, nil
			}
			if err != nil {
				return passwordPolicyState{}, err
			}
			p := out.PasswordPolicy
			return passwordPolicyState{Exists: true,
				MinLength: i32(p.MinimumPasswordLength), RequireUppercase: p.RequireUppercaseCharacters,
				RequireLowercase: p.RequireLowercaseCharacters, RequireNumbers: p.RequireNumbers, RequireSymbols: p.RequireSymbols,
				AllowUsersToChange: p.AllowUsersToChangePassword, MaxAge: i32(p.MaxPasswordAge),
				ReusePrevention: i32(p.PasswordReusePrevention), HardExpiry: aws.ToBool(p.HardExpiry)}, nil
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
			c := iamapi.NewFromConfig(env.Config)
			if !w.Exists {
				_, err := c.DeleteAccountPasswordPolicy(ctx, &iamapi.DeleteAccountPasswordPolicyInput{})
				if awsx.IsNotFound(err) {
					return nil
				}
				return err
			}
			in := &iamapi.UpdateAccountPasswordPolicyInput{
				RequireUppercaseCharacters: w.RequireUppercase, RequireLowercaseCharacters: w.RequireLowercase,
				RequireNumbers: w.RequireNumbers, RequireSymbols: w.RequireSymbols,
				AllowUsersToChangePassword: w.AllowUsersToChange, HardExpiry: aws.Bool(w.HardExpiry),
			}
			if w.MinLength > 0 {
				in.MinimumPasswordLength = aws.Int32(int32(w.MinLength))
			}
			if w.MaxAge > 0 {
				in.MaxPasswordAge = aws.Int32(int32(w.MaxAge))
			}
			if w.ReusePrevention > 0 {
				in.PasswordReusePrevention = aws.Int32(int32(w.ReusePrevention))
			}
			_, err := c.UpdateAccountPasswordPolicy(ctx, in)
			return err
		},
	}
}

func i32(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
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
