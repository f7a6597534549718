package iactest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// Account and Region are where both sides of the table live.
const (
	Account = simtest.Member
	Region  = "us-east-1"
)

// LiveVerdicts creates sc's misconfiguration in a fresh simulator and
// returns the FAILED verdicts of sc's controls that the setup brought:
// a result on a resource is counted when it was not there before the
// setup; a result on the account itself always is.
func LiveVerdicts(t testing.TB, sc Scenario) []Verdict {
	t.Helper()
	ctx := context.Background()
	// Two simulators from the same world: one for the state before the
	// setup, one that sees only the setup's assessment, so that nothing
	// the first assessment caches (a credential report, which AWS
	// regenerates at most every 4 hours) hides the setup.
	start := func() aws.Config {
		w := simtest.NewWorld()
		if sc.World != nil {
			sc.World(w)
		}
		s := simtest.Start(t, w)
		return s.Config(t, Account, Region)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var controls []*control.Control
	for _, id := range sc.Controls {
		c := cat.Control(id)
		if c == nil {
			t.Fatalf("scenario %q: no control %s", sc.Name, id)
		}
		controls = append(controls, c)
	}
	assess := func(cfg aws.Config) []control.Result {
		_, rs, err := scan.AssessSnapshot(ctx, cfg, Account, Region, []string{Region}, controls, registry.All(), simtest.Now)
		if err != nil {
			t.Fatalf("scenario %q: assess: %v", sc.Name, err)
		}
		return rs
	}
	before := map[string]bool{}
	cfgBefore := start()
	for _, r := range assess(cfgBefore) {
		before[r.Control+"\x00"+r.Resource.ARN+"\x00"+string(r.Status)+"\x00"+r.Reason] = true
	}
	cfg := start()
	if err := sc.Live(ctx, cfg); err != nil {
		t.Fatalf("scenario %q: live setup: %v", sc.Name, err)
	}
	accountARN := "AWS::::Account:" + Account
	var out []Verdict
	for _, r := range assess(cfg) {
		if r.Status != control.Failed {
			continue
		}
		if r.Resource.ARN != accountARN && before[r.Control+"\x00"+r.Resource.ARN+"\x00"+string(r.Status)+"\x00"+r.Reason] {
			continue
		}
		out = append(out, Verdict{Control: r.Control, Status: string(r.Status), Reason: Normalize(r.Reason)})
	}
	SortVerdicts(out)
	return out
}

// CodeVerdicts are the FAILED verdicts of controls in an IaC report.
func CodeVerdicts(rep *iac.Report, controls []string) []Verdict {
	want := map[string]bool{}
	for _, c := range controls {
		want[c] = true
	}
	var out []Verdict
	for _, r := range rep.Results {
		if want[r.Control] && r.Status == iac.Failed {
			out = append(out, Verdict{Control: r.Control, Status: string(r.Status), Reason: Normalize(r.Reason)})
		}
	}
	SortVerdicts(out)
	return out
}
