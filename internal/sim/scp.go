package sim

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// SCP enforcement. A call made in a member account of an organization
// with SCPs enabled is judged by the SCPs attached along the account's
// path (scpeval.Evaluate: an allow at every level, no deny anywhere)
// before its service sees it. The management account is exempt, as are
// service-linked roles, as in AWS. A denied call answers the service's
// access-denied error with AWS's SCP wording and is recorded in
// CloudTrail like any other denied call.
//
// Cost: the path of an account and its parsed policies are cached per
// account and invalidated by Organization.PolicyGen (bumped by every
// change of policies, attachments or types); documents are parsed once
// per content. A call then costs one World.Mu round trip and the
// evaluation of the attached statements.

// scpCache holds each member account's effective SCP path.
type scpCache struct {
	mu    sync.Mutex
	gen   uint64
	paths map[string][]scpeval.Level
	docs  map[string]*policy.Document // by content
}

// scpPath returns the SCP path of a member account, or nil when SCPs do
// not apply to it (no organization, SCPs not enabled, the management
// account, not a member).
func (s *Server) scpPath(account string) []scpeval.Level {
	w := s.world
	w.Mu.Lock()
	defer w.Mu.Unlock()
	o := w.Org
	if o == nil || account == o.ManagementAccount || o.Members[account] == nil || !o.SCPsEnabled() {
		return nil
	}
	c := &s.scps
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paths == nil || c.gen != o.PolicyGen {
		c.paths, c.gen = map[string][]scpeval.Level{}, o.PolicyGen
	}
	if p, ok := c.paths[account]; ok {
		return p
	}
	if c.docs == nil {
		c.docs = map[string]*policy.Document{}
	}
	var path []scpeval.Level
	for _, t := range o.Path(account) {
		lv := scpeval.Level{Target: t, Kind: scpeval.Kind(t), Name: "Root"}
		if ou := o.OUs[t]; ou != nil {
			lv.Name = ou.Name
		} else if a := w.Accounts[t]; a != nil {
			lv.Name = a.Name
		}
		for _, p := range o.Attached(t, world.SCPType) {
			doc, ok := c.docs[p.Content]
			if !ok {
				// Organizations refuses malformed content; one that got
				// in anyway (seeded) allows and denies nothing.
				doc, _ = policy.Parse([]byte(p.Content))
				c.docs[p.Content] = doc
			}
			lv.Policies = append(lv.Policies, scpeval.Policy{ID: p.ID, Name: p.Name, Doc: doc})
		}
		path = append(path, lv)
	}
	c.paths[account] = path
	return path
}

// scpDenied returns the error to answer when the SCPs deny the call,
// nil when they let it through.
func (s *Server) scpDenied(c *wire.Call, e *entry, cred *world.Credential, acct *world.Account, region string) error {
	path := s.scpPath(acct.ID)
	if path == nil {
		return nil
	}
	p := cred.Principal
	principalARN := p.ARN
	if p.RoleARN != "" {
		principalARN = p.RoleARN // aws:PrincipalArn is the role's ARN for its sessions
	}
	if scpeval.Exempt(principalARN) {
		return nil
	}
	w := s.world
	w.Mu.Lock()
	orgID := w.Org.ID
	w.Mu.Unlock()
	service := e.svc.RouteKey()
	req := &policy.Request{
		Action:   scpeval.Action(service, c.Op),
		Resource: resourceOf(c, service, region, acct.ID),
		Principal: policy.Principal{Type: "AWS", ID: principalARN, Account: p.Account, OrgID: orgID,
			Root: strings.HasSuffix(p.ARN, ":root")},
		Context: map[string][]string{
			"aws:RequestedRegion":       {region},
			"aws:PrincipalArn":          {principalARN},
			"aws:PrincipalAccount":      {p.Account},
			"aws:PrincipalOrgID":        {orgID},
			"aws:PrincipalType":         {principalType(p)},
			"aws:SecureTransport":       {"true"}, // the SDK talks TLS to AWS; the simulator stands in for it
			"aws:PrincipalIsAWSService": {"false"},
		},
	}
	if p.UserID != "" {
		req.Context["aws:userid"] = []string{p.UserID}
	}
	serviceKeys(c, service, req.Context)
	d := scpeval.Evaluate(path, req)
	if d.Allowed {
		return nil
	}
	codes := e.codes
	on := ""
	if req.Resource != "*" {
		on = " on resource: " + req.Resource
	}
	msg := "User: " + p.ARN + " is not authorized to perform: " + req.Action + on
	if d.Deny != nil {
		msg += " with an explicit deny in a service control policy"
	} else {
		msg += " because no service control policy allows the " + req.Action + " action"
	}
	if codes.AccessDenied == "UnauthorizedOperation" {
		msg = "You are not authorized to perform this operation. " + msg
	}
	return wire.Errorf(codes.DeniedStatus, codes.AccessDenied, "%s", msg)
}

func principalType(p world.Principal) string {
	switch {
	case p.Role != "" || strings.Contains(p.ARN, ":assumed-role/"):
		return "AssumedRole"
	case strings.HasSuffix(p.ARN, ":root"):
		return "Account"
	}
	return "User"
}

// resourceOf is the ARN of the resource a call acts on where the
// simulator can tell it (S3 buckets and objects, CloudTrail trails,
// instances launched by RunInstances), else "*".
func resourceOf(c *wire.Call, service, region, account string) string {
	switch service {
	case "s3":
		b := c.Path["Bucket"]
		if b == "" {
			return "*"
		}
		if k := c.Path["Key"]; k != "" {
			return "arn:aws:s3:::" + b + "/" + k
		}
		return "arn:aws:s3:::" + b
	case "cloudtrail":
		var in struct{ Name, TrailName string }
		if json.Unmarshal(c.Body, &in) != nil {
			return "*"
		}
		n := in.Name
		if n == "" {
			n = in.TrailName
		}
		switch {
		case n == "":
			return "*"
		case strings.HasPrefix(n, "arn:"):
			return n
		}
		return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + n
	case "ec2":
		if c.Op == "RunInstances" {
			return "arn:aws:ec2:" + region + ":" + account + ":instance/*"
		}
	}
	return "*"
}

// serviceKeys adds the service-specific condition keys the simulator
// knows: ec2:MetadataHttpTokens on RunInstances (absent from the
// request: "optional", the default of an AMI that does not require
// IMDSv2).
func serviceKeys(c *wire.Call, service string, ctx map[string][]string) {
	if service == "ec2" && c.Op == "RunInstances" {
		tok := c.Form.Get("MetadataOptions.HttpTokens")
		if tok == "" {
			tok = "optional"
		}
		ctx["ec2:MetadataHttpTokens"] = []string{tok}
	}
}
