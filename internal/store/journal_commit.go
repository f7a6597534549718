package store

import (
	"context"
	"database/sql"
	"sync"
)

// Group commit of the journal's step writes.
//
// An apply or a rollback journals every change twice from hundreds of
// workers at once: the prior state before the change is sent (which must
// be durable first) and the outcome after it. One transaction each made
// the journal a third of a run's CPU: SQLite parsed every statement
// again, took its write lock, wrote and synced its WAL frames once per
// change. Instead, the writes that arrive while a transaction commits
// wait for it and then go together in the next one. Each caller still
// returns only once the transaction holding its write has committed, so
// what is durable before a change is sent is unchanged; only the number
// of transactions (and of WAL pages written) falls with the load: one
// worker alone gets a transaction per write, as before.
//
// There is no background goroutine: the first caller to find no commit
// under way leads, commits what is queued (its own write with it), then
// hands the lead to the first write that arrived meanwhile, so no caller
// commits for others for long. A batch whose transaction fails (a write
// refused: an unknown run, a step not found) is rolled back and its
// writes are retried each in a transaction of its own, so one bad write
// fails alone, as it would have without batching.

// journalWrite is one caller's write, run inside a transaction.
type journalWrite struct {
	run  func(ctx context.Context, tx *sql.Tx, st *journalStmts) error
	err  error
	wake chan bool // true: lead the next batch; false: done, see err
}

// journalCommitter queues journal writes (see above).
type journalCommitter struct {
	mu      sync.Mutex
	busy    bool
	pending []*journalWrite

	stmtMu sync.Mutex
	stmts  *journalStmts
}

// journalStmts are the journal's step statements, prepared once on the
// write pool (SQLite parses a statement for about as long as it runs
// one of these).
type journalStmts struct {
	insert, get, status, want *sql.Stmt
}

func (st *journalStmts) close() {
	for _, s := range []*sql.Stmt{st.insert, st.get, st.status, st.want} {
		if s != nil {
			s.Close()
		}
	}
}

// journalStatements prepares the step statements the first time; nil
// (and each write prepares its own) if that fails.
func (s *sqlStore) journalStatements(ctx context.Context) *journalStmts {
	c := &s.journal
	c.stmtMu.Lock()
	defer c.stmtMu.Unlock()
	if c.stmts != nil {
		return c.stmts
	}
	st := &journalStmts{}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&st.insert, insertStepSQL},
		{&st.get, getStepSQL},
		{&st.status, setStatusSQL},
		{&st.want, setWantSQL},
	} {
		ps, err := s.w.PrepareContext(ctx, s.d.q(p.query))
		if err != nil {
			st.close()
			return nil
		}
		*p.dst = ps
	}
	c.stmts = st
	return st
}

// closeJournal closes the prepared statements.
func (s *sqlStore) closeJournal() {
	c := &s.journal
	c.stmtMu.Lock()
	defer c.stmtMu.Unlock()
	if c.stmts != nil {
		c.stmts.close()
		c.stmts = nil
	}
}

// stmt returns the prepared statement p bound to tx, or query prepared
// on tx when there is none.
func (s *sqlStore) stmt(ctx context.Context, tx *sql.Tx, p *sql.Stmt, query string) (*sql.Stmt, error) {
	if p != nil {
		return tx.StmtContext(ctx, p), nil
	}
	return tx.PrepareContext(ctx, s.d.q(query))
}

// writeJournal runs w in a committed transaction, with the writes of
// other callers queued meanwhile, and returns w's error.
func (s *sqlStore) writeJournal(ctx context.Context, run func(ctx context.Context, tx *sql.Tx, st *journalStmts) error) error {
	w := &journalWrite{run: run, wake: make(chan bool, 1)}
	c := &s.journal
	c.mu.Lock()
	c.pending = append(c.pending, w)
	if c.busy {
		c.mu.Unlock()
		if lead := <-w.wake; !lead {
			return w.err
		}
		c.mu.Lock()
	}
	c.busy = true
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()

	// The batch holds other callers' writes: it goes on if this caller's
	// context is cancelled (a write is short; SQLite's busy timeout
	// bounds the wait for another process's lock).
	s.commitJournal(context.WithoutCancel(ctx), batch)

	c.mu.Lock()
	if len(c.pending) > 0 {
		c.pending[0].wake <- true
	} else {
		c.busy = false
	}
	c.mu.Unlock()
	for _, x := range batch {
		if x != w {
			x.wake <- false
		}
	}
	return w.err
}

// commitJournal runs batch in one transaction, or, if that fails, each
// write in its own.
func (s *sqlStore) commitJournal(ctx context.Context, batch []*journalWrite) {
	st := s.journalStatements(ctx)
	if st == nil {
		st = &journalStmts{}
	}
	if len(batch) > 1 {
		if s.journalTx(ctx, st, batch...) == nil {
			for _, w := range batch {
				w.err = nil
			}
			return
		}
	}
	for _, w := range batch {
		w.err = s.journalTx(ctx, st, w)
	}
}

// journalTx runs writes in one write transaction; the first error rolls
// it back.
func (s *sqlStore) journalTx(ctx context.Context, st *journalStmts, writes ...*journalWrite) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, w := range writes {
		if err := w.run(ctx, tx, st); err != nil {
			return err
		}
	}
	return tx.Commit()
}
