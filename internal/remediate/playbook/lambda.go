package playbook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdaapi "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/policy"
)

// lambdaPlaybooks returns the playbooks of Lambda's controls.
func lambdaPlaybooks() []Playbook {
	return []Playbook{lambdaPolicyPrivate()}
}

// A function policy has no "put" call: each statement is written by
// AddPermission and removed by RemovePermission, by Sid. So the state
// keeps each statement as the AddPermission call that writes it again,
// and a rollback re-adds a removed statement with the same Sid,
// principal, source ARN and account, organization, function URL
// conditions and event source token. A statement that AddPermission
// could not have written as it reads (a Deny, several actions or
// principals, a condition AddPermission has no parameter for, a
// qualified resource) is kept whole and left alone: the playbook skips a
// function whose public statement is one of those, since removing it
// could not be undone.
//
// Which statements make the policy public is decided by the evaluator
// the Lambda.1 control uses (internal/policy: Statement.OpenToAll), so the
// playbook removes what the control fails and nothing else.

// lambdaPolicyState is a function's resource-based policy.
type lambdaPolicyState struct {
	// Statements are the policy's statements, sorted by Sid; empty when
	// the function has no policy.
	Statements []lambdaPermission `json:"statements"`
}

// lambdaPermission is one statement of a function policy, as the
// AddPermission call that writes it.
type lambdaPermission struct {
	Sid       string `json:"sid"`
	Action    string `json:"action,omitempty"`
	Principal string `json:"principal,omitempty"` // "*", an account or role ARN, or a service
	// The conditions AddPermission writes.
	SourceArn             string `json:"source_arn,omitempty"`
	SourceAccount         string `json:"source_account,omitempty"`
	PrincipalOrgID        string `json:"principal_org_id,omitempty"`
	FunctionURLAuthType   string `json:"function_url_auth_type,omitempty"`
	EventSourceToken      string `json:"event_source_token,omitempty"`
	InvokedViaFunctionURL bool   `json:"invoked_via_function_url,omitempty"`
	// Statement is the statement as the policy has it, when AddPermission
	// could not write it again; the other fields are then empty.
	Statement json.RawMessage `json:"statement,omitempty"`
}

// lambdaPolicyPrivate removes public access from a function policy
// (Lambda.1).
func lambdaPolicyPrivate() Playbook {
	return &def[lambdaPolicyState]{
		info: Info{
			Control: "Lambda.1", Name: "lambda.policy-private",
			Summary: "Remove the function policy statements that allow anyone (by Sid); an Amazon S3 statement that does not pin the " +
				"bucket owner's account gets aws:SourceAccount set to the function's account instead",
			Risk: "callers that relied on the public grant lose access at once: anyone invoking the function without a permission " +
				"of their own, and every caller of a function URL whose auth type is NONE (the URL answers 403); an S3 " +
				"notification from a bucket owned by another account stops, and while an S3 statement is replaced (removed " +
				"and added again with the same Sid) an event can be refused",
			Actions: []string{"lambda:GetPolicy", "lambda:GetFunctionConfiguration", "lambda:RemovePermission", "lambda:AddPermission"},
		},
		read: lambdaReadPolicy,
		fix:  lambdaFixPolicy,
		set:  lambdaSetPolicy,
	}
}

func lambdaReadPolicy(ctx context.Context, env Env) (lambdaPolicyState, error) {
	c := lambdaapi.NewFromConfig(env.Config)
	fn := aws.String(env.Resource.ARN)
	out := lambdaPolicyState{Statements: []lambdaPermission{}}
	o, err := c.GetPolicy(ctx, &lambdaapi.GetPolicyInput{FunctionName: fn})
	if awsx.IsNotFound(err) {
		// No policy, or no function: only the function tells.
		_, err := c.GetFunctionConfiguration(ctx, &lambdaapi.GetFunctionConfigurationInput{FunctionName: fn})
		if awsx.IsNotFound(err) {
			return out, Skip("function %s no longer exists", env.Resource.ID())
		}
		return out, err
	}
	if err != nil {
		return out, err
	}
	var doc struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(aws.ToString(o.Policy)), &doc); err != nil {
		return out, fmt.Errorf("function %s policy: %w", env.Resource.ID(), err)
	}
	var raws []json.RawMessage
	switch d := bytes.TrimSpace(doc.Statement); {
	case len(d) == 0:
	case d[0] == '{':
		raws = []json.RawMessage{d}
	default:
		if err := json.Unmarshal(d, &raws); err != nil {
			return out, fmt.Errorf("function %s policy statements: %w", env.Resource.ID(), err)
		}
	}
	for _, r := range raws {
		out.Statements = append(out.Statements, lambdaPermissionOf(r, env.Resource.ARN))
	}
	slices.SortStableFunc(out.Statements, func(a, b lambdaPermission) int { return strings.Compare(a.Sid, b.Sid) })
	return out, nil
}

// lambdaPermissionOf reads a statement of the policy of function fn as
// the AddPermission call that writes it, or keeps it whole when none
// would.
func lambdaPermissionOf(raw json.RawMessage, fn string) lambdaPermission {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return lambdaPermission{Statement: raw}
	}
	str := func(key string) (string, bool) {
		var s string
		err := json.Unmarshal(m[key], &s)
		return s, err == nil
	}
	sid, _ := str("Sid")
	whole := lambdaPermission{Sid: sid, Statement: raw}
	for k := range m {
		if !slices.Contains([]string{"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}, k) {
			return whole
		}
	}
	effect, _ := str("Effect")
	action, okAction := str("Action")
	resource, _ := str("Resource")
	if sid == "" || effect != "Allow" || !okAction || resource != fn {
		return whole
	}
	p := lambdaPermission{Sid: sid, Action: action}
	if s, ok := str("Principal"); ok && s == "*" {
		p.Principal = s
	} else {
		var pm map[string]string
		if json.Unmarshal(m["Principal"], &pm) != nil || len(pm) != 1 {
			return whole
		}
		switch {
		case pm["AWS"] != "":
			p.Principal = pm["AWS"]
		case pm["Service"] != "":
			p.Principal = pm["Service"]
		default:
			return whole
		}
	}
	if len(m["Condition"]) == 0 {
		return p
	}
	var cond map[string]map[string]string
	if json.Unmarshal(m["Condition"], &cond) != nil {
		return whole
	}
	for op, keys := range cond {
		for k, v := range keys {
			var dst *string
			switch op + " " + strings.ToLower(k) {
			case "StringEquals aws:sourceaccount":
				dst = &p.SourceAccount
			case "ArnLike aws:sourcearn":
				dst = &p.SourceArn
			case "StringEquals aws:principalorgid":
				dst = &p.PrincipalOrgID
			case "StringEquals lambda:functionurlauthtype":
				dst = &p.FunctionURLAuthType
			case "StringEquals lambda:eventsourcetoken":
				dst = &p.EventSourceToken
			case "Bool lambda:invokedviafunctionurl":
				if v != "true" {
					return whole
				}
				p.InvokedViaFunctionURL = true
				continue
			default:
				return whole
			}
			if v == "" {
				return whole
			}
			*dst = v
		}
	}
	return p
}

// statement returns the statement as AddPermission writes it into the
// policy of function fn.
func (p lambdaPermission) statement(fn string) json.RawMessage {
	if p.Statement != nil {
		return p.Statement
	}
	st := map[string]any{"Sid": p.Sid, "Effect": "Allow", "Action": p.Action, "Resource": fn}
	switch {
	case p.Principal == "*":
		st["Principal"] = "*"
	case len(p.Principal) == 12 && strings.Trim(p.Principal, "0123456789") == "":
		st["Principal"] = map[string]string{"AWS": "arn:aws:iam::" + p.Principal + ":root"}
	case strings.HasPrefix(p.Principal, "arn:"):
		st["Principal"] = map[string]string{"AWS": p.Principal}
	default:
		st["Principal"] = map[string]string{"Service": p.Principal}
	}
	cond := map[string]map[string]string{}
	add := func(op, key, v string) {
		if v == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]string{}
		}
		cond[op][key] = v
	}
	add("StringEquals", "AWS:SourceAccount", p.SourceAccount)
	add("StringEquals", "aws:PrincipalOrgID", p.PrincipalOrgID)
	add("StringEquals", "lambda:FunctionUrlAuthType", p.FunctionURLAuthType)
	add("StringEquals", "lambda:EventSourceToken", p.EventSourceToken)
	add("ArnLike", "AWS:SourceArn", p.SourceArn)
	if p.InvokedViaFunctionURL {
		add("Bool", "lambda:InvokedViaFunctionUrl", "true")
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	b, _ := json.Marshal(st)
	return b
}

// lambdaJudge says whether a statement fails Lambda.1 as the control
// judges it: public (anyone, no narrowing condition), or an Allow to
// Amazon S3 that does not pin the bucket owner's account.
func lambdaJudge(stmt json.RawMessage) (public, s3Unpinned bool, err error) {
	doc, err := policy.ParseString(`{"Statement":[` + string(stmt) + `]}`)
	if err != nil {
		return false, false, err
	}
	if len(doc.Statements) != 1 {
		return false, false, fmt.Errorf("statement %s: not one statement", stmt)
	}
	s := doc.Statements[0]
	if s.OpenToAll() {
		return true, false, nil
	}
	return false, s.IsAllow() && s.Service("s3.amazonaws.com") &&
		!s.Fixed("aws:SourceAccount") && !s.Fixed("aws:SourceOwner"), nil
}

func lambdaFixPolicy(env Env, cur lambdaPolicyState) (lambdaPolicyState, error) {
	want := lambdaPolicyState{Statements: []lambdaPermission{}}
	for _, p := range cur.Statements {
		public, s3, err := lambdaJudge(p.statement(env.Resource.ARN))
		if err != nil {
			return cur, err
		}
		if !public && !s3 {
			want.Statements = append(want.Statements, p)
			continue
		}
		if p.Statement != nil {
			return cur, Skip("statement %s grants public access, but AddPermission could not add it back as it is written, "+
				"so removing it could not be rolled back: %s", lambdaSidOr(p.Sid), p.Statement)
		}
		if s3 {
			p.SourceAccount = env.Account
			want.Statements = append(want.Statements, p)
		}
	}
	return want, nil
}

func lambdaSidOr(sid string) string {
	if sid == "" {
		return "(without Sid)"
	}
	return sid
}

func lambdaSetPolicy(ctx context.Context, env Env, cur, want lambdaPolicyState) error {
	bySid := func(ps []lambdaPermission) map[string]lambdaPermission {
		m := map[string]lambdaPermission{}
		for _, p := range ps {
			if p.Sid != "" { // RemovePermission needs a Sid; AddPermission writes one
				m[p.Sid] = p
			}
		}
		return m
	}
	have, need := bySid(cur.Statements), bySid(want.Statements)
	var remove []string
	var add []lambdaPermission
	for _, p := range cur.Statements {
		w, keep := need[p.Sid]
		switch {
		case p.Sid == "":
		case !keep:
			remove = append(remove, p.Sid)
		case !lambdaSame(p, w):
			remove, add = append(remove, p.Sid), append(add, w)
		}
	}
	for _, w := range want.Statements {
		if _, ok := have[w.Sid]; !ok && w.Sid != "" {
			add = append(add, w)
		}
	}
	// Refuse before changing anything what cannot be written back.
	for _, p := range add {
		if p.Statement != nil {
			return fmt.Errorf("function %s: statement %s cannot be added by AddPermission as it is written: %s", env.Resource.ID(), p.Sid, p.Statement)
		}
	}
	c := lambdaapi.NewFromConfig(env.Config)
	fn := aws.String(env.Resource.ARN)
	for _, sid := range remove {
		_, err := c.RemovePermission(ctx, &lambdaapi.RemovePermissionInput{FunctionName: fn, StatementId: aws.String(sid)})
		if err != nil && !awsx.IsNotFound(err) {
			return fmt.Errorf("remove statement %s: %w", sid, err)
		}
	}
	for _, p := range add {
		in := &lambdaapi.AddPermissionInput{FunctionName: fn, StatementId: aws.String(p.Sid), Action: aws.String(p.Action), Principal: aws.String(p.Principal)}
		if p.SourceArn != "" {
			in.SourceArn = aws.String(p.SourceArn)
		}
		if p.SourceAccount != "" {
			in.SourceAccount = aws.String(p.SourceAccount)
		}
		if p.PrincipalOrgID != "" {
			in.PrincipalOrgID = aws.String(p.PrincipalOrgID)
		}
		if p.FunctionURLAuthType != "" {
			in.FunctionUrlAuthType = lambdatypes.FunctionUrlAuthType(p.FunctionURLAuthType)
		}
		if p.EventSourceToken != "" {
			in.EventSourceToken = aws.String(p.EventSourceToken)
		}
		if p.InvokedViaFunctionURL {
			in.InvokedViaFunctionUrl = aws.Bool(true)
		}
		if _, err := c.AddPermission(ctx, in); err != nil {
			return fmt.Errorf("add statement %s: %w", p.Sid, err)
		}
	}
	return nil
}

func lambdaSame(a, b lambdaPermission) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
