package store

import (
	"context"
	"fmt"

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
	// Version changes when a scan starts or finishes, or a finding
	// changes (every change of a finding is an event). Equal versions
	// mean equal data, so a reader may cache what it derived.
	Version(ctx context.Context) (string, error)
	// EachFinding calls fn with each finding that matches f, in f's order
	// (f.Limit and f.Offset apply), reading them as it goes: for exports
	// of any size. An error from fn stops it and is returned.
	EachFinding(ctx context.Context, f Filter, fn func(*finding.Finding) error) error
}

// OpenCount is the number of open findings of one control in one account
// at one severity.
type OpenCount struct {
	Account     string           `json:"account"`
	AccountName string           `json:"account_name,omitempty"`
	OUPath      string           `json:"ou_path,omitempty"`
	Control     string           `json:"control"`
	Severity    control.Severity `json:"severity"`
	Count       int              `json:"count"`
}

// OpenCounts counts open findings by account, control and severity.
func (s *sqlStore) OpenCounts(ctx context.Context) ([]OpenCount, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT account, MAX(account_name), MAX(ou_path), control, severity, COUNT(*)
FROM findings WHERE compliance = ? AND workflow IN (?, ?)
GROUP BY account, control, severity`), string(control.Failed), string(finding.New), string(finding.Notified))
	if err != nil {
		return nil, s.errorf("open counts: %w", err)
	}
	defer rows.Close()
	var out []OpenCount
	for rows.Next() {
		var c OpenCount
		var sev int64
		if err := rows.Scan(&c.Account, &c.AccountName, &c.OUPath, &c.Control, &sev, &c.Count); err != nil {
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
	order, err := orderBy(f.Order)
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
