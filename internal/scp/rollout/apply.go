package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Engine is the journal engine of SCP rollouts.
const Engine = "scp"

// Options are what apply and rollback need besides the client.
type Options struct {
	Journal store.Journal
	// Now is the clock (run IDs and times).
	Now func() time.Time
	// By is who runs it (the caller's ARN).
	By string
	// Progress, when set, gets one line per change.
	Progress io.Writer
	// Force rolls back a policy someone changed since the run.
	Force bool
}

// Report is what an apply or a rollback did.
type Report struct {
	Kind   string       `json:"kind"`
	Run    string       `json:"run"`
	Of     string       `json:"of,omitempty"`
	Status string       `json:"status"`
	Steps  []StepResult `json:"steps"`
}

// StepResult is one change and how it ended.
type StepResult struct {
	Change string `json:"change"`
	Status string `json:"status"` // DONE, FAILED, SKIPPED
	Detail string `json:"detail,omitempty"`
}

// stepState is a journaled state: of a policy (create, update) or of one
// attachment (attach, detach).
type stepState struct {
	Kind        string `json:"kind"`
	Exists      bool   `json:"exists"`
	PolicyID    string `json:"policy_id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Content     string `json:"content,omitempty"`
	Target      string `json:"target,omitempty"`
	TargetPath  string `json:"target_path,omitempty"`
	Attached    bool   `json:"attached,omitempty"`
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func newRunID(ctx context.Context, j store.Journal, t time.Time) (string, error) {
	base := "scp-" + t.UTC().Format("20060102T150405.000Z")
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

// StaleError says the organization changed since the plan was made.
type StaleError struct{ Want, Got []Change }

func (e *StaleError) Error() string {
	return fmt.Sprintf("the organization's SCPs changed since the plan was made (%d changes planned, %d needed now): make the plan again", len(e.Want), len(e.Got))
}

// Apply makes the changes of plan, re-planned against the live
// organization first: if the changes needed now differ from the plan's,
// nothing is changed (StaleError). Each change is journaled with its
// exact prior state before it is sent; the first failure stops the run
// (a later detach must never run when its replacement did not attach).
func Apply(ctx context.Context, c *orgapi.Client, plan *Plan, o Options) (*Report, error) {
	if o.Journal == nil {
		return nil, errors.New("scp apply: no journal")
	}
	live, err := Read(ctx, c)
	if err != nil {
		return nil, err
	}
	if live.OrgID != plan.OrgID {
		return nil, fmt.Errorf("the plan is for organization %s, these credentials are in %s", plan.OrgID, live.OrgID)
	}
	now, err := MakePlan(live, plan.Desired)
	if err != nil {
		return nil, err
	}
	if !sameChanges(now.Changes, plan.Changes) {
		return nil, &StaleError{Want: plan.Changes, Got: now.Changes}
	}
	id, err := newRunID(ctx, o.Journal, o.Now())
	if err != nil {
		return nil, err
	}
	if _, err := o.Journal.StartBaselineRun(ctx, store.BaselineRun{ID: id, Kind: store.RunApply, Engine: Engine,
		Started: o.Now().UTC(), By: o.By, Spec: string(raw(plan.Desired)), SpecName: plan.Source}); err != nil {
		return nil, err
	}
	rep := &Report{Kind: "apply", Run: id, Status: store.Complete}
	ids := map[string]string{} // policy name -> ID
	for _, p := range live.Policies {
		ids[p.Name] = p.ID
	}
	failed := false
	for _, ch := range now.Changes {
		if failed || ctx.Err() != nil {
			rep.Steps = append(rep.Steps, StepResult{Change: ch.String(), Status: "SKIPPED", Detail: "not sent: an earlier change failed"})
			continue
		}
		res := applyOne(ctx, c, o, id, live, ch, ids)
		rep.Steps = append(rep.Steps, res)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "%-6s %s %s\n", res.Status, ch, res.Detail)
		}
		if res.Status != store.StepDone {
			failed = true
		}
	}
	if failed {
		rep.Status = store.Partial
	}
	if ctx.Err() != nil {
		rep.Status = store.Interrupted
	}
	jctx, cancel := change.Detached(ctx)
	defer cancel()
	if err := o.Journal.FinishBaselineRun(jctx, id, rep.Status, o.Now().UTC()); err != nil {
		return rep, err
	}
	return rep, nil
}

func sameChanges(a, b []Change) bool {
	return slices.EqualFunc(a, b, func(x, y Change) bool {
		return x.Kind == y.Kind && x.Policy == y.Policy && x.Target == y.Target && x.Content == y.Content && x.Description == y.Description
	})
}

func stepKey(live *State, ch Change) store.StepKey {
	k := store.StepKey{Account: live.Management, Region: "global", Item: ch.Kind + " " + ch.Policy}
	if ch.Target != "" {
		k.Account = ch.Target
	}
	return k
}

func applyOne(ctx context.Context, c *orgapi.Client, o Options, run string, live *State, ch Change, ids map[string]string) StepResult {
	step := store.BaselineStep{Run: run, StepKey: stepKey(live, ch)}
	var set func(context.Context) error
	switch ch.Kind {
	case Create:
		step.Prior = raw(stepState{Kind: Create, Name: ch.Policy})
		step.Want = raw(stepState{Kind: Create, Exists: true, Name: ch.Policy, Description: ch.Description, Content: ch.Content})
		set = func(ctx context.Context) error {
			out, err := c.CreatePolicy(ctx, &orgapi.CreatePolicyInput{Name: aws.String(ch.Policy), Description: aws.String(ch.Description),
				Content: aws.String(ch.Content), Type: orgtypes.PolicyTypeServiceControlPolicy})
			if err != nil {
				return err
			}
			ids[ch.Policy] = aws.ToString(out.Policy.PolicySummary.Id)
			return nil
		}
	case Update:
		cur := live.Policies[ch.PolicyID]
		step.Prior = raw(stepState{Kind: Update, Exists: true, PolicyID: cur.ID, Name: cur.Name, Description: cur.Description, Content: cur.Content})
		step.Want = raw(stepState{Kind: Update, Exists: true, PolicyID: cur.ID, Name: cur.Name, Description: ch.Description, Content: ch.Content})
		set = func(ctx context.Context) error {
			_, err := c.UpdatePolicy(ctx, &orgapi.UpdatePolicyInput{PolicyId: aws.String(cur.ID), Description: aws.String(ch.Description), Content: aws.String(ch.Content)})
			return err
		}
	case Attach, Detach:
		pid := ids[ch.Policy]
		if pid == "" {
			return StepResult{Change: ch.String(), Status: store.StepFailed, Detail: "policy " + ch.Policy + " was not created"}
		}
		st := stepState{Kind: ch.Kind, Exists: true, PolicyID: pid, Name: ch.Policy, Target: ch.Target, TargetPath: ch.TargetPath}
		prior, want := st, st
		prior.Attached, want.Attached = ch.Kind == Detach, ch.Kind == Attach
		step.Prior, step.Want = raw(prior), raw(want)
		set = func(ctx context.Context) error {
			if ch.Kind == Attach {
				_, err := c.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(ch.Target)})
				return err
			}
			_, err := c.DetachPolicy(ctx, &orgapi.DetachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(ch.Target)})
			return err
		}
	}
	r := change.Send(ctx, o.Journal, step, set)
	if r.Outcome != change.Done {
		return StepResult{Change: ch.String(), Status: store.StepFailed, Detail: r.Err.Error()}
	}
	if ch.Kind == Create {
		// The state the change left names the new policy's ID, so the
		// rollback deletes exactly it.
		want := stepState{Kind: Create, Exists: true, PolicyID: ids[ch.Policy], Name: ch.Policy, Description: ch.Description, Content: ch.Content}
		jctx, cancel := change.Detached(ctx)
		defer cancel()
		if err := o.Journal.RecordStepWant(jctx, run, step.StepKey, raw(want)); err != nil {
			return StepResult{Change: ch.String(), Status: store.StepDone, Detail: "created " + ids[ch.Policy] + "; the journal could not record its ID: " + err.Error()}
		}
		return StepResult{Change: ch.String(), Status: store.StepDone, Detail: ids[ch.Policy]}
	}
	return StepResult{Change: ch.String(), Status: store.StepDone}
}
