package iam

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

type xBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func boundary(arn string) *xBoundary {
	if arn == "" {
		return nil
	}
	return &xBoundary{"Policy", arn}
}

type xUser struct {
	Path                string `xml:",omitempty"`
	UserName            string `xml:",omitempty"`
	UserId              string
	Arn                 string
	CreateDate          string
	PasswordLastUsed    string     `xml:",omitempty"`
	PermissionsBoundary *xBoundary `xml:",omitempty"`
	Tags                []xTag     `xml:"Tags>member,omitempty"`
}

func userXML(c *svc.Ctx, u *world.User, full bool) xUser {
	x := xUser{Path: orSlash(u.Path), UserName: u.Name, UserId: userID(c, u), Arn: userARN(c, u), CreateDate: cts(c, u.Created), PasswordLastUsed: ts(u.PasswordLastUsed)}
	if full {
		x.PermissionsBoundary = boundary(u.PermissionsBoundary)
		x.Tags = tagList(u.Tags)
	}
	return x
}

func rootXML(c *svc.Ctx) xUser {
	return xUser{UserId: c.Account.ID, Arn: rootARN(c), CreateDate: cts(c, iamOf(c).Root.Created), PasswordLastUsed: ts(iamOf(c).Root.PasswordLastUsed)}
}

func listUsers(c *svc.Ctx) (any, error) {
	prefix := c.Form.Get("PathPrefix")
	var all []xUser
	for _, u := range sortUsers(iamOf(c).Users) {
		if hasPathPrefix(u.Path, prefix) {
			all = append(all, userXML(c, u, false))
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Users       []xUser `xml:"Users>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func getUser(c *svc.Ctx) (any, error) {
	u, root, err := caller(c)
	if err != nil {
		return nil, err
	}
	if root {
		return struct{ User xUser }{rootXML(c)}, nil
	}
	return struct{ User xUser }{userXML(c, u, true)}, nil
}

func createUser(c *svc.Ctx) (any, error) {
	name, err := required(c, "UserName")
	if err != nil {
		return nil, err
	}
	if err := checkName("UserName", name, 64); err != nil {
		return nil, err
	}
	path, err := pathParam(c, "Path")
	if err != nil {
		return nil, err
	}
	tags, err := formTags(c)
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if findUser(i, name) != nil {
		return nil, alreadyExists("User with name %s already exists.", name)
	}
	if len(i.Users) >= 5000 {
		return nil, limitExceeded("Cannot exceed quota for UsersPerAccount: 5000")
	}
	pb := c.Form.Get("PermissionsBoundary")
	if pb != "" && resolvePolicy(c, pb) == nil {
		return nil, policyNotFound(pb)
	}
	u := &world.User{Name: name, Path: path, ID: newID(c, "AIDA", 17), Created: c.Now(), PermissionsBoundary: pb}
	if len(tags) > 0 {
		u.Tags, _ = applyTags(nil, tags)
	}
	i.Users = append(i.Users, u)
	return struct{ User xUser }{userXML(c, u, true)}, nil
}

func deleteUser(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	switch {
	case u.LoginProfile != nil:
		return nil, deleteConflict("Cannot delete entity, must delete login profile first.")
	case len(u.AccessKeys) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete access keys first.")
	case len(u.MFADevices) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete MFA device first.")
	case len(u.Certificates) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete signing certificates first.")
	case len(u.InlinePolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	case len(u.AttachedPolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	for _, g := range i.Groups {
		if groupHas(g, u.Name) {
			return nil, deleteConflict("Cannot delete entity, must remove users from group first.")
		}
	}
	for n, x := range i.Users {
		if x == u {
			i.Users = append(i.Users[:n:n], i.Users[n+1:]...)
			break
		}
	}
	return nil, nil
}

// ---- access keys ----

type xAccessKeyMeta struct {
	UserName    string `xml:",omitempty"`
	AccessKeyId string
	Status      string
	CreateDate  string
}

// keysOf returns the access keys the call is about and the owner's name
// ("" for the root user).
func keysOf(c *svc.Ctx) (keys *[]*world.AccessKey, owner string, err error) {
	u, root, err := caller(c)
	if err != nil {
		return nil, "", err
	}
	if root {
		return &iamOf(c).Root.AccessKeys, "", nil
	}
	return &u.AccessKeys, u.Name, nil
}

func listAccessKeys(c *svc.Ctx) (any, error) {
	keys, owner, err := keysOf(c)
	if err != nil {
		return nil, err
	}
	var all []xAccessKeyMeta
	for _, k := range *keys {
		all = append(all, xAccessKeyMeta{owner, k.ID, keyStatus(k), cts(c, k.Created)})
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		AccessKeyMetadata []xAccessKeyMeta `xml:"AccessKeyMetadata>member"`
		IsTruncated       bool
		Marker            string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func createAccessKey(c *svc.Ctx) (any, error) {
	keys, owner, err := keysOf(c)
	if err != nil {
		return nil, err
	}
	if len(*keys) >= 2 {
		return nil, limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2")
	}
	k := &world.AccessKey{ID: newID(c, "AKIA", 16), Secret: c.World.HexID("", 40), Status: "Active", Created: c.Now()}
	*keys = append(*keys, k)
	return struct {
		AccessKey struct {
			UserName        string `xml:",omitempty"`
			AccessKeyId     string
			Status          string
			SecretAccessKey string
			CreateDate      string
		}
	}{struct {
		UserName        string `xml:",omitempty"`
		AccessKeyId     string
		Status          string
		SecretAccessKey string
		CreateDate      string
	}{owner, k.ID, k.Status, k.Secret, cts(c, k.Created)}}, nil
}

func findKey(keys []*world.AccessKey, id string) (int, *world.AccessKey) {
	for n, k := range keys {
		if k.ID == id {
			return n, k
		}
	}
	return -1, nil
}

func keyNotFound(id string) error {
	return noSuchEntity("The Access Key with id %s cannot be found.", id)
}

func updateAccessKey(c *svc.Ctx) (any, error) {
	id, err := required(c, "AccessKeyId")
	if err != nil {
		return nil, err
	}
	status, err := required(c, "Status")
	if err != nil {
		return nil, err
	}
	if status != "Active" && status != "Inactive" {
		return nil, validation("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	keys, _, err := keysOf(c)
	if err != nil {
		return nil, err
	}
	_, k := findKey(*keys, id)
	if k == nil {
		return nil, keyNotFound(id)
	}
	k.Status = status
	return nil, nil
}

func deleteAccessKey(c *svc.Ctx) (any, error) {
	id, err := required(c, "AccessKeyId")
	if err != nil {
		return nil, err
	}
	keys, _, err := keysOf(c)
	if err != nil {
		return nil, err
	}
	n, k := findKey(*keys, id)
	if k == nil {
		return nil, keyNotFound(id)
	}
	*keys = append((*keys)[:n:n], (*keys)[n+1:]...)
	return nil, nil
}

func getAccessKeyLastUsed(c *svc.Ctx) (any, error) {
	id, err := required(c, "AccessKeyId")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	owner := ""
	_, k := findKey(i.Root.AccessKeys, id)
	if k == nil {
		for _, u := range i.Users {
			if _, k = findKey(u.AccessKeys, id); k != nil {
				owner = u.Name
				break
			}
		}
	}
	if k == nil {
		return nil, wire.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", c.Principal.ARN, id)
	}
	type lastUsed struct {
		LastUsedDate string `xml:",omitempty"`
		ServiceName  string
		Region       string
	}
	lu := lastUsed{ServiceName: "N/A", Region: "N/A"}
	if !k.LastUsed.IsZero() {
		lu = lastUsed{ts(k.LastUsed), k.LastUsedService, k.LastUsedRegion}
		if lu.ServiceName == "" {
			lu.ServiceName = "sts"
		}
		if lu.Region == "" {
			lu.Region = "us-east-1"
		}
	}
	return struct {
		UserName          string `xml:",omitempty"`
		AccessKeyLastUsed lastUsed
	}{owner, lu}, nil
}

// ---- MFA ----

type xMFADevice struct {
	UserName     string `xml:",omitempty"`
	SerialNumber string
	EnableDate   string
}

func listMFADevices(c *svc.Ctx) (any, error) {
	u, root, err := caller(c)
	if err != nil {
		return nil, err
	}
	var all []xMFADevice
	if root {
		r := iamOf(c).Root
		if r.MFA != "" {
			all = append(all, xMFADevice{"", rootMFASerial(c), ts(r.MFAEnabled)})
		}
	} else {
		for _, d := range u.MFADevices {
			all = append(all, xMFADevice{u.Name, mfaSerial(c, u.Name, d), ts(d.Enabled)})
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		MFADevices  []xMFADevice `xml:"MFADevices>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func rootMFASerial(c *svc.Ctx) string {
	r := iamOf(c).Root
	return mfaSerial(c, "", &world.MFADevice{Type: r.MFA, Serial: r.MFASerial})
}

type xVirtualMFA struct {
	SerialNumber     string
	Base32StringSeed string `xml:",omitempty"`
	QRCodePNG        string `xml:",omitempty"`
	User             *xUser `xml:",omitempty"`
	EnableDate       string `xml:",omitempty"`
}

func listVirtualMFADevices(c *svc.Ctx) (any, error) {
	status := c.Form.Get("AssignmentStatus")
	if status == "" {
		status = "Any"
	}
	if status != "Any" && status != "Assigned" && status != "Unassigned" {
		return nil, validation("1 validation error detected: Value '%s' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]", status)
	}
	i := iamOf(c)
	var all []xVirtualMFA
	if status != "Unassigned" {
		if i.Root.MFA == "virtual" {
			r := rootXML(c)
			r.Path = "/"
			all = append(all, xVirtualMFA{SerialNumber: rootMFASerial(c), User: &r, EnableDate: ts(i.Root.MFAEnabled)})
		}
		for _, u := range sortUsers(i.Users) {
			for _, d := range u.MFADevices {
				if mfaType(d) == "virtual" {
					x := userXML(c, u, false)
					all = append(all, xVirtualMFA{SerialNumber: mfaSerial(c, u.Name, d), User: &x, EnableDate: ts(d.Enabled)})
				}
			}
		}
	}
	if status != "Assigned" {
		for _, d := range i.VirtualMFADevices {
			all = append(all, xVirtualMFA{SerialNumber: d.Serial})
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		VirtualMFADevices []xVirtualMFA `xml:"VirtualMFADevices>member"`
		IsTruncated       bool
		Marker            string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

// serialTaken reports whether an MFA serial is in use or created in the account.
func serialTaken(c *svc.Ctx, serial string) bool {
	i := iamOf(c)
	if i.Root.MFA != "" && rootMFASerial(c) == serial {
		return true
	}
	for _, d := range i.VirtualMFADevices {
		if d.Serial == serial {
			return true
		}
	}
	for _, u := range i.Users {
		for _, d := range u.MFADevices {
			if mfaSerial(c, u.Name, d) == serial {
				return true
			}
		}
	}
	return false
}

func createVirtualMFADevice(c *svc.Ctx) (any, error) {
	name, err := required(c, "VirtualMFADeviceName")
	if err != nil {
		return nil, err
	}
	if err := checkName("VirtualMFADeviceName", name, 226); err != nil {
		return nil, err
	}
	path, err := pathParam(c, "Path")
	if err != nil {
		return nil, err
	}
	serial := c.GlobalARN("iam", "mfa"+path+name)
	if serialTaken(c, serial) {
		return nil, alreadyExists("MFADevice entity at the same path and name already exists.")
	}
	d := &world.MFADevice{Type: "virtual", Serial: serial, Created: c.Now()}
	i := iamOf(c)
	i.VirtualMFADevices = append(i.VirtualMFADevices, d)
	seed := base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(c.World.HexID("", 32))))
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nsimulated-qr-code"))
	return struct{ VirtualMFADevice xVirtualMFA }{xVirtualMFA{SerialNumber: serial, Base32StringSeed: seed, QRCodePNG: png}}, nil
}

func authCode(c *svc.Ctx, name string) error {
	v, err := required(c, name)
	if err != nil {
		return err
	}
	if len(v) != 6 || strings.Trim(v, "0123456789") != "" {
		return wire.Errorf(403, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	}
	return nil
}

func enableMFADevice(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	serial, err := required(c, "SerialNumber")
	if err != nil {
		return nil, err
	}
	if err := authCode(c, "AuthenticationCode1"); err != nil {
		return nil, err
	}
	if err := authCode(c, "AuthenticationCode2"); err != nil {
		return nil, err
	}
	if len(u.MFADevices) >= 8 {
		return nil, limitExceeded("Cannot exceed quota for MFADevicesPerUser: 8")
	}
	i := iamOf(c)
	for n, d := range i.VirtualMFADevices {
		if d.Serial == serial {
			i.VirtualMFADevices = append(i.VirtualMFADevices[:n:n], i.VirtualMFADevices[n+1:]...)
			u.MFADevices = append(u.MFADevices, &world.MFADevice{Type: "virtual", Serial: serial, Enabled: c.Now()})
			return nil, nil
		}
	}
	if serialTaken(c, serial) {
		return nil, alreadyExists("MFA Device is already in use.")
	}
	if strings.HasPrefix(serial, "arn:") {
		return nil, noSuchEntity("MFA Device with serial number %s does not exist.", serial)
	}
	u.MFADevices = append(u.MFADevices, &world.MFADevice{Type: "hardware", Serial: serial, Enabled: c.Now()})
	return nil, nil
}

func deactivateMFADevice(c *svc.Ctx) (any, error) {
	serial, err := required(c, "SerialNumber")
	if err != nil {
		return nil, err
	}
	u, root, err := caller(c)
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if root {
		if i.Root.MFA == "" || rootMFASerial(c) != serial {
			return nil, noSuchEntity("MFA Device with serial number %s does not exist.", serial)
		}
		if i.Root.MFA == "virtual" {
			i.VirtualMFADevices = append(i.VirtualMFADevices, &world.MFADevice{Type: "virtual", Serial: serial, Created: i.Root.MFAEnabled})
		}
		i.Root.MFA, i.Root.MFASerial, i.Root.MFAEnabled = "", "", time.Time{}
		return nil, nil
	}
	for n, d := range u.MFADevices {
		if mfaSerial(c, u.Name, d) == serial {
			u.MFADevices = append(u.MFADevices[:n:n], u.MFADevices[n+1:]...)
			if mfaType(d) == "virtual" {
				i.VirtualMFADevices = append(i.VirtualMFADevices, &world.MFADevice{Type: "virtual", Serial: serial, Created: d.Enabled})
			}
			return nil, nil
		}
	}
	return nil, noSuchEntity("MFA Device with serial number %s does not exist.", serial)
}

func deleteVirtualMFADevice(c *svc.Ctx) (any, error) {
	serial, err := required(c, "SerialNumber")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	for n, d := range i.VirtualMFADevices {
		if d.Serial == serial {
			i.VirtualMFADevices = append(i.VirtualMFADevices[:n:n], i.VirtualMFADevices[n+1:]...)
			return nil, nil
		}
	}
	if serialTaken(c, serial) {
		return nil, deleteConflict("MFA Device is still in use.")
	}
	return nil, noSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
}

// ---- login profiles ----

type xLoginProfile struct {
	UserName              string
	CreateDate            string
	PasswordResetRequired bool
}

func getLoginProfile(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noSuchEntity("Login Profile for User %s cannot be found.", u.Name)
	}
	return struct{ LoginProfile xLoginProfile }{xLoginProfile{u.Name, cts(c, u.LoginProfile.Created), u.LoginProfile.ResetRequired}}, nil
}

func checkPassword(c *svc.Ctx, pw string) error {
	pp := iamOf(c).PasswordPolicy
	min := 8
	if pp != nil {
		min = pp.MinimumPasswordLength
	}
	bad := len(pw) < min
	if pp != nil {
		has := func(f func(r rune) bool) bool { return strings.IndexFunc(pw, f) >= 0 }
		bad = bad || pp.RequireNumbers && !has(func(r rune) bool { return r >= '0' && r <= '9' }) ||
			pp.RequireUppercaseCharacters && !has(func(r rune) bool { return r >= 'A' && r <= 'Z' }) ||
			pp.RequireLowercaseCharacters && !has(func(r rune) bool { return r >= 'a' && r <= 'z' }) ||
			pp.RequireSymbols && !has(func(r rune) bool { return strings.ContainsRune("!@#$%^&*()_+-=[]{}|'", r) })
	}
	if bad {
		return wire.Errorf(400, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
	}
	return nil
}

func createLoginProfile(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	pw, err := required(c, "Password")
	if err != nil {
		return nil, err
	}
	if u.LoginProfile != nil {
		return nil, alreadyExists("Login Profile for user %s already exists.", u.Name)
	}
	if err := checkPassword(c, pw); err != nil {
		return nil, err
	}
	now := c.Now()
	u.LoginProfile = &world.LoginProfile{Created: now, Changed: now, ResetRequired: boolParam(c, "PasswordResetRequired")}
	return struct{ LoginProfile xLoginProfile }{xLoginProfile{u.Name, ts(now), u.LoginProfile.ResetRequired}}, nil
}

func updateLoginProfile(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noSuchEntity("Login Profile for User %s cannot be found.", u.Name)
	}
	if pw := c.Form.Get("Password"); pw != "" {
		if err := checkPassword(c, pw); err != nil {
			return nil, err
		}
		u.LoginProfile.Changed = c.Now()
	}
	if v := c.Form.Get("PasswordResetRequired"); v != "" {
		u.LoginProfile.ResetRequired = v == "true"
	}
	return nil, nil
}

func deleteLoginProfile(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noSuchEntity("Login Profile for User %s cannot be found.", u.Name)
	}
	u.LoginProfile = nil
	return nil, nil
}

// ---- groups ----

func getGroup(c *svc.Ctx) (any, error) {
	name, err := required(c, "GroupName")
	if err != nil {
		return nil, err
	}
	g := findGroup(iamOf(c), name)
	if g == nil {
		return nil, noSuchEntity("The group with name %s cannot be found.", name)
	}
	var members []xUser
	for _, u := range sortUsers(iamOf(c).Users) {
		if groupHas(g, u.Name) {
			members = append(members, userXML(c, u, false))
		}
	}
	page, trunc, marker, err := paginate(c, members)
	if err != nil {
		return nil, err
	}
	return struct {
		Group       xGroup
		Users       []xUser `xml:"Users>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{groupXML(c, g), page, trunc, marker}, nil
}

func createGroup(c *svc.Ctx) (any, error) {
	name, err := required(c, "GroupName")
	if err != nil {
		return nil, err
	}
	if err := checkName("GroupName", name, 128); err != nil {
		return nil, err
	}
	path, err := pathParam(c, "Path")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if findGroup(i, name) != nil {
		return nil, alreadyExists("Group with name %s already exists.", name)
	}
	if len(i.Groups) >= 300 {
		return nil, limitExceeded("Cannot exceed quota for GroupsPerAccount: 300")
	}
	g := &world.Group{Name: name, Path: path, ID: newID(c, "AGPA", 17), Created: c.Now()}
	i.Groups = append(i.Groups, g)
	return struct{ Group xGroup }{groupXML(c, g)}, nil
}

func deleteGroup(c *svc.Ctx) (any, error) {
	name, err := required(c, "GroupName")
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	g := findGroup(i, name)
	if g == nil {
		return nil, noSuchEntity("The group with name %s cannot be found.", name)
	}
	switch {
	case len(g.Users) > 0:
		return nil, deleteConflict("Cannot delete entity, must remove users from group first.")
	case len(g.InlinePolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	case len(g.AttachedPolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	for n, x := range i.Groups {
		if x == g {
			i.Groups = append(i.Groups[:n:n], i.Groups[n+1:]...)
			break
		}
	}
	return nil, nil
}

func membership(c *svc.Ctx) (*world.Group, *world.User, error) {
	name, err := required(c, "GroupName")
	if err != nil {
		return nil, nil, err
	}
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, nil, err
	}
	g := findGroup(iamOf(c), name)
	if g == nil {
		return nil, nil, noSuchEntity("The group with name %s cannot be found.", name)
	}
	return g, u, nil
}

func addUserToGroup(c *svc.Ctx) (any, error) {
	g, u, err := membership(c)
	if err != nil {
		return nil, err
	}
	if !groupHas(g, u.Name) {
		g.Users = append(g.Users, u.Name)
	}
	return nil, nil
}

func removeUserFromGroup(c *svc.Ctx) (any, error) {
	g, u, err := membership(c)
	if err != nil {
		return nil, err
	}
	for n, m := range g.Users {
		if strings.EqualFold(m, u.Name) {
			g.Users = append(g.Users[:n:n], g.Users[n+1:]...)
			return nil, nil
		}
	}
	return nil, noSuchEntity("The user with name %s cannot be found in group %s.", u.Name, g.Name)
}
