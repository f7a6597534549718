package world

import (
	"encoding/json"
	"strings"
)

// Resource policies of SQS queues and EventBridge buses.
//
// AWS lets a service or another account act on a queue or a bus only
// when the resource's policy allows it: EventBridge sends to a queue
// whose policy allows events.amazonaws.com sqs:SendMessage, S3 to one
// that allows s3.amazonaws.com, and an account puts events on another's
// bus when the bus policy allows its account or its organization. A
// simulator that delivered regardless would pass a deployment that
// forgot the policy, which then receives nothing on AWS; so delivery
// here is judged on the policy, and the reading is deliberately
// conservative: what it does not understand grants nothing.
//
//   - An explicit Deny that matches wins over any Allow; no matching
//     Allow is a denial.
//   - Principal "*" is anyone; {"AWS": "*"} any account; {"AWS": id or
//     arn:aws:iam::id:root or an ARN of that account's principals};
//     {"Service": name}. NotPrincipal, NotAction and NotResource make a
//     statement match nothing.
//   - Action and Resource take IAM wildcards (* and ?), actions case-
//     insensitively; a statement without Resource covers the resource.
//   - Conditions: String{Equals,NotEquals,EqualsIgnoreCase,Like,NotLike}
//     and Arn{Equals,Like,NotEquals,NotLike}, each with IfExists, on the
//     keys the request carries (aws:SourceArn, aws:SourceAccount,
//     aws:PrincipalOrgID, aws:PrincipalAccount); keys compare case-
//     insensitively. Any other operator, or a set operator
//     (ForAnyValue:...), fails the statement.

// PolicyRequest is one request judged against a resource policy.
type PolicyRequest struct {
	// Service is a service principal (events.amazonaws.com); or Account
	// (and optionally PrincipalARN) an account's principal.
	Service      string
	Account      string
	PrincipalARN string
	Action       string // sqs:SendMessage, events:PutEvents
	Resource     string // the resource's ARN
	// Context holds the condition keys (lower-case names).
	Context map[string]string
}

// PolicyAllowsService reports whether policy lets a service principal
// perform action on resource for a source resource and account.
func PolicyAllowsService(policy, service, action, resource, sourceARN, sourceAccount string) bool {
	return PolicyAllows(policy, PolicyRequest{Service: service, Action: action, Resource: resource,
		Context: map[string]string{"aws:sourcearn": sourceARN, "aws:sourceaccount": sourceAccount}})
}

type policyDoc struct {
	Statement json.RawMessage
}

type policyStatement struct {
	Sid          string
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       json.RawMessage
	NotAction    json.RawMessage
	Resource     json.RawMessage
	NotResource  json.RawMessage
	Condition    map[string]map[string]json.RawMessage
}

// PolicyStatements parses a policy's statements (one or a list); nil
// when the document is not a policy.
func PolicyStatements(policy string) []policyStatement {
	var d policyDoc
	if json.Unmarshal([]byte(policy), &d) != nil || len(d.Statement) == 0 {
		return nil
	}
	var list []policyStatement
	if json.Unmarshal(d.Statement, &list) == nil {
		return list
	}
	var one policyStatement
	if json.Unmarshal(d.Statement, &one) == nil {
		return []policyStatement{one}
	}
	return nil
}

// PolicyAllows judges req against policy (see above).
func PolicyAllows(policy string, req PolicyRequest) bool {
	allowed := false
	for _, st := range PolicyStatements(policy) {
		if !st.matches(req) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func (st policyStatement) matches(req PolicyRequest) bool {
	if len(st.NotPrincipal) > 0 || len(st.NotAction) > 0 || len(st.NotResource) > 0 {
		return false
	}
	if !principalMatches(st.Principal, req) {
		return false
	}
	if !anyMatch(stringsOf(st.Action), func(p string) bool { return wildMatch(strings.ToLower(p), strings.ToLower(req.Action)) }) {
		return false
	}
	if len(st.Resource) > 0 && !anyMatch(stringsOf(st.Resource), func(p string) bool { return wildMatch(p, req.Resource) }) {
		return false
	}
	for op, keys := range st.Condition {
		for key, raw := range keys {
			if !conditionHolds(op, strings.ToLower(key), stringsOf(raw), req.Context) {
				return false
			}
		}
	}
	return true
}

func principalMatches(raw json.RawMessage, req PolicyRequest) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	if req.Service != "" {
		return anyMatch(stringsOf(m["Service"]), func(p string) bool { return p == req.Service })
	}
	return anyMatch(stringsOf(m["AWS"]), func(p string) bool {
		switch {
		case p == "*", p == req.Account, p == "arn:aws:iam::"+req.Account+":root":
			return true
		case req.PrincipalARN != "" && p == req.PrincipalARN:
			return true
		}
		return false
	})
}

func conditionHolds(op, key string, values []string, ctx map[string]string) bool {
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	v, present := ctx[key]
	if present && v == "" {
		present = false
	}
	if !present {
		return ifExists || op == "StringNotEquals" || op == "StringNotLike" || op == "ArnNotEquals" || op == "ArnNotLike"
	}
	switch op {
	case "StringEquals", "ArnEquals":
		return anyMatch(values, func(p string) bool { return p == v })
	case "StringEqualsIgnoreCase":
		return anyMatch(values, func(p string) bool { return strings.EqualFold(p, v) })
	case "StringLike", "ArnLike":
		return anyMatch(values, func(p string) bool { return wildMatch(p, v) })
	case "StringNotEquals", "ArnNotEquals":
		return !anyMatch(values, func(p string) bool { return p == v })
	case "StringNotLike", "ArnNotLike":
		return !anyMatch(values, func(p string) bool { return wildMatch(p, v) })
	}
	return false
}

// stringsOf reads a JSON string or list of strings.
func stringsOf(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var list []string
	json.Unmarshal(raw, &list)
	return list
}

func anyMatch(list []string, f func(string) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

// wildMatch is IAM's wildcard match: * any run, ? one character.
func wildMatch(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
