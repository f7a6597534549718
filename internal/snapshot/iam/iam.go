// Package iam holds the normalized IAM state of one account: the root
// user, IAM users with their credentials, groups, roles, customer managed
// policies with their parsed documents, the password policy, and the
// server certificates. It must not import the AWS SDK.
//
// What could not be read is never left looking like "nothing there":
// account-wide parts that failed are named in IAM.Errors (keys Detail*),
// per-user details in User.Errors, a policy document that could not be
// parsed in its Error field. Controls report ERROR for those.
package iam

import (
	"strconv"
	"strings"
	"time"
)

// Keys of IAM.Errors: the account-wide parts of the IAM state.
const (
	// DetailCredentialReport: the credential report (root and user rows).
	DetailCredentialReport = "credential_report"
	// DetailAccountSummary: GetAccountSummary (root MFA, root access keys).
	DetailAccountSummary = "account_summary"
	// DetailPasswordPolicy: the account password policy.
	DetailPasswordPolicy = "password_policy"
	// DetailVirtualMFA: the virtual MFA devices (is the root's virtual?).
	DetailVirtualMFA = "virtual_mfa_devices"
	// DetailAuthorization: users', groups' and roles' policies and the
	// customer managed policies.
	DetailAuthorization = "authorization_details"
	// DetailServerCertificates: the server certificates stored in IAM.
	DetailServerCertificates = "server_certificates"
)

// Keys of User.Errors: the per-user details.
const (
	DetailAccessKeys = "access_keys"
	DetailMFADevices = "mfa_devices"
	// DetailPolicies: the user was not in the authorization details.
	DetailPolicies = "policies"
)

// Names of the AWS managed policies whose use is collected (keys of
// IAM.ManagedPolicyUse).
const (
	AWSSupportAccess        = "AWSSupportAccess"
	AWSCloudShellFullAccess = "AWSCloudShellFullAccess"
)

// IAM is the IAM state of one account.
type IAM struct {
	Root Root `json:"root"`
	// Users are the IAM users, sorted by name.
	Users []*User `json:"users"`
	// Groups and Roles are sorted by name.
	Groups []*Group `json:"groups,omitempty"`
	Roles  []*Role  `json:"roles,omitempty"`
	// Policies are the customer managed policies, attached or not, sorted
	// by name.
	Policies []*Policy `json:"policies,omitempty"`
	// PasswordPolicy is the account password policy; nil when none is
	// set (or when it could not be read: see Errors).
	PasswordPolicy *PasswordPolicy `json:"password_policy,omitempty"`
	// Summary is GetAccountSummary's map (AccountMFAEnabled,
	// AccountAccessKeysPresent, ...); nil when it could not be read.
	Summary map[string]int `json:"summary,omitempty"`
	// ReportGenerated is when the credential report was generated.
	ReportGenerated time.Time `json:"report_generated,omitzero"`
	// ManagedPolicyUse says which entities an AWS managed policy is
	// attached to, by policy name (AWSSupportAccess, ...).
	ManagedPolicyUse map[string]*Entities `json:"managed_policy_use,omitempty"`
	// ServerCertificates are the SSL/TLS certificates stored in IAM.
	ServerCertificates []*ServerCertificate `json:"server_certificates,omitempty"`
	// Errors names the parts that could not be read (keys Detail*), with
	// the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// Root is the account's root user.
type Root struct {
	ARN string `json:"arn"`
	// Credentials is the <root_account> row of the credential report; nil
	// when the report could not be read.
	Credentials *Credentials `json:"credentials,omitempty"`
	// VirtualMFASerial is the serial of the virtual MFA device assigned
	// to the root user; "" when it has none (a hardware device, or no
	// MFA). Unknown when Errors has DetailVirtualMFA.
	VirtualMFASerial string `json:"virtual_mfa_serial,omitempty"`
}

// Credentials is one row of the credential report. Times that the report
// gives as "N/A", "no_information" or "not_supported" are zero.
type Credentials struct {
	User    string    `json:"user"`
	ARN     string    `json:"arn"`
	Created time.Time `json:"created,omitzero"`
	// PasswordEnabled says the user has a console password (false for
	// the root user, whose column is "not_supported").
	PasswordEnabled bool `json:"password_enabled"`
	// PasswordLastUsed is zero when the password was never used (or not
	// since IAM started tracking it).
	PasswordLastUsed    time.Time `json:"password_last_used,omitzero"`
	PasswordLastChanged time.Time `json:"password_last_changed,omitzero"`
	MFAActive           bool      `json:"mfa_active"`
	// AccessKeys are the report's two access key slots, in order.
	AccessKeys []KeyCredentials `json:"access_keys"`
}

// KeyCredentials is one access key slot of a credential report row.
type KeyCredentials struct {
	Active bool `json:"active"`
	// LastRotated is when the key was created; zero when the slot holds
	// no key.
	LastRotated time.Time `json:"last_rotated,omitzero"`
	// LastUsed is zero when the key was never used.
	LastUsed        time.Time `json:"last_used,omitzero"`
	LastUsedRegion  string    `json:"last_used_region,omitempty"`
	LastUsedService string    `json:"last_used_service,omitempty"`
}

// Exists reports whether the slot holds a key.
func (k KeyCredentials) Exists() bool { return !k.LastRotated.IsZero() }

// User is an IAM user.
type User struct {
	Name    string            `json:"name"`
	ARN     string            `json:"arn"`
	ID      string            `json:"id"`
	Path    string            `json:"path"`
	Created time.Time         `json:"created"`
	Tags    map[string]string `json:"tags,omitempty"`
	// PasswordLastUsed is zero when the console password was never used.
	PasswordLastUsed time.Time `json:"password_last_used,omitzero"`
	// Credentials is the user's row of the credential report; nil when
	// the report could not be read or does not list the user yet.
	Credentials *Credentials `json:"credentials,omitempty"`
	// AccessKeys are the user's access keys (ListAccessKeys).
	AccessKeys []AccessKey `json:"access_keys,omitempty"`
	// MFADevices are the user's MFA devices (ListMFADevices).
	MFADevices []MFADevice `json:"mfa_devices,omitempty"`
	// AttachedPolicies are the managed policies attached to the user.
	AttachedPolicies []AttachedPolicy `json:"attached_policies,omitempty"`
	// InlinePolicies are the user's inline policies.
	InlinePolicies []*InlinePolicy `json:"inline_policies,omitempty"`
	// Groups are the names of the groups the user is in.
	Groups []string `json:"groups,omitempty"`
	// Errors names the details that could not be read (keys Detail*).
	Errors map[string]string `json:"errors,omitempty"`
}

// AccessKey is an access key of a user.
type AccessKey struct {
	ID      string    `json:"id"`
	Status  string    `json:"status"` // Active or Inactive
	Created time.Time `json:"created"`
}

// Active reports whether the key can be used.
func (k AccessKey) Active() bool { return k.Status == "Active" }

// MFADevice is an MFA device assigned to a user.
type MFADevice struct {
	// Serial is a virtual device's ARN, or a hardware device's serial.
	Serial  string    `json:"serial"`
	Enabled time.Time `json:"enabled,omitzero"`
}

// Group is an IAM group.
type Group struct {
	Name             string           `json:"name"`
	ARN              string           `json:"arn"`
	ID               string           `json:"id"`
	Path             string           `json:"path"`
	AttachedPolicies []AttachedPolicy `json:"attached_policies,omitempty"`
	InlinePolicies   []*InlinePolicy  `json:"inline_policies,omitempty"`
}

// Role is an IAM role.
type Role struct {
	Name             string            `json:"name"`
	ARN              string            `json:"arn"`
	ID               string            `json:"id"`
	Path             string            `json:"path"`
	Tags             map[string]string `json:"tags,omitempty"`
	AttachedPolicies []AttachedPolicy  `json:"attached_policies,omitempty"`
	InlinePolicies   []*InlinePolicy   `json:"inline_policies,omitempty"`
}

// ServiceLinked reports whether the role is a service-linked role, which
// only its AWS service can change.
func (r *Role) ServiceLinked() bool {
	return strings.HasPrefix(r.Path, "/aws-service-role/")
}

// AttachedPolicy is a managed policy attached to a principal.
type AttachedPolicy struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string   `json:"name"`
	Document Document `json:"document"`
	// Error says why the document could not be parsed; Document is empty.
	Error string `json:"error,omitempty"`
}

// Policy is a customer managed policy.
type Policy struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	ID   string `json:"id"`
	Path string `json:"path"`
	// AttachmentCount is how many users, groups and roles it is attached to.
	AttachmentCount int `json:"attachment_count"`
	// DefaultVersion is the ID of the version in force ("v2"); Document
	// is that version's document.
	DefaultVersion string   `json:"default_version"`
	Document       Document `json:"document"`
	// Error says why the default version's document could not be read or
	// parsed; Document is empty.
	Error string `json:"error,omitempty"`
}

// Entities are the principals a managed policy is attached to.
type Entities struct {
	Users  []string `json:"users,omitempty"`
	Groups []string `json:"groups,omitempty"`
	Roles  []string `json:"roles,omitempty"`
	// Error says why they could not be listed.
	Error string `json:"error,omitempty"`
}

// Count is the number of principals.
func (e *Entities) Count() int { return len(e.Users) + len(e.Groups) + len(e.Roles) }

// PasswordPolicy is the account password policy.
type PasswordPolicy struct {
	MinimumPasswordLength      int  `json:"minimum_password_length"`
	RequireSymbols             bool `json:"require_symbols"`
	RequireNumbers             bool `json:"require_numbers"`
	RequireUppercaseCharacters bool `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool `json:"require_lowercase_characters"`
	AllowUsersToChangePassword bool `json:"allow_users_to_change_password"`
	ExpirePasswords            bool `json:"expire_passwords"`
	// MaxPasswordAge is in days; 0 when passwords do not expire.
	MaxPasswordAge int `json:"max_password_age,omitempty"`
	// PasswordReusePrevention is how many previous passwords are
	// remembered; 0 when reuse is not prevented.
	PasswordReusePrevention int  `json:"password_reuse_prevention,omitempty"`
	HardExpiry              bool `json:"hard_expiry"`
}

// ServerCertificate is an SSL/TLS certificate stored in IAM.
type ServerCertificate struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	ID         string    `json:"id"`
	Path       string    `json:"path"`
	Uploaded   time.Time `json:"uploaded,omitzero"`
	Expiration time.Time `json:"expiration,omitzero"`
}

// KeyUse is an access key of a user as far as it is known: from
// ListAccessKeys when that was read, with its use from the credential
// report slot created at the same second; else from the report alone.
type KeyUse struct {
	// Label is the key ID, or "#1" when only the report has it (slot 1).
	Label   string
	Active  bool
	Created time.Time
	// Usage is the key's credential report slot; nil when unknown.
	Usage *KeyCredentials
}

// Keys returns u's access keys; why is set when they could not be read.
func (i *IAM) Keys(u *User) (out []KeyUse, why string) {
	var slots []*KeyCredentials
	if u.Credentials != nil {
		for n := range u.Credentials.AccessKeys {
			if u.Credentials.AccessKeys[n].Exists() {
				slots = append(slots, &u.Credentials.AccessKeys[n])
			}
		}
	}
	if u.Errors[DetailAccessKeys] == "" {
		for _, k := range u.AccessKeys {
			ku := KeyUse{Label: k.ID, Active: k.Active(), Created: k.Created}
			for _, s := range slots {
				if s.LastRotated.Unix() == k.Created.Unix() {
					ku.Usage = s
					break
				}
			}
			out = append(out, ku)
		}
		return out, ""
	}
	if u.Credentials == nil {
		return nil, u.Errors[DetailAccessKeys] + "; " + i.NoReport(u)
	}
	for n, s := range u.Credentials.AccessKeys {
		if s.Exists() {
			out = append(out, KeyUse{Label: "#" + strconv.Itoa(n+1), Active: s.Active, Created: s.LastRotated, Usage: &u.Credentials.AccessKeys[n]})
		}
	}
	return out, ""
}

// NoReport says why u has no credential report row.
func (i *IAM) NoReport(u *User) string {
	if why, read := i.reportRead(); !read {
		return why
	}
	return "user " + u.Name + " is not in the credential report generated " + i.ReportGenerated.UTC().Format(time.RFC3339) + " (created since?)"
}

// RootNoReport says why Root.Credentials is nil: the credential report
// could not be read, or it was read but has no <root_account> row.
func (i *IAM) RootNoReport() string {
	if why, read := i.reportRead(); !read {
		return why
	}
	return "the credential report generated " + i.ReportGenerated.UTC().Format(time.RFC3339) + " has no <root_account> row"
}

// reportRead says whether the credential report was read, and if not why.
func (i *IAM) reportRead() (why string, read bool) {
	if e := i.Errors[DetailCredentialReport]; e != "" {
		return "credential report not read: " + e, false
	}
	if i.ReportGenerated.IsZero() {
		return "credential report not collected", false
	}
	return "", true
}

// SummaryUnknown says why the account summary has no key (e.g.
// "AccountMFAEnabled"): it could not be read, or it lacks the key.
func (i *IAM) SummaryUnknown(key string) string {
	switch {
	case i.Errors[DetailAccountSummary] != "":
		return "account summary not read: " + i.Errors[DetailAccountSummary]
	case i.Summary == nil:
		return "account summary not collected"
	}
	return "account summary has no " + key
}
