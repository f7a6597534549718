package baseline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/item"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/exec"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Rollback puts back the prior state of every step of run o.Run (all
// of them, or those of o.Accounts, o.Regions and o.Items), in parallel,
// phases and items in reverse. Each restore is itself journaled, in a
// rollback run, before it is sent; each restored step of the undone run
// becomes ROLLED_BACK. A step already rolled back is left alone, so a
// rollback can be repeated after an interruption.
//
// Rollback needs no discovery: the journal names the accounts and
// regions, and it assumes the same role (o.Discover.Role) in each.
func Rollback(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	if o.Journal == nil {
		return nil, errors.New("baseline rollback: no journal")
	}
	if o.Run == "" {
		return nil, errors.New("baseline rollback: no run to roll back")
	}
	undo, err := o.Journal.BaselineRun(ctx, o.Run)
	if err != nil {
		return nil, err
	}
	if undo.Engine != store.EngineBaseline {
		return nil, fmt.Errorf("baseline rollback: %s is a %s run: roll it back with guardrail %s rollback", undo.ID, undo.Engine, undo.Engine)
	}
	sp, err := spec.Parse(undo.SpecName+" (journaled with "+undo.ID+")", []byte(undo.Spec))
	if err != nil {
		return nil, fmt.Errorf("baseline rollback %s: the journaled spec: %w", undo.ID, err)
	}
	sp.Name = undo.SpecName
	o.Spec = sp
	e, err := newEngine(o, store.RunRollback)
	if err != nil {
		return nil, err
	}
	o = e.o
	steps, err := o.Journal.BaselineSteps(ctx, undo.ID)
	if err != nil {
		return nil, err
	}
	keep := func(s store.BaselineStep) bool {
		return (len(o.Accounts) == 0 || slices.Contains(o.Accounts, s.Account)) &&
			(len(o.Regions) == 0 || slices.Contains(o.Regions, s.Region)) &&
			slices.ContainsFunc(e.items, func(it item.Item) bool { return it.Name() == s.Item })
	}
	byKey := map[store.StepKey]store.BaselineStep{}
	for _, s := range steps {
		if keep(s) {
			byKey[s.StepKey] = s
		}
	}
	caller, arn, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("baseline rollback: who am I: %w", err)
	}
	id := NewRunID(o.Now())
	if _, err := o.Journal.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunRollback, Of: undo.ID, Started: o.Now().UTC(),
		By: arn, Spec: undo.Spec, SpecName: undo.SpecName}); err != nil {
		return nil, err
	}
	e.run = id
	rep := &Report{Kind: store.RunRollback, Run: id, Of: undo.ID, Spec: undo.SpecName}
	rerr := e.rollback(ctx, cfg, caller, byKey, rep)
	e.report(rep)
	status := store.Complete
	switch {
	case rerr != nil || ctx.Err() != nil:
		status = store.Interrupted
	case rep.Counts.Failed > 0:
		status = store.Partial
	}
	jctx, cancel := journalCtx(ctx)
	defer cancel()
	if err := o.Journal.FinishBaselineRun(jctx, id, status, o.Now().UTC()); err != nil && rerr == nil {
		rerr = err
	}
	if rerr != nil {
		return rep, rerr
	}
	return rep, ctx.Err()
}

func (e *engine) rollback(ctx context.Context, cfg aws.Config, caller string, steps map[store.StepKey]store.BaselineStep, rep *Report) error {
	o := e.o
	role := o.Discover.Role
	if role == "" {
		role = org.DefaultRole
	}
	session := o.Discover.SessionName
	if session == "" {
		session = "guardrail"
	}
	e.org = item.Org{Security: o.Spec.Organization.SecurityAccount, LogArchive: o.Spec.Organization.LogArchiveAccount, Home: o.Spec.Organization.Home()}
	global := map[string]bool{}
	for _, it := range item.All() {
		global[it.Name()] = it.Scope() == item.Global
	}
	targets := map[target.Target]bool{}
	regional := map[target.Target]bool{}
	for k := range steps {
		if _, ok := e.configs[k.Account]; !ok {
			c := cfg
			if k.Account != caller {
				c = awsx.AssumeRole(cfg, "arn:aws:iam::"+k.Account+":role/"+role, session)
			}
			e.configs[k.Account] = counted(o.Limiter.Instrument(c, k.Account))
		}
		t := target.Target{Partition: target.PartitionOf(k.Region), Account: k.Account, Region: k.Region, Global: global[k.Item]}
		targets[t] = true
		if !t.Global {
			regional[t] = true
		}
	}
	e.targets = len(regional)
	e.chain = 2 // who am I, then the role in each account
	rep.Stats.Accounts, rep.Stats.Targets = len(e.configs), e.targets
	do := func(ctx context.Context, t exec.Task) error {
		var env *item.Env // one for the task's items, made if one has a step
		for _, it := range e.ofTask(t) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s, ok := steps[store.StepKey{Account: t.Target.Account, Region: t.Target.Region, Item: it.Name()}]
			if ok {
				if env == nil {
					v := e.env(e.o.Spec, t.Target)
					env = &v
				}
				e.restore(ctx, it, *env, s)
			}
		}
		return nil
	}
	sorted := make([]target.Target, 0, len(targets))
	for t := range targets {
		sorted = append(sorted, t)
	}
	slices.SortFunc(sorted, func(a, b target.Target) int {
		if a.Account != b.Account {
			return cmpString(a.Account, b.Account)
		}
		return cmpString(a.Region, b.Region)
	})
	for _, phase := range []int{1, 0} {
		var tasks []exec.Task
		for _, t := range sorted {
			tasks = append(tasks, tasksFor(e.items, phase, t)...)
		}
		if err := e.pool(ctx, phase, tasks, do); err != nil {
			return err
		}
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// restore puts one step back to its prior state.
func (e *engine) restore(ctx context.Context, it item.Item, env item.Env, s store.BaselineStep) {
	t := env.Target
	res := Result{Account: t.Account, Region: t.Region, Global: t.Global, Item: it.Name()}
	if s.Status == store.StepRolledBack {
		res.Action, res.Reason = Done, "rolled back by "+s.Detail
		e.add(res)
		return
	}
	cur, err := it.Read(ctx, env)
	if err != nil {
		e.fail(ctx, res, err)
		return
	}
	res.Changes = item.Diff(cur, s.Prior)
	if len(res.Changes) == 0 {
		res.Action = Unchanged
		if err := change.RolledBack(ctx, e.o.Journal, s, e.run); err != nil {
			res.Action, res.Reason = Failed, err.Error()
		}
		e.add(res)
		return
	}
	// The restore's DONE and the step's ROLLED_BACK are one write.
	e.send(ctx, change.Undo(ctx, e.o.Journal, store.BaselineStep{Run: e.run, StepKey: s.StepKey, Prior: cur, Want: s.Prior}, s,
		func(ctx context.Context) error { return it.Set(ctx, env, cur, s.Prior) }), res, Restored)
}
