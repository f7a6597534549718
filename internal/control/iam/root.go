package iam

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// rootAccessKeys says whether the root user has an access key (active or
// not): from the account summary, else from the credential report.
func rootAccessKeys(i *iam.IAM) (present, known bool) {
	if v, ok := i.Summary["AccountAccessKeysPresent"]; ok {
		return v > 0, true
	}
	if c := i.Root.Credentials; c != nil {
		for _, k := range c.AccessKeys {
			if k.Exists() {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// rootMFA says whether the root user has MFA enabled: from the account
// summary, else from the credential report.
func rootMFA(i *iam.IAM) (enabled, known bool) {
	if v, ok := i.Summary["AccountMFAEnabled"]; ok {
		return v > 0, true
	}
	if c := i.Root.Credentials; c != nil {
		return c.MFAActive, true
	}
	return false, false
}

// rootUnknown is why neither the summary (its key) nor the report's root
// row could be read.
func rootUnknown(i *iam.IAM, key string) string {
	return i.SummaryUnknown(key) + "; " + i.RootNoReport()
}

func iam4() *control.Control {
	return &control.Control{
		ID: "IAM.4", Title: "IAM root user access key should not exist", Service: "IAM",
		Severity: control.Critical, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "The root user has unrestricted access to every resource of the account, and an access key for it is a long-lived credential that cannot be limited by any policy. Removing root access keys leaves only the MFA-protected console sign-in.",
		Remediation: "Sign in as the root user, open the account menu > Security credentials, and under Access keys choose Actions > Delete for each key (deactivate it first if anything still uses it). " +
			"CLI, signed in as the root user: `aws iam delete-access-key --access-key-id <root-key-id>`. With centralized root access in AWS Organizations, from the management account: `aws sts assume-root --target-principal <account-id> --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`, then `aws iam delete-access-key --access-key-id <root-key-id>` with the returned credentials.",
		WellArchitected: []string{"SEC01", "SEC02"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			present, known := rootAccessKeys(i)
			if !known {
				in.Error(in.AccountMeta(), "root access keys unknown: %s", rootUnknown(i, "AccountAccessKeysPresent"))
				return
			}
			in.Check(in.AccountMeta(), !present, "the root user has no access key", "the root user has an access key")
		},
	}
}

func iam9() *control.Control {
	return &control.Control{
		ID: "IAM.9", Title: "MFA should be enabled for the root user", Service: "IAM",
		Severity: control.Critical, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "The root user can do anything in the account, including closing it. Multi-factor authentication keeps a stolen root password from being enough to sign in.",
		Remediation: "Sign in as the root user, open the account menu > Security credentials, and under Multi-factor authentication (MFA) choose Assign MFA device (a hardware key or FIDO security key is preferred). " +
			"Root MFA cannot be assigned from the CLI; check it with `aws iam get-account-summary --query SummaryMap.AccountMFAEnabled`.",
		WellArchitected: []string{"SEC01", "SEC02"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			enabled, known := rootMFA(i)
			if !known {
				in.Error(in.AccountMeta(), "root MFA unknown: %s", rootUnknown(i, "AccountMFAEnabled"))
				return
			}
			in.Check(in.AccountMeta(), enabled, "MFA is enabled for the root user", "MFA is not enabled for the root user")
		},
	}
}

func iam6() *control.Control {
	return &control.Control{
		ID: "IAM.6", Title: "Hardware MFA should be enabled for the root user", Service: "IAM",
		Severity: control.Critical, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "A virtual MFA device lives on a phone or computer that can itself be compromised, lost or backed up elsewhere. A dedicated hardware device kept in a safe place is the strongest protection for the root user.",
		Remediation: "Sign in as the root user, open the account menu > Security credentials, assign a hardware TOTP token or FIDO security key under Multi-factor authentication (MFA), then remove the virtual device. " +
			"Check with `aws iam list-virtual-mfa-devices --assignment-status Assigned` (no serial ending in `:mfa/root-account-mfa-device` should be listed).",
		WellArchitected: []string{"SEC01", "SEC02"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			enabled, known := rootMFA(i)
			switch {
			case !known:
				in.Error(in.AccountMeta(), "root MFA unknown: %s", rootUnknown(i, "AccountMFAEnabled"))
			case !enabled:
				in.Fail(in.AccountMeta(), "MFA is not enabled for the root user")
			case unread(in, i, iam.DetailVirtualMFA):
			case i.Root.VirtualMFASerial != "":
				in.Fail(in.AccountMeta(), "the root user's MFA device is virtual (%s)", i.Root.VirtualMFASerial)
			default:
				in.Pass(in.AccountMeta(), "the root user uses a hardware MFA device")
			}
		},
	}
}

// rootUseWindow is how recent a use of the root user GR.IAM.1 flags.
const rootUseWindow = 90

func grIAM1() *control.Control {
	return &control.Control{
		ID: "GR.IAM.1", Title: "The root user should not be used for administrative and daily tasks", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "CIS 1.7: the root user cannot be limited by IAM policies, so everyday work with it turns any mistake or stolen session into full control of the account. A root sign-in or root key use in the last 90 days means it is still part of someone's routine.",
		Remediation: "Create IAM Identity Center users or IAM roles for administrative work and keep the root user for the few tasks that require it. Review recent root activity in CloudTrail (event history, filter User name = root) and delete root access keys (IAM.4). " +
			"Check the last use with `aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d | grep '<root_account>'`.",
		WellArchitected: []string{"SEC01", "SEC02"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			c := i.Root.Credentials
			if c == nil {
				in.Error(in.AccountMeta(), "root user activity unknown: %s", i.RootNoReport())
				return
			}
			var uses []string
			if t := c.PasswordLastUsed; !t.IsZero() && days(in.Now, t) < rootUseWindow {
				uses = append(uses, "signed in to the console "+ago(in, t))
			}
			for n, k := range c.AccessKeys {
				if t := k.LastUsed; !t.IsZero() && days(in.Now, t) < rootUseWindow {
					uses = append(uses, "used access key "+itoa(n+1)+" "+ago(in, t))
				}
			}
			if len(uses) > 0 {
				in.Fail(in.AccountMeta(), "the root user %s", join(uses))
				return
			}
			in.Pass(in.AccountMeta(), "the root user was not used in the last %d days", rootUseWindow)
		},
	}
}
