package iam

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

type xRoleLastUsed struct {
	LastUsedDate string `xml:",omitempty"`
	Region       string `xml:",omitempty"`
}

type xRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string `xml:",omitempty"`
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	PermissionsBoundary      *xBoundary     `xml:",omitempty"`
	Tags                     []xTag         `xml:"Tags>member,omitempty"`
	RoleLastUsed             *xRoleLastUsed `xml:",omitempty"`
}

func maxSession(r *world.Role) int {
	if r.MaxSessionDuration == 0 {
		return 3600
	}
	return r.MaxSessionDuration
}

func roleXML(c *svc.Ctx, r *world.Role, full bool) xRole {
	x := xRole{Path: orSlash(r.Path), RoleName: r.Name, RoleId: roleID(c, r), Arn: roleARN(c, r), CreateDate: cts(c, r.Created),
		AssumeRolePolicyDocument: urlEncode(r.AssumeRolePolicy), Description: r.Description, MaxSessionDuration: maxSession(r)}
	if full {
		x.PermissionsBoundary = boundary(r.PermissionsBoundary)
		x.Tags = tagList(r.Tags)
		x.RoleLastUsed = &xRoleLastUsed{ts(r.LastUsed), ""}
		if !r.LastUsed.IsZero() {
			x.RoleLastUsed.Region = r.LastUsedRegion
			if x.RoleLastUsed.Region == "" {
				x.RoleLastUsed.Region = "us-east-1"
			}
		}
	}
	return x
}

func sortedRoles(c *svc.Ctx) []*world.Role {
	out := append([]*world.Role(nil), iamOf(c).Roles...)
	sort.SliceStable(out, func(a, b int) bool { return strings.ToLower(out[a].Name) < strings.ToLower(out[b].Name) })
	return out
}

func mustRole(c *svc.Ctx) (*world.Role, error) {
	name, err := required(c, "RoleName")
	if err != nil {
		return nil, err
	}
	r := findRole(iamOf(c), name)
	if r == nil {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

func listRoles(c *svc.Ctx) (any, error) {
	prefix := c.Form.Get("PathPrefix")
	var all []xRole
	for _, r := range sortedRoles(c) {
		if hasPathPrefix(r.Path, prefix) {
			all = append(all, roleXML(c, r, false))
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Roles       []xRole `xml:"Roles>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func getRole(c *svc.Ctx) (any, error) {
	r, err := mustRole(c)
	if err != nil {
		return nil, err
	}
	return struct{ Role xRole }{roleXML(c, r, true)}, nil
}

func sessionParam(c *svc.Ctx) (int, error) {
	return intRange(c, "MaxSessionDuration", 0, 3600, 43200)
}

func createRole(c *svc.Ctx) (any, error) {
	name, err := required(c, "RoleName")
	if err != nil {
		return nil, err
	}
	if err := checkName("RoleName", name, 64); err != nil {
		return nil, err
	}
	doc, err := required(c, "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	path, err := pathParam(c, "Path")
	if err != nil {
		return nil, err
	}
	dur, err := sessionParam(c)
	if err != nil {
		return nil, err
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	tags, err := formTags(c)
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	if findRole(i, name) != nil {
		return nil, alreadyExists("Role with name %s already exists.", name)
	}
	if len(i.Roles) >= 1000 {
		return nil, limitExceeded("Cannot exceed quota for RolesPerAccount: 1000")
	}
	pb := c.Form.Get("PermissionsBoundary")
	if pb != "" && resolvePolicy(c, pb) == nil {
		return nil, policyNotFound(pb)
	}
	r := &world.Role{Name: name, Path: path, ID: newID(c, "AROA", 17), AssumeRolePolicy: doc, Created: c.Now(),
		Description: c.Form.Get("Description"), MaxSessionDuration: dur, PermissionsBoundary: pb}
	if len(tags) > 0 {
		r.Tags, _ = applyTags(nil, tags)
	}
	i.Roles = append(i.Roles, r)
	x := roleXML(c, r, true)
	x.RoleLastUsed = nil
	return struct{ Role xRole }{x}, nil
}

func deleteRole(c *svc.Ctx) (any, error) {
	r, err := mustRole(c)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(r.Path, "/aws-service-role/") {
		return nil, protectedErr(r.Name)
	}
	switch {
	case len(r.InlinePolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	case len(r.AttachedPolicies) > 0:
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	i := iamOf(c)
	for n, x := range i.Roles {
		if x == r {
			i.Roles = append(i.Roles[:n:n], i.Roles[n+1:]...)
			break
		}
	}
	return nil, nil
}

func updateRole(c *svc.Ctx) (any, error) {
	r, err := mustRole(c)
	if err != nil {
		return nil, err
	}
	dur, err := sessionParam(c)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(r.Path, "/aws-service-role/") {
		return nil, protectedErr(r.Name)
	}
	if dur != 0 {
		r.MaxSessionDuration = dur
	}
	if _, ok := c.Form["Description"]; ok {
		r.Description = c.Form.Get("Description")
	}
	return nil, nil
}

func updateAssumeRolePolicy(c *svc.Ctx) (any, error) {
	r, err := mustRole(c)
	if err != nil {
		return nil, err
	}
	doc, err := required(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	if strings.HasPrefix(r.Path, "/aws-service-role/") {
		return nil, protectedErr(r.Name)
	}
	r.AssumeRolePolicy = doc
	return nil, nil
}

// ---- GetAccountAuthorizationDetails ----

type xInline struct {
	PolicyName     string
	PolicyDocument string
}

func inlineList(m map[string]string) []xInline {
	var out []xInline
	for _, k := range sortedKeys(m) {
		out = append(out, xInline{k, urlEncode(m[k])})
	}
	return out
}

func attachedList(c *svc.Ctx, arns []string) []xAttached {
	var out []xAttached
	for _, a := range arns {
		if p := resolvePolicy(c, a); p != nil {
			out = append(out, xAttached{p.name, a})
		}
	}
	return out
}

type xUserDetail struct {
	Path                    string
	UserName                string
	UserId                  string
	Arn                     string
	CreateDate              string
	UserPolicyList          []xInline   `xml:"UserPolicyList>member"`
	GroupList               []string    `xml:"GroupList>member"`
	AttachedManagedPolicies []xAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xBoundary  `xml:",omitempty"`
	Tags                    []xTag      `xml:"Tags>member,omitempty"`
}

type xGroupDetail struct {
	Path                    string
	GroupName               string
	GroupId                 string
	Arn                     string
	CreateDate              string
	GroupPolicyList         []xInline   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xAttached `xml:"AttachedManagedPolicies>member"`
}

type xRoleDetail struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	RolePolicyList           []xInline   `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []xAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *xBoundary  `xml:",omitempty"`
	Tags                     []xTag      `xml:"Tags>member,omitempty"`
	RoleLastUsed             *xRoleLastUsed
}

type xPolicyDetail struct {
	xPolicy
	PolicyVersionList []xPolicyVersion `xml:"PolicyVersionList>member"`
}

func getAccountAuthorizationDetails(c *svc.Ctx) (any, error) {
	filters := map[string]bool{}
	for _, f := range c.List("Filter") {
		switch f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
			filters[f] = true
		default:
			return nil, validation("1 validation error detected: Value '[%s]' at 'filter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]", f)
		}
	}
	want := func(f string) bool { return len(filters) == 0 || filters[f] }
	i := iamOf(c)
	var items []any
	if want("User") {
		for _, u := range sortUsers(i.Users) {
			d := xUserDetail{Path: orSlash(u.Path), UserName: u.Name, UserId: userID(c, u), Arn: userARN(c, u), CreateDate: cts(c, u.Created),
				UserPolicyList: inlineList(u.InlinePolicies), AttachedManagedPolicies: attachedList(c, u.AttachedPolicies),
				PermissionsBoundary: boundary(u.PermissionsBoundary), Tags: tagList(u.Tags)}
			for _, g := range sortedGroups(c) {
				if groupHas(g, u.Name) {
					d.GroupList = append(d.GroupList, g.Name)
				}
			}
			items = append(items, d)
		}
	}
	if want("Group") {
		for _, g := range sortedGroups(c) {
			items = append(items, xGroupDetail{orSlash(g.Path), g.Name, groupID(c, g), groupARN(c, g), cts(c, g.Created),
				inlineList(g.InlinePolicies), attachedList(c, g.AttachedPolicies)})
		}
	}
	if want("Role") {
		for _, r := range sortedRoles(c) {
			x := roleXML(c, r, true)
			items = append(items, xRoleDetail{x.Path, x.RoleName, x.RoleId, x.Arn, x.CreateDate, x.AssumeRolePolicyDocument,
				inlineList(r.InlinePolicies), attachedList(c, r.AttachedPolicies), x.PermissionsBoundary, x.Tags, x.RoleLastUsed})
		}
	}
	var views []*policyView
	if want("LocalManagedPolicy") {
		for _, p := range i.Policies {
			views = append(views, localView(c, p))
		}
	}
	if want("AWSManagedPolicy") {
		for _, p := range awsPolicies {
			if v := awsView(p); attachments(c, v.arn) > 0 {
				views = append(views, v)
			}
		}
	}
	for _, v := range views {
		d := xPolicyDetail{xPolicy: policyXML(c, v, true)}
		d.Tags = nil
		for _, pv := range v.versions {
			d.PolicyVersionList = append(d.PolicyVersionList, xPolicyVersion{urlEncode(pv.Document), pv.ID, pv.ID == v.defaultVersion, cts(c, pv.Created)})
		}
		items = append(items, d)
	}
	page, trunc, marker, err := paginate(c, items)
	if err != nil {
		return nil, err
	}
	var out struct {
		UserDetailList  []xUserDetail   `xml:"UserDetailList>member"`
		GroupDetailList []xGroupDetail  `xml:"GroupDetailList>member"`
		RoleDetailList  []xRoleDetail   `xml:"RoleDetailList>member"`
		Policies        []xPolicyDetail `xml:"Policies>member"`
		IsTruncated     bool
		Marker          string `xml:",omitempty"`
	}
	for _, it := range page {
		switch d := it.(type) {
		case xUserDetail:
			out.UserDetailList = append(out.UserDetailList, d)
		case xGroupDetail:
			out.GroupDetailList = append(out.GroupDetailList, d)
		case xRoleDetail:
			out.RoleDetailList = append(out.RoleDetailList, d)
		case xPolicyDetail:
			out.Policies = append(out.Policies, d)
		}
	}
	out.IsTruncated, out.Marker = trunc, marker
	return out, nil
}
