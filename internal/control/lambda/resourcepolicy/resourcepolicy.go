// Package resourcepolicy reads resource-based policy documents (Lambda
// function policies, KMS key policies) and tells which statements grant
// access to anyone. It is the one "public principal" evaluator the
// Lambda.1 and KMS.5 controls share.
//
// A statement is public when it allows a wildcard principal ("*",
// {"AWS": "*"}, or everyone but a NotPrincipal) and no condition narrows
// it to fixed accounts, organizations, sources or networks. As AWS Config
// puts it for both controls, a value is fixed when it holds no wildcard
// and no policy variable; a condition that ends in IfExists, or uses
// ForAllValues, does not narrow anything (it holds when the key is
// missing). Deny statements are not subtracted: a public Allow is reported
// even when a Deny covers part of it.
package resourcepolicy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Document is a parsed policy document.
type Document struct {
	Statements []*Statement
}

// Statement is one statement, with every string-or-list element as a list.
type Statement struct {
	Sid    string
	Effect string
	// Principals maps the principal type (AWS, Service, Federated,
	// CanonicalUser) to its values; "Principal": "*" is {"*": ["*"]}.
	Principals map[string][]string
	// NotPrincipal says Principals came from a NotPrincipal element.
	NotPrincipal bool
	Actions      []string
	// NotAction says Actions came from a NotAction element.
	NotAction  bool
	Conditions []Condition
}

// Condition is one key of a condition block under one operator.
type Condition struct {
	// Operator is as written ("StringEquals", "ForAnyValue:StringLike").
	Operator string
	// Key is as written ("aws:SourceAccount").
	Key    string
	Values []string
}

// Parse reads a policy document (JSON).
func Parse(doc string) (*Document, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	var stmts []rawStatement
	switch {
	case len(raw.Statement) == 0:
	case raw.Statement[0] == '{':
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("parse policy statement: %w", err)
		}
		stmts = []rawStatement{one}
	default:
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			return nil, fmt.Errorf("parse policy statements: %w", err)
		}
	}
	d := &Document{}
	for i, r := range stmts {
		s, err := r.statement()
		if err != nil {
			return nil, fmt.Errorf("parse policy statement %d: %w", i+1, err)
		}
		d.Statements = append(d.Statements, s)
	}
	return d, nil
}

type rawStatement struct {
	Sid          string
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       stringList
	NotAction    stringList
	Condition    map[string]map[string]stringList
}

func (r rawStatement) statement() (*Statement, error) {
	s := &Statement{Sid: r.Sid, Effect: r.Effect, Actions: r.Action}
	if len(r.NotAction) > 0 {
		s.Actions, s.NotAction = r.NotAction, true
	}
	p := r.Principal
	if len(r.NotPrincipal) > 0 {
		p, s.NotPrincipal = r.NotPrincipal, true
	}
	if len(p) > 0 {
		var err error
		if s.Principals, err = principals(p); err != nil {
			return nil, err
		}
	}
	ops := make([]string, 0, len(r.Condition))
	for op := range r.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		keys := make([]string, 0, len(r.Condition[op]))
		for k := range r.Condition[op] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s.Conditions = append(s.Conditions, Condition{Operator: op, Key: k, Values: r.Condition[op][k]})
		}
	}
	return s, nil
}

func principals(raw json.RawMessage) (map[string][]string, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("principal %q: want \"*\" or an object", star)
		}
		return map[string][]string{"*": {"*"}}, nil
	}
	var m map[string]stringList
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("principal: %w", err)
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out, nil
}

// stringList reads a JSON string, or a list of strings, numbers and
// booleans (condition values may be written unquoted).
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var list []any
	if err := json.Unmarshal(b, &list); err != nil {
		var one any
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		list = []any{one}
	}
	for _, v := range list {
		switch v := v.(type) {
		case string:
			*s = append(*s, v)
		case float64, bool:
			*s = append(*s, fmt.Sprint(v))
		default:
			return fmt.Errorf("value %v: want a string", v)
		}
	}
	return nil
}

// Name returns the statement's Sid, or its position when it has none.
func (d *Document) Name(s *Statement) string {
	if s.Sid != "" {
		return s.Sid
	}
	for i, x := range d.Statements {
		if x == s {
			return fmt.Sprintf("#%d", i+1)
		}
	}
	return "?"
}

// Describe says what a public statement s of d grants, for a result's
// reason: "public-invoke allows lambda:InvokeFunction to any principal".
func (d *Document) Describe(s *Statement) string {
	what := strings.Join(s.Actions, ", ")
	if s.NotAction {
		what = "every action but " + what
	}
	if what == "" {
		what = "no action"
	}
	return d.Name(s) + " allows " + what + " to any principal"
}

// Public returns the statements of d that grant access to anyone.
func (d *Document) Public() []*Statement {
	var out []*Statement
	for _, s := range d.Statements {
		if s.Public() {
			out = append(out, s)
		}
	}
	return out
}

// Public reports whether s allows anyone: a wildcard principal and no
// condition that narrows it.
func (s *Statement) Public() bool {
	if !strings.EqualFold(s.Effect, "Allow") || !s.AnyPrincipal() {
		return false
	}
	_, narrowed := s.Restriction()
	return !narrowed
}

// AnyPrincipal reports whether s names every principal: "*", an AWS or
// canonical-user principal with a wildcard, or a NotPrincipal (everyone
// but the ones listed).
func (s *Statement) AnyPrincipal() bool {
	if s.NotPrincipal {
		return true
	}
	for typ, vals := range s.Principals {
		if typ != "*" && typ != "AWS" && typ != "CanonicalUser" {
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
// ("s3.amazonaws.com").
func (s *Statement) Service(svc string) bool {
	for _, v := range s.Principals["Service"] {
		if strings.EqualFold(v, svc) {
			return true
		}
	}
	return false
}

// restricting are the condition keys that, with fixed values, narrow a
// statement to known accounts, organizations, sources or networks.
var restricting = map[string]bool{
	"aws:sourceaccount":     true,
	"aws:sourceowner":       true,
	"aws:sourcearn":         true,
	"aws:sourcevpc":         true,
	"aws:sourcevpce":        true,
	"aws:sourceorgid":       true,
	"aws:sourceorgpaths":    true,
	"aws:sourceip":          true,
	"aws:principalaccount":  true,
	"aws:principalarn":      true,
	"aws:principalorgid":    true,
	"aws:principalorgpaths": true,
	"kms:calleraccount":     true,
}

// narrowing are the operators that hold only for the values listed.
var narrowing = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true,
	"arnequals": true, "arnlike": true, "ipaddress": true,
}

// Restriction returns the first condition of s that narrows it to fixed
// accounts, organizations, sources or networks.
func (s *Statement) Restriction() (Condition, bool) {
	for _, c := range s.Conditions {
		if restricting[strings.ToLower(c.Key)] && c.narrows() {
			return c, true
		}
	}
	return Condition{}, false
}

// Fixed reports whether s has a narrowing condition on key (any case)
// whose values are all fixed.
func (s *Statement) Fixed(key string) bool {
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Key, key) && c.narrows() {
			return true
		}
	}
	return false
}

func (c Condition) narrows() bool {
	op := strings.ToLower(c.Operator)
	op = strings.TrimPrefix(op, "foranyvalue:")
	if !narrowing[op] || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if !fixed(strings.ToLower(c.Key), v) {
			return false
		}
	}
	return true
}

// fixed reports whether v, a value of condition key, names a bounded set:
// no policy variable, and no wildcard where it would let anyone in.
func fixed(key, v string) bool {
	if strings.Contains(v, "${") {
		return false
	}
	switch key {
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		// o-xxx/r-xxx/ou-xxx/*: a wildcard below the organization ID
		// stays inside the organization.
		org, _, _ := strings.Cut(v, "/")
		return strings.HasPrefix(org, "o-") && !wild(org)
	case "aws:sourcearn", "aws:principalarn":
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
