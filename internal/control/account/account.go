// Package account holds the controls on an account's settings (Account
// Management API): Account.1, the security contact, and Account.2,
// membership of an organization. It reads only the
// snapshot and must not import the AWS SDK.
package account

import "github.com/guardrail-sec/guardrail/internal/control"

// Controls returns the account settings controls.
func Controls() []*control.Control {
	return []*control.Control{account1(), account2()}
}

// account2 is Account.2 (a NIST 800-53 control in Security Hub, not one
// of FSBP).
func account2() *control.Control {
	return &control.Control{
		ID: "Account.2", Title: "AWS accounts should be part of an AWS Organizations organization", Service: "Account",
		Severity: control.High, ResourceType: "AwsAccount", Global: true, Needs: []string{"account"},
		Rationale: "An account outside an organization escapes its service control policies, its organization trail, " +
			"its delegated security services and its consolidated billing: its guardrails are whatever someone set by hand.",
		Remediation: "From the organization's management account, invite the account (Organizations > AWS accounts > Add an " +
			"AWS account > Invite) and accept the invitation from the account.\n" +
			"CLI: aws organizations invite-account-to-organization --target Id=<account-id>,Type=ACCOUNT (management account); " +
			"aws organizations accept-handshake --handshake-id <id> (invited account)",
		WellArchitected: []string{"SEC01"},
		Check: func(in *control.Input) {
			s := in.Account.Settings
			switch {
			case s == nil:
				in.Error(in.AccountMeta(), "account settings were not collected")
			case s.OrganizationError != "":
				in.Error(in.AccountMeta(), "could not read the account's organization: %s", s.OrganizationError)
			case s.Organization == nil:
				in.Fail(in.AccountMeta(), "the account is not a member of an AWS Organizations organization")
			default:
				in.Pass(in.AccountMeta(), "member of organization %s (management account %s)", s.Organization.ID, s.Organization.ManagementAccount)
			}
		},
	}
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
