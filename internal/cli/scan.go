package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/scan"
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
	quiet       bool
	db          dbFlag
	noStore     bool
	rules       string
}

func (s *scanFlags) register(c *cobra.Command) {
	s.discover.registerSelection(c)
	s.discover.concurrency = 16 // accounts discovered at once; --concurrency is for tasks
	f := c.Flags()
	f.StringVar(&s.format, "format", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&s.output, "output", "o", "", "write the output to this file (the summary still goes to the terminal)")
	f.StringVar(&s.failOn, "fail-on", "", "exit 1 if a control fails at or above this severity (low, medium, high, critical)")
	f.StringSliceVar(&s.standards, "standard", nil, "only controls of these standards (cis-3.0, fsbp)")
	f.StringSliceVar(&s.controls, "controls", nil, "only these control IDs (S3.1,EC2.8)")
	f.IntVar(&s.concurrency, "concurrency", 256, "collection tasks at once (each is one service in one account and region); the per-service rate limits still apply")
	f.BoolVarP(&s.quiet, "quiet", "q", false, "no progress display")
	s.db.register(c)
	f.BoolVar(&s.noStore, "no-store", false, "do not record the scan and its findings")
	f.StringVar(&s.rules, "rules", "", "automation rules (YAML) applied to the findings as they are stored")
}

// scanJob is a checked scan request.
type scanJob struct {
	opts     scan.Options
	format   string
	output   string
	failOn   *control.Severity
	quiet    bool
	progress io.Writer
	db       *dbFlag // nil: do not store
	rules    *rule.Set
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
	cat, err := catalog.Default()
	if err != nil {
		return nil, fmt.Errorf("control catalog: %w", err)
	}
	j := &scanJob{format: s.format, output: s.output, quiet: s.quiet, progress: stderr}
	if !s.noStore {
		if err := s.db.check(); err != nil {
			return nil, err
		}
		j.db = &s.db
	}
	if s.rules != "" {
		if s.noStore {
			return nil, usageErr("--rules applies to stored findings: it cannot go with --no-store")
		}
		rs, err := rule.Load(s.rules, cat)
		if err != nil {
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
		Standards:   cat.Standards(),
		Concurrency: s.concurrency,
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

func standardNames(cat *control.Catalog) string {
	var names []string
	for _, s := range cat.Standards() {
		names = append(names, s.Short)
	}
	return strings.Join(names, ", ")
}

func newScanCmd(g *globals) *cobra.Command {
	var s scanFlags
	c := &cobra.Command{
		Use:   "scan",
		Short: "Assess every account and region of the organization against CIS and AWS FSBP",
		Long: `Discover the organization, collect the state of every account and enabled
region through the AWS APIs (read-only; see 'guardrail iam-policy'), and
evaluate every control of the catalog ('guardrail controls list').

Prints a summary: scores per standard and account, the worst failures first,
and what could not be assessed and why. --format and --output write the full
results as JSON, CSV, ASFF (Security Hub), OCSF or a self-contained HTML
report. --fail-on makes the exit code 1 when a control fails at or above a
severity, for pipelines.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			j, err := s.job(c.ErrOrStderr())
			if err != nil {
				return err
			}
			cfg, err := awsx.Load(c.Context(), g.awsOptions())
			if err != nil {
				return usageErr("%v", err)
			}
			return runScan(c.Context(), cfg, j, c.OutOrStdout())
		},
	}
	s.register(c)
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
	if j.db != nil {
		var err error
		if st, err = j.db.open(ctx); err != nil {
			return err
		}
		defer st.Close()
		started := time.Now().UTC()
		j.opts.ID = scan.NewID(started)
		// Who ran it: the local user here; the AWS principal the scan ran
		// as is the report's Scope.Caller, stored when it finishes.
		if err := st.StartScan(ctx, store.Scan{ID: j.opts.ID, Started: started, Status: store.Running, By: localUser()}); err != nil {
			return fmt.Errorf("record scan: %w", err)
		}
	}
	rep, err := scan.Run(ctx, cfg, j.opts)
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		return err
	}
	var stored string
	if st != nil {
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
	return failOn(rep, j.failOn)
}

// failOn returns exit code 1 when a result at or over sev failed.
func failOn(rep *report.Report, sev *control.Severity) error {
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
	if n == 0 {
		return nil
	}
	return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d failed results at or above %s (--fail-on)", n, *sev)}
}

// writeFile writes path whole or not at all: to a temporary file in the
// same directory, renamed into place when complete.
func writeFile(path string, write func(io.Writer) error) error {
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
