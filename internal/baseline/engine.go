package baseline

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/baseline/item"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/exec"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Options configure a plan, apply, status or rollback.
type Options struct {
	// Spec is the baseline (required for plan, apply and status; a
	// rollback uses the spec journaled with the run).
	Spec *spec.Spec
	// Discover selects accounts and regions (a rollback uses its Role
	// and SessionName, and Include/Regions as filters). With
	// Discover.Shard, a plan, status or apply works on that share of the
	// accounts only, and an apply's run is that shard's own (its ID ends
	// in shard.Spec.Suffix): each shard is journaled, resumed and rolled
	// back as a run of its own.
	Discover org.Options
	// Items keeps only these items, by name ("guardduty.detector") or
	// service ("guardduty"); all when empty.
	Items []string
	// Concurrency bounds the tasks running at once (default 64).
	Concurrency int
	// Limiter paces calls per (account, region, service); a new one with
	// AWS's default limits when nil.
	Limiter *ratelimit.Limiter
	// Journal records runs and prior states (required for apply and
	// rollback).
	Journal store.Journal
	// Run names the run: apply resumes it if it exists; rollback undoes
	// it (required for rollback).
	Run string
	// Accounts and Regions keep only these, for a rollback.
	Accounts, Regions []string
	// Progress, when set, is called after each task (from the pool's
	// goroutines; keep it quick).
	Progress func(Progress)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Progress is how far a run has come.
type Progress struct {
	Phase         int   `json:"phase"`
	Accounts      int   `json:"accounts"`
	Targets       int   `json:"targets"`
	TasksDone     int64 `json:"tasks_done"`
	TasksQueued   int   `json:"tasks_queued"`
	Changed       int64 `json:"changed"`
	Failed        int64 `json:"failed"`
	APICalls      int64 `json:"api_calls"`
	ElapsedMillis int64 `json:"elapsed_ms"`
}

// NewRunID names a run started at t: "baseline-20261123T101500.042Z".
func NewRunID(t time.Time) string { return "baseline-" + t.UTC().Format("20060102T150405.000Z") }

// items returns the items o selects, or an error naming an unknown one.
func (o *Options) items() ([]item.Item, error) {
	all := item.All()
	if len(o.Items) == 0 {
		return all, nil
	}
	var out []item.Item
	for _, want := range o.Items {
		found := false
		for _, it := range all {
			if it.Name() == want || item.Service(it.Name()) == want {
				found = true
				if !slices.Contains(out, it) {
					out = append(out, it)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown item %q (want one of %s, or a service)", want, strings.Join(item.Names(all), ", "))
		}
	}
	// Keep the order of item.All: it is the order within a target.
	slices.SortStableFunc(out, func(a, b item.Item) int { return slices.Index(all, a) - slices.Index(all, b) })
	return out, nil
}

// engine is one run in progress.
type engine struct {
	o       Options
	kind    string
	run     string
	org     item.Org
	items   []item.Item
	started time.Time

	mu       sync.Mutex
	configs  map[string]aws.Config
	accounts map[string]spec.Account
	results  []Result
	notAppl  int

	queue              *exec.Queue
	tasks              int
	done, changed, bad atomic.Int64
	phase              int
	targets            int
	// chain counts the calls no client could overlap: discovery's
	// sequential calls, then per phase the most one task made.
	chain    int
	maxCalls atomic.Int64
}

// taskCalls is the context key of a task's call counter.
type taskCalls struct{}

// countCalls counts each operation (not each retry) of a task, for the
// run's dependent-call chain (Stats.Chain).
func countCalls(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("guardrail-task-calls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if c, ok := ctx.Value(taskCalls{}).(*atomic.Int64); ok {
				c.Add(1)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// counted returns cfg with task call counting installed.
func counted(cfg aws.Config) aws.Config {
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), countCalls)
	return cfg
}

func newEngine(o Options, kind string) (*engine, error) {
	if o.Concurrency < 1 {
		o.Concurrency = 64
	}
	if o.Limiter == nil {
		o.Limiter = ratelimit.New(nil, ratelimit.Limit{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	items, err := o.items()
	if err != nil {
		return nil, err
	}
	return &engine{o: o, kind: kind, items: items, started: time.Now(), configs: map[string]aws.Config{}, accounts: map[string]spec.Account{}}, nil
}

func (e *engine) add(r Result) {
	e.mu.Lock()
	e.results = append(e.results, r)
	e.mu.Unlock()
	switch r.Action {
	case Changed, Restored:
		e.changed.Add(1)
	case Failed:
		e.bad.Add(1)
	}
}

// env returns the environment of it in t, resolving the settings with
// sp.
func (e *engine) env(sp *spec.Spec, t target.Target) item.Env {
	e.mu.Lock()
	cfg := e.configs[t.Account].Copy()
	acct := e.accounts[t.Account]
	e.mu.Unlock()
	cfg.Region = t.Region
	return item.Env{Config: cfg, Target: t, Org: e.org, Settings: sp.Resolve(acct, t.Region), Clients: &item.Clients{}}
}

// pool runs tasks on the executor, one phase at a time.
func (e *engine) pool(ctx context.Context, phase int, tasks []exec.Task, do func(context.Context, exec.Task) error) error {
	e.phase = phase
	e.maxCalls.Store(0)
	defer func() { e.chain += int(e.maxCalls.Load()) }()
	counting := func(ctx context.Context, t exec.Task) error {
		var n atomic.Int64
		err := do(context.WithValue(ctx, taskCalls{}, &n), t)
		for {
			m := e.maxCalls.Load()
			if n.Load() <= m || e.maxCalls.CompareAndSwap(m, n.Load()) {
				break
			}
		}
		return err
	}
	q := exec.NewQueue()
	q.Push(tasks...)
	q.Close()
	e.queue = q
	e.tasks += len(tasks)
	return exec.Local{Concurrency: e.o.Concurrency}.Run(ctx, q, counting, func(exec.Task, error) {
		n := e.done.Add(1)
		if e.o.Progress != nil {
			e.o.Progress(Progress{Phase: phase, Accounts: len(e.configs), Targets: e.targets, TasksDone: n, TasksQueued: e.tasks,
				Changed: e.changed.Load(), Failed: e.bad.Load(), APICalls: e.o.Limiter.Counts().Attempts,
				ElapsedMillis: time.Since(e.started).Milliseconds()})
		}
	})
}

// report finishes the report.
func (e *engine) report(r *Report) *Report {
	r.Results = e.results
	r.Counts.NotApplicable = e.notAppl
	r.count()
	r.Stats.Tasks = e.tasks
	r.Stats.APICalls = e.o.Limiter.Counts().Attempts
	r.Stats.WallSecs = time.Since(e.started).Seconds()
	r.Stats.Chain = e.chain
	return r
}

// unavailable returns why err says the service is not offered where it
// was called (an unsupported operation, a region the endpoint does not
// serve, no endpoint at all), or "".
func unavailable(err error, region string) string {
	var dns *net.DNSError
	switch c := awsx.Classify(err); {
	case c == awsx.Unsupported || c == awsx.RegionDisabled:
		return "not available in " + region + ": " + awsx.Brief(err)
	case errors.As(err, &dns) && dns.IsNotFound:
		return "not available in " + region + ": no endpoint"
	}
	return ""
}

// taskKey groups the items of one service: a task's Collector field
// names the service.
func tasksFor(items []item.Item, phase int, t target.Target) []exec.Task {
	var out []exec.Task
	seen := map[string]bool{}
	for _, it := range items {
		if it.Phase() != phase || (it.Scope() == item.Global) != t.Global {
			continue
		}
		svc := item.Service(it.Name())
		if !seen[svc] {
			seen[svc] = true
			out = append(out, exec.Task{Target: t, Collector: svc})
		}
	}
	return out
}

// ofTask returns the items of the task, in order (reversed for a
// rollback).
func (e *engine) ofTask(t exec.Task) []item.Item {
	var out []item.Item
	for _, it := range e.items {
		if it.Phase() == e.phase && item.Service(it.Name()) == t.Collector && (it.Scope() == item.Global) == t.Target.Global {
			out = append(out, it)
		}
	}
	if e.kind == store.RunRollback {
		slices.Reverse(out)
	}
	return out
}

// ouAncestors returns an account's OU and the OUs above it, by ID.
func ouAncestors(o *org.Organization, ouID string) []string {
	parent := map[string]string{}
	for _, ou := range o.OUs {
		parent[ou.ID] = ou.Parent
	}
	var out []string
	for id := ouID; id != "" && len(out) < 10; id = parent[id] {
		out = append(out, id)
	}
	return out
}

// journalCtx keeps journal writes going after ctx is cancelled.
func journalCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return change.Detached(ctx)
}
