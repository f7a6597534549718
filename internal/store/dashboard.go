package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
)

// Dashboard is what a posture overview reads beyond findings and scans:
// aggregates over the open findings, and a version that changes whenever
// anything an overview shows may have changed.
type Dashboard interface {
	// OpenCounts counts the open findings (failing, workflow NEW or
	// NOTIFIED) by account, control and severity.
	OpenCounts(ctx context.Context) ([]OpenCount, error)
	// AccountOpenCounts is OpenCounts of one account.
	AccountOpenCounts(ctx context.Context, account string) ([]OpenCount, error)
	// OpenSummary counts the open findings by account and severity, and
	// by control (with their accounts): what an overview shows, read
	// from tables of that size.
	OpenSummary(ctx context.Context) (OpenSummary, error)
	// Version changes when a scan starts or finishes, or a finding
	// changes (every change of a finding is an event). Equal versions
	// mean equal data, so a reader may cache what it derived.
	Version(ctx context.Context) (string, error)
	// EachFinding calls fn with each finding that matches f, in f's order
	// (f.Limit and f.Offset apply), reading them as it goes: for exports
	// of any size. An error from fn stops it and is returned.
	EachFinding(ctx context.Context, f Filter, fn func(*finding.Finding) error) error
	// ScanChanges returns the first n findings, by priority, that scan id
	// opened and resolved.
	ScanChanges(ctx context.Context, id string, n int) (ScanChanges, error)
	// ScanHeads lists the scans of the organization (KindScan), newest
	// first, as a list shows them: without their scope, scores, gaps and
	// accounts, which Scan reads. limit <= 0 lists all.
	ScanHeads(ctx context.Context, limit int) ([]ScanHead, error)
}

// ScanHead is a scan without its big columns (scope, stats, scores,
// gaps, accounts, not assessed): what picks the scans an overview shows.
type ScanHead struct {
	ID string `json:"id"`
	// Seq is the scan's row number: a scan started later has a greater
	// one. A COMPLETE scan never changes, so its Seq names its contents.
	Seq      int64     `json:"-"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Status is as Scan's: a RUNNING scan whose process is gone reads as
	// INTERRUPTED.
	Status  string  `json:"status"`
	By      string  `json:"by"`
	Counts  Counts  `json:"counts"`
	Changes Changes `json:"changes"`
}

// OpenCount is the number of open findings of one control in one account
// at one severity.
type OpenCount struct {
	Account  string           `json:"account"`
	OUPath   string           `json:"ou_path,omitempty"`
	Control  string           `json:"control"`
	Severity control.Severity `json:"severity"`
	Count    int              `json:"count"`
}

// OpenSummary is the open findings by account and by control.
type OpenSummary struct {
	// Accounts are the open findings by account and severity (Control
	// is empty).
	Accounts []OpenCount `json:"accounts"`
	// Controls are the open findings by control.
	Controls []ControlOpen `json:"controls"`
}

// ControlOpen is the open findings of one control, in how many accounts,
// and the greatest severity among them (a finding's may be overridden).
type ControlOpen struct {
	Control  string           `json:"control"`
	Severity control.Severity `json:"severity"`
	Accounts int              `json:"accounts"`
	Count    int              `json:"count"`
}

// OpenSummary reads open_by_account and open_by_control (0010).
func (s *sqlStore) OpenSummary(ctx context.Context) (OpenSummary, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return OpenSummary{}, s.errorf("open summary: %w", err)
	}
	defer tx.Rollback()
	var out OpenSummary
	// An account whose findings have more than one OU path (it moved)
	// counts under the greatest, as in OpenCounts.
	if out.Accounts, err = openCounts(ctx, tx, `SELECT account, MAX(ou_path), '', severity, CAST(SUM(n) AS BIGINT)
FROM open_by_account GROUP BY account, severity`); err != nil {
		return OpenSummary{}, s.errorf("open summary: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT control, severity, accounts, n FROM open_by_control`)
	if err != nil {
		return OpenSummary{}, s.errorf("open summary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ControlOpen
		var sev int64
		if err := rows.Scan(&c.Control, &sev, &c.Accounts, &c.Count); err != nil {
			return OpenSummary{}, s.errorf("open summary: %w", err)
		}
		c.Severity = control.Severity(sev)
		out.Controls = append(out.Controls, c)
	}
	if err := rows.Err(); err != nil {
		return OpenSummary{}, s.errorf("open summary: %w", err)
	}
	return out, nil
}

// AccountOpenCounts counts the open findings of account by control and
// severity.
func (s *sqlStore) AccountOpenCounts(ctx context.Context, account string) ([]OpenCount, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, s.errorf("open counts of %s: %w", account, err)
	}
	defer tx.Rollback()
	out, err := openCounts(ctx, tx, s.d.q(`SELECT account, MAX(ou_path), control, severity, CAST(SUM(n) AS BIGINT)
FROM open_counts WHERE account = ? GROUP BY account, control, severity`), account)
	if err != nil {
		return nil, s.errorf("open counts of %s: %w", account, err)
	}
	return out, nil
}

func openCounts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]OpenCount, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OpenCount
	for rows.Next() {
		var c OpenCount
		var sev int64
		if err := rows.Scan(&c.Account, &c.OUPath, &c.Control, &sev, &c.Count); err != nil {
			return nil, err
		}
		c.Severity = control.Severity(sev)
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenCounts counts open findings by account, control and severity,
// from the summary table open_counts.
func (s *sqlStore) OpenCounts(ctx context.Context) ([]OpenCount, error) {
	// open_counts is kept with the findings (see counts.go); an account
	// whose findings have more than one OU path (it moved) counts under
	// the greatest, as the findings themselves would.
	rows, err := s.r.QueryContext(ctx, `SELECT account, MAX(ou_path), control, severity, CAST(SUM(n) AS BIGINT)
FROM open_counts GROUP BY account, control, severity`)
	if err != nil {
		return nil, s.errorf("open counts: %w", err)
	}
	defer rows.Close()
	var out []OpenCount
	for rows.Next() {
		var c OpenCount
		var sev int64
		if err := rows.Scan(&c.Account, &c.OUPath, &c.Control, &sev, &c.Count); err != nil {
			return nil, s.errorf("open counts: %w", err)
		}
		c.Severity = control.Severity(sev)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("open counts: %w", err)
	}
	return out, nil
}

// Version is the last scan's row number and status with the last event's:
// both only grow, and every write to findings records an event.
func (s *sqlStore) Version(ctx context.Context) (string, error) {
	var scan, events int64
	var status string
	err := s.r.QueryRowContext(ctx, `SELECT
 COALESCE((SELECT MAX(seq) FROM scans), 0),
 COALESCE((SELECT status FROM scans ORDER BY seq DESC LIMIT 1), ''),
 COALESCE((SELECT MAX(seq) FROM finding_events), 0)`).Scan(&scan, &status, &events)
	if err != nil {
		return "", s.errorf("version: %w", err)
	}
	return fmt.Sprintf("%d.%s.%d", scan, status, events), nil
}

// EachFinding streams the findings that match f to fn.
func (s *sqlStore) EachFinding(ctx context.Context, f Filter, fn func(*finding.Finding) error) error {
	order, err := orderBy(f)
	if err != nil {
		return s.errorf("findings: %w", err)
	}
	if f.Limit < 0 || f.Offset < 0 {
		return s.errorf("findings: limit %d, offset %d: must not be negative", f.Limit, f.Offset)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return s.errorf("findings: %w", err)
	}
	defer tx.Rollback()
	w, err := s.filter(ctx, tx, f)
	if err != nil {
		return s.errorf("findings: %w", err)
	}
	args := append(w.args, limitArg(f.Limit), int64(f.Offset))
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+findingColumns+` FROM findings`+w.String()+order+` LIMIT ? OFFSET ?`), args...)
	if err != nil {
		return s.errorf("findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRaw(rows)
		if err != nil {
			return s.errorf("findings: %w", err)
		}
		if err := r.decodeAll(); err != nil {
			return s.errorf("findings: %w", err)
		}
		if err := fn(&r.f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.errorf("findings: %w", err)
	}
	return nil
}

// ScanChanges are the findings a scan opened and resolved, the first n of
// each by priority, as they are now.
type ScanChanges struct {
	Opened   []finding.Finding `json:"opened"`
	Resolved []finding.Finding `json:"resolved"`
}

// walkPriorityOver is how many changes of a scan make ScanChanges walk
// the findings in priority order (SQLite): with more, the first few it
// changed are near the start of that order.
const walkPriorityOver = 1000

// ScanChanges reads what scan id opened (a failing finding created or
// reopened) and resolved, n of each by priority. The counts are the
// scan's Changes.
func (s *sqlStore) ScanChanges(ctx context.Context, id string, n int) (ScanChanges, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return ScanChanges{}, s.errorf("scan %s: changes: %w", id, err)
	}
	defer tx.Rollback()
	order, _ := orderBy(Filter{})
	var out ScanChanges
	for _, q := range []struct {
		kinds string
		dst   *[]finding.Finding
	}{{`'created', 'reopened'`, &out.Opened}, {`'resolved'`, &out.Resolved}} {
		cond := ""
		if q.dst == &out.Opened {
			cond = ` AND compliance = 'FAILED'`
		}
		// The first n by priority are chosen on their IDs and sort keys
		// alone; only those n are read whole. When the scan changed many
		// findings, SQLite walks the findings in priority order (their
		// index) and stops at the nth that the scan changed, rather than
		// read every finding it changed and sort them; when it changed
		// few, it reads those. (PostgreSQL's planner weighs the two.)
		from := "findings"
		if s.d.indexedBy && n > 0 {
			var changed int64
			if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM finding_events WHERE scan = ? AND kind IN (`+q.kinds+`)`), id).Scan(&changed); err != nil {
				return ScanChanges{}, s.errorf("scan %s: changes: %w", id, err)
			}
			if changed > walkPriorityOver {
				from = "findings INDEXED BY findings_priority"
			}
		}
		fs, err := queryFindings(ctx, tx, s.d.q(`SELECT `+findingColumns+` FROM findings WHERE id IN
 (SELECT id FROM `+from+` WHERE id IN
 (SELECT finding_id FROM finding_events WHERE scan = ? AND kind IN (`+q.kinds+`))`+cond+order+` LIMIT ?)`+order), id, limitArg(n))
		if err != nil {
			return ScanChanges{}, s.errorf("scan %s: changes: %w", id, err)
		}
		*q.dst = fs
	}
	return out, nil
}

// ScanHeads lists the organization's scans, newest first, reading only
// their small columns: a list of 50 scans of 3,400 targets each decodes
// 50 changes, not 50 scores.
func (s *sqlStore) ScanHeads(ctx context.Context, limit int) ([]ScanHead, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT seq, id, started, finished, status, actor, owner, passed, failed, not_applicable, errors, changes
FROM scans WHERE kind = ? ORDER BY seq DESC LIMIT ?`), KindScan, limitArg(limit))
	if err != nil {
		return nil, s.errorf("scans: %w", err)
	}
	defer rows.Close()
	var out []ScanHead
	for rows.Next() {
		var (
			h                 ScanHead
			started, finished int64
			owner, chg        string
		)
		if err := rows.Scan(&h.Seq, &h.ID, &started, &finished, &h.Status, &h.By, &owner,
			&h.Counts.Passed, &h.Counts.Failed, &h.Counts.NotApplicable, &h.Counts.Error, &chg); err != nil {
			return nil, s.errorf("scans: %w", err)
		}
		h.Started, h.Finished = fromNanos(started), fromNanos(finished)
		if h.Status == Running && !ownerAlive(owner) {
			h.Status = Interrupted
		}
		if err := unmarshal(chg, &h.Changes); err != nil {
			return nil, s.errorf("scans: scan %s: changes: %w", h.ID, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("scans: %w", err)
	}
	return out, nil
}
