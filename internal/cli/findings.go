package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// dbFlag is --db: where findings and scans are kept.
type dbFlag struct {
	dsn string
	now func() time.Time // the store's clock; nil: the real one
}

func (d *dbFlag) register(c *cobra.Command) {
	c.Flags().StringVar(&d.dsn, "db", "", "store: a SQLite file path, or a postgres://user@host/db URL (password from PGPASSWORD or ~/.pgpass) (default $XDG_DATA_HOME/guardrail/guardrail.db or ~/.local/share/guardrail/guardrail.db)")
}

// clock is the store's clock: the one set for the demo, else the real one.
func (d *dbFlag) clock() func() time.Time {
	if d.now != nil {
		return d.now
	}
	return clock.Real
}

// flag is the --db flag to repeat in hints ("" for the default).
func (d *dbFlag) flag() string {
	if d.dsn == "" {
		return ""
	}
	return " --db " + store.Redact(d.dsn)
}

// check checks the form of --db (a file path or a postgres:// URL)
// without opening it, for commands that do work before they open it.
func (d *dbFlag) check() error {
	if d.dsn == "" {
		return nil
	}
	if err := store.CheckDSN(d.dsn); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--db: %w", err)}
	}
	return nil
}

// open opens the store; a database that cannot be opened is a
// configuration error (exit 2).
func (d *dbFlag) open(ctx context.Context) (store.Store, error) {
	dsn := d.dsn
	if dsn == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--db: %w", err)}
		}
		dsn = p
	}
	s, err := store.OpenWith(ctx, dsn, store.Options{Now: d.clock()})
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--db: %w", err)}
	}
	return s, nil
}

// findingFilter are the flags that select findings.
type findingFilter struct {
	accounts, regions, controls, severities, workflow, compliance []string
	ou, standard, resourceType, text, scan                        string
	limit, offset                                                 int
}

func (f *findingFilter) register(c *cobra.Command, limit int) {
	f.registerSelect(c)
	fl := c.Flags()
	fl.StringSliceVar(&f.workflow, "status", []string{"NEW", "NOTIFIED"}, "workflow statuses: NEW, NOTIFIED, SUPPRESSED, RESOLVED, or all")
	fl.IntVar(&f.limit, "limit", limit, "at most this many (0: all)")
	fl.IntVar(&f.offset, "offset", 0, "skip this many")
}

// registerSelect registers the filters that pick findings (not the
// workflow status or paging).
func (f *findingFilter) registerSelect(c *cobra.Command) {
	fl := c.Flags()
	fl.StringSliceVar(&f.accounts, "account", nil, "account IDs")
	fl.StringSliceVar(&f.regions, "in-region", nil, "regions of the findings")
	fl.StringSliceVar(&f.controls, "control", nil, "control IDs (S3.8)")
	fl.StringSliceVar(&f.severities, "severity", nil, "severities (high,critical)")
	fl.StringSliceVar(&f.compliance, "compliance", nil, "latest result: PASSED, FAILED, NOT_APPLICABLE, ERROR")
	fl.StringVar(&f.ou, "ou", "", "OU path: the OU and the OUs under it (Workloads, Workloads/Production)")
	fl.StringVar(&f.standard, "standard", "", "standard: "+standardsHelp)
	fl.StringVar(&f.resourceType, "resource-type", "", "ASFF resource type (AwsS3Bucket)")
	fl.StringVar(&f.text, "text", "", "text in the resource, title or reason")
	fl.StringVar(&f.scan, "scan", "", "only findings this scan saw")
}

// selects reports whether any selecting filter is set.
func (f *findingFilter) selects() bool {
	return len(f.accounts)+len(f.regions)+len(f.controls)+len(f.severities)+len(f.compliance) > 0 ||
		f.ou != "" || f.standard != "" || f.resourceType != "" || f.text != "" || f.scan != ""
}

// filteredIDs returns the IDs of the findings f selects: open ones to
// suppress, suppressed ones to unsuppress. Selecting none is a usage
// error: a bulk change that changes nothing is a mistake in its filters.
func filteredIDs(c *cobra.Command, st store.Store, f *findingFilter, db *dbFlag, suppress bool) ([]string, error) {
	if !f.selects() {
		return nil, usageErr("give finding IDs or filters (--account, --control, ...) to say which findings")
	}
	flt, err := f.filter()
	if err != nil {
		return nil, err
	}
	if err := f.reachable(c.Context(), st, db); err != nil {
		return nil, err
	}
	flt.Workflow = []finding.Workflow{finding.New, finding.Notified}
	which := "open"
	if !suppress {
		flt.Workflow, which = []finding.Workflow{finding.Suppressed}, "suppressed"
	}
	flt.Limit = 0
	fs, _, err := st.Findings(c.Context(), flt)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, usageErr("no %s finding matches %s: nothing was changed (see 'guardrail findings list --status all%s')", which, selection(c), db.flag())
	}
	ids := make([]string, len(fs))
	for i, x := range fs {
		ids[i] = x.ID
	}
	return ids, nil
}

// selection is the selecting flags given to c, as typed: "--control
// EC2.8 --ou Sandbox".
func selection(c *cobra.Command) string {
	var parts []string
	c.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "db", "reason", "by", "until", "format", "output", "limit", "offset", "role":
			return
		}
		v := fl.Value.String()
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			v = strings.Join(sv.GetSlice(), ",")
		}
		parts = append(parts, "--"+fl.Name+" "+v)
	})
	return strings.Join(parts, " ")
}

// filter checks the filters that can be checked without the store, each
// a usage error naming its flag, and builds the store's filter: a
// standard or control the catalog does not have, or a value that is not
// an account ID, a region, a severity or a status, can never match.
func (f *findingFilter) filter() (store.Filter, error) {
	out := store.Filter{Accounts: f.accounts, Regions: f.regions, Controls: f.controls, OUPath: f.ou,
		ResourceType: f.resourceType, Text: f.text, Scan: f.scan, Limit: f.limit, Offset: f.offset}
	if f.limit < 0 || f.offset < 0 {
		return out, usageErr("--limit and --offset must not be negative")
	}
	cat, err := catalog.Default()
	if err != nil {
		return out, fmt.Errorf("control catalog: %w", err)
	}
	if f.standard != "" {
		st, ok := cat.Standard(f.standard)
		if !ok {
			return out, usageErr("--standard %q: want one of %s", f.standard, standardNames(cat))
		}
		out.Standard = st.Short
	}
	for _, id := range f.controls {
		if cat.Control(id) == nil {
			return out, usageErr("--control: no control %q (see 'guardrail controls list')", id)
		}
	}
	for _, a := range f.accounts {
		if !target.AccountID.MatchString(a) {
			return out, usageErr("--account: %q is not an account ID (12 digits)", a)
		}
	}
	for _, r := range f.regions {
		if !target.Region.MatchString(r) {
			return out, usageErr("--in-region: %q is not a region name (like eu-west-1)", r)
		}
	}
	if ou := f.ou; ou != "" && (strings.HasPrefix(ou, "/") || strings.Contains(ou, "//")) {
		return out, usageErr("--ou %q: not an OU path (OU names separated by /, like Workloads/Production)", ou)
	}
	for _, s := range f.severities {
		v, err := control.ParseSeverity(s)
		if err != nil {
			return out, usageErr("--severity: %v", err)
		}
		out.Severities = append(out.Severities, v)
	}
	for _, w := range f.workflow {
		if strings.EqualFold(w, "all") {
			out.Workflow = nil
			break
		}
		v := finding.Workflow(strings.ToUpper(w))
		if !v.Valid() {
			return out, usageErr("--status %q: want NEW, NOTIFIED, SUPPRESSED, RESOLVED or all", w)
		}
		out.Workflow = append(out.Workflow, v)
	}
	for _, c := range f.compliance {
		v := control.Status(strings.ToUpper(c))
		switch v {
		case control.Passed, control.Failed, control.NotApplicable, control.Error:
		default:
			return out, usageErr("--compliance %q: want PASSED, FAILED, NOT_APPLICABLE or ERROR", c)
		}
		out.Compliance = append(out.Compliance, v)
	}
	return out, nil
}

// reachable checks the filters that name what the store holds: an
// account, region, OU or resource type no stored finding has, or a scan
// not recorded, can never match, and is a usage error naming its flag.
func (f *findingFilter) reachable(ctx context.Context, st store.Store, db *dbFlag) error {
	if f.scan != "" {
		if _, err := st.Scan(ctx, f.scan); errors.Is(err, store.ErrNotFound) {
			return usageErr("--scan %q: no scan of that ID in the store (see 'guardrail scans list%s')", f.scan, db.flag())
		} else if err != nil {
			return err
		}
	}
	return storeHas(ctx, st, db, f.accounts, f.regions, f.ou, f.resourceType)
}

// storeHas checks that some stored finding has each account, region, OU
// and resource type given; one that none has can never match, and is a
// usage error naming its flag. search and the findings commands share it.
func storeHas(ctx context.Context, st store.Store, db *dbFlag, accounts, regions []string, ou, resourceType string) error {
	type probe struct {
		flag, value string
		flt         store.Filter
	}
	var probes []probe
	for _, a := range accounts {
		probes = append(probes, probe{"account", a, store.Filter{Accounts: []string{a}}})
	}
	for _, r := range regions {
		probes = append(probes, probe{"in-region", r, store.Filter{Regions: []string{r}}})
	}
	if ou != "" {
		probes = append(probes, probe{"ou", ou, store.Filter{OUPath: ou}})
	}
	if resourceType != "" {
		probes = append(probes, probe{"resource-type", resourceType, store.Filter{ResourceType: resourceType}})
	}
	for _, p := range probes {
		p.flt.Limit = 1
		_, n, err := st.Findings(ctx, p.flt)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, all, err := st.Findings(ctx, store.Filter{Limit: 1}); err == nil && all == 0 {
			return usageErr("--%s %q: the store has no findings yet; run 'guardrail scan%s' first", p.flag, p.value, db.flag())
		}
		return usageErr("--%s %q: no stored finding has it, so nothing can match (see 'guardrail scans show%s' for what was scanned)", p.flag, p.value, db.flag())
	}
	return nil
}

func newFindingsCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "findings",
		Short: "Findings across scans: list, show, suppress, unsuppress, export",
	}
	c.AddCommand(newFindingsListCmd(), newFindingsShowCmd(), newSuppressCmd(true), newSuppressCmd(false), newFindingsExportCmd(g))
	return c
}

func newFindingsListCmd() *cobra.Command {
	var db dbFlag
	var f findingFilter
	var format string
	c := &cobra.Command{
		Use:   "list",
		Short: "List findings, highest priority first (default: open ones, NEW and NOTIFIED)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			flt, err := f.filter()
			if err != nil {
				return err
			}
			if format != "text" && format != "json" && format != "csv" {
				return usageErr("--format %q: want text, json or csv", format)
			}
			st, err := db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := f.reachable(c.Context(), st, &db); err != nil {
				return err
			}
			fs, total, err := st.Findings(c.Context(), flt)
			if err != nil {
				return err
			}
			return writeFindings(c.OutOrStdout(), fs, total, format)
		},
	}
	db.register(c)
	f.register(c, 50)
	c.Flags().StringVar(&format, "format", "text", "text, json (an array) or csv")
	return c
}

func writeFindings(w io.Writer, fs []finding.Finding, total int, format string) error {
	switch format {
	case "json":
		if fs == nil {
			fs = []finding.Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(fs)
	case "csv":
		return export.CSV(w, fs)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCONTROL\tSTATUS\tRESULT\tACCOUNT\tREGION\tRESOURCE")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID[:12], f.Severity, f.Control, f.Workflow, f.Compliance,
			accountLabel(f), f.Region, short(f.ResourceARN, 70))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d of %d findings (IDs may be shortened to their first 12 characters)\n", len(fs), total)
	return nil
}

func accountLabel(f finding.Finding) string {
	if f.AccountName != "" {
		return f.AccountName + " (" + f.Account + ")"
	}
	return f.Account
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// resolveIDs expands shortened finding IDs (a unique prefix of 8 or more
// characters) to full ones.
func resolveIDs(ctx context.Context, st store.Store, ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if len(id) == 40 {
			out = append(out, id)
			continue
		}
		if len(id) < 8 {
			return nil, usageErr("finding ID %q: give at least 8 characters", id)
		}
		fs, _, err := st.Findings(ctx, store.Filter{IDPrefix: strings.ToLower(id), Limit: 2})
		if err != nil {
			return nil, err
		}
		var match []string
		for _, f := range fs {
			match = append(match, f.ID)
		}
		switch len(match) {
		case 0:
			return nil, usageErr("no finding %q", id)
		case 1:
			out = append(out, match[0])
		default:
			return nil, usageErr("finding ID %q is ambiguous (%d findings)", id, len(match))
		}
	}
	return out, nil
}

func newFindingsShowCmd() *cobra.Command {
	var db dbFlag
	var format string
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Show a finding and its history",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErr("--format %q: want text or json", format)
			}
			st, err := db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			ids, err := resolveIDs(c.Context(), st, args)
			if err != nil {
				return err
			}
			f, evs, err := st.Finding(c.Context(), ids[0])
			if err != nil {
				return err
			}
			w := c.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					finding.Finding
					History []finding.Event `json:"history"`
				}{f, evs})
			}
			fmt.Fprintf(w, "%s  %s  %s\n", f.Control, f.Severity, f.Title)
			fmt.Fprintf(w, "  finding     %s\n  resource    %s (%s)\n  account     %s, %s\n", f.ID, f.ResourceARN, f.ResourceType, accountLabel(f), f.Region)
			fmt.Fprintf(w, "  result      %s: %s\n  workflow    %s\n", f.Compliance, f.Reason, f.Workflow)
			if f.Suppression != nil {
				until := "no expiry"
				if !f.Suppression.Until.IsZero() {
					until = "until " + f.Suppression.Until.Format(time.DateOnly)
				}
				fmt.Fprintf(w, "  suppressed  by %s, %s: %s\n", f.Suppression.By, until, f.Suppression.Reason)
			}
			fmt.Fprintf(w, "  seen        %s .. %s (last scan %s)\n", f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339), f.LastScan)
			if len(f.Standards) > 0 {
				fmt.Fprintf(w, "  standards   %s\n", strings.Join(f.Standards, ", "))
			}
			for _, n := range f.Notes {
				fmt.Fprintf(w, "  note        %s (%s, %s)\n", n.Text, n.By, n.At.Format(time.DateOnly))
			}
			fmt.Fprintln(w, "\nHistory:")
			for _, e := range evs {
				fmt.Fprintf(w, "  %s  %-20s %-22s %s\n", e.At.Format(time.RFC3339), e.Kind, e.By, e.Detail)
			}
			return nil
		},
	}
	db.register(c)
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func newSuppressCmd(suppress bool) *cobra.Command {
	var db dbFlag
	var f findingFilter
	var reason, until, by string
	use, short := "unsuppress [ID...]", "Put suppressed findings back in the workflow (by ID, or all that match the filters)"
	if suppress {
		use, short = "suppress [ID...]", "Suppress findings, by ID or all that match the filters: an accepted risk, with a reason and an optional expiry"
	}
	c := &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(c *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageErr("--reason is required: say why")
			}
			var u time.Time
			if until != "" {
				var err error
				if u, err = time.Parse(time.DateOnly, until); err != nil {
					return usageErr("--until %q: want a date like 2027-06-30", until)
				}
				if !u.After(db.clock()()) {
					return usageErr("--until %s: the date has passed (the suppression would end at once); give a later date, or none for no expiry", until)
				}
			}
			if len(args) > 0 && f.selects() {
				return usageErr("give finding IDs or filters, not both")
			}
			if by == "" {
				by = localUser()
			}
			st, err := db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			var ids []string
			if len(args) > 0 {
				ids, err = resolveIDs(c.Context(), st, args)
			} else {
				ids, err = filteredIDs(c, st, &f, &db, suppress)
			}
			if err != nil {
				return err
			}
			if suppress {
				err = st.Suppress(c.Context(), ids, reason, by, u)
			} else {
				err = st.Unsuppress(c.Context(), ids, reason, by)
			}
			if err != nil {
				return err
			}
			verb := "unsuppressed"
			if suppress {
				verb = "suppressed"
			}
			fmt.Fprintf(c.OutOrStdout(), "%s %d finding(s)\n", verb, len(ids))
			return nil
		},
	}
	db.register(c)
	f.registerSelect(c)
	c.Flags().StringVar(&reason, "reason", "", "why (required)")
	c.Flags().StringVar(&by, "by", "", "who (default: the local user)")
	if suppress {
		c.Flags().StringVar(&until, "until", "", "expiry date (YYYY-MM-DD); the finding reopens after it if still failing")
	}
	return c
}
