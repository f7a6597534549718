package iam

import (
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// eachUser runs judge for every IAM user of the account.
func eachUser(judge func(in *control.Input, i *iam.IAM, u *iam.User)) func(*control.Input) {
	return func(in *control.Input) {
		i := state(in)
		if i == nil {
			return
		}
		for _, u := range i.Users {
			judge(in, i, u)
		}
	}
}

func iam2() *control.Control {
	return &control.Control{
		ID: "IAM.2", Title: "IAM users should not have IAM policies attached", Service: "IAM",
		Severity: control.Low, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "Permissions granted to groups (or, better, to roles) are reviewed and revoked in one place. Policies attached to individual users multiply the places where access hides and drift from the group's intent.",
		Remediation: "Open the IAM console > Users > the user > Permissions, add the user to a group that carries the permissions, then remove the directly attached and inline policies. " +
			"CLI: `aws iam add-user-to-group --user-name <user> --group-name <group>`, `aws iam detach-user-policy --user-name <user> --policy-arn <arn>`, `aws iam delete-user-policy --user-name <user> --policy-name <name>`.",
		WellArchitected: []string{"SEC03"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			if e := i.Errors[iam.DetailAuthorization]; e != "" {
				in.Error(userMeta(u), "policies of %s not read: %s", u.Name, e)
				return
			}
			if e := u.Errors[iam.DetailPolicies]; e != "" {
				in.Error(userMeta(u), "policies of %s not read: %s", u.Name, e)
				return
			}
			var found []string
			for _, p := range u.AttachedPolicies {
				found = append(found, "managed policy "+p.Name)
			}
			for _, p := range u.InlinePolicies {
				found = append(found, "inline policy "+p.Name)
			}
			if len(found) > 0 {
				in.Fail(userMeta(u), "user %s has policies of its own: %s", u.Name, join(found))
				return
			}
			in.Pass(userMeta(u), "user %s gets its permissions only through groups", u.Name)
		}),
	}
}

// rotationDays is the maximum age of an active access key (IAM.3, CIS 1.14).
const rotationDays = 90

func iam3() *control.Control {
	return &control.Control{
		ID: "IAM.3", Title: "IAM users' access keys should be rotated every 90 days or less", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "An access key is a long-lived secret that leaks through code, logs and laptops. Rotating keys at least every 90 days bounds how long a leaked key stays useful.",
		Remediation: "Open the IAM console > Users > the user > Security credentials, create a second access key, move its users to it, then deactivate and delete the old key (or replace the key with a role). " +
			"CLI: `aws iam create-access-key --user-name <user>`, then `aws iam update-access-key --user-name <user> --access-key-id <old> --status Inactive` and `aws iam delete-access-key --user-name <user> --access-key-id <old>`.",
		WellArchitected: []string{"SEC02"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			ks, why := i.Keys(u)
			if why != "" {
				in.Error(userMeta(u), "access keys of %s not read: %s", u.Name, why)
				return
			}
			var old []string
			active := 0
			for _, k := range ks {
				if !k.Active {
					continue
				}
				active++
				if d := days(in.Now, k.Created); d > rotationDays {
					old = append(old, fmt.Sprintf("%s is %d days old", k.Label, d))
				}
			}
			switch {
			case len(old) > 0:
				in.Fail(userMeta(u), "user %s: active access key %s (rotate at least every %d days)", u.Name, join(old), rotationDays)
			case active == 0:
				in.Pass(userMeta(u), "user %s has no active access key", u.Name)
			default:
				in.Pass(userMeta(u), "user %s: %s, rotated within %d days", u.Name, plural(active, "active access key", "active access keys"), rotationDays)
			}
		}),
	}
}

func iam5() *control.Control {
	return &control.Control{
		ID: "IAM.5", Title: "MFA should be enabled for all IAM users that have a console password", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "A console password alone can be phished, guessed or reused from another breach. MFA keeps a stolen password from being enough to sign in.",
		Remediation: "Open the IAM console > Users > the user > Security credentials > Assign MFA device (or have the user do it under their own Security credentials). " +
			"CLI: `aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG`, then `aws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 <code> --authentication-code2 <next-code>`.",
		WellArchitected: []string{"SEC02"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			if u.Credentials == nil {
				in.Error(userMeta(u), "%s", i.NoReport(u))
				return
			}
			if !u.Credentials.PasswordEnabled {
				in.NotApplicable(userMeta(u), "user %s has no console password", u.Name)
				return
			}
			mfa, why := hasMFA(i, u)
			if why != "" {
				in.Error(userMeta(u), "MFA devices of %s not read: %s", u.Name, why)
				return
			}
			in.Check(userMeta(u), mfa, "console user "+u.Name+" has MFA enabled", "MFA is not enabled for console user "+u.Name)
		}),
	}
}

func iam19() *control.Control {
	return &control.Control{
		ID: "IAM.19", Title: "MFA should be enabled for all IAM users", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "Users without MFA can act with a single stolen secret. With MFA on every user, policies can require aws:MultiFactorAuthPresent for sensitive actions.",
		Remediation: "Open the IAM console > Users > the user > Security credentials > Assign MFA device. For users that only run automation, replace the user's access keys with a role instead. " +
			"CLI: `aws iam create-virtual-mfa-device ...` then `aws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 <code> --authentication-code2 <next-code>`.",
		WellArchitected: []string{"SEC02"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			mfa, why := hasMFA(i, u)
			if why != "" {
				in.Error(userMeta(u), "MFA devices of %s not read: %s", u.Name, why)
				return
			}
			in.Check(userMeta(u), mfa, "user "+u.Name+" has MFA enabled", "MFA is not enabled for user "+u.Name)
		}),
	}
}

// unusedCheck judges whether u's console password and active access keys
// were used recently: stale(days since last use) says a credential is
// unused for too long. A credential never used counts from its creation.
func unusedCheck(limit string, stale func(days int) bool) func(*control.Input) {
	return eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
		c := u.Credentials
		if c == nil {
			in.Error(userMeta(u), "%s", i.NoReport(u))
			return
		}
		var found []string
		creds := 0
		if c.PasswordEnabled {
			creds++
			if t := c.PasswordLastUsed; !t.IsZero() {
				if stale(days(in.Now, t)) {
					found = append(found, "console password last used "+ago(in, t))
				}
			} else if since := firstOf(c.PasswordLastChanged, u.Created); stale(days(in.Now, since)) {
				found = append(found, "console password never used (set "+ago(in, since)+")")
			}
		}
		ks, why := i.Keys(u)
		if why != "" {
			in.Error(userMeta(u), "access keys of %s not read: %s", u.Name, why)
			return
		}
		for _, k := range ks {
			if !k.Active {
				continue
			}
			creds++
			if k.Usage == nil {
				in.Error(userMeta(u), "last use of access key %s of %s unknown: it is not in the credential report", k.Label, u.Name)
				return
			}
			if t := k.Usage.LastUsed; !t.IsZero() {
				if stale(days(in.Now, t)) {
					found = append(found, "access key "+k.Label+" last used "+ago(in, t))
				}
			} else if stale(days(in.Now, k.Created)) {
				found = append(found, "access key "+k.Label+" never used (created "+ago(in, k.Created)+")")
			}
		}
		switch {
		case len(found) > 0:
			in.Fail(userMeta(u), "user %s: %s (limit %s)", u.Name, join(found), limit)
		case creds == 0:
			in.Pass(userMeta(u), "user %s has no console password or active access key", u.Name)
		default:
			in.Pass(userMeta(u), "every credential of user %s was used within %s", u.Name, limit)
		}
	})
}

func firstOf(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

const unusedRemediation = "Open the IAM console > Users > the user > Security credentials: under Console sign-in choose Manage console access > Disable, and deactivate or delete unused access keys (remove the user if nobody needs it). " +
	"CLI: `aws iam delete-login-profile --user-name <user>`, `aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive`, `aws iam delete-access-key --user-name <user> --access-key-id <id>`."

func iam8() *control.Control {
	return &control.Control{
		ID: "IAM.8", Title: "Unused IAM user credentials should be removed", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale:       "Credentials nobody uses are credentials nobody watches: a password or key unused for more than 90 days belongs to someone who left or a job that ended, and is a free way in if it leaks.",
		Remediation:     unusedRemediation,
		WellArchitected: []string{"SEC02"},
		Check:           unusedCheck("90 days", func(d int) bool { return d > 90 }),
	}
}

func iam22() *control.Control {
	return &control.Control{
		ID: "IAM.22", Title: "IAM user credentials unused for 45 days should be removed", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale:       "CIS 1.12: disabling passwords and access keys unused for 45 days or more shrinks the window in which an abandoned credential can be abused.",
		Remediation:     unusedRemediation,
		WellArchitected: []string{"SEC02"},
		Check:           unusedCheck("45 days", func(d int) bool { return d >= 45 }),
	}
}

func grIAM2() *control.Control {
	return &control.Control{
		ID: "GR.IAM.2", Title: "Access keys should not be set up during initial user setup for IAM users with a console password", Service: "IAM",
		Severity: control.Low, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "CIS 1.11: creating an access key for every new console user by default leaves active keys that are never used. Each is a long-lived secret that can leak without anyone noticing, since nothing depends on it.",
		Remediation: "Open the IAM console > Users > the user > Security credentials and delete the access keys that were never used; let users create keys themselves when they need them. " +
			"CLI: `aws iam delete-access-key --user-name <user> --access-key-id <id>`.",
		WellArchitected: []string{"SEC02"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			if u.Credentials == nil {
				in.Error(userMeta(u), "%s", i.NoReport(u))
				return
			}
			if !u.Credentials.PasswordEnabled {
				in.NotApplicable(userMeta(u), "user %s has no console password", u.Name)
				return
			}
			ks, why := i.Keys(u)
			if why != "" {
				in.Error(userMeta(u), "access keys of %s not read: %s", u.Name, why)
				return
			}
			var unused []string
			for _, k := range ks {
				if !k.Active {
					continue
				}
				if k.Usage == nil {
					in.Error(userMeta(u), "last use of access key %s of %s unknown: it is not in the credential report", k.Label, u.Name)
					return
				}
				if k.Usage.LastUsed.IsZero() {
					unused = append(unused, k.Label)
				}
			}
			if len(unused) > 0 {
				in.Fail(userMeta(u), "console user %s has an active access key that was never used: %s", u.Name, join(unused))
				return
			}
			in.Pass(userMeta(u), "console user %s has no unused active access key", u.Name)
		}),
	}
}

func grIAM3() *control.Control {
	return &control.Control{
		ID: "GR.IAM.3", Title: "IAM users should have only one active access key", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsIamUser", Global: true, Needs: needs,
		Rationale: "CIS 1.13: a second active key is only needed for the minutes of a rotation. Two keys left active double the secrets to protect and usually mean the old one was never retired.",
		Remediation: "Open the IAM console > Users > the user > Security credentials, find which key is still in use (Last used), then deactivate and delete the other. " +
			"CLI: `aws iam list-access-keys --user-name <user>`, `aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive`, `aws iam delete-access-key --user-name <user> --access-key-id <id>`.",
		WellArchitected: []string{"SEC02"},
		Check: eachUser(func(in *control.Input, i *iam.IAM, u *iam.User) {
			ks, why := i.Keys(u)
			if why != "" {
				in.Error(userMeta(u), "access keys of %s not read: %s", u.Name, why)
				return
			}
			var active []string
			for _, k := range ks {
				if k.Active {
					active = append(active, k.Label)
				}
			}
			if len(active) > 1 {
				in.Fail(userMeta(u), "user %s has %d active access keys: %s", u.Name, len(active), join(active))
				return
			}
			if len(active) == 0 {
				in.Pass(userMeta(u), "user %s has no active access key", u.Name)
				return
			}
			in.Pass(userMeta(u), "user %s has 1 active access key (%s)", u.Name, active[0])
		}),
	}
}
