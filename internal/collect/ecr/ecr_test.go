package ecr_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/ecr"
	"github.com/guardrail-sec/guardrail/internal/control"
	ecrcontrol "github.com/guardrail-sec/guardrail/internal/control/ecr"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapecr "github.com/guardrail-sec/guardrail/internal/snapshot/ecr"
)

const region = "us-east-1"

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account string) (*snapecr.ECR, error) {
	t.Helper()
	a, err := collecttest.Run(t, ecr.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].ECR, err
}

func repos(e *snapecr.ECR) map[string]*snapecr.Repository {
	m := map[string]*snapecr.Repository{}
	for _, r := range e.Repositories {
		m[r.Name] = r
	}
	return m
}

func TestProductionAndHardened(t *testing.T) {
	s := start(t)
	e, err := collect(t, s, "444444444401")
	if err != nil {
		t.Fatal(err)
	}
	m := repos(e)
	if r := m["checkout-api"]; r == nil || r.ScanFrequency != "SCAN_ON_PUSH" || !r.LifecyclePolicy || r.TagMutability != "IMMUTABLE" ||
		r.ARN != "arn:aws:ecr:us-east-1:444444444401:repository/checkout-api" || r.Errors != nil {
		t.Errorf("checkout-api = %+v", r)
	}
	if r := m["batch-worker"]; r.ScanFrequency != "MANUAL" || !r.LifecyclePolicy {
		t.Errorf("batch-worker = %+v", r)
	}
	if r := m["base-images/python"]; r.TagMutability != "MUTABLE" || r.LifecyclePolicy {
		t.Errorf("python = %+v", r)
	}
	e, err = collect(t, s, "222222222222")
	if err != nil {
		t.Fatal(err)
	}
	if r := repos(e)["findings-api"]; r.ScanFrequency != "CONTINUOUS_SCAN" {
		t.Errorf("findings-api = %+v", r)
	}
}

// TestManyRepositories: scanning configurations are read 25 at a time.
func TestManyRepositories(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 60 {
		r.ECR.Repositories = append(r.ECR.Repositories, &world.ECRRepository{Name: fmt.Sprintf("r%02d", i), ScanOnPush: i%2 == 0})
	}
	a, err := collecttest.Run(t, ecr.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Regions[region].ECR
	if len(e.Repositories) != 60 {
		t.Fatalf("%d repositories", len(e.Repositories))
	}
	for i, r := range e.Repositories {
		want := map[bool]string{true: "SCAN_ON_PUSH", false: "MANUAL"}[i%2 == 0]
		if r.ScanFrequency != want || r.Errors != nil {
			t.Errorf("%s = %+v, want %s", r.Name, r, want)
		}
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "ecr", Action: "DescribeRepositories"}}})
	if _, err := collect(t, s, "555555555501"); err == nil || !strings.Contains(err.Error(), "describe repositories") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v", err)
	}
}

func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: "444444444401", Service: "ecr", Action: "BatchGetRepositoryScanningConfiguration"},
		{Account: "444444444401", Service: "ecr", Action: "GetLifecyclePolicy"},
	}})
	e, err := collect(t, s, "444444444401")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Repositories {
		if !strings.HasPrefix(r.Errors["scanning"], "AccessDenied") || !strings.HasPrefix(r.Errors["lifecycle"], "AccessDenied") || r.LifecyclePolicy {
			t.Errorf("%s = %+v", r.Name, r)
		}
	}
	a := &snapshot.Account{ID: "444444444401", Partition: "aws", HomeRegion: region, Regions: map[string]*snapshot.Region{region: {Name: region, ECR: e}}}
	snap := &snapshot.Snapshot{}
	snap.Add(a)
	for _, r := range control.EvaluateAccount(ecrcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
		if r.Status != control.Error && r.Control != "ECR.2" {
			t.Errorf("%s %s: %s", r.Control, r.Resource.Name, r.Status)
		}
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, every control both passes and fails somewhere.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, ecr.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ecrcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range ecrcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
