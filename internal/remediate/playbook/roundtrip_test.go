package playbook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// roundTrip is one playbook's case: setup makes the misconfiguration in
// the member account through the SDK, as a user would, and returns the
// resource the control fails.
type roundTrip struct {
	name    string // defaults to the control
	control string
	region  string // the finding's region (us-east-1 when empty)
	params  map[string]string
	// world, when set, prepares the world before the simulator starts.
	world func(w *world.World)
	setup func(t *testing.T, cfg aws.Config) playbook.Resource
	// skip, when set, is the reason Fix must give (ErrSkip) instead of
	// a fix.
	skip string
}

// run checks the round trip: the control fails; Fix gives a change;
// Set makes the control pass; a second Fix changes nothing; Set back to
// the prior state restores it exactly, and the control fails again.
func (tc roundTrip) run(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	w := simtest.NewWorld()
	if tc.world != nil {
		tc.world(w)
	}
	sim := simtest.Start(t, w)
	region := tc.region
	if region == "" {
		region = "us-east-1"
	}
	cfg := sim.Config(t, simtest.Member, region)
	res := tc.setup(t, cfg)
	assess := func(want control.Status) {
		t.Helper()
		got := assessResource(t, cfg, tc.control, region, res.ARN)
		if got.Status != want {
			t.Fatalf("%s on %s: %s (%s), want %s", tc.control, res.ARN, got.Status, got.Reason, want)
		}
	}
	assess(control.Failed)
	p := playbook.ByControl(tc.control)
	if p == nil {
		t.Fatalf("no playbook for %s", tc.control)
	}
	// Every call the playbook makes is recorded: it must be one of the
	// actions it declares (the policy 'guardrail iam-policy --remediate'
	// prints is made of them).
	var rec collecttest.Recorder
	env := playbook.Env{Config: rec.Instrument(cfg), Account: simtest.Member, Region: region, Resource: res, Params: tc.params, Now: simtest.Now}
	defer func() {
		declared := p.Info().Actions
		for _, a := range rec.Actions() {
			if !slices.Contains(declared, a) {
				t.Errorf("%s called %s, which it does not declare in Info().Actions %v", p.Info().Name, a, declared)
			}
		}
	}()
	cur, err := p.Read(ctx, env)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want, err := p.Fix(env, cur)
	if tc.skip != "" {
		if !errors.Is(err, playbook.ErrSkip) || !strings.Contains(err.Error(), tc.skip) {
			t.Fatalf("Fix = %v, want a skip saying %q", err, tc.skip)
		}
		return
	}
	if err != nil {
		t.Fatalf("Fix: %v", err)
	}
	if jsonEqual(cur, want) {
		t.Fatalf("Fix changes nothing: %s", cur)
	}
	if err := p.Set(ctx, env, cur, want); err != nil {
		t.Fatalf("Set %s -> %s: %v", cur, want, err)
	}
	assess(control.Passed)
	now, err := p.Read(ctx, env)
	if err != nil {
		t.Fatalf("Read after the fix: %v", err)
	}
	if again, err := p.Fix(env, now); err != nil || !jsonEqual(again, now) {
		t.Fatalf("Fix after the fix = %s, %v; want no change from %s", again, err, now)
	}
	if err := p.Set(ctx, env, now, cur); err != nil {
		t.Fatalf("Set back %s -> %s: %v", now, cur, err)
	}
	back, err := p.Read(ctx, env)
	if err != nil {
		t.Fatalf("Read after rollback: %v", err)
	}
	if !jsonEqual(back, cur) {
		t.Fatalf("rollback restored %s, want %s", back, cur)
	}
	assess(control.Failed)
}

// assessResource collects what control needs in the member account and
// returns its result for arn.
func assessResource(t *testing.T, cfg aws.Config, id, region, arn string) control.Result {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := cat.Control(id)
	if c == nil {
		t.Fatalf("no control %s", id)
	}
	rs, err := scan.Assess(context.Background(), cfg, simtest.Member, "us-east-1", []string{region}, []*control.Control{c}, registry.All(), simtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range rs {
		if r.Resource.ARN == arn {
			return r
		}
		seen = append(seen, r.Resource.ARN+" "+string(r.Status))
	}
	t.Fatalf("%s has no result for %s; it judged:\n%s", id, arn, strings.Join(seen, "\n"))
	return control.Result{}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// TestEveryControlHasACase: each playbook is exercised by a round trip
// (roundTrips collects the cases of every service's test file).
func TestEveryControlHasACase(t *testing.T) {
	have := map[string]bool{}
	for _, tc := range roundTrips() {
		have[tc.control] = true
	}
	for _, c := range playbook.Controls() {
		if !have[c] {
			t.Errorf("playbook %s has no round-trip case", c)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTrips() {
		name := tc.name
		if name == "" {
			name = tc.control
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

// roundTrips returns the cases of every service.
func roundTrips() []roundTrip {
	var out []roundTrip
	for _, f := range []func() []roundTrip{s3Cases, ec2Cases, iamCases, kmsCases, cloudtrailCases, rdsCases, lambdaCases} {
		out = append(out, f()...)
	}
	return out
}
