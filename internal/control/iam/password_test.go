package iam_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

func strong() *iam.PasswordPolicy {
	return &iam.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, PasswordReusePrevention: 24}
}

func withPolicy(f func(p *iam.PasswordPolicy)) *iam.IAM {
	p := strong()
	f(p)
	return &iam.IAM{PasswordPolicy: p}
}

var (
	noPolicy     = &iam.IAM{}
	policyUnread = &iam.IAM{Errors: map[string]string{iam.DetailPasswordPolicy: "get account password policy: AccessDenied"}}
)

func TestIAM7(t *testing.T) {
	runCases(t, "IAM.7", []tc{
		{name: "strong", iam: withPolicy(func(*iam.PasswordPolicy) {}), want: accountIs(P)},
		{name: "length 8 is enough", iam: withPolicy(func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 8 }), want: accountIs(P)},
		{name: "short", iam: withPolicy(func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 6 }),
			want: accountIs(F), reason: map[string]string{acc: "minimum length is 6"}},
		{name: "weak", iam: withPolicy(func(p *iam.PasswordPolicy) { p.RequireSymbols, p.RequireUppercaseCharacters = false, false }),
			want: accountIs(F), reason: map[string]string{acc: "does not require uppercase letters, symbols"}},
		{name: "no policy", iam: noPolicy, want: accountIs(F), reason: map[string]string{acc: "no account password policy"}},
		{name: "unread", iam: policyUnread, want: accountIs(E), reason: map[string]string{acc: "AccessDenied"}},
	})
}

func TestIAM15(t *testing.T) {
	runCases(t, "IAM.15", []tc{
		{name: "14", iam: withPolicy(func(*iam.PasswordPolicy) {}), want: accountIs(P)},
		{name: "13", iam: withPolicy(func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 13 }),
			want: accountIs(F), reason: map[string]string{acc: "minimum length is 13 (want at least 14)"}},
		{name: "no policy", iam: noPolicy, want: accountIs(F)},
		{name: "unread", iam: policyUnread, want: accountIs(E)},
	})
}

func TestIAM16(t *testing.T) {
	runCases(t, "IAM.16", []tc{
		{name: "24", iam: withPolicy(func(*iam.PasswordPolicy) {}), want: accountIs(P)},
		{name: "5", iam: withPolicy(func(p *iam.PasswordPolicy) { p.PasswordReusePrevention = 5 }),
			want: accountIs(F), reason: map[string]string{acc: "only the last 5"}},
		{name: "off", iam: withPolicy(func(p *iam.PasswordPolicy) { p.PasswordReusePrevention = 0 }),
			want: accountIs(F), reason: map[string]string{acc: "does not prevent password reuse"}},
		{name: "no policy", iam: noPolicy, want: accountIs(F)},
		{name: "unread", iam: policyUnread, want: accountIs(E)},
	})
}
