package iam

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

type summaryResult struct {
	Entries []summaryEntry `xml:"SummaryMap>entry"`
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func getAccountSummary(c *svc.Ctx) (any, error) {
	i := iamOf(c)
	mfa, inUse := 0, 0
	for _, u := range i.Users {
		mfa += len(u.MFADevices)
		inUse += len(u.MFADevices)
	}
	if i.Root.MFA != "" {
		mfa++
		inUse++
	}
	mfa += len(i.VirtualMFADevices)
	attachments := 0
	for _, u := range i.Users {
		attachments += len(u.AttachedPolicies)
	}
	for _, g := range i.Groups {
		attachments += len(g.AttachedPolicies)
	}
	for _, r := range i.Roles {
		attachments += len(r.AttachedPolicies)
	}
	m := []summaryEntry{
		{"GroupPolicySizeQuota", 5120},
		{"InstanceProfilesQuota", 1000},
		{"Policies", len(i.Policies)},
		{"GroupsPerUserQuota", 10},
		{"InstanceProfiles", 0},
		{"AttachedPoliciesPerUserQuota", 10},
		{"Users", len(i.Users)},
		{"PoliciesQuota", 1500},
		{"Providers", len(i.SAMLProviders) + len(i.OIDCProviders)},
		{"AccountMFAEnabled", b2i(i.Root.MFA != "")},
		{"AccessKeysPerUserQuota", 2},
		{"AssumeRolePolicySizeQuota", 2048},
		{"PolicyVersionsInUseQuota", 10000},
		{"GlobalEndpointTokenVersion", 1},
		{"VersionsPerPolicyQuota", 5},
		{"AttachedPoliciesPerGroupQuota", 10},
		{"PolicySizeQuota", 6144},
		{"Groups", len(i.Groups)},
		{"AccountSigningCertificatesPresent", 0},
		{"UsersQuota", 5000},
		{"ServerCertificatesQuota", 20},
		{"MFADevices", mfa},
		{"UserPolicySizeQuota", 2048},
		{"PolicyVersionsInUse", attachments},
		{"ServerCertificates", len(i.ServerCertificates)},
		{"Roles", len(i.Roles)},
		{"RolesQuota", 1000},
		{"SigningCertificatesPerUserQuota", 2},
		{"MFADevicesInUse", inUse},
		{"RolePolicySizeQuota", 10240},
		{"AttachedPoliciesPerRoleQuota", 10},
		{"AccountAccessKeysPresent", b2i(len(i.Root.AccessKeys) > 0)},
		{"AccountPasswordPresent", b2i(!i.Root.NoPassword)},
		{"GroupsQuota", 300},
	}
	return summaryResult{Entries: m}, nil
}

// ---- password policy ----

type xPasswordPolicy struct {
	MinimumPasswordLength      int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	ExpirePasswords            bool
	MaxPasswordAge             int `xml:",omitempty"`
	PasswordReusePrevention    int `xml:",omitempty"`
	HardExpiry                 bool
}

func getAccountPasswordPolicy(c *svc.Ctx) (any, error) {
	p := iamOf(c).PasswordPolicy
	if p == nil {
		return nil, noSuchEntity("The Password Policy with domain name %s cannot be found.", c.Account.ID)
	}
	return struct{ PasswordPolicy xPasswordPolicy }{xPasswordPolicy{
		MinimumPasswordLength:      p.MinimumPasswordLength,
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords:            p.MaxPasswordAge > 0,
		MaxPasswordAge:             p.MaxPasswordAge,
		PasswordReusePrevention:    p.PasswordReusePrevention,
		HardExpiry:                 p.HardExpiry,
	}}, nil
}

func intRange(c *svc.Ctx, name string, def, lo, hi int) (int, error) {
	s := c.Form.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have value between %d and %d", s, lowerFirst(name), lo, hi)
	}
	return n, nil
}

func boolParam(c *svc.Ctx, name string) bool { return c.Form.Get(name) == "true" }

func updateAccountPasswordPolicy(c *svc.Ctx) (any, error) {
	var p world.PasswordPolicy
	var err error
	// The call replaces the whole policy: what it leaves out takes
	// IAM's default (a minimum length of 6, the rest off).
	if p.MinimumPasswordLength, err = intRange(c, "MinimumPasswordLength", 6, 6, 128); err != nil {
		return nil, err
	}
	if p.MaxPasswordAge, err = intRange(c, "MaxPasswordAge", 0, 1, 1095); err != nil {
		return nil, err
	}
	if p.PasswordReusePrevention, err = intRange(c, "PasswordReusePrevention", 0, 1, 24); err != nil {
		return nil, err
	}
	p.RequireSymbols = boolParam(c, "RequireSymbols")
	p.RequireNumbers = boolParam(c, "RequireNumbers")
	p.RequireUppercaseCharacters = boolParam(c, "RequireUppercaseCharacters")
	p.RequireLowercaseCharacters = boolParam(c, "RequireLowercaseCharacters")
	p.AllowUsersToChangePassword = boolParam(c, "AllowUsersToChangePassword")
	p.HardExpiry = boolParam(c, "HardExpiry")
	iamOf(c).PasswordPolicy = &p
	return nil, nil
}

func deleteAccountPasswordPolicy(c *svc.Ctx) (any, error) {
	i := iamOf(c)
	if i.PasswordPolicy == nil {
		return nil, noSuchEntity("The account policy with name PasswordPolicy cannot be found.")
	}
	i.PasswordPolicy = nil
	return nil, nil
}

// ---- credential report ----

// reportTTL is how long a credential report is served (and not rebuilt).
const reportTTL = 4 * time.Hour

func generateCredentialReport(c *svc.Ctx) (any, error) {
	i := iamOf(c)
	now := c.Now()
	type result struct{ State, Description string }
	if r := i.CredentialReport; r != nil && now.Sub(r.Generated) < reportTTL {
		return result{"COMPLETE", ""}, nil
	}
	i.CredentialReport = &world.CredentialReport{Generated: now, Content: credentialReport(c, now)}
	return result{"STARTED", "No report exists. Starting a new report generation task"}, nil
}

func getCredentialReport(c *svc.Ctx) (any, error) {
	r := iamOf(c).CredentialReport
	if r == nil {
		return nil, wire.Errorf(410, "ReportNotPresent", "Credential report not present. To generate a credential report, use GenerateCredentialReport.")
	}
	if c.Now().Sub(r.Generated) >= reportTTL {
		return nil, wire.Errorf(410, "ReportExpired", "Credential report expired. To generate a new credential report, use GenerateCredentialReport.")
	}
	return struct {
		Content       string
		ReportFormat  string
		GeneratedTime string
	}{base64.StdEncoding.EncodeToString(r.Content), "text/csv", ts(r.Generated)}, nil
}

var reportHeader = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

func reportTime(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

func keyColumns(keys []*world.AccessKey) []string {
	var out []string
	for n := 0; n < 2; n++ {
		if n >= len(keys) {
			out = append(out, "false", "N/A", "N/A", "N/A", "N/A")
			continue
		}
		k := keys[n]
		region, service := "N/A", "N/A"
		if !k.LastUsed.IsZero() {
			region, service = k.LastUsedRegion, k.LastUsedService
			if region == "" {
				region = "us-east-1"
			}
			if service == "" {
				service = "sts"
			}
		}
		out = append(out, boolStr(keyStatus(k) == "Active"), reportTime(k.Created, "N/A"), reportTime(k.LastUsed, "N/A"), region, service)
	}
	return out
}

func certColumns(certs []*world.SigningCertificate) []string {
	var out []string
	for n := 0; n < 2; n++ {
		if n >= len(certs) {
			out = append(out, "false", "N/A")
			continue
		}
		out = append(out, boolStr(certs[n].Status != "Inactive"), reportTime(certs[n].Uploaded, "N/A"))
	}
	return out
}

// credentialReport builds the CSV: the root user first, then every user.
func credentialReport(c *svc.Ctx, now time.Time) []byte {
	i := iamOf(c)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(reportHeader)
	root := []string{"<root_account>", rootARN(c), reportTime(i.Root.Created, "N/A"), "not_supported",
		reportTime(i.Root.PasswordLastUsed, "no_information"), "not_supported", "not_supported", boolStr(i.Root.MFA != "")}
	root = append(root, keyColumns(i.Root.AccessKeys)...)
	w.Write(append(root, certColumns(nil)...))
	pp := i.PasswordPolicy
	for _, u := range sortUsers(i.Users) {
		row := []string{u.Name, userARN(c, u), reportTime(u.Created, "N/A")}
		if lp := u.LoginProfile; lp != nil {
			changed := lp.Changed
			if changed.IsZero() {
				changed = lp.Created
			}
			next := "N/A"
			if pp != nil && pp.MaxPasswordAge > 0 {
				next = reportTime(changed.AddDate(0, 0, pp.MaxPasswordAge), "N/A")
			}
			row = append(row, "true", reportTime(u.PasswordLastUsed, "no_information"), reportTime(changed, "N/A"), next)
		} else {
			row = append(row, "false", reportTime(u.PasswordLastUsed, "N/A"), "N/A", "N/A")
		}
		row = append(row, boolStr(len(u.MFADevices) > 0))
		row = append(row, keyColumns(u.AccessKeys)...)
		w.Write(append(row, certColumns(u.Certificates)...))
	}
	w.Flush()
	return b.Bytes()
}

// ---- aliases and providers ----

func listAccountAliases(c *svc.Ctx) (any, error) {
	page, trunc, marker, err := paginate(c, iamOf(c).Aliases)
	if err != nil {
		return nil, err
	}
	return struct {
		AccountAliases []string `xml:"AccountAliases>member"`
		IsTruncated    bool
		Marker         string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func createAccountAlias(c *svc.Ctx) (any, error) {
	a, err := required(c, "AccountAlias")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if len(i.Aliases) > 0 && i.Aliases[0] == a {
		return nil, nil
	}
	if err := checkAlias(a); err != nil {
		return nil, err
	}
	if len(i.Aliases) > 0 {
		return nil, limitExceeded("Cannot exceed quota for AccountAliasesPerAccount: 1")
	}
	i.Aliases = []string{a}
	return nil, nil
}

func deleteAccountAlias(c *svc.Ctx) (any, error) {
	a, err := required(c, "AccountAlias")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if len(i.Aliases) == 0 || i.Aliases[0] != a {
		return nil, noSuchEntity("The account alias %s does not exist.", a)
	}
	i.Aliases = nil
	return nil, nil
}

type xServerCert struct {
	Path                  string
	ServerCertificateName string
	ServerCertificateId   string
	Arn                   string
	UploadDate            string `xml:",omitempty"`
	Expiration            string `xml:",omitempty"`
}

func listServerCertificates(c *svc.Ctx) (any, error) {
	prefix := c.Form.Get("PathPrefix")
	var all []xServerCert
	for _, s := range iamOf(c).ServerCertificates {
		if !hasPathPrefix(s.Path, prefix) {
			continue
		}
		id := s.ID
		if id == "" {
			id = stableID("ASCA", c.Account.ID, "server-certificate", s.Name)
		}
		all = append(all, xServerCert{orSlash(s.Path), s.Name, id, c.GlobalARN("iam", "server-certificate"+orSlash(s.Path)+s.Name), ts(s.Uploaded), ts(s.Expiration())})
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		ServerCertificateMetadataList []xServerCert `xml:"ServerCertificateMetadataList>member"`
		IsTruncated                   bool
		Marker                        string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func listSAMLProviders(c *svc.Ctx) (any, error) {
	type entry struct {
		Arn        string
		ValidUntil string `xml:",omitempty"`
		CreateDate string `xml:",omitempty"`
	}
	var out []entry
	for _, p := range iamOf(c).SAMLProviders {
		out = append(out, entry{c.GlobalARN("iam", "saml-provider/"+p.Name), ts(p.ValidUntil), ts(p.Created)})
	}
	return struct {
		SAMLProviderList []entry `xml:"SAMLProviderList>member"`
	}{out}, nil
}

func listOpenIDConnectProviders(c *svc.Ctx) (any, error) {
	type entry struct{ Arn string }
	var out []entry
	for _, p := range iamOf(c).OIDCProviders {
		out = append(out, entry{c.GlobalARN("iam", "oidc-provider/"+p.URL)})
	}
	return struct {
		OpenIDConnectProviderList []entry `xml:"OpenIDConnectProviderList>member"`
	}{out}, nil
}

// checkAlias validates an account alias: 3-63 lower-case letters, digits
// and single hyphens, not starting or ending with a hyphen.
func checkAlias(a string) error {
	ok := len(a) >= 3 && len(a) <= 63 && a[0] != '-' && a[len(a)-1] != '-' && !strings.Contains(a, "--")
	for _, ch := range a {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			ok = false
		}
	}
	if !ok {
		return validation("1 validation error detected: Value '%s' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", a)
	}
	return nil
}
