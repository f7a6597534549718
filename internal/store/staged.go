package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
)

// Staged scans: a scan made of parts that several processes, on one
// machine or many, write into one store (guardrail scan --shard, and a
// queue's workers). The lifecycle is applied once, when the last part
// reports, over the union of the parts' scopes; until then no finding
// changes.
//
// The protocol, for each part:
//
//  1. BeginPart starts the scan with all its parts (the first part to
//     arrive) or joins it (the others): every part must bring the same
//     scope, controls, standards and list of parts, or ErrScanMismatch.
//     A part that runs again (its process died, or it is re-run) starts
//     over: its staged rows are deleted and it is no longer reported.
//  2. StageAccounts stores the part's results account by account as they
//     are ready (report.AccountPart: the account's record, results, gaps
//     and inventory), in rows keyed by (scan, part, account): staging the
//     same account again replaces it. Nothing else changes.
//  3. ReportPart marks the part reported. The part that reports last
//     (whichever process it is: writers are serialized, PostgreSQL by an
//     advisory lock and SQLite by its write lock, so two parts reporting
//     at once complete the scan exactly once) completes the scan in the
//     same transaction: it joins every part's staged accounts into the
//     scan's report (report.Report.Join: coverage and scores over the
//     union), applies it as FinishScan does, and deletes the staged rows.
//
// A staged scan stays RUNNING, whatever process started it, until it
// completes: Scan.Parts and Scan.Reported say how far it is. A part that
// dies leaves it so, and changes nothing; running that part again
// completes it.
type Staged interface {
	// BeginPart starts scan s, or joins it, as part; it returns whether
	// this call started it.
	BeginPart(ctx context.Context, s StagedScan, part string) (started bool, err error)
	// StageAccounts stages accounts for part of scan.
	StageAccounts(ctx context.Context, scan, part string, accounts []report.AccountPart) error
	// ReportPart marks part reported, with its work (stats), and
	// completes the scan when it was the last part. header is the scan's
	// report without results (ID, scope, controls, standards, collectors),
	// the same as BeginPart's; rules apply at completion.
	ReportPart(ctx context.Context, header *report.Report, part string, stats report.Stats, rules *rule.Set) (Completion, error)
	// Parts lists a staged scan's parts, by key.
	Parts(ctx context.Context, scan string) ([]Part, error)
}

// ErrScanMismatch says a part tried to join a scan that differs from it
// (scope, controls, standards, parts), or one that is not staged.
var ErrScanMismatch = errors.New("the scan differs")

// StagedScan is a scan made of parts.
type StagedScan struct {
	// Header is the scan's report without results: ID, Started, Scope,
	// Controls, Standards, Collectors.
	Header *report.Report
	// By is the local user who ran it.
	By string
	// Parts are the parts the scan waits for: "1/3", "2/3", "3/3" for
	// shards, or account IDs for a queue.
	Parts []string
}

// Part is one part of a staged scan.
type Part struct {
	Key string `json:"key"`
	// Reported is when the part reported (zero: not yet).
	Reported time.Time `json:"reported,omitzero"`
	// Accounts is how many accounts it has staged (0 once the scan is
	// complete: the staged rows are gone).
	Accounts int          `json:"accounts"`
	Stats    report.Stats `json:"stats"`
}

// Completion is what ReportPart did.
type Completion struct {
	// Reported of Parts have reported, this one included.
	Reported, Parts int
	// Complete is set when this part completed the scan; Changes are
	// what the scan changed then.
	Complete bool
	Changes  Changes
}

// stagedKey is what every part of a staged scan must agree on.
type stagedKey struct {
	Scope     report.Scope `json:"scope"`
	Controls  []string     `json:"controls"`
	Standards []string     `json:"standards"`
	Parts     []string     `json:"parts"`
}

func keyOf(s StagedScan) (string, error) {
	k := stagedKey{Scope: s.Header.Scope, Parts: s.Parts}
	// The caller's principal may differ between the parts' machines.
	k.Scope.Caller = ""
	for _, c := range s.Header.Controls {
		k.Controls = append(k.Controls, c.ID)
	}
	for _, st := range s.Header.Standards {
		k.Standards = append(k.Standards, st.ID)
	}
	return marshal(k)
}

// BeginPart starts or joins a staged scan; see Staged.
func (s *sqlStore) BeginPart(ctx context.Context, sc StagedScan, part string) (bool, error) {
	if sc.Header == nil || sc.Header.ID == "" {
		return false, s.errorf("begin part: no scan ID")
	}
	id := sc.Header.ID
	if len(sc.Parts) == 0 || !slices.Contains(sc.Parts, part) {
		return false, s.errorf("scan %s: part %q is not one of the scan's parts (%s)", id, part, strings.Join(sc.Parts, ", "))
	}
	if seen := map[string]bool{}; true {
		for _, p := range sc.Parts {
			if p == "" || seen[p] {
				return false, s.errorf("scan %s: parts must be distinct and named: %q", id, p)
			}
			seen[p] = true
		}
	}
	key, err := keyOf(sc)
	if err != nil {
		return false, s.errorf("scan %s: %w", id, err)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return false, s.errorf("scan %s: %w", id, err)
	}
	defer tx.Rollback()
	var (
		status, staged string
		parts          int
		started        bool
	)
	err = tx.QueryRowContext(ctx, s.d.q(`SELECT status, parts, staged FROM scans WHERE id = ?`), id).Scan(&status, &parts, &staged)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		at := sc.Header.Started
		if at.IsZero() {
			at = s.now()
		}
		scope, err := marshal(sc.Header.Scope)
		if err != nil {
			return false, s.errorf("scan %s: %w", id, err)
		}
		// No owner: a staged scan is not one process's, and stays RUNNING
		// until its last part reports.
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO scans (id, started, status, actor, owner, scope, kind, parts, staged) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?)`),
			id, at.UnixNano(), Running, sc.By, scope, KindScan, len(sc.Parts), key); err != nil {
			return false, s.errorf("scan %s: %w", id, err)
		}
		for _, p := range sc.Parts {
			if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO scan_parts (scan, part) VALUES (?, ?)`), id, p); err != nil {
				return false, s.errorf("scan %s: part %s: %w", id, p, err)
			}
		}
		started = true
	case err != nil:
		return false, s.errorf("scan %s: %w", id, err)
	case parts == 0:
		return false, s.errorf("scan %s: %w: it was recorded as a whole scan, not one made of parts", id, ErrScanMismatch)
	case status != Running:
		return false, s.errorf("scan %s is %s: every part has reported; start a new scan", id, status)
	case staged != key:
		return false, s.errorf("scan %s: %w: it was started with %s; this part has %s", id, ErrScanMismatch, describeKey(staged), describeKey(key))
	default:
		// A part that runs again starts over.
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM staged_accounts WHERE scan = ? AND part = ?`), id, part); err != nil {
			return false, s.errorf("scan %s: part %s: %w", id, part, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE scan_parts SET reported = 0, stats = '' WHERE scan = ? AND part = ?`), id, part); err != nil {
			return false, s.errorf("scan %s: part %s: %w", id, part, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, s.errorf("scan %s: %w", id, err)
	}
	return started, nil
}

// describeKey says what a stagedKey holds, for a mismatch.
func describeKey(text string) string {
	var k stagedKey
	if err := unmarshal(text, &k); err != nil {
		return "an unreadable scope"
	}
	sc := k.Scope
	var b strings.Builder
	fmt.Fprintf(&b, "parts [%s], %d controls, standards [%s], regions [%s], include [%s], exclude [%s]",
		strings.Join(k.Parts, " "), len(k.Controls), strings.Join(k.Standards, " "),
		strings.Join(sc.Regions, " "), strings.Join(sc.Include, " "), strings.Join(sc.Exclude, " "))
	if sc.OrgID != "" {
		fmt.Fprintf(&b, ", organization %s", sc.OrgID)
	}
	return b.String()
}

// partOpen checks, in tx, that part of scan may stage or report.
func (s *sqlStore) partOpen(ctx context.Context, tx *sql.Tx, scan, part string) error {
	var status string
	var parts int
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT status, parts FROM scans WHERE id = ?`), scan).Scan(&status, &parts)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: no scan %s (BeginPart starts it)", ErrNotFound, scan)
	case err != nil:
		return err
	case parts == 0:
		return fmt.Errorf("%w: scan %s is not made of parts", ErrScanMismatch, scan)
	case status != Running:
		return fmt.Errorf("scan %s is %s: every part has reported", scan, status)
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM scan_parts WHERE scan = ? AND part = ?`), scan, part).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: part %q is not one of scan %s's parts", ErrScanMismatch, part, scan)
	}
	return nil
}

// StageAccounts stages accounts; see Staged.
func (s *sqlStore) StageAccounts(ctx context.Context, scan, part string, accounts []report.AccountPart) error {
	if len(accounts) == 0 {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return s.errorf("scan %s: part %s: stage: %w", scan, part, err)
	}
	defer tx.Rollback()
	if err := s.partOpen(ctx, tx, scan, part); err != nil {
		return s.errorf("scan %s: part %s: stage: %w", scan, part, err)
	}
	del, err := tx.PrepareContext(ctx, s.d.q(`DELETE FROM staged_accounts WHERE scan = ? AND part = ? AND account = ?`))
	if err != nil {
		return s.errorf("scan %s: part %s: stage: %w", scan, part, err)
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO staged_accounts (scan, account, part, record, results, gaps, inventory) VALUES (?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return s.errorf("scan %s: part %s: stage: %w", scan, part, err)
	}
	defer ins.Close()
	for i := range accounts {
		a := &accounts[i]
		if a.ID == "" {
			return s.errorf("scan %s: part %s: stage: an account part without an account ID", scan, part)
		}
		cols := make([]any, 0, 4)
		for _, v := range []any{a.Account, a.Results, a.Gaps, a.Inventory} {
			text, err := marshal(v)
			if err != nil {
				return s.errorf("scan %s: part %s: stage account %s: %w", scan, part, a.ID, err)
			}
			cols = append(cols, text)
		}
		if strings.Contains(a.ID, "/") || a.Piece < 0 {
			return s.errorf("scan %s: part %s: stage: account part %q piece %d: not an account ID and piece", scan, part, a.ID, a.Piece)
		}
		key := pieceKey(a.ID, a.Piece)
		if _, err := del.ExecContext(ctx, scan, part, key); err != nil {
			return s.errorf("scan %s: part %s: stage account %s: %w", scan, part, a.ID, err)
		}
		if _, err := ins.ExecContext(ctx, append([]any{scan, key, part}, cols...)...); err != nil {
			return s.errorf("scan %s: part %s: stage account %s: %w", scan, part, a.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("scan %s: part %s: stage: %w", scan, part, err)
	}
	return nil
}

// ReportPart reports a part, and completes the scan after the last; see
// Staged.
func (s *sqlStore) ReportPart(ctx context.Context, header *report.Report, part string, stats report.Stats, rules *rule.Set) (Completion, error) {
	if header == nil || header.ID == "" {
		return Completion{}, s.errorf("report part: no scan ID")
	}
	scan := header.ID
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return Completion{}, s.errorf("scan %s: part %s: %w", scan, part, err)
	}
	defer conn.Close()
	tx, err := s.beginWriteOn(ctx, conn)
	if err != nil {
		return Completion{}, s.errorf("scan %s: part %s: %w", scan, part, err)
	}
	defer tx.Rollback()
	if err := s.partOpen(ctx, tx, scan, part); err != nil {
		return Completion{}, s.errorf("scan %s: part %s: report: %w", scan, part, err)
	}
	st, err := marshal(stats)
	if err != nil {
		return Completion{}, s.errorf("scan %s: part %s: %w", scan, part, err)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE scan_parts SET reported = ?, stats = ? WHERE scan = ? AND part = ?`), s.now().UnixNano(), st, scan, part); err != nil {
		return Completion{}, s.errorf("scan %s: part %s: report: %w", scan, part, err)
	}
	var c Completion
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN reported <> 0 THEN 1 ELSE 0 END), 0) FROM scan_parts WHERE scan = ?`), scan).Scan(&c.Parts, &c.Reported); err != nil {
		return Completion{}, s.errorf("scan %s: part %s: report: %w", scan, part, err)
	}
	if c.Reported < c.Parts {
		if err := tx.Commit(); err != nil {
			return Completion{}, s.errorf("scan %s: part %s: report: %w", scan, part, err)
		}
		return c, nil
	}
	rep, err := s.joinStaged(ctx, tx, header)
	if err != nil {
		return Completion{}, s.errorf("scan %s: complete: %w", scan, err)
	}
	if c.Changes, err = s.finishIn(ctx, conn, tx, rep, rules); err != nil {
		return Completion{}, err
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM staged_accounts WHERE scan = ?`), scan); err != nil {
		return Completion{}, s.errorf("scan %s: complete: %w", scan, err)
	}
	if err := tx.Commit(); err != nil {
		return Completion{}, s.errorf("scan %s: complete: commit: %w", scan, err)
	}
	s.afterScan(ctx, len(rep.Results))
	c.Complete = true
	return c, nil
}

// joinStaged builds, in tx, the report of a staged scan whose parts have
// all reported: header's controls and standards, the scan's recorded
// start and scope, every part's staged accounts, and the parts' work.
func (s *sqlStore) joinStaged(ctx context.Context, tx *sql.Tx, header *report.Report) (*report.Report, error) {
	rep := &report.Report{ID: header.ID, Controls: header.Controls, Standards: header.Standards, Collectors: header.Collectors, Scope: header.Scope}
	var started int64
	var scope string
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT started, scope FROM scans WHERE id = ?`), header.ID).Scan(&started, &scope); err != nil {
		return nil, err
	}
	rep.Started = fromNanos(started)
	if err := unmarshal(scope, &rep.Scope); err != nil {
		return nil, fmt.Errorf("scope: %w", err)
	}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT stats FROM scan_parts WHERE scan = ?`), header.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var text string
		var ps report.Stats
		if err := rows.Scan(&text); err != nil {
			rows.Close()
			return nil, err
		}
		if err := unmarshal(text, &ps); err != nil {
			rows.Close()
			return nil, fmt.Errorf("part stats: %w", err)
		}
		addStats(&rep.Stats, ps)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.d.q(`SELECT account, part, record, results, gaps, inventory FROM staged_accounts WHERE scan = ? ORDER BY account, part`), header.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var parts []report.AccountPart
	for rows.Next() {
		var p report.AccountPart
		var part, record, results, gaps, inv string
		if err := rows.Scan(&p.ID, &part, &record, &results, &gaps, &inv); err != nil {
			return nil, err
		}
		p.ID, _, _ = strings.Cut(p.ID, "/")
		for _, f := range []struct {
			name, text string
			v          any
		}{{"record", record, &p.Account}, {"results", results, &p.Results}, {"gaps", gaps, &p.Gaps}, {"inventory", inv, &p.Inventory}} {
			if err := unmarshal(f.text, f.v); err != nil {
				return nil, fmt.Errorf("account %s (part %s): %s: %w", p.ID, part, f.name, err)
			}
		}
		parts = append(parts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep.Join(parts)
	rep.Finished = s.now().UTC()
	rep.Stats.Accounts = len(rep.Accounts)
	return rep, nil
}

// pieceKey is the staged row's account key of an account's piece: the
// account ID for piece 0 (as rows staged before pieces existed), else
// "<account>/<piece>", which sorts after the account's piece 0 and
// before the next account.
func pieceKey(id string, piece int) string {
	if piece == 0 {
		return id
	}
	return fmt.Sprintf("%s/%d", id, piece)
}

// addStats adds a part's work to a scan's: counts add up, the wall time
// is the longest part's.
func addStats(to *report.Stats, p report.Stats) {
	to.Targets += p.Targets
	to.Tasks += p.Tasks
	to.APICalls += p.APICalls
	to.Retries += p.Retries
	to.Errors += p.Errors
	to.WallSecs = max(to.WallSecs, p.WallSecs)
}

// Parts lists a staged scan's parts; see Staged.
func (s *sqlStore) Parts(ctx context.Context, scan string) ([]Part, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT p.part, p.reported, p.stats,
  (SELECT COUNT(*) FROM staged_accounts a WHERE a.scan = p.scan AND a.part = p.part AND a.record <> '')
FROM scan_parts p WHERE p.scan = ?`), scan)
	if err != nil {
		return nil, s.errorf("scan %s: parts: %w", scan, err)
	}
	defer rows.Close()
	var out []Part
	for rows.Next() {
		var p Part
		var reported int64
		var stats string
		if err := rows.Scan(&p.Key, &reported, &stats, &p.Accounts); err != nil {
			return nil, s.errorf("scan %s: parts: %w", scan, err)
		}
		p.Reported = fromNanos(reported)
		if err := unmarshal(stats, &p.Stats); err != nil {
			return nil, s.errorf("scan %s: part %s: stats: %w", scan, p.Key, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("scan %s: parts: %w", scan, err)
	}
	if out == nil {
		if _, err := s.Scan(ctx, scan); err != nil {
			return nil, err
		}
	}
	return out, nil
}
