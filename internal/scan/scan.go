// Package scan runs an assessment: it discovers the organization, runs
// every collector for every target on the executor as soon as each
// account is ready, evaluates the controls over the snapshot, and scores
// the results. One account or region that fails never stops the others;
// what could not be collected is in the report, with why.
package scan

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/exec"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Options configure a scan.
type Options struct {
	// Discover selects accounts and regions.
	Discover org.Options
	// Collectors are the collectors to run; Controls the controls to
	// evaluate (a control whose collectors are not in Collectors cannot be
	// evaluated and is an error). Standards are what they map to.
	Collectors []collect.Collector
	Controls   []*control.Control
	Standards  []control.Standard
	// Concurrency bounds the tasks running at once (default 64).
	Concurrency int
	// Limiter paces calls per (account, region, service); a new one with
	// the default AWS limits when nil.
	Limiter *ratelimit.Limiter
	// Progress, when set, is called after each task with the counts so
	// far (from the executor's goroutines; keep it quick).
	Progress func(Progress)
	// Now is the scan's clock (time.Now when nil).
	Now func() time.Time
	// ID names the scan (default "scan-<start time>", see NewID).
	ID string
	// Snapshot, when set, receives the collected snapshot before the
	// controls run (to keep it for search, or to benchmark evaluation).
	Snapshot func(*snapshot.Snapshot)
}

// Progress is how far a scan has come.
type Progress struct {
	Accounts      int   `json:"accounts"` // ready so far
	Targets       int   `json:"targets"`
	TasksDone     int64 `json:"tasks_done"`
	TasksQueued   int   `json:"tasks_queued"`
	TaskErrors    int64 `json:"task_errors"`
	APICalls      int64 `json:"api_calls"`
	Discovering   bool  `json:"discovering"`
	ElapsedMillis int64 `json:"elapsed_ms"`
}

// Run scans with cfg (the management account's, or the single account's,
// credentials).
func Run(ctx context.Context, cfg aws.Config, o Options) (*report.Report, error) {
	if o.Concurrency < 1 {
		o.Concurrency = 64
	}
	if o.Limiter == nil {
		o.Limiter = ratelimit.New(nil, ratelimit.Limit{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	byName := map[string]collect.Collector{}
	for _, c := range o.Collectors {
		byName[c.Name] = c
	}
	for _, c := range o.Controls {
		for _, n := range c.Needs {
			if _, ok := byName[n]; !ok {
				return nil, fmt.Errorf("control %s needs collector %q, which is not available", c.ID, n)
			}
		}
	}
	started := o.Now().UTC()
	if o.ID == "" {
		o.ID = NewID(started)
	}
	snap := &snapshot.Snapshot{Taken: started}
	home := cfg.Region
	if home == "" {
		home = "us-east-1"
	}
	r := &run{o: o, snap: snap, byName: byName, queue: exec.NewQueue(), home: home, started: time.Now(), configs: map[string]aws.Config{}}
	r.discovering.Store(true)

	dopts := o.Discover
	dopts.Configure = func(account string, c aws.Config) aws.Config { return o.Limiter.Instrument(c, account) }
	dopts.Ready = r.ready
	base := o.Limiter.Instrument(cfg, "caller")

	pool := exec.Local{Concurrency: o.Concurrency}
	poolDone := make(chan error, 1)
	go func() { poolDone <- pool.Run(ctx, r.queue, r.do, r.done) }()
	organization, derr := org.Discover(ctx, base, dopts)
	r.discovering.Store(false)
	r.queue.Close()
	perr := <-poolDone
	if derr != nil {
		return nil, derr
	}
	if perr != nil {
		return nil, perr
	}

	if o.Snapshot != nil {
		o.Snapshot(snap)
	}
	res := Evaluate(snap, o.Controls, o.Collectors, started)
	rep := &report.Report{
		ID:        o.ID,
		Started:   started,
		Scope:     report.Scope{OrgID: organization.ID, Management: organization.ManagementAccount, Caller: organization.Caller, Regions: o.Discover.Regions, Include: o.Discover.Include, Exclude: o.Discover.Exclude},
		Controls:  o.Controls,
		Standards: o.Standards,
		Gaps:      snap.Gaps(),
	}
	rep.Results = res
	rep.Inventory = inventory.Build(snap)
	for _, a := range organization.Accounts {
		acct := report.Account{ID: a.ID, Name: a.Name, OUPath: a.Path, Status: a.Status, Tags: a.Tags, Regions: a.Regions, Skipped: a.Skipped, Error: a.Error}
		rep.Accounts = append(rep.Accounts, acct)
		if sa := snap.Account(a.ID); sa != nil {
			sa.Tags = a.Tags // known only now: fetched alongside collection
		}
	}
	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].ID < rep.Accounts[j].ID })
	for _, c := range o.Collectors {
		rep.Collectors = append(rep.Collectors, report.Collector{Name: c.Name, Global: c.Global})
	}
	// The coverage, and the scores over the targets assessed: an account
	// that could not be assessed at all has no data, as a Security Hub
	// member that reports nothing, and is counted as not assessed instead
	// of turning every control of the organization's score into
	// "unknown". Its ERROR results stay in the report.
	rep.ComputeScores()
	counts := o.Limiter.Counts()
	rep.Finished = o.Now().UTC()
	rep.Stats = report.Stats{
		Accounts: len(rep.Accounts),
		Targets:  int(r.targets.Load()),
		Tasks:    r.queue.Pushed(),
		APICalls: counts.Attempts,
		Retries:  counts.Attempts - counts.Operations,
		Errors:   int(r.errors.Load()),
		WallSecs: time.Since(r.started).Seconds(),
	}
	return rep, nil
}

// NewID names a scan started at t: "scan-20261123T101500.042Z".
func NewID(t time.Time) string { return "scan-" + t.UTC().Format("20060102T150405.000Z") }

// Evaluate runs controls over every account of snap, accounts in
// parallel; collectors say which of the controls' needs are global.
// Results are sorted by account, region, control and resource.
func Evaluate(snap *snapshot.Snapshot, controls []*control.Control, collectors []collect.Collector, now time.Time) []control.Result {
	isGlobal := map[string]bool{}
	for _, c := range collectors {
		isGlobal[c.Name] = c.Global
	}
	global := func(n string) bool { return isGlobal[n] }
	results := make([][]control.Result, len(snap.Accounts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, a := range snap.Accounts {
		g.Go(func() error {
			results[i] = control.EvaluateAccount(controls, snap, a, global, now)
			return nil
		})
	}
	_ = g.Wait()
	n := 0
	for _, rs := range results {
		n += len(rs)
	}
	out := make([]control.Result, 0, n)
	for _, rs := range results {
		out = append(out, rs...)
	}
	return out
}

// run is one scan in progress.
type run struct {
	o       Options
	snap    *snapshot.Snapshot
	byName  map[string]collect.Collector
	queue   *exec.Queue
	home    string
	started time.Time

	mu      sync.Mutex
	configs map[string]aws.Config

	discovering atomic.Bool
	accounts    atomic.Int64
	targets     atomic.Int64
	finished    atomic.Int64
	errors      atomic.Int64
}

// ready turns a discovered account into a snapshot account and tasks.
func (r *run) ready(a *org.Account) {
	// Global services are called in the home region of the scan's own
	// configuration (us-east-1 in the commercial partition), whatever
	// regions are assessed.
	home := r.home
	sa := &snapshot.Account{
		ID: a.ID, Name: a.Name, Email: a.Email, Status: a.Status, OUID: a.OUID, OUPath: a.Path,
		Partition: target.PartitionOf(home), HomeRegion: home, Err: a.Error, Skipped: a.Skipped,
		Regions: map[string]*snapshot.Region{},
	}
	if a.Err != nil {
		r.snap.Add(sa)
		r.accounts.Add(1)
		return
	}
	for _, reg := range a.Regions {
		sa.Regions[reg] = &snapshot.Region{Name: reg}
	}
	r.snap.Add(sa)
	r.mu.Lock()
	r.configs[a.ID] = a.Config()
	r.mu.Unlock()
	var tasks []exec.Task
	for _, c := range r.o.Collectors {
		if c.Global {
			tasks = append(tasks, exec.Task{Target: target.Target{Partition: sa.Partition, Account: a.ID, Region: home, Global: true}, Collector: c.Name})
		}
	}
	for _, reg := range a.Regions {
		for _, c := range r.o.Collectors {
			if !c.Global {
				tasks = append(tasks, exec.Task{Target: target.Target{Partition: target.PartitionOf(reg), Account: a.ID, Region: reg}, Collector: c.Name})
			}
		}
	}
	r.targets.Add(int64(len(a.Regions)))
	r.accounts.Add(1)
	r.queue.Push(tasks...)
}

// do runs one task.
func (r *run) do(ctx context.Context, t exec.Task) error {
	c := r.byName[t.Collector]
	acct := r.snap.Account(t.Target.Account)
	r.mu.Lock()
	cfg := r.configs[t.Target.Account].Copy()
	r.mu.Unlock()
	cfg.Region = t.Target.Region
	in := collect.Input{Config: cfg, Target: t.Target, Account: acct, Now: r.snap.Taken}
	if !c.Global {
		in.Region = acct.Regions[t.Target.Region]
	}
	err := c.Collect(ctx, in)
	if err != nil && ctx.Err() == nil {
		region := t.Target.Region
		if c.Global {
			region = ""
		}
		r.snap.AddGap(snapshot.Gap{
			GapKey: snapshot.GapKey{Account: t.Target.Account, Region: region, Collector: c.Name},
			Class:  awsx.Classify(err).String(),
			Reason: awsx.Describe(err),
		})
	}
	return err
}

// done counts a finished task and reports progress.
func (r *run) done(_ exec.Task, err error) {
	n := r.finished.Add(1)
	if err != nil {
		r.errors.Add(1)
	}
	if r.o.Progress != nil {
		r.o.Progress(Progress{
			Accounts:      int(r.accounts.Load()),
			Targets:       int(r.targets.Load()),
			TasksDone:     n,
			TasksQueued:   r.queue.Pushed(),
			TaskErrors:    r.errors.Load(),
			APICalls:      r.o.Limiter.Counts().Attempts,
			Discovering:   r.discovering.Load(),
			ElapsedMillis: time.Since(r.started).Milliseconds(),
		})
	}
}
