package s3

import (
	"fmt"
	"strings"

	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// This file holds the evaluators of bucket policies that the controls
// share: who a statement lets in (everyone, other accounts), what it lets
// them do (read, write, given actions), and whether a policy denies
// requests without TLS. Actions and condition keys compare as IAM compares
// them: case-insensitively, with * and ? wildcards in actions.

// family is a kind of access: reading or writing the bucket's data.
type family int

const (
	famRead family = 1 << iota
	famWrite
	famAny = famRead | famWrite
)

func (f family) String() string {
	switch f {
	case famRead:
		return "read"
	case famWrite:
		return "write"
	}
	return "access"
}

// The action prefixes of each family ("bad actions" in S3's meaning of
// public: s3:Get*, s3:List* read; s3:Put*, s3:Delete*,
// s3:AbortMultipartUpload, s3:RestoreObject write), and concrete actions
// of each, to test NotAction statements against.
var (
	readPrefixes  = []string{"s3:get", "s3:list"}
	writePrefixes = []string{"s3:put", "s3:delete", "s3:abortmultipartupload", "s3:restoreobject", "s3:replicate"}
	readActions   = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObjectAcl", "s3:GetBucketAcl", "s3:GetBucketPolicy"}
	writeActions  = []string{"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutBucketAcl",
		"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket", "s3:AbortMultipartUpload", "s3:RestoreObject"}
)

// match reports whether the IAM pattern (with * and ?) matches s, in any
// case.
func match(pattern, s string) bool {
	p, v := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative wildcard matching with backtracking to the last *.
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case star >= 0:
			pi, mark = star+1, mark+1
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// allows reports whether the statement's Action (or NotAction) covers the
// concrete action.
func allows(st *s3snap.Statement, action string) bool {
	if len(st.NotActions) > 0 {
		for _, p := range st.NotActions {
			if match(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Actions {
		if match(p, action) {
			return true
		}
	}
	return false
}

// inFamily reports whether an action pattern can match an action of f:
// a concrete action by its prefix, a wildcard pattern when its literal
// start is compatible with one of f's prefixes ("s3:*", "s3:Get*", "*").
func inFamily(pattern string, f family) bool {
	p := strings.ToLower(pattern)
	lit, wild := p, false
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		lit, wild = p[:i], true
	}
	var prefixes []string
	if f&famRead != 0 {
		prefixes = append(prefixes, readPrefixes...)
	}
	if f&famWrite != 0 {
		prefixes = append(prefixes, writePrefixes...)
	}
	for _, pre := range prefixes {
		if strings.HasPrefix(lit, pre) || wild && strings.HasPrefix(pre, lit) {
			return true
		}
	}
	return false
}

// grants returns the actions of f the statement allows (its patterns, or
// for NotAction the concrete actions it leaves out), nil when none.
func grants(st *s3snap.Statement, f family) []string {
	var out []string
	if len(st.NotActions) > 0 {
		var concrete []string
		if f&famRead != 0 {
			concrete = append(concrete, readActions...)
		}
		if f&famWrite != 0 {
			concrete = append(concrete, writeActions...)
		}
		for _, a := range concrete {
			if allows(st, a) {
				out = append(out, a)
			}
		}
		return out
	}
	for _, p := range st.Actions {
		if inFamily(p, f) {
			out = append(out, p)
		}
	}
	return out
}

// everyone reports whether the statement's principal is anyone: "*",
// {"AWS": "*"}, or an Allow with NotPrincipal (all but a few).
func everyone(st *s3snap.Statement) bool {
	if len(st.NotPrincipals) > 0 && st.Effect == "Allow" {
		return true
	}
	for _, p := range st.Principals {
		if p.ID == "*" && (p.Type == "*" || p.Type == "AWS") {
			return true
		}
	}
	return false
}

// restrictingKeys are the condition keys that, with fixed values, pin a
// statement open to everyone to known accounts, organizations, networks
// or resources, so S3 does not consider it public.
var restrictingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true, "aws:sourceaccount": true,
	"aws:sourceowner": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:principalaccount": true, "aws:principalarn": true, "aws:userid": true,
	"aws:principalservicename": true, "aws:sourceip": true, "s3:dataaccesspointaccount": true,
	"s3:dataaccesspointarn": true, "s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

// restricting reports whether a condition limits who matches it: a
// positive operator (not Not*, not *IfExists, not ForAllValues, which all
// also match requests without the key) on a restricting key, with only
// fixed values (no wildcard, no policy variable, no 0.0.0.0/0).
func restricting(c s3snap.Condition) bool {
	op := strings.ToLower(c.Operator)
	if strings.HasPrefix(op, "forallvalues:") || strings.HasSuffix(op, "ifexists") || strings.Contains(op, "not") || op == "null" {
		return false
	}
	if !restrictingKeys[strings.ToLower(c.Key)] || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if v == "" || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") || v == "0.0.0.0/0" || v == "::/0" {
			return false
		}
	}
	return true
}

// public reports whether an Allow statement is open to everyone with no
// condition restricting who.
func public(st *s3snap.Statement) bool {
	if st.Effect != "Allow" || !everyone(st) {
		return false
	}
	for _, c := range st.Conditions {
		if restricting(c) {
			return false
		}
	}
	return true
}

// publicGrant is what one public statement lets everyone do.
type publicGrant struct {
	sid     string
	actions []string
}

func (g publicGrant) String() string {
	return fmt.Sprintf("bucket policy statement %s allows %s to everyone", sidName(g.sid), strings.Join(g.actions, ", "))
}

// publicGrants returns the statements of p that let everyone do something
// of f.
func publicGrants(p *s3snap.Policy, f family) []publicGrant {
	if p == nil {
		return nil
	}
	var out []publicGrant
	for i := range p.Statements {
		st := &p.Statements[i]
		if !public(st) {
			continue
		}
		if acts := grants(st, f); len(acts) > 0 {
			out = append(out, publicGrant{sid: st.Sid, actions: acts})
		}
	}
	return out
}

// accountOf returns the account an AWS principal names: a 12-digit ID or
// an ARN's account field; "" when it names none.
func accountOf(id string) string {
	if len(id) == 12 && strings.Trim(id, "0123456789") == "" {
		return id
	}
	if f := strings.Split(id, ":"); len(f) >= 6 && f[0] == "arn" {
		return f[4]
	}
	return ""
}

// outsiders returns who, other than owner's account, an Allow statement
// lets in: "everyone" or the other accounts it names. A statement open to
// everyone but conditioned on the owner's own account
// (aws:PrincipalAccount or aws:SourceAccount) lets in no outsider.
func outsiders(st *s3snap.Statement, owner string) []string {
	if st.Effect != "Allow" {
		return nil
	}
	if everyone(st) {
		for _, c := range st.Conditions {
			k := strings.ToLower(c.Key)
			if (k == "aws:principalaccount" || k == "aws:sourceaccount") && restricting(c) && onlyValue(c.Values, owner) {
				return nil
			}
		}
		return []string{"everyone"}
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range st.Principals {
		if p.Type != "AWS" {
			continue
		}
		if a := accountOf(p.ID); a != "" && a != owner && !seen[a] {
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

// deniesHTTP returns the statements of p that deny everyone every S3
// action when aws:SecureTransport is false, and whether, together, they
// cover the bucket and its objects.
func deniesHTTP(p *s3snap.Policy, bucketARN string) ([]string, bool) {
	if p == nil {
		return nil, false
	}
	var sids, resources []string
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Deny" || !everyone(st) || len(st.NotActions) > 0 || len(st.NotResources) > 0 || !allActions(st.Actions) {
			continue
		}
		if len(st.Conditions) == 1 && insecureTransport(st.Conditions[0]) {
			sids = append(sids, sidName(st.Sid))
			resources = append(resources, st.Resources...)
		}
	}
	return sids, len(sids) > 0 && covers(resources, bucketARN) && covers(resources, bucketARN+"/object")
}

// allActions reports whether the patterns cover every S3 action.
func allActions(patterns []string) bool {
	for _, p := range patterns {
		if p == "*" || strings.EqualFold(p, "s3:*") {
			return true
		}
	}
	return false
}

func covers(resources []string, arn string) bool {
	for _, r := range resources {
		if match(r, arn) {
			return true
		}
	}
	return false
}

// insecureTransport reports whether c matches requests sent without TLS:
// Bool (or BoolIfExists) aws:SecureTransport false.
func insecureTransport(c s3snap.Condition) bool {
	op := strings.ToLower(c.Operator)
	if op != "bool" && op != "boolifexists" || !strings.EqualFold(c.Key, "aws:SecureTransport") {
		return false
	}
	for _, v := range c.Values {
		if strings.EqualFold(v, "false") {
			return true
		}
	}
	return false
}

func sidName(sid string) string {
	if sid == "" {
		return "(no Sid)"
	}
	return fmt.Sprintf("%q", sid)
}
