package policy

import (
	"fmt"
	"strings"
)

// Who a resource policy lets in, and when a Deny takes it back.
//
// A statement is open to everyone when it allows a wildcard principal
// ("*", {"AWS": "*"}, an AWS or canonical-user value with a wildcard, or
// everyone but a NotPrincipal) and no condition narrows it. A condition
// narrows when it is a positive operator (StringEquals, StringLike,
// ArnLike, IpAddress… optionally under ForAnyValue; not a Not* operator,
// not ...IfExists, not ForAllValues, which all hold when the key is
// missing) on a key that names the caller or the request's source
// (aws:PrincipalOrgID, aws:SourceAccount, aws:SourceArn, aws:SourceVpce,
// aws:SourceIp…) with fixed values: no policy variable and no wildcard
// where it would let anyone in (an ARN's account, an organization ID, a
// CIDR of the whole internet). This is how AWS Config's public-access
// rules and S3's own "is public" reading treat conditions.
//
// A Deny statement takes a grant back from everyone outside when it
// names every principal ("*", or a NotPrincipal that lists only the
// owner's own principals), covers the granted action (its Action pattern
// covers the grant's, or its NotAction leaves it in) on every resource
// the grant names, and each of its conditions is true for every outside
// caller: none at all, or a negated operator (StringNotEquals, ArnNotLike,
// NotIpAddress…, with or without IfExists) on a narrowing key with fixed
// values, the mirror image of a narrowing Allow. "Deny unless the caller
// is in o-abc123" cancels "Allow *"; "Deny unless TLS" does not, since an
// outsider can use TLS. Coverage is judged on the patterns as written: a
// Deny of s3:Get* covers a grant of s3:GetObject, a Deny of s3:GetObject
// does not cover a grant of s3:Get*; when in doubt the grant stands, so a
// public finding is never dropped on a guess.

// narrowingKeys are the condition keys that, with fixed values, narrow a
// statement to known accounts, organizations, sources or networks.
var narrowingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true, "aws:sourceaccount": true,
	"aws:sourceowner": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:principalaccount": true, "aws:principalarn": true, "aws:userid": true,
	"aws:principalservicename": true, "aws:sourceip": true, "kms:calleraccount": true,
	"s3:dataaccesspointaccount": true, "s3:dataaccesspointarn": true, "s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

// IsNarrowingKey reports whether key names the caller or the request's
// source, so that a fixed value of it narrows who a statement lets in.
func IsNarrowingKey(key string) bool { return narrowingKeys[strings.ToLower(key)] }

// positiveNarrowing are the operators that hold only for the values
// listed (under ForAnyValue too).
var positiveNarrowing = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true, "arnlike": true, "ipaddress": true,
}

// Narrows reports whether c limits a statement to the fixed callers or
// sources it lists (see the package notes).
func (c Condition) Narrows() bool {
	op, err := parseOperator(c.Operator)
	if err != nil || op.ifExists || op.negated || op.set == "forallvalues" || !positiveNarrowing[op.positive] {
		return false
	}
	return c.fixedOn()
}

// Excludes reports whether c, in a Deny statement, is true for every
// caller outside the fixed set it lists: a negated operator on a
// narrowing key with fixed values.
func (c Condition) Excludes() bool {
	op, err := parseOperator(c.Operator)
	if err != nil || !op.negated || op.set != "" || !positiveNarrowing[op.positive] {
		return false
	}
	return c.fixedOn()
}

// fixedOn reports whether c is on a narrowing key with only fixed values.
func (c Condition) fixedOn() bool {
	key := strings.ToLower(c.Key)
	if !narrowingKeys[key] || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if !fixedValue(key, v) {
			return false
		}
	}
	return true
}

// fixedValue reports whether v, a value of condition key, names a
// bounded set: no policy variable, and no wildcard where it would let
// anyone in.
func fixedValue(key, v string) bool {
	if v == "" || strings.Contains(v, "${") {
		return false
	}
	switch key {
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		// o-xxx/r-xxx/ou-xxx/*: a wildcard below the organization ID
		// stays inside the organization.
		org, _, _ := strings.Cut(v, "/")
		return strings.HasPrefix(org, "o-") && !wild(org)
	case "aws:sourcearn", "aws:principalarn", "s3:dataaccesspointarn":
		// The account (or, for S3, the bucket) must be literal.
		f := strings.SplitN(v, ":", 6)
		if len(f) != 6 || wild(strings.Join(f[:5], ":")) {
			return false
		}
		return f[4] != "" || !wild(f[5])
	case "aws:sourceip":
		return !wild(v) && v != "0.0.0.0/0" && v != "::/0"
	}
	return !wild(v)
}

func wild(s string) bool { return strings.ContainsAny(s, "*?") }

// Restriction returns the first condition of s that narrows it.
func (s *Statement) Restriction() (Condition, bool) {
	for _, c := range s.Condition {
		if c.Narrows() {
			return c, true
		}
	}
	return Condition{}, false
}

// Fixed reports whether s has a narrowing condition on key (any case).
func (s *Statement) Fixed(key string) bool {
	for _, c := range s.Condition {
		if strings.EqualFold(c.Key, key) && c.Narrows() {
			return true
		}
	}
	return false
}

// AnyPrincipal reports whether s names every principal: "*", an AWS or
// canonical-user value with a wildcard, or a NotPrincipal (everyone but
// the ones listed).
func (s *Statement) AnyPrincipal() bool {
	if s.NotPrincipal != nil {
		return true
	}
	for typ, vals := range s.Principal {
		if typ != "AWS" && typ != "CanonicalUser" {
			continue
		}
		for _, v := range vals {
			if strings.Contains(v, "*") {
				return true
			}
		}
	}
	return false
}

// Service reports whether s names the service principal svc
// ("s3.amazonaws.com"), in any case.
func (s *Statement) Service(svc string) bool {
	for _, v := range s.Principal["Service"] {
		if strings.EqualFold(v, svc) {
			return true
		}
	}
	return false
}

// OpenToAll reports whether s is an Allow open to everyone: any
// principal and no narrowing condition.
func (s *Statement) OpenToAll() bool {
	if !s.IsAllow() || !s.AnyPrincipal() {
		return false
	}
	_, narrowed := s.Restriction()
	return !narrowed
}

// Outsiders returns who, other than owner's account, an Allow statement
// lets in: "everyone" or the other accounts it names ("account
// 444455556666"). A statement open to everyone but conditioned on the
// owner's own account (aws:PrincipalAccount or aws:SourceAccount) lets in
// no outsider.
func (s *Statement) Outsiders(owner string) []string {
	if !s.IsAllow() {
		return nil
	}
	if s.OpenToAll() {
		return []string{"everyone"}
	}
	if s.AnyPrincipal() {
		for _, c := range s.Condition {
			k := strings.ToLower(c.Key)
			if (k == "aws:principalaccount" || k == "aws:sourceaccount") && c.Narrows() && onlyValue(c.Values, owner) {
				return nil
			}
		}
		return []string{"everyone"}
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range s.Principal["AWS"] {
		if a := accountOf(v); a != "" && a != owner && !seen[a] {
			seen[a] = true
			out = append(out, "account "+a)
		}
	}
	return out
}

func onlyValue(vals []string, v string) bool {
	for _, x := range vals {
		if x != v {
			return false
		}
	}
	return len(vals) > 0
}

// Scope is whom a Deny must cover to take a grant back.
type Scope struct {
	// Owner is the resource owner's account ID.
	Owner string
	// OtherAccounts: the grant is to other accounts (cross-account), so
	// a Deny whose conditions exclude only callers outside an
	// organization does not cover it; only one that excludes every
	// account but the owner's does.
	OtherAccounts bool
}

// DeniedBy returns the first Deny statement of d that takes action (a
// pattern as granted) on every resource of grant back from every
// outsider in scope, nil when none does.
func (d *Document) DeniedBy(grant *Statement, action string, scope Scope) *Statement {
	for _, s := range d.Statements {
		if !s.IsDeny() || s == grant {
			continue
		}
		if !s.coversEveryone(scope) || !s.coversAction(action) || !s.coversResources(grant) {
			continue
		}
		ok := true
		for _, c := range s.Condition {
			if !c.Excludes() || scope.OtherAccounts && !excludesOtherAccounts(c, scope.Owner) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
	}
	return nil
}

// excludesOtherAccounts reports whether an excluding condition spares
// only the owner's account.
func excludesOtherAccounts(c Condition, owner string) bool {
	switch strings.ToLower(c.Key) {
	case "aws:principalaccount", "aws:sourceaccount", "kms:calleraccount":
		return onlyValue(c.Values, owner)
	case "aws:principalarn", "aws:sourcearn":
		for _, v := range c.Values {
			if f := strings.SplitN(v, ":", 6); len(f) != 6 || f[4] != owner {
				return false
			}
		}
		return true
	}
	return false
}

// coversEveryone reports whether a Deny's principal covers every
// outsider.
func (s *Statement) coversEveryone(scope Scope) bool {
	if s.NotPrincipal != nil {
		// Everyone but the listed: every outsider when all listed are
		// the owner's.
		for typ, vals := range s.NotPrincipal {
			if typ != "AWS" {
				return false
			}
			for _, v := range vals {
				if scope.Owner == "" || accountOf(v) != scope.Owner {
					return false
				}
			}
		}
		return true
	}
	if s.Principal == nil {
		return false
	}
	for _, v := range s.Principal["AWS"] {
		if v == "*" {
			return true
		}
	}
	return false
}

// coversAction reports whether every action the pattern a matches is
// also matched by s's Action (or left in by its NotAction).
func (s *Statement) coversAction(a string) bool {
	a = strings.ToLower(a)
	if s.NotAction != nil {
		for _, n := range s.NotAction {
			n = strings.ToLower(n)
			// The grant and the exemption may overlap: not covered.
			if glob(n, a) || glob(a, n) || wild(a) && wild(n) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Action {
		if glob(strings.ToLower(p), a) {
			return true
		}
	}
	return false
}

// coversResources reports whether s covers every resource grant names.
func (s *Statement) coversResources(grant *Statement) bool {
	if s.NotResource != nil {
		if grant.NotResource != nil || grant.Resource == nil {
			return false
		}
		for _, r := range grant.Resource {
			for _, n := range s.NotResource {
				if glob(n, r) || glob(r, n) {
					return false
				}
			}
		}
		return true
	}
	if s.Resource == nil {
		return true
	}
	for _, p := range s.Resource {
		if p == "*" {
			return true
		}
	}
	if grant.NotResource != nil || grant.Resource == nil {
		return false
	}
	for _, r := range grant.Resource {
		covered := false
		for _, p := range s.Resource {
			if glob(p, r) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

// NotDenied returns the actions (patterns as granted by grant) that no
// Deny of d takes back from the outsiders in scope.
func (d *Document) NotDenied(grant *Statement, actions []string, scope Scope) []string {
	var out []string
	for _, a := range actions {
		if d.DeniedBy(grant, a, scope) == nil {
			out = append(out, a)
		}
	}
	return out
}

// Grant is what one statement of a resource policy lets outsiders do.
type Grant struct {
	Statement *Statement
	// Who: "everyone" or "account 444455556666".
	Who []string
	// Actions are the granted action patterns that no Deny takes back;
	// for a NotAction statement, NotAction is set and Actions are its
	// exemptions.
	Actions   []string
	NotAction bool
}

// String says what the grant allows: "public-invoke allows
// lambda:InvokeFunction to any principal".
func (g Grant) String() string {
	what := strings.Join(g.Actions, ", ")
	if g.NotAction {
		what = "every action but " + what
	}
	if what == "" {
		what = "no action"
	}
	return g.Statement.Name() + " allows " + what + " to any principal"
}

// Public returns the statements of d that let everyone in (see the
// package notes), less what a Deny takes back from every outsider. owner
// is the resource owner's account ID ("" when unknown).
func Public(d *Document, owner string) []Grant {
	if d == nil {
		return nil
	}
	var out []Grant
	scope := Scope{Owner: owner}
	for _, s := range d.Statements {
		if !s.OpenToAll() {
			continue
		}
		g := Grant{Statement: s, Who: []string{"everyone"}}
		if s.NotAction != nil {
			// Every action but some: taken back only by a Deny of
			// every action.
			if d.DeniedBy(s, "*", scope) != nil {
				continue
			}
			g.NotAction, g.Actions = true, s.NotAction
		} else {
			g.Actions = d.NotDenied(s, s.Action, scope)
			if len(g.Actions) == 0 {
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// Describe is Grant.String for a statement as a whole.
func Describe(s *Statement) string {
	g := Grant{Statement: s, Actions: s.Action}
	if s.NotAction != nil {
		g.NotAction, g.Actions = true, s.NotAction
	}
	return g.String()
}

// CrossAccount returns the Allow statements of d that let in anyone
// other than owner's account (everyone, or other accounts), with the
// actions among candidates (concrete actions) each allows them that no
// Deny takes back.
func CrossAccount(d *Document, owner string, candidates []string) []Grant {
	if d == nil {
		return nil
	}
	var out []Grant
	for _, s := range d.Statements {
		who := s.Outsiders(owner)
		if len(who) == 0 {
			continue
		}
		var acts []string
		for _, a := range candidates {
			if s.MatchesAction(a) {
				acts = append(acts, a)
			}
		}
		scope := Scope{Owner: owner, OtherAccounts: true}
		if acts = d.NotDenied(s, acts, scope); len(acts) > 0 {
			out = append(out, Grant{Statement: s, Who: who, Actions: acts})
		}
	}
	return out
}

// String for a cross-account grant: "statement "S" allows account
// 444455556666 s3:PutObjectAcl".
func (g Grant) CrossString() string {
	return fmt.Sprintf("statement %s allows %s %s", sidName(g.Statement), strings.Join(g.Who, ", "), strings.Join(g.Actions, ", "))
}

func sidName(s *Statement) string {
	if s.Sid == "" {
		return "(no Sid)"
	}
	return fmt.Sprintf("%q", s.Sid)
}
