// Package org discovers what Guardrail assesses: the accounts of an AWS
// Organization with their OU path, tags and status, and the regions each
// account has enabled, reached by assuming a role in every member account.
// Without an organization (or with SingleAccount) it is the account of the
// current credentials.
//
// An account whose role cannot be assumed is kept, with the reason in
// Account.Err: partial failure is normal, and the report must say what was
// not assessed and why. A selector that selects nothing is not partial
// failure but a mistake: a *SelectorError (select.go).
package org

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/shard"
)

// DefaultRole is the role Organizations creates in member accounts.
const DefaultRole = "OrganizationAccountAccessRole"

// Options control discovery.
type Options struct {
	// Role is assumed in member accounts (DefaultRole when empty).
	Role string
	// SessionName names the assumed-role sessions (default "guardrail").
	SessionName string
	// SingleAccount skips Organizations: only the current account.
	SingleAccount bool
	// Regions keeps only these regions (all enabled regions when empty).
	// A region that no reachable account in scope has enabled is a
	// *SelectorError, once every account's regions are known.
	Regions []string
	// Include and Exclude select accounts by account ID, OU ID, OU name or
	// path ("Workloads/Production"), or tag ("key=value"). Exclude wins.
	// A selector that is malformed or matches nothing of the organization,
	// and a selection that leaves no account, are a *SelectorError (see
	// select.go).
	Include, Exclude []string
	// Tags fetches every account's tags even when no selector needs them
	// (for an output or a notification route that shows or matches
	// them). Tags cost one Organizations call per account, and AWS allows
	// about 10 a second for the whole organization: 20 seconds for 200
	// accounts. So they are fetched only when asked for here or when a
	// tag selector needs them; otherwise Account.Tags stays nil. Asked for
	// here and not needed by a selector, they are fetched while the
	// accounts' regions are discovered and their work (Ready) runs, not
	// before it.
	Tags bool
	// Concurrency bounds the accounts examined at once (default 16).
	Concurrency int
	// Configure, when set, adapts the configuration used in each account
	// (the scanner installs its rate limits and call counters with it).
	Configure func(account string, cfg aws.Config) aws.Config
	// Ready, when set, is called for each account as soon as its regions
	// are known (or it is known it cannot be assessed), from Discover's
	// goroutines, so work on it can start before discovery ends. The
	// account's Tags (when Options.Tags asks for them) may still be
	// filled in until Discover returns.
	Ready func(*Account)
	// Examine, when set, keeps the accounts discovery examines (assumes
	// the role in and lists the regions of) and hands to Ready: one
	// shard's share. The others stay in the Organization, unexamined,
	// without regions, and --regions is not checked against them.
	Examine func(*Account) bool
	// Discovered, when set, is called once discovery is complete and the
	// selection checked (every account's regions known, Tags filled in
	// when fetched),
	// before Discover returns; an error it returns is Discover's. Work
	// started by Ready may be under way.
	Discovered func(*Organization) error
	// Shard keeps only the accounts of one share of the selection
	// (shard.Spec.Contains), after Include and Exclude: N processes
	// given 1/N..N/N cover the selection exactly once. A shard left with
	// no account is a *SelectorError. The zero Spec keeps every account.
	Shard shard.Spec
	// Listed, when set, is the organization as List returned it (in
	// another process: a queue worker gets it in a message): Discover
	// does not list the organization again nor apply the selectors; it
	// reaches each listed account (assumes its role, lists its regions).
	Listed *Organization
}

// Organization is what Discover found.
type Organization struct {
	ID                string    `json:"id,omitempty"`
	ManagementAccount string    `json:"management_account"`
	Caller            string    `json:"caller_arn"`
	OUs               []OU      `json:"ous"`
	Accounts          []Account `json:"accounts"`

	tagsFirst     bool   // tags were listed before the accounts' regions
	callerAccount string // the account of the credentials that listed it
}

// OU is an organizational unit with its path from the root.
type OU struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Path   string `json:"path"` // "Workloads/Production"; "" is the root
	Parent string `json:"parent"`
}

// Account is one account to assess.
type Account struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	Email  string            `json:"email,omitempty"`
	Status string            `json:"status"`
	OUID   string            `json:"ou_id,omitempty"`
	Path   string            `json:"ou_path"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Regions are the enabled regions that will be assessed.
	Regions []string `json:"regions"`
	// RegionSource says which API listed the regions:
	// "account:ListRegions", or "ec2:DescribeRegions (account:ListRegions
	// failed: ...)" when the Account API did not answer (see
	// discoverRegions).
	RegionSource string `json:"region_source,omitempty"`
	// Skipped lists requested regions that are not enabled, with why.
	Skipped map[string]string `json:"skipped_regions,omitempty"`
	// Management is set on the organization's management account.
	Management bool `json:"-"`
	// Unexamined is set on an account Options.Examine left out.
	Unexamined bool `json:"-"`
	// Err says why the account cannot be assessed (role not assumable).
	Err error `json:"-"`
	// Error is Err as text, for reports.
	Error string `json:"error,omitempty"`

	cfg aws.Config
}

// Config returns the SDK configuration that acts in the account (the
// assumed role for members, the caller's own for the calling account).
func (a *Account) Config() aws.Config { return a.cfg }

// Discover lists the accounts and regions to assess.
func Discover(ctx context.Context, cfg aws.Config, o Options) (*Organization, error) {
	if o.Role == "" {
		o.Role = DefaultRole
	}
	if o.SessionName == "" {
		o.SessionName = "guardrail"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	var (
		out      *Organization
		caller   string
		tagsDone func() error
	)
	if o.Listed != nil {
		id, arn, err := awsx.CallerIdentity(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("discover: who am I: %w", err)
		}
		l := *o.Listed
		l.Caller, l.callerAccount = arn, id
		l.Accounts = slices.Clone(l.Accounts)
		for i := range l.Accounts {
			a := &l.Accounts[i]
			a.Regions, a.Skipped, a.RegionSource, a.Err, a.Error = nil, nil, "", nil, ""
		}
		out, caller = &l, id
	} else {
		var err error
		if out, err = List(ctx, cfg, o); err != nil {
			return nil, err
		}
		caller = out.callerAccount
		if out.ID != "" && !out.tagsFirst && o.Tags {
			client := orgapi.NewFromConfig(cfg)
			tg, tctx := errgroup.WithContext(ctx)
			tg.Go(func() error { return listTags(tctx, client, out.Accounts) })
			tagsDone = tg.Wait
		}
	}
	if o.Configure == nil {
		o.Configure = func(_ string, c aws.Config) aws.Config { return c }
	}
	if o.Ready == nil {
		o.Ready = func(*Account) {}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Concurrency)
	for i := range out.Accounts {
		a := &out.Accounts[i]
		a.cfg = cfg
		if a.ID != caller {
			a.cfg = awsx.AssumeRole(cfg, "arn:aws:iam::"+a.ID+":role/"+o.Role, o.SessionName)
		}
		a.cfg = o.Configure(a.ID, a.cfg)
		if o.Examine != nil && !o.Examine(a) {
			a.Unexamined = true
			continue
		}
		if a.Status != "ACTIVE" {
			a.Err = fmt.Errorf("account status is %s", a.Status)
			a.Error = a.Err.Error()
			o.Ready(a)
			continue
		}
		g.Go(func() error {
			if err := a.discoverRegions(gctx, o.Regions); err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				a.Err = err
				a.Error = err.Error()
			}
			o.Ready(a)
			return nil
		})
	}
	err := g.Wait()
	if tagsDone != nil {
		if terr := tagsDone(); err == nil {
			err = terr
		}
	}
	if err != nil {
		return nil, err
	}
	// A region enabled in no account of the scope is a mistake. A shard,
	// or a listing handed on (one account of a queued scan), sees only
	// part of the scope: a region its accounts lack may be enabled in
	// the others', so it is only skipped in each of its accounts.
	if o.Listed == nil && o.Shard.All() {
		if err := checkRegions(out.Accounts, o.Regions); err != nil {
			return nil, err
		}
	}
	if o.Discovered != nil {
		if err := o.Discovered(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// List lists and selects the organization's accounts (Include,
// Exclude, Shard) without reaching any of them: no role is assumed, no
// region listed, so Account.Regions is empty and Config unset. Tags are
// filled in when a selector needs them or o.Tags asks for them. The
// result, given back as Options.Listed (in this process or another),
// lets Discover reach the accounts later.
func List(ctx context.Context, cfg aws.Config, o Options) (*Organization, error) {
	caller, arn, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("discover: who am I: %w", err)
	}
	out := &Organization{ManagementAccount: caller, Caller: arn, callerAccount: caller}
	if !o.SingleAccount {
		err = listOrganization(ctx, cfg, out)
		switch {
		case err == nil:
		case awsx.Code(err) == "AWSOrganizationsNotInUseException":
			out.ID, out.OUs, out.Accounts = "", nil, nil // fall back to the single account
		default:
			return nil, err
		}
	}
	if len(out.Accounts) == 0 {
		out.Accounts = []Account{{ID: caller, Name: caller, Status: "ACTIVE"}}
	}
	// Tags cost one throttled Organizations call per account: fetch them
	// first only when selectors need them (Discover fetches them
	// alongside the rest when asked for).
	tagsFirst := out.ID != "" && tagSelectors(o.Include, o.Exclude)
	if tagsFirst {
		out.tagsFirst = true
		if err := listTags(ctx, orgapi.NewFromConfig(cfg), out.Accounts); err != nil {
			return nil, err
		}
	}
	if err := out.checkSelectors(o.Include, o.Exclude); err != nil {
		return nil, err
	}
	out.Accounts = selectAccounts(out.Accounts, o.Include, o.Exclude)
	if len(out.Accounts) == 0 {
		return nil, emptySelection(o.Include, o.Exclude)
	}
	if err := out.keepShard(o.Include, o.Exclude, o.Shard); err != nil {
		return nil, err
	}
	return out, nil
}

// ListTagged is List with every account's tags (o.Tags), fetched before
// it returns: for a caller that hands the listing on.
func ListTagged(ctx context.Context, cfg aws.Config, o Options) (*Organization, error) {
	out, err := List(ctx, cfg, o)
	if err != nil || !o.Tags || out.ID == "" || out.tagsFirst {
		return out, err
	}
	if err := listTags(ctx, orgapi.NewFromConfig(cfg), out.Accounts); err != nil {
		return nil, err
	}
	return out, nil
}

// Chain is the number of discovery's calls that must follow one
// another before an account's work can start: who am I, the
// organization, its root, two listings per level of OUs (the accounts
// and the OUs of a parent), then in an account its role and its regions.
// Tags, when fetched alongside, are not on that path; fetched first for
// a tag selector, they are one more. Without an organization: who am I
// and the regions.
func (o *Organization) Chain() int {
	if o.ID == "" {
		return 2
	}
	depth := 0
	for _, ou := range o.OUs {
		depth = max(depth, strings.Count(ou.Path, "/")+1)
	}
	n := 3 + 2*(depth+1) + 2
	if o.tagsFirst {
		n++
	}
	return n
}

// listOrganization walks the organization from its root.
func listOrganization(ctx context.Context, cfg aws.Config, out *Organization) error {
	client := orgapi.NewFromConfig(cfg)
	desc, err := client.DescribeOrganization(ctx, &orgapi.DescribeOrganizationInput{})
	if err != nil {
		return fmt.Errorf("organizations describe-organization: %w", err)
	}
	out.ID = aws.ToString(desc.Organization.Id)
	out.ManagementAccount = aws.ToString(desc.Organization.MasterAccountId)
	roots, err := client.ListRoots(ctx, &orgapi.ListRootsInput{})
	if err != nil {
		return fmt.Errorf("organizations list-roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return errors.New("organizations list-roots: the organization has no root")
	}
	type parent struct{ id, path string }
	queue := []parent{{aws.ToString(roots.Roots[0].Id), ""}}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			page, err := client.ListAccountsForParent(ctx, &orgapi.ListAccountsForParentInput{ParentId: aws.String(p.id), NextToken: token})
			if err != nil {
				return nil, err
			}
			for _, a := range page.Accounts {
				out.Accounts = append(out.Accounts, Account{
					ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email),
					Status: accountStatus(a), OUID: p.id, Path: p.path,
					Management: aws.ToString(a.Id) == out.ManagementAccount,
				})
			}
			return page.NextToken, nil
		}); err != nil {
			return fmt.Errorf("organizations list-accounts-for-parent %s: %w", p.id, err)
		}
		if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			page, err := client.ListOrganizationalUnitsForParent(ctx, &orgapi.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p.id), NextToken: token})
			if err != nil {
				return nil, err
			}
			for _, ou := range page.OrganizationalUnits {
				path := strings.TrimPrefix(p.path+"/"+aws.ToString(ou.Name), "/")
				out.OUs = append(out.OUs, OU{ID: aws.ToString(ou.Id), Name: aws.ToString(ou.Name), Path: path, Parent: p.id})
				queue = append(queue, parent{aws.ToString(ou.Id), path})
			}
			return page.NextToken, nil
		}); err != nil {
			return fmt.Errorf("organizations list-organizational-units-for-parent %s: %w", p.id, err)
		}
	}
	sort.Slice(out.OUs, func(i, j int) bool { return out.OUs[i].Path < out.OUs[j].Path })
	sort.Slice(out.Accounts, func(i, j int) bool {
		a, b := out.Accounts[i], out.Accounts[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.ID < b.ID
	})
	return nil
}

// listTags fills the accounts' tags: one call per account, concurrently
// (the rate limiter or the SDK's retries pace them).
func listTags(ctx context.Context, client *orgapi.Client, accounts []Account) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	var mu sync.Mutex
	for i := range accounts {
		a := &accounts[i]
		g.Go(func() error {
			tags := map[string]string{}
			if err := awsx.Pages(gctx, func(ctx context.Context, token *string) (*string, error) {
				page, err := client.ListTagsForResource(ctx, &orgapi.ListTagsForResourceInput{ResourceId: aws.String(a.ID), NextToken: token})
				if err != nil {
					return nil, err
				}
				for _, t := range page.Tags {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
				return page.NextToken, nil
			}); err != nil {
				return fmt.Errorf("organizations list-tags-for-resource %s: %w", a.ID, err)
			}
			mu.Lock()
			a.Tags = tags
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

func accountStatus(a orgtypes.Account) string {
	if a.State != "" {
		return string(a.State)
	}
	return string(a.Status)
}

// AccessError says Guardrail could not get credentials for an account
// (the role cannot be assumed).
type AccessError struct {
	Account string
	Err     error
}

func (e *AccessError) Error() string {
	return "cannot act in account " + e.Account + ": " + awsx.Brief(e.Err)
}

func (e *AccessError) Unwrap() error { return e.Err }

// RegionsByAccountAPI is the usual RegionSource: the Account API listed
// the regions.
const RegionsByAccountAPI = "account:ListRegions"

// discoverRegions lists the account's enabled regions with the Account
// API, and falls back to EC2 DescribeRegions (which lists the regions
// the account may use) whenever that fails for any reason but refused
// credentials or the caller's cancellation: denied, not offered (the
// Account API does not exist in the China and GovCloud partitions, where
// this is the normal path), a 404 or other answer with no AWS error
// code, an answer that is not AWS's, or no answer at all. RegionSource
// keeps which API answered, and why the first did not.
func (a *Account) discoverRegions(ctx context.Context, want []string) error {
	// Get the credentials first, so a role that cannot be assumed is
	// reported as that, not as a failure of the first API call.
	if _, err := a.cfg.Credentials.Retrieve(ctx); err != nil {
		return &AccessError{Account: a.ID, Err: err}
	}
	var enabled []string
	client := accountapi.NewFromConfig(a.cfg)
	a.RegionSource = RegionsByAccountAPI
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListRegions(ctx, &accountapi.ListRegionsInput{
			RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
			NextToken:               token,
		})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Regions {
			enabled = append(enabled, aws.ToString(r.RegionName))
		}
		return page.NextToken, nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if awsx.IsCredentials(err) {
			return fmt.Errorf("account list-regions in %s: %w", a.ID, err)
		}
		enabled = nil
		out, ec2err := ec2api.NewFromConfig(a.cfg).DescribeRegions(ctx, &ec2api.DescribeRegionsInput{})
		if ec2err != nil {
			return fmt.Errorf("list regions of %s: account list-regions: %s; ec2 describe-regions: %w", a.ID, failure(err), ec2err)
		}
		for _, r := range out.Regions {
			enabled = append(enabled, aws.ToString(r.RegionName))
		}
		a.RegionSource = "ec2:DescribeRegions (account:ListRegions failed: " + failure(err) + ")"
	}
	sort.Strings(enabled)
	if len(want) == 0 {
		a.Regions = enabled
		return nil
	}
	on := map[string]bool{}
	for _, r := range enabled {
		on[r] = true
	}
	for _, r := range want {
		if on[r] {
			a.Regions = append(a.Regions, r)
		} else {
			if a.Skipped == nil {
				a.Skipped = map[string]string{}
			}
			a.Skipped[r] = "region not enabled (opt-in required)"
		}
	}
	sort.Strings(a.Regions)
	return nil
}

// failure says briefly why a call failed: the AWS error code and
// message, the HTTP status of an answer that is not AWS's, or why there
// was no answer.
func failure(err error) string {
	if st := awsx.Status(err); st != 0 && awsx.Code(err) == "" {
		return fmt.Sprintf("HTTP %d, not an AWS answer", st)
	}
	var oe *smithy.OperationError
	if awsx.Code(err) == "" && !awsx.IsUnreachable(err) && errors.As(err, &oe) {
		return oe.Err.Error()
	}
	return awsx.Brief(err)
}
