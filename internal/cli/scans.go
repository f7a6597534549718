package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
)

func newScansCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "scans",
		Short: "Recorded scans: list, show, diff",
	}
	var db1, db2, db3 dbFlag
	var limit int
	var format1, format2, format3 string
	list := &cobra.Command{
		Use:   "list",
		Short: "List recorded scans, newest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := db1.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			scans, err := st.Scans(c.Context(), limit)
			if err != nil {
				return err
			}
			if format1 == "json" {
				return writeJSON(c.OutOrStdout(), scans)
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SCAN\tSTARTED\tSTATUS\tACCOUNTS\tTARGETS\tSCORE\tFAILED\tERROR\tNEW\tRESOLVED")
			for _, s := range scans {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d%%\t%d\t%d\t%d\t%d\n", s.ID, s.Started.Format(time.RFC3339), s.Status,
					s.Stats.Accounts, s.Stats.Targets, s.Scores.Overall.Rounded(), s.Counts.Failed, s.Counts.Error, s.Changes.New+s.Changes.Reopened, s.Changes.Resolved)
			}
			return tw.Flush()
		},
	}
	db1.register(list)
	list.Flags().IntVar(&limit, "limit", 20, "at most this many")
	list.Flags().StringVar(&format1, "format", "text", "text or json")

	show := &cobra.Command{
		Use:   "show [SCAN]",
		Short: "Show a scan (default: the latest): scope, counts, scores, what changed, what was not assessed",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			st, err := db2.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if len(args) == 0 {
				if args, err = latestScans(c, st, 1); err != nil {
					return err
				}
			}
			s, err := st.Scan(c.Context(), args[0])
			if err != nil {
				return err
			}
			if format2 == "json" {
				return writeJSON(c.OutOrStdout(), s)
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "%s  %s  by %s\n", s.ID, s.Status, s.By)
			fmt.Fprintf(w, "  started %s, finished %s\n", s.Started.Format(time.RFC3339), s.Finished.Format(time.RFC3339))
			fmt.Fprintf(w, "  organization %s, %d accounts, %d targets, %d API calls\n", s.Scope.OrgID, s.Stats.Accounts, s.Stats.Targets, s.Stats.APICalls)
			fmt.Fprintf(w, "  results: %d passed, %d failed, %d not applicable, %d error\n", s.Counts.Passed, s.Counts.Failed, s.Counts.NotApplicable, s.Counts.Error)
			fmt.Fprintf(w, "  findings: %d new, %d reopened, %d resolved, %d unchanged, %d rule changes\n", s.Changes.New, s.Changes.Reopened, s.Changes.Resolved, s.Changes.Unchanged, s.Changes.RuleEvents)
			fmt.Fprintf(w, "  score: %d%% overall (%s)\n", s.Scores.Overall.Rounded(), s.Scores.Overall.Coverage)
			for _, ss := range s.Scores.Standards {
				fmt.Fprintf(w, "    %-55s %d%% (%s)\n", ss.Standard, ss.Rounded(), ss.Coverage)
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
		},
	}
	db2.register(show)
	show.Flags().StringVar(&format2, "format", "text", "text or json")

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
			st, err := db3.open(c.Context())
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
			d, err := st.Diff(c.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			if format3 == "json" {
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
	db3.register(diff)
	diff.Flags().StringVar(&format3, "format", "text", "text or json")
	c.AddCommand(list, show, diff)
	return c
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
