// Package rollout puts packed SCPs into an organization the way the
// baseline puts its services: plan (what would be created, updated,
// attached and detached, per target, and what a list of representative
// calls would then be allowed to do), apply (each change journaled with
// its exact prior state before it is sent, engine "scp"), rollback (the
// journal's prior states put back, newest first) and status. It reads
// and writes through AWS Organizations in the management account.
//
// What it may touch: the policies it creates, named with NamePrefix, and
// their attachments. A policy Guardrail did not create (FullAWSAccess,
// a hand-written SCP) is never updated, detached or deleted. Order keeps
// protection on: policies are created and updated first, then attached,
// and only then are Guardrail's policies no longer wanted detached; a
// target never goes through a moment with fewer guardrails than before
// or after.
package rollout

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scp"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
)

// NamePrefix starts the name of every SCP Guardrail creates; only those
// are ever changed or detached by a rollout.
const NamePrefix = "guardrail-"

// FullAWSAccess is the ID of the AWS-managed SCP attached by default.
const FullAWSAccess = "p-FullAWSAccess"

// State is an organization's structure and SCPs as Organizations
// reports them.
type State struct {
	OrgID      string `json:"org_id"`
	Management string `json:"management"`
	RootID     string `json:"root_id"`
	// Targets are the root, OUs and accounts, by ID.
	Targets map[string]*Target `json:"targets"`
	// Policies are the SCPs, by ID.
	Policies map[string]*Policy `json:"policies"`
}

// Target is a root, OU or account.
type Target struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"` // scpeval.Root, OU or Account
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// Policy is one SCP.
type Policy struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Content     string   `json:"content"`
	AWSManaged  bool     `json:"aws_managed,omitempty"`
	Targets     []string `json:"targets"`
}

// Ours reports whether Guardrail created p (and so may change it).
func (p *Policy) Ours() bool { return !p.AWSManaged && strings.HasPrefix(p.Name, NamePrefix) }

// Read reads the organization's structure and SCPs through the
// management account's Organizations client.
func Read(ctx context.Context, c *orgapi.Client) (*State, error) {
	org, err := c.DescribeOrganization(ctx, &orgapi.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("read the organization: %w", err)
	}
	s := &State{OrgID: aws.ToString(org.Organization.Id), Management: aws.ToString(org.Organization.MasterAccountId),
		Targets: map[string]*Target{}, Policies: map[string]*Policy{}}
	roots, err := c.ListRoots(ctx, &orgapi.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("list roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, fmt.Errorf("list roots: the organization has no root")
	}
	root := roots.Roots[0]
	s.RootID = aws.ToString(root.Id)
	enabled := false
	for _, t := range root.PolicyTypes {
		if t.Type == orgtypes.PolicyTypeServiceControlPolicy && t.Status == orgtypes.PolicyTypeStatusEnabled {
			enabled = true
		}
	}
	if !enabled {
		return nil, fmt.Errorf("service control policies are not enabled in organization %s (enable them: aws organizations enable-policy-type --root-id %s --policy-type SERVICE_CONTROL_POLICY)", s.OrgID, s.RootID)
	}
	s.Targets[s.RootID] = &Target{ID: s.RootID, Kind: scpeval.Root, Name: aws.ToString(root.Name)}
	queue := []string{s.RootID}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		err := awsx.Pages(ctx, func(ctx context.Context, tok *string) (*string, error) {
			out, err := c.ListOrganizationalUnitsForParent(ctx, &orgapi.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent), NextToken: tok})
			if err != nil {
				return nil, err
			}
			for _, o := range out.OrganizationalUnits {
				id := aws.ToString(o.Id)
				s.Targets[id] = &Target{ID: id, Kind: scpeval.OU, Name: aws.ToString(o.Name), Parent: parent}
				queue = append(queue, id)
			}
			return out.NextToken, nil
		})
		if err != nil {
			return nil, fmt.Errorf("list the OUs of %s: %w", parent, err)
		}
		err = awsx.Pages(ctx, func(ctx context.Context, tok *string) (*string, error) {
			out, err := c.ListAccountsForParent(ctx, &orgapi.ListAccountsForParentInput{ParentId: aws.String(parent), NextToken: tok})
			if err != nil {
				return nil, err
			}
			for _, a := range out.Accounts {
				id := aws.ToString(a.Id)
				s.Targets[id] = &Target{ID: id, Kind: scpeval.Account, Name: aws.ToString(a.Name), Parent: parent}
			}
			return out.NextToken, nil
		})
		if err != nil {
			return nil, fmt.Errorf("list the accounts of %s: %w", parent, err)
		}
	}
	var ids []string
	err = awsx.Pages(ctx, func(ctx context.Context, tok *string) (*string, error) {
		out, err := c.ListPolicies(ctx, &orgapi.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy, NextToken: tok})
		if err != nil {
			return nil, err
		}
		for _, p := range out.Policies {
			ids = append(ids, aws.ToString(p.Id))
		}
		return out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list SCPs: %w", err)
	}
	for _, id := range ids {
		p, err := readPolicy(ctx, c, id)
		if err != nil {
			return nil, err
		}
		s.Policies[id] = p
	}
	return s, nil
}

func readPolicy(ctx context.Context, c *orgapi.Client, id string) (*Policy, error) {
	d, err := c.DescribePolicy(ctx, &orgapi.DescribePolicyInput{PolicyId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("describe SCP %s: %w", id, err)
	}
	sum := d.Policy.PolicySummary
	p := &Policy{ID: id, Name: aws.ToString(sum.Name), Description: aws.ToString(sum.Description),
		Content: aws.ToString(d.Policy.Content), AWSManaged: sum.AwsManaged}
	err = awsx.Pages(ctx, func(ctx context.Context, tok *string) (*string, error) {
		out, err := c.ListTargetsForPolicy(ctx, &orgapi.ListTargetsForPolicyInput{PolicyId: aws.String(id), NextToken: tok})
		if err != nil {
			return nil, err
		}
		for _, t := range out.Targets {
			p.Targets = append(p.Targets, aws.ToString(t.TargetId))
		}
		return out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the targets of SCP %s: %w", id, err)
	}
	sort.Strings(p.Targets)
	return p, nil
}

// Attached returns the SCPs attached to target, by ID.
func (s *State) Attached(target string) []*Policy {
	var out []*Policy
	for _, p := range s.Policies {
		if slices.Contains(p.Targets, target) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Named returns the SCP named name, or nil.
func (s *State) Named(name string) *Policy {
	for _, p := range s.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Path returns the targets from the root down to id.
func (s *State) Path(id string) []string {
	var path []string
	for t := s.Targets[id]; t != nil && len(path) < 16; t = s.Targets[t.Parent] {
		path = append(path, t.ID)
		if t.Parent == "" {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// PathName is a target's place in the organization: "Root",
// "Root/Workloads/Production", "Root/Workloads/Production/payments-prod
// (444444444401)".
func (s *State) PathName(id string) string {
	var parts []string
	for _, t := range s.Path(id) {
		n := s.Targets[t].Name
		if s.Targets[t].Kind == scpeval.Account {
			n += " (" + t + ")"
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, "/")
}

// Levels returns the SCP path of account for scpeval, with each attached
// policy parsed. A policy that does not parse is an error naming it.
func (s *State) Levels(account string) ([]scpeval.Level, error) {
	if s.Targets[account] == nil || s.Targets[account].Kind != scpeval.Account {
		return nil, fmt.Errorf("account %s is not in organization %s", account, s.OrgID)
	}
	var out []scpeval.Level
	for _, t := range s.Path(account) {
		tg := s.Targets[t]
		lv := scpeval.Level{Target: t, Kind: tg.Kind, Name: tg.Name}
		for _, p := range s.Attached(t) {
			doc, err := policy.Parse([]byte(p.Content))
			if err != nil {
				return nil, fmt.Errorf("SCP %s (%s): %w", p.ID, p.Name, err)
			}
			lv.Policies = append(lv.Policies, scpeval.Policy{ID: p.ID, Name: p.Name, Doc: doc})
		}
		out = append(out, lv)
	}
	return out, nil
}

// Resolve finds the target a reference names, in the spellings the
// intents use (scp.Resolve: root, r-..., ou:Path/From/Root, ou-...,
// account:ID or account:name, a 12-digit ID). A reference that names
// nothing, or an account name two accounts share, is an error.
func (s *State) Resolve(ref string) (*Target, error) {
	root := scp.Node{Kind: "root", ID: s.RootID, Name: "Root"}
	var ous, accounts []scp.Node
	ids := make([]string, 0, len(s.Targets))
	for id := range s.Targets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := s.Targets[id]
		switch t.Kind {
		case scpeval.OU:
			ous = append(ous, scp.Node{Kind: "ou", ID: id, Name: t.Name, Path: s.ouPath(id)})
		case scpeval.Account:
			accounts = append(accounts, scp.Node{Kind: "account", ID: id, Name: t.Name, Path: s.ouPath(t.Parent)})
		}
	}
	n, err := scp.Resolve(ref, root, ous, accounts)
	if err != nil {
		return nil, err
	}
	return s.Targets[n.ID], nil
}

// ouPath is an OU's path below the root ("Workloads/Production"), "" for
// the root.
func (s *State) ouPath(id string) string {
	var parts []string
	for _, t := range s.Path(id) {
		if s.Targets[t].Kind == scpeval.OU {
			parts = append(parts, s.Targets[t].Name)
		}
	}
	return strings.Join(parts, "/")
}

// Accounts returns the accounts at or under target, sorted, the
// management account last (SCPs do not apply to it).
func (s *State) Accounts(target string) []string {
	var out []string
	for id, t := range s.Targets {
		if t.Kind == scpeval.Account && slices.Contains(s.Path(id), target) {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == s.Management) != (out[j] == s.Management) {
			return out[j] == s.Management
		}
		return out[i] < out[j]
	})
	return out
}
