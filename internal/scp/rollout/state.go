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
// intents use: "root" or the root's ID, an OU path from the root
// ("ou:Workloads/Production", "ou:Root/Workloads", or without the ou:
// prefix when it has a slash) or ID (ou-...), an account ID or
// "account:" with an ID or a unique name, or a unique OU or account name.
func (s *State) Resolve(ref string) (*Target, error) {
	ref = strings.TrimSpace(ref)
	if strings.EqualFold(ref, "root") {
		return s.Targets[s.RootID], nil
	}
	if t := s.Targets[ref]; t != nil {
		return t, nil
	}
	if rest, ok := strings.CutPrefix(ref, "account:"); ok {
		if t := s.Targets[rest]; t != nil && t.Kind == scpeval.Account {
			return t, nil
		}
		return s.named(ref, rest, scpeval.Account)
	}
	path, isOU := strings.CutPrefix(ref, "ou:")
	if isOU || strings.Contains(ref, "/") {
		parent := s.RootID
		for i, part := range strings.Split(strings.Trim(path, "/"), "/") {
			if i == 0 && strings.EqualFold(part, "root") {
				continue
			}
			var next *Target
			for _, t := range s.Targets {
				if t.Parent == parent && t.Kind == scpeval.OU && t.Name == part {
					next = t
				}
			}
			if next == nil {
				return nil, fmt.Errorf("target %q: no OU %q under %s", ref, part, s.PathName(parent))
			}
			parent = next.ID
		}
		return s.Targets[parent], nil
	}
	return s.named(ref, ref, "")
}

// named finds the one OU or account (of kind, when set) called name.
func (s *State) named(ref, name, kind string) (*Target, error) {
	var found []*Target
	for _, t := range s.Targets {
		if t.Name == name && t.Kind != scpeval.Root && (kind == "" || t.Kind == kind) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("target %q: no root, OU or account of that ID or name in organization %s", ref, s.OrgID)
	}
	return nil, fmt.Errorf("target %q: %d OUs or accounts have that name; give its path (ou:Workloads/Production) or ID", ref, len(found))
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
