package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// InputError is a request the journal cannot serve (no such run, a run
// of another engine): a usage error.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Rollback restores the prior state of every change run undo made,
// newest first: a detached policy is attached again before the policies
// a run attached are detached, an updated policy gets its name,
// description and content back, and a policy the run created is detached
// from wherever it still is and deleted. Each restore is journaled in a
// rollback run before it is sent. A policy someone changed after the run
// is left alone unless o.Force. A step still PENDING (the run was killed
// while sending it) is judged from the live state: what the change may
// have done is undone.
func Rollback(ctx context.Context, c *orgapi.Client, undo string, o Options) (*Report, error) {
	j := o.Journal
	run, err := j.BaselineRun(ctx, undo)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &InputError{fmt.Sprintf("no SCP run %q (see 'guardrail scp status')", undo)}
	}
	if err != nil {
		return nil, err
	}
	if run.Engine != Engine {
		return nil, &InputError{fmt.Sprintf("run %s is a %s run: roll it back with 'guardrail %s rollback'", undo, run.Engine, run.Engine)}
	}
	if run.Kind != store.RunApply {
		return nil, &InputError{fmt.Sprintf("run %s is a %s run; give the apply run to roll back", undo, run.Kind)}
	}
	steps, err := j.BaselineSteps(ctx, undo)
	if err != nil {
		return nil, err
	}
	var todo []store.BaselineStep
	for _, s := range steps {
		if s.Status == store.StepDone || s.Status == store.StepPending {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil, &InputError{fmt.Sprintf("run %s: no change left to roll back", undo)}
	}
	slices.Reverse(todo)
	live, err := Read(ctx, c)
	if err != nil {
		return nil, err
	}
	id, err := newRunID(ctx, j, o.Now())
	if err != nil {
		return nil, err
	}
	if _, err := j.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunRollback, Engine: Engine, Of: undo,
		Started: o.Now().UTC(), By: o.By, SpecName: run.SpecName}); err != nil {
		return nil, err
	}
	rep := &Report{Kind: "rollback", Run: id, Of: undo, Status: store.Complete}
	for _, s := range todo {
		res := restore(ctx, c, o, id, live, s)
		rep.Steps = append(rep.Steps, res)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "%-7s %s %s\n", res.Status, res.Change, res.Detail)
		}
		if res.Status == store.StepFailed {
			rep.Status = store.Partial
		}
	}
	jctx, cancel := change.Detached(ctx)
	defer cancel()
	if err := j.FinishBaselineRun(jctx, id, rep.Status, o.Now().UTC()); err != nil {
		return rep, err
	}
	return rep, nil
}

// restore puts back one step's prior state, journaled in run id.
func restore(ctx context.Context, c *orgapi.Client, o Options, id string, live *State, s store.BaselineStep) StepResult {
	var prior, want stepState
	if json.Unmarshal(s.Prior, &prior) != nil || json.Unmarshal(s.Want, &want) != nil {
		return StepResult{Change: s.Item, Status: store.StepFailed, Detail: "the journaled states do not read"}
	}
	what := fmt.Sprintf("undo %s", s.Item)
	if prior.Target != "" {
		what += " at " + prior.TargetPath
	}
	pid := want.PolicyID
	if pid == "" { // a create killed before its ID was recorded
		if p := live.Named(want.Name); p != nil {
			pid = p.ID
		}
	}
	cur := live.Policies[pid]
	send := func(now stepState, set func(context.Context) error) StepResult {
		step := store.BaselineStep{Run: id, StepKey: s.StepKey, Prior: raw(now), Want: raw(prior)}
		r := change.Send(ctx, o.Journal, step, set)
		if r.Outcome != change.Done {
			return StepResult{Change: what, Status: store.StepFailed, Detail: r.Err.Error()}
		}
		if err := change.RolledBack(ctx, o.Journal, s, id); err != nil {
			return StepResult{Change: what, Status: store.StepDone, Detail: err.Error()}
		}
		return StepResult{Change: what, Status: store.StepDone}
	}
	skip := func(why string) StepResult {
		// Nothing to send: the prior state holds already.
		if err := change.RolledBack(ctx, o.Journal, s, id); err != nil {
			return StepResult{Change: what, Status: "SKIPPED", Detail: why + "; " + err.Error()}
		}
		return StepResult{Change: what, Status: "SKIPPED", Detail: why}
	}
	switch prior.Kind {
	case Attach, Detach:
		attached := cur != nil && slices.Contains(cur.Targets, prior.Target)
		if attached == prior.Attached {
			return skip("already as before the run")
		}
		if cur == nil {
			return StepResult{Change: what, Status: store.StepFailed, Detail: "policy " + want.Name + " no longer exists"}
		}
		now := prior
		now.Attached = attached
		return send(now, func(ctx context.Context) error {
			var err error
			if prior.Attached {
				_, err = c.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(prior.Target)})
				if err == nil {
					cur.Targets = append(cur.Targets, prior.Target)
				}
			} else {
				_, err = c.DetachPolicy(ctx, &orgapi.DetachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(prior.Target)})
				if err == nil {
					cur.Targets = slices.DeleteFunc(cur.Targets, func(t string) bool { return t == prior.Target })
				}
			}
			return err
		})
	case Update:
		if cur == nil {
			return StepResult{Change: what, Status: store.StepFailed, Detail: "policy " + prior.ID() + " no longer exists"}
		}
		if cur.Content == prior.Content && cur.Description == prior.Description && cur.Name == prior.Name {
			return skip("already as before the run")
		}
		if !o.Force && (cur.Content != want.Content || cur.Description != want.Description) {
			return StepResult{Change: what, Status: "SKIPPED", Detail: "changed by someone else since the run (--force restores it anyway)"}
		}
		now := stepState{Kind: Update, Exists: true, PolicyID: cur.ID, Name: cur.Name, Description: cur.Description, Content: cur.Content}
		return send(now, func(ctx context.Context) error {
			_, err := c.UpdatePolicy(ctx, &orgapi.UpdatePolicyInput{PolicyId: aws.String(cur.ID), Name: aws.String(prior.Name),
				Description: aws.String(prior.Description), Content: aws.String(prior.Content)})
			if err == nil {
				cur.Name, cur.Description, cur.Content = prior.Name, prior.Description, prior.Content
			}
			return err
		})
	case Create:
		if cur == nil {
			return skip("the policy does not exist")
		}
		if !o.Force && len(cur.Targets) > 0 {
			return StepResult{Change: what, Status: "SKIPPED", Detail: fmt.Sprintf("%s is still attached to %d targets the run did not attach (--force detaches and deletes it)", cur.Name, len(cur.Targets))}
		}
		now := stepState{Kind: Create, Exists: true, PolicyID: cur.ID, Name: cur.Name, Description: cur.Description, Content: cur.Content}
		return send(now, func(ctx context.Context) error {
			for _, t := range slices.Clone(cur.Targets) {
				if _, err := c.DetachPolicy(ctx, &orgapi.DetachPolicyInput{PolicyId: aws.String(cur.ID), TargetId: aws.String(t)}); err != nil {
					return fmt.Errorf("detach from %s: %w", t, err)
				}
			}
			if _, err := c.DeletePolicy(ctx, &orgapi.DeletePolicyInput{PolicyId: aws.String(cur.ID)}); err != nil {
				return err
			}
			delete(live.Policies, cur.ID)
			return nil
		})
	}
	return StepResult{Change: what, Status: store.StepFailed, Detail: "unknown step kind " + prior.Kind}
}

// ID names the policy of a journaled state.
func (s stepState) ID() string {
	if s.PolicyID != "" {
		return s.PolicyID
	}
	return s.Name
}
