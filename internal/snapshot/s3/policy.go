package s3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Policy is a resource policy (a bucket's), normalized: every element
// that IAM allows as a string or a list is a list, principals and
// conditions are flat lists.
type Policy struct {
	Version    string      `json:"version,omitempty"`
	Statements []Statement `json:"statements"`
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"` // Allow or Deny
	// Principals is the Principal element; NotPrincipals NotPrincipal.
	Principals    []Principal `json:"principals,omitempty"`
	NotPrincipals []Principal `json:"not_principals,omitempty"`
	Actions       []string    `json:"actions,omitempty"`
	NotActions    []string    `json:"not_actions,omitempty"`
	Resources     []string    `json:"resources,omitempty"`
	NotResources  []string    `json:"not_resources,omitempty"`
	// Conditions are sorted by operator, then key.
	Conditions []Condition `json:"conditions,omitempty"`
}

// Principal is one principal of a statement. The bare "*" is Type "*",
// ID "*"; {"AWS": "*"} is Type "AWS", ID "*".
type Principal struct {
	Type string `json:"type"` // *, AWS, Service, Federated, CanonicalUser
	ID   string `json:"id"`
}

// Condition is one key of one condition operator.
type Condition struct {
	Operator string   `json:"operator"` // StringEquals, Bool, ForAnyValue:StringLike...
	Key      string   `json:"key"`      // aws:SecureTransport, aws:SourceVpce...
	Values   []string `json:"values"`
}

// ParsePolicy reads a policy document as IAM and S3 accept it.
func ParsePolicy(doc string) (*Policy, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	var stmts []rawStatement
	if err := oneOrMany(raw.Statement, &stmts); err != nil {
		return nil, fmt.Errorf("policy document: Statement: %w", err)
	}
	p := &Policy{Version: raw.Version, Statements: []Statement{}}
	for i, rs := range stmts {
		s, err := rs.normalize()
		if err != nil {
			return nil, fmt.Errorf("policy document: statement %d: %w", i+1, err)
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       json.RawMessage                       `json:"Action"`
	NotAction    json.RawMessage                       `json:"NotAction"`
	Resource     json.RawMessage                       `json:"Resource"`
	NotResource  json.RawMessage                       `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

func (r rawStatement) normalize() (Statement, error) {
	s := Statement{Sid: r.Sid, Effect: r.Effect}
	var err error
	if s.Principals, err = principals(r.Principal); err != nil {
		return s, fmt.Errorf("Principal: %w", err)
	}
	if s.NotPrincipals, err = principals(r.NotPrincipal); err != nil {
		return s, fmt.Errorf("NotPrincipal: %w", err)
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *[]string
	}{{"Action", r.Action, &s.Actions}, {"NotAction", r.NotAction, &s.NotActions},
		{"Resource", r.Resource, &s.Resources}, {"NotResource", r.NotResource, &s.NotResources}} {
		if err := oneOrMany(f.raw, f.dst); err != nil {
			return s, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	for op, kv := range r.Condition {
		for k, v := range kv {
			vals, err := scalars(v)
			if err != nil {
				return s, fmt.Errorf("Condition %s %s: %w", op, k, err)
			}
			s.Conditions = append(s.Conditions, Condition{Operator: op, Key: k, Values: vals})
		}
	}
	sort.Slice(s.Conditions, func(i, j int) bool {
		a, b := s.Conditions[i], s.Conditions[j]
		if a.Operator != b.Operator {
			return a.Operator < b.Operator
		}
		return a.Key < b.Key
	})
	return s, nil
}

// principals reads "*" or {"AWS": "..." | [...], "Service": ...}.
func principals(raw json.RawMessage) ([]Principal, error) {
	if isAbsent(raw) {
		return nil, nil
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", not %q", star)
		}
		return []Principal{{Type: "*", ID: "*"}}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	types := make([]string, 0, len(m))
	for t := range m {
		types = append(types, t)
	}
	sort.Strings(types)
	var out []Principal
	for _, t := range types {
		var ids []string
		if err := oneOrMany(m[t], &ids); err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		for _, id := range ids {
			out = append(out, Principal{Type: t, ID: id})
		}
	}
	return out, nil
}

// oneOrMany reads a string or a list into a list; an absent element
// leaves dst nil. Statements (objects) are read the same way.
func oneOrMany[T any](raw json.RawMessage, dst *[]T) error {
	if isAbsent(raw) {
		return nil
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		return json.Unmarshal(raw, dst)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*dst = []T{one}
	return nil
}

// scalars reads a condition value: a string, boolean or number, or a list
// of them, as strings.
func scalars(raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if err := oneOrMany(raw, &list); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, err
		}
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case bool:
			out = append(out, strconv.FormatBool(x))
		case float64:
			out = append(out, string(bytes.TrimSpace(v)))
		default:
			return nil, fmt.Errorf("value %s is not a string, boolean or number", v)
		}
	}
	return out, nil
}

func isAbsent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
