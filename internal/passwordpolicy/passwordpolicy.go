// Package passwordpolicy reads and writes an account's IAM password
// policy as one state, for the engines that change it and put it back
// (the baseline, remediation). The state's JSON is what their journals
// keep: its field names must not change.
package passwordpolicy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// State is the password policy; Exists false means the account has none
// (IAM's defaults apply).
type State struct {
	Exists           bool `json:"exists"`
	MinLength        int  `json:"min_length"`
	RequireUppercase bool `json:"require_uppercase"`
	RequireLowercase bool `json:"require_lowercase"`
	RequireNumbers   bool `json:"require_numbers"`
	RequireSymbols   bool `json:"require_symbols"`
	// AllowUsersToChange lets every IAM user change their own password.
	AllowUsersToChange bool `json:"allow_users_to_change"`
	// MaxAge is the days a password is valid; 0 never expires.
	MaxAge int `json:"max_age"`
	// ReusePrevention is how many previous passwords are remembered.
	ReusePrevention int  `json:"reuse_prevention"`
	HardExpiry      bool `json:"hard_expiry"`
}

// Read returns the account's password policy.
func Read(ctx context.Context, cfg aws.Config) (State, error) {
	out, err := iamapi.NewFromConfig(cfg).GetAccountPasswordPolicy(ctx, &iamapi.GetAccountPasswordPolicyInput{})
	if awsx.IsNotFound(err) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("get account password policy: %w", err)
	}
	p := out.PasswordPolicy
	return State{
		Exists:           true,
		MinLength:        int(aws.ToInt32(p.MinimumPasswordLength)),
		RequireUppercase: p.RequireUppercaseCharacters, RequireLowercase: p.RequireLowercaseCharacters,
		RequireNumbers: p.RequireNumbers, RequireSymbols: p.RequireSymbols,
		AllowUsersToChange: p.AllowUsersToChangePassword,
		MaxAge:             int(aws.ToInt32(p.MaxPasswordAge)),
		ReusePrevention:    int(aws.ToInt32(p.PasswordReusePrevention)),
		HardExpiry:         aws.ToBool(p.HardExpiry),
	}, nil
}

// Write makes the account's policy want: written whole (the call
// replaces the policy), or deleted.
func Write(ctx context.Context, cfg aws.Config, want State) error {
	c := iamapi.NewFromConfig(cfg)
	if !want.Exists {
		_, err := c.DeleteAccountPasswordPolicy(ctx, &iamapi.DeleteAccountPasswordPolicyInput{})
		if err != nil && !awsx.IsNotFound(err) {
			return fmt.Errorf("delete account password policy: %w", err)
		}
		return nil
	}
	in := &iamapi.UpdateAccountPasswordPolicyInput{
		RequireUppercaseCharacters: want.RequireUppercase, RequireLowercaseCharacters: want.RequireLowercase,
		RequireNumbers: want.RequireNumbers, RequireSymbols: want.RequireSymbols,
		AllowUsersToChangePassword: want.AllowUsersToChange, HardExpiry: aws.Bool(want.HardExpiry),
	}
	// Zero means "not set" for these three: IAM refuses 0 (their ranges
	// start at 6, 1 and 1) and leaving them out gives the same policy.
	if want.MinLength > 0 {
		in.MinimumPasswordLength = aws.Int32(int32(want.MinLength))
	}
	if want.MaxAge > 0 {
		in.MaxPasswordAge = aws.Int32(int32(want.MaxAge))
	}
	if want.ReusePrevention > 0 {
		in.PasswordReusePrevention = aws.Int32(int32(want.ReusePrevention))
	}
	if _, err := c.UpdateAccountPasswordPolicy(ctx, in); err != nil {
		return fmt.Errorf("update account password policy: %w", err)
	}
	return nil
}
