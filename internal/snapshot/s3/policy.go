package s3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/policy"
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

// ParsePolicy reads a policy document as IAM and S3 accept it, with the
// one policy parser (internal/policy), and normalizes it.
func ParsePolicy(doc string) (*Policy, error) {
	d, err := policy.ParseString(doc)
	if err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	p := &Policy{Version: d.Version, Statements: []Statement{}}
	for _, st := range d.Statements {
		s := Statement{Sid: st.Sid, Effect: st.Effect, Actions: st.Action, NotActions: st.NotAction,
			Resources: st.Resource, NotResources: st.NotResource,
			Principals: principals(st.Principal, rawElement(st.Raw, "Principal")), NotPrincipals: principals(st.NotPrincipal, rawElement(st.Raw, "NotPrincipal"))}
		for _, c := range st.Condition {
			s.Conditions = append(s.Conditions, Condition{Operator: c.Operator, Key: c.Key, Values: c.Values})
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

// rawElement returns an element of a statement as written.
func rawElement(stmt json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(stmt, &m) != nil {
		return nil
	}
	return m[name]
}

// principals flattens a principal map, types sorted, values as written;
// "Principal": "*" (written so) is {Type: "*", ID: "*"}.
func principals(m map[string][]string, raw json.RawMessage) []Principal {
	if m == nil {
		return nil
	}
	if string(bytes.TrimSpace(raw)) == `"*"` {
		return []Principal{{Type: "*", ID: "*"}}
	}
	types := make([]string, 0, len(m))
	for t := range m {
		types = append(types, t)
	}
	sort.Strings(types)
	var out []Principal
	for _, t := range types {
		for _, id := range m[t] {
			out = append(out, Principal{Type: t, ID: id})
		}
	}
	return out
}
