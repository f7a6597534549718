package remediate

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Defaults of the safety limits.
const (
	// DefaultMaxChanges bounds the changes of one run: enough for a
	// control across a small organization, few enough that a mistake is
	// contained. Raising it is explicit (--max-changes).
	DefaultMaxChanges = 50
	// DefaultCanary is one account.
	DefaultCanary = "1"
	// DefaultGrowth doubles each wave.
	DefaultGrowth = 2.0
	// DefaultMaxErrorRate halts a run when more than a tenth of a wave's
	// changes fail.
	DefaultMaxErrorRate = 0.1
	// DefaultPoll is how often the gate reads the alarms while soaking.
	DefaultPoll = 10 * time.Second
)

// Options configure a plan, apply, rollback or status.
type Options struct {
	// Store holds the findings and the journal.
	Store store.Store
	// Discover selects accounts (Include, Exclude, Shard) and regions,
	// and says which role to assume in member accounts. With
	// Discover.Shard a plan or apply fixes only the findings of that
	// share of the accounts, and an apply is a run of its own (its ID
	// ends in shard.Spec.Suffix), rolled back on its own.
	Discover org.Options
	// Controls, Findings (IDs or unique prefixes) and Severities select
	// the failing findings to fix; Controls or Findings is required for
	// a plan or an apply. For a rollback, Controls keeps only those.
	Controls   []string
	Findings   []string
	Severities []control.Severity
	// Scan is the scan whose findings are fixed (the latest complete one
	// when empty).
	Scan string
	// Params are values playbooks need, by name.
	Params map[string]string
	// MaxChanges bounds the changes of a run (DefaultMaxChanges when 0;
	// negative: no limit).
	MaxChanges int
	// Canary is the first wave: a selector as --include takes (account
	// ID, OU ID, name or path, tag key=value), a count of accounts ("1")
	// or a percentage ("10%"). DefaultCanary when empty.
	Canary string
	// Growth multiplies each wave's size (DefaultGrowth when 0).
	Growth float64
	// Soak is how long the gate watches after each wave.
	Soak time.Duration
	// Gate names the health signals.
	Gate Gate
	// MaxErrorRate halts the run when a wave's failed changes exceed
	// this share (DefaultMaxErrorRate when 0; 1 disables).
	MaxErrorRate float64
	// RollbackAll rolls back the whole run, not only the current wave,
	// when the gate halts it.
	RollbackAll bool
	// Saved is a plan made earlier (Plan's report, as written with
	// --format json): Apply applies exactly its changes, in its waves,
	// and leaves alone every resource whose live state is no longer the
	// one the plan read. The selection fields must then be empty.
	Saved *Report
	// Run names the run to roll back or show.
	Run string
	// Accounts, Regions keep only these, for a rollback.
	Accounts, Regions []string
	// Force makes a rollback restore a resource changed since the run
	// (by someone else) too; without it, such a resource is skipped.
	Force bool
	// Concurrency bounds the tasks running at once (default 64).
	Concurrency int
	// Limiter paces calls per (account, region, service).
	Limiter *ratelimit.Limiter
	// Catalog and Collectors verify changes (required for apply).
	Catalog    *control.Catalog
	Collectors []collect.Collector
	// Playbooks are the playbooks (playbook.All when nil).
	Playbooks []playbook.Playbook
	// Now is the clock; Sleep waits (soak), returning early with ctx's
	// error (a timer when nil).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, when set, is told what happens (keep it quick).
	Progress func(Event)
}

// Gate names the health signals watched between waves.
type Gate struct {
	// AlarmPrefixes: alarms whose name starts with one of them.
	AlarmPrefixes []string `json:"alarm_prefixes,omitempty"`
	// AlarmTags: alarms carrying every one of these tags ("key=value").
	AlarmTags []string `json:"alarm_tags,omitempty"`
	// Poll is how often the alarms are read while soaking
	// (DefaultPoll when 0).
	Poll time.Duration `json:"poll,omitempty"`
}

// On reports whether the gate watches anything.
func (g Gate) On() bool { return len(g.AlarmPrefixes) > 0 || len(g.AlarmTags) > 0 }

// Event is something that happened in a run, for progress.
type Event struct {
	Wave    int    `json:"wave"`
	Phase   string `json:"phase"` // plan, apply, soak, halt, rollback
	Message string `json:"message"`
}

// InputError is a selection or setting that cannot be run: an unknown
// control, a control without a playbook, a malformed exemption, a plan
// over the limit. Nothing was changed.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

func (o *Options) defaults() {
	if o.Concurrency < 1 {
		o.Concurrency = 64
	}
	if o.Limiter == nil {
		o.Limiter = ratelimit.New(nil, ratelimit.Limit{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Playbooks == nil {
		o.Playbooks = playbook.All()
	}
	if o.MaxChanges == 0 {
		o.MaxChanges = DefaultMaxChanges
	}
	if o.Canary == "" {
		o.Canary = DefaultCanary
	}
	if o.Growth == 0 {
		o.Growth = DefaultGrowth
	}
	if o.MaxErrorRate == 0 {
		o.MaxErrorRate = DefaultMaxErrorRate
	}
	if o.Gate.Poll <= 0 {
		o.Gate.Poll = DefaultPoll
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// playbookOf returns the playbook of a control.
func (o *Options) playbookOf(control string) playbook.Playbook {
	for _, p := range o.Playbooks {
		if p.Info().Control == control {
			return p
		}
	}
	return nil
}

// WithPlaybook lists the controls that have a playbook.
func (o Options) WithPlaybook() []string { return o.withPlaybook() }

// withPlaybook lists the controls that have a playbook.
func (o *Options) withPlaybook() []string {
	var out []string
	for _, p := range o.AllPlaybooks() {
		out = append(out, p.Info().Control)
	}
	slices.SortFunc(out, func(a, b string) int {
		if control.Less(a, b) {
			return -1
		}
		return 1
	})
	return slices.Compact(out)
}

// check validates the selection before anything is read.
func (o *Options) check(forRollback bool) error {
	if !forRollback && len(o.Controls) == 0 && len(o.Findings) == 0 {
		return inputErr("say what to fix: --controls (one of %s) or --finding ID", strings.Join(o.withPlaybook(), ", "))
	}
	var unknown, without []string
	for _, c := range o.Controls {
		switch {
		case o.Catalog != nil && o.Catalog.Control(c) == nil:
			unknown = append(unknown, c)
		case o.playbookOf(c) == nil:
			without = append(without, c)
		}
	}
	if len(unknown) > 0 {
		return inputErr("--controls: unknown control %s (see 'guardrail controls list')", strings.Join(unknown, ", "))
	}
	if len(without) > 0 {
		return inputErr("--controls: no playbook for %s; the controls with a playbook are %s", strings.Join(without, ", "), strings.Join(o.withPlaybook(), ", "))
	}
	if err := o.checkCanary(); err != nil {
		return err
	}
	if o.Growth < 1 {
		return inputErr("wave growth %g: must be at least 1", o.Growth)
	}
	if o.MaxErrorRate < 0 || o.MaxErrorRate > 1 {
		return inputErr("--max-error-rate %g: want a share between 0 and 1", o.MaxErrorRate)
	}
	for _, t := range o.Gate.AlarmTags {
		if k, _, ok := strings.Cut(t, "="); !ok || k == "" {
			return inputErr("--health-alarm-tag %q: want key=value", t)
		}
	}
	for _, p := range o.Gate.AlarmPrefixes {
		if strings.TrimSpace(p) == "" {
			return inputErr("--health-alarm-prefix: empty prefix")
		}
	}
	known := map[string]bool{}
	for _, p := range o.Playbooks {
		for _, pa := range p.Info().Params {
			known[pa.Name] = true
		}
	}
	for _, k := range sortedKeys(o.Params) {
		if !known[k] {
			var names []string
			for n := range known {
				names = append(names, n)
			}
			slices.Sort(names)
			return inputErr("--param %s: no playbook takes it (they take %s)", k, strings.Join(names, ", "))
		}
	}
	return nil
}

func (o *Options) checkCanary() error {
	c := o.Canary
	if n, ok := strings.CutSuffix(c, "%"); ok {
		p, err := strconv.ParseFloat(n, 64)
		if err != nil || p <= 0 || p > 100 {
			return inputErr("--canary %q: a percentage must be over 0 and at most 100", c)
		}
		return nil
	}
	if n, err := strconv.Atoi(c); err == nil && len(c) < 12 {
		if n < 1 {
			return inputErr("--canary %q: at least one account", c)
		}
		return nil
	}
	return org.CheckSelectors([]string{c}, nil)
}

// AllPlaybooks returns o's playbooks (playbook.All when none are set).
func (o Options) AllPlaybooks() []playbook.Playbook {
	if o.Playbooks == nil {
		return playbook.All()
	}
	return o.Playbooks
}

// Actions are the IAM actions remediation calls besides discovery and
// the collectors (which verification re-runs): every playbook's, and
// the health gate's.
func Actions(playbooks []playbook.Playbook) []string {
	out := slices.Clone(GateActions)
	for _, p := range playbooks {
		out = append(out, p.Info().Actions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
