package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/shard"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// remediateFlags are the flags of the remediate commands.
type remediateFlags struct {
	discover    discoverFlags
	controls    []string
	findings    []string
	severities  []string
	scan        string
	scanFirst   bool
	params      []string
	db          dbFlag
	format      string
	verbose     bool
	quiet       bool
	concurrency int
	yes         bool

	maxChanges   int
	canary       string
	growth       float64
	soak         time.Duration
	alarmPrefix  []string
	alarmTag     []string
	poll         time.Duration
	maxErrorRate float64
	rollbackAll  bool

	run      string
	accounts []string
	force    bool
	out      string
	plan     string
	shard    string
}

func (r *remediateFlags) register(c *cobra.Command, kind string) {
	f := c.Flags()
	r.db.register(c)
	f.StringVar(&r.format, "format", "text", "output format: text or json")
	if kind == "status" {
		return
	}
	f.BoolVarP(&r.quiet, "quiet", "q", false, "no progress display")
	f.IntVar(&r.concurrency, "concurrency", 64, "targets (account and region) worked on at once; the per-service rate limits still apply")
	f.BoolVarP(&r.verbose, "verbose", "v", false, "list every item, with each change's fields")
	if kind == "rollback" {
		f.StringVar(&r.run, "run", "", "the apply run to roll back (default: the latest one with changes not rolled back; see 'guardrail remediate status')")
		f.StringVar(&r.discover.role, "role", org.DefaultRole, "role to assume in each member account")
		f.StringSliceVar(&r.accounts, "accounts", nil, "only these accounts")
		f.StringSliceVar(&r.discover.regions, "regions", nil, "only these regions")
		f.StringSliceVar(&r.controls, "controls", nil, "only these controls")
		f.BoolVar(&r.force, "force", false, "also restore resources changed since the run by someone else (their change is undone too)")
		f.BoolVar(&r.yes, "yes", false, "do not ask for confirmation (required when not on a terminal)")
		return
	}
	r.discover.registerSelection(c)
	r.discover.concurrency = 16
	f.StringSliceVar(&r.controls, "controls", nil, "fix the failing findings of these controls (see 'guardrail remediate playbooks')")
	f.StringSliceVar(&r.findings, "finding", nil, "fix these findings (IDs or unique ID prefixes, as 'guardrail findings list' shows)")
	f.StringSliceVar(&r.severities, "severity", nil, "only findings of these severities (critical, high, medium, low, informational)")
	f.StringVar(&r.scan, "scan", "", "work from this scan's findings (default: the latest complete scan in the store)")
	f.BoolVar(&r.scanFirst, "scan-first", false, "scan the selected controls, accounts and regions first, store it, and work from it")
	f.StringArrayVar(&r.params, "param", nil, "a value a playbook needs, name=value (repeat; see 'guardrail remediate playbooks')")
	f.StringVar(&r.shard, "shard", "", "only the findings of this share of the selected accounts, I/N (2/4: the second of four); N processes given 1/N to N/N cover every account once, each apply a run of its own")
	f.IntVar(&r.maxChanges, "max-changes", remediate.DefaultMaxChanges, "refuse a run that would change more resources than this (-1: no limit)")
	f.StringVar(&r.canary, "canary", remediate.DefaultCanary, "first wave: a number of accounts, a percentage (10%), or a selector as --include takes (OU path, OU ID, account ID, tag key=value)")
	f.Float64Var(&r.growth, "growth", remediate.DefaultGrowth, "each wave after the canary has this many times the accounts of the one before")
	if kind == "plan" {
		f.StringVar(&r.out, "out", "", "also write the plan (JSON) to this file, for 'remediate apply --plan'")
	}
	if kind == "apply" {
		f.StringVar(&r.plan, "plan", "", "apply this saved plan ('remediate plan --out'): exactly its changes, in its waves; a resource whose live state changed since is left alone")
		f.DurationVar(&r.soak, "soak", 0, "watch the health gate this long after each wave before the next (and after the last)")
		f.StringSliceVar(&r.alarmPrefix, "health-alarm-prefix", nil, "health gate: CloudWatch alarms whose name starts with this, in the accounts and regions changed")
		f.StringSliceVar(&r.alarmTag, "health-alarm-tag", nil, "health gate: CloudWatch alarms carrying this tag, key=value")
		f.DurationVar(&r.poll, "health-poll", remediate.DefaultPoll, "how often the gate reads the alarms while soaking")
		f.Float64Var(&r.maxErrorRate, "max-error-rate", remediate.DefaultMaxErrorRate, "halt when more than this share of a wave's changes fail (1: never)")
		f.BoolVar(&r.rollbackAll, "rollback-all", false, "when the health gate halts the run, roll back every wave, not only the current one")
		f.BoolVar(&r.yes, "yes", false, "do not ask for confirmation (required when not on a terminal)")
		f.BoolVar(&r.yes, "auto-approve", false, "same as --yes")
	}
}

// options checks the flags and builds the engine's options.
func (r *remediateFlags) options(kind string) (remediate.Options, error) {
	var o remediate.Options
	if r.format != "text" && r.format != "json" {
		return o, usageErr("--format %q: want text or json", r.format)
	}
	if kind == "status" {
		return o, nil
	}
	if r.concurrency < 1 {
		return o, usageErr("--concurrency must be at least 1, got %d", r.concurrency)
	}
	cat, err := catalog.Default()
	if err != nil {
		return o, err
	}
	o = remediate.Options{Controls: r.controls, Findings: r.findings, Scan: r.scan, Concurrency: r.concurrency,
		Catalog: cat, Collectors: registry.All(), Run: r.run, Accounts: r.accounts, Regions: r.discover.regions, Force: r.force}
	if kind == "rollback" {
		o.Discover = org.Options{Role: r.discover.role}
		return o, nil
	}
	if o.Discover, err = r.discover.options(); err != nil {
		return o, err
	}
	if o.Discover.Shard, err = shard.Parse(r.shard); err != nil {
		return o, usageErr("--shard: %v", err)
	}
	if r.plan != "" && r.shard != "" {
		return o, usageErr("--plan and --shard: a saved plan says what to change (make it with 'remediate plan --shard')")
	}
	for _, s := range r.severities {
		sev, err := control.ParseSeverity(s)
		if err != nil {
			return o, usageErr("--severity: %v", err)
		}
		o.Severities = append(o.Severities, sev)
	}
	if r.scan != "" && r.scanFirst {
		return o, usageErr("--scan and --scan-first: give one")
	}
	if r.plan != "" {
		if r.scanFirst {
			return o, usageErr("--plan and --scan-first: a saved plan says what to change")
		}
		b, err := os.ReadFile(r.plan)
		if err != nil {
			return o, usageErr("--plan: %v", err)
		}
		var saved remediate.Report
		if err := json.Unmarshal(b, &saved); err != nil {
			return o, usageErr("--plan %s: not a plan written by 'guardrail remediate plan --out': %v", r.plan, err)
		}
		o.Saved = &saved
	}
	for _, p := range r.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" || v == "" {
			return o, usageErr("--param %q: want name=value", p)
		}
		if o.Params == nil {
			o.Params = map[string]string{}
		}
		o.Params[k] = v
	}
	if r.maxChanges == 0 {
		return o, usageErr("--max-changes 0 would change nothing: use 'guardrail remediate plan'")
	}
	o.MaxChanges, o.Canary, o.Growth = r.maxChanges, r.canary, r.growth
	if r.soak < 0 || r.poll <= 0 && kind == "apply" {
		return o, usageErr("--soak must not be negative and --health-poll must be positive")
	}
	o.Soak, o.MaxErrorRate, o.RollbackAll = r.soak, r.maxErrorRate, r.rollbackAll
	o.Gate = remediate.Gate{AlarmPrefixes: r.alarmPrefix, AlarmTags: r.alarmTag, Poll: r.poll}
	if r.maxErrorRate == 0 {
		o.MaxErrorRate = 1e-9 // "no failure tolerated": 0 would mean the default
	}
	return o, nil
}

func newRemediateCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "remediate",
		Short: "Fix failing findings across the organization in waves, behind a health gate, with exact rollback",
		Long: `Fix the failing findings of a scan with playbooks, one per control, safely:

  plan       what each playbook would change, read from the live state (changes nothing)
  apply      change it, wave by wave: canary accounts first, then waves of growing
             size; each change re-reads the resource, journals its exact prior
             state in the store, changes it, and re-assesses the control
  rollback   put back exactly what a run changed
  status     the journaled runs, their waves and changes
  playbooks  the controls that have a playbook, what they change and what can break

Safety by default: a resource that changed since the plan is left alone; at
most --max-changes resources per run; resources tagged guardrail:exempt
("EC2.8 until 2027-03-31: legacy app") and suppressed findings are left alone;
with --health-alarm-prefix or --health-alarm-tag, CloudWatch alarms going to
ALARM in the accounts and regions changed halt the run and roll back the wave.`,
	}
	for _, kind := range []string{"plan", "apply"} {
		var r remediateFlags
		short := map[string]string{
			"plan":  "Show what apply would change, per finding, and the waves (changes nothing)",
			"apply": "Fix the selected findings wave by wave, journaling each prior state first",
		}[kind]
		sc := &cobra.Command{
			Use: kind, Short: short, Args: cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				o, err := r.options(kind)
				if err != nil {
					return err
				}
				cfg, err := awsx.Load(c.Context(), g.awsOptions())
				if err != nil {
					return usageErr("%v", err)
				}
				return runRemediate(c.Context(), cfg, kind, &r, o, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
			},
		}
		r.register(sc, kind)
		c.AddCommand(sc)
	}
	var rb remediateFlags
	rc := &cobra.Command{
		Use:   "rollback",
		Short: "Put back exactly what a remediation run changed",
		Long: `Restore, in parallel, the exact prior state of every resource a remediation
run changed (or of --accounts, --regions and --controls only), last change
first. Each restore is journaled too, as a rollback run; repeating a
rollback after an interruption finishes it.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := rb.options("rollback")
			if err != nil {
				return err
			}
			cfg, err := awsx.Load(c.Context(), g.awsOptions())
			if err != nil {
				return usageErr("%v", err)
			}
			return runRemediate(c.Context(), cfg, "rollback", &rb, o, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	rb.register(rc, "rollback")
	c.AddCommand(rc)
	var st remediateFlags
	sc := &cobra.Command{
		Use:   "status [RUN]",
		Short: "List the remediation runs, or show one run's waves and changes",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if _, err := st.options("status"); err != nil {
				return err
			}
			return runRemediateStatus(c.Context(), &st, args, c.OutOrStdout())
		},
	}
	st.register(sc, "status")
	c.AddCommand(sc, newPlaybooksCmd())
	return c
}

func newPlaybooksCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "playbooks",
		Short: "List the playbooks: the control each fixes, what it changes, what can break, its IAM actions",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var infos []any
			w := c.OutOrStdout()
			for _, p := range (remediate.Options{}).AllPlaybooks() {
				in := p.Info()
				if format == "json" {
					infos = append(infos, in)
					continue
				}
				fmt.Fprintf(w, "%-14s %s\n    %s\n    risk: %s\n", in.Control, in.Name, in.Summary, in.Risk)
				for _, pa := range in.Params {
					fmt.Fprintf(w, "    --param %s=...: %s\n", pa.Name, pa.Description)
				}
			}
			switch format {
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(infos)
			case "text":
				return nil
			}
			return usageErr("--format %q: want text or json", format)
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

// runRemediate runs a plan, an apply or a rollback.
func runRemediate(ctx context.Context, cfg aws.Config, kind string, r *remediateFlags, o remediate.Options, in io.Reader, w, stderr io.Writer) error {
	st, err := r.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	o.Store = st
	o.Now = r.db.clock()
	if kind == "rollback" && o.Run == "" {
		if o.Run, err = latestRemediation(ctx, st, r.db.flag()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "guardrail: rolling back %s\n", o.Run)
	}
	if r.scanFirst {
		id, err := scanFirst(ctx, cfg, st, o, r.quiet, stderr)
		if err != nil {
			return err
		}
		o.Scan = id
	}
	if (kind == "apply" || kind == "rollback") && !r.yes {
		if !isTerminal(in) {
			return usageErr("remediate %s changes AWS: pass --yes when not on a terminal; see 'guardrail remediate plan' first", kind)
		}
		ok, err := confirmRemediate(ctx, cfg, kind, o, in, w, stderr)
		if err != nil || !ok {
			return err
		}
	}
	if !r.quiet {
		var mu sync.Mutex
		o.Progress = func(e remediate.Event) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(stderr, "guardrail: %s\n", e.Message)
		}
	}
	var rep *remediate.Report
	switch kind {
	case "plan":
		rep, err = remediate.Plan(ctx, cfg, o)
		if err == nil && r.out != "" {
			err = writeFile(r.out, func(f io.Writer) error { return writeRemediation(f, rep, "json", false) })
		}
	case "apply":
		rep, err = remediate.Apply(ctx, cfg, o)
	case "rollback":
		rep, err = remediate.Rollback(ctx, cfg, o)
	}
	if rep != nil {
		if werr := writeRemediation(w, rep, r.format, r.verbose); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		if remediate.IsInput(err) {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		if rep != nil && rep.Run != "" && ctx.Err() != nil {
			fmt.Fprintf(stderr, "guardrail: run %s was interrupted; undo it with 'guardrail remediate rollback --run %s%s'\n", rep.Run, rep.Run, r.db.flag())
		}
		return err
	}
	if rep.Halted != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("run %s halted in wave %d: %s", rep.Run, rep.Halted.Wave, rep.Halted.Reason)}
	}
	if n := rep.Counts[remediate.Failed] + rep.Counts[remediate.Unverified]; n > 0 && kind != "plan" {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d items failed or could not be verified (listed above); the rest of the %s completed", n, kind)}
	}
	return nil
}

// scanFirst scans what o selects and stores it, returning its ID.
func scanFirst(ctx context.Context, cfg aws.Config, st store.Store, o remediate.Options, quiet bool, stderr io.Writer) (string, error) {
	var cs []*control.Control
	for _, id := range o.Controls {
		cs = append(cs, o.Catalog.Control(id))
	}
	if len(cs) == 0 {
		return "", usageErr("--scan-first needs --controls: it scans them")
	}
	started := o.Now().UTC()
	so := scan.Options{Discover: o.Discover, Collectors: o.Collectors, Controls: cs, Standards: o.Catalog.Standards(), Now: o.Now,
		Concurrency: o.Concurrency, ID: scan.NewID(started)}
	// On a stopped clock (the demo's --now) scans follow one another at
	// one instant: number them.
	for i := 2; ; i++ {
		if _, err := st.Scan(ctx, so.ID); errors.Is(err, store.ErrNotFound) {
			break
		} else if err != nil {
			return "", err
		}
		so.ID = fmt.Sprintf("%s-%d", scan.NewID(started), i)
	}
	so.Discover.Discovered = func(*org.Organization) error {
		return st.StartScan(ctx, store.Scan{ID: so.ID, Started: started, Status: store.Running, By: localUser()})
	}
	if !quiet {
		fmt.Fprintf(stderr, "guardrail: scanning %s first\n", strings.Join(o.Controls, ", "))
	}
	rep, err := scan.Run(ctx, cfg, so)
	if err != nil {
		return "", err
	}
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		return "", fmt.Errorf("store scan %s: %w", rep.ID, err)
	}
	return rep.ID, nil
}

// latestRemediation returns the latest apply run with changes not yet
// rolled back.
func latestRemediation(ctx context.Context, st store.Store, dbFlag string) (string, error) {
	runs, err := remediate.Runs(ctx, st)
	if err != nil {
		return "", err
	}
	for _, r := range runs {
		if r.Kind != store.RunApply {
			continue
		}
		steps, err := st.BaselineSteps(ctx, r.ID)
		if err != nil {
			return "", err
		}
		for _, s := range steps {
			if s.Status != store.StepRolledBack {
				return r.ID, nil
			}
		}
	}
	return "", usageErr("no remediation run has changes left to roll back%s (see 'guardrail remediate status')", dbFlag)
}

// confirmRemediate shows what will change and asks.
func confirmRemediate(ctx context.Context, cfg aws.Config, kind string, o remediate.Options, in io.Reader, w, stderr io.Writer) (bool, error) {
	question := ""
	if kind == "apply" && o.Saved != nil {
		if err := o.Saved.WriteText(w, false); err != nil {
			return false, err
		}
		question = fmt.Sprintf("Apply the saved plan of %s: %d changes in %d waves (a resource changed since is left alone)?", o.Saved.Planned.Format(time.RFC3339), o.Saved.Changes(), len(o.Saved.Waves))
	} else if kind == "apply" {
		plan, err := remediate.Plan(ctx, cfg, o)
		if err != nil {
			if remediate.IsInput(err) {
				return false, &ExitError{Code: ExitUsage, Err: err}
			}
			return false, err
		}
		if err := plan.WriteText(w, false); err != nil {
			return false, err
		}
		if plan.Changes() == 0 {
			fmt.Fprintln(w, "Nothing to change.")
			return false, nil
		}
		question = fmt.Sprintf("Apply %d changes in %d waves (each prior state is journaled first)?", plan.Changes(), len(plan.Waves))
	} else {
		question = fmt.Sprintf("Roll back run %s?", o.Run)
	}
	return askYes(in, stderr, question), nil
}

func writeRemediation(w io.Writer, rep *remediate.Report, format string, verbose bool) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(w, verbose)
}

// runRemediateStatus lists runs, or shows one.
func runRemediateStatus(ctx context.Context, r *remediateFlags, args []string, w io.Writer) error {
	st, err := r.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(args) == 0 {
		runs, err := remediate.Runs(ctx, st)
		if err != nil {
			return err
		}
		if r.format == "json" {
			return json.NewEncoder(w).Encode(runs)
		}
		return remediate.WriteRuns(w, runs)
	}
	run, err := remediate.RunStatus(ctx, st, args[0])
	if err != nil {
		if remediate.IsInput(err) {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		return err
	}
	if r.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	return remediate.WriteRun(w, run)
}

// autoRemediate runs the remediate action of the scan's automation
// rules: each rule's failing, open findings of scan are fixed by one
// remediation run, under the rule's limits and gate (the defaults of
// 'guardrail remediate apply' for what it leaves out), with the same
// exemptions. It prints what each run did.
func autoRemediate(ctx context.Context, cfg aws.Config, st store.Store, j *scanJob, scanID string, w io.Writer) error {
	rules := j.rules.Remediating()
	if len(rules) == 0 {
		return nil
	}
	fs, _, err := st.Findings(ctx, store.Filter{Scan: scanID, Compliance: []control.Status{control.Failed}})
	if err != nil {
		return err
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	var failed []string
	for _, r := range rules {
		var ids []string
		for _, f := range fs {
			if f.Workflow != finding.Suppressed && r.Matches(f) {
				ids = append(ids, f.ID)
			}
		}
		if len(ids) == 0 {
			fmt.Fprintf(w, "\nAuto-remediation by rule %s: no failing finding matches.\n", r.Name)
			continue
		}
		a := r.Actions.Remediate
		o := remediate.Options{Store: st, Discover: j.opts.Discover, Findings: ids, Scan: scanID, Catalog: cat, Collectors: registry.All(),
			Now: j.opts.Now, MaxChanges: a.MaxChanges, Canary: a.Canary, Soak: a.Soak, Params: a.Params,
			Gate: remediate.Gate{AlarmPrefixes: a.AlarmPrefixes, AlarmTags: a.AlarmTags}}
		o.Discover.Discovered, o.Discover.Ready = nil, nil
		fmt.Fprintf(w, "\nAuto-remediation by rule %s (%d failing findings):\n", r.Name, len(ids))
		rep, err := remediate.Apply(ctx, cfg, o)
		if err != nil {
			failed = append(failed, fmt.Sprintf("rule %s: %v", r.Name, err))
			fmt.Fprintf(w, "  not run: %v\n", err)
			continue
		}
		if err := rep.WriteText(w, false); err != nil {
			return err
		}
		if rep.Halted != nil || rep.Counts[remediate.Failed]+rep.Counts[remediate.Unverified] > 0 {
			failed = append(failed, fmt.Sprintf("rule %s: run %s %s", r.Name, rep.Run, rep.Status))
		}
	}
	if len(failed) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("auto-remediation did not complete: %s", strings.Join(failed, "; "))}
	}
	return nil
}
