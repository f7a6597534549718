// Package explain says why a call was denied, as far as service control
// policies go: the statement that denied it (its Sid and text, its
// policy, and the root, OU or account it is attached to), or the level
// of the account's path where no SCP allows it, or that no SCP denies it
// (so the cause is elsewhere: an identity policy, a resource policy, a
// permissions boundary, a session policy). It reads the SCPs through
// rollout.State and decides with scpeval, the rule the simulator
// enforces.
package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
)

// Call is the call to explain.
type Call struct {
	Account string `json:"account"`
	// Principal is the caller's ARN as CloudTrail shows it (an
	// assumed-role session ARN or a role, user or root ARN).
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Region    string `json:"region"`
	// Resource is the resource's ARN, "*" when unknown.
	Resource string              `json:"resource"`
	Context  map[string][]string `json:"context,omitempty"`
	// ErrorCode and ErrorMessage are the record's, when it came from one.
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

// Verdicts.
const (
	ExplicitDeny = "explicit_deny"
	ImplicitDeny = "implicit_deny"
	NotSCP       = "not_denied_by_scps"
	Exempt       = "exempt"
)

// Explanation is what the SCPs say about one call.
type Explanation struct {
	Call    Call   `json:"call"`
	Verdict string `json:"verdict"`
	// Policy, Target and Statement are set for an explicit deny; Target
	// alone for an implicit deny (the level no SCP allows it at).
	Policy    *PolicyRef    `json:"policy,omitempty"`
	Target    *TargetRef    `json:"target,omitempty"`
	Statement *StatementRef `json:"statement,omitempty"`
	// Message says it in one sentence.
	Message string `json:"message"`
}

// PolicyRef names an SCP.
type PolicyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TargetRef names a root, OU or account and its place.
type TargetRef struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Path string `json:"path"`
}

// StatementRef is a statement as written.
type StatementRef struct {
	Sid   string          `json:"sid"`
	Index int             `json:"index"`
	Text  json.RawMessage `json:"text"`
}

// Explain decides c against the SCPs of s along the account's path.
func Explain(s *rollout.State, c Call) (*Explanation, error) {
	if c.Resource == "" {
		c.Resource = "*"
	}
	e := &Explanation{Call: c}
	if c.Account == s.Management {
		e.Verdict = Exempt
		e.Message = fmt.Sprintf("%s is the management account of %s: SCPs do not apply to it; the denial comes from elsewhere (an identity or resource policy, a permissions boundary)", c.Account, s.OrgID)
		return e, nil
	}
	if scpeval.Exempt(c.Principal) {
		e.Verdict = Exempt
		e.Message = "the caller is a service-linked role: SCPs do not apply to it"
		return e, nil
	}
	levels, err := s.Levels(c.Account)
	if err != nil {
		return nil, err
	}
	principalARN := scpeval.RoleARN(c.Principal)
	ctx := map[string][]string{"aws:RequestedRegion": {c.Region}, "aws:PrincipalArn": {principalARN},
		"aws:PrincipalAccount": {c.Account}, "aws:PrincipalOrgID": {s.OrgID}, "aws:SecureTransport": {"true"}}
	for k, v := range c.Context {
		ctx[k] = v
	}
	r := &policy.Request{Action: c.Action, Resource: c.Resource, Context: ctx,
		Principal: policy.Principal{Type: "AWS", ID: principalARN, Account: c.Account, OrgID: s.OrgID, Root: strings.HasSuffix(c.Principal, ":root")}}
	d := scpeval.Evaluate(levels, r)
	target := func(lv *scpeval.Level) *TargetRef {
		return &TargetRef{ID: lv.Target, Kind: lv.Kind, Name: lv.Name, Path: s.PathName(lv.Target)}
	}
	switch {
	case d.Deny != nil:
		e.Verdict = ExplicitDeny
		e.Policy = &PolicyRef{ID: d.Deny.Policy.ID, Name: d.Deny.Policy.Name}
		e.Target = target(d.Deny.Level)
		st := d.Deny.Statement
		e.Statement = &StatementRef{Sid: st.Sid, Index: st.Index, Text: compact(st.Raw)}
		e.Message = fmt.Sprintf("%s is denied by statement %s of SCP %s (%s), attached to %s", c.Action, st.Name(), e.Policy.Name, e.Policy.ID, e.Target.Path)
	case d.NoAllow != nil:
		e.Verdict = ImplicitDeny
		e.Target = target(d.NoAllow)
		var names []string
		for _, p := range d.NoAllow.Policies {
			names = append(names, p.Name+" ("+p.ID+")")
		}
		e.Message = fmt.Sprintf("%s is denied implicitly: no SCP attached to %s allows it (attached: %s)", c.Action, e.Target.Path, strings.Join(names, ", "))
	default:
		e.Verdict = NotSCP
		e.Message = fmt.Sprintf("no SCP denies %s here: every level of %s allows it; the denial comes from elsewhere (an identity policy, a resource policy, a permissions boundary or a session policy)", c.Action, s.PathName(c.Account))
	}
	return e, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// WriteText writes e for a person.
func (e *Explanation) WriteText(w io.Writer) error {
	c := e.Call
	fmt.Fprintf(w, "Call:      %s by %s in account %s, %s", c.Action, c.Principal, c.Account, c.Region)
	if c.Resource != "*" {
		fmt.Fprintf(w, ", on %s", c.Resource)
	}
	fmt.Fprintln(w)
	if len(c.Context) > 0 {
		keys := make([]string, 0, len(c.Context))
		for k := range c.Context {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "Context:   %s=%s\n", k, strings.Join(c.Context[k], ","))
		}
	}
	if c.ErrorCode != "" {
		fmt.Fprintf(w, "Error:     %s: %s\n", c.ErrorCode, c.ErrorMessage)
	}
	fmt.Fprintf(w, "Verdict:   %s\n", e.Verdict)
	if e.Policy != nil {
		fmt.Fprintf(w, "Policy:    %s (%s)\n", e.Policy.Name, e.Policy.ID)
	}
	if e.Target != nil {
		fmt.Fprintf(w, "Target:    %s %s (%s)\n", strings.ToLower(strings.ReplaceAll(e.Target.Kind, "_", " ")), e.Target.Path, e.Target.ID)
	}
	if e.Statement != nil {
		sid := e.Statement.Sid
		if sid == "" {
			sid = fmt.Sprintf("(no Sid; statement %d)", e.Statement.Index+1)
		}
		fmt.Fprintf(w, "Statement: %s\n  %s\n", sid, e.Statement.Text)
	}
	_, err := fmt.Fprintf(w, "%s\n", e.Message)
	return err
}

// FromEvent reads the call of a CloudTrail record (one record, or a log
// file's {"Records": [...]}, of which the first denied one is taken).
// name is for errors, which name name:line:column and the field.
func FromEvent(data []byte, name string) (Call, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return Call{}, jsonErr(data, name, err)
	}
	if recs, ok := probe["Records"]; ok {
		var list []json.RawMessage
		if err := json.Unmarshal(recs, &list); err != nil {
			return Call{}, fmt.Errorf("%s: Records: not a list of records", name)
		}
		for i, r := range list {
			var h struct{ ErrorCode string }
			json.Unmarshal(r, &h)
			if denied(h.ErrorCode) {
				c, err := fromRecord(r, fmt.Sprintf("%s: Records[%d]", name, i))
				return c, err
			}
		}
		return Call{}, fmt.Errorf("%s: none of its %d records was denied (errorCode AccessDenied, AccessDeniedException or UnauthorizedOperation)", name, len(list))
	}
	return fromRecord(data, name)
}

func denied(code string) bool {
	return strings.Contains(code, "AccessDenied") || strings.Contains(code, "UnauthorizedOperation") || strings.Contains(code, "Unauthorized")
}

type record struct {
	EventSource        string `json:"eventSource"`
	EventName          string `json:"eventName"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId"`
	ErrorCode          string `json:"errorCode"`
	ErrorMessage       string `json:"errorMessage"`
	UserIdentity       struct {
		Type      string `json:"type"`
		ARN       string `json:"arn"`
		AccountID string `json:"accountId"`
	} `json:"userIdentity"`
	RequestParameters map[string]any `json:"requestParameters"`
}

func fromRecord(data []byte, name string) (Call, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return Call{}, jsonErr(data, name, err)
	}
	for _, f := range []struct{ field, v string }{{"eventSource", r.EventSource}, {"eventName", r.EventName}, {"awsRegion", r.AWSRegion}, {"userIdentity.arn", r.UserIdentity.ARN}} {
		if f.v == "" {
			return Call{}, fmt.Errorf("%s: %s: missing; a CloudTrail record has it", name, f.field)
		}
	}
	acct := r.RecipientAccountID
	if acct == "" {
		acct = r.UserIdentity.AccountID
	}
	if acct == "" {
		return Call{}, fmt.Errorf("%s: recipientAccountId: missing (and userIdentity.accountId too)", name)
	}
	c := Call{Account: acct, Principal: r.UserIdentity.ARN, Action: scpeval.EventAction(r.EventSource, r.EventName),
		Region: r.AWSRegion, Resource: "*", ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage}
	p := r.RequestParameters
	str := func(k string) string { s, _ := p[k].(string); return s }
	service, _, _ := strings.Cut(r.EventSource, ".")
	switch service {
	case "s3":
		if b := str("bucketName"); b != "" {
			c.Resource = "arn:aws:s3:::" + b
			if k := str("key"); k != "" {
				c.Resource += "/" + k
			}
		}
	case "cloudtrail":
		n := str("name")
		if n == "" {
			n = str("trailName")
		}
		switch {
		case strings.HasPrefix(n, "arn:"):
			c.Resource = n
		case n != "":
			c.Resource = "arn:aws:cloudtrail:" + r.AWSRegion + ":" + acct + ":trail/" + n
		}
	case "ec2":
		if r.EventName == "RunInstances" {
			c.Resource = "arn:aws:ec2:" + r.AWSRegion + ":" + acct + ":instance/*"
			tok := "optional"
			if mo, ok := p["metadataOptions"].(map[string]any); ok {
				if t, ok := mo["httpTokens"].(string); ok && t != "" {
					tok = t
				}
			}
			c.Context = map[string][]string{"ec2:MetadataHttpTokens": {tok}}
		}
	}
	return c, nil
}

// jsonErr turns a JSON error into name:line:column.
func jsonErr(data []byte, name string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	field := ""
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off, field = te.Offset, te.Field
	}
	if off < 0 {
		return fmt.Errorf("%s: not a CloudTrail record: %v", name, err)
	}
	// The offset is just past the byte at fault.
	line, col := 1, 1
	for _, b := range data[:max(0, min(int(off)-1, len(data)))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if field != "" {
		return fmt.Errorf("%s:%d:%d: %s: %v", name, line, col, field, err)
	}
	return fmt.Errorf("%s:%d:%d: not a CloudTrail record: %v", name, line, col, err)
}
