package s3

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// This file holds what the S3 controls ask of a bucket policy: what it
// lets everyone do (read, write), what it lets other accounts do, and
// whether it denies requests without TLS. Who a statement lets in, which
// conditions narrow it, and which Deny takes a grant back are the policy
// package's rules (internal/policy, public.go), shared with the Lambda
// and KMS controls and the inventory; here are only S3's families of
// actions.

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

// document converts the snapshot's normalized bucket policy to a policy
// document for the evaluator.
func document(p *s3snap.Policy) *policy.Document {
	if p == nil {
		return nil
	}
	d := &policy.Document{Version: p.Version}
	principals := func(ps []s3snap.Principal) map[string][]string {
		if len(ps) == 0 {
			return nil
		}
		m := map[string][]string{}
		for _, x := range ps {
			typ := x.Type
			if typ == "*" {
				typ = "AWS"
			}
			m[typ] = append(m[typ], x.ID)
		}
		return m
	}
	for i, st := range p.Statements {
		s := &policy.Statement{Sid: st.Sid, Effect: st.Effect, Index: i,
			Principal: principals(st.Principals), NotPrincipal: principals(st.NotPrincipals),
			Action: st.Actions, NotAction: st.NotActions, Resource: st.Resources, NotResource: st.NotResources}
		for _, c := range st.Conditions {
			s.Condition = append(s.Condition, policy.Condition{Operator: c.Operator, Key: c.Key, Values: c.Values})
		}
		d.Statements = append(d.Statements, s)
	}
	return d
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

// grantsOf returns the actions of f the statement allows (its patterns, or
// for NotAction the concrete actions it leaves out), nil when none.
func grantsOf(st *policy.Statement, f family) []string {
	var out []string
	if st.NotAction != nil {
		var concrete []string
		if f&famRead != 0 {
			concrete = append(concrete, readActions...)
		}
		if f&famWrite != 0 {
			concrete = append(concrete, writeActions...)
		}
		for _, a := range concrete {
			if st.MatchesAction(a) {
				out = append(out, a)
			}
		}
		return out
	}
	for _, p := range st.Action {
		if inFamily(p, f) {
			out = append(out, p)
		}
	}
	return out
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
// of f, less what a Deny statement takes back from every outsider, and
// how many grants to everyone such Deny statements took back whole.
func publicGrants(p *s3snap.Policy, owner string, f family) (grants []publicGrant, takenBack int) {
	d := document(p)
	if d == nil {
		return nil, 0
	}
	for _, st := range d.Statements {
		if !st.OpenToAll() {
			continue
		}
		all := grantsOf(st, f)
		acts := d.NotDenied(st, all, policy.Scope{Owner: owner})
		switch {
		case len(acts) > 0:
			grants = append(grants, publicGrant{sid: st.Sid, actions: acts})
		case len(all) > 0:
			takenBack++
		}
	}
	return grants, takenBack
}

// deniesHTTP returns the statements of p that deny everyone every S3
// action when aws:SecureTransport is false, and whether, together, they
// cover the bucket and its objects.
func deniesHTTP(p *s3snap.Policy, bucketARN string) ([]string, bool) {
	d := document(p)
	if d == nil {
		return nil, false
	}
	var sids, resources []string
	for _, st := range d.Statements {
		if !st.IsDeny() || !st.AnyPrincipal() || st.NotAction != nil || st.NotResource != nil || !allActions(st.Action) {
			continue
		}
		if len(st.Condition) == 1 && insecureTransport(st.Condition[0]) {
			sids = append(sids, sidName(st.Sid))
			resources = append(resources, st.Resource...)
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
		if policy.MatchResource(r, arn) {
			return true
		}
	}
	return false
}

// insecureTransport reports whether c matches requests sent without TLS:
// Bool (or BoolIfExists) aws:SecureTransport false.
func insecureTransport(c policy.Condition) bool {
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
