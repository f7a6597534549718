package baseline

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// Plan reads every item in every target and reports what Apply would
// change. It changes nothing.
func Plan(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	return converge(ctx, cfg, o, "plan")
}

// Status reports the drift of every target from the spec: the items
// that differ from it, as Plan finds them.
func Status(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	return converge(ctx, cfg, o, "status")
}

// Apply makes every target match the spec, journaling each item's prior
// state before changing it. A new run gets a generated ID (NewRunID);
// o.Run names an unfinished apply run to resume instead, and any other
// name is an error wrapping ErrNoRun, before anything is read or
// changed. A failed item is reported and the rest goes on; the run ends
// PARTIAL then. The error is for what stops the whole run (discovery, the
// journal, a cancelled context).
func Apply(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	if o.Journal == nil {
		return nil, errors.New("baseline apply: no journal")
	}
	if o.Run != "" {
		if _, err := Resumable(ctx, o.Journal, o.Run); err != nil {
			return nil, fmt.Errorf("baseline apply: resume %q: %w", o.Run, err)
		}
	}
	return converge(ctx, cfg, o, store.RunApply)
}

// ErrNoRun says a run named to resume is not an unfinished apply run.
var ErrNoRun = errors.New("no unfinished apply run of that name")

// Resumable returns apply run id if it can be resumed: it is journaled,
// it is an apply run, and it is neither COMPLETE nor RUNNING in another
// process. Otherwise the error wraps ErrNoRun and says why.
func Resumable(ctx context.Context, j store.Journal, id string) (store.BaselineRun, error) {
	r, err := j.BaselineRun(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return r, ErrNoRun
	case err != nil:
		return r, err
	case r.Engine != store.EngineBaseline:
		return r, fmt.Errorf("%w: %s is a %s run, not a baseline run", ErrNoRun, r.ID, r.Engine)
	case r.Kind != store.RunApply:
		return r, fmt.Errorf("%w: %s is a %s run", ErrNoRun, r.ID, r.Kind)
	case r.Status == store.Complete:
		return r, fmt.Errorf("%w: %s is COMPLETE; nothing to resume", ErrNoRun, r.ID)
	case r.Status == store.Running:
		return r, fmt.Errorf("%w: %s is still running in another process", ErrNoRun, r.ID)
	}
	return r, nil
}

// CheckItems returns an error naming the first of names that is neither
// an item (guardduty.detector) nor a service (guardduty).
func CheckItems(names []string) error {
	o := Options{Items: names}
	_, err := o.items()
	return err
}

func converge(ctx context.Context, cfg aws.Config, o Options, kind string) (*Report, error) {
	if o.Spec == nil {
		return nil, errors.New("baseline " + kind + ": no spec")
	}
	e, err := newEngine(o, kind)
	if err != nil {
		return nil, err
	}
	o = e.o
	rep := &Report{Kind: kind, Spec: o.Spec.Name}
	resume := map[store.StepKey]store.BaselineStep{}
	if kind == store.RunApply {
		id := o.Run
		if id == "" {
			id = NewRunID(o.Now()) + o.Discover.Shard.Suffix()
		}
		_, arn, err := awsx.CallerIdentity(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("baseline apply: who am I: %w", err)
		}
		run, err := o.Journal.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunApply, Started: o.Now().UTC(),
			By: arn, Spec: string(o.Spec.Text), SpecName: o.Spec.Name})
		if err != nil {
			return nil, err
		}
		if run.Spec != string(o.Spec.Text) {
			// A resumed run goes on with the spec it began with: its
			// journal, and a rollback of it, read the items by it.
			sp, err := spec.Parse(run.SpecName+" (journaled with "+run.ID+")", []byte(run.Spec))
			if err != nil {
				return nil, fmt.Errorf("baseline apply: resume %s: the journaled spec: %w", run.ID, err)
			}
			sp.Name = run.SpecName
			e.o.Spec, rep.Spec = sp, sp.Name
		}
		steps, err := o.Journal.BaselineSteps(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, s := range steps {
			resume[s.StepKey] = s
		}
		e.run, rep.Run, rep.Resumed = id, id, len(steps) > 0
	}
	rerr := e.converge(ctx, cfg, resume, rep)
	e.report(rep)
	if kind == store.RunApply {
		status := store.Complete
		switch {
		case rerr != nil || ctx.Err() != nil:
			status = store.Interrupted
		case rep.Counts.Failed > 0 || len(rep.NotAssessed) > 0:
			status = store.Partial
		}
		jctx, cancel := journalCtx(ctx)
		defer cancel()
		if err := o.Journal.FinishBaselineRun(jctx, e.run, status, o.Now().UTC()); err != nil && rerr == nil {
			rerr = err
		}
	}
	if rerr != nil {
		return rep, rerr
	}
	return rep, ctx.Err()
}

// converge discovers the targets and runs the phases.
func (e *engine) converge(ctx context.Context, cfg aws.Config, resume map[store.StepKey]store.BaselineStep, rep *Report) error {
	o := e.o
	dopts := o.Discover
	dopts.Configure = func(account string, c aws.Config) aws.Config { return o.Limiter.Instrument(c, account) }
	organization, err := org.Discover(ctx, o.Limiter.Instrument(cfg, "caller"), dopts)
	if err != nil {
		return err
	}
	e.chain = discoveryChain(organization)
	e.org = item.Org{ID: organization.ID, Management: organization.ManagementAccount, Security: o.Spec.Organization.SecurityAccount,
		LogArchive: o.Spec.Organization.LogArchiveAccount, Home: o.Spec.Organization.Home()}
	var targets []target.Target
	for i := range organization.Accounts {
		a := &organization.Accounts[i]
		if a.Err != nil {
			if rep.NotAssessed == nil {
				rep.NotAssessed = map[string]string{}
			}
			rep.NotAssessed[a.ID] = awsx.Describe(a.Err)
			continue
		}
		e.configs[a.ID] = counted(a.Config())
		e.accounts[a.ID] = spec.Account{ID: a.ID, OUPath: a.Path, OUIDs: ouAncestors(organization, a.OUID)}
		targets = append(targets, target.Target{Partition: target.PartitionOf(e.org.Home), Account: a.ID, Region: e.org.Home, Global: true})
		for _, r := range a.Regions {
			targets = append(targets, target.Target{Partition: target.PartitionOf(r), Account: a.ID, Region: r})
		}
		e.targets += len(a.Regions)
	}
	rep.Stats.Accounts, rep.Stats.Targets = len(e.configs), e.targets
	do := func(ctx context.Context, t exec.Task) error {
		// One environment (settings, clients) for the task's items.
		env := e.env(e.o.Spec, t.Target)
		for _, it := range e.ofTask(t) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e.step(ctx, it, env, resume)
		}
		return nil
	}
	for phase := range 2 {
		var tasks []exec.Task
		for _, t := range targets {
			tasks = append(tasks, tasksFor(e.items, phase, t)...)
		}
		if err := e.pool(ctx, phase, tasks, do); err != nil {
			return err
		}
	}
	return nil
}

// step handles one item in one target.
func (e *engine) step(ctx context.Context, it item.Item, env item.Env, resume map[store.StepKey]store.BaselineStep) {
	t := env.Target
	res := Result{Account: t.Account, Region: t.Region, Global: t.Global, Item: it.Name()}
	if why := it.Applies(env); why != "" {
		e.mu.Lock()
		e.notAppl++
		e.mu.Unlock()
		return
	}
	key := store.StepKey{Account: t.Account, Region: t.Region, Item: it.Name()}
	prev, journaled := resume[key]
	if journaled && prev.Status == store.StepDone {
		res.Action = Done
		e.add(res)
		return
	}
	cur, err := it.Read(ctx, env)
	if err != nil {
		e.fail(ctx, res, err)
		return
	}
	want, err := it.Want(env, cur)
	if err != nil {
		e.fail(ctx, res, err)
		return
	}
	res.Changes = item.Diff(cur, want)
	if len(res.Changes) == 0 {
		res.Action = Unchanged
		if journaled && e.kind == store.RunApply {
			// Changed before the process stopped, not yet confirmed.
			jctx, cancel := journalCtx(ctx)
			defer cancel()
			if err := e.o.Journal.SetStepStatus(jctx, e.run, key, store.StepDone, "confirmed on resume"); err != nil {
				e.fail(ctx, res, err)
				return
			}
			res.Action = Done
		}
		e.add(res)
		return
	}
	if e.kind != store.RunApply {
		res.Action = Change
		e.add(res)
		return
	}
	e.send(ctx, change.Send(ctx, e.o.Journal, store.BaselineStep{Run: e.run, StepKey: key, Prior: cur, Want: want},
		func(ctx context.Context) error { return it.Set(ctx, env, cur, want) }), res, Changed)
}

// send records the result of a change sent under the journal: ok when
// it was done.
func (e *engine) send(ctx context.Context, r change.Result, res Result, ok Action) bool {
	switch r.Outcome {
	case change.Done:
		res.Action, res.Reason = ok, r.Detail
		e.add(res)
		return true
	case change.Failed:
		if why := unavailable(r.Err, res.Region); why != "" {
			res.Action, res.Reason = Skipped, why
		} else {
			res.Action, res.Reason = Failed, awsx.Describe(r.Err)
		}
	default:
		res.Action, res.Reason = Failed, r.Err.Error()
	}
	e.add(res)
	return false
}

// fail records an item that failed before anything was journaled:
// skipped if the service is not available there.
func (e *engine) fail(ctx context.Context, res Result, err error) {
	if why := unavailable(err, res.Region); why != "" {
		res.Action, res.Reason = Skipped, why
		e.add(res)
		return
	}
	res.Action, res.Reason = Failed, awsx.Describe(err)
	if ctx.Err() != nil {
		res.Reason = "interrupted: " + ctx.Err().Error()
	}
	e.add(res)
}

// discoveryChain is the number of discovery's calls that must follow
// one another: who am I, the organization, its root, two listings per
// level of OUs (accounts and OUs of a parent), then in an account the
// role and its regions.
func discoveryChain(o *org.Organization) int {
	depth := 0
	for _, ou := range o.OUs {
		depth = max(depth, strings.Count(ou.Path, "/")+1)
	}
	return 3 + 2*(depth+1) + 2
}
