package policy

import (
	"strings"
)

// Request is one call to decide: who asks, to do what, on what, with
// which condition keys.
type Request struct {
	// Action is the concrete action, "s3:GetObject".
	Action string
	// Resource is the ARN the action is on; "" or "*" for actions that
	// take no resource.
	Resource string
	// Principal is who calls.
	Principal Principal
	// Context holds the condition keys of the request (names compare
	// case-insensitively): "aws:RequestedRegion", "ec2:MetadataHttpTokens".
	// aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID and
	// aws:PrincipalType are filled from Principal when Context lacks them.
	Context map[string][]string
}

// Principal is the caller of a request.
type Principal struct {
	// Type is AWS, Service, Federated, CanonicalUser, or * for an
	// anonymous caller.
	Type string
	// ID is the principal's ARN (AWS), service name (Service), provider
	// (Federated) or canonical user ID.
	ID string
	// Account is the caller's account ID (AWS principals).
	Account string
	// OrgID is the caller's organization ID, "" outside an organization.
	OrgID string
	// Root says the caller is the account's root user.
	Root bool
}

// Decision is the outcome of evaluating a request against a document.
type Decision int

const (
	// NotApplicable: no statement applies, an implicit deny.
	NotApplicable Decision = iota
	// Allow: an Allow statement applies and no Deny does.
	Allow
	// Deny: a Deny statement applies.
	Deny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "NotApplicable"
}

// Result is a decision and the statement that made it.
type Result struct {
	Decision Decision
	// Statement is the deciding statement: the first Deny that applies,
	// else the first Allow; nil for NotApplicable.
	Statement *Statement
	Doc       *Document
}

// Evaluate decides r against d read as an identity policy or a service
// control policy: a statement applies when its action, resource and
// conditions match (and its Principal, only when it has one). An
// explicit Deny wins over any Allow; no applicable statement is an
// implicit deny (NotApplicable).
func (d *Document) Evaluate(r *Request) Result {
	return d.evaluate(r, false)
}

// EvaluateAll decides r against several documents that apply together,
// as the policies attached at one level of an organization (the SCPs of
// one OU) or the identity policies of one principal: the first explicit
// Deny of any document wins; else the first Allow; else NotApplicable.
// Result.Doc is the deciding document.
func EvaluateAll(docs []*Document, r *Request) Result {
	var allow Result
	for _, d := range docs {
		res := d.Evaluate(r)
		switch {
		case res.Decision == Deny:
			return res
		case res.Decision == Allow && allow.Decision != Allow:
			allow = res
		}
	}
	return allow
}

// EvaluateResource decides r against d read as a resource policy: a
// statement applies only when its Principal (or NotPrincipal) also
// matches the caller.
func (d *Document) EvaluateResource(r *Request) Result {
	return d.evaluate(r, true)
}

func (d *Document) evaluate(r *Request, resource bool) Result {
	res := Result{Doc: d}
	if d == nil {
		return res
	}
	vars := r.vars()
	var allow *Statement
	for _, s := range d.Statements {
		if !s.applies(r, resource, vars) {
			continue
		}
		if s.IsDeny() {
			return Result{Decision: Deny, Statement: s, Doc: d}
		}
		if allow == nil && s.IsAllow() {
			allow = s
		}
	}
	if allow != nil {
		return Result{Decision: Allow, Statement: allow, Doc: d}
	}
	return res
}

// Applies reports whether s applies to r (action, resource, principal
// when s has one, conditions), whatever its effect.
func (s *Statement) Applies(r *Request) bool {
	return s.applies(r, false, r.vars())
}

// MatchesConditions reports whether every condition of s holds for r.
func (s *Statement) MatchesConditions(r *Request) bool {
	vars := r.vars()
	for _, c := range s.Condition {
		vals, ok := vars(c.Key)
		if !evalCondition(c, vals, ok, vars) {
			return false
		}
	}
	return true
}

func (s *Statement) applies(r *Request, resource bool, vars func(string) ([]string, bool)) bool {
	if !s.MatchesAction(r.Action) || !s.matchesResource(r.Resource, vars) {
		return false
	}
	if s.Principal != nil || s.NotPrincipal != nil || resource {
		if !s.MatchesPrincipal(r.Principal) {
			return false
		}
	}
	for _, c := range s.Condition {
		vals, ok := vars(c.Key)
		if !evalCondition(c, vals, ok, vars) {
			return false
		}
	}
	return true
}

// MatchesAction reports whether s's Action (or NotAction) covers action.
func (s *Statement) MatchesAction(action string) bool {
	if s.NotAction != nil {
		for _, p := range s.NotAction {
			if MatchAction(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Action {
		if MatchAction(p, action) {
			return true
		}
	}
	return false
}

// MatchesResource reports whether s's Resource (or NotResource) covers
// arn. A statement with neither covers every resource; an empty arn (an
// action on no resource) is covered only by "*" and by NotResource.
func (s *Statement) MatchesResource(arn string) bool {
	return s.matchesResource(arn, nil)
}

func (s *Statement) matchesResource(arn string, vars func(string) ([]string, bool)) bool {
	if arn == "" {
		arn = "*"
	}
	if s.NotResource != nil {
		for _, p := range s.NotResource {
			if matchResource(p, arn, vars) {
				return false
			}
		}
		return true
	}
	if s.Resource == nil {
		return true
	}
	for _, p := range s.Resource {
		if matchResource(p, arn, vars) {
			return true
		}
	}
	return false
}

// MatchesPrincipal reports whether s's Principal (or NotPrincipal)
// names p. An AWS principal of "*" names everyone; an account ID or an
// account's root ARN names every principal of that account; other ARNs
// (roles, users, sessions) name that principal. A statement without
// Principal or NotPrincipal names no one.
func (s *Statement) MatchesPrincipal(p Principal) bool {
	if s.NotPrincipal != nil {
		return !principalIn(s.NotPrincipal, p)
	}
	return principalIn(s.Principal, p)
}

func principalIn(m map[string][]string, p Principal) bool {
	for typ, vals := range m {
		for _, v := range vals {
			if typ == "AWS" && v == "*" {
				return true
			}
			if typ != p.Type {
				continue
			}
			switch typ {
			case "AWS":
				if acct := accountPrincipal(v); acct != "" {
					if acct == p.Account || acct == accountOf(p.ID) {
						return true
					}
					continue
				}
				if v == p.ID || glob(v, p.ID) {
					return true
				}
			case "Service":
				if strings.EqualFold(v, p.ID) {
					return true
				}
			default:
				if v == p.ID {
					return true
				}
			}
		}
	}
	return false
}

// accountPrincipal returns the account a principal value names as a
// whole: "111122223333" or "arn:aws:iam::111122223333:root"; "" for any
// other value.
func accountPrincipal(v string) string {
	if isAccountID(v) {
		return v
	}
	f := strings.Split(v, ":")
	if len(f) == 6 && f[0] == "arn" && f[2] == "iam" && f[5] == "root" {
		return f[4]
	}
	return ""
}

func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// accountOf returns the account an ARN or account ID names, "" for none.
func accountOf(id string) string {
	if isAccountID(id) {
		return id
	}
	if f := strings.Split(id, ":"); len(f) >= 6 && f[0] == "arn" {
		return f[4]
	}
	return ""
}

// vars returns the lookup of r's condition keys: Context first, then the
// principal keys derived from Principal.
func (r *Request) vars() func(string) ([]string, bool) {
	return func(key string) ([]string, bool) {
		if v, ok := lookup(r.Context, key); ok {
			return v, true
		}
		p := r.Principal
		one := func(s string) ([]string, bool) {
			if s == "" {
				return nil, false
			}
			return []string{s}, true
		}
		switch strings.ToLower(key) {
		case "aws:principalarn":
			if p.Type == "AWS" {
				if p.Root && p.Account != "" && !strings.HasPrefix(p.ID, "arn:") {
					return one("arn:aws:iam::" + p.Account + ":root")
				}
				return one(p.ID)
			}
		case "aws:principalaccount":
			if p.Type == "AWS" {
				if p.Account != "" {
					return one(p.Account)
				}
				return one(accountOf(p.ID))
			}
		case "aws:principalorgid":
			if p.Type == "AWS" {
				return one(p.OrgID)
			}
		case "aws:principaltype":
			if p.Type == "AWS" {
				switch {
				case p.Root:
					return one("Account")
				case strings.Contains(p.ID, ":assumed-role/"):
					return one("AssumedRole")
				case strings.Contains(p.ID, ":user/"):
					return one("User")
				case strings.Contains(p.ID, ":federated-user/"):
					return one("FederatedUser")
				}
			}
		case "aws:principalservicename":
			if p.Type == "Service" {
				return one(p.ID)
			}
		}
		return nil, false
	}
}
