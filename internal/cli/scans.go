package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// scansFlags are the flags of each scans subcommand.
type scansFlags struct {
	db     dbFlag
	format string
	limit  int
}

func (f *scansFlags) register(c *cobra.Command) {
	f.db.register(c)
	c.Flags().StringVar(&f.format, "format", "text", "text or json")
}

func (f *scansFlags) check() error {
	if f.format != "text" && f.format != "json" {
		return usageErr("--format %q: want text or json", f.format)
	}
	if f.limit < 0 {
		return usageErr("--limit %d: must not be negative", f.limit)
	}
	return nil
}

// open checks the flags and opens the store.
func (f *scansFlags) open(ctx context.Context) (store.Store, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return f.db.open(ctx)
}

func newScansCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "scans",
		Short: "Recorded scans: list, show, diff",
	}
	var lf, sf, df scansFlags
	list := &cobra.Command{
		Use:   "list",
		Short: "List recorded scans, newest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := lf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			scans, err := st.Scans(c.Context(), lf.limit)
			if err != nil {
				return err
			}
			if lf.format == "json" {
				return writeJSON(c.OutOrStdout(), scans)
			}
			return writeScans(c.OutOrStdout(), scans)
		},
	}
	lf.register(list)
	list.Flags().IntVar(&lf.limit, "limit", 20, "at most this many (0: all)")

	show := &cobra.Command{
		Use:   "show [SCAN]",
		Short: "Show a scan (default: the latest): who ran it, scope, counts, scores, what changed, what was not assessed",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			st, err := sf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if len(args) == 0 {
				if args, err = latestScans(c, st, 1); err != nil {
					return err
				}
			}
			s, err := getScan(c.Context(), st, args[0], &sf.db)
			if err != nil {
				return err
			}
			if sf.format == "json" {
				return writeJSON(c.OutOrStdout(), s)
			}
			return writeScan(c.OutOrStdout(), s)
		},
	}
	sf.register(show)

	diff := &cobra.Command{
		Use:   "diff [A B]",
		Short: "What appeared and what was fixed between scan A and scan B (default: the last two), and how the scores moved",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 0 && len(args) != 2 {
				return usageErr("scans diff takes two scan IDs, or none for the last two complete scans")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			st, err := df.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if len(args) == 0 {
				if args, err = latestScans(c, st, 2); err != nil {
					return err
				}
				args[0], args[1] = args[1], args[0] // older first
			}
			for _, id := range args {
				if _, err := getScan(c.Context(), st, id, &df.db); err != nil {
					return err
				}
			}
			d, err := st.Diff(c.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			if df.format == "json" {
				return writeJSON(c.OutOrStdout(), d)
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "%s -> %s\n", args[0], args[1])
			fmt.Fprintf(w, "score: %+.1f points overall\n", d.Overall)
			for _, k := range sortedKeys(d.Standards) {
				fmt.Fprintf(w, "  %-55s %+.1f\n", k, d.Standards[k])
			}
			for _, k := range sortedKeys(d.Accounts) {
				if d.Accounts[k] != 0 {
					fmt.Fprintf(w, "  account %-47s %+.1f\n", k, d.Accounts[k])
				}
			}
			printList(w, "appeared", d.Appeared)
			printList(w, "fixed", d.Fixed)
			return nil
		},
	}
	df.register(diff)
	c.AddCommand(list, show, diff)
	return c
}

// getScan returns scan id; one that is not in the store is a usage error.
func getScan(ctx context.Context, st store.Store, id string, db *dbFlag) (store.Scan, error) {
	s, err := st.Scan(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s, usageErr("no scan %q in the store (see 'guardrail scans list%s')", id, db.flag())
	}
	return s, err
}

// writeScans writes the scans as a table. A scan that did not complete
// has no finish time, counts or score: it judged nothing whole.
func writeScans(w io.Writer, scans []store.Scan) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCAN\tSTARTED\tSTATUS\tBY\tACCOUNTS\tTARGETS\tSCORE\tFAILED\tERROR\tNEW\tRESOLVED")
	for _, s := range scans {
		if s.Status != store.Complete {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\n", s.ID, s.Started.Format(time.RFC3339), statusText(s), dash(s.By))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\n", s.ID, s.Started.Format(time.RFC3339), s.Status, dash(s.By),
			s.Stats.Accounts, s.Stats.Targets, percent(s.Scores.Overall), s.Counts.Failed, s.Counts.Error, s.Changes.New+s.Changes.Reopened, s.Changes.Resolved)
	}
	return tw.Flush()
}

// statusText is a scan's status, with how many shards of a sharded scan
// that is not complete have reported.
func statusText(s store.Scan) string {
	if s.Status == store.Running && s.Parts > 0 {
		return fmt.Sprintf("%s (%d of %d shards reported)", s.Status, s.Reported, s.Parts)
	}
	return s.Status
}

// writeScan writes one scan: who ran it (the local user, and the AWS
// principal the scan ran as), when, and, once it completed, what it
// found.
func writeScan(w io.Writer, s store.Scan) error {
	fmt.Fprintf(w, "%s  %s  by %s", s.ID, statusText(s), dash(s.By))
	if s.Scope.Caller != "" {
		fmt.Fprintf(w, " as %s", s.Scope.Caller)
	}
	fmt.Fprintln(w)
	switch s.Status {
	case store.Complete:
		fmt.Fprintf(w, "  started %s, finished %s\n", s.Started.Format(time.RFC3339), s.Finished.Format(time.RFC3339))
	case store.Running:
		if s.Parts > 0 {
			fmt.Fprintf(w, "  started %s, incomplete: %d of %d shards reported; no finding changes until all have (run a missing shard again, with the same --scan-id, to complete it)\n",
				s.Started.Format(time.RFC3339), s.Reported, s.Parts)
			return nil
		}
		fmt.Fprintf(w, "  started %s, still running\n", s.Started.Format(time.RFC3339))
		return nil
	default:
		fmt.Fprintf(w, "  started %s, did not finish: no results, scores or findings were recorded\n", s.Started.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(w, "  organization %s, %d accounts, %d targets, %d API calls\n", s.Scope.OrgID, s.Stats.Accounts, s.Stats.Targets, s.Stats.APICalls)
	fmt.Fprintf(w, "  results: %d passed, %d failed, %d not applicable, %d error\n", s.Counts.Passed, s.Counts.Failed, s.Counts.NotApplicable, s.Counts.Error)
	fmt.Fprintf(w, "  findings: %d new, %d reopened, %d resolved, %d unchanged, %d rule changes\n", s.Changes.New, s.Changes.Reopened, s.Changes.Resolved, s.Changes.Unchanged, s.Changes.RuleEvents)
	fmt.Fprintf(w, "  score: %s overall (%s)\n", percent(s.Scores.Overall), s.Scores.Overall.Coverage)
	for _, ss := range s.Scores.Standards {
		fmt.Fprintf(w, "    %-55s %s (%s)\n", ss.Standard, percent(ss.Score), ss.Coverage)
	}
	if len(s.NotAssessed) > 0 || len(s.Gaps) > 0 {
		fmt.Fprintln(w, "  not assessed:")
		ids := make([]string, 0, len(s.NotAssessed))
		for id := range s.NotAssessed {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(w, "    account %s: %s\n", id, s.NotAssessed[id])
		}
		for _, g := range s.Gaps {
			fmt.Fprintf(w, "    %s %s %s: %s\n", g.Account, g.Region, g.Collector, g.Reason)
		}
	}
	return nil
}

// percent is a score as Security Hub shows it (to the nearest whole
// number), or n/a when nothing was assessed.
func percent(s score.Score) string {
	if !s.HasData() {
		return "n/a"
	}
	return fmt.Sprintf("%d%%", s.Rounded())
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// latestScans returns the IDs of the n newest complete scans, newest first.
func latestScans(c *cobra.Command, st store.Store, n int) ([]string, error) {
	scans, err := st.Scans(c.Context(), 0)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, s := range scans {
		if s.Status == store.Complete {
			ids = append(ids, s.ID)
			if len(ids) == n {
				return ids, nil
			}
		}
	}
	return nil, usageErr("need %d complete scans in the store, found %d", n, len(ids))
}

func printList(w io.Writer, what string, fs []finding.Finding) {
	fmt.Fprintf(w, "\n%d %s:\n", len(fs), what)
	for _, f := range fs {
		fmt.Fprintf(w, "  %-9s %-14s %s %s %s\n", f.Severity, f.Control, accountLabel(f), f.Region, f.ResourceARN)
	}
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
