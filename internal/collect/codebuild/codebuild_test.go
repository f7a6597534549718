package codebuild_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/codebuild"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/control"
	cbcontrol "github.com/guardrail-sec/guardrail/internal/control/codebuild"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapcb "github.com/guardrail-sec/guardrail/internal/snapshot/codebuild"
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

func collect(t *testing.T, s *simtest.Sim, account string) (*snapcb.CodeBuild, error) {
	t.Helper()
	a, err := collecttest.Run(t, codebuild.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].CodeBuild, err
}

// TestDevelopment: the password in the source URL and the environment
// variables' values are not kept.
func TestDevelopment(t *testing.T) {
	cb, err := collect(t, start(t), "555555555501")
	if err != nil {
		t.Fatal(err)
	}
	if len(cb.Projects) != 2 {
		t.Fatalf("projects = %+v", cb.Projects)
	}
	p := cb.Projects[0]
	if p.Name != "dev-web-build" {
		p = cb.Projects[1]
	}
	if p.Name != "dev-web-build" || !p.Privileged || p.CloudWatchLogs || !p.S3Logs || !p.S3EncryptionDisabled ||
		len(p.Sources) != 1 || !p.Sources[0].URLPassword || p.Sources[0].Location != "https://dev-user:xxxxx@bitbucket.org/acme-dev/dev-web.git" ||
		fmt.Sprint(p.Environment) != "[{AWS_ACCESS_KEY_ID PLAINTEXT} {AWS_SECRET_ACCESS_KEY PLAINTEXT}]" {
		t.Errorf("dev-web-build = %+v", p)
	}
	if s := fmt.Sprintf("%+v", cb); strings.Contains(s, "ATBB") || strings.Contains(s, "devbuildsecret") {
		t.Errorf("a secret was kept: %s", s)
	}
}

func TestManyProjects(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 250 {
		r.CodeBuild.Projects = append(r.CodeBuild.Projects, &world.CodeBuildProject{Name: fmt.Sprintf("p%03d", i), Source: world.CodeBuildSource{Type: "NO_SOURCE"}})
	}
	a, err := collecttest.Run(t, codebuild.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	if ps := a.Regions[region].CodeBuild.Projects; len(ps) != 250 || !ps[0].CloudWatchLogs || ps[0].S3Logs {
		t.Errorf("%d projects", len(ps))
	}
}

func TestDenied(t *testing.T) {
	for _, action := range []string{"ListProjects", "BatchGetProjects"} {
		s := start(t)
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "codebuild", Action: action}}})
		if _, err := collect(t, s, "555555555501"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("%s denied: err = %v", action, err)
		}
	}
}

func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, codebuild.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(cbcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range cbcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
