package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/score"
)

// Diff compares the state of the findings as of scan a with their state
// as of scan b. A finding's state as of a scan is what the latest scan up
// to it that judged the finding found: FAILED, PASSED, NOT_APPLICABLE, or
// gone. ERROR is no state: it never fixes, and never makes a failing
// finding appear again. So a target one of the scans did not assess
// neither appears nor is fixed. Appeared fail as of b and did not as of a
// (passed, did not apply, were gone, or were not yet found); Fixed failed
// as of a and did not as of b. Findings are returned as they are now, in priority order.
func (s *sqlStore) Diff(ctx context.Context, a, b string) (Diff, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
	}
	defer tx.Rollback()
	sa, seqA, err := scanScan(tx.QueryRowContext(ctx, s.d.q(`SELECT `+scanColumns+` FROM scans WHERE id = ?`), a))
	if err != nil {
		return Diff{}, s.errorf("diff: %w", notFound("scan", a, err))
	}
	sb, seqB, err := scanScan(tx.QueryRowContext(ctx, s.d.q(`SELECT `+scanColumns+` FROM scans WHERE id = ?`), b))
	if err != nil {
		return Diff{}, s.errorf("diff: %w", notFound("scan", b, err))
	}
	// Only findings some scan judged after the older of the two and up to
	// the newer can differ.
	lo, hi := min(seqA, seqB), max(seqA, seqB)
	const asOf = `COALESCE((SELECT r.compliance FROM scan_results r WHERE r.finding_id = c.finding_id AND r.scan <= ? AND r.compliance <> 'ERROR' ORDER BY r.scan DESC LIMIT 1), '')`
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT c.finding_id, `+asOf+`, `+asOf+`
FROM (SELECT DISTINCT finding_id FROM scan_results WHERE scan > ? AND scan <= ?) c`), seqA, seqB, lo, hi)
	if err != nil {
		return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
	}
	var appeared, fixed []string
	for rows.Next() {
		var id, atA, atB string
		if err := rows.Scan(&id, &atA, &atB); err != nil {
			rows.Close()
			return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
		}
		failedA, failedB := atA == string(control.Failed), atB == string(control.Failed)
		switch {
		case failedB && !failedA:
			appeared = append(appeared, id)
		case failedA && !failedB:
			fixed = append(fixed, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
	}
	out := Diff{A: a, B: b}
	if out.Appeared, err = findingsByID(ctx, tx, s.d, appeared); err != nil {
		return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
	}
	if out.Fixed, err = findingsByID(ctx, tx, s.d, fixed); err != nil {
		return Diff{}, s.errorf("diff %s %s: %w", a, b, err)
	}
	sortPriority(out.Appeared)
	sortPriority(out.Fixed)

	out.Overall = sb.Scores.Overall.Percent - sa.Scores.Overall.Percent
	out.Standards = map[string]float64{}
	for _, st := range sb.Scores.Standards {
		if old, ok := score.Standard(sa.Scores.Standards, st.Standard); ok && old.HasData() && st.HasData() {
			out.Standards[st.Standard] = st.Percent - old.Percent
		}
	}
	out.Accounts = map[string]float64{}
	for _, acct := range sb.Scores.Accounts {
		if old, ok := sa.Scores.Account(acct.Account); ok && old.HasData() && acct.HasData() {
			out.Accounts[acct.Account] = acct.Percent - old.Percent
		}
	}
	return out, nil
}

// findingsByID reads the findings ids, in chunks.
func findingsByID(ctx context.Context, tx *sql.Tx, d dialect, ids []string) ([]finding.Finding, error) {
	var out []finding.Finding
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		fs, err := queryFindings(ctx, tx, d.q(`SELECT `+findingColumns+` FROM findings WHERE id IN `+placeholders(len(chunk))), args...)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// sortPriority orders findings as Filter's "priority": severity, exposure
// (its rank), failing first, newest first seen, ID.
func sortPriority(fs []finding.Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if ar, br := a.Exposure.Rank(), b.Exposure.Rank(); ar != br {
			return ar > br
		}
		if af, bf := a.Compliance == control.Failed, b.Compliance == control.Failed; af != bf {
			return af
		}
		if !a.FirstSeen.Equal(b.FirstSeen) {
			return a.FirstSeen.After(b.FirstSeen)
		}
		return a.ID < b.ID
	})
}

// ScoreHistory returns the scores of the last n complete scans, oldest
// first; n <= 0 returns all. It reads each scan's trend, the few numbers
// of its scores a trend shows, written with the scan (0008): not the
// scores whole, which hold every target's and control's.
func (s *sqlStore) ScoreHistory(ctx context.Context, n int) ([]ScoreAt, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT id, started, trend FROM scans WHERE status = ? AND kind = ? ORDER BY seq DESC LIMIT ?`), Complete, KindScan, limitArg(n))
	if err != nil {
		return nil, s.errorf("score history: %w", err)
	}
	defer rows.Close()
	var out []ScoreAt
	for rows.Next() {
		var (
			id, text string
			started  int64
		)
		if err := rows.Scan(&id, &started, &text); err != nil {
			return nil, s.errorf("score history: %w", err)
		}
		at := ScoreAt{Scan: id, At: fromNanos(started), Standards: map[string]float64{}, Accounts: map[string]float64{}, Regions: map[string]float64{}}
		if err := unmarshal(text, &at); err != nil {
			return nil, s.errorf("score history: scan %s: trend: %w", id, err)
		}
		at.Scan, at.At = id, fromNanos(started)
		out = append(out, at)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("score history: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// trend is what ScoreHistory shows of scores: the overall percentage and
// those of the standards, accounts and regions that have data.
func trend(sc *score.Scores) ScoreAt {
	at := ScoreAt{Overall: sc.Overall.Percent, Standards: map[string]float64{}, Accounts: map[string]float64{}, Regions: map[string]float64{}}
	for _, st := range sc.Standards {
		if st.HasData() {
			at.Standards[st.Standard] = st.Percent
		}
	}
	for _, a := range sc.Accounts {
		if a.HasData() {
			at.Accounts[a.Account] = a.Percent
		}
	}
	for _, r := range sc.Regions {
		if r.HasData() {
			at.Regions[r.Region] = r.Percent
		}
	}
	return at
}

// trendText is trend(sc) as stored in scans.trend (without the scan and
// its time, which are columns of their own).
func trendText(sc *score.Scores) (string, error) {
	at := trend(sc)
	b, err := json.Marshal(struct {
		Overall   float64            `json:"overall"`
		Standards map[string]float64 `json:"standards"`
		Accounts  map[string]float64 `json:"accounts"`
		Regions   map[string]float64 `json:"regions"`
	}{at.Overall, at.Standards, at.Accounts, at.Regions})
	return string(b), err
}

// backfillTrend writes the trend of the scans stored before scans had
// one, from their scores (migration 0008).
func backfillTrend(ctx context.Context, tx *sql.Tx, d dialect) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, scores FROM scans WHERE trend = ''`)
	if err != nil {
		return err
	}
	type row struct {
		seq   int64
		trend string
	}
	var todo []row
	for rows.Next() {
		var (
			seq  int64
			text string
			sc   score.Scores
		)
		if err := rows.Scan(&seq, &text); err != nil {
			rows.Close()
			return err
		}
		if err := unmarshal(text, &sc); err != nil {
			rows.Close()
			return fmt.Errorf("scan %d: scores: %w", seq, err)
		}
		t, err := trendText(&sc)
		if err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, row{seq, t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, d.q(`UPDATE scans SET trend = ? WHERE seq = ?`), r.trend, r.seq); err != nil {
			return err
		}
	}
	return nil
}

func notFound(kind, id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return nil
}
