package rollout

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
)

// Call is a representative call a plan judges before and after.
type Call struct {
	Name string
	// Role is the caller's role name in the account ("" : Developer,
	// a role with no exception).
	Role     string
	Action   string
	Region   string
	Resource string // may hold ${account}
	Context  map[string][]string
}

// CallOptions shape the built-in calls.
type CallOptions struct {
	// HomeRegion is a region the intents allow (us-east-1 when empty);
	// FarRegion one they are expected to deny (ap-southeast-2).
	HomeRegion, FarRegion string
	// AdminRole is a role the intents except (Guardrail's role,
	// OrganizationAccountAccessRole when empty).
	AdminRole string
	// LogBucket is the log archive bucket (the call is left out when
	// empty).
	LogBucket string
	// ScanActions are Guardrail's own scan calls, judged as AdminRole in
	// HomeRegion.
	ScanActions []string
}

// Calls returns the built-in list of representative calls.
func Calls(o CallOptions) []Call {
	if o.HomeRegion == "" {
		o.HomeRegion = "us-east-1"
	}
	if o.FarRegion == "" {
		o.FarRegion = "ap-southeast-2"
	}
	if o.AdminRole == "" {
		o.AdminRole = "OrganizationAccountAccessRole"
	}
	inst := "arn:aws:ec2:%s:${account}:instance/*"
	cs := []Call{
		{Name: "ec2:RunInstances in " + o.HomeRegion + " with IMDSv2", Action: "ec2:RunInstances", Region: o.HomeRegion,
			Resource: fmt.Sprintf(inst, o.HomeRegion), Context: map[string][]string{"ec2:MetadataHttpTokens": {"required"}}},
		{Name: "ec2:RunInstances in " + o.HomeRegion + " without IMDSv2", Action: "ec2:RunInstances", Region: o.HomeRegion,
			Resource: fmt.Sprintf(inst, o.HomeRegion), Context: map[string][]string{"ec2:MetadataHttpTokens": {"optional"}}},
		{Name: "ec2:RunInstances in " + o.FarRegion + " with IMDSv2", Action: "ec2:RunInstances", Region: o.FarRegion,
			Resource: fmt.Sprintf(inst, o.FarRegion), Context: map[string][]string{"ec2:MetadataHttpTokens": {"required"}}},
		{Name: "cloudtrail:StopLogging as Developer", Action: "cloudtrail:StopLogging", Region: o.HomeRegion, Resource: "*"},
		{Name: "cloudtrail:StopLogging as " + o.AdminRole, Role: o.AdminRole, Action: "cloudtrail:StopLogging", Region: o.HomeRegion, Resource: "*"},
	}
	if o.LogBucket != "" {
		cs = append(cs, Call{Name: "s3:DeleteBucket " + o.LogBucket, Action: "s3:DeleteBucket", Region: o.HomeRegion, Resource: "arn:aws:s3:::" + o.LogBucket})
	}
	cs = append(cs,
		Call{Name: "organizations:LeaveOrganization", Action: "organizations:LeaveOrganization", Region: "us-east-1", Resource: "*"},
		Call{Name: "sagemaker:CreateNotebookInstance in " + o.HomeRegion, Action: "sagemaker:CreateNotebookInstance", Region: o.HomeRegion, Resource: "*"},
		Call{Name: "ec2:DisableEbsEncryptionByDefault in " + o.HomeRegion, Action: "ec2:DisableEbsEncryptionByDefault", Region: o.HomeRegion, Resource: "*"},
		Call{Name: "s3:PutAccountPublicAccessBlock", Action: "s3:PutAccountPublicAccessBlock", Region: o.HomeRegion, Resource: "*"},
	)
	for _, a := range o.ScanActions {
		cs = append(cs, Call{Name: "guardrail scan: " + a, Role: o.AdminRole, Action: a, Region: o.HomeRegion, Resource: "*"})
	}
	return cs
}

// CallDecisions are the representative calls' decisions in one account.
type CallDecisions struct {
	Account     string       `json:"account"`
	AccountPath string       `json:"account_path"`
	Results     []CallResult `json:"results"`
}

// CallResult is one call before and after the plan.
type CallResult struct {
	Call   string `json:"call"`
	Before string `json:"before"` // allow or deny
	After  string `json:"after"`
	// Why names what denies it after the plan.
	Why string `json:"why,omitempty"`
}

// Request builds the policy request of c made in account.
func (c Call) Request(account, orgID string) *policy.Request {
	role := c.Role
	if role == "" {
		role = "Developer"
	}
	arn := "arn:aws:iam::" + account + ":role/" + role
	ctx := map[string][]string{"aws:RequestedRegion": {c.Region}, "aws:PrincipalArn": {arn}, "aws:PrincipalAccount": {account},
		"aws:PrincipalOrgID": {orgID}, "aws:PrincipalType": {"AssumedRole"}, "aws:SecureTransport": {"true"}}
	for k, v := range c.Context {
		ctx[k] = v
	}
	return &policy.Request{Action: c.Action, Resource: strings.ReplaceAll(c.Resource, "${account}", account),
		Principal: policy.Principal{Type: "AWS", ID: arn, Account: account, OrgID: orgID}, Context: ctx}
}

// Judge fills p.Calls: for one member account under each changed target
// (the first by ID), each call's decision before and after the plan.
// Summaries keep the scan's calls to those whose decision changes or
// that are denied after, so a plan that breaks Guardrail says so.
func (p *Plan) Judge(before *State, calls []Call) error {
	after := p.After(before)
	seen := map[string]bool{}
	for _, t := range p.Targets {
		acct := ""
		for _, a := range before.Accounts(t.Target) {
			if a != before.Management {
				acct = a
				break
			}
		}
		if acct == "" || seen[acct] {
			continue
		}
		seen[acct] = true
		lb, err := before.Levels(acct)
		if err != nil {
			return err
		}
		la, err := after.Levels(acct)
		if err != nil {
			return err
		}
		cd := CallDecisions{Account: acct, AccountPath: before.PathName(acct)}
		scanOK, scanN := 0, 0
		for _, c := range calls {
			r := c.Request(acct, before.OrgID)
			db, da := scpeval.Evaluate(lb, r), scpeval.Evaluate(la, r)
			res := CallResult{Call: c.Name, Before: word(db), After: word(da), Why: Why(da)}
			if strings.HasPrefix(c.Name, "guardrail scan: ") {
				scanN++
				if da.Allowed && db.Allowed {
					scanOK++
					continue
				}
			}
			cd.Results = append(cd.Results, res)
		}
		if scanN > 0 {
			cd.Results = append(cd.Results, CallResult{Call: fmt.Sprintf("guardrail scan: %d of %d actions allowed before and after", scanOK, scanN),
				Before: "-", After: "-"})
		}
		p.Calls = append(p.Calls, cd)
	}
	return nil
}

func word(d scpeval.Decision) string {
	if d.Allowed {
		return "allow"
	}
	return "deny"
}

// Why says what denies a call: the statement, its policy and where it is
// attached, or the level where no SCP allows it; "" when allowed.
func Why(d scpeval.Decision) string {
	switch {
	case d.Deny != nil:
		id := d.Deny.Policy.ID
		if strings.HasPrefix(id, newID) {
			id = "to be created"
		}
		return fmt.Sprintf("explicit deny: statement %s of %s (%s) attached to %s %s", d.Deny.Statement.Name(), d.Deny.Policy.Name, id,
			kindWord(d.Deny.Level.Kind), d.Deny.Level.Name)
	case d.NoAllow != nil:
		return fmt.Sprintf("implicit deny: no SCP attached to %s %s allows it", kindWord(d.NoAllow.Kind), d.NoAllow.Name)
	}
	return ""
}

func kindWord(k string) string {
	switch k {
	case scpeval.Root:
		return "root"
	case scpeval.OU:
		return "OU"
	}
	return "account"
}
