package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/shard"
	"github.com/guardrail-sec/guardrail/internal/store"
)

func known(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scanFlags are the flags of scan (and demo, which scans).
type scanFlags struct {
	discover    discoverFlags
	format      string
	output      string
	failOn      string
	standards   []string
	controls    []string
	concurrency int
	taskTimeout time.Duration
	quiet       bool
	db          dbFlag
	noStore     bool
	rules       string
	notify      notifyFlag

	// allowPartial: with --fail-on, targets not assessed do not fail the
	// run (exit 4).
	allowPartial bool

	// shard and scanID: scan only (registerShard).
	shard  string
	scanID string
}

// registerShard adds --shard and --scan-id (scan only).
func (s *scanFlags) registerShard(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&s.shard, "shard", "", "assess only shard I of N of the accounts (I/N, as 2/4): N processes, each with its shard and the same --scan-id, --db and selection, write one scan; it completes, and findings change, when all N have reported (see 'Sharded scans' in the README)")
	f.StringVar(&s.scanID, "scan-id", "", "the scan's ID (default scan-<start time>); with --shard, the ID every shard of the scan joins")
}

func (s *scanFlags) register(c *cobra.Command) {
	s.discover.registerSelection(c)
	s.discover.concurrency = 16 // accounts discovered at once; --concurrency is for tasks
	f := c.Flags()
	f.StringVar(&s.format, "format", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&s.output, "output", "o", "", "write the output to this file (the summary still goes to the terminal)")
	f.StringVar(&s.failOn, "fail-on", "", "exit 1 if a control fails at or above this severity (low, medium, high, critical), else 4 if a target in scope could not be assessed")
	f.BoolVar(&s.allowPartial, "allow-partial", false, "with --fail-on, accept a scan that could not assess some targets (exit 0 instead of 4)")
	f.StringSliceVar(&s.standards, "standard", nil, "only controls of these standards ("+standardsHelp+"); the report scores those standards")
	f.StringSliceVar(&s.controls, "controls", nil, "only these control IDs (S3.1,EC2.8)")
	f.IntVar(&s.concurrency, "concurrency", 256, "collection tasks at once (each is one service in one account and region); the per-service rate limits still apply")
	f.DurationVar(&s.taskTimeout, "task-timeout", scan.DefaultTaskTimeout, "give up a collection task (one service in one account and region) after this long; it is reported as not assessed")
	f.BoolVarP(&s.quiet, "quiet", "q", false, "no progress display")
	s.db.register(c)
	f.BoolVar(&s.noStore, "no-store", false, "do not record the scan and its findings")
	f.StringVar(&s.rules, "rules", "", "automation rules (YAML) applied to the findings as they are stored")
	s.notify.register(c)
}

// scanJob is a checked scan request.
type scanJob struct {
	opts         scan.Options
	format       string
	output       string
	failOn       *control.Severity
	quiet        bool
	progress     io.Writer
	db           *dbFlag // nil: do not store
	rules        *rule.Set
	allowPartial bool
	notify       *notifyFlag // nil: no --notify
	// shard is this process's share of a sharded scan (the zero Spec:
	// the whole organization).
	shard shard.Spec
}

func (s *scanFlags) job(stderr io.Writer) (*scanJob, error) {
	dopts, err := s.discover.options()
	if err != nil {
		return nil, err
	}
	if !known(report.Formats(), s.format) {
		return nil, usageErr("--format %q: want one of %s", s.format, strings.Join(report.Formats(), ", "))
	}
	if s.concurrency < 1 {
		return nil, usageErr("--concurrency must be at least 1, got %d", s.concurrency)
	}
	if s.taskTimeout <= 0 {
		return nil, usageErr("--task-timeout must be positive, got %s", s.taskTimeout)
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, fmt.Errorf("control catalog: %w", err)
	}
	j := &scanJob{format: s.format, output: s.output, quiet: s.quiet, progress: stderr}
	j.allowPartial = s.allowPartial
	if j.shard, err = shard.Parse(s.shard); err != nil {
		return nil, usageErr("--shard: %v", err)
	}
	if s.shard != "" {
		switch {
		case s.scanID == "":
			return nil, usageErr("--shard needs --scan-id: every shard of a scan joins it by the same ID")
		case s.noStore:
			return nil, usageErr("--shard writes its share into the store, where the shards meet: it cannot go with --no-store")
		case s.notify.path != "":
			return nil, usageErr("--notify cannot go with --shard: the shard that completes the scan is not known in advance; run the scan whole to notify")
		}
	}
	if s.scanID != "" && s.noStore {
		return nil, usageErr("--scan-id names the stored scan: it cannot go with --no-store")
	}
	if !s.noStore {
		if err := s.db.check(); err != nil {
			return nil, err
		}
		j.db = &s.db
	}
	if s.notify.path != "" {
		if s.noStore {
			return nil, usageErr("--notify sends what changed in the stored findings: it cannot go with --no-store")
		}
		if err := s.notify.load(); err != nil {
			return nil, err
		}
		j.notify = &s.notify
	}
	// Account tags cost one throttled call per account: only for the
	// JSON report, which lists them, and for routes that may match them.
	dopts.Tags = s.format == "json" || j.notify != nil
	if s.rules != "" {
		if s.noStore {
			return nil, usageErr("--rules applies to stored findings: it cannot go with --no-store")
		}
		rs, err := rule.Load(s.rules, cat)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
		}
		withPlaybook := (remediate.Options{}).WithPlaybook()
		if err := rs.CheckRemediable(func(c string) bool { return slices.Contains(withPlaybook, c) }, strings.Join(withPlaybook, ", ")); err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
		}
		j.rules = rs
	}
	if s.failOn != "" {
		sev, err := control.ParseSeverity(s.failOn)
		if err != nil {
			return nil, usageErr("--fail-on: %v", err)
		}
		j.failOn = &sev
	}
	ctls, err := selectControls(cat, s.standards, s.controls)
	if err != nil {
		return nil, err
	}
	j.opts = scan.Options{
		Discover:    dopts,
		Collectors:  registry.All(),
		Controls:    ctls,
		Standards:   scoredStandards(cat, s.standards),
		Concurrency: s.concurrency,
		Now:         clock.Real, // demo --now replaces it
		TaskTimeout: s.taskTimeout,
		ID:          s.scanID,
	}
	if !j.shard.All() {
		j.opts.Share = j.shard.Contains
	}
	return j, nil
}

// selectControls applies --standard and --controls.
func selectControls(cat *control.Catalog, stds, ids []string) ([]*control.Control, error) {
	var stdIDs []string
	for _, s := range stds {
		st, ok := cat.Standard(s)
		if !ok {
			return nil, usageErr("--standard %q: want one of %s", s, standardNames(cat))
		}
		stdIDs = append(stdIDs, st.ID)
	}
	want := map[string]bool{}
	for _, id := range ids {
		if cat.Control(id) == nil {
			return nil, usageErr("--controls: no control %q (see 'guardrail controls list')", id)
		}
		want[id] = true
	}
	var out []*control.Control
	for _, c := range cat.Controls() {
		if len(want) > 0 && !want[c.ID] {
			continue
		}
		if len(stdIDs) > 0 {
			in := false
			for _, s := range stdIDs {
				in = in || cat.In(c.ID, s)
			}
			if !in {
				continue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// scoredStandards are the standards a scan scores and its report shows:
// those --standard names (the scan evaluates only their controls, so a
// score of another standard would be over a part of it), else all.
func scoredStandards(cat *control.Catalog, names []string) []control.Standard {
	if len(names) == 0 {
		return cat.Standards()
	}
	var out []control.Standard
	for _, s := range cat.Standards() {
		if slices.Contains(names, s.Short) || slices.Contains(names, s.ID) {
			out = append(out, s)
		}
	}
	return out
}

// standardsHelp names the standards in flag help: the embedded standards'
// short names (TestStandardsHelp checks it against the catalog).
const standardsHelp = "cis-1.2, cis-1.4, cis-3.0, cis-4.0, cis-5.0, fsbp, wa-sec"

func standardNames(cat *control.Catalog) string {
	var names []string
	for _, s := range cat.Standards() {
		names = append(names, s.Short)
	}
	return strings.Join(names, ", ")
}

func newScanCmd(g *globals) *cobra.Command {
	var s scanFlags
	var d dispatchFlags
	c := &cobra.Command{
		Use:   "scan",
		Short: "Assess every account and region of the organization against CIS, AWS FSBP and Well-Architected",
		Long: `Discover the organization, collect the state of every account and enabled
region through the AWS APIs (read-only; see 'guardrail iam-policy'), and
evaluate every control of the catalog ('guardrail controls list').

Prints a summary: scores per standard and account, the worst failures first,
and what could not be assessed and why. --format and --output write the full
results as JSON, CSV, ASFF (Security Hub), OCSF or a self-contained HTML
report. --fail-on makes the exit code 1 when a control fails at or above a
severity, for pipelines, and 4 when none does but some target in scope
(an account, or an account in one region) could not be assessed: a scan
that saw nothing never passes; --allow-partial accepts that.

--dispatch QUEUE_URL scans on workers instead ('guardrail worker'): the
scan is recorded, one message per account goes to the SQS queue, and the
workers store the accounts' results into the scan, which completes when
the last one is stored.

--shard I/N --scan-id ID assesses a stable share of the accounts: N
processes, each with its shard and the same --scan-id, --db, selection and
controls, write one scan into one store. The scan is incomplete, and no
finding changes, until all N have reported; the last applies the
lifecycle once over the union. A shard that dies leaves the scan
incomplete: run it again with the same --scan-id to complete it. Use
PostgreSQL across machines; a SQLite file works for shards on one machine.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			j, err := s.job(c.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := d.check(&s); err != nil {
				return err
			}
			cfg, err := awsx.Load(c.Context(), g.awsOptions())
			if err != nil {
				return usageErr("%v", err)
			}
			if d.queue != "" {
				return runDispatch(c.Context(), cfg, j, &d, c.OutOrStdout(), c.ErrOrStderr())
			}
			return runScan(c.Context(), cfg, j, c.OutOrStdout())
		},
	}
	s.register(c)
	s.registerShard(c)
	d.register(c)
	return c
}

// runScan scans, writes the outputs and applies --fail-on.
func runScan(ctx context.Context, cfg aws.Config, j *scanJob, w io.Writer) error {
	var prog *progress
	if !j.quiet {
		prog = newProgress(j.progress)
		j.opts.Progress = prog.update
	}
	var st store.Store
	// A shard whose report goes nowhere but the store stages each
	// account as soon as it is evaluated: its memory stays flat however
	// large its share. An output file, another format or --fail-on need
	// the whole report, which is then kept until the scan ends.
	var sg *stager
	var header *report.Report
	if j.db != nil {
		var err error
		if st, err = j.db.open(ctx); err != nil {
			return err
		}
		defer st.Close()
		started := j.opts.Now().UTC()
		if j.opts.ID == "" {
			j.opts.ID = scan.NewID(started)
		}
		// The scan is recorded once discovery has found its selection
		// sound: a selector, a region or a rule that names nothing of the
		// organization is a usage error, not a scan. Who ran it: the local
		// user here; the AWS principal the scan ran as is the report's
		// Scope.Caller, stored when it finishes.
		j.opts.Discover.Discovered = func(o *org.Organization) error {
			if err := j.rules.CheckOUs(o.HasOU); err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
			}
			if j.shard.Count > 0 && sg != nil {
				// The shard joins the scan now that its scope is known,
				// and stages its accounts from here on.
				header = &report.Report{ID: j.opts.ID, Started: started, Scope: scan.ScopeOf(o, j.opts.Discover), Controls: j.opts.Controls, Standards: j.opts.Standards}
				for _, c := range j.opts.Collectors {
					header.Collectors = append(header.Collectors, report.Collector{Name: c.Name, Global: c.Global})
				}
				if err := beginShard(ctx, st, j, header); err != nil {
					return err
				}
				sg.begin()
				return nil
			}
			if j.shard.Count > 0 {
				return nil // the shard joins the scan once it has its results
			}
			if err := st.StartScan(ctx, store.Scan{ID: j.opts.ID, Started: started, Status: store.Running, By: localUser()}); err != nil {
				return fmt.Errorf("record scan: %w", err)
			}
			return nil
		}
	}
	if st != nil && j.shard.Count > 0 && j.output == "" && j.format == "text" && j.failOn == nil {
		sg = newStager(ctx, st, j.opts.ID, j.shard.String())
		j.opts.Account = sg.put
	}
	rep, err := scan.Run(ctx, cfg, j.opts)
	if prog != nil {
		prog.finish()
	}
	if sg != nil {
		if serr := sg.close(); err == nil {
			err = serr
		}
	}
	if err != nil {
		return err
	}
	var stored string
	complete := true
	if sg != nil {
		c, err := st.ReportPart(ctx, header, j.shard.String(), rep.Stats, j.rules)
		if err != nil {
			return fmt.Errorf("shard %s of scan %s: %w", j.shard, rep.ID, err)
		}
		fmt.Fprintf(w, "Shard %s of scan %s: %d accounts, %d targets, %d results staged as each account was evaluated.\n", j.shard, rep.ID, len(rep.Accounts), rep.Stats.Targets, sg.results)
		fmt.Fprint(w, "\n"+shardStored(j, rep.ID, c))
		complete = c.Complete
		if st != nil && complete {
			if err := autoRemediate(ctx, cfg, st, j, rep.ID, w); err != nil {
				return err
			}
		}
		return nil
	}
	if st != nil && j.shard.Count > 0 {
		if stored, complete, err = reportShard(ctx, st, j, rep); err != nil {
			return err
		}
	} else if st != nil {
		if j.notify != nil {
			st.SetRouter(j.notify.router(rep))
		}
		ch, err := st.FinishScan(ctx, rep, j.rules)
		if err != nil {
			return fmt.Errorf("store scan %s: %w", rep.ID, err)
		}
		stored = fmt.Sprintf("Scan %s stored: %d new, %d reopened, %d resolved, %d unchanged findings, %d changes by rules.\nSee 'guardrail findings list%s' and 'guardrail scans list%s'.\n",
			rep.ID, ch.New, ch.Reopened, ch.Resolved, ch.Unchanged, ch.RuleEvents, j.db.flag(), j.db.flag())

	}
	if j.output != "" || j.format == "text" {
		defer func() {
			if stored != "" {
				fmt.Fprint(w, "\n"+stored)
			}
		}()
	}
	if j.output != "" {
		if err := writeFile(j.output, func(f io.Writer) error { return report.Write(f, rep, j.format) }); err != nil {
			return err
		}
		if err := report.Write(w, rep, "text"); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%s report written to %s\n", j.format, j.output)
	} else if err := report.Write(w, rep, j.format); err != nil {
		return err
	}
	if st != nil && complete {
		if err := autoRemediate(ctx, cfg, st, j, rep.ID, w); err != nil {
			return err
		}
		if j.notify != nil {
			if err := j.notify.deliver(ctx, st, cfg, j.db.clock(), j.db.flag(), w, j.progress); err != nil {
				return err
			}
		}
	}
	return failOn(rep, j.failOn, j.allowPartial)
}

// stageBatch is how many accounts a shard stages per transaction.
const stageBatch = 32

// reportShard stores rep, one shard's share of a scan, into the scan the
// shards write together: it starts or joins the scan, stages its
// accounts, and reports the shard; the last shard to report completes
// the scan. It returns what to print and whether the scan is complete.
func reportShard(ctx context.Context, st store.Store, j *scanJob, rep *report.Report) (string, bool, error) {
	header := &report.Report{ID: rep.ID, Started: rep.Started, Scope: rep.Scope, Controls: rep.Controls, Standards: rep.Standards, Collectors: rep.Collectors}
	part := j.shard.String()
	if err := beginShard(ctx, st, j, header); err != nil {
		return "", false, err
	}
	split := rep.Split()
	for len(split) > 0 {
		n := min(len(split), stageBatch)
		if err := st.StageAccounts(ctx, rep.ID, part, split[:n]); err != nil {
			return "", false, fmt.Errorf("shard %s of scan %s: %w", part, rep.ID, err)
		}
		split = split[n:]
	}
	c, err := st.ReportPart(ctx, header, part, rep.Stats, j.rules)
	if err != nil {
		return "", false, fmt.Errorf("shard %s of scan %s: %w", part, rep.ID, err)
	}
	return shardStored(j, rep.ID, c), c.Complete, nil
}

// beginShard starts or joins the scan as j's shard.
func beginShard(ctx context.Context, st store.Store, j *scanJob, header *report.Report) error {
	parts := make([]string, j.shard.Count)
	for i := range parts {
		parts[i] = shard.Spec{Index: i + 1, Count: j.shard.Count}.String()
	}
	part := j.shard.String()
	if _, err := st.BeginPart(ctx, store.StagedScan{Header: header, By: localUser(), Parts: parts}, part); err != nil {
		if errors.Is(err, store.ErrScanMismatch) {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--scan-id %s: %w", header.ID, err)}
		}
		return fmt.Errorf("shard %s of scan %s: %w", part, header.ID, err)
	}
	return nil
}

// shardStored says what a shard's report did.
func shardStored(j *scanJob, id string, c store.Completion) string {
	part := j.shard.String()
	if !c.Complete {
		return fmt.Sprintf("Shard %s of scan %s stored: %d of %d shards reported; no finding changes until all have.\nSee 'guardrail scans show %s%s'.\n",
			part, id, c.Reported, c.Parts, id, j.db.flag())
	}
	ch := c.Changes
	return fmt.Sprintf("Shard %s of scan %s stored, the last of %d: the scan is complete: %d new, %d reopened, %d resolved, %d unchanged findings, %d changes by rules.\nSee 'guardrail findings list%s' and 'guardrail scans show %s%s'.\n",
		part, id, c.Parts, ch.New, ch.Reopened, ch.Resolved, ch.Unchanged, ch.RuleEvents, j.db.flag(), id, j.db.flag())
}

// failOn returns, when sev is set, exit code 1 when a result at or over
// sev failed, else 4 when a target in scope was not assessed (nothing
// assessed at all included) unless allowPartial: what was not seen must
// not read as a pass in a pipeline.
func failOn(rep *report.Report, sev *control.Severity, allowPartial bool) error {
	if sev == nil {
		return nil
	}
	bySev := map[string]control.Severity{}
	for _, c := range rep.Controls {
		bySev[c.ID] = c.Severity
	}
	n := 0
	for _, r := range rep.Results {
		if r.Status == control.Failed && bySev[r.Control] >= *sev {
			n++
		}
	}
	if n > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d failed results at or above %s (--fail-on)", n, *sev)}
	}
	c := rep.Coverage
	if allowPartial || (c.Complete() && c.InScope > 0) {
		return nil
	}
	return &ExitError{Code: ExitIncomplete, Err: fmt.Errorf("no failure at or above %s (--fail-on), but %d of %d targets in scope were not assessed (see NOT ASSESSED; --allow-partial accepts a partial scan)",
		*sev, c.InScope-c.Assessed, c.InScope)}
}

// writeFile writes path whole or not at all: to a temporary file in the
// same directory, renamed into place when complete. A path that exists
// and is not a regular file (/dev/null, /dev/stdout, a named pipe) is
// written in place: renaming over it would replace the device or pipe
// with a file.
func writeFile(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--output %s: is a directory", path)}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--output %s: %w", path, err)}
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--output %s: %w", path, err)}
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// scanQuiet runs the scan of j without progress or output.
func scanQuiet(ctx context.Context, cfg aws.Config, j *scanJob) (*report.Report, error) {
	j.opts.Progress = nil
	return scan.Run(ctx, cfg, j.opts)
}
