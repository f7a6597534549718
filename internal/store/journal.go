package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Journal keeps the baseline's runs and, for every change a run makes,
// the exact state before it. JournalStep must be durable before the
// change is sent: it commits its own transaction (SQLite in WAL mode
// survives a killed process at commit; PostgreSQL commits
// synchronously), so a process killed at any point leaves every change
// it may have made journaled.
type Journal interface {
	// StartBaselineRun records run (Status RUNNING, owned by this
	// process). If a run with its ID exists and is of the same kind, it
	// is resumed: it becomes RUNNING and owned by this process again,
	// and the stored run is returned, with its spec.
	StartBaselineRun(ctx context.Context, run BaselineRun) (BaselineRun, error)
	// FinishBaselineRun sets a run's final status.
	FinishBaselineRun(ctx context.Context, id, status string, finished time.Time) error
	// BaselineRuns lists runs, newest first (limit <= 0: all).
	BaselineRuns(ctx context.Context, limit int) ([]BaselineRun, error)
	// BaselineRun returns one run (ErrNotFound if none).
	BaselineRun(ctx context.Context, id string) (BaselineRun, error)
	// JournalStep records a step about to change its target, PENDING,
	// with its prior state. The first record of a step wins: journaling
	// it again (a resumed run) keeps the prior state already stored and
	// returns the stored step.
	JournalStep(ctx context.Context, step BaselineStep) (BaselineStep, error)
	// SetStepStatus records how a step ended (DONE, FAILED,
	// ROLLED_BACK) with a detail (the error, or the rollback run).
	SetStepStatus(ctx context.Context, run string, k StepKey, status, detail string) error
	// SetStepStatuses records several outcomes at once, all or none
	// (a rollback's restore DONE with the undone step ROLLED_BACK).
	SetStepStatuses(ctx context.Context, updates ...StepStatus) error
	// BaselineSteps lists a run's steps in the order they were
	// journaled.
	BaselineSteps(ctx context.Context, run string) ([]BaselineStep, error)
	// RecordStepWant replaces a step's Want with the state the change
	// actually left (read back after it: AWS fills in IDs, defaults and
	// versions), so that a rollback can tell a later change by someone
	// else from its own.
	RecordStepWant(ctx context.Context, run string, k StepKey, want json.RawMessage) error
	// RecordRunOutcome stores what came of a run (JSON the engine
	// defines), replacing what was recorded before.
	RecordRunOutcome(ctx context.Context, id string, outcome json.RawMessage) error
}

// Engines that journal runs.
const (
	EngineBaseline  = "baseline"
	EngineRemediate = "remediate"
)

// Baseline run kinds.
const (
	RunApply    = "apply"
	RunRollback = "rollback"
)

// Baseline run statuses: Running, Complete and Interrupted (as scans),
// and Partial: finished with steps that failed.
const Partial = "PARTIAL"

// Baseline step statuses.
const (
	StepPending    = "PENDING"
	StepDone       = "DONE"
	StepFailed     = "FAILED"
	StepRolledBack = "ROLLED_BACK"
)

// BaselineRun is one apply or rollback.
type BaselineRun struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Of       string    `json:"of,omitempty"` // the run a rollback undoes
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Status   string    `json:"status"`
	By       string    `json:"by"`
	// Spec is the baseline spec the run applied, as written, and
	// SpecName where it came from.
	Spec     string `json:"-"`
	SpecName string `json:"spec_name,omitempty"`
	// Engine made the run: EngineBaseline (when empty) or
	// EngineRemediate. A run is resumed and rolled back by its engine.
	Engine string `json:"engine"`
	// Outcome is what came of the run, as its engine records it.
	Outcome json.RawMessage `json:"outcome,omitempty"`
}

// StepKey names a step within its run. Region is the target's region
// (the home region for an account-wide item).
type StepKey struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Item    string `json:"item"`
}

// StepStatus is an outcome SetStepStatuses records: a step's status
// and detail.
type StepStatus struct {
	Run string
	StepKey
	Status, Detail string
}

// BaselineStep is one journaled change.
type BaselineStep struct {
	Run string `json:"run"`
	StepKey
	Status string `json:"status"`
	// Wave is the wave of the run that made the step (0 when the run
	// has none).
	Wave   int             `json:"wave,omitempty"`
	Prior  json.RawMessage `json:"prior"`
	Want   json.RawMessage `json:"want"`
	Detail string          `json:"detail,omitempty"`
	// Journaled is when the prior state was stored; Updated when the
	// status last changed.
	Journaled time.Time `json:"journaled"`
	Updated   time.Time `json:"updated"`
}

func (s *sqlStore) StartBaselineRun(ctx context.Context, r BaselineRun) (BaselineRun, error) {
	if r.ID == "" || (r.Kind != RunApply && r.Kind != RunRollback) {
		return BaselineRun{}, s.errorf("start baseline run %q: want an ID and kind apply or rollback, got %q", r.ID, r.Kind)
	}
	if r.Started.IsZero() {
		r.Started = s.now()
	}
	if r.Engine == "" {
		r.Engine = EngineBaseline
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return BaselineRun{}, s.errorf("start baseline run %s: %w", r.ID, err)
	}
	defer tx.Rollback()
	old, err := scanRun(tx.QueryRowContext(ctx, s.d.q(`SELECT `+runColumns+` FROM baseline_runs WHERE id = ?`), r.ID))
	switch {
	case err == nil:
		if old.Kind != r.Kind || old.Engine != r.Engine {
			return BaselineRun{}, s.errorf("start baseline run %s: it is a recorded %s %s, not a %s %s", r.ID, old.Engine, old.Kind, r.Engine, r.Kind)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE baseline_runs SET status = ?, owner = ?, finished = 0 WHERE id = ?`), Running, s.owner, r.ID); err != nil {
			return BaselineRun{}, s.errorf("resume baseline run %s: %w", r.ID, err)
		}
		old.Status, old.Finished = Running, time.Time{}
		r = old
	case errors.Is(err, sql.ErrNoRows):
		r.Status = Running
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO baseline_runs (id, kind, of_run, started, status, actor, owner, spec, spec_name, engine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.ID, r.Kind, r.Of, r.Started.UnixNano(), Running, r.By, s.owner, r.Spec, r.SpecName, r.Engine); err != nil {
			return BaselineRun{}, s.errorf("start baseline run %s: %w", r.ID, err)
		}
	default:
		return BaselineRun{}, s.errorf("start baseline run %s: %w", r.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return BaselineRun{}, s.errorf("start baseline run %s: %w", r.ID, err)
	}
	return r, nil
}

func (s *sqlStore) FinishBaselineRun(ctx context.Context, id, status string, finished time.Time) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return s.errorf("finish baseline run %s: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.q(`UPDATE baseline_runs SET status = ?, finished = ? WHERE id = ?`), status, nanos(finished), id)
	if err != nil {
		return s.errorf("finish baseline run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.errorf("finish baseline run %s: %w", id, ErrNotFound)
	}
	if s.route() != nil {
		run, err := scanRun(tx.QueryRowContext(ctx, s.d.q(`SELECT `+runColumns+` FROM baseline_runs WHERE id = ?`), id))
		if err != nil {
			return s.errorf("finish baseline run %s: %w", id, err)
		}
		// A run that did not complete, and every rollback, is news; a
		// run that did what it planned is in its report.
		kind := ""
		switch {
		case status != Complete:
			kind = strings.ToLower(status)
		case run.Kind == RunRollback:
			kind = "rolled_back"
		}
		if kind != "" {
			e := s.newEnqueuer(tx, s.now().UTC())
			defer e.close()
			if err := e.change(ctx, Change{Source: SourceRun, Kind: kind, Position: id, At: finished, Run: &run}); err != nil {
				return s.errorf("finish baseline run %s: %w", id, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("finish baseline run %s: %w", id, err)
	}
	return nil
}

const runColumns = `id, kind, of_run, started, finished, status, actor, owner, spec, spec_name, engine, outcome`

// scanRun reads a baseline_runs row; a RUNNING run whose process is
// gone reads as INTERRUPTED.
func scanRun(row rowScanner) (BaselineRun, error) {
	var r BaselineRun
	var started, finished int64
	var owner, outcome string
	if err := row.Scan(&r.ID, &r.Kind, &r.Of, &started, &finished, &r.Status, &r.By, &owner, &r.Spec, &r.SpecName, &r.Engine, &outcome); err != nil {
		return BaselineRun{}, err
	}
	if outcome != "" {
		r.Outcome = json.RawMessage(outcome)
	}
	r.Started, r.Finished = fromNanos(started), fromNanos(finished)
	if r.Status == Running && !ownerAlive(owner) {
		r.Status = Interrupted
	}
	return r, nil
}

func (s *sqlStore) BaselineRuns(ctx context.Context, limit int) ([]BaselineRun, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT `+runColumns+` FROM baseline_runs ORDER BY seq DESC LIMIT ?`), limitArg(limit))
	if err != nil {
		return nil, s.errorf("baseline runs: %w", err)
	}
	defer rows.Close()
	var out []BaselineRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, s.errorf("baseline runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("baseline runs: %w", err)
	}
	return out, nil
}

func (s *sqlStore) BaselineRun(ctx context.Context, id string) (BaselineRun, error) {
	r, err := scanRun(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+runColumns+` FROM baseline_runs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return BaselineRun{}, s.errorf("baseline run %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return BaselineRun{}, s.errorf("baseline run %s: %w", id, err)
	}
	return r, nil
}

const stepColumns = `run_id, account, region, item, status, prior, want, detail, journaled, updated, wave`

func scanStep(row rowScanner) (BaselineStep, error) {
	var st BaselineStep
	var prior, want string
	var journaled, updated int64
	if err := row.Scan(&st.Run, &st.Account, &st.Region, &st.Item, &st.Status, &prior, &want, &st.Detail, &journaled, &updated, &st.Wave); err != nil {
		return BaselineStep{}, err
	}
	st.Prior, st.Want = json.RawMessage(prior), json.RawMessage(want)
	st.Journaled, st.Updated = fromNanos(journaled), fromNanos(updated)
	return st, nil
}

// The journal's step statements (see journal_commit.go).
const (
	insertStepSQL = `INSERT INTO baseline_steps (` + stepColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)
ON CONFLICT (run_id, account, region, item) DO NOTHING`
	getStepSQL   = `SELECT ` + stepColumns + ` FROM baseline_steps WHERE run_id = ? AND account = ? AND region = ? AND item = ?`
	setStatusSQL = `UPDATE baseline_steps SET status = ?, detail = ?, updated = ? WHERE run_id = ? AND account = ? AND region = ? AND item = ?`
	setWantSQL   = `UPDATE baseline_steps SET want = ?, updated = ? WHERE run_id = ? AND account = ? AND region = ? AND item = ?`
)

func (s *sqlStore) JournalStep(ctx context.Context, st BaselineStep) (BaselineStep, error) {
	name := st.Run + " " + st.Account + "/" + st.Region + " " + st.Item
	if !json.Valid(st.Prior) || !json.Valid(st.Want) {
		return BaselineStep{}, s.errorf("journal %s: prior and want must be JSON", name)
	}
	// A cancelled caller journals nothing: it will not send the change.
	if err := ctx.Err(); err != nil {
		return BaselineStep{}, s.errorf("journal %s: %w", name, err)
	}
	now := s.now().UnixNano()
	var got BaselineStep
	err := s.writeJournal(ctx, func(ctx context.Context, tx *sql.Tx, ps *journalStmts) error {
		ins, err := s.stmt(ctx, tx, ps.insert, insertStepSQL)
		if err != nil {
			return err
		}
		res, err := ins.ExecContext(ctx, st.Run, st.Account, st.Region, st.Item, StepPending, string(st.Prior), string(st.Want), now, now, st.Wave)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			// Stored as given: no need to read it back.
			got = BaselineStep{Run: st.Run, StepKey: st.StepKey, Status: StepPending, Wave: st.Wave, Prior: st.Prior, Want: st.Want,
				Journaled: fromNanos(now), Updated: fromNanos(now)}
			return nil
		}
		// Journaled before (a resumed run): the first record wins.
		sel, err := s.stmt(ctx, tx, ps.get, getStepSQL)
		if err != nil {
			return err
		}
		got, err = scanStep(sel.QueryRowContext(ctx, st.Run, st.Account, st.Region, st.Item))
		return err
	})
	if err != nil {
		return BaselineStep{}, s.errorf("journal %s: %w", name, err)
	}
	return got, nil
}

func (s *sqlStore) RecordStepWant(ctx context.Context, run string, k StepKey, want json.RawMessage) error {
	if !json.Valid(want) {
		return s.errorf("baseline step %s %s/%s %s: the state is not JSON", run, k.Account, k.Region, k.Item)
	}
	now := s.now().UnixNano()
	err := s.writeJournal(ctx, func(ctx context.Context, tx *sql.Tx, ps *journalStmts) error {
		up, err := s.stmt(ctx, tx, ps.want, setWantSQL)
		if err != nil {
			return err
		}
		return oneRow(up.ExecContext(ctx, string(want), now, run, k.Account, k.Region, k.Item))
	})
	if err != nil {
		return s.errorf("baseline step %s %s/%s %s: %w", run, k.Account, k.Region, k.Item, err)
	}
	return nil
}

// oneRow is the error of a statement that must change one row:
// ErrNotFound if it changed none.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s *sqlStore) RecordRunOutcome(ctx context.Context, id string, outcome json.RawMessage) error {
	if !json.Valid(outcome) {
		return s.errorf("record the outcome of run %s: not JSON", id)
	}
	res, err := s.w.ExecContext(ctx, s.d.q(`UPDATE baseline_runs SET outcome = ? WHERE id = ?`), string(outcome), id)
	if err != nil {
		return s.errorf("record the outcome of run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.errorf("record the outcome of run %s: %w", id, ErrNotFound)
	}
	return nil
}

func (s *sqlStore) SetStepStatus(ctx context.Context, run string, k StepKey, status, detail string) error {
	return s.SetStepStatuses(ctx, StepStatus{Run: run, StepKey: k, Status: status, Detail: detail})
}

func (s *sqlStore) SetStepStatuses(ctx context.Context, updates ...StepStatus) error {
	if len(updates) == 0 {
		return nil
	}
	now := s.now().UnixNano()
	var failed StepStatus
	err := s.writeJournal(ctx, func(ctx context.Context, tx *sql.Tx, ps *journalStmts) error {
		up, err := s.stmt(ctx, tx, ps.status, setStatusSQL)
		if err != nil {
			return err
		}
		for _, u := range updates {
			if err := oneRow(up.ExecContext(ctx, u.Status, u.Detail, now, u.Run, u.Account, u.Region, u.Item)); err != nil {
				failed = u
				return err
			}
		}
		return nil
	})
	if err != nil {
		if failed.Run == "" {
			failed = updates[0]
		}
		return s.errorf("baseline step %s %s/%s %s: %w", failed.Run, failed.Account, failed.Region, failed.Item, err)
	}
	return nil
}

func (s *sqlStore) BaselineSteps(ctx context.Context, run string) ([]BaselineStep, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT `+stepColumns+` FROM baseline_steps WHERE run_id = ? ORDER BY journaled, account, region, item`), run)
	if err != nil {
		return nil, s.errorf("baseline steps of %s: %w", run, err)
	}
	defer rows.Close()
	var out []BaselineStep
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return nil, s.errorf("baseline steps of %s: %w", run, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("baseline steps of %s: %w", run, err)
	}
	return out, nil
}
