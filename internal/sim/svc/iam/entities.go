package iam

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// kind is a principal type that holds policies: user, group or role.
type kind int

const (
	kindUser kind = iota
	kindGroup
	kindRole
)

func (k kind) param() string { return [...]string{"UserName", "GroupName", "RoleName"}[k] }
func (k kind) word() string  { return [...]string{"user", "group", "role"}[k] }
func (k kind) quota() string {
	return [...]string{"PoliciesPerUser", "PoliciesPerGroup", "PoliciesPerRole"}[k]
}

// entity is a view of a user, group or role's policy-bearing fields.
type entity struct {
	name      string
	attached  *[]string
	inline    *map[string]string
	tags      *map[string]string // nil for groups
	protected bool               // service-linked role
}

func lookup(c *svc.Ctx, k kind) (*entity, error) {
	name, err := required(c, k.param())
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	switch k {
	case kindUser:
		if u := findUser(i, name); u != nil {
			return &entity{name: u.Name, attached: &u.AttachedPolicies, inline: &u.InlinePolicies, tags: &u.Tags}, nil
		}
	case kindGroup:
		if g := findGroup(i, name); g != nil {
			return &entity{name: g.Name, attached: &g.AttachedPolicies, inline: &g.InlinePolicies}, nil
		}
	case kindRole:
		if r := findRole(i, name); r != nil {
			return &entity{name: r.Name, attached: &r.AttachedPolicies, inline: &r.InlinePolicies, tags: &r.Tags,
				protected: strings.HasPrefix(r.Path, "/aws-service-role/")}, nil
		}
	}
	return nil, noSuchEntity("The %s with name %s cannot be found.", k.word(), name)
}

func protectedErr(name string) error {
	return wire.Errorf(400, "UnmodifiableEntity", "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", name)
}

// ---- inline policies ----

func listInlinePolicies(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		page, trunc, marker, err := paginate(c, sortedKeys(*e.inline))
		if err != nil {
			return nil, err
		}
		return struct {
			PolicyNames []string `xml:"PolicyNames>member"`
			IsTruncated bool
			Marker      string `xml:",omitempty"`
		}{page, trunc, marker}, nil
	}
}

func putInlinePolicy(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		name, err := required(c, "PolicyName")
		if err != nil {
			return nil, err
		}
		if err := checkName("PolicyName", name, 128); err != nil {
			return nil, err
		}
		doc, err := required(c, "PolicyDocument")
		if err != nil {
			return nil, err
		}
		if err := checkDocument(doc); err != nil {
			return nil, err
		}
		if e.protected {
			return nil, protectedErr(e.name)
		}
		if *e.inline == nil {
			*e.inline = map[string]string{}
		}
		(*e.inline)[name] = doc
		return nil, nil
	}
}

func getInlinePolicy(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		name, err := required(c, "PolicyName")
		if err != nil {
			return nil, err
		}
		doc, ok := (*e.inline)[name]
		if !ok {
			return nil, noSuchEntity("The %s policy with name %s cannot be found.", k.word(), name)
		}
		switch k {
		case kindUser:
			return struct{ UserName, PolicyName, PolicyDocument string }{e.name, name, urlEncode(doc)}, nil
		case kindGroup:
			return struct{ GroupName, PolicyName, PolicyDocument string }{e.name, name, urlEncode(doc)}, nil
		}
		return struct{ RoleName, PolicyName, PolicyDocument string }{e.name, name, urlEncode(doc)}, nil
	}
}

func deleteInlinePolicy(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		name, err := required(c, "PolicyName")
		if err != nil {
			return nil, err
		}
		if _, ok := (*e.inline)[name]; !ok {
			return nil, noSuchEntity("The %s policy with name %s cannot be found.", k.word(), name)
		}
		if e.protected {
			return nil, protectedErr(e.name)
		}
		delete(*e.inline, name)
		return nil, nil
	}
}

// ---- attached managed policies ----

type xAttached struct {
	PolicyName string
	PolicyArn  string
}

func listAttached(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		prefix := c.Form.Get("PathPrefix")
		var all []xAttached
		for _, arn := range *e.attached {
			p := resolvePolicy(c, arn)
			if p == nil || !hasPathPrefix(p.path, prefix) {
				continue
			}
			all = append(all, xAttached{p.name, arn})
		}
		page, trunc, marker, err := paginate(c, all)
		if err != nil {
			return nil, err
		}
		return struct {
			AttachedPolicies []xAttached `xml:"AttachedPolicies>member"`
			IsTruncated      bool
			Marker           string `xml:",omitempty"`
		}{page, trunc, marker}, nil
	}
}

func attach(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		arn, err := required(c, "PolicyArn")
		if err != nil {
			return nil, err
		}
		if resolvePolicy(c, arn) == nil {
			return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		if e.protected {
			return nil, protectedErr(e.name)
		}
		for _, a := range *e.attached {
			if a == arn {
				return nil, nil
			}
		}
		if len(*e.attached) >= 10 {
			return nil, limitExceeded("Cannot exceed quota for %s: 10", k.quota())
		}
		*e.attached = append(*e.attached, arn)
		return nil, nil
	}
}

func detach(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		arn, err := required(c, "PolicyArn")
		if err != nil {
			return nil, err
		}
		for n, a := range *e.attached {
			if a == arn {
				if e.protected {
					return nil, protectedErr(e.name)
				}
				*e.attached = append((*e.attached)[:n:n], (*e.attached)[n+1:]...)
				return nil, nil
			}
		}
		return nil, noSuchEntity("Policy %s was not found.", arn)
	}
}

// ---- tags (users and roles) ----

func listTags(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		page, trunc, marker, err := paginate(c, tagList(*e.tags))
		if err != nil {
			return nil, err
		}
		return struct {
			Tags        []xTag `xml:"Tags>member"`
			IsTruncated bool
			Marker      string `xml:",omitempty"`
		}{page, trunc, marker}, nil
	}
}

func tag(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		tags, err := formTags(c)
		if err != nil {
			return nil, err
		}
		if len(tags) == 0 {
			return nil, validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
		}
		m, err := applyTags(cloneMap(*e.tags), tags)
		if err != nil {
			return nil, err
		}
		*e.tags = m
		return nil, nil
	}
}

func untag(k kind) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e, err := lookup(c, k)
		if err != nil {
			return nil, err
		}
		keys := c.List("TagKeys")
		if len(keys) == 0 {
			return nil, validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
		}
		for _, key := range keys {
			delete(*e.tags, key)
		}
		return nil, nil
	}
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ---- groups ----

type xGroup struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate string
}

func groupXML(c *svc.Ctx, g *world.Group) xGroup {
	return xGroup{orSlash(g.Path), g.Name, groupID(c, g), groupARN(c, g), cts(c, g.Created)}
}

func listGroups(c *svc.Ctx) (any, error) {
	prefix := c.Form.Get("PathPrefix")
	var all []xGroup
	for _, g := range sortedGroups(c) {
		if hasPathPrefix(g.Path, prefix) {
			all = append(all, groupXML(c, g))
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Groups      []xGroup `xml:"Groups>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func sortedGroups(c *svc.Ctx) []*world.Group {
	out := append([]*world.Group(nil), iamOf(c).Groups...)
	sort.SliceStable(out, func(a, b int) bool { return strings.ToLower(out[a].Name) < strings.ToLower(out[b].Name) })
	return out
}

func listGroupsForUser(c *svc.Ctx) (any, error) {
	u, err := mustUser(c, "UserName")
	if err != nil {
		return nil, err
	}
	var all []xGroup
	for _, g := range sortedGroups(c) {
		if groupHas(g, u.Name) {
			all = append(all, groupXML(c, g))
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Groups      []xGroup `xml:"Groups>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func groupHas(g *world.Group, user string) bool {
	for _, m := range g.Users {
		if strings.EqualFold(m, user) {
			return true
		}
	}
	return false
}
