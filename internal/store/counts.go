package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
)

// The summary tables open_counts and total_counts (migration 0008) count
// the findings so that the dashboard need not: a tally collects how a
// transaction moves findings between their rows, and apply writes it in
// that transaction, before it commits.

type openKey struct {
	account, ouPath, control string
	severity                 int64
}

type totalKey struct {
	severity             int64
	compliance, workflow string
}

// tally is what a transaction changes in the summary tables.
type tally struct {
	open  map[openKey]int64
	total map[totalKey]int64
}

func newTally() *tally {
	return &tally{open: map[openKey]int64{}, total: map[totalKey]int64{}}
}

// openFinding reports whether f is open: failing, NEW or NOTIFIED (the
// findings_open index's WHERE, openOnly).
func openFinding(f *finding.Finding) bool {
	return f.Compliance == control.Failed && (f.Workflow == finding.New || f.Workflow == finding.Notified)
}

// add counts f n times (n = -1: f as it was).
func (t *tally) add(f *finding.Finding, n int64) {
	t.total[totalKey{int64(f.Severity), string(f.Compliance), string(f.Workflow)}] += n
	if openFinding(f) {
		t.open[openKey{f.Account, f.OUPath, f.Control, int64(f.Severity)}] += n
	}
}

// move counts a finding that was old (nil: new) and is now f.
func (t *tally) move(old, f *finding.Finding) {
	if old != nil {
		t.add(old, -1)
	}
	t.add(f, 1)
}

// countsBatch is how many rows one upsert of a summary table writes.
const countsBatch = 200

// apply adds the tally to the summary tables. Rows whose count reaches
// zero are deleted. Should a count go below zero (the tables disagree
// with the findings: a bug, or a write by hand), both tables are
// recomputed from the findings, in this transaction.
func (t *tally) apply(ctx context.Context, tx *sql.Tx, d dialect) error {
	var openRows, totalRows [][]any
	shrank := false
	for k, n := range t.open {
		if n != 0 {
			openRows = append(openRows, []any{k.account, k.ouPath, k.control, k.severity, n})
			shrank = shrank || n < 0
		}
	}
	for k, n := range t.total {
		if n != 0 {
			totalRows = append(totalRows, []any{k.severity, k.compliance, k.workflow, n})
			shrank = shrank || n < 0
		}
	}
	// open_by_account moves with open_counts, summed over controls;
	// open_by_control is recomputed for the controls that moved.
	byAccount := map[[3]any]int64{}
	controls := map[string]bool{}
	for k, n := range t.open {
		if n != 0 {
			byAccount[[3]any{k.account, k.ouPath, k.severity}] += n
			controls[k.control] = true
		}
	}
	var accountRows [][]any
	for k, n := range byAccount {
		if n != 0 {
			accountRows = append(accountRows, []any{k[0], k[1], k[2], n})
		}
	}
	for _, tb := range []struct {
		table, key string
		cols       []string
		rows       [][]any
	}{
		{"open_counts", "account, control, severity, ou_path", []string{"account", "ou_path", "control", "severity", "n"}, openRows},
		{"total_counts", "severity, compliance, workflow", []string{"severity", "compliance", "workflow", "n"}, totalRows},
		{"open_by_account", "account, severity, ou_path", []string{"account", "ou_path", "severity", "n"}, accountRows},
	} {
		for len(tb.rows) > 0 {
			part := tb.rows[:min(countsBatch, len(tb.rows))]
			tb.rows = tb.rows[len(part):]
			vals := make([]string, len(part))
			args := make([]any, 0, len(part)*len(tb.cols))
			for i, r := range part {
				vals[i] = placeholders(len(tb.cols))
				args = append(args, r...)
			}
			q := `INSERT INTO ` + tb.table + ` (` + strings.Join(tb.cols, ", ") + `) VALUES ` + strings.Join(vals, ", ") +
				` ON CONFLICT (` + tb.key + `) DO UPDATE SET n = ` + tb.table + `.n + excluded.n`
			if _, err := tx.ExecContext(ctx, d.q(q), args...); err != nil {
				return err
			}
		}
	}
	if shrank {
		var negative bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM open_counts WHERE n < 0) OR EXISTS (SELECT 1 FROM total_counts WHERE n < 0)
 OR EXISTS (SELECT 1 FROM open_by_account WHERE n < 0)`).Scan(&negative); err != nil {
			return err
		}
		if negative {
			return recount(ctx, tx)
		}
		for _, q := range []string{`DELETE FROM open_counts WHERE n = 0`, `DELETE FROM total_counts WHERE n = 0`, `DELETE FROM open_by_account WHERE n = 0`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	names := make([]any, 0, len(controls))
	for c := range controls {
		names = append(names, c)
	}
	for len(names) > 0 {
		part := names[:min(countsBatch, len(names))]
		names = names[len(part):]
		in := placeholders(len(part))
		if _, err := tx.ExecContext(ctx, d.q(`DELETE FROM open_by_control WHERE control IN `+in), part...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO open_by_control (control, severity, accounts, n)
SELECT control, MAX(severity), COUNT(DISTINCT account), SUM(n) FROM open_counts WHERE control IN `+in+` GROUP BY control`), part...); err != nil {
			return err
		}
	}
	return nil
}

// recount computes the summary tables from the findings (the overview's
// from open_counts).
func recount(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DELETE FROM open_counts`,
		`INSERT INTO open_counts (account, ou_path, control, severity, n)
SELECT account, ou_path, control, severity, COUNT(*) FROM findings WHERE ` + openOnly + `
GROUP BY account, ou_path, control, severity`,
		`DELETE FROM total_counts`,
		`INSERT INTO total_counts (severity, compliance, workflow, n)
SELECT severity, compliance, workflow, COUNT(*) FROM findings GROUP BY severity, compliance, workflow`,
		`DELETE FROM open_by_account`,
		`INSERT INTO open_by_account (account, ou_path, severity, n)
SELECT account, ou_path, severity, SUM(n) FROM open_counts GROUP BY account, ou_path, severity`,
		`DELETE FROM open_by_control`,
		`INSERT INTO open_by_control (control, severity, accounts, n)
SELECT control, MAX(severity), COUNT(DISTINCT account), SUM(n) FROM open_counts GROUP BY control`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// countFromSummary counts the findings that match f from the summary
// tables, when f filters only on what they are keyed by: an open view
// by account, OU, control and severity (open_counts), or any view by
// severity, compliance and workflow alone (total_counts). ok is false
// when f needs the findings themselves.
func (s *sqlStore) countFromSummary(ctx context.Context, tx *sql.Tx, f Filter) (n int, ok bool, err error) {
	if len(f.Regions) > 0 || f.ResourceType != "" || f.Text != "" || f.IDPrefix != "" || f.Scan != "" || f.Standard != "" {
		return 0, false, nil
	}
	w := &where{d: s.d}
	var table string
	switch {
	case isOpen(f):
		table = "open_counts"
		in(w, "account", f.Accounts, func(v string) any { return v })
		in(w, "control", f.Controls, func(v string) any { return v })
		in(w, "severity", f.Severities, func(v control.Severity) any { return int64(v) })
		ouCond(w, f.OUPath)
	case len(f.Accounts) == 0 && len(f.Controls) == 0 && strings.TrimSuffix(f.OUPath, "/") == "":
		table = "total_counts"
		in(w, "severity", f.Severities, func(v control.Severity) any { return int64(v) })
		in(w, "compliance", f.Compliance, str[control.Status])
		in(w, "workflow", f.Workflow, str[finding.Workflow])
	default:
		return 0, false, nil
	}
	var total int64
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM `+table+w.String()), w.args...).Scan(&total); err != nil {
		return 0, false, err
	}
	return int(total), true, nil
}
