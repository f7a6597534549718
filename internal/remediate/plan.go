package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/exec"
	"github.com/guardrail-sec/guardrail/internal/exempt"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// engine is one plan, apply or rollback in progress.
type engine struct {
	o       Options
	home    string
	started time.Time

	mu       sync.Mutex
	configs  map[string]aws.Config
	accounts map[string]*org.Account
	items    []*Item
	notAss   map[string]string
	targets  int
}

func newEngine(cfg aws.Config, o Options) *engine {
	o.defaults()
	home := cfg.Region
	if home == "" {
		home = "us-east-1"
	}
	return &engine{o: o, home: home, started: time.Now(), configs: map[string]aws.Config{}, accounts: map[string]*org.Account{}, notAss: map[string]string{}}
}

// Plan reads the live state of every selected failing finding's
// resource and says what Apply would change, in which wave. It changes
// nothing.
func Plan(ctx context.Context, cfg aws.Config, o Options) (*Report, error) {
	e := newEngine(cfg, o)
	rep, err := e.plan(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (e *engine) plan(ctx context.Context, cfg aws.Config) (*Report, error) {
	o := &e.o
	if o.Store == nil {
		return nil, errors.New("remediate: no store")
	}
	if err := o.check(false); err != nil {
		return nil, err
	}
	scanID, err := e.scan(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := e.findings(ctx, scanID)
	if err != nil {
		return nil, err
	}
	if err := e.discover(ctx, cfg, fs); err != nil {
		return nil, err
	}
	e.read(ctx)
	rep := &Report{Kind: "plan", Scan: scanID, MaxChanges: o.MaxChanges, Planned: o.Now().UTC()}
	if err := e.waves(rep); err != nil {
		return nil, err
	}
	e.finish(rep)
	return rep, ctx.Err()
}

// scan returns the scan to work from.
func (e *engine) scan(ctx context.Context) (string, error) {
	if e.o.Scan != "" {
		s, err := e.o.Store.Scan(ctx, e.o.Scan)
		if errors.Is(err, store.ErrNotFound) {
			return "", inputErr("--scan %q: no such scan (see 'guardrail scans list')", e.o.Scan)
		}
		if err != nil {
			return "", err
		}
		if s.Status != store.Complete {
			return "", inputErr("--scan %s is %s: remediate from a complete scan", s.ID, s.Status)
		}
		return s.ID, nil
	}
	scans, err := e.o.Store.Scans(ctx, 0)
	if err != nil {
		return "", err
	}
	for _, s := range scans {
		if s.Status == store.Complete {
			return s.ID, nil
		}
	}
	return "", inputErr("no complete scan in the store: run 'guardrail scan' first, or remediate with --scan-first")
}

// findings returns the failing findings the selection names, as of the
// scan.
func (e *engine) findings(ctx context.Context, scanID string) ([]finding.Finding, error) {
	o := &e.o
	var out []finding.Finding
	if len(o.Findings) > 0 {
		for _, id := range o.Findings {
			fs, _, err := o.Store.Findings(ctx, store.Filter{IDPrefix: id, Limit: 2})
			if err != nil {
				return nil, err
			}
			switch {
			case len(fs) == 0:
				return nil, inputErr("--finding %q: no such finding", id)
			case len(fs) > 1:
				return nil, inputErr("--finding %q: more than one finding starts with it; give more of the ID", id)
			}
			f := fs[0]
			if f.Compliance != control.Failed {
				return nil, inputErr("--finding %s: %s on %s is %s, not FAILED: nothing to fix", id, f.Control, f.ResourceARN, f.Compliance)
			}
			if o.playbookOf(f.Control) == nil {
				return nil, inputErr("--finding %s: no playbook for %s; the controls with a playbook are %s", id, f.Control, strings.Join(o.withPlaybook(), ", "))
			}
			if len(o.Controls) > 0 && !slices.Contains(o.Controls, f.Control) {
				return nil, inputErr("--finding %s is a %s finding, which --controls leaves out", id, f.Control)
			}
			out = append(out, f)
		}
		return out, nil
	}
	fs, _, err := o.Store.Findings(ctx, store.Filter{Controls: o.Controls, Scan: scanID, Regions: o.Discover.Regions,
		Severities: o.Severities, Compliance: []control.Status{control.Failed}})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, inputErr("no failing finding of %s in scan %s matches the selection: nothing to fix", strings.Join(o.Controls, ", "), scanID)
	}
	return fs, nil
}

// discover finds the accounts (and checks the selectors), keeps a
// configuration for each account that has findings, and turns the
// findings into items (select_). As soon as an account's regions are
// known, its items are selected and read (planItem), targets in
// parallel, while discovery goes on: listing the accounts' tags alone
// takes Organizations 20 seconds in 200 accounts. A malformed or
// expired exemption is still an error before anything changes, but
// after the reads of the other items.
func (e *engine) discover(ctx context.Context, cfg aws.Config, fs []finding.Finding) error {
	o := &e.o
	d := o.Discover
	d.Configure = func(account string, c aws.Config) aws.Config { return o.Limiter.Instrument(c, account) }
	ofAccount := map[string][]int{}
	for i, f := range fs {
		ofAccount[f.Account] = append(ofAccount[f.Account], i)
	}
	items := make([]*Item, len(fs))
	bad := make([]string, len(fs))
	toRead := map[target.Target][]*Item{}
	q := exec.NewQueue()
	read := make(chan struct{})
	go func() {
		defer close(read)
		_ = exec.Local{Concurrency: o.Concurrency}.Run(ctx, q, func(ctx context.Context, t exec.Task) error {
			e.mu.Lock()
			its := toRead[t.Target]
			e.mu.Unlock()
			for _, it := range its {
				if ctx.Err() != nil {
					break
				}
				e.planItem(ctx, it)
			}
			return nil
		}, nil)
	}()
	d.Ready = func(a *org.Account) {
		e.mu.Lock()
		e.accounts[a.ID] = a
		if a.Err != nil {
			e.notAss[a.ID] = awsx.Describe(a.Err)
		} else {
			e.configs[a.ID] = a.Config()
		}
		var ts []target.Target
		for _, i := range ofAccount[a.ID] {
			items[i], bad[i] = e.selectOne(a, fs[i])
			if it := items[i]; it != nil && it.Action == "" && bad[i] == "" {
				t := e.targetOf(it)
				if toRead[t] == nil {
					ts = append(ts, t)
				}
				toRead[t] = append(toRead[t], it)
			}
		}
		e.mu.Unlock()
		for _, t := range ts {
			q.Push(exec.Task{Target: t, Collector: "remediate"})
		}
	}
	_, err := org.Discover(ctx, o.Limiter.Instrument(cfg, "caller"), d)
	q.Close()
	<-read
	if err != nil {
		return err
	}
	return e.select_(items, bad)
}

// selectOne turns a finding of account a into an item, or nil when it
// is outside the selection (--include, --exclude, --regions): exempt or
// not, skipped when a cannot be reached. bad says why its exemption tag
// cannot be read.
func (e *engine) selectOne(a *org.Account, f finding.Finding) (it *Item, bad string) {
	if a.Err == nil && !e.inRegions(a, f) {
		return nil, "" // outside --regions
	}
	c := e.o.Catalog.Control(f.Control)
	p := e.o.playbookOf(f.Control)
	it = &Item{Finding: f.ID, Control: f.Control, Severity: f.Severity.String(), Account: f.Account, Region: f.Region,
		Global: c != nil && c.Global, Resource: playbook.Resource{ARN: f.ResourceARN, Type: f.ResourceType, Name: f.ResourceName},
		Playbook: p.Info().Name, Phase: p.Info().Phase}
	switch {
	case a.Err != nil:
		it.Action, it.Reason = Skipped, "account not reachable: "+e.notAss[f.Account]
	case f.Workflow == finding.Suppressed:
		it.Action, it.Reason = Exempt, suppression(f)
	}
	if v, ok := f.ResourceTags[exempt.Tag]; ok && it.Action == "" {
		ex, err := exempt.Parse(v)
		switch {
		case err != nil:
			bad = fmt.Sprintf("%s (%s): tag %s: %v", f.ResourceARN, f.Account, exempt.Tag, err)
		case !ex.Covers(f.Control):
		case e.o.Now().After(ex.Until):
			bad = fmt.Sprintf("%s (%s): tag %s: the exemption expired on %s (%s): renew it, remove it, or --exclude the account",
				f.ResourceARN, f.Account, exempt.Tag, ex.Until.Format(time.DateOnly), ex.Reason)
		default:
			it.Action, it.Reason = Exempt, fmt.Sprintf("tag %s until %s: %s", exempt.Tag, ex.Until.Format(time.DateOnly), ex.Reason)
		}
	}
	return it, bad
}

// select_ keeps the items of the findings in scope (selectOne), in the
// findings' order. A malformed or expired exemption is an error naming
// every one.
func (e *engine) select_(items []*Item, bad []string) error {
	var why []string
	for i, it := range items {
		if bad[i] != "" {
			why = append(why, bad[i])
		}
		if it != nil {
			e.items = append(e.items, it)
		}
	}
	if len(why) > 0 {
		return inputErr("exemption tags that cannot be read; nothing was changed:\n  %s", strings.Join(why, "\n  "))
	}
	if len(e.items) == 0 && !e.o.Discover.Shard.All() {
		return inputErr("no failing finding of the selection is in the accounts and regions selected and in shard %s: nothing to fix", e.o.Discover.Shard)
	}
	if len(e.items) == 0 {
		return inputErr("no failing finding of the selection is in the accounts and regions selected: nothing to fix")
	}
	return nil
}

func (e *engine) inRegions(a *org.Account, f finding.Finding) bool {
	c := e.o.Catalog.Control(f.Control)
	if c != nil && c.Global {
		return true
	}
	return slices.Contains(a.Regions, f.Region)
}

func suppression(f finding.Finding) string {
	s := f.Suppression
	if s == nil {
		return "suppressed"
	}
	why := "suppressed by " + s.By
	if s.Reason != "" {
		why += ": " + s.Reason
	}
	if !s.Until.IsZero() {
		why += " (until " + s.Until.Format(time.DateOnly) + ")"
	}
	return why
}

// targetOf is the target an item acts in.
func (e *engine) targetOf(it *Item) target.Target {
	return target.Target{Partition: target.PartitionOf(it.Region), Account: it.Account, Region: it.Region, Global: it.Global}
}

// env is where a playbook acts for it.
func (e *engine) env(it *Item) playbook.Env {
	e.mu.Lock()
	cfg := e.configs[it.Account].Copy()
	e.mu.Unlock()
	cfg.Region = it.Region
	return playbook.Env{Config: cfg, Account: it.Account, Region: it.Region, Resource: it.Resource, Params: e.o.Params, Now: e.o.Now()}
}

// byTarget groups items still to act on by target, in a stable order.
func byTarget(items []*Item, keep func(*Item) bool) ([]target.Target, map[target.Target][]*Item) {
	m := map[target.Target][]*Item{}
	var ts []target.Target
	for _, it := range items {
		if !keep(it) {
			continue
		}
		t := target.Target{Partition: target.PartitionOf(it.Region), Account: it.Account, Region: it.Region, Global: it.Global}
		if _, ok := m[t]; !ok {
			ts = append(ts, t)
		}
		m[t] = append(m[t], it)
	}
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Account != ts[j].Account {
			return ts[i].Account < ts[j].Account
		}
		if ts[i].Global != ts[j].Global {
			return ts[i].Global
		}
		return ts[i].Region < ts[j].Region
	})
	return ts, m
}

// each runs do for every target of items kept, targets in parallel and
// each target's items in order.
func (e *engine) each(ctx context.Context, items []*Item, keep func(*Item) bool, do func(ctx context.Context, t target.Target, its []*Item)) error {
	ts, m := byTarget(items, keep)
	q := exec.NewQueue()
	for _, t := range ts {
		q.Push(exec.Task{Target: t, Collector: "remediate"})
	}
	q.Close()
	return exec.Local{Concurrency: e.o.Concurrency}.Run(ctx, q, func(ctx context.Context, t exec.Task) error {
		do(ctx, t.Target, m[t.Target])
		return nil
	}, nil)
}

// read reads the live state of every item to act on and plans it.
func (e *engine) read(ctx context.Context) {
	_ = e.each(ctx, e.items, func(it *Item) bool { return it.Action == "" }, func(ctx context.Context, _ target.Target, its []*Item) {
		for _, it := range its {
			if ctx.Err() != nil {
				return
			}
			e.planItem(ctx, it)
		}
	})
	for _, it := range e.items {
		if it.Action == "" {
			it.Action, it.Reason = Failed, "interrupted before it was read"
		}
	}
}

// planItem reads one item's live state and says what would change.
func (e *engine) planItem(ctx context.Context, it *Item) {
	p := e.o.playbookOf(it.Control)
	env := e.env(it)
	cur, err := p.Read(ctx, env)
	if err != nil {
		it.Action, it.Reason = failure(err)
		return
	}
	want, err := p.Fix(env, cur)
	if err != nil {
		it.Action, it.Reason = failure(err)
		return
	}
	it.Prior, it.Want = cur, want
	if it.Changes = jsondiff.Diff(cur, want); len(it.Changes) == 0 {
		it.Action, it.Reason = Passing, "the live state already passes (fixed since the scan)"
		return
	}
	it.Action = Change
}

// failure classifies a playbook error: a skip, or a failure.
func failure(err error) (Action, string) {
	if errors.Is(err, playbook.ErrSkip) {
		return Skipped, strings.TrimPrefix(err.Error(), playbook.ErrSkip.Error()+": ")
	}
	if awsx.IsNotFound(err) {
		return Skipped, "the resource no longer exists: " + awsx.Brief(err)
	}
	return Failed, awsx.Describe(err)
}

// waves assigns the accounts with changes to waves: the canary first,
// then waves growing by Growth.
func (e *engine) waves(rep *Report) error {
	changes := map[string]int{}
	for _, it := range e.items {
		if it.Action == Change {
			changes[it.Account]++
		}
	}
	accounts := sortedKeys(changes)
	if len(accounts) == 0 {
		return nil
	}
	var canary []string
	c := e.o.Canary
	if n, ok := strings.CutSuffix(c, "%"); ok {
		p, _ := strconv.ParseFloat(n, 64)
		canary = accounts[:max(1, int(math.Ceil(float64(len(accounts))*p/100)))]
	} else if n, err := strconv.Atoi(c); err == nil && len(c) < 12 {
		canary = accounts[:min(n, len(accounts))]
	} else {
		for _, id := range accounts {
			if a := e.accounts[id]; a != nil && org.Matches(*a, c) {
				canary = append(canary, id)
			}
		}
		if len(canary) == 0 {
			return inputErr("--canary %q: selects none of the %d accounts with changes (%s)", c, len(accounts), strings.Join(accounts[:min(5, len(accounts))], ", "))
		}
	}
	rest := slices.DeleteFunc(slices.Clone(accounts), func(id string) bool { return slices.Contains(canary, id) })
	waves := [][]string{canary}
	size := float64(len(canary))
	for len(rest) > 0 {
		size = math.Max(size+1, size*e.o.Growth)
		n := min(int(size), len(rest))
		waves = append(waves, rest[:n])
		rest = rest[n:]
	}
	wave := map[string]int{}
	for i, ids := range waves {
		w := Wave{N: i + 1, Accounts: ids, Status: WavePlanned}
		for _, id := range ids {
			wave[id] = i + 1
			w.Changes += changes[id]
		}
		rep.Waves = append(rep.Waves, w)
	}
	for _, it := range e.items {
		if it.Action == Change {
			it.Wave = wave[it.Account]
		}
	}
	return nil
}

// finish fills the report from the items.
func (e *engine) finish(rep *Report) {
	rep.Items = rep.Items[:0]
	accts := map[string]bool{}
	for _, it := range e.items {
		rep.Items = append(rep.Items, *it)
		accts[it.Account] = true
	}
	ts, _ := byTarget(e.items, func(*Item) bool { return true })
	if len(e.notAss) > 0 {
		rep.NotAssessed = e.notAss
	}
	rep.count()
	rep.Stats = Stats{Accounts: len(accts), Targets: len(ts), APICalls: e.o.Limiter.Counts().Attempts, WallSecs: time.Since(e.started).Seconds()}
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(a, b json.RawMessage) bool {
	return len(jsondiff.Diff(a, b)) == 0
}
