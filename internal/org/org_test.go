package org_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const (
	paymentsProd = "444444444401"
	dataProd     = "444444444403"
	erpProd      = "444444444404" // denies the scanner's role
)

func startDemo(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func discover(t *testing.T, s *simtest.Sim, o org.Options) (*org.Organization, error) {
	t.Helper()
	return org.Discover(context.Background(), s.Config(t, s.World().Org.ManagementAccount, "us-east-1"), o)
}

func account(t *testing.T, o *org.Organization, id string) *org.Account {
	t.Helper()
	for i := range o.Accounts {
		if o.Accounts[i].ID == id {
			return &o.Accounts[i]
		}
	}
	t.Fatalf("account %s not discovered", id)
	return nil
}

// failEndpoint makes the SDK fail every call of service as it does where
// the service has no endpoint (the Account API in the China and GovCloud
// partitions), before anything is sent.
func failEndpoint(serviceID string) func(string, aws.Config) aws.Config {
	return func(_ string, cfg aws.Config) aws.Config {
		cfg.APIOptions = append(slices.Clone(cfg.APIOptions), func(s *middleware.Stack) error {
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("test.noEndpoint",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					if awsmiddleware.GetServiceID(ctx) == serviceID {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("failed to resolve service endpoint, %w",
							&aws.EndpointNotFoundError{Err: errors.New("no endpoint for the partition aws-cn")})
					}
					return next.HandleFinalize(ctx, in)
				}), middleware.Before)
		})
		return cfg
	}
}

// TestRegionFallback: whatever way account:ListRegions fails, short of
// refused credentials, the regions come from ec2:DescribeRegions, the
// same as the Account API would list, and the account says so.
func TestRegionFallback(t *testing.T) {
	accountAnswer := func(status int, contentType, body string) sim.Faults {
		return sim.Faults{Answers: []sim.Answer{{Service: "account", Action: "ListRegions", Status: status, ContentType: contentType, Body: body}}}
	}
	for _, tc := range []struct {
		name      string
		faults    sim.Faults
		configure func(string, aws.Config) aws.Config
		why       string // in RegionSource
	}{
		{name: "404 with no error code", faults: accountAnswer(404, "", ""), why: "HTTP 404 with no AWS error code"},
		{name: "unknown operation", faults: accountAnswer(400, "application/json", `{"__type":"UnknownOperationException","message":"Unknown operation"}`),
			why: "UnknownOperationException: Unknown operation"},
		{name: "an answer that is not AWS's", faults: accountAnswer(502, "text/html", "<html><body>Bad Gateway</body></html>"),
			why: "HTTP 502, not an AWS answer"},
		{name: "access denied", faults: sim.Faults{Deny: []sim.DenyRule{{Service: "account"}}}, why: "AccessDeniedException"},
		{name: "no answer", faults: sim.Faults{Answers: []sim.Answer{{Service: "account", Drop: true}}}, why: "the connection closed without an answer"},
		{name: "no endpoint", configure: failEndpoint("Account"), why: "no endpoint for the partition aws-cn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startDemo(t)
			clean, err := discover(t, s, org.Options{Include: []string{"Workloads/Production"}})
			if err != nil {
				t.Fatal(err)
			}
			s.SetFaults(tc.faults)
			got, err := discover(t, s, org.Options{Include: []string{"Workloads/Production"}, Configure: tc.configure})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{paymentsProd, dataProd} {
				want, a := account(t, clean, id), account(t, got, id)
				if a.Err != nil {
					t.Fatalf("%s not assessed: %v", id, a.Err)
				}
				if !slices.Equal(a.Regions, want.Regions) {
					t.Errorf("%s regions %v, want %v (as account:ListRegions lists them)", id, a.Regions, want.Regions)
				}
				if !strings.HasPrefix(a.RegionSource, "ec2:DescribeRegions (account:ListRegions failed: ") || !strings.Contains(a.RegionSource, tc.why) {
					t.Errorf("%s region source %q, want ec2:DescribeRegions and why: %s", id, a.RegionSource, tc.why)
				}
			}
			if a := account(t, got, erpProd); a.Err == nil {
				t.Errorf("the account that denies the scanner's role is assessed")
			}
			var text strings.Builder
			if err := org.WriteText(&text, got); err != nil {
				t.Fatal(err)
			}
			if want := "regions listed by ec2:DescribeRegions (account:ListRegions failed: "; strings.Count(text.String(), want) != 3 {
				t.Errorf("'guardrail org' does not say, for each of the three reachable accounts, where their regions came from:\n%s", text.String())
			}
		})
	}
	t.Run("refused credentials do not fall back", func(t *testing.T) {
		s := startDemo(t)
		s.SetFaults(accountAnswer(403, "application/json", `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`))
		got, err := discover(t, s, org.Options{Include: []string{paymentsProd}})
		if err != nil {
			t.Fatal(err)
		}
		if a := account(t, got, paymentsProd); a.Err == nil || !strings.Contains(a.Error, "UnrecognizedClientException") {
			t.Errorf("account error %v, want the refused credentials", a.Err)
		}
		for _, c := range s.Stats().Counts {
			if c.Service == "ec2" {
				t.Errorf("ec2 was called after the credentials were refused: %+v", c)
			}
		}
	})
}

// TestSelectors: a selector that matches nothing of the organization, a
// selection that leaves no account, and a region enabled nowhere in
// scope are errors that name the selector; before any account is
// examined, except for regions, which are known only after.
func TestSelectors(t *testing.T) {
	s := startDemo(t)
	wd := s.World()
	wd.Org.OUs["ou-gr7d-empty000"] = &world.OU{ID: "ou-gr7d-empty000", Name: "Empty", Parent: wd.Org.RootID}
	for _, tc := range []struct {
		name     string
		o        org.Options
		want     string   // error; "" for none
		accounts []string // selected, when no error
	}{
		{name: "OU path", o: org.Options{Include: []string{"Workloads/Production"}, Exclude: []string{erpProd}},
			accounts: []string{paymentsProd, "444444444402", dataProd}},
		{name: "OU name and tag", o: org.Options{Include: []string{"Sandbox", "owner=payments"}},
			accounts: []string{paymentsProd, "555555555501", "666666666601", "666666666602", "666666666603"}},
		{name: "an empty OU is an OU", o: org.Options{Include: []string{"Security"}, Exclude: []string{"Empty"}},
			accounts: []string{"222222222222", "333333333333"}},
		{name: "no such OU", o: org.Options{Include: []string{"Nope/Nothing"}},
			want: `--include "Nope/Nothing": no account or OU of the organization matches`},
		{name: "a typo among good selectors", o: org.Options{Include: []string{"Sandbox", "Workloads/Prodution"}},
			want: `--include "Workloads/Prodution": no account or OU of the organization matches`},
		{name: "no such account", o: org.Options{Exclude: []string{"999999999999"}},
			want: `--exclude "999999999999": no account or OU of the organization matches`},
		{name: "no such tag", o: org.Options{Include: []string{"owner=nobody"}},
			want: `--include "owner=nobody": no account of the organization has this tag`},
		{name: "empty selection", o: org.Options{Include: []string{"Workloads/Production"}, Exclude: []string{"Workloads"}},
			want: `--include "Workloads/Production" --exclude "Workloads": the selection leaves no account to assess`},
		{name: "empty OU alone", o: org.Options{Include: []string{"Empty"}},
			want: `the selection leaves no account to assess`},
		{name: "region enabled in some accounts", o: org.Options{Include: []string{"Workloads/Production"}, Regions: []string{"eu-south-1", "eu-west-1"}},
			accounts: []string{paymentsProd, "444444444402", dataProd, erpProd}},
		{name: "region enabled in no account in scope", o: org.Options{Include: []string{paymentsProd}, Regions: []string{"eu-south-1", "eu-west-1"}},
			want: `--regions "eu-south-1": not enabled in any account in scope`},
		{name: "no such region", o: org.Options{Regions: []string{"eu-west-9"}},
			want: `--regions "eu-west-9": not enabled in any account in scope`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var ready []string
			tc.o.Ready = func(a *org.Account) { mu.Lock(); ready = append(ready, a.ID); mu.Unlock() }
			got, err := discover(t, s, tc.o)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, a := range got.Accounts {
					ids = append(ids, a.ID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tc.accounts) {
					t.Errorf("selected %v, want %v", ids, tc.accounts)
				}
				return
			}
			var se *org.SelectorError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a SelectorError saying %s", err, tc.want)
			}
			if len(tc.o.Regions) == 0 && len(ready) > 0 {
				t.Errorf("accounts %v were examined before the selectors were checked", ready)
			}
		})
	}
}

// TestDiscoveredHook: the Discovered hook sees the whole discovery, and
// its error is Discover's; it is not called when the selection is wrong.
func TestDiscoveredHook(t *testing.T) {
	s := startDemo(t)
	stop := errors.New("stop")
	called := 0
	hook := func(o *org.Organization) error {
		called++
		if len(o.Accounts) != 3 || len(o.OUs) == 0 || len(o.Accounts[0].Regions) == 0 || o.Accounts[0].Tags == nil {
			t.Errorf("Discovered saw %d accounts, %d OUs, regions %v, tags %v", len(o.Accounts), len(o.OUs), o.Accounts[0].Regions, o.Accounts[0].Tags)
		}
		return stop
	}
	if _, err := discover(t, s, org.Options{Include: []string{"Sandbox"}, Tags: true, Discovered: hook}); !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the hook's", err)
	}
	if _, err := discover(t, s, org.Options{Include: []string{"Sandbox"}, Regions: []string{"eu-south-1"}, Discovered: hook}); errors.Is(err, stop) || err == nil {
		t.Fatalf("err = %v, want the region's", err)
	}
	if called != 1 {
		t.Errorf("the hook was called %d times, want once", called)
	}
}

func TestCheckSelectors(t *testing.T) {
	for _, tc := range []struct {
		sel, want string
	}{
		{"env=", `--include "env=": a tag selector needs a value`},
		{"=prod", `--include "=prod": a tag selector needs a key`},
		{"", `--include "": empty selector`},
		{" Sandbox", "leading or trailing spaces"},
		{"Workloads/", "not an OU path"},
		{"/Workloads", "not an OU path"},
		{"Workloads//Production", "not an OU path"},
		{"Workloads/Production", ""},
		{"ou-gr7d-12345678", ""},
		{"444444444401", ""},
		{"cost-center=1100", ""},
	} {
		err := org.CheckSelectors([]string{tc.sel}, nil)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.sel, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %s", tc.sel, err, tc.want)
		}
	}
	if err := org.CheckSelectors(nil, []string{"x="}); err == nil || !strings.HasPrefix(err.Error(), "--exclude") {
		t.Errorf("an exclude selector's error names --exclude: %v", err)
	}
}

// TestTagsOnlyWhenNeeded: account tags (one throttled Organizations call
// per account) are fetched only when a tag selector needs them or the
// caller asks for them; then every account in scope has its tags, the
// same either way.
func TestTagsOnlyWhenNeeded(t *testing.T) {
	s := startDemo(t)
	for _, tc := range []struct {
		name  string
		o     org.Options
		calls bool // ListTagsForResource expected
	}{
		{name: "no selector, not asked", o: org.Options{Include: []string{"Workloads/Production"}}},
		{name: "asked", o: org.Options{Include: []string{"Workloads/Production"}, Tags: true}, calls: true},
		{name: "tag selector", o: org.Options{Include: []string{"owner=payments"}}, calls: true},
		{name: "tag selector in exclude", o: org.Options{Include: []string{"Workloads/Production"}, Exclude: []string{"owner=payments"}}, calls: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			cfg := s.Config(t, s.World().Org.ManagementAccount, "us-east-1")
			cfg.APIOptions = append(slices.Clone(cfg.APIOptions), func(st *middleware.Stack) error {
				return st.Initialize.Add(middleware.InitializeMiddlewareFunc("test.countTags",
					func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
						if awsmiddleware.GetOperationName(ctx) == "ListTagsForResource" {
							n.Add(1)
						}
						return next.HandleInitialize(ctx, in)
					}), middleware.Before)
			})
			got, err := org.Discover(context.Background(), cfg, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if called := n.Load() > 0; called != tc.calls {
				t.Fatalf("ListTagsForResource called %d times, want calls: %v", n.Load(), tc.calls)
			}
			for _, a := range got.Accounts {
				want := s.World().Org.Members[a.ID].Tags
				if !tc.calls {
					if a.Tags != nil {
						t.Errorf("account %s has tags %v, none were fetched", a.ID, a.Tags)
					}
					continue
				}
				if len(want) == 0 {
					want = map[string]string{}
				}
				if !maps.Equal(a.Tags, want) {
					t.Errorf("account %s tags %v, want %v", a.ID, a.Tags, want)
				}
			}
		})
	}
}

// TestChain: discovery's dependent calls are who am I, the organization,
// its root, two listings per OU level, then an account's role and
// regions; a tag selector puts the tags in front.
func TestChain(t *testing.T) {
	s := startDemo(t)
	depth := 0
	for _, ou := range s.World().Org.OUs {
		d := 0
		for p := ou; p != nil && p.ID != s.World().Org.RootID; p = s.World().Org.OUs[p.Parent] {
			d++
		}
		depth = max(depth, d)
	}
	if depth == 0 {
		t.Fatal("the demo organization has no OU: the test cannot tell")
	}
	o, err := discover(t, s, org.Options{Include: []string{"Workloads/Production"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + 2*(depth+1) + 2; o.Chain() != want {
		t.Errorf("chain %d, want %d (OU depth %d)", o.Chain(), want, depth)
	}
	o, err = discover(t, s, org.Options{Include: []string{"owner=payments"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + 2*(depth+1) + 3; o.Chain() != want {
		t.Errorf("with a tag selector: chain %d, want %d", o.Chain(), want)
	}
	if o, err = discover(t, s, org.Options{SingleAccount: true}); err != nil || o.Chain() != 2 {
		t.Errorf("single account: chain %v (%v), want 2", o.Chain(), err)
	}
}
