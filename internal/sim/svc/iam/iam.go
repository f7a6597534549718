// Package iam simulates AWS IAM (awsQuery): the account's root user and
// password policy, users with their console passwords, access keys and MFA
// devices, groups, roles, customer managed policies beside a catalogue of
// AWS managed ones, and the credential report built from all of it.
package iam

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS IAM (awsQuery) simulator.
func Service() *svc.Service {
	s := &svc.Service{
		Name:      "iam",
		Protocol:  wire.Query,
		Namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		Global:    true,
		Ops: map[string]svc.Handler{
			// Account.
			"GetAccountSummary":              getAccountSummary,
			"GetAccountPasswordPolicy":       getAccountPasswordPolicy,
			"UpdateAccountPasswordPolicy":    updateAccountPasswordPolicy,
			"DeleteAccountPasswordPolicy":    deleteAccountPasswordPolicy,
			"GenerateCredentialReport":       generateCredentialReport,
			"GetCredentialReport":            getCredentialReport,
			"ListAccountAliases":             listAccountAliases,
			"CreateAccountAlias":             createAccountAlias,
			"DeleteAccountAlias":             deleteAccountAlias,
			"ListServerCertificates":         listServerCertificates,
			"ListSAMLProviders":              listSAMLProviders,
			"ListOpenIDConnectProviders":     listOpenIDConnectProviders,
			"GetAccountAuthorizationDetails": getAccountAuthorizationDetails,
			// Users.
			"ListUsers":                listUsers,
			"GetUser":                  getUser,
			"CreateUser":               createUser,
			"DeleteUser":               deleteUser,
			"ListAccessKeys":           listAccessKeys,
			"CreateAccessKey":          createAccessKey,
			"UpdateAccessKey":          updateAccessKey,
			"DeleteAccessKey":          deleteAccessKey,
			"GetAccessKeyLastUsed":     getAccessKeyLastUsed,
			"ListMFADevices":           listMFADevices,
			"ListVirtualMFADevices":    listVirtualMFADevices,
			"CreateVirtualMFADevice":   createVirtualMFADevice,
			"EnableMFADevice":          enableMFADevice,
			"DeactivateMFADevice":      deactivateMFADevice,
			"DeleteVirtualMFADevice":   deleteVirtualMFADevice,
			"GetLoginProfile":          getLoginProfile,
			"CreateLoginProfile":       createLoginProfile,
			"UpdateLoginProfile":       updateLoginProfile,
			"DeleteLoginProfile":       deleteLoginProfile,
			"ListUserPolicies":         listInlinePolicies(kindUser),
			"PutUserPolicy":            putInlinePolicy(kindUser),
			"GetUserPolicy":            getInlinePolicy(kindUser),
			"DeleteUserPolicy":         deleteInlinePolicy(kindUser),
			"ListAttachedUserPolicies": listAttached(kindUser),
			"AttachUserPolicy":         attach(kindUser),
			"DetachUserPolicy":         detach(kindUser),
			"ListGroupsForUser":        listGroupsForUser,
			"ListUserTags":             listTags(kindUser),
			"TagUser":                  tag(kindUser),
			"UntagUser":                untag(kindUser),
			// Groups.
			"ListGroups":                listGroups,
			"GetGroup":                  getGroup,
			"CreateGroup":               createGroup,
			"DeleteGroup":               deleteGroup,
			"AddUserToGroup":            addUserToGroup,
			"RemoveUserFromGroup":       removeUserFromGroup,
			"ListGroupPolicies":         listInlinePolicies(kindGroup),
			"PutGroupPolicy":            putInlinePolicy(kindGroup),
			"GetGroupPolicy":            getInlinePolicy(kindGroup),
			"DeleteGroupPolicy":         deleteInlinePolicy(kindGroup),
			"ListAttachedGroupPolicies": listAttached(kindGroup),
			"AttachGroupPolicy":         attach(kindGroup),
			"DetachGroupPolicy":         detach(kindGroup),
			// Managed policies.
			"ListPolicies":            listPolicies,
			"GetPolicy":               getPolicy,
			"CreatePolicy":            createPolicy,
			"DeletePolicy":            deletePolicy,
			"GetPolicyVersion":        getPolicyVersion,
			"ListPolicyVersions":      listPolicyVersions,
			"CreatePolicyVersion":     createPolicyVersion,
			"DeletePolicyVersion":     deletePolicyVersion,
			"SetDefaultPolicyVersion": setDefaultPolicyVersion,
			"ListEntitiesForPolicy":   listEntitiesForPolicy,
			// Roles.
			"ListRoles":                listRoles,
			"GetRole":                  getRole,
			"CreateRole":               createRole,
			"DeleteRole":               deleteRole,
			"UpdateRole":               updateRole,
			"UpdateAssumeRolePolicy":   updateAssumeRolePolicy,
			"ListRolePolicies":         listInlinePolicies(kindRole),
			"PutRolePolicy":            putInlinePolicy(kindRole),
			"GetRolePolicy":            getInlinePolicy(kindRole),
			"DeleteRolePolicy":         deleteInlinePolicy(kindRole),
			"ListAttachedRolePolicies": listAttached(kindRole),
			"AttachRolePolicy":         attach(kindRole),
			"DetachRolePolicy":         detach(kindRole),
			"ListRoleTags":             listTags(kindRole),
			"TagRole":                  tag(kindRole),
			"UntagRole":                untag(kindRole),
		},
	}
	for op, h := range s.Ops {
		s.Ops[op] = normalized(h)
	}
	return s
}

// normalized runs h after giving seeded access keys without an ID a stable
// one (the demo seeds one profile into many accounts, so its data carries
// no IDs); the key keeps it from then on.
func normalized(h svc.Handler) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		i := iamOf(c)
		fill := func(owner string, keys []*world.AccessKey) {
			for n, k := range keys {
				if k.ID == "" {
					k.ID = stableID("AKIA", c.Account.ID, "access-key/"+owner, strconv.Itoa(n))[:20]
				}
			}
		}
		fill("", i.Root.AccessKeys)
		for _, u := range i.Users {
			fill(u.Name, u.AccessKeys)
		}
		return h(c)
	}
}

// ---- errors ----

func noSuchEntity(format string, args ...any) error {
	return wire.Errorf(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func alreadyExists(format string, args ...any) error {
	return wire.Errorf(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func deleteConflict(format string, args ...any) error {
	return wire.Errorf(http.StatusConflict, "DeleteConflict", format, args...)
}

func limitExceeded(format string, args ...any) error {
	return wire.Errorf(http.StatusConflict, "LimitExceeded", format, args...)
}

func invalidInput(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidInput", format, args...)
}

func validation(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

func malformed(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

// lowerFirst turns a parameter name into the member name AWS quotes in
// validation messages (UserName -> userName).
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// required returns a required string parameter.
func required(c *svc.Ctx, name string) (string, error) {
	v := c.Form.Get(name)
	if v == "" {
		return "", validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return v, nil
}

var nameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// checkName validates an entity name against IAM's pattern and length.
func checkName(param, v string, max int) error {
	if len(v) > max {
		return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, lowerFirst(param), max)
	}
	if !nameRE.MatchString(v) {
		return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", v, lowerFirst(param))
	}
	return nil
}

// pathParam returns the Path parameter ("/" when absent), validated.
func pathParam(c *svc.Ctx, name string) (string, error) {
	p := c.Form.Get(name)
	if p == "" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) > 512 {
		return "", validation("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return p, nil
}

// checkDocument validates a JSON policy document.
func checkDocument(doc string) error {
	var v map[string]any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return malformed("Syntax errors in policy.")
	}
	if _, ok := v["Statement"]; !ok {
		return malformed("Policy document should not specify a principal.")
	}
	return nil
}

// ---- formatting ----

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// urlEncode percent-encodes a policy document as IAM returns it: every
// byte except the RFC 3986 unreserved characters.
func urlEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteString(strings.ToUpper(hex.EncodeToString([]byte{ch})))
	}
	return b.String()
}

// stableID derives an ID for an entity seeded without one.
func stableID(prefix, account, kind, name string) string {
	h := sha1.Sum([]byte(account + "/" + kind + "/" + name))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 17; i++ {
		b.WriteByte(alphabet[h[i]%32])
	}
	return b.String()
}

// newID generates an ID (AIDA..., AROA..., ANPA..., AGPA..., AKIA...).
func newID(c *svc.Ctx, prefix string, n int) string {
	return prefix + strings.ToUpper(c.World.HexID("", n))
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// ---- pagination ----

type xTag struct {
	Key   string
	Value string
}

// paginate applies Marker / MaxItems (default 100, 1..1000).
func paginate[T any](c *svc.Ctx, items []T) (page []T, truncated bool, marker string, err error) {
	max := 100
	if s := c.Form.Get("MaxItems"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 1000 {
			return nil, false, "", validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", s)
		}
		max = n
	}
	page, marker, err = svc.Page(items, c.Form.Get("Marker"), max, 100, "InvalidInput")
	if err != nil {
		return nil, false, "", invalidInput("Invalid Marker: %s", c.Form.Get("Marker"))
	}
	return page, marker != "", marker, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func tagList(m map[string]string) []xTag {
	var out []xTag
	for _, k := range sortedKeys(m) {
		out = append(out, xTag{Key: k, Value: m[k]})
	}
	return out
}

// formTags reads Tags.member.N.Key / .Value.
func formTags(c *svc.Ctx) ([]xTag, error) {
	var out []xTag
	for i := 1; ; i++ {
		p := "Tags.member." + strconv.Itoa(i) + "."
		k, ok := c.Form[p+"Key"]
		if !ok {
			break
		}
		if k[0] == "" || len(k[0]) > 128 || len(c.Form.Get(p+"Value")) > 256 {
			return nil, invalidInput("Invalid tag key or value.")
		}
		out = append(out, xTag{Key: k[0], Value: c.Form.Get(p + "Value")})
	}
	if len(out) > 50 {
		return nil, limitExceeded("The number of tags has reached the maximum limit.")
	}
	return out, nil
}

func applyTags(m map[string]string, tags []xTag) (map[string]string, error) {
	if m == nil {
		m = map[string]string{}
	}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	if len(m) > 50 {
		return nil, limitExceeded("The number of tags has reached the maximum limit.")
	}
	return m, nil
}

// ---- lookups ----

func iamOf(c *svc.Ctx) *world.IAM { return &c.Account.IAM }

func findUser(i *world.IAM, name string) *world.User {
	for _, u := range i.Users {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}

func findGroup(i *world.IAM, name string) *world.Group {
	for _, g := range i.Groups {
		if strings.EqualFold(g.Name, name) {
			return g
		}
	}
	return nil
}

func findRole(i *world.IAM, name string) *world.Role {
	for _, r := range i.Roles {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func userNotFound(name string) error {
	return noSuchEntity("The user with name %s cannot be found.", name)
}

func mustUser(c *svc.Ctx, param string) (*world.User, error) {
	name, err := required(c, param)
	if err != nil {
		return nil, err
	}
	u := findUser(iamOf(c), name)
	if u == nil {
		return nil, userNotFound(name)
	}
	return u, nil
}

func userARN(c *svc.Ctx, u *world.User) string {
	return c.GlobalARN("iam", "user"+orSlash(u.Path)+u.Name)
}

func userID(c *svc.Ctx, u *world.User) string {
	if u.ID != "" {
		return u.ID
	}
	return stableID("AIDA", c.Account.ID, "user", u.Name)
}

func groupARN(c *svc.Ctx, g *world.Group) string {
	return c.GlobalARN("iam", "group"+orSlash(g.Path)+g.Name)
}

func groupID(c *svc.Ctx, g *world.Group) string {
	if g.ID != "" {
		return g.ID
	}
	return stableID("AGPA", c.Account.ID, "group", g.Name)
}

func roleARN(c *svc.Ctx, r *world.Role) string {
	return c.GlobalARN("iam", "role"+orSlash(r.Path)+r.Name)
}

func roleID(c *svc.Ctx, r *world.Role) string {
	if r.ID != "" {
		return r.ID
	}
	return stableID("AROA", c.Account.ID, "role", r.Name)
}

func rootARN(c *svc.Ctx) string { return "arn:aws:iam::" + c.Account.ID + ":root" }

// caller tells who an operation with an optional UserName applies to:
// the named user, or the caller itself (root, or an IAM user).
func caller(c *svc.Ctx) (u *world.User, root bool, err error) {
	if name := c.Form.Get("UserName"); name != "" {
		u = findUser(iamOf(c), name)
		if u == nil {
			return nil, false, userNotFound(name)
		}
		return u, false, nil
	}
	arn := c.Principal.ARN
	if strings.HasSuffix(arn, ":root") {
		return nil, true, nil
	}
	if i := strings.Index(arn, ":user/"); i >= 0 {
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		if u = findUser(iamOf(c), name); u != nil {
			return u, false, nil
		}
		return nil, false, userNotFound(name)
	}
	return nil, false, validation("Must specify userName when calling with non-User credentials")
}

func sortUsers(us []*world.User) []*world.User {
	out := append([]*world.User(nil), us...)
	sort.SliceStable(out, func(a, b int) bool { return strings.ToLower(out[a].Name) < strings.ToLower(out[b].Name) })
	return out
}

func hasPathPrefix(path, prefix string) bool {
	return prefix == "" || strings.HasPrefix(orSlash(path), prefix)
}

func keyStatus(k *world.AccessKey) string {
	if k.Status == "" {
		return "Active"
	}
	return k.Status
}

func mfaType(d *world.MFADevice) string {
	if d.Type == "" {
		return "virtual"
	}
	return d.Type
}

// mfaSerial returns a device's serial: a virtual device's ARN
// (arn:aws:iam::ID:mfa/name) or a hardware token's serial.
func mfaSerial(c *svc.Ctx, owner string, d *world.MFADevice) string {
	if d.Serial != "" {
		return d.Serial
	}
	if mfaType(d) == "hardware" {
		h := sha1.Sum([]byte(c.Account.ID + "/" + owner))
		return "GAHT" + strings.ToUpper(hex.EncodeToString(h[:4]))
	}
	if owner == "" {
		return c.GlobalARN("iam", "mfa/root-account-mfa-device")
	}
	return c.GlobalARN("iam", "mfa/"+owner)
}

// cts formats a required creation date. Entities seeded without one (as
// tests and the demo loader may) fall back to the account's creation, or
// a fixed date, since AWS always returns one.
func cts(c *svc.Ctx, t time.Time) string {
	if t.IsZero() {
		t = c.Account.IAM.Root.Created
	}
	if t.IsZero() {
		t = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return ts(t)
}
