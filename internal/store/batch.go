package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// testHookFlush, when set (by tests), runs after each batch a write
// transaction sends, with the table and the rows sent so far.
var testHookFlush func(table string, rows int)

// batch sends rows in multi-row statements: head, then row (the
// placeholders of one row) once per row joined by ", ", then tail. The
// statement for a full batch is prepared once. An INSERT batch given a
// copier sends its rows with it instead (PostgreSQL's COPY).
type batch struct {
	tx              *sql.Tx
	d               dialect
	table           string
	head, row, tail string
	// fixed are arguments that precede the rows' arguments.
	fixed []any
	cols  int
	max   int
	// key, when >= 0, is the column rows are sorted by before they are
	// sent, up to sortChunk rows at a time: rows by finding ID go into the
	// B-trees keyed by finding ID nearly in order, instead of splitting
	// pages all over them. The sort is stable: a finding's events keep
	// their order.
	key int
	buf []keyed
	// copy, when set, sends rows.
	copy    copier
	columns []string

	args []any
	rows [][]any
	n    int
	sent int
	full *sql.Stmt
}

// copier sends rows into table's columns in bulk and says how many went
// in.
type copier func(ctx context.Context, table string, columns []string, rows [][]any) (int64, error)

type keyed struct {
	key  string
	seq  int
	vals []any
}

// sortChunk bounds the rows a batch holds to sort.
const sortChunk = 50000

// onConflictCounted ends an INSERT whose rows must all be new. A unique
// constraint that may abort makes SQLite keep a statement journal for a
// multi-row INSERT, which in a big transaction costs more than the rows;
// DO NOTHING needs none, and the batch checks that every row went in.
const onConflictCounted = " ON CONFLICT DO NOTHING"

// maxParams keeps statements well under both databases' limits on bound
// parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 16000

func newBatch(tx *sql.Tx, d dialect, table, head, row, tail string, cols int, fixed ...any) *batch {
	max := (maxParams - len(fixed)) / cols
	if max > 1000 {
		max = 1000
	}
	return &batch{tx: tx, d: d, table: table, head: head, row: row, tail: tail, cols: cols, fixed: fixed, max: max, key: -1}
}

// newInsert is a batch of INSERTs of new rows into table's columns, sent
// by copy when it is not nil.
func newInsert(tx *sql.Tx, d dialect, copy copier, table string, columns ...string) *batch {
	b := newBatch(tx, d, table, "INSERT INTO "+table+" ("+strings.Join(columns, ", ")+") VALUES ",
		placeholders(len(columns)), onConflictCounted, len(columns))
	b.columns = columns
	if copy != nil {
		b.copy, b.max = copy, 10000
	}
	return b
}

// sorted makes b sort rows by column key (a string) before sending them.
func (b *batch) sorted(key int) *batch {
	b.key = key
	return b
}

func (b *batch) text(n int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.row)
	}
	sb.WriteString(b.tail)
	return b.d.q(sb.String())
}

// add queues one row; it sends a full batch.
func (b *batch) add(ctx context.Context, vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("%s: %d values for %d columns", b.table, len(vals), b.cols)
	}
	if b.key < 0 {
		return b.queue(ctx, vals)
	}
	b.buf = append(b.buf, keyed{key: vals[b.key].(string), seq: len(b.buf), vals: vals})
	if len(b.buf) == sortChunk {
		return b.drain(ctx)
	}
	return nil
}

// drain queues the held rows in order.
func (b *batch) drain(ctx context.Context) error {
	slices.SortFunc(b.buf, func(x, y keyed) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		return x.seq - y.seq
	})
	for i := range b.buf {
		if err := b.queue(ctx, b.buf[i].vals); err != nil {
			return err
		}
		b.buf[i] = keyed{}
	}
	b.buf = b.buf[:0]
	return nil
}

func (b *batch) queue(ctx context.Context, vals []any) error {
	if b.copy != nil {
		b.rows = append(b.rows, vals)
	} else {
		if b.n == 0 {
			b.args = append(b.args[:0], b.fixed...)
		}
		b.args = append(b.args, vals...)
	}
	b.n++
	if b.n == b.max {
		return b.send(ctx)
	}
	return nil
}

// flush sends every row added.
func (b *batch) flush(ctx context.Context) error {
	if len(b.buf) > 0 {
		if err := b.drain(ctx); err != nil {
			return err
		}
	}
	return b.send(ctx)
}

// send sends the queued rows.
func (b *batch) send(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	var (
		n   int64 = -1
		err error
	)
	switch {
	case b.copy != nil:
		n, err = b.copy(ctx, b.table, b.columns, b.rows)
		clear(b.rows)
		b.rows = b.rows[:0]
	case b.n == b.max:
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(ctx, b.text(b.max)); err != nil {
				return fmt.Errorf("%s: %w", b.table, err)
			}
		}
		n, err = rowsAffected(b.full.ExecContext(ctx, b.args...))
	default:
		n, err = rowsAffected(b.tx.ExecContext(ctx, b.text(b.n), b.args...))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", b.table, err)
	}
	if b.columns != nil && n != int64(b.n) {
		return fmt.Errorf("%s: %d of %d rows were already stored", b.table, int64(b.n)-n, b.n)
	}
	b.sent += b.n
	b.n = 0
	b.args = b.args[:0]
	if testHookFlush != nil {
		testHookFlush(b.table, b.sent)
	}
	return nil
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
