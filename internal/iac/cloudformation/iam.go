package cloudformation

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// iamControls are the controls that read policies (inline and managed)
// of users, groups and roles.
var iamControls = []string{"IAM.1", "IAM.2", "IAM.21", "KMS.1", "KMS.2", "GR.IAM.1", "GR.IAM.2", "GR.IAM.3", "GR.IAM.4"}

// inlinePolicies reads a Policies property ([{PolicyName, PolicyDocument}]).
func (r *resource) inlinePolicies() []*iam.InlinePolicy {
	x := get(r.Properties, "Policies")
	if x == nil {
		return nil
	}
	if x.Kind == Unknown {
		r.unknown("Policies", x.Reason, iamControls...)
		return nil
	}
	var out []*iam.InlinePolicy
	for i, p := range x.List {
		name, _ := p.Get("PolicyName").Scalar()
		out = append(out, r.inlinePolicy(name, p.Get("PolicyDocument"), fmt.Sprintf("Policies[%d].PolicyDocument", i)))
	}
	return out
}

func (r *resource) inlinePolicy(name string, doc *Value, path string) *iam.InlinePolicy {
	ip := &iam.InlinePolicy{Name: name}
	text, why := r.policyJSON(doc, path)
	switch {
	case why != "":
		ip.Error = why
	case text == "":
		ip.Error = "no PolicyDocument"
	default:
		d, err := iam.ParseDocument(text)
		if err != nil {
			ip.Error = err.Error()
		} else {
			ip.Document = d
		}
	}
	return ip
}

// attached reads ManagedPolicyArns.
func (r *resource) attached() []iam.AttachedPolicy {
	arns, _ := r.strList(r.Properties, "ManagedPolicyArns", iamControls...)
	out := make([]iam.AttachedPolicy, 0, len(arns))
	for _, a := range arns {
		out = append(out, iam.AttachedPolicy{Name: a[strings.LastIndex(a, "/")+1:], ARN: a})
	}
	return out
}

func pathProp(r *resource) string {
	if p, ok, _ := r.prop("Path"); ok {
		return p
	}
	return "/"
}

func mapUser(r *resource) {
	name, arn := r.identity()
	u := &iam.User{Name: name, ARN: arn, ID: "AIDA" + strings.ToUpper(hashOf(arn)[:17]), Path: pathProp(r), Created: r.m.now, Tags: r.ir.Tags,
		AttachedPolicies: r.attached(), InlinePolicies: r.inlinePolicies()}
	groups, _ := r.strList(r.Properties, "Groups")
	u.Groups = groups
	// The credential report row of a user just created: a console
	// password when it has a LoginProfile, no MFA yet, no access keys
	// (AWS::IAM::AccessKey resources add them).
	u.Credentials = &iam.Credentials{User: name, ARN: arn, Created: r.m.now, PasswordEnabled: get(r.Properties, "LoginProfile") != nil,
		AccessKeys: []iam.KeyCredentials{{}, {}}}
	if u.Credentials.PasswordEnabled {
		u.Credentials.PasswordLastChanged = r.m.now
	}
	r.m.acct.IAM.Users = append(r.m.acct.IAM.Users, u)
	r.m.acct.IAM.ReportGenerated = r.m.now
}

func mapGroup(r *resource) {
	name, arn := r.identity()
	r.m.acct.IAM.Groups = append(r.m.acct.IAM.Groups, &iam.Group{Name: name, ARN: arn, ID: "AGPA" + strings.ToUpper(hashOf(arn)[:17]),
		Path: pathProp(r), AttachedPolicies: r.attached(), InlinePolicies: r.inlinePolicies()})
}

func mapRole(r *resource) {
	name, arn := r.identity()
	r.m.acct.IAM.Roles = append(r.m.acct.IAM.Roles, &iam.Role{Name: name, ARN: arn, ID: "AROA" + strings.ToUpper(hashOf(arn)[:17]),
		Path: pathProp(r), Tags: r.ir.Tags, AttachedPolicies: r.attached(), InlinePolicies: r.inlinePolicies()})
}

func mapManagedPolicy(r *resource) {
	name, arn := r.identity()
	p := &iam.Policy{Name: name, ARN: arn, ID: "ANPA" + strings.ToUpper(hashOf(arn)[:17]), Path: pathProp(r), DefaultVersion: "v1"}
	ip := r.inlinePolicy(name, get(r.Properties, "PolicyDocument"), "PolicyDocument")
	p.Document, p.Error = ip.Document, ip.Error
	r.m.acct.IAM.Policies = append(r.m.acct.IAM.Policies, p)
}

// principals are the users, groups and roles a policy resource names
// (Users, Groups, Roles: names, or Refs to the template's), with the
// iac.Resource of each one the template defines.
func (r *resource) principals(attach func(kind string, name string)) {
	for _, kind := range []string{"Users", "Groups", "Roles"} {
		x := get(r.Properties, kind)
		if x == nil {
			continue
		}
		if x.Kind == Unknown {
			r.unknown(kind, x.Reason, iamControls...)
			continue
		}
		for i, v := range x.List {
			if v.Kind == Unknown {
				r.unknown(fmt.Sprintf("%s[%d]", kind, i), v.Reason, iamControls...)
				continue
			}
			if s, ok := v.Scalar(); ok {
				attach(kind, s)
			}
		}
	}
}

// principal returns the template's user, group or role called name.
func (m *mapper) principal(kind, name string) (policies *[]*iam.InlinePolicy, attached *[]iam.AttachedPolicy, arn string) {
	st := m.acct.IAM
	switch kind {
	case "Users":
		for _, u := range st.Users {
			if u.Name == name {
				return &u.InlinePolicies, &u.AttachedPolicies, u.ARN
			}
		}
	case "Groups":
		for _, g := range st.Groups {
			if g.Name == name {
				return &g.InlinePolicies, &g.AttachedPolicies, g.ARN
			}
		}
	case "Roles":
		for _, ro := range st.Roles {
			if ro.Name == name {
				return &ro.InlinePolicies, &ro.AttachedPolicies, ro.ARN
			}
		}
	}
	return nil, nil, ""
}

// joinTo sets r as configuring the resource with arn; the first one wins.
func (r *resource) joinTo(arn string) {
	if r.ir.Joins != "" {
		return
	}
	for _, x := range r.m.src.Resources {
		if x.ARN == arn && x.Joins == "" && x != r.ir {
			r.ir.Joins, r.ir.ARN = x.Address, arn
			return
		}
	}
}

// mapPolicy adds an AWS::IAM::Policy to each principal it names. One the
// template does not define is outside what can be judged here.
func mapPolicy(r *resource) {
	name, _, _ := r.prop("PolicyName")
	var outside []string
	r.principals(func(kind, who string) {
		pols, _, arn := r.m.principal(kind, who)
		if pols == nil {
			outside = append(outside, strings.ToLower(strings.TrimSuffix(kind, "s"))+" "+who)
			return
		}
		*pols = append(*pols, r.inlinePolicy(name, get(r.Properties, "PolicyDocument"), "PolicyDocument"))
		r.joinTo(arn)
	})
	if r.ir.Joins == "" {
		why := "it names no user, group or role of this template"
		if len(outside) > 0 {
			why = "it is attached to " + strings.Join(outside, ", ") + ", not defined in this template"
		}
		r.m.dropJoin(r, why)
	}
}

// attachManaged attaches the template's managed policies to the
// principals they name (ManagedPolicy's Users, Groups, Roles), and counts
// every attachment.
func attachManaged(r *resource) {
	var pol *iam.Policy
	for _, p := range r.m.acct.IAM.Policies {
		if p.ARN == r.ir.ARN {
			pol = p
		}
	}
	if pol == nil {
		return
	}
	r.principals(func(kind, who string) {
		_, att, _ := r.m.principal(kind, who)
		if att != nil {
			*att = append(*att, iam.AttachedPolicy{Name: pol.Name, ARN: pol.ARN})
		} else {
			pol.AttachmentCount++ // a principal outside the template
		}
	})
	for _, u := range r.m.acct.IAM.Users {
		pol.AttachmentCount += countARN(u.AttachedPolicies, pol.ARN)
	}
	for _, g := range r.m.acct.IAM.Groups {
		pol.AttachmentCount += countARN(g.AttachedPolicies, pol.ARN)
	}
	for _, ro := range r.m.acct.IAM.Roles {
		pol.AttachmentCount += countARN(ro.AttachedPolicies, pol.ARN)
	}
}

func countARN(ps []iam.AttachedPolicy, arn string) int {
	n := 0
	for _, p := range ps {
		if p.ARN == arn {
			n++
		}
	}
	return n
}

// mapUserToGroup adds users to a group.
func mapUserToGroup(r *resource) {
	group, _, _ := r.prop("GroupName")
	users, _ := r.strList(r.Properties, "Users")
	for _, u := range r.m.acct.IAM.Users {
		for _, n := range users {
			if u.Name == n {
				u.Groups = append(u.Groups, group)
				r.joinTo(u.ARN)
			}
		}
	}
	if r.ir.Joins == "" {
		r.m.dropJoin(r, "its users are not defined in this template")
	}
}

// mapAccessKey adds an access key to its user's credential report row.
func mapAccessKey(r *resource) {
	who, _, _ := r.prop("UserName")
	active := true
	if s, ok, _ := r.prop("Status"); ok {
		active = s == "Active"
	}
	for _, u := range r.m.acct.IAM.Users {
		if u.Name != who {
			continue
		}
		r.joinTo(u.ARN)
		u.AccessKeys = append(u.AccessKeys, iam.AccessKey{ID: "AKIA" + strings.ToUpper(hashOf(r.m.t.StackName, r.LogicalID)[:16]),
			Status: map[bool]string{true: "Active", false: "Inactive"}[active], Created: r.m.now})
		for i := range u.Credentials.AccessKeys {
			if !u.Credentials.AccessKeys[i].Exists() {
				u.Credentials.AccessKeys[i] = iam.KeyCredentials{Active: active, LastRotated: r.m.now}
				break
			}
		}
	}
	if r.ir.Joins == "" {
		r.m.dropJoin(r, "its user "+who+" is not defined in this template")
	}
}
