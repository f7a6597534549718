package terraform

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// IAM: users, groups, roles, customer managed policies, inline policies
// (aws_iam_*_policy and a role's inline_policy blocks), attachments
// (aws_iam_*_policy_attachment, aws_iam_policy_attachment, a role's
// managed_policy_arns), group memberships, console passwords
// (aws_iam_user_login_profile), access keys and the account's password
// policy.
//
// A user the plan creates has, once applied, the credentials the plan
// gives it and no MFA device (MFA cannot be enabled from Terraform), as
// the credential report would show right after apply. An existing
// user's credentials are its live ones: controls that read them report
// that the user is not in the (synthetic) credential report.

var _ = register(0, mapIAMPrincipal, "aws_iam_user", "aws_iam_group", "aws_iam_role")
var _ = register(0, mapIAMPolicy, "aws_iam_policy")
var _ = register(1, mapIAMInline, "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role_policy")
var _ = register(1, mapIAMAttachment, "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
	"aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
var _ = register(1, mapIAMMembership, "aws_iam_user_group_membership", "aws_iam_group_membership")
var _ = register(1, mapIAMCredential, "aws_iam_user_login_profile", "aws_iam_access_key")
var _ = register(0, mapPasswordPolicy, "aws_iam_account_password_policy")

type iamState struct {
	users    map[*instance]*iam.User
	groups   map[*instance]*iam.Group
	roles    map[*instance]*iam.Role
	policies map[*instance]*iam.Policy
	order    []*instance
	// attached counts the attachments of each customer managed policy ARN.
	attached map[string]int
	created  map[*iam.User]bool
}

func newIAMState() *iamState {
	return &iamState{users: map[*instance]*iam.User{}, groups: map[*instance]*iam.Group{}, roles: map[*instance]*iam.Role{},
		policies: map[*instance]*iam.Policy{}, attached: map[string]int{}, created: map[*iam.User]bool{}}
}

func iamName(in *instance) string {
	if n, ok := in.after.str("name"); ok && n != "" {
		return n
	}
	return placeholderName(in.addr)
}

func iamPath(in *instance) string {
	if p, ok := in.after.str("path"); ok && p != "" {
		return p
	}
	return "/"
}

func (b *builder) iamARN(kind string, in *instance) string {
	return b.globalARN("iam", kind+iamPath(in)+iamName(in))
}

func mapIAMPrincipal(b *builder, in *instance) {
	name := iamName(in)
	id := syntheticID("AID", in.addr)
	switch in.typ {
	case "aws_iam_user":
		u := &iam.User{Name: name, ARN: b.iamARN("user", in), ID: strings.ToUpper(id), Path: iamPath(in), Created: b.src.Snapshot.Taken, Tags: in.res.Tags}
		b.iam.users[in] = u
		b.iam.created[u] = in.action == "create" || in.action == "replace"
		in.res.ARN = u.ARN
	case "aws_iam_group":
		g := &iam.Group{Name: name, ARN: b.iamARN("group", in), ID: strings.ToUpper(id), Path: iamPath(in)}
		b.iam.groups[in] = g
		in.res.ARN = g.ARN
	case "aws_iam_role":
		r := &iam.Role{Name: name, ARN: b.iamARN("role", in), ID: strings.ToUpper(id), Path: iamPath(in), Tags: in.res.Tags}
		for _, ip := range in.after.blocks("inline_policy") {
			pn, _ := ip.str("name")
			r.InlinePolicies = append(r.InlinePolicies, inlinePolicy(in, ip, pn, "inline_policy"))
		}
		if in.cfg == nil || in.cfg.Expressions["managed_policy_arns"] != nil {
			for _, arn := range in.after.strs("managed_policy_arns") {
				r.AttachedPolicies = append(r.AttachedPolicies, iam.AttachedPolicy{Name: arnName(arn), ARN: arn})
				b.iam.attached[arn]++
			}
			if in.after.partlyUnknown("managed_policy_arns") {
				in.res.AddUnknown("managed_policy_arns")
			}
		}
		b.iam.roles[in] = r
		in.res.ARN = r.ARN
	}
	b.iam.order = append(b.iam.order, in)
}

func arnName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// inlinePolicy reads a policy document attribute.
func inlinePolicy(in *instance, o obj, name, where string) *iam.InlinePolicy {
	p := &iam.InlinePolicy{Name: name}
	if o.unknown("policy") {
		p.Error = knownAfter(in, where+".policy")
		return p
	}
	doc, _ := o.str("policy")
	d, err := iam.ParseDocument(doc)
	if err != nil {
		p.Error = fmt.Sprintf("%s.%s: %v", in.addr, where+".policy", err)
	}
	p.Document = d
	return p
}

func mapIAMPolicy(b *builder, in *instance) {
	p := &iam.Policy{Name: iamName(in), ARN: b.iamARN("policy", in), ID: strings.ToUpper(syntheticID("ANPA", in.addr)), Path: iamPath(in), DefaultVersion: "v1"}
	if in.after.unknown("policy") {
		p.Error = knownAfter(in, "policy")
	} else {
		doc, _ := in.after.str("policy")
		d, err := iam.ParseDocument(doc)
		if err != nil {
			p.Error = fmt.Sprintf("%s.policy: %v", in.addr, err)
		}
		p.Document = d
	}
	b.iam.policies[in] = p
	b.iam.order = append(b.iam.order, in)
	in.res.ARN = p.ARN
}

func principalKey(c *instance) string { return iamName(c) }
func policyKey(c *instance) string    { return iamName(c) }

// principal finds the user, group or role an attribute names.
func (b *builder) principal(in *instance, attr, typ string) *instance {
	return b.ref(in, attr, principalKey, typ)
}

func mapIAMInline(b *builder, in *instance) {
	kind := strings.TrimSuffix(strings.TrimPrefix(in.typ, "aws_iam_"), "_policy") // user, group, role
	target := b.principal(in, kind, "aws_iam_"+kind)
	if target == nil {
		unjoined(in, kind, kind)
		return
	}
	name, _ := in.after.str("name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	p := inlinePolicy(in, in.after, name, "")
	p.Error = strings.Replace(p.Error, in.addr+"..policy", in.addr+".policy", 1)
	if p.Error != "" && strings.Contains(p.Error, iac.KnownAfterApply) {
		p.Error = knownAfter(in, "policy")
	}
	in.res.Joins = target.addr
	switch kind {
	case "user":
		u := b.iam.users[target]
		u.InlinePolicies = append(u.InlinePolicies, p)
		in.res.ARN = u.ARN
	case "group":
		g := b.iam.groups[target]
		g.InlinePolicies = append(g.InlinePolicies, p)
		in.res.ARN = g.ARN
	case "role":
		r := b.iam.roles[target]
		r.InlinePolicies = append(r.InlinePolicies, p)
		in.res.ARN = r.ARN
	}
}

// policyARN is the ARN an attachment attaches: its policy_arn, or the
// ARN of the aws_iam_policy of the plan it refers to.
func (b *builder) policyARN(in *instance) (string, bool) {
	if arn, ok := in.after.str("policy_arn"); ok && arn != "" {
		return arn, true
	}
	if p := b.ref(in, "policy_arn", func(c *instance) string { return b.iamARN("policy", c) }, "aws_iam_policy"); p != nil {
		return b.iam.policies[p].ARN, true
	}
	return "", false
}

func (b *builder) attach(in *instance, kind string, target *instance, arn string) {
	ap := iam.AttachedPolicy{Name: arnName(arn), ARN: arn}
	switch kind {
	case "user":
		b.iam.users[target].AttachedPolicies = append(b.iam.users[target].AttachedPolicies, ap)
	case "group":
		b.iam.groups[target].AttachedPolicies = append(b.iam.groups[target].AttachedPolicies, ap)
	case "role":
		b.iam.roles[target].AttachedPolicies = append(b.iam.roles[target].AttachedPolicies, ap)
	}
	b.iam.attached[arn]++
	if in.res.Joins == "" {
		in.res.Joins = target.addr
		in.res.ARN = target.res.ARN
	}
}

func mapIAMAttachment(b *builder, in *instance) {
	arn, ok := b.policyARN(in)
	if !ok {
		unjoined(in, "policy_arn", "policy")
		return
	}
	if in.typ == "aws_iam_policy_attachment" {
		found := false
		for _, kind := range []string{"user", "group", "role"} {
			for _, name := range in.after.strs(kind + "s") {
				for _, c := range b.insts {
					if c.typ == "aws_iam_"+kind && iamName(c) == name {
						b.attach(in, kind, c, arn)
						found = true
					}
				}
			}
		}
		if !found {
			// Attached to principals the plan does not hold (or named
			// only after apply): count the attachment for IAM.1.
			b.iam.attached[arn]++
			in.res.ARN = arn
			in.res.Joins = "(principals outside the plan)"
		}
		return
	}
	kind := strings.TrimSuffix(strings.TrimPrefix(in.typ, "aws_iam_"), "_policy_attachment")
	target := b.principal(in, kind, "aws_iam_"+kind)
	if target == nil {
		// The principal exists outside the plan: the attachment still
		// counts for the policy (IAM.1).
		b.iam.attached[arn]++
		in.res.ARN, in.res.Joins = arn, "(a "+kind+" outside the plan)"
		return
	}
	b.attach(in, kind, target, arn)
}

func mapIAMMembership(b *builder, in *instance) {
	switch in.typ {
	case "aws_iam_user_group_membership":
		u := b.principal(in, "user", "aws_iam_user")
		if u == nil {
			unjoined(in, "user", "user")
			return
		}
		user := b.iam.users[u]
		user.Groups = append(user.Groups, in.after.strs("groups")...)
		in.res.ARN, in.res.Joins = user.ARN, u.addr
	case "aws_iam_group_membership":
		group, _ := in.after.str("group")
		for _, name := range in.after.strs("users") {
			for c, u := range b.iam.users {
				if u.Name == name {
					u.Groups = append(u.Groups, group)
					in.res.ARN, in.res.Joins = u.ARN, c.addr
				}
			}
		}
		if in.res.Joins == "" {
			in.res.Reason = "names no user of the plan: group memberships of users outside the plan are not assessed"
		}
	}
}

func mapIAMCredential(b *builder, in *instance) {
	u := b.principal(in, "user", "aws_iam_user")
	if u == nil {
		unjoined(in, "user", "user")
		return
	}
	user := b.iam.users[u]
	in.res.ARN, in.res.Joins = user.ARN, u.addr
	if user.Credentials == nil {
		user.Credentials = &iam.Credentials{User: user.Name, ARN: user.ARN, Created: b.src.Snapshot.Taken,
			AccessKeys: []iam.KeyCredentials{{}, {}}}
	}
	now := b.src.Snapshot.Taken
	switch in.typ {
	case "aws_iam_user_login_profile":
		user.Credentials.PasswordEnabled = true
		user.Credentials.PasswordLastChanged = now
	case "aws_iam_access_key":
		status, _ := in.after.str("status")
		if status == "" {
			status = "Active"
		}
		id := strings.ToUpper(syntheticID("AKIA", in.addr))[:20]
		user.AccessKeys = append(user.AccessKeys, iam.AccessKey{ID: id, Status: status, Created: now})
		for i := range user.Credentials.AccessKeys {
			if !user.Credentials.AccessKeys[i].Exists() {
				user.Credentials.AccessKeys[i] = iam.KeyCredentials{Active: status == "Active", LastRotated: now}
				break
			}
		}
	}
}

func mapPasswordPolicy(b *builder, in *instance) {
	o := in.after
	in.res.ARN = b.acct.ARN()
	in.res.Facts = []string{iac.FactPasswordPolicy}
	p := &iam.PasswordPolicy{}
	p.MinimumPasswordLength, _ = o.num("minimum_password_length")
	if p.MinimumPasswordLength == 0 {
		p.MinimumPasswordLength = 6 // the provider's and IAM's default
	}
	p.RequireSymbols, _ = o.boolean("require_symbols")
	p.RequireNumbers, _ = o.boolean("require_numbers")
	p.RequireUppercaseCharacters, _ = o.boolean("require_uppercase_characters")
	p.RequireLowercaseCharacters, _ = o.boolean("require_lowercase_characters")
	p.AllowUsersToChangePassword, _ = o.boolean("allow_users_to_change_password")
	p.HardExpiry, _ = o.boolean("hard_expiry")
	p.MaxPasswordAge, _ = o.num("max_password_age")
	p.ExpirePasswords = p.MaxPasswordAge > 0
	p.PasswordReusePrevention, _ = o.num("password_reuse_prevention")
	for _, k := range []string{"minimum_password_length", "password_reuse_prevention", "require_symbols", "require_numbers",
		"require_uppercase_characters", "require_lowercase_characters", "max_password_age"} {
		if o.unknown(k) {
			in.res.AddUnknown(k)
		}
	}
	b.acct.IAM.PasswordPolicy = p
}

func (st *iamState) finish(b *builder) {
	i := b.acct.IAM
	// The synthetic credential report is as of the snapshot: users the
	// plan creates are in it; existing users are not (their live
	// credentials decide).
	i.ReportGenerated = b.src.Snapshot.Taken
	i.Summary = map[string]int{}
	for _, in := range st.order {
		switch {
		case st.users[in] != nil:
			u := st.users[in]
			if st.created[u] && u.Credentials == nil {
				u.Credentials = &iam.Credentials{User: u.Name, ARN: u.ARN, Created: b.src.Snapshot.Taken, AccessKeys: []iam.KeyCredentials{{}, {}}}
			}
			if !st.created[u] {
				u.Credentials = nil
			}
			i.Users = append(i.Users, u)
		case st.groups[in] != nil:
			i.Groups = append(i.Groups, st.groups[in])
		case st.roles[in] != nil:
			i.Roles = append(i.Roles, st.roles[in])
		case st.policies[in] != nil:
			p := st.policies[in]
			p.AttachmentCount = st.attached[p.ARN]
			i.Policies = append(i.Policies, p)
		}
	}
}
