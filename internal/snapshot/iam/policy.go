package iam

import (
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

// Document is a parsed IAM identity policy document: its statements, with
// Action, NotAction, Resource and NotResource made lists whether the JSON
// gave a string or a list.
type Document struct {
	Statements []Statement `json:"statements"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid string `json:"sid,omitempty"`
	// Effect is "Allow" or "Deny".
	Effect       string   `json:"effect"`
	Actions      []string `json:"actions,omitempty"`
	NotActions   []string `json:"not_actions,omitempty"`
	Resources    []string `json:"resources,omitempty"`
	NotResources []string `json:"not_resources,omitempty"`
	// Conditional says the statement has a Condition block. The checks
	// below do not evaluate conditions (as the AWS Config rules behind
	// Security Hub's IAM and KMS controls do not).
	Conditional bool `json:"conditional,omitempty"`
}

// ParseDocument parses a policy document's JSON (not URL-encoded) with
// the one policy parser (internal/policy).
func ParseDocument(text string) (Document, error) {
	pd, err := policy.ParseString(text)
	if err != nil {
		return Document{}, fmt.Errorf("parse policy document: %w", err)
	}
	var d Document
	for _, r := range pd.Statements {
		d.Statements = append(d.Statements, Statement{
			Sid: r.Sid, Effect: r.Effect,
			Actions: r.Action, NotActions: r.NotAction, Resources: r.Resource, NotResources: r.NotResource,
			Conditional: len(r.Condition) > 0,
		})
	}
	return d, nil
}

// Allow reports whether s is an Allow statement.
func (s Statement) Allow() bool { return s.Effect == "Allow" }

// MatchesAction reports whether s applies to action ("kms:Decrypt"):
// one of its Action patterns matches it, or it has NotAction and none of
// those matches. Action names are case-insensitive.
func (s Statement) MatchesAction(action string) bool {
	for _, p := range s.Actions {
		if match(strings.ToLower(p), strings.ToLower(action)) {
			return true
		}
	}
	if len(s.NotActions) == 0 {
		return false
	}
	for _, p := range s.NotActions {
		if match(strings.ToLower(p), strings.ToLower(action)) {
			return false
		}
	}
	return true
}

// AllowsFullAdmin reports whether d has an Allow statement with Action
// "*" over Resource "*" (full administrative privileges).
func (d Document) AllowsFullAdmin() bool {
	for _, s := range d.Statements {
		if s.Allow() && hasAny(s.Actions, "*", "*:*") && hasAny(s.Resources, "*") {
			return true
		}
	}
	return false
}

// ServiceWildcards returns the actions of d's Allow statements that grant
// every action of a service ("s3:*") or of all services ("*"), sorted.
// Prefixed wildcards such as "ec2:Describe*" are not service wildcards.
func (d Document) ServiceWildcards() []string {
	seen := map[string]bool{}
	for _, s := range d.Statements {
		if !s.Allow() {
			continue
		}
		for _, a := range s.Actions {
			svc, op, ok := strings.Cut(a, ":")
			if a == "*" || ok && op == "*" && svc != "" && !strings.ContainsAny(svc, "*?") {
				seen[a] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// AllowsOnAllKMSKeys returns those of actions that an Allow statement of
// d grants on every KMS key: with Resource "*" or a key ARN pattern that
// matches all keys ("arn:aws:kms:*:111122223333:key/*"), or with a
// NotResource that excludes no key.
func (d Document) AllowsOnAllKMSKeys(actions ...string) []string {
	var out []string
	for _, a := range actions {
		for _, s := range d.Statements {
			if s.Allow() && s.MatchesAction(a) && s.coversAllKMSKeys() {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

func (s Statement) coversAllKMSKeys() bool {
	for _, r := range s.Resources {
		if allKeys(r) {
			return true
		}
	}
	if len(s.NotResources) == 0 {
		return false
	}
	for _, r := range s.NotResources {
		if anyKey(r) {
			return false
		}
	}
	return true
}

// keySamples returns KMS key ARNs in different regions, in the pattern's
// partition and account when it names them, so a pattern matching all of
// them matches every key of the account.
func keySamples(pattern string) []string {
	partition, account := "aws", "111122223333"
	if parts := strings.SplitN(pattern, ":", 6); len(parts) == 6 {
		if !strings.ContainsAny(parts[1], "*?") {
			partition = parts[1]
		}
		if !strings.ContainsAny(parts[4], "*?") {
			account = parts[4]
		}
	}
	return []string{
		"arn:" + partition + ":kms:us-east-1:" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:" + partition + ":kms:eu-west-3:" + account + ":key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
	}
}

// allKeys reports whether resource pattern p matches every KMS key.
func allKeys(p string) bool {
	for _, k := range keySamples(p) {
		if !match(p, k) {
			return false
		}
	}
	return true
}

// anyKey reports whether resource pattern p matches some KMS key.
func anyKey(p string) bool {
	for _, k := range keySamples(p) {
		if match(p, k) {
			return true
		}
	}
	return strings.Contains(p, ":kms:")
}

func hasAny(list []string, want ...string) bool {
	for _, v := range list {
		for _, w := range want {
			if v == w {
				return true
			}
		}
	}
	return false
}

// match reports whether s matches the IAM wildcard pattern p: "*" stands
// for any run of characters (colons and slashes included), "?" for one.
func match(p, s string) bool { return policy.Glob(p, s) }
