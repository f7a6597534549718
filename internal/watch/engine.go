package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// Options configure an Engine.
type Options struct {
	Store  store.Store
	Rules  *RuleSet
	Source Source
	// Scope, when set, keeps the events of its accounts and regions;
	// the others are counted and ignored.
	Scope *Scope
	// Reassess, when set, re-assesses what events change.
	Reassess *Reassessor
	Metrics  *Metrics
	Log      *slog.Logger
	// Now is the clock alerts and seen keys are stamped with (time.Now
	// when nil).
	Now func() time.Time
	// SeenWindow is how long the keys of events and files seen are kept
	// (24 h when 0): an event read again within it does not trigger its
	// re-assessment again. Alerts are unique whatever the window.
	SeenWindow time.Duration
	// Backoff is the first wait after a source or store error (1 s when
	// 0), doubling up to MaxBackoff (1 min when 0).
	Backoff, MaxBackoff time.Duration
	// CommitTimeout bounds one commit attempt, and at shutdown the
	// commit of the batch in flight (30 s when 0).
	CommitTimeout time.Duration
	// Committed, when set, is called with each batch as soon as it is
	// stored, before its source is told and its re-assessments are
	// triggered: b.Alerts are the batch's alerts, c.Alerts their IDs (0
	// for one stored already). It is how guardrail bench watch times an
	// event from its API call to its stored alert. It runs on the
	// engine's goroutine: it must return quickly and not keep b or c.
	Committed func(b *store.WatchBatch, c *store.WatchCommit)
}

// Engine reads a source, matches the rules, stores the alerts and the
// source's positions, and triggers re-assessments. See the package doc.
type Engine struct {
	o Options
	// lastRead is when the source last answered (monotonic), for Ready.
	lastRead atomic.Int64
	started  time.Time
	stats    Stats
}

// Stats are what an engine did, for a summary.
type Stats struct {
	Batches, Events, Ignored, Malformed, Alerts, Duplicates atomic.Int64
}

// New returns an engine.
func New(o Options) (*Engine, error) {
	if o.Store == nil || o.Rules == nil || o.Source == nil {
		return nil, errors.New("watch: a store, rules and a source are needed")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SeenWindow <= 0 {
		o.SeenWindow = 24 * time.Hour
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.CommitTimeout <= 0 {
		o.CommitTimeout = 30 * time.Second
	}
	return &Engine{o: o, started: time.Now()}, nil
}

// Stats returns the engine's counters.
func (e *Engine) Stats() *Stats { return &e.stats }

// Ready returns nil if the source answered within the last d (or, before
// it first did, the engine started less than d ago) and the store
// answers.
func (e *Engine) Ready(ctx context.Context, d time.Duration) error {
	last := e.started
	if n := e.lastRead.Load(); n != 0 {
		last = time.Unix(0, n)
	}
	if since := time.Since(last); since > d {
		if e.lastRead.Load() == 0 {
			return fmt.Errorf("source %s has not answered since the watch started %s ago", e.o.Source.Name(), since.Round(time.Second))
		}
		return fmt.Errorf("source %s last answered %s ago (more than %s)", e.o.Source.Name(), since.Round(time.Second), d)
	}
	if _, err := e.o.Store.Checkpoints(ctx, e.o.Source.Name()); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Run reads the source until ctx is done or a finite source is done
// (nil). A batch read is always settled: at shutdown the batch in flight
// is committed (within CommitTimeout) before Run returns. Malformed input
// and the failures of a source or the store never stop it: they are
// counted, logged, and retried after a backoff.
func (e *Engine) Run(ctx context.Context) error {
	src := e.o.Source
	backoff := e.o.Backoff
	lastForget := time.Time{}
	for ctx.Err() == nil {
		b, err := src.Next(ctx)
		if errors.Is(err, ErrDone) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			e.o.Metrics.Error("source")
			e.o.Log.Warn("source failed; retrying", "source", src.Name(), "err", err, "in", backoff)
			if !sleep(ctx, backoff) {
				break
			}
			backoff = min(2*backoff, e.o.MaxBackoff)
			continue
		}
		backoff = e.o.Backoff
		e.lastRead.Store(time.Now().UnixNano())
		if b == nil {
			continue
		}
		if err := e.settle(ctx, b); err != nil {
			return err
		}
		if time.Since(lastForget) > time.Hour {
			lastForget = time.Now()
			if _, err := e.o.Store.ForgetSeen(ctx, e.o.Now().Add(-e.o.SeenWindow)); err != nil && ctx.Err() == nil {
				e.o.Log.Warn("forget seen events", "err", err)
			}
		}
	}
	return nil
}

// settle processes b and commits it, retrying the commit until it is
// stored; once ctx is done, one last attempt within CommitTimeout.
func (e *Engine) settle(ctx context.Context, b *Batch) error {
	wb, triggers := e.process(b)
	backoff := e.o.Backoff
	for {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.o.CommitTimeout)
		c, err := e.o.Store.CommitWatch(cctx, wb)
		cancel()
		if err == nil {
			e.committed(ctx, b, wb, c, triggers)
			return nil
		}
		e.o.Metrics.Error("store")
		if ctx.Err() != nil {
			if b.Done != nil {
				b.Done(context.WithoutCancel(ctx), false)
			}
			return fmt.Errorf("the batch in flight at shutdown could not be stored (it will be read again): %w", err)
		}
		e.o.Log.Warn("store failed; retrying", "err", err, "in", backoff)
		if !sleep(ctx, backoff) {
			continue // one last attempt, detached from ctx
		}
		backoff = min(2*backoff, e.o.MaxBackoff)
	}
}

// trigger is an event that asks for a re-assessment once it is
// committed as new.
type trigger struct {
	key, account, region string
	controls             []string
}

// process decodes b's records, matches the rules and gathers what to
// commit.
func (e *Engine) process(b *Batch) (store.WatchBatch, []trigger) {
	src := e.o.Source.Name()
	wb := store.WatchBatch{Seen: b.Seen, Checkpoints: b.Checkpoints, At: e.o.Now().UTC()}
	for _, we := range b.Errors {
		e.malformed(src, we, &wb)
	}
	var (
		dec      Decoder
		matched  []*Rule
		triggers []trigger
		newest   time.Time
		read     int
		ignored  int
	)
	for i := range b.Records {
		rec := &b.Records[i]
		ev, err := dec.Decode(rec.Raw) // the one decoding of the record
		if err != nil {
			e.malformed(src, badRecord(rec, err), &wb)
			continue
		}
		if !e.o.Scope.In(ev.Account, ev.Region) {
			ignored++
			continue
		}
		read++
		if ev.Time.After(newest) {
			newest = ev.Time
		}
		matched = e.o.Rules.Match(ev, matched[:0])
		var ctls []string
		changed := !ev.ReadOnly && ev.ErrorCode == ""
		if changed {
			ctls = append(ctls, writeControls(ev.Source, ev.Name)...)
		}
		if len(matched) > 0 {
			res := resourceOf(ev)
			for _, r := range matched {
				wb.Alerts = append(wb.Alerts, store.Alert{EventID: ev.ID, Rule: r.ID, Title: r.Title, Severity: r.Severity, Controls: r.Controls,
					Account: ev.Account, Region: ev.Region, Resource: res, EventName: ev.Name, EventSource: ev.Source,
					Actor: ev.IdentityARN, SourceIP: ev.SourceIP, EventTime: ev.Time, Source: src, Origin: rec.Origin, Raw: append([]byte(nil), ev.Raw...)})
				if changed {
					ctls = append(ctls, r.Controls...)
				}
			}
		}
		if len(matched) == 0 && len(ctls) == 0 {
			continue // nothing to remember it by
		}
		key := "event:" + ev.ID
		wb.Seen = append(wb.Seen, key)
		if len(ctls) > 0 && e.o.Reassess != nil {
			triggers = append(triggers, trigger{key: key, account: ev.Account, region: ev.Region, controls: ctls})
		}
	}
	e.o.Metrics.Read(src, read, newest)
	e.o.Metrics.Ignored(src, ignored)
	e.stats.Events.Add(int64(read))
	e.stats.Ignored.Add(int64(ignored))
	return wb, triggers
}

// malformed reports one piece of malformed input: a log line, a metric,
// and a stored error for the dashboard and the API.
func (e *Engine) malformed(src string, we store.WatchError, wb *store.WatchBatch) {
	we.Source = src
	wb.Errors = append(wb.Errors, we)
	e.stats.Malformed.Add(1)
	e.o.Metrics.Error(we.Kind)
	e.o.Log.Warn("malformed input skipped", "source", src, "origin", we.Origin, "offset", we.Offset, "kind", we.Kind, "err", we.Message)
}

// committed finishes a stored batch: counts, re-assessments of the
// events not seen before, and the source's acknowledgement.
func (e *Engine) committed(ctx context.Context, b *Batch, wb store.WatchBatch, c store.WatchCommit, triggers []trigger) {
	if e.o.Committed != nil {
		e.o.Committed(&wb, &c)
	}
	e.stats.Batches.Add(1)
	e.o.Metrics.Batch(e.o.Source.Name())
	for i, id := range c.Alerts {
		if id == 0 {
			e.stats.Duplicates.Add(1)
			continue
		}
		a := &wb.Alerts[i]
		e.stats.Alerts.Add(1)
		e.o.Metrics.Match(a.Rule)
		e.o.Log.Info("alert", "id", id, "rule", a.Rule, "severity", a.Severity.String(), "account", a.Account, "region", a.Region,
			"event", a.EventName, "resource", a.Resource, "actor", a.Actor)
	}
	if len(triggers) > 0 {
		fresh := map[string]bool{}
		for _, k := range c.NewSeen {
			fresh[k] = true
		}
		for _, t := range triggers {
			if fresh[t.key] {
				e.o.Reassess.Trigger(t.account, t.region, t.controls)
			}
		}
	}
	if b.Done != nil {
		if err := b.Done(context.WithoutCancel(ctx), true); err != nil {
			e.o.Metrics.Error("source")
			e.o.Log.Warn("acknowledge batch", "source", e.o.Source.Name(), "err", err)
		}
	}
}

// sleep waits d or until ctx is done; false if ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
