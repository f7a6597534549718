package remediate_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/exempt"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// imdsTokens returns each instance's HttpTokens in the world, by
// "account region id".
func imdsTokens(w *world.World) map[string]string {
	out := map[string]string{}
	for _, id := range w.AccountIDs() {
		a := w.Account(id)
		for _, r := range demoRegions {
			if !a.RegionEnabled(r) {
				continue
			}
			for _, i := range a.In(r).EC2.Instances {
				out[id+" "+r+" "+i.ID] = i.Metadata.HTTPTokens
			}
		}
	}
	return out
}

// instance returns the first instance of account in region that fails
// EC2.8 (IMDSv1 allowed).
func instance(w *world.World, account, region string) *world.Instance {
	for _, i := range w.Account(account).In(region).EC2.Instances {
		if i.Metadata.HTTPTokens != "required" && i.State != "terminated" {
			return i
		}
	}
	panic("no IMDSv1 instance in " + account + " " + region)
}

// TestBadInput: every selection that cannot be run is an InputError
// that says what is wrong, and nothing is journaled or changed.
func TestBadInput(t *testing.T) {
	parent := t
	var plain *fixture
	exemptTag := func(v string) func(*world.World) {
		return func(w *world.World) {
			i := instance(w, "444444444402", "eu-west-1")
			if i.Tags == nil {
				i.Tags = map[string]string{}
			}
			i.Tags[exempt.Tag] = v
		}
	}
	for _, tc := range []struct {
		name    string
		prepare func(*world.World)
		set     func(*remediate.Options)
		want    string
	}{
		{"unknown control", nil, func(o *remediate.Options) { o.Controls = []string{"EC2.999"} }, "unknown control EC2.999"},
		{"control without a playbook", nil, func(o *remediate.Options) { o.Controls = []string{"GuardDuty.1"} }, "no playbook for GuardDuty.1; the controls with a playbook are"},
		{"nothing selected", nil, func(o *remediate.Options) { o.Controls = nil }, "say what to fix"},
		{"unknown finding", nil, func(o *remediate.Options) { o.Findings = []string{"ffffffff"} }, `--finding "ffffffff": no such finding`},
		{"unknown param", nil, func(o *remediate.Options) { o.Params = map[string]string{"nope": "1"} }, "--param nope: no playbook takes it"},
		{"canary matching nothing", nil, func(o *remediate.Options) { o.Canary = "Nowhere/Nothing" }, `--canary "Nowhere/Nothing": selects none`},
		{"over the limit", nil, func(o *remediate.Options) { o.MaxChanges = 5 }, "over the limit of 5 per run"},
		{"malformed exemption", exemptTag("EC2.8 forever"), nil, "tag guardrail:exempt: \"EC2.8 forever\": want"},
		{"exemption without a reason", exemptTag("EC2.8 until 2027-01-01:"), nil, "no reason after the colon"},
		{"expired exemption", exemptTag("EC2.8 until 2026-05-01: legacy app"), nil, "the exemption expired on 2026-05-01 (legacy app)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f *fixture
			if tc.prepare == nil {
				// The selections refused on the demo as it is share one:
				// each is checked to change nothing, so each finds it as
				// the one before left it.
				if plain == nil {
					plain = newFixture(parent)
					plain.scan(parent, "EC2.8")
				}
				f = plain
			} else {
				f = newFixture(t, tc.prepare)
				f.scan(t, "EC2.8")
			}
			before := imdsTokens(f.sim.World())
			o := f.opts()
			o.Controls = []string{"EC2.8"}
			if tc.set != nil {
				tc.set(&o)
			}
			_, err := remediate.Apply(context.Background(), f.cfg, o)
			var ie *remediate.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply = %v, want an InputError saying %q", err, tc.want)
			}
			if runs, _ := f.st.BaselineRuns(context.Background(), 0); len(runs) != 0 {
				t.Errorf("runs journaled: %+v", runs)
			}
			if after := imdsTokens(f.sim.World()); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Error("instances changed")
			}
		})
	}
}

// TestExemptions: a resource tagged guardrail:exempt for the control,
// and a suppressed finding, are listed as exempt with why, and left
// alone; a tag for another control exempts nothing.
func TestExemptions(t *testing.T) {
	f := newFixture(t, func(w *world.World) {
		instance(w, "444444444402", "eu-west-1").Tags = map[string]string{exempt.Tag: "EC2.8/EC2.170 until 2026-12-31: legacy web app, SEC-42"}
		instance(w, "444444444403", "eu-west-1").Tags = map[string]string{exempt.Tag: "S3.1 until 2026-12-31: other control"}
	})
	f.scan(t, "EC2.8")
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.MaxChanges = -1
	rep, err := remediate.Plan(context.Background(), f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	exempt := instance(f.sim.World(), "444444444402", "eu-west-1").ID
	other := instance(f.sim.World(), "444444444403", "eu-west-1").ID
	for _, it := range rep.Items {
		switch {
		case strings.HasSuffix(it.Resource.ARN, "/"+exempt) && it.Account == "444444444402" && it.Region == "eu-west-1":
			if it.Action != remediate.Exempt || !strings.Contains(it.Reason, "until 2026-12-31: legacy web app, SEC-42") {
				t.Errorf("exempt instance: %s %q", it.Action, it.Reason)
			}
		case strings.HasSuffix(it.Resource.ARN, "/"+other) && it.Account == "444444444403" && it.Region == "eu-west-1":
			if it.Action != remediate.Change {
				t.Errorf("instance exempt for another control: %s %q", it.Action, it.Reason)
			}
		}
	}
	if rep.Counts[remediate.Exempt] != 1 {
		t.Errorf("counts %v, want 1 exempt", rep.Counts)
	}
}

// TestChangedSincePlan: a resource someone changes after the plan read
// it is left alone with why; the others are fixed.
func TestChangedSincePlan(t *testing.T) {
	f := newFixture(t)
	f.scan(t, "EC2.8")
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.MaxChanges = -1
	var victim string
	o.Progress = func(e remediate.Event) {
		if e.Phase == "apply" && e.Wave == 2 && victim == "" {
			// Between the plan and wave 2, someone requires IMDSv2 on one
			// instance of wave 2 through the API, and then relaxes it to
			// "optional" with a hop limit changed: the state differs.
			i := instance(f.sim.World(), "444444444402", "eu-west-1")
			victim = i.ID
			i.Metadata.HTTPTokens = "required"
		}
	}
	rep, err := remediate.Apply(context.Background(), f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range rep.Items {
		if it.Account == "444444444402" && it.Region == "eu-west-1" && strings.HasSuffix(it.Resource.ARN, "/"+victim) {
			found = true
			if it.Action != remediate.Skipped || !strings.Contains(it.Reason, `changed since the plan (http_tokens "optional" -> "required")`) {
				t.Errorf("changed instance: %s %q", it.Action, it.Reason)
			}
		}
	}
	if !found || rep.Counts[remediate.Changed] == 0 || rep.Counts[remediate.Failed] > 0 {
		t.Errorf("found %v, counts %v", found, rep.Counts)
	}
}

// TestFaultsInOneAccount: throttling everywhere, AccessDenied in one
// account and 5xx answers in another during apply: the rest completes; the failures are
// reported with their reasons.
func TestFaultsInOneAccount(t *testing.T) {
	f := newFixture(t)
	f.scan(t, "EC2.8")
	f.sim.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555502", Action: "ModifyInstanceMetadataOptions"}},
		Answers: []sim.Answer{{Account: "555555555503", Action: "ModifyInstanceMetadataOptions", Status: 503,
			Body: `<Response><Errors><Error><Code>ServiceUnavailable</Code><Message>Service Unavailable</Message></Error></Errors></Response>`, ContentType: "text/xml"}},
		Throttle: true, Limits: map[string]sim.Limit{"ec2": {Rate: 40, Burst: 10}}})
	cfg := f.cfg.Copy()
	cfg.RetryMaxAttempts = 3 // a 503 that lasts is tried three times, then reported
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.MaxChanges = -1
	o.MaxErrorRate = 1
	rep, err := remediate.Apply(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rep.Items {
		switch {
		case it.Account == "555555555502":
			if it.Action != remediate.Failed || !strings.Contains(it.Reason, "UnauthorizedOperation") {
				t.Errorf("denied account: %s %q", it.Action, it.Reason)
			}
		case it.Account == "555555555503":
			if it.Action != remediate.Failed || !strings.Contains(it.Reason, "ServiceUnavailable") {
				t.Errorf("account answering 503: %s %q", it.Action, it.Reason)
			}
		case it.Action != remediate.Changed:
			t.Errorf("%s %s: %s %q", it.Account, it.Resource.ARN, it.Action, it.Reason)
		}
	}
	if rep.Status != store.Partial {
		t.Errorf("status %s, want PARTIAL", rep.Status)
	}
}

// TestErrorRateHalts: failures over the limit in a wave halt the run;
// later waves do not run.
func TestErrorRateHalts(t *testing.T) {
	f := newFixture(t)
	f.scan(t, "EC2.8")
	f.sim.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "44444444440[23]", Action: "ModifyInstanceMetadataOptions"}}})
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.MaxChanges = -1
	rep, err := remediate.Apply(context.Background(), f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != remediate.Halted || rep.Halted == nil || rep.Halted.Wave != 2 || !strings.Contains(rep.Halted.Reason, "--max-error-rate") {
		t.Fatalf("status %s, halted %+v", rep.Status, rep.Halted)
	}
	for _, w := range rep.Waves[2:] {
		if w.Status != remediate.WaveNotRun {
			t.Errorf("wave %d ran after the halt: %s", w.N, w.Status)
		}
	}
	if rep.Counts[remediate.Pending] == 0 {
		t.Errorf("counts %v: nothing pending", rep.Counts)
	}
}

const envCrash = "GUARDRAIL_REMEDIATE_CRASH"

// TestKillMidApply kills (SIGKILL) an apply in its third wave. A re-run
// completes the rest (what the killed run changed reads as passing);
// rolling back both runs restores every instance as it was.
func TestKillMidApply(t *testing.T) {
	if spec := os.Getenv(envCrash); spec != "" {
		crashChild(t, spec)
		return
	}
	f := newFixture(t)
	f.scan(t, "EC2.8")
	before := imdsTokens(f.sim.World())
	po := f.opts()
	po.Controls = []string{"EC2.8"}
	plan, err := remediate.Plan(context.Background(), f.cfg, po)
	if err != nil {
		t.Fatal(err)
	}
	f.sim.SetFaults(sim.Faults{Latency: sim.Latency{Min: sim.Duration(2 * time.Millisecond), Max: sim.Duration(4 * time.Millisecond)}})
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidApply$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrash+"="+f.sim.URL+"|"+f.dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer killer.Stop()
	killed := false
	for lines := bufio.NewScanner(out); lines.Scan(); {
		if strings.Contains(lines.Text(), "wave 3:") {
			time.Sleep(30 * time.Millisecond) // into the wave
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child finished before wave 3")
	}
	f.sim.SetFaults(sim.Faults{})
	ctx := context.Background()
	runs, err := remediate.Runs(ctx, f.st)
	if err != nil || len(runs) != 1 || runs[0].Status != store.Interrupted {
		t.Fatalf("runs after the kill = %+v, %v", runs, err)
	}
	killedRun := runs[0].ID
	steps, _ := f.st.BaselineSteps(ctx, killedRun)
	if len(steps) == 0 {
		t.Fatal("the killed run journaled nothing")
	}
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.MaxChanges = -1
	again, err := remediate.Apply(ctx, f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, s := range steps {
		if s.Status == store.StepDone {
			done++
		}
	}
	// A step journaled but not confirmed may or may not have been sent.
	if again.Status != store.Complete || again.Counts[remediate.Passing] < done || again.Counts[remediate.Passing] > len(steps) ||
		again.Counts[remediate.Changed]+again.Counts[remediate.Passing] != plan.Changes() {
		t.Errorf("re-run: %s %v after %d journaled steps, %d done", again.Status, again.Counts, len(steps), done)
	}
	for _, id := range []string{again.Run, killedRun} {
		ro := f.opts()
		ro.Run = id
		rb, err := remediate.Rollback(ctx, f.cfg, ro)
		if err != nil || rb.Status != store.Complete {
			t.Fatalf("rollback %s: %v %+v", id, err, rb)
		}
	}
	if after := imdsTokens(f.sim.World()); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("after both rollbacks the instances differ from before")
	}
}

// crashChild is the child's side: apply EC2.8 against the parent's
// simulator and store, telling each event on stdout, until killed.
func crashChild(t *testing.T, spec string) {
	url, dsn, _ := strings.Cut(spec, "|")
	ctx := context.Background()
	mgmt := "111111111111"
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: url,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalog.Default()
	o := remediate.Options{Store: st, Discover: org.Options{Regions: demoRegions}, Catalog: cat, Collectors: registry.All(),
		Now: func() time.Time { return simtest.Now }, Controls: []string{"EC2.8"}, MaxChanges: -1, Concurrency: 2,
		Progress: func(e remediate.Event) { fmt.Println(e.Message) }}
	remediate.Apply(ctx, cfg, o)
	time.Sleep(time.Minute) // the parent kills it
}

// TestSavedPlan: 'remediate plan --out' then 'apply --plan': exactly the
// saved plan's changes are applied; a resource someone changed after the
// plan was reviewed is left alone, with the fields that changed.
func TestSavedPlan(t *testing.T) {
	f := newFixture(t)
	f.scan(t, "EC2.8")
	o := f.opts()
	o.Controls = []string{"EC2.8"}
	o.Discover.Include = []string{"Sandbox"}
	o.Discover.Regions = nil
	o.MaxChanges = -1
	plan, err := remediate.Plan(context.Background(), f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var saved remediate.Report
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	// After the review, someone requires IMDSv2 on one planned instance
	// and relaxes a Production one (outside the plan).
	changed := instance(f.sim.World(), "666666666601", "eu-west-1")
	changed.Metadata.HTTPTokens = "required"
	ao := f.opts()
	ao.Discover.Regions = nil
	ao.Saved = &saved
	ao.MaxChanges = -1
	rep, err := remediate.Apply(context.Background(), f.cfg, ao)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != store.Complete {
		t.Errorf("status %s", rep.Status)
	}
	for _, it := range rep.Items {
		if it.Account != "666666666601" && it.Account != "666666666602" && it.Account != "666666666603" {
			t.Errorf("outside the saved plan: %s %s", it.Account, it.Resource.ARN)
		}
		if strings.HasSuffix(it.Resource.ARN, "/"+changed.ID) && it.Account == "666666666601" && it.Region == "eu-west-1" {
			if it.Action != remediate.Skipped || !strings.Contains(it.Reason, "changed since the plan") {
				t.Errorf("changed instance: %s %q", it.Action, it.Reason)
			}
		} else if it.Action != remediate.Changed {
			t.Errorf("%s: %s %q", it.Resource.ARN, it.Action, it.Reason)
		}
	}
	// A saved plan with a selection is refused.
	ao.Controls = []string{"EC2.8"}
	if _, err := remediate.Apply(context.Background(), f.cfg, ao); !remediate.IsInput(err) {
		t.Errorf("saved plan with --controls: %v", err)
	}
}
