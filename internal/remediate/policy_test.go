package remediate_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
)

// TestPolicyCoversEveryCall records every AWS call an apply of every
// playbook's control (with the health gate on) and its rollback make on
// the demo organization, and checks each is in the read-only policy or
// in the one 'guardrail iam-policy --remediate' prints.
func TestPolicyCoversEveryCall(t *testing.T) {
	f := newFixture(t)
	f.scan(t)
	ctx := context.Background()
	var rec collecttest.Recorder
	cfg := rec.Instrument(f.cfg)
	o := f.opts()
	o.Controls = playbook.Controls()
	o.MaxChanges = -1
	o.Params = roundTripParams
	o.Gate = remediate.Gate{AlarmPrefixes: []string{"legacy-web-"}, AlarmTags: []string{"guardrail:health=true"}}
	rep, err := remediate.Apply(ctx, cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	ro := f.opts()
	ro.Run = rep.Run
	if _, err := remediate.Rollback(ctx, cfg, ro); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, a := range append(slices.Clone(registry.DiscoveryActions), remediate.Actions(playbook.All())...) {
		allowed[a] = true
	}
	for _, st := range registry.Policy().Statement {
		for _, a := range st.Action {
			allowed[a] = true
		}
	}
	called := rec.Actions()
	if len(called) < 40 {
		t.Fatalf("only %d distinct actions recorded: %v", len(called), called)
	}
	for _, a := range called {
		if !allowed[a] {
			t.Errorf("remediation called %s, which neither policy allows", a)
		}
	}
}
