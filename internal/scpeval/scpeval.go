// Package scpeval decides what the service control policies along an
// account's path in an organization allow, and says why: the one rule
// the simulator enforces, `guardrail scp plan` previews and `guardrail
// scp explain` reports, over the one policy engine (internal/policy).
//
// AWS's rule (Organizations User Guide, "SCP evaluation"): a request in a
// member account is allowed by SCPs only if, at every level of the
// account's path (the root, each OU down to the account, the account
// itself), at least one attached SCP allows it, and no SCP attached
// anywhere on the path denies it. An explicit deny wins over any allow.
// The management account, and service-linked roles, are not subject to
// SCPs at all: the caller decides that before asking (Exempt helps).
//
// The judgement in here is which reason to give when several apply: an
// explicit deny is reported before a missing allow (it is the one an
// administrator must change; fixing a missing allow alone would not let
// the call through), and among denies, the one nearest the root first
// (it covers the most accounts), then in attachment order (policy ID),
// then statement order.
//
// It imports nothing of ours but internal/policy, so the simulator may
// use it.
package scpeval

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

// Target kinds, as Organizations names them.
const (
	Root    = "ROOT"
	OU      = "ORGANIZATIONAL_UNIT"
	Account = "ACCOUNT"
)

// Level is one target of an account's path and the SCPs attached to it.
type Level struct {
	// Target is the root, OU or account ID; Kind one of Root, OU,
	// Account; Name the OU's or account's name ("Root" for the root).
	Target, Kind, Name string
	Policies           []Policy
}

// Policy is one attached SCP.
type Policy struct {
	ID, Name string
	Doc      *policy.Document
}

// Decision is what the SCPs along a path decide for one request.
type Decision struct {
	Allowed bool
	// Deny is the statement that explicitly denied the request (nil
	// when none did).
	Deny *Hit
	// NoAllow is the first level (from the root) at which no attached
	// SCP allows the request: an implicit deny. Nil when every level
	// allows or when Deny is set.
	NoAllow *Level
	// Allows are, per level, the statements that allowed the request
	// (for an allowed request, or up to the level that did not).
	Allows []Hit
}

// Hit is one statement of one policy at one level.
type Hit struct {
	Level     *Level
	Policy    Policy
	Statement *policy.Statement
}

// Evaluate applies AWS's SCP rule to r along path (root first).
func Evaluate(path []Level, r *policy.Request) Decision {
	var d Decision
	for i := range path {
		lv := &path[i]
		for _, p := range lv.Policies {
			if p.Doc == nil {
				continue
			}
			if res := p.Doc.Evaluate(r); res.Decision == policy.Deny {
				d.Deny = &Hit{Level: lv, Policy: p, Statement: res.Statement}
				return d
			}
		}
	}
	for i := range path {
		lv := &path[i]
		allowed := false
		for _, p := range lv.Policies {
			if p.Doc == nil {
				continue
			}
			if res := p.Doc.Evaluate(r); res.Decision == policy.Allow {
				d.Allows = append(d.Allows, Hit{Level: lv, Policy: p, Statement: res.Statement})
				allowed = true
				break
			}
		}
		if !allowed {
			d.NoAllow = lv
			return d
		}
	}
	d.Allowed = true
	return d
}

// Exempt reports whether a principal is outside SCPs: a service-linked
// role (its ARN has the path /aws-service-role/). The management
// account's exemption is the caller's to decide: it knows the
// organization.
func Exempt(principalARN string) bool {
	return strings.Contains(principalARN, ":role/aws-service-role/") || strings.Contains(principalARN, ":assumed-role/AWSServiceRoleFor")
}

// RoleARN returns the ARN that aws:PrincipalArn holds for a caller: for
// an assumed-role session (arn:aws:sts::A:assumed-role/R/S) the role's
// ARN (arn:aws:iam::A:role/R, without its path, which the session ARN
// does not carry; pass the role's full ARN when known instead), else the
// ARN as it is.
func RoleARN(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:aws:sts::")
	if !ok {
		return arn
	}
	acct, res, ok := strings.Cut(rest, ":")
	if !ok {
		return arn
	}
	role, ok := strings.CutPrefix(res, "assumed-role/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(role, "/")
	return "arn:aws:iam::" + acct + ":role/" + name
}

// Kind returns the target kind of an Organizations ID: r-... is the
// root, ou-... an OU, 12 digits an account.
func Kind(id string) string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return Root
	case strings.HasPrefix(id, "ou-"):
		return OU
	}
	return Account
}
