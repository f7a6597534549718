package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Rollback puts back the prior state of every change of run o.Run (or
// those in o.Accounts, o.Regions and o.Controls), targets in parallel
// and each target's changes in reverse order. Each restore is itself
// journaled, in a rollback run, before it is sent; each restored step
// of the undone run becomes ROLLED_BACK, so a rollback can be repeated
// after an interruption. Rollback needs no scan and no discovery: the
// journal names the accounts, regions and resources.
func Rollback(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	if o.Store == nil {
		return nil, errors.New("remediate rollback: no store")
	}
	if o.Run == "" {
		return nil, inputErr("remediate rollback: say which run to roll back (--run; see 'guardrail remediate status')")
	}
	e := newEngine(cfg, o)
	if err := e.o.check(true); err != nil {
		return nil, err
	}
	undo, err := e.o.Store.BaselineRun(ctx, o.Run)
	if errors.Is(err, store.ErrNotFound) {
		return nil, inputErr("--run %q: no such remediation run (see 'guardrail remediate status')", o.Run)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case undo.Engine != store.EngineRemediate:
		return nil, inputErr("--run %s is a %s run: roll it back with 'guardrail %s rollback'", undo.ID, undo.Engine, undo.Engine)
	case undo.Kind != store.RunApply:
		return nil, inputErr("--run %s is a %s run; give the apply run to roll back", undo.ID, undo.Kind)
	}
	keep := func(s store.BaselineStep) bool {
		c, _, _ := strings.Cut(s.Item, " ")
		return (len(e.o.Accounts) == 0 || slices.Contains(e.o.Accounts, s.Account)) &&
			(len(e.o.Regions) == 0 || slices.Contains(e.o.Regions, s.Region)) &&
			(len(e.o.Controls) == 0 || slices.Contains(e.o.Controls, c))
	}
	return e.rollback(ctx, cfg, undo, keep)
}

// rollback undoes the steps of run undo that keep keeps.
func (e *engine) rollback(ctx context.Context, cfg aws.Config, undo store.BaselineRun, keep func(store.BaselineStep) bool) (*Report, error) {
	j := e.o.Store
	steps, err := j.BaselineSteps(ctx, undo.ID)
	if err != nil {
		return nil, err
	}
	var kept []store.BaselineStep
	for _, s := range steps {
		if keep(s) {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		what := "no change"
		if len(steps) > 0 {
			what = fmt.Sprintf("none of its %d changes matches --accounts, --regions and --controls", len(steps))
		}
		return nil, inputErr("run %s: %s: nothing to roll back", undo.ID, what)
	}
	caller, arn, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("remediate rollback: who am I: %w", err)
	}
	role, session := e.o.Discover.Role, e.o.Discover.SessionName
	if role == "" {
		role = org.DefaultRole
	}
	if session == "" {
		session = "guardrail"
	}
	// Reverse journal order: the last change of a resource is undone
	// first.
	slices.Reverse(kept)
	byItem := map[*Item]store.BaselineStep{}
	for _, s := range kept {
		if _, ok := e.configs[s.Account]; !ok {
			c := cfg
			if s.Account != caller {
				c = awsx.AssumeRole(cfg, "arn:aws:iam::"+s.Account+":role/"+role, session)
			}
			e.configs[s.Account] = e.o.Limiter.Instrument(c, s.Account)
		}
		ctl, res, _ := strings.Cut(s.Item, " ")
		it := &Item{Control: ctl, Account: s.Account, Region: s.Region, Resource: playbook.Resource{ARN: res}, Wave: s.Wave}
		if p := e.o.playbookOf(ctl); p != nil {
			it.Playbook, it.Phase = p.Info().Name, p.Info().Phase
		}
		e.items = append(e.items, it)
		byItem[it] = s
	}
	id, err := newRunID(ctx, j, e.o.Now(), "")
	if err != nil {
		return nil, err
	}
	if _, err := j.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunRollback, Engine: store.EngineRemediate, Of: undo.ID,
		Started: e.o.Now().UTC(), By: arn, SpecName: undo.SpecName}); err != nil {
		return nil, err
	}
	rep := &Report{Kind: "rollback", Run: id, Of: undo.ID}
	e.progress(0, "rollback", "run %s: rolling back %d changes of %s", id, len(kept), undo.ID)
	var rerr error
	for _, phase := range e.phases(true) {
		if rerr = e.each(ctx, e.items, func(it *Item) bool { return it.Phase == phase }, func(ctx context.Context, _ target.Target, its []*Item) {
			for _, it := range its {
				if ctx.Err() != nil {
					it.Action, it.Reason = Failed, "interrupted before it was restored"
					continue
				}
				e.restore(ctx, id, it, byItem[it])
			}
		}); rerr != nil {
			break
		}
	}
	e.finish(rep)
	rep.Status = store.Complete
	switch {
	case rerr != nil || ctx.Err() != nil:
		rep.Status = store.Interrupted
	case rep.Counts[Failed] > 0 || rep.Counts[Skipped] > 0:
		rep.Status = store.Partial
	}
	jctx, cancel := change.Detached(ctx)
	defer cancel()
	out, _ := json.Marshal(outcome{Counts: rep.Counts})
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

// restore puts one step back to its prior state.
func (e *engine) restore(ctx context.Context, run string, it *Item, s store.BaselineStep) {
	if s.Status == store.StepRolledBack {
		it.Action, it.Reason = Unchanged, "rolled back by "+s.Detail
		return
	}
	p := e.o.playbookOf(it.Control)
	if p == nil {
		it.Action, it.Reason = Failed, "no playbook for "+it.Control+" in this version of Guardrail: restore by hand to "+string(s.Prior)
		return
	}
	env := e.env(it)
	cur, err := p.Read(ctx, env)
	if err != nil {
		it.Action, it.Reason = Failed, "read: "+awsx.Describe(err)
		if errors.Is(err, playbook.ErrSkip) {
			it.Reason = strings.TrimPrefix(err.Error(), playbook.ErrSkip.Error()+": ")
		}
		return
	}
	it.Prior, it.Want, it.Changes = cur, s.Prior, jsondiff.Diff(cur, s.Prior)
	if len(it.Changes) > 0 && !jsonEqual(cur, s.Want) && !e.o.Force {
		// Someone changed it after the run: putting the prior state back
		// would undo their change too.
		var fields []string
		for _, c := range jsondiff.Diff(s.Want, cur) {
			fields = append(fields, fmt.Sprintf("%s %s -> %s", c.Field, c.From, c.To))
		}
		it.Action, it.Reason = Skipped, "changed since the run ("+strings.Join(fields, "; ")+"): left alone; roll back with --force to restore "+string(s.Prior)
		return
	}
	if len(it.Changes) == 0 {
		if err := change.RolledBack(ctx, e.o.Store, s, run); err != nil {
			it.Action, it.Reason = Failed, err.Error()
			return
		}
		it.Action, it.Reason = Unchanged, "already in its prior state"
		return
	}
	// The restore's DONE and the step's ROLLED_BACK are one write.
	r := change.Undo(ctx, e.o.Store, store.BaselineStep{Run: run, StepKey: s.StepKey, Wave: s.Wave, Prior: cur, Want: s.Prior}, s,
		func(ctx context.Context) error { return p.Set(ctx, env, cur, s.Prior) })
	switch r.Outcome {
	case change.Done:
		it.Action, it.Reason = Restored, r.Detail
	case change.Failed:
		it.Action, it.Reason = Failed, awsx.Describe(r.Err)
	default:
		it.Action, it.Reason = Failed, r.Err.Error()
	}
}
