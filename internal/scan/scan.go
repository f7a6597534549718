// Package scan runs an assessment: it discovers the organization, runs
// every collector for every target on the executor as soon as each
// account is ready, evaluates the controls over the snapshot, and scores
// the results. One account or region that fails never stops the others;
// what could not be collected is in the report, with why.
package scan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
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
	// Collectors are the collectors available; Controls the controls to
	// evaluate. Only the collectors the Controls need run (a control that
	// needs a collector not in Collectors is an error). Standards are what
	// the controls map to.
	Collectors []collect.Collector
	Controls   []*control.Control
	Standards  []control.Standard
	// Concurrency bounds the tasks running at once (default 64).
	Concurrency int
	// TaskTimeout bounds each task, one collector in one target
	// (DefaultTaskTimeout when 0): a task still running then is a gap
	// that says so, and the scan goes on.
	TaskTimeout time.Duration
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
	// Share, when set, keeps the accounts this run assesses (one shard's
	// share, see package shard): the whole organization is discovered,
	// so selectors are checked against all of it, and only the accounts
	// Share keeps are evaluated and reported. The management account, when
	// in the selection, is collected by every share as context, not
	// evaluated: its organization trails and their log groups are what
	// the members' CloudTrail and CloudWatch controls judge, as in a scan
	// of the whole organization.
	Share func(account string) bool
	// Account, when set, receives the results of each account as soon as
	// they are known, and the report Run returns has no results, gaps nor
	// inventory (its scope, accounts, coverage of what was collected and
	// stats only): the scan's memory then does not grow with the
	// organization. An account's results may come in several parts
	// (report.AccountPart with the same ID and a different Piece: the
	// controls that read other accounts are evaluated once those are
	// collected); the parts of one account add up, and no (ID, Piece)
	// comes twice. Calls come from the scan's goroutines, one at a
	// time per account; a call that blocks holds collection back. The
	// first error ends the scan with it. Account records (the parts'
	// Account) come last, in one part per account, once discovery has
	// filled them in. Ignored when Snapshot is set (the snapshot is then
	// kept whole).
	Account func(report.AccountPart) error
	// Chain, when set, receives the number of calls of the run that had
	// to follow one another: discovery's (org.Organization.Chain), then
	// the longest chain of calls of one task (ratelimit.Chain). Times the
	// least latency of a call, it bounds the wall time from below,
	// whatever the concurrency.
	Chain func(int)
}

// DefaultTaskTimeout bounds a task when Options.TaskTimeout is 0: far
// more than the largest account's slowest service needs (thousands of
// buckets at the S3 rate limits), so that only a task that is stuck
// reaches it.
const DefaultTaskTimeout = 30 * time.Minute

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
	if o.TaskTimeout <= 0 {
		o.TaskTimeout = DefaultTaskTimeout
	}
	collectors, err := needed(o.Collectors, o.Controls)
	if err != nil {
		return nil, err
	}
	byName := map[string]collect.Collector{}
	for _, c := range collectors {
		byName[c.Name] = c
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
	r := &run{o: o, snap: snap, collectors: collectors, byName: byName, queue: exec.NewQueue(), home: home, started: time.Now(), configs: map[string]aws.Config{}, context: map[string]bool{}}
	r.discovering.Store(true)
	// Each account is evaluated as soon as it is collected, unless the
	// caller wants the whole snapshot (see stream.go).
	var kept *collected
	if o.Snapshot == nil {
		r.stream = newStream(r, o.Controls, o.Collectors, started)
		if o.Account != nil {
			r.stream.emit = func(id string, piece int, res []control.Result, gaps []snapshot.Gap, inv *inventory.Inventory) error {
				if len(res) == 0 && len(gaps) == 0 && inv == nil {
					return nil
				}
				return o.Account(report.AccountPart{ID: id, Piece: piece, Results: res, Gaps: gaps, Inventory: inv})
			}
		} else {
			kept = &collected{results: map[string][]control.Result{}, inv: map[string]*inventory.Inventory{}}
			r.stream.emit = kept.add
		}
	}

	dopts := o.Discover
	dopts.Configure = func(account string, c aws.Config) aws.Config { return o.Limiter.Instrument(c, account) }
	dopts.Ready = r.ready
	if o.Share != nil {
		// Only the share, and the management account as context, are
		// examined: the other shards assume roles in the others.
		dopts.Examine = func(a *org.Account) bool { return o.Share(a.ID) || a.Management }
	}
	base := o.Limiter.Instrument(cfg, "caller")

	pool := exec.Local{Concurrency: o.Concurrency}
	poolDone := make(chan error, 1)
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { poolDone <- pool.Run(pctx, r.queue, r.do, r.done) }()
	organization, derr := org.Discover(ctx, base, dopts)
	r.discovering.Store(false)
	if derr != nil {
		stop() // what was collected is of no use
	} else if r.stream != nil {
		r.stream.discoveryOver()
	}
	r.queue.Close()
	perr := <-poolDone
	if derr != nil {
		return nil, derr
	}
	if perr != nil {
		return nil, perr
	}
	if o.Share != nil {
		for i := range organization.Accounts {
			if a := &organization.Accounts[i]; a.Unexamined && a.Status == "ACTIVE" {
				r.others = append(r.others, a)
			}
		}
		if err := r.trailBuckets(ctx, pool); err != nil {
			return nil, err
		}
	}

	if o.Snapshot != nil {
		o.Snapshot(snap)
	}
	if o.Chain != nil {
		o.Chain(organization.Chain() + int(r.chain.Load()))
	}
	rep := &report.Report{
		ID:        o.ID,
		Started:   started,
		Scope:     ScopeOf(organization, o.Discover),
		Controls:  o.Controls,
		Standards: o.Standards,
	}
	if r.stream == nil {
		rep.Gaps = snap.Gaps()
		rep.Results = evaluate(snap, o.Controls, o.Collectors, started, func(a *snapshot.Account) bool { return !r.context[a.ID] })
		rep.Inventory = inventory.Build(snap)
	} else {
		if err := r.stream.end(snap.Accounts); err != nil {
			return nil, err
		}
		if kept != nil {
			rep.Gaps = snap.Gaps()
			kept.fill(rep, snap.Accounts, snap.Taken, func(id string) bool { return r.context[id] })
		}
	}
	if len(r.context) > 0 {
		rep.Gaps = slices.DeleteFunc(rep.Gaps, func(g snapshot.Gap) bool { return r.context[g.Account] })
		if inv := rep.Inventory; inv != nil {
			inv.Resources = slices.DeleteFunc(inv.Resources, func(x inventory.Resource) bool { return r.context[x.Account] })
			inv.Collected = slices.DeleteFunc(inv.Collected, func(x inventory.Scope) bool { return r.context[x.Account] })
			rep.Inventory = &inventory.Inventory{Taken: inv.Taken, Resources: inv.Resources, Collected: inv.Collected}
		}
	}
	for _, a := range organization.Accounts {
		if o.Share != nil && !o.Share(a.ID) {
			continue
		}
		acct := report.Account{ID: a.ID, Name: a.Name, OUPath: a.Path, Status: a.Status, Tags: a.Tags, Regions: a.Regions, Skipped: a.Skipped, Error: a.Error}
		if a.RegionSource != org.RegionsByAccountAPI {
			acct.RegionSource = a.RegionSource
		}
		rep.Accounts = append(rep.Accounts, acct)
		if sa := snap.Account(a.ID); sa != nil {
			sa.Tags = a.Tags // known only now: fetched alongside collection
		}
	}
	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].ID < rep.Accounts[j].ID })
	if o.Account != nil && r.stream != nil {
		for i := range rep.Accounts {
			if err := o.Account(report.AccountPart{ID: rep.Accounts[i].ID, Piece: pieceRecord, Account: &rep.Accounts[i]}); err != nil {
				return nil, err
			}
		}
	}
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

// ScopeOf is the scope of a scan of organization discovered with o: the
// report's Scope, known once discovery is over (org.Options.Discovered).
func ScopeOf(organization *org.Organization, o org.Options) report.Scope {
	return report.Scope{OrgID: organization.ID, Management: organization.ManagementAccount, Caller: organization.Caller, Regions: o.Regions, Include: o.Include, Exclude: o.Exclude}
}

// needed returns the collectors of all that the controls need, in the
// order of all: a scan of some controls reads only what they judge.
func needed(all []collect.Collector, controls []*control.Control) ([]collect.Collector, error) {
	have := map[string]bool{}
	for _, c := range all {
		have[c.Name] = true
	}
	need := map[string]bool{}
	for _, c := range controls {
		for _, n := range c.Needs {
			if !have[n] {
				return nil, fmt.Errorf("control %s needs collector %q, which is not available", c.ID, n)
			}
			need[n] = true
		}
	}
	var out []collect.Collector
	for _, c := range all {
		if need[c.Name] {
			out = append(out, c)
		}
	}
	return out, nil
}

// readParts returns, for each collector that every one of controls
// needing it reads only in part (Control.Reads), the parts they read
// together. A collector missing from the map is collected whole.
func readParts(controls []*control.Control) map[string][]string {
	parts := map[string][]string{}
	whole := map[string]bool{}
	for _, c := range controls {
		for _, n := range c.Needs {
			ps, ok := c.Reads[n]
			if !ok || len(ps) == 0 {
				whole[n] = true
				continue
			}
			for _, p := range ps {
				if !slices.Contains(parts[n], p) {
					parts[n] = append(parts[n], p)
				}
			}
		}
	}
	for n := range whole {
		delete(parts, n)
	}
	return parts
}

// NewID names a scan started at t: "scan-20261123T101500.042Z".
func NewID(t time.Time) string { return "scan-" + t.UTC().Format("20060102T150405.000Z") }

// Evaluate runs controls over every account of snap, accounts in
// parallel; collectors say which of the controls' needs are global.
// Results are sorted by account, region, control and resource.
func Evaluate(snap *snapshot.Snapshot, controls []*control.Control, collectors []collect.Collector, now time.Time) []control.Result {
	return evaluate(snap, controls, collectors, now, nil)
}

// evaluate is Evaluate over the accounts keep keeps (all when nil).
func evaluate(snap *snapshot.Snapshot, controls []*control.Control, collectors []collect.Collector, now time.Time, keep func(*snapshot.Account) bool) []control.Result {
	isGlobal := map[string]bool{}
	for _, c := range collectors {
		isGlobal[c.Name] = c.Global
	}
	global := func(n string) bool { return isGlobal[n] }
	results := make([][]control.Result, len(snap.Accounts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, a := range snap.Accounts {
		if keep != nil && !keep(a) {
			continue
		}
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
	for i, rs := range results {
		out = append(out, rs...)
		results[i] = nil
	}
	return out
}

// run is one scan in progress.
type run struct {
	o    Options
	snap *snapshot.Snapshot
	// collectors are those that run, byName the same by name.
	collectors []collect.Collector
	byName     map[string]collect.Collector
	queue      *exec.Queue
	home       string
	started    time.Time

	mu      sync.Mutex
	configs map[string]aws.Config
	// context are accounts collected for the controls of others, not
	// evaluated nor reported (Options.Share).
	context map[string]bool
	// others are the reachable accounts of the selection outside the
	// share, that trailBuckets may read the buckets of.
	others []*org.Account

	discovering atomic.Bool
	accounts    atomic.Int64
	targets     atomic.Int64
	finished    atomic.Int64
	errors      atomic.Int64
	chain       atomic.Int64 // the longest chain of calls of a task
	// stream evaluates accounts as they complete; nil when the whole
	// snapshot is kept (Options.Snapshot).
	stream *stream
}

// ready turns a discovered account into a snapshot account and tasks.
func (r *run) ready(a *org.Account) {
	isContext := r.o.Share != nil && !r.o.Share(a.ID)
	if isContext {
		if !a.Management {
			return
		}
		r.mu.Lock()
		r.context[a.ID] = true
		r.mu.Unlock()
	}
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
		if r.stream != nil {
			r.stream.add(a.ID, 0, a.Management)
		}
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
	for _, c := range r.collectors {
		if c.Global {
			tasks = append(tasks, exec.Task{Target: target.Target{Partition: sa.Partition, Account: a.ID, Region: home, Global: true}, Collector: c.Name})
		}
	}
	for _, reg := range a.Regions {
		for _, c := range r.collectors {
			if !c.Global {
				tasks = append(tasks, exec.Task{Target: target.Target{Partition: target.PartitionOf(reg), Account: a.ID, Region: reg}, Collector: c.Name})
			}
		}
	}
	if !isContext {
		r.targets.Add(int64(len(a.Regions)))
		r.accounts.Add(1)
	}
	if r.stream != nil {
		r.stream.add(a.ID, len(tasks), a.Management)
	}
	r.queue.Push(tasks...)
}

// do runs one task.
func (r *run) do(ctx context.Context, t exec.Task) error {
	c := r.byName[t.Collector]
	acct := r.snap.Account(t.Target.Account)
	r.mu.Lock()
	cfg := awsx.FailFast(r.configs[t.Target.Account])
	r.mu.Unlock()
	cfg.Region = t.Target.Region
	in := collect.Input{Config: cfg, Target: t.Target, Account: acct, Now: r.snap.Taken}
	if !c.Global {
		in.Region = acct.Regions[t.Target.Region]
	}
	tctx, cancel := context.WithTimeout(ctx, r.o.TaskTimeout)
	defer cancel()
	var chain ratelimit.Chain
	err := c.Collect(ratelimit.WithChain(tctx, &chain), in)
	for n := int64(chain.Len()); ; {
		cur := r.chain.Load()
		if n <= cur || r.chain.CompareAndSwap(cur, n) {
			break
		}
	}
	if ctx.Err() != nil {
		return err
	}
	gap := snapshot.Gap{GapKey: snapshot.GapKey{Account: t.Target.Account, Region: t.Target.Region, Collector: c.Name}}
	if c.Global {
		gap.Region = ""
	}
	switch {
	case tctx.Err() != nil:
		// Whatever the collector returned, what it read may be partial.
		gap.Class = "timed out"
		gap.Reason = fmt.Sprintf("did not finish within %s (--task-timeout)", r.o.TaskTimeout)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			gap.Reason += ": " + awsx.Describe(err)
		}
		if err == nil {
			err = tctx.Err()
		}
	case err != nil:
		gap.Class, gap.Reason = awsx.Classify(err).String(), awsx.Describe(err)
	default:
		return nil
	}
	r.snap.AddGap(gap)
	return err
}

// trailBuckets reads, for a share of the organization (Options.Share),
// the S3 state of the selection's other accounts when a trail of the
// share delivers to a bucket the share did not read: the controls that
// judge a trail's bucket find it in whatever account of the organization
// holds it (a log archive account), as in a scan of the whole
// organization. Those accounts are context: not evaluated nor reported.
func (r *run) trailBuckets(ctx context.Context, pool exec.Local) error {
	s3 := r.byName["s3"]
	if s3.Name == "" || len(r.others) == 0 {
		return nil
	}
	missing := false
	have := func(name string) bool {
		for _, a := range r.snap.Accounts {
			if a.S3 != nil && a.S3.Bucket(name) != nil {
				return true
			}
		}
		return false
	}
	for _, a := range r.snap.Accounts {
		for _, reg := range a.Regions {
			if reg == nil || reg.CloudTrail == nil {
				continue
			}
			for _, t := range reg.CloudTrail.Trails {
				if t.S3BucketName != "" && !have(t.S3BucketName) {
					missing = true
				}
			}
		}
	}
	if !missing {
		return nil
	}
	q := exec.NewQueue()
	for _, a := range r.others {
		sa := &snapshot.Account{ID: a.ID, Name: a.Name, Status: a.Status, OUID: a.OUID, OUPath: a.Path,
			Partition: target.PartitionOf(r.home), HomeRegion: r.home, Regions: map[string]*snapshot.Region{}}
		r.snap.Add(sa)
		r.mu.Lock()
		r.context[a.ID] = true
		r.configs[a.ID] = a.Config()
		r.mu.Unlock()
		q.Push(exec.Task{Target: target.Target{Partition: sa.Partition, Account: a.ID, Region: r.home, Global: true}, Collector: s3.Name})
	}
	q.Close()
	// What could not be read is a gap of a context account, dropped with
	// it: the trail's control then reports that it could not examine
	// the bucket, as a whole scan would have for a bucket it could not
	// read.
	return pool.Run(ctx, q, r.do, func(exec.Task, error) {})
}

// done counts a finished task and reports progress.
func (r *run) done(t exec.Task, err error) {
	n := r.finished.Add(1)
	if err != nil {
		r.errors.Add(1)
	}
	if r.stream != nil {
		r.stream.done(t.Target.Account)
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

// Assess collects, in one account, what controls need (global
// collectors in home, regional ones in each of regions) and evaluates
// them: a re-assessment of part of an account without a scan, to verify
// a change (remediation) or to follow an event. A collector that fails
// is an error naming it; nothing is judged from partial data. Where
// every control declares the parts of a collector it reads
// (control.Control.Reads), only those are collected.
func Assess(ctx context.Context, cfg aws.Config, account, home string, regions []string, controls []*control.Control, all []collect.Collector, now time.Time) ([]control.Result, error) {
	_, rs, err := AssessSnapshot(ctx, cfg, account, home, regions, controls, all, now)
	return rs, err
}

// AssessSnapshot is Assess that also returns the snapshot it collected,
// for a caller that stores the re-assessment with its inventory.
func AssessSnapshot(ctx context.Context, cfg aws.Config, account, home string, regions []string, controls []*control.Control, all []collect.Collector, now time.Time) (*snapshot.Snapshot, []control.Result, error) {
	collectors, err := needed(all, controls)
	if err != nil {
		return nil, nil, err
	}
	parts := readParts(controls)
	sa := &snapshot.Account{ID: account, Partition: target.PartitionOf(home), HomeRegion: home, Regions: map[string]*snapshot.Region{}}
	for _, r := range regions {
		sa.Regions[r] = &snapshot.Region{Name: r}
	}
	snap := &snapshot.Snapshot{Taken: now}
	snap.Add(sa)
	var g errgroup.Group
	run := func(c collect.Collector, t target.Target, reg *snapshot.Region) {
		g.Go(func() error {
			in := collect.Input{Config: cfg.Copy(), Target: t, Account: sa, Region: reg, Now: now, Parts: parts[c.Name]}
			in.Config.Region = t.Region
			if err := c.Collect(ctx, in); err != nil {
				where := t.Region
				if t.Global {
					where = "account-wide"
				}
				return fmt.Errorf("collect %s in %s %s: %w", c.Name, account, where, err)
			}
			return nil
		})
	}
	for _, c := range collectors {
		if c.Global {
			run(c, target.Target{Partition: sa.Partition, Account: account, Region: home, Global: true}, nil)
			continue
		}
		for _, r := range regions {
			run(c, target.Target{Partition: target.PartitionOf(r), Account: account, Region: r}, sa.Regions[r])
		}
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return snap, Evaluate(snap, controls, all, now), nil
}
