package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// newRunID names a run started at t, "remediate-20261123T101500.042Z"
// then shard (a shard's run: "-shard2of4"), with a number if the
// journal has that name already.
func newRunID(ctx context.Context, j store.Journal, t time.Time, shard string) (string, error) {
	base := "remediate-" + t.UTC().Format("20060102T150405.000Z") + shard
	for i := 1; ; i++ {
		id := base
		if i > 1 {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		_, err := j.BaselineRun(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// outcome is what a run records in the journal beside its steps.
type outcome struct {
	Scan   string `json:"scan,omitempty"`
	Waves  []Wave `json:"waves,omitempty"`
	Halted *Halt  `json:"halted,omitempty"`
	Counts Counts `json:"counts"`
	Gate   Gate   `json:"gate"`
}

// Apply plans, then applies the plan wave by wave behind the health
// gate: each change re-reads the live state, journals it, changes, and
// is verified by re-assessing its control. A plan over MaxChanges, a
// gate alarm already in ALARM, and any input error stop it before
// anything changes. If the gate or the error rate halts the run, the
// current wave (or, with RollbackAll, the whole run) is rolled back
// and the report says why (Report.Halted).
func Apply(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	if o.Catalog == nil || len(o.Collectors) == 0 {
		return nil, errors.New("remediate apply: no catalog or collectors to verify changes with")
	}
	e := newEngine(cfg, o)
	rep, err := e.planOrSaved(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rep.Kind = "apply"
	n := rep.Changes()
	if e.o.MaxChanges > 0 && n > e.o.MaxChanges {
		return nil, inputErr("the plan changes %d resources, over the limit of %d per run: narrow the selection, or raise --max-changes to %d to apply it all; nothing was changed",
			n, e.o.MaxChanges, n)
	}
	if n == 0 {
		rep.Status = store.Complete
		return rep, nil
	}
	if e.o.Gate.On() {
		firing, err := e.firing(ctx, e.planned())
		if err != nil {
			return nil, fmt.Errorf("health gate, before any change: %w; nothing was changed", err)
		}
		if len(firing) > 0 {
			var names []string
			for _, a := range firing {
				names = append(names, a.String())
			}
			return nil, fmt.Errorf("health gate: %d alarm(s) already in ALARM before any change (%s): resolve them or narrow the gate; nothing was changed",
				len(firing), strings.Join(names, ", "))
		}
	}
	_, arn, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("remediate apply: who am I: %w", err)
	}
	j := e.o.Store
	id, err := newRunID(ctx, j, e.o.Now(), e.o.Discover.Shard.Suffix())
	if err != nil {
		return nil, err
	}
	plan, _ := json.Marshal(rep)
	if _, err := j.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunApply, Engine: store.EngineRemediate,
		Started: e.o.Now().UTC(), By: arn, Spec: string(plan), SpecName: "scan " + rep.Scan}); err != nil {
		return nil, err
	}
	rep.Run = id
	e.progress(0, "apply", "run %s: %d changes in %d waves", id, n, len(rep.Waves))
	rerr := e.applyWaves(ctx, cfg, rep)
	e.finish(rep)
	rep.Status = store.Complete
	switch {
	case rerr != nil || ctx.Err() != nil:
		rep.Status = store.Interrupted
	case rep.Halted != nil:
		rep.Status = Halted
	case rep.Counts[Failed] > 0 || rep.Counts[Unverified] > 0:
		rep.Status = store.Partial
	}
	jctx, cancel := change.Detached(ctx)
	defer cancel()
	out, _ := json.Marshal(outcome{Scan: rep.Scan, Waves: rep.Waves, Halted: rep.Halted, Counts: rep.Counts, Gate: e.o.Gate})
	if err := j.RecordRunOutcome(jctx, id, out); err != nil && rerr == nil {
		rerr = err
	}
	if err := j.FinishBaselineRun(jctx, id, rep.Status, e.o.Now().UTC()); err != nil && rerr == nil {
		rerr = err
	}
	if rerr != nil {
		return rep, rerr
	}
	return rep, ctx.Err()
}

// phases returns the playbooks' phases in order (reversed for a
// rollback).
func (e *engine) phases(reverse bool) []int {
	var out []int
	for _, p := range e.o.Playbooks {
		if !slices.Contains(out, p.Info().Phase) {
			out = append(out, p.Info().Phase)
		}
	}
	slices.Sort(out)
	if reverse {
		slices.Reverse(out)
	}
	return out
}

// planned returns the targets of the changes planned.
func (e *engine) planned() []target.Target {
	ts, _ := byTarget(e.items, func(it *Item) bool { return it.Action == Change })
	return ts
}

func (e *engine) progress(wave int, phase, format string, args ...any) {
	if e.o.Progress != nil {
		e.o.Progress(Event{Wave: wave, Phase: phase, Message: fmt.Sprintf(format, args...)})
	}
}

// applyWaves applies the waves in order, each followed by the gate.
func (e *engine) applyWaves(ctx context.Context, cfg aws.Config, rep *Report) error {
	for i := range rep.Waves {
		w := &rep.Waves[i]
		e.progress(w.N, "apply", "wave %d: %d changes in %d accounts", w.N, w.Changes, len(w.Accounts))
		for _, phase := range e.phases(false) {
			if err := e.each(ctx, e.items, func(it *Item) bool { return it.Action == Change && it.Wave == w.N && it.Phase == phase },
				func(ctx context.Context, t target.Target, its []*Item) { e.applyTarget(ctx, rep.Run, t, its) }); err != nil {
				return err
			}
		}
		for _, it := range e.items {
			if it.Wave != w.N {
				continue
			}
			switch it.Action {
			case Changed:
				w.Changed++
			case Failed, Unverified:
				w.Failed++
			case Change:
				it.Action, it.Reason = Pending, "interrupted before its turn"
			}
		}
		w.Status = WaveApplied
		if ctx.Err() != nil {
			return ctx.Err()
		}
		halt := e.errorRate(w)
		if halt == nil {
			var err error
			if halt, err = e.soak(ctx, w.N); err != nil {
				return err
			}
		}
		if halt != nil {
			e.halt(ctx, cfg, rep, w, halt)
			return nil
		}
	}
	return nil
}

// errorRate halts the run when a wave's failures exceed MaxErrorRate.
func (e *engine) errorRate(w *Wave) *Halt {
	tried := w.Changed + w.Failed
	if tried == 0 || e.o.MaxErrorRate >= 1 {
		return nil
	}
	if rate := float64(w.Failed) / float64(tried); rate > e.o.MaxErrorRate {
		return &Halt{Wave: w.N, Reason: fmt.Sprintf("%d of %d changes in wave %d failed (%.0f%%), over the limit of %.0f%% (--max-error-rate)",
			w.Failed, tried, w.N, rate*100, e.o.MaxErrorRate*100)}
	}
	return nil
}

// soak watches the gate for Soak after wave n (once when Soak is 0).
func (e *engine) soak(ctx context.Context, n int) (*Halt, error) {
	if !e.o.Gate.On() {
		return nil, nil
	}
	changed := e.changedTargets(n)
	for waited := time.Duration(0); ; {
		firing, err := e.firing(ctx, changed)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return &Halt{Wave: n, Reason: "the health gate cannot read the alarms: " + err.Error()}, nil
		}
		if len(firing) > 0 {
			var names []string
			for _, a := range firing {
				names = append(names, a.String())
			}
			return &Halt{Wave: n, Reason: fmt.Sprintf("%d alarm(s) went to ALARM %s into the soak of wave %d: %s", len(firing), waited, n, strings.Join(names, ", ")), Alarms: firing}, nil
		}
		if waited >= e.o.Soak {
			return nil, nil
		}
		d := min(e.o.Gate.Poll, e.o.Soak-waited)
		e.progress(n, "soak", "wave %d: no alarm after %s of %s", n, waited, e.o.Soak)
		if err := e.o.Sleep(ctx, d); err != nil {
			return nil, err
		}
		waited += d
	}
}

// changedTargets are the targets of waves 1..n where something was
// changed or attempted: where the gate looks.
func (e *engine) changedTargets(n int) []target.Target {
	ts, _ := byTarget(e.items, func(it *Item) bool {
		return it.Wave > 0 && it.Wave <= n && (it.Action == Changed || it.Action == Unverified || it.Action == Failed)
	})
	return ts
}

// halt stops the run at wave w: rolls back w (or every wave), marks the
// waves after it not run and their items pending.
func (e *engine) halt(ctx context.Context, cfg aws.Config, rep *Report, w *Wave, h *Halt) {
	rep.Halted = h
	w.Status = WaveHalted
	e.progress(w.N, "halt", "%s", h.Reason)
	for i := range rep.Waves {
		if rep.Waves[i].N > w.N {
			rep.Waves[i].Status = WaveNotRun
		}
	}
	for _, it := range e.items {
		if it.Wave > w.N && it.Action == Change {
			it.Action, it.Reason = Pending, fmt.Sprintf("not applied: the run halted in wave %d", w.N)
		}
	}
	if len(h.Alarms) == 0 && !e.o.RollbackAll {
		return // an error rate halts; what was changed stays, journaled
	}
	undo, err := e.o.Store.BaselineRun(ctx, rep.Run)
	if err != nil {
		h.Reason += "; the rollback could not start: " + err.Error()
		return
	}
	keep := func(s store.BaselineStep) bool { return s.Wave == w.N }
	if e.o.RollbackAll {
		keep = func(store.BaselineStep) bool { return true }
	}
	rb := newEngine(cfg, e.o)
	rb.configs = e.configs
	rrep, err := rb.rollback(ctx, cfg, undo, keep)
	if rrep != nil {
		h.RolledBack = rrep.Run
	}
	if err != nil {
		h.Reason += "; the rollback failed: " + err.Error()
		return
	}
	restored := map[string]bool{}
	for _, it := range rrep.Items {
		if it.Action == Restored || it.Action == Unchanged {
			restored[it.Account+" "+it.Region+" "+it.key()] = true
		}
	}
	for i := range rep.Waves {
		if rep.Waves[i].N == w.N || (e.o.RollbackAll && rep.Waves[i].N < w.N) {
			rep.Waves[i].Status = WaveRolledBack
		}
	}
	for _, it := range e.items {
		if restored[it.Account+" "+it.Region+" "+it.key()] {
			it.Reason = "changed, then rolled back by " + rrep.Run
			it.Action = Restored
		}
	}
	if rrep.Counts[Failed] > 0 {
		h.Reason += fmt.Sprintf("; %d change(s) could not be rolled back (see %s)", rrep.Counts[Failed], rrep.Run)
	}
}

// applyTarget applies a target's changes in plan order, then verifies
// those made.
func (e *engine) applyTarget(ctx context.Context, run string, t target.Target, its []*Item) {
	written := map[string]json.RawMessage{}
	var changed []*Item
	for _, it := range its {
		if ctx.Err() != nil {
			it.Action, it.Reason = Pending, "interrupted before its turn"
			continue
		}
		if e.applyItem(ctx, run, it, written) {
			changed = append(changed, it)
		}
	}
	if len(changed) > 0 && ctx.Err() == nil {
		e.verify(ctx, t, changed)
	}
}

// applyItem re-reads, journals and changes one item; it reports whether
// it changed.
func (e *engine) applyItem(ctx context.Context, run string, it *Item, written map[string]json.RawMessage) bool {
	p := e.o.playbookOf(it.Control)
	env := e.env(it)
	live, err := p.Read(ctx, env)
	if err != nil {
		it.Action, it.Reason = failure(err)
		return false
	}
	if !jsonEqual(live, it.Prior) && (written[it.Resource.ARN] == nil || !jsonEqual(live, written[it.Resource.ARN])) {
		var fields []string
		for _, c := range jsondiff.Diff(it.Prior, live) {
			fields = append(fields, fmt.Sprintf("%s %s -> %s", c.Field, c.From, c.To))
		}
		it.Action, it.Reason = Skipped, "changed since the plan ("+strings.Join(fields, "; ")+"): left alone; plan again to fix it"
		return false
	}
	want, err := p.Fix(env, live)
	if err != nil {
		it.Action, it.Reason = failure(err)
		return false
	}
	if jsonEqual(live, want) {
		it.Action, it.Reason = Passing, "already passes"
		return false
	}
	r := change.Send(ctx, e.o.Store, store.BaselineStep{Run: run, StepKey: store.StepKey{Account: it.Account, Region: it.Region, Item: it.key()},
		Wave: it.Wave, Prior: live, Want: want}, func(ctx context.Context) error { return p.Set(ctx, env, live, want) })
	switch r.Outcome {
	case change.Done:
		it.Action, it.Prior, it.Want, it.Changes, it.Reason = Changed, live, want, jsondiff.Diff(live, want), r.Detail
		// What the change left, as AWS reports it (IDs, versions and
		// defaults it fills in): what a rollback expects to find. The
		// journal has it already when it is what was asked for, to the
		// byte (most changes): one transaction fewer per change.
		if after, err := p.Read(ctx, env); err == nil && !bytes.Equal(after, want) {
			it.Want = after
			jctx, cancel := change.Detached(ctx)
			defer cancel()
			if err := e.o.Store.RecordStepWant(jctx, run, store.StepKey{Account: it.Account, Region: it.Region, Item: it.key()}, after); err != nil {
				it.Reason = "changed, but the journal could not record the state it left: " + err.Error()
			}
		}
		written[it.Resource.ARN] = it.Want
		return true
	case change.Failed:
		it.Action, it.Reason = Failed, awsx.Describe(r.Err)
	default:
		it.Action, it.Reason = Failed, r.Err.Error()
	}
	return false
}

// verify re-assesses the controls of a target's changes: each must now
// pass on its resource.
func (e *engine) verify(ctx context.Context, t target.Target, changed []*Item) {
	var controls []*control.Control
	seen := map[string]bool{}
	for _, it := range changed {
		if c := e.o.Catalog.Control(it.Control); c != nil && !seen[c.ID] {
			seen[c.ID] = true
			controls = append(controls, c)
		}
	}
	home := e.home
	if t.Global {
		home = t.Region
	}
	e.mu.Lock()
	cfg := awsx.FailFast(e.configs[t.Account])
	e.mu.Unlock()
	rs, err := scan.Assess(ctx, cfg, t.Account, home, []string{t.Region}, controls, e.o.Collectors, e.o.Now())
	if err != nil {
		for _, it := range changed {
			it.Action, it.Reason = Unverified, "changed, but the control could not be re-assessed: "+awsx.Describe(err)
		}
		return
	}
	for _, it := range changed {
		found := false
		for _, r := range rs {
			if r.Control != it.Control || r.Resource.ARN != it.Resource.ARN {
				continue
			}
			found = true
			if r.Status == control.Passed {
				it.Reason = "verified: " + r.Reason
			} else {
				it.Action, it.Reason = Unverified, fmt.Sprintf("changed, but %s is still %s: %s", it.Control, r.Status, r.Reason)
			}
			break
		}
		if !found {
			it.Action, it.Reason = Unverified, "changed, but re-assessing "+it.Control+" no longer finds the resource"
		}
	}
}
