package world

import "time"

// IAM is an account's IAM state (global).
type IAM struct {
	Roles  []*Role  `yaml:"roles"`
	Users  []*User  `yaml:"users"`
	Groups []*Group `yaml:"groups"`
	// Policies are the account's customer managed policies. AWS managed
	// policies are a catalogue of the simulator (package svc/iam); they are
	// attached by ARN (arn:aws:iam::aws:policy/...).
	Policies []*ManagedPolicy `yaml:"policies"`
	// PasswordPolicy is the account password policy; nil when none is set.
	PasswordPolicy *PasswordPolicy `yaml:"password_policy"`
	Root           RootUser        `yaml:"root"`
	Aliases        []string        `yaml:"aliases"`
	// VirtualMFADevices are virtual MFA devices created but not assigned to
	// anyone (assigned ones live on the user or on Root).
	VirtualMFADevices  []*MFADevice         `yaml:"virtual_mfa_devices"`
	SAMLProviders      []*SAMLProvider      `yaml:"saml_providers"`
	OIDCProviders      []*OIDCProvider      `yaml:"oidc_providers"`
	ServerCertificates []*ServerCertificate `yaml:"server_certificates"`
	// CredentialReport is the last generated credential report.
	CredentialReport *CredentialReport `yaml:"-"`
}

// RootUser is the account's root user.
type RootUser struct {
	// Created is the account's creation (user_creation_time of <root_account>).
	Created time.Time `yaml:"created"`
	// MFA is the root MFA: "" (none), "virtual" or "hardware".
	MFA              string       `yaml:"mfa"`
	MFAEnabled       time.Time    `yaml:"mfa_enabled"`
	MFASerial        string       `yaml:"mfa_serial"` // hardware serial; default derived
	AccessKeys       []*AccessKey `yaml:"access_keys"`
	NoPassword       bool         `yaml:"no_password"` // root console password removed (AccountPasswordPresent 0)
	PasswordLastUsed time.Time    `yaml:"password_last_used"`
}

// User is an IAM user.
type User struct {
	Name    string    `yaml:"name"`
	Path    string    `yaml:"path"`
	ID      string    `yaml:"id"`
	Created time.Time `yaml:"created"`
	// PasswordLastUsed is zero when the console password was never used.
	PasswordLastUsed time.Time `yaml:"password_last_used"`
	// LoginProfile is the console password; nil when the user has none.
	LoginProfile *LoginProfile         `yaml:"login_profile"`
	AccessKeys   []*AccessKey          `yaml:"access_keys"`
	MFADevices   []*MFADevice          `yaml:"mfa_devices"`
	Certificates []*SigningCertificate `yaml:"certificates"`
	// AttachedPolicies are managed policy ARNs.
	AttachedPolicies []string `yaml:"attached_policies"`
	// InlinePolicies maps a policy name to its JSON document.
	InlinePolicies      map[string]string `yaml:"inline_policies"`
	Tags                map[string]string `yaml:"tags"`
	PermissionsBoundary string            `yaml:"permissions_boundary"`
}

// LoginProfile is a user's console password.
type LoginProfile struct {
	Created       time.Time `yaml:"created"`
	ResetRequired bool      `yaml:"reset_required"`
	// Changed is when the password was last set; zero means Created.
	Changed time.Time `yaml:"changed"`
}

// AccessKey is an access key of a user or of the root user.
type AccessKey struct {
	ID      string    `yaml:"id"`
	Secret  string    `yaml:"secret"`
	Status  string    `yaml:"status"` // Active (default) or Inactive
	Created time.Time `yaml:"created"`
	// LastUsed is zero when the key was never used.
	LastUsed        time.Time `yaml:"last_used"`
	LastUsedRegion  string    `yaml:"last_used_region"`
	LastUsedService string    `yaml:"last_used_service"`
}

// MFADevice is an MFA device (virtual, hardware or FIDO).
type MFADevice struct {
	// Type is virtual (default) or hardware.
	Type    string    `yaml:"type"`
	Serial  string    `yaml:"serial"` // derived from the owner when empty
	Enabled time.Time `yaml:"enabled"`
	Created time.Time `yaml:"created"` // unassigned virtual devices
}

// SigningCertificate is an X.509 signing certificate of a user.
type SigningCertificate struct {
	ID       string    `yaml:"id"`
	Status   string    `yaml:"status"`
	Uploaded time.Time `yaml:"uploaded"`
}

// Group is an IAM group.
type Group struct {
	Name             string            `yaml:"name"`
	Path             string            `yaml:"path"`
	ID               string            `yaml:"id"`
	Created          time.Time         `yaml:"created"`
	Users            []string          `yaml:"users"` // member user names
	AttachedPolicies []string          `yaml:"attached_policies"`
	InlinePolicies   map[string]string `yaml:"inline_policies"`
}

// Role is an IAM role.
type Role struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
	ID   string `yaml:"id"`
	// AssumeRolePolicy is the trust policy document (JSON).
	AssumeRolePolicy string    `yaml:"assume_role_policy"`
	Created          time.Time `yaml:"created"`
	Description      string    `yaml:"description"`
	// MaxSessionDuration in seconds; 0 means 3600.
	MaxSessionDuration  int               `yaml:"max_session_duration"`
	AttachedPolicies    []string          `yaml:"attached_policies"`
	InlinePolicies      map[string]string `yaml:"inline_policies"`
	Tags                map[string]string `yaml:"tags"`
	PermissionsBoundary string            `yaml:"permissions_boundary"`
	// LastUsed is zero when the role was never assumed.
	LastUsed       time.Time `yaml:"last_used"`
	LastUsedRegion string    `yaml:"last_used_region"`
}

// ManagedPolicy is a customer managed policy.
type ManagedPolicy struct {
	Name        string    `yaml:"name"`
	Path        string    `yaml:"path"`
	ID          string    `yaml:"id"`
	Description string    `yaml:"description"`
	Created     time.Time `yaml:"created"`
	Updated     time.Time `yaml:"updated"`
	// Document is a shorthand for a single version v1 (used when Versions
	// is empty).
	Document string           `yaml:"document"`
	Versions []*PolicyVersion `yaml:"versions"`
	// DefaultVersion is the default version ID; empty means the last one.
	DefaultVersion string            `yaml:"default_version"`
	Tags           map[string]string `yaml:"tags"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID       string    `yaml:"id"` // v1, v2, ...
	Document string    `yaml:"document"`
	Created  time.Time `yaml:"created"`
}

// PasswordPolicy is the account password policy.
type PasswordPolicy struct {
	MinimumPasswordLength      int  `yaml:"minimum_password_length"`
	RequireSymbols             bool `yaml:"require_symbols"`
	RequireNumbers             bool `yaml:"require_numbers"`
	RequireUppercaseCharacters bool `yaml:"require_uppercase_characters"`
	RequireLowercaseCharacters bool `yaml:"require_lowercase_characters"`
	AllowUsersToChangePassword bool `yaml:"allow_users_to_change_password"`
	MaxPasswordAge             int  `yaml:"max_password_age"`
	PasswordReusePrevention    int  `yaml:"password_reuse_prevention"`
	HardExpiry                 bool `yaml:"hard_expiry"`
}

// SAMLProvider is an IAM SAML identity provider.
type SAMLProvider struct {
	Name       string    `yaml:"name"`
	Created    time.Time `yaml:"created"`
	ValidUntil time.Time `yaml:"valid_until"`
}

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	URL     string    `yaml:"url"` // host/path without https://
	Created time.Time `yaml:"created"`
}

// ServerCertificate is an IAM server certificate.
type ServerCertificate struct {
	Name     string    `yaml:"name"`
	Path     string    `yaml:"path"`
	ID       string    `yaml:"id"`
	Uploaded time.Time `yaml:"uploaded"`
	Expires  time.Time `yaml:"expires"`
	// ValidDays, when Expires is zero, is the certificate's validity from
	// Uploaded (so demo data can say "valid for a year" with stable ages).
	ValidDays int `yaml:"valid_days"`
}

// Expiration is when the certificate expires: Expires, or Uploaded +
// ValidDays; zero when neither is set.
func (s *ServerCertificate) Expiration() time.Time {
	if s.Expires.IsZero() && s.ValidDays > 0 {
		return s.Uploaded.AddDate(0, 0, s.ValidDays)
	}
	return s.Expires
}

// CredentialReport is a generated credential report.
type CredentialReport struct {
	Generated time.Time
	Content   []byte // CSV
}

// Role returns the role named name, or nil.
func (i *IAM) Role(name string) *Role {
	for _, r := range i.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}
