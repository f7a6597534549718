package iam

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// passwordCheck judges the account password policy with judge, which
// returns what is wrong with it ("" when nothing). No policy fails.
func passwordCheck(judge func(p *iam.PasswordPolicy) (problem, pass string)) func(*control.Input) {
	return func(in *control.Input) {
		i := state(in)
		if i == nil || unread(in, i, iam.DetailPasswordPolicy) {
			return
		}
		p := i.PasswordPolicy
		if p == nil {
			in.Fail(in.AccountMeta(), "no account password policy is set (IAM defaults apply: 8 characters, no complexity, no reuse prevention)")
			return
		}
		problem, pass := judge(p)
		if problem != "" {
			in.Fail(in.AccountMeta(), "%s", problem)
			return
		}
		in.Pass(in.AccountMeta(), "%s", pass)
	}
}

const passwordConsole = "Open the IAM console > Account settings > Password policy > Edit, choose Custom, and set "

func iam7() *control.Control {
	return &control.Control{
		ID: "IAM.7", Title: "Password policies for IAM users should have strong configurations", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "Short passwords drawn from few character classes fall quickly to guessing and credential stuffing. Requiring upper- and lower-case letters, numbers and symbols and at least 8 characters raises the cost of every guess.",
		Remediation: passwordConsole + "a minimum length of at least 8 (14 for CIS) and require uppercase letters, lowercase letters, numbers and non-alphanumeric characters. " +
			"CLI: `aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --password-reuse-prevention 24 --allow-users-to-change-password` (the call replaces the whole policy: pass every setting you want to keep).",
		WellArchitected: []string{"SEC02"},
		Check: passwordCheck(func(p *iam.PasswordPolicy) (string, string) {
			var missing []string
			if !p.RequireUppercaseCharacters {
				missing = append(missing, "uppercase letters")
			}
			if !p.RequireLowercaseCharacters {
				missing = append(missing, "lowercase letters")
			}
			if !p.RequireSymbols {
				missing = append(missing, "symbols")
			}
			if !p.RequireNumbers {
				missing = append(missing, "numbers")
			}
			var problems []string
			if len(missing) > 0 {
				problems = append(problems, "the password policy does not require "+join(missing))
			}
			if p.MinimumPasswordLength < 8 {
				problems = append(problems, "its minimum length is "+itoa(p.MinimumPasswordLength)+" (want at least 8)")
			}
			return join(problems), "the password policy requires upper- and lower-case letters, numbers, symbols and " + itoa(p.MinimumPasswordLength) + " characters"
		}),
	}
}

func iam15() *control.Control {
	return &control.Control{
		ID: "IAM.15", Title: "Ensure IAM password policy requires minimum password length of 14 or greater", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "CIS 1.8: length is what makes a password resist brute force. A minimum of 14 characters keeps console passwords out of reach of offline cracking.",
		Remediation: passwordConsole + "Password minimum length to 14 or more. " +
			"CLI: `aws iam update-account-password-policy --minimum-password-length 14` plus the other settings you keep (the call replaces the whole policy).",
		WellArchitected: []string{"SEC02"},
		Check: passwordCheck(func(p *iam.PasswordPolicy) (string, string) {
			if p.MinimumPasswordLength < 14 {
				return "the password policy's minimum length is " + itoa(p.MinimumPasswordLength) + " (want at least 14)", ""
			}
			return "", "the password policy requires at least " + itoa(p.MinimumPasswordLength) + " characters"
		}),
	}
}

// reuseRemembered is the number of previous passwords CIS 1.9 wants
// remembered (IAM's maximum).
const reuseRemembered = 24

func iam16() *control.Control {
	return &control.Control{
		ID: "IAM.16", Title: "Ensure IAM password policy prevents password reuse", Service: "IAM",
		Severity: control.Low, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "CIS 1.9: when users may cycle back to an old password, a password that leaked once stays valid. Remembering the last 24 passwords stops that.",
		Remediation: passwordConsole + "Prevent password reuse with 24 remembered passwords. " +
			"CLI: `aws iam update-account-password-policy --password-reuse-prevention 24` plus the other settings you keep (the call replaces the whole policy).",
		WellArchitected: []string{"SEC02"},
		Check: passwordCheck(func(p *iam.PasswordPolicy) (string, string) {
			switch n := p.PasswordReusePrevention; {
			case n == 0:
				return "the password policy does not prevent password reuse (want the last 24 remembered)", ""
			case n < reuseRemembered:
				return "the password policy remembers only the last " + itoa(n) + " passwords (want 24)", ""
			}
			return "", "the password policy remembers the last 24 passwords"
		}),
	}
}
