// Package sts simulates AWS STS (awsQuery): who am I, and AssumeRole into a
// role of another account, which returns temporary credentials that map to
// that account.
package sts

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the STS simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "sts",
		Protocol:  wire.Query,
		Namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		Global:    true,
		Unlocked:  true,
		Ops: map[string]svc.Handler{
			"GetCallerIdentity": getCallerIdentity,
			"AssumeRole":        assumeRole,
			"GetAccessKeyInfo":  getAccessKeyInfo,
		},
	}
}

type callerIdentity struct {
	Arn     string
	UserId  string
	Account string
}

func getCallerIdentity(c *svc.Ctx) (any, error) {
	return callerIdentity{Arn: c.Principal.ARN, UserId: c.Principal.UserID, Account: c.Principal.Account}, nil
}

func getAccessKeyInfo(c *svc.Ctx) (any, error) {
	id := c.Form.Get("AccessKeyId")
	cred := c.World.Credential(id)
	if cred == nil {
		return nil, wire.Errorf(400, "InvalidParameterValue", "access key %q is not known", id)
	}
	return struct{ Account string }{cred.Principal.Account}, nil
}

type assumeRoleResult struct {
	Credentials struct {
		AccessKeyId     string
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	AssumedRoleUser struct {
		AssumedRoleId string
		Arn           string
	}
	PackedPolicySize int
}

// assumeRole checks the role exists in the target account and that its
// trust policy lets the caller's account (or the caller itself) assume it.
// STS runs unlocked, so it takes the target account's lock only to copy
// the role.
func assumeRole(c *svc.Ctx) (any, error) {
	roleARN := c.Form.Get("RoleArn")
	session := c.Form.Get("RoleSessionName")
	if roleARN == "" || session == "" {
		return nil, wire.Errorf(400, "ValidationError", "RoleArn and RoleSessionName are required")
	}
	if len(session) < 2 || len(session) > 64 {
		return nil, wire.Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64", session)
	}
	dur := 3600
	if d, err := c.Int("DurationSeconds", 3600); err != nil {
		return nil, err
	} else if d < 900 || d > 43200 {
		return nil, wire.Errorf(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	} else {
		dur = d
	}
	denied := wire.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Principal.ARN, roleARN)
	acctID, roleName, ok := parseRoleARN(roleARN)
	if !ok {
		return nil, wire.Errorf(400, "ValidationError", "%s is not a valid role ARN", roleARN)
	}
	target := c.World.Account(acctID)
	if target == nil {
		return nil, denied
	}
	target.Mu.Lock()
	var role world.Role
	found := target.IAM.Role(roleName)
	if found != nil {
		role = *found
	}
	target.Mu.Unlock()
	if found == nil || !trusts(role.AssumeRolePolicy, c.Principal) {
		return nil, denied
	}
	now := c.Now()
	cred := &world.Credential{
		AccessKeyID:     c.World.HexID("ASIASIM", 13),
		SecretAccessKey: c.World.HexID("simsecret", 31),
		Expires:         now.Add(time.Duration(dur) * time.Second),
		Issued:          now,
		Principal: world.Principal{
			Account: acctID,
			ARN:     "arn:aws:sts::" + acctID + ":assumed-role/" + roleName + "/" + session,
			UserID:  role.ID + ":" + session,
			Role:    roleName,
			RoleARN: "arn:aws:iam::" + acctID + ":role" + rolePath(role.Path) + roleName,
		},
	}
	cred.SessionToken = c.World.HexID("simtoken", 48)
	c.World.AddCredential(cred)
	var out assumeRoleResult
	out.Credentials.AccessKeyId = cred.AccessKeyID
	out.Credentials.SecretAccessKey = cred.SecretAccessKey
	out.Credentials.SessionToken = cred.SessionToken
	out.Credentials.Expiration = cred.Expires.Format(time.RFC3339)
	out.AssumedRoleUser.AssumedRoleId = cred.Principal.UserID
	out.AssumedRoleUser.Arn = cred.Principal.ARN
	return out, nil
}

func rolePath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// parseRoleARN splits arn:aws:iam::123456789012:role/path/Name.
func parseRoleARN(arn string) (account, name string, ok bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") {
		return "", "", false
	}
	res := f[5][len("role/"):]
	if i := strings.LastIndexByte(res, '/'); i >= 0 {
		res = res[i+1:]
	}
	return f[4], res, len(f[4]) == 12 && res != ""
}

// trusts reports whether a trust policy allows p to call sts:AssumeRole:
// an Allow statement whose Principal.AWS names p's account (as an ID, or
// arn:aws:iam::ID:root) or p's ARN, with no Deny naming it.
func trusts(policy string, p world.Principal) bool {
	var doc struct {
		Statement []struct {
			Effect    string
			Action    any
			Principal any
		}
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	allowed := false
	for _, st := range doc.Statement {
		if !hasAction(st.Action, "sts:AssumeRole") || !namesPrincipal(st.Principal, p) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		if st.Effect == "Allow" {
			allowed = true
		}
	}
	return allowed
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hasAction(v any, action string) bool {
	for _, a := range strs(v) {
		if a == action || a == "sts:*" || a == "*" {
			return true
		}
	}
	return false
}

func namesPrincipal(v any, p world.Principal) bool {
	var names []string
	if m, ok := v.(map[string]any); ok {
		names = strs(m["AWS"])
	} else {
		names = strs(v)
	}
	for _, n := range names {
		if n == "*" || n == p.Account || n == "arn:aws:iam::"+p.Account+":root" || n == p.ARN {
			return true
		}
		// A role principal matches sessions of that role.
		if p.Role != "" && n == "arn:aws:iam::"+p.Account+":role/"+p.Role {
			return true
		}
	}
	return false
}
