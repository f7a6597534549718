// Package change sends one change to AWS under the journal, for every
// engine that changes an organization (the baseline, remediation): the
// exact prior state is journaled, durably, before the change is sent,
// and the outcome is recorded after it. A process killed at any point
// leaves every change it may have made journaled, so a rollback can put
// it back.
//
// change knows the journal (store.Journal) but not what it changes: the
// caller passes the set function that talks to AWS.
package change

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// Irreversible is an error that says a set did all it could, but AWS
// cannot put part of the prior state back (S3 Object Lock cannot be
// turned off). The change counts as done, with the error as its detail.
type Irreversible interface {
	error
	Irreversible()
}

// IsIrreversible reports whether err says the change cannot be fully
// undone.
func IsIrreversible(err error) bool {
	var ie Irreversible
	return errors.As(err, &ie)
}

// Outcome is how a change ended.
type Outcome int

const (
	// Done: sent and recorded DONE (Detail says what could not be
	// undone, if anything).
	Done Outcome = iota
	// NotJournaled: the prior state could not be journaled; nothing was
	// sent.
	NotJournaled
	// Failed: the change was refused; the step is recorded FAILED.
	Failed
	// Interrupted: cancelled while sending; the outcome is unknown and
	// the step stays PENDING (a resumed run or a rollback reads it).
	Interrupted
	// Unrecorded: sent, but the journal could not record it.
	Unrecorded
)

// Result is what Send did.
type Result struct {
	Outcome Outcome
	// Err is the error of the journal or of set.
	Err error
	// Detail is recorded with a DONE step (an irreversible part).
	Detail string
}

// Send journals step (its Prior state, PENDING) in j, calls set, and
// records the step DONE or FAILED. A step journaled before keeps its
// first prior state (see store.Journal.JournalStep).
func Send(ctx context.Context, j store.Journal, step store.BaselineStep, set func(context.Context) error) Result {
	if _, err := j.JournalStep(ctx, step); err != nil {
		return Result{Outcome: NotJournaled, Err: fmt.Errorf("journal the prior state (nothing was changed): %w", err)}
	}
	return Sent(ctx, j, step.Run, step.StepKey, set)
}

// Sent calls set for a step already journaled under run and key, and
// records how it ended.
func Sent(ctx context.Context, j store.Journal, run string, key store.StepKey, set func(context.Context) error) Result {
	return sent(ctx, j, run, key, set, nil)
}

// Undo is Send for a rollback: step (of the rollback run) puts undone
// (a step of the run rolled back) back to its prior state. The restore
// is journaled before it is sent, as any change; once it is done, its
// DONE and undone's ROLLED_BACK (by step.Run) are recorded together, in
// one transaction: a restore never shows done with the step it undid
// still open, nor the other way round.
func Undo(ctx context.Context, j store.Journal, step, undone store.BaselineStep, set func(context.Context) error) Result {
	if _, err := j.JournalStep(ctx, step); err != nil {
		return Result{Outcome: NotJournaled, Err: fmt.Errorf("journal the current state (nothing was changed): %w", err)}
	}
	return sent(ctx, j, step.Run, step.StepKey, set, &store.StepStatus{Run: undone.Run, StepKey: undone.StepKey, Status: store.StepRolledBack, Detail: step.Run})
}

// sent calls set and records the outcome of run's step key, and also
// (with a DONE) the outcome also, if any.
func sent(ctx context.Context, j store.Journal, run string, key store.StepKey, set func(context.Context) error, also *store.StepStatus) Result {
	err := set(ctx)
	jctx, cancel := Detached(ctx)
	defer cancel()
	if err != nil && !IsIrreversible(err) {
		if ctx.Err() != nil {
			return Result{Outcome: Interrupted, Err: fmt.Errorf("interrupted: %w", ctx.Err())}
		}
		if jerr := j.SetStepStatus(jctx, run, key, store.StepFailed, err.Error()); jerr != nil {
			err = fmt.Errorf("%w; the journal could not record it: %v", err, jerr)
		}
		return Result{Outcome: Failed, Err: err}
	}
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	done := []store.StepStatus{{Run: run, StepKey: key, Status: store.StepDone, Detail: detail}}
	if also != nil {
		done = append(done, *also)
	}
	if jerr := j.SetStepStatuses(jctx, done...); jerr != nil {
		return Result{Outcome: Unrecorded, Err: fmt.Errorf("changed, but the journal could not record it: %w", jerr)}
	}
	return Result{Outcome: Done, Detail: detail}
}

// RolledBack records that step s of its run was put back by run by.
func RolledBack(ctx context.Context, j store.Journal, s store.BaselineStep, by string) error {
	jctx, cancel := Detached(ctx)
	defer cancel()
	if err := j.SetStepStatus(jctx, s.Run, s.StepKey, store.StepRolledBack, by); err != nil {
		return fmt.Errorf("restored, but the journal could not record it: %w", err)
	}
	return nil
}

// Detached keeps journal writes going after ctx is cancelled: the
// outcome of a change that was sent must be recorded.
func Detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}
