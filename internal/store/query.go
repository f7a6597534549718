package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
)

// where builds a parameterized WHERE clause: values are only ever bound,
// never written into the SQL.
type where struct {
	d     dialect
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, ...)" for a non-empty list.
func in[T any](w *where, col string, vals []T, conv func(T) any) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = conv(v)
	}
	w.add(col+" IN "+placeholders(len(vals)), args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func str[T ~string](v T) any { return string(v) }

// orderBy is the ORDER BY of f.Order. Priority is severity, exposure,
// failing first, newest first seen, ID; when only failing findings are
// asked for, the failing-first term is left out so that the open
// findings' index (findings_open) gives the order.
func orderBy(f Filter) (string, error) {
	switch f.Order {
	case "", "priority":
		failing := `CASE WHEN compliance = 'FAILED' THEN 0 ELSE 1 END, `
		if len(f.Compliance) == 1 && f.Compliance[0] == control.Failed {
			failing = ""
		}
		return ` ORDER BY severity DESC, exposure DESC, ` + failing + `first_seen DESC, id`, nil
	case "last_seen":
		return ` ORDER BY last_seen DESC, id`, nil
	}
	return "", fmt.Errorf("order %q: want priority or last_seen", f.Order)
}

// openOnly is the WHERE of the open findings' index, findings_open, which
// queries must name literally for SQLite to use the index.
const openOnly = `compliance = 'FAILED' AND workflow IN ('NEW', 'NOTIFIED')`

// isOpen reports whether f asks for the open findings: failing, NEW or
// NOTIFIED.
func isOpen(f Filter) bool {
	if len(f.Compliance) != 1 || f.Compliance[0] != control.Failed || len(f.Workflow) != 2 {
		return false
	}
	a, b := f.Workflow[0], f.Workflow[1]
	return a == finding.New && b == finding.Notified || a == finding.Notified && b == finding.New
}

// ouCond adds to w that ou_path is ou or under it.
func ouCond(w *where, ou string) {
	if ou = strings.TrimSuffix(ou, "/"); ou != "" {
		w.add("(ou_path = ? OR substr(ou_path, 1, ?) = ?)", ou, int64(utf8.RuneCountInString(ou)+1), ou+"/")
	}
}

func (s *sqlStore) filter(ctx context.Context, tx *sql.Tx, f Filter) (*where, error) {
	w := &where{d: s.d}
	in(w, "account", f.Accounts, func(v string) any { return v })
	in(w, "region", f.Regions, func(v string) any { return v })
	in(w, "control", f.Controls, func(v string) any { return v })
	in(w, "severity", f.Severities, func(v control.Severity) any { return int64(v) })
	if isOpen(f) {
		w.add(openOnly)
	} else {
		in(w, "compliance", f.Compliance, str[control.Status])
		in(w, "workflow", f.Workflow, str[finding.Workflow])
	}
	ouCond(w, f.OUPath)
	if f.Standard != "" {
		w.add(s.d.contains("standards"), `"`+f.Standard+`:`)
	}
	if f.ResourceType != "" {
		w.add("resource_type = ?", f.ResourceType)
	}
	if f.Text != "" {
		w.text(f.Text)
	}
	if f.IDPrefix != "" {
		w.add(`id LIKE ? ESCAPE '\'`, likeEscape(f.IDPrefix)+"%")
	}
	if f.Scan != "" {
		seq, _, err := scanSeq(ctx, tx, s.d, f.Scan)
		if err != nil {
			return nil, err
		}
		w.add("EXISTS (SELECT 1 FROM scan_results r WHERE r.scan = ? AND r.finding_id = findings.id AND r.compliance <> ?)", seq, gone)
	}
	return w, nil
}

// Findings lists the findings that match f, and how many match in all.
func (s *sqlStore) Findings(ctx context.Context, f Filter) ([]finding.Finding, int, error) {
	order, err := orderBy(f)
	if err != nil {
		return nil, 0, s.errorf("findings: %w", err)
	}
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, s.errorf("findings: limit %d, offset %d: must not be negative", f.Limit, f.Offset)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, s.errorf("findings: %w", err)
	}
	defer tx.Rollback()
	w, err := s.filter(ctx, tx, f)
	if err != nil {
		return nil, 0, s.errorf("findings: %w", err)
	}
	// The count comes from the summary tables when f filters only on
	// what they are keyed by; else from the findings.
	total, counted, err := s.countFromSummary(ctx, tx, f)
	if err != nil {
		return nil, 0, s.errorf("findings: count: %w", err)
	}
	if !counted {
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM findings`+w.String()), w.args...).Scan(&total); err != nil {
			return nil, 0, s.errorf("findings: count: %w", err)
		}
	}
	// The page is chosen on IDs and sort keys alone (an index holds them
	// for the open findings and for the default order), then only its
	// rows are read whole: a deep page skips its offset without reading,
	// or sorting, every finding before it.
	args := append(w.args, limitArg(f.Limit), int64(f.Offset))
	out, err := queryFindings(ctx, tx, s.d.q(`SELECT `+findingColumns+` FROM findings WHERE id IN (SELECT id FROM findings`+w.String()+order+` LIMIT ? OFFSET ?)`+order), args...)
	if err != nil {
		return nil, 0, s.errorf("findings: %w", err)
	}
	return out, total, nil
}

func queryFindings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]finding.Finding, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		r, err := scanRaw(rows)
		if err != nil {
			return nil, err
		}
		if err := r.decodeAll(); err != nil {
			return nil, err
		}
		out = append(out, r.f)
	}
	return out, rows.Err()
}

// Finding returns one finding and its history, oldest event first.
func (s *sqlStore) Finding(ctx context.Context, id string) (finding.Finding, []finding.Event, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return finding.Finding{}, nil, s.errorf("finding %s: %w", id, err)
	}
	defer tx.Rollback()
	f, err := getFinding(ctx, tx, s.d, id)
	if err != nil {
		return finding.Finding{}, nil, s.errorf("%w", err)
	}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT finding_id, at, scan, kind, actor, detail FROM finding_events WHERE finding_id = ? ORDER BY seq`), id)
	if err != nil {
		return finding.Finding{}, nil, s.errorf("finding %s: events: %w", id, err)
	}
	defer rows.Close()
	var evs []finding.Event
	for rows.Next() {
		var ev finding.Event
		var at int64
		if err := rows.Scan(&ev.FindingID, &at, &ev.Scan, &ev.Kind, &ev.By, &ev.Detail); err != nil {
			return finding.Finding{}, nil, s.errorf("finding %s: events: %w", id, err)
		}
		ev.At = fromNanos(at)
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return finding.Finding{}, nil, s.errorf("finding %s: events: %w", id, err)
	}
	return f, evs, nil
}

func getFinding(ctx context.Context, tx *sql.Tx, d dialect, id string) (finding.Finding, error) {
	r, err := scanRaw(tx.QueryRowContext(ctx, d.q(`SELECT `+findingColumns+` FROM findings WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return finding.Finding{}, fmt.Errorf("finding %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return finding.Finding{}, fmt.Errorf("finding %s: %w", id, err)
	}
	if err := r.decodeAll(); err != nil {
		return finding.Finding{}, err
	}
	return r.f, nil
}
