package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/shard"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// baselineFlags are the flags of the baseline commands.
type baselineFlags struct {
	discover    discoverFlags
	spec        string
	items       []string
	concurrency int
	format      string
	verbose     bool
	quiet       bool
	db          dbFlag
	yes         bool
	run         string
	resume      bool
	failOnDrift bool
	accounts    []string
	shard       string
}

func (b *baselineFlags) register(c *cobra.Command, kind string) {
	f := c.Flags()
	if kind != "rollback" {
		b.discover.registerSelection(c)
		f.StringVar(&b.spec, "spec", "", "baseline spec (YAML); the embedded default ('guardrail baseline spec') when empty")
		f.StringVar(&b.shard, "shard", "", "only this share of the selected accounts, I/N (2/4: the second of four); N processes given 1/N to N/N cover every account once, each apply a run of its own")
	} else {
		f.StringVar(&b.discover.role, "role", "OrganizationAccountAccessRole", "role to assume in each member account")
		f.StringSliceVar(&b.accounts, "accounts", nil, "only these accounts")
		f.StringSliceVar(&b.discover.regions, "regions", nil, "only these regions (the home region holds the account-wide items)")
	}
	b.discover.concurrency = 16
	f.StringSliceVar(&b.items, "items", nil, "only these items (guardduty.detector) or services (guardduty)")
	f.IntVar(&b.concurrency, "concurrency", 64, "tasks at once (one service in one account and region); the per-service rate limits still apply")
	f.StringVar(&b.format, "format", "text", "output format: text or json")
	f.BoolVarP(&b.verbose, "verbose", "v", false, "list unchanged items too")
	f.BoolVarP(&b.quiet, "quiet", "q", false, "no progress display")
	if kind == "apply" || kind == "rollback" {
		b.db.register(c)
		f.BoolVar(&b.yes, "yes", false, "do not ask for confirmation (required when not on a terminal)")
		f.BoolVar(&b.yes, "auto-approve", false, "same as --yes")
	}
	switch kind {
	case "apply":
		f.StringVar(&b.run, "run", "", "resume this unfinished apply run (its done steps are skipped; see 'guardrail baseline runs'); a new run always gets a generated ID")
		f.BoolVar(&b.resume, "resume", false, "resume the latest apply run if it did not complete")
	case "rollback":
		f.StringVar(&b.run, "run", "", "the apply run to roll back (default: the latest apply run)")
	case "status":
		f.BoolVar(&b.failOnDrift, "fail-on-drift", false, "exit 1 when a target differs from the spec")
	}
}

// options checks the flags and builds the engine's options.
func (b *baselineFlags) options(kind string) (baseline.Options, error) {
	if b.format != "text" && b.format != "json" {
		return baseline.Options{}, usageErr("--format %q: want text or json", b.format)
	}
	if b.concurrency < 1 {
		return baseline.Options{}, usageErr("--concurrency must be at least 1, got %d", b.concurrency)
	}
	dopts, err := b.discover.options()
	if err != nil {
		return baseline.Options{}, err
	}
	if err := baseline.CheckItems(b.items); err != nil {
		return baseline.Options{}, usageErr("--items: %v", err)
	}
	if b.run != "" && b.resume {
		return baseline.Options{}, usageErr("--run and --resume: give one (--resume is the latest unfinished run)")
	}
	if dopts.Shard, err = shard.Parse(b.shard); err != nil {
		return baseline.Options{}, usageErr("--shard: %v", err)
	}
	o := baseline.Options{Discover: dopts, Items: b.items, Concurrency: b.concurrency, Run: b.run, Accounts: b.accounts, Regions: b.discover.regions}
	if kind != "rollback" {
		sp := spec.Default()
		if b.spec != "" {
			if sp, err = spec.Load(b.spec); err != nil {
				return o, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--spec: %w", err)}
			}
		}
		o.Spec = sp
	}
	return o, nil
}

func newBaselineCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "baseline",
		Short: "Enable the detective services everywhere from a spec, with a journal to roll back",
		Long: `Make every account and region match a baseline spec: CloudTrail, AWS Config,
GuardDuty, Security Hub, IAM Access Analyzer, Inspector, Detective, EBS
encryption by default, S3 Block Public Access and the IAM password policy,
with the organization's delegated administrators and aggregators.

  plan      what would change, per account, region and item (changes nothing)
  apply     change it; each item's prior state is journaled in the store first
  rollback  put back the prior state journaled by an apply run
  status    drift of every target from the spec
  runs      the journaled runs, or one run's steps
  spec      print the embedded default spec

A setting the spec leaves out is not managed: the baseline never turns a
service off.`,
	}
	for _, kind := range []string{"plan", "apply", "status"} {
		var b baselineFlags
		short := map[string]string{
			"plan":   "Show what apply would change, per account, region and item",
			"apply":  "Make every target match the spec, journaling each prior state first",
			"status": "Show the drift of every target from the spec",
		}[kind]
		sc := &cobra.Command{
			Use:   kind,
			Short: short,
			Args:  cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				o, err := b.options(kind)
				if err != nil {
					return err
				}
				cfg, err := awsx.Load(c.Context(), g.awsOptions())
				if err != nil {
					return usageErr("%v", err)
				}
				return runBaseline(c.Context(), cfg, kind, &b, o, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
			},
		}
		b.register(sc, kind)
		c.AddCommand(sc)
	}
	var rb baselineFlags
	rc := &cobra.Command{
		Use:   "rollback",
		Short: "Restore the prior state journaled by an apply run",
		Long: `Restore, in parallel, the exact prior state of every item an apply run
changed (or of --accounts, --regions and --items only). Each restore is
journaled too, as a rollback run. Without --run, the latest apply run.`,
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
			return runBaseline(c.Context(), cfg, "rollback", &rb, o, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	rb.register(rc, "rollback")
	c.AddCommand(rc)

	var db dbFlag
	var format string
	runs := &cobra.Command{
		Use:   "runs [RUN]",
		Short: "List the journaled baseline runs, or one run's steps with their prior states",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runBaselineRuns(c.Context(), &db, args, format, c.OutOrStdout())
		},
	}
	db.register(runs)
	runs.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.AddCommand(runs, &cobra.Command{
		Use:   "spec",
		Short: "Print the embedded default baseline spec",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := c.OutOrStdout().Write(spec.DefaultYAML())
			return err
		},
	})
	return c
}

// runBaseline runs plan, apply, status or rollback and writes the report.
func runBaseline(ctx context.Context, cfg aws.Config, kind string, b *baselineFlags, o baseline.Options, in io.Reader, w, stderr io.Writer) error {
	var st store.Store
	if kind == "apply" || kind == "rollback" {
		var err error
		if st, err = b.db.open(ctx); err != nil {
			return err
		}
		defer st.Close()
		o.Journal = st
		if err := pickRun(ctx, st, kind, b, &o, stderr); err != nil {
			return err
		}
		if !b.yes {
			if !isTerminal(in) {
				return usageErr("baseline %s changes AWS: pass --yes (or --auto-approve) when not on a terminal; see 'guardrail baseline plan' first", kind)
			}
			ok, err := confirm(ctx, cfg, kind, o, in, w, stderr)
			if err != nil || !ok {
				return err
			}
		}
	}
	var prog *baselineProgress
	if !b.quiet {
		prog = newBaselineProgress(stderr)
		o.Progress = prog.update
	}
	var rep *baseline.Report
	var err error
	switch kind {
	case "plan":
		rep, err = baseline.Plan(ctx, cfg, o)
	case "status":
		rep, err = baseline.Status(ctx, cfg, o)
	case "apply":
		rep, err = baseline.Apply(ctx, cfg, o)
	case "rollback":
		rep, err = baseline.Rollback(ctx, cfg, o)
	}
	if prog != nil {
		prog.finish()
	}
	if rep != nil {
		if werr := writeBaseline(w, rep, b.format, b.verbose); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		if rep != nil && rep.Run != "" && errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "guardrail: run %s was interrupted; resume it with 'guardrail baseline apply --run %s' or undo it with 'guardrail baseline rollback --run %s'\n", rep.Run, rep.Run, rep.Run)
		}
		return err
	}
	if n := rep.Counts.Failed; n > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d items failed (listed above); the rest of the %s completed", n, kind)}
	}
	if kind == "status" && b.failOnDrift && rep.Counts.Change > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d items differ from the spec (--fail-on-drift)", rep.Counts.Change)}
	}
	return nil
}

// pickRun chooses the run an apply resumes or a rollback undoes.
func pickRun(ctx context.Context, st store.Store, kind string, b *baselineFlags, o *baseline.Options, stderr io.Writer) error {
	if o.Run != "" && kind == "apply" {
		if _, err := baseline.Resumable(ctx, st, o.Run); errors.Is(err, baseline.ErrNoRun) {
			return usageErr("--run %q: %v (see 'guardrail baseline runs%s')", o.Run, err, b.db.flag())
		} else if err != nil {
			return err
		}
		return nil
	}
	if o.Run != "" {
		r, err := st.BaselineRun(ctx, o.Run)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return usageErr("--run %q: no apply run of that name (see 'guardrail baseline runs%s')", o.Run, b.db.flag())
		case err != nil:
			return err
		case r.Engine != store.EngineBaseline:
			return usageErr("--run %q: %s is a %s run; roll it back with 'guardrail %s rollback'", o.Run, r.ID, r.Engine, r.Engine)
		case r.Kind != store.RunApply:
			return usageErr("--run %q: %s is a %s run; give the apply run to roll back", o.Run, r.ID, r.Kind)
		}
		return nil
	}
	if kind == "apply" && !b.resume {
		return nil
	}
	runs, err := journaledRuns(ctx, st, store.EngineBaseline)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Kind != store.RunApply {
			continue
		}
		if kind == "apply" && (r.Status == store.Complete || r.Status == store.Running) {
			return usageErr("--resume: the latest apply run %s is %s; nothing to resume", r.ID, r.Status)
		}
		if kind == "rollback" {
			// The latest apply run with a change not yet rolled back.
			steps, err := st.BaselineSteps(ctx, r.ID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(steps, func(s store.BaselineStep) bool { return s.Status != store.StepRolledBack }) {
				continue
			}
		}
		o.Run = r.ID
		fmt.Fprintf(stderr, "guardrail: %s run %s (%s, started %s)\n", map[string]string{"apply": "resuming", "rollback": "rolling back"}[kind],
			r.ID, r.Status, r.Started.Format(time.RFC3339))
		return nil
	}
	if kind == "rollback" {
		return usageErr("no apply run has changes left to roll back%s (see 'guardrail baseline runs')", b.db.flag())
	}
	return usageErr("no apply run to resume%s", b.db.flag())
}

// confirm shows what will change and asks.
func confirm(ctx context.Context, cfg aws.Config, kind string, o baseline.Options, in io.Reader, w, stderr io.Writer) (bool, error) {
	question := ""
	if kind == "apply" {
		po := o
		po.Journal, po.Run = nil, ""
		plan, err := baseline.Plan(ctx, cfg, po)
		if err != nil {
			return false, err
		}
		if err := plan.WriteText(w, false); err != nil {
			return false, err
		}
		if plan.Counts.Change == 0 {
			fmt.Fprintln(w, "Nothing to change.")
			return false, nil
		}
		question = fmt.Sprintf("Apply %d changes (each prior state is journaled first)?", plan.Counts.Change)
	} else {
		steps, err := o.Journal.BaselineSteps(ctx, o.Run)
		if err != nil {
			return false, err
		}
		question = fmt.Sprintf("Roll back run %s (%d journaled steps)?", o.Run, len(steps))
	}
	return askYes(in, stderr, question), nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull) // a character device, but nobody to ask
	return err != nil || !os.SameFile(st, null)
}

func writeBaseline(w io.Writer, rep *baseline.Report, format string, verbose bool) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(w, verbose)
}

// runBaselineRuns lists runs, or shows one run's steps.
func runBaselineRuns(ctx context.Context, db *dbFlag, args []string, format string, w io.Writer) error {
	if format != "text" && format != "json" {
		return usageErr("--format %q: want text or json", format)
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(args) == 0 {
		runs, err := journaledRuns(ctx, st, store.EngineBaseline)
		if err != nil {
			return err
		}
		return writeRuns(w, runs, format, "No baseline runs journaled.")
	}
	r, err := st.BaselineRun(ctx, args[0])
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Engine != store.EngineBaseline) {
		return usageErr("no baseline run %q (see 'guardrail baseline runs%s')", args[0], db.flag())
	}
	if err != nil {
		return err
	}
	steps, err := st.BaselineSteps(ctx, r.ID)
	if err != nil {
		return err
	}
	if format == "json" {
		return json.NewEncoder(w).Encode(map[string]any{"run": r, "steps": steps})
	}
	fmt.Fprintf(w, "%s %s %s, started %s by %s, spec %s\n", r.ID, r.Kind, r.Status, r.Started.Format(time.RFC3339), r.By, r.SpecName)
	for _, s := range steps {
		fmt.Fprintf(w, "  %s/%s %-34s %-11s prior %s", s.Account, s.Region, s.Item, s.Status, s.Prior)
		if s.Detail != "" {
			fmt.Fprintf(w, "  (%s)", s.Detail)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// baselineProgress shows how a run is going, as scan's progress does.
type baselineProgress struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu   sync.Mutex
	last time.Time
	cur  baseline.Progress
	seen bool
}

func newBaselineProgress(w io.Writer) *baselineProgress {
	p := &baselineProgress{w: w, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 200*time.Millisecond
		}
	}
	return p
}

func (p *baselineProgress) update(s baseline.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur, p.seen = s, true
	if time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	p.print(false)
}

func (p *baselineProgress) print(final bool) {
	s := p.cur
	line := fmt.Sprintf("phase %d: %d accounts, %d targets, tasks %d/%d, %d changed, %d failed, %d API calls, %.1fs",
		s.Phase, s.Accounts, s.Targets, s.TasksDone, s.TasksQueued, s.Changed, s.Failed, s.APICalls, float64(s.ElapsedMillis)/1000)
	if p.terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r\033[K%s%s", line, end)
		return
	}
	fmt.Fprintf(p.w, "guardrail: %s\n", line)
}

func (p *baselineProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen {
		p.print(true)
	}
}

// writeRuns lists journaled runs, newest first: JSON (a list, never
// null), or one line each; none is said when there are none.
func writeRuns(w io.Writer, runs []store.BaselineRun, format, none string) error {
	if format == "json" {
		if runs == nil {
			runs = []store.BaselineRun{}
		}
		return json.NewEncoder(w).Encode(runs)
	}
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, none)
		return err
	}
	for _, r := range runs {
		of := ""
		if r.Of != "" {
			of = " of " + r.Of
		}
		fmt.Fprintf(w, "%s  %-8s %-11s %s  %s%s\n", r.ID, r.Kind, r.Status, r.Started.Format(time.RFC3339), r.SpecName, of)
	}
	return nil
}

// journaledRuns lists the journal's runs of one engine, newest first.
func journaledRuns(ctx context.Context, j store.Journal, engine string) ([]store.BaselineRun, error) {
	runs, err := j.BaselineRuns(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := runs[:0]
	for _, r := range runs {
		if r.Engine == engine {
			out = append(out, r)
		}
	}
	return out, nil
}

// askYes asks question on stderr and reads the answer from in: yes only
// for "y" or "yes"; anything else cancels, saying nothing was changed.
func askYes(in io.Reader, stderr io.Writer, question string) bool {
	fmt.Fprintf(stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a == "y" || a == "yes" {
		return true
	}
	fmt.Fprintln(stderr, "Cancelled: nothing was changed.")
	return false
}
