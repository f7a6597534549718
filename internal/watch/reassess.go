package watch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Targeted re-assessment.
//
// An event that changed a resource triggers a re-collection of what the
// event can have changed: in its account, the collectors that the
// controls it can affect need (its rules' Controls, and writeControls),
// in its region; and the evaluation of those controls. The result is
// stored as a scan of KindWatch whose scope is exactly that account,
// those regions and those controls, so the store's lifecycle changes the
// findings inside it and nothing else (see "What a scan may change" in
// package store): a finding of another region, account or control keeps
// its state.
//
// Regions: a regional control is judged in the event's region. A global
// control that reads regional state (CloudTrail.1 reads the trails of
// every region, the CIS monitoring controls the metric filters) is judged
// only from all the account's regions: with one region it would judge
// from part of the data. So an event that can change such a control
// re-collects the account's regions, all of them.
//
// Coalescing: events come in bursts (a Terraform apply changes twenty
// rules of one group). Triggers are merged per (account, regions,
// collectors): the first starts a Debounce timer, the others add their
// controls to it, and when it fires one re-assessment runs. At most one
// runs per key at a time; a trigger while one runs waits for it and runs
// after it, once. Concurrency bounds the re-assessments running at once
// across keys, and every AWS call goes through the same rate limiter as
// the rest of the watch.

// ReassessOptions configure a Reassessor.
type ReassessOptions struct {
	Store store.Store
	Scope *Scope
	// Controls are the controls that may be re-assessed (the catalog's,
	// or those --controls and --standard select); Standards the
	// catalog's; Collectors every collector (the registry).
	Controls   []*control.Control
	Standards  []control.Standard
	Collectors []collect.Collector
	// Debounce is how long triggers of one key are gathered (2 s when
	// 0); Concurrency bounds re-assessments at once (4 when 0); Timeout
	// bounds one (5 min when 0).
	Debounce    time.Duration
	Concurrency int
	Timeout     time.Duration
	Now         func() time.Time
	Log         *slog.Logger
	Metrics     *Metrics
	// Stored, when set, is called after each re-assessment with the
	// scan stored (nil on failure) and the error.
	Stored func(sc *store.Scan, err error)
}

// Reassessor runs targeted re-assessments; see above.
type Reassessor struct {
	o        ReassessOptions
	controls map[string]*control.Control
	global   map[string]bool // collectors read once per account
	sem      chan struct{}

	mu      sync.Mutex
	pending map[string]*job
	running map[string]bool
	closed  bool
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// job is one key's gathered triggers.
type job struct {
	key      string
	account  string
	regions  []string
	controls map[string]bool
	timer    *time.Timer
	due      bool // the timer fired while the key was running
}

// NewReassessor returns a Reassessor; Close stops it.
func NewReassessor(o ReassessOptions) *Reassessor {
	if o.Debounce <= 0 {
		o.Debounce = 2 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	r := &Reassessor{o: o, controls: map[string]*control.Control{}, global: map[string]bool{},
		sem: make(chan struct{}, o.Concurrency), pending: map[string]*job{}, running: map[string]bool{}}
	for _, c := range o.Controls {
		r.controls[c.ID] = c
	}
	for _, c := range o.Collectors {
		r.global[c.Name] = c.Global
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// plan returns, for controls triggered by an event of account in region,
// the regions and collectors to read and the controls known; ok is false
// when there is nothing to do (no control known, the account not
// reachable).
func (r *Reassessor) plan(account, region string, ids []string) (regions, collectors []string, known []string, ok bool) {
	a, found := r.o.Scope.Account(account)
	if !found || a.Err != "" {
		return nil, nil, nil, false
	}
	need := map[string]bool{}
	allRegions := false
	for _, id := range ids {
		c := r.controls[id]
		if c == nil {
			continue
		}
		known = append(known, id)
		readsRegions := false
		for _, n := range c.Needs {
			need[n] = true
			if !r.global[n] {
				readsRegions = true
			}
		}
		if c.Global && readsRegions {
			allRegions = true
		}
	}
	if len(known) == 0 {
		return nil, nil, nil, false
	}
	switch {
	case allRegions:
		regions = append(regions, a.Regions...)
	case contains(a.Regions, region):
		regions = []string{region}
	default:
		// A global service's event (IAM in us-east-1) in an account
		// that has not enabled that region: its controls read account-
		// wide state, judged from the home region.
		regions = []string{r.o.Scope.Home}
	}
	sort.Strings(regions)
	for n := range need {
		collectors = append(collectors, n)
	}
	sort.Strings(collectors)
	return regions, collectors, known, true
}

// Trigger asks for a re-assessment of the controls ids (those not in
// Controls are ignored) after an event of account in region.
func (r *Reassessor) Trigger(account, region string, ids []string) {
	regions, collectors, known, ok := r.plan(account, region, ids)
	if !ok {
		return
	}
	key := account + "|" + strings.Join(regions, ",") + "|" + strings.Join(collectors, ",")
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	j := r.pending[key]
	if j == nil {
		j = &job{key: key, account: account, regions: regions, controls: map[string]bool{}}
		r.pending[key] = j
		j.timer = time.AfterFunc(r.o.Debounce, func() { r.fire(key) })
	}
	for _, id := range known {
		j.controls[id] = true
	}
}

// fire starts key's pending job, unless one of key runs: then it runs
// when that one ends.
func (r *Reassessor) fire(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.pending[key]
	if j == nil {
		return
	}
	if r.running[key] {
		j.due = true
		return
	}
	r.startLocked(j)
}

func (r *Reassessor) startLocked(j *job) {
	delete(r.pending, j.key)
	r.running[j.key] = true
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.run(j)
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.running, j.key)
		if next := r.pending[j.key]; next != nil && next.due {
			r.startLocked(next)
		}
	}()
}

func (r *Reassessor) run(j *job) {
	select {
	case r.sem <- struct{}{}:
	case <-r.ctx.Done():
		return
	}
	defer func() { <-r.sem }()
	ctx, cancel := context.WithTimeout(r.ctx, r.o.Timeout)
	defer cancel()
	sc, err := r.assess(ctx, j)
	r.o.Metrics.Reassessed(err)
	if err != nil {
		r.o.Metrics.Error("reassess")
		r.o.Log.Warn("re-assessment failed", "account", j.account, "regions", j.regions, "err", err)
	} else {
		r.o.Log.Info("re-assessed", "scan", sc.ID, "account", j.account, "regions", j.regions,
			"controls", len(j.controls), "new", sc.Changes.New, "reopened", sc.Changes.Reopened, "resolved", sc.Changes.Resolved)
	}
	if r.o.Stored != nil {
		r.o.Stored(sc, err)
	}
}

// assess collects and evaluates j and stores it as a scan of KindWatch.
func (r *Reassessor) assess(ctx context.Context, j *job) (*store.Scan, error) {
	a, ok := r.o.Scope.Account(j.account)
	if !ok || a.Err != "" {
		return nil, fmt.Errorf("account %s: not reachable", j.account)
	}
	var controls []*control.Control
	for _, c := range r.o.Controls {
		if j.controls[c.ID] {
			controls = append(controls, c)
		}
	}
	now := r.o.Now().UTC()
	home := r.o.Scope.Home
	snap, results, err := scan.AssessSnapshot(ctx, a.Config, j.account, home, j.regions, controls, r.o.Collectors, now)
	if err != nil {
		return nil, err
	}
	id, err := watchScanID(now, j.account)
	if err != nil {
		return nil, err
	}
	rep := &report.Report{
		ID: id, Started: now, Finished: r.o.Now().UTC(),
		Scope:     report.Scope{Regions: j.regions, Include: []string{j.account}},
		Controls:  controls,
		Standards: r.o.Standards,
		Results:   results,
		Inventory: inventory.Build(snap),
		Accounts:  []report.Account{{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: "ACTIVE", Regions: j.regions}},
	}
	for _, c := range r.o.Collectors {
		rep.Collectors = append(rep.Collectors, report.Collector{Name: c.Name, Global: c.Global})
	}
	rep.ComputeScores()
	rep.Stats = report.Stats{Accounts: 1, Targets: len(j.regions)}
	// The store's writes are not cut short by a shutdown: what was
	// collected is stored, or nothing is.
	sctx := context.WithoutCancel(ctx)
	if err := r.o.Store.StartScan(sctx, store.Scan{ID: id, Started: now, Status: store.Running, Kind: store.KindWatch, By: "watch", Scope: rep.Scope}); err != nil {
		return nil, err
	}
	ch, err := r.o.Store.FinishScan(sctx, rep, nil)
	if err != nil {
		return nil, err
	}
	sc := &store.Scan{ID: id, Started: now, Kind: store.KindWatch, Changes: ch}
	return sc, nil
}

// watchScanID names a re-assessment: "watch-<time>-<account>-<random>",
// unique across restarts on a fixed clock.
func watchScanID(t time.Time, account string) (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "watch-" + t.Format("20060102T150405.000Z") + "-" + account + "-" + hex.EncodeToString(b[:]), nil
}

// Flush starts every pending re-assessment now and waits until none
// runs, or ctx is done.
func (r *Reassessor) Flush(ctx context.Context) error {
	for {
		r.mu.Lock()
		for key, j := range r.pending {
			if r.running[key] {
				j.due = true // starts when the running one ends
				continue
			}
			j.timer.Stop()
			r.startLocked(j)
		}
		idle := len(r.pending) == 0 && len(r.running) == 0
		r.mu.Unlock()
		if idle {
			return nil
		}
		done := make(chan struct{})
		go func() { r.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close runs what is pending, waits for it up to ctx's deadline, then
// cancels what still runs. Triggers after Close are ignored.
func (r *Reassessor) Close(ctx context.Context) error {
	err := r.Flush(ctx)
	r.mu.Lock()
	r.closed = true
	for _, j := range r.pending {
		j.timer.Stop()
	}
	r.pending = map[string]*job{}
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("re-assessments still running at shutdown were cut short: %w", err)
	}
	return err
}
