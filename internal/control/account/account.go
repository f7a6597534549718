// Package account holds the controls on an account's settings (Account
// Management API): Account.1, the security contact. It reads only the
// snapshot and must not import the AWS SDK.
package account

import "github.com/guardrail-sec/guardrail/internal/control"

// Controls returns the account settings controls.
func Controls() []*control.Control {
	return []*control.Control{account1()}
}

func account1() *control.Control {
	return &control.Control{
		ID: "Account.1", Title: "Security contact information should be provided for an AWS account", Service: "Account",
		Severity: control.Medium, ResourceType: "AwsAccount", Global: true, Needs: []string{"account"},
		Rationale: "AWS sends security notifications (abuse reports, exposed credentials, vulnerabilities) to the security alternate contact. Without one they go only to the root e-mail address, which often nobody on the security team reads.",
		Remediation: "Open the console account menu > Account > Alternate contacts > Edit and fill in the Security contact (a team mailbox and phone, not a person). With AWS Organizations, the management account can set it for every member. " +
			"CLI: `aws account put-alternate-contact --alternate-contact-type SECURITY --name \"Security team\" --title \"Security\" --email-address security@example.com --phone-number +1-555-0100` (add `--account-id <id>` from the management account).",
		WellArchitected: []string{"SEC10"},
		Check: func(in *control.Input) {
			s := in.Account.Settings
			switch {
			case s == nil:
				in.Error(in.AccountMeta(), "account settings were not collected")
			case s.SecurityContact == nil:
				in.Fail(in.AccountMeta(), "no security contact is registered")
			default:
				in.Pass(in.AccountMeta(), "security contact: %s <%s>", s.SecurityContact.Name, s.SecurityContact.Email)
			}
		},
	}
}
