package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// testHookFlush, when set (by tests), runs after each batch a write
// transaction sends, with the table and the rows sent so far.
var testHookFlush func(table string, rows int)

// batch sends rows in multi-row statements: head, then row (the
// placeholders of one row) once per row joined by ", ", then tail. The
// statement for a full batch is prepared once.
type batch struct {
	tx              *sql.Tx
	d               dialect
	table           string
	head, row, tail string
	// fixed are arguments that precede the rows' arguments.
	fixed []any
	cols  int
	max   int
	// before flushes what these rows refer to (foreign keys).
	before *batch

	args []any
	n    int
	sent int
	full *sql.Stmt
}

// maxParams keeps statements well under both databases' limits on bound
// parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 16000

func newBatch(tx *sql.Tx, d dialect, table, head, row, tail string, cols int, fixed ...any) *batch {
	max := (maxParams - len(fixed)) / cols
	if max > 1000 {
		max = 1000
	}
	return &batch{tx: tx, d: d, table: table, head: head, row: row, tail: tail, cols: cols, fixed: fixed, max: max}
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
	if b.n == 0 {
		b.args = append(b.args[:0], b.fixed...)
	}
	b.args = append(b.args, vals...)
	b.n++
	if b.n == b.max {
		return b.flush(ctx)
	}
	return nil
}

// flush sends the queued rows.
func (b *batch) flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	if b.before != nil {
		if err := b.before.flush(ctx); err != nil {
			return err
		}
	}
	var err error
	if b.n == b.max {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(ctx, b.text(b.max)); err != nil {
				return fmt.Errorf("%s: %w", b.table, err)
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(ctx, b.text(b.n), b.args...)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", b.table, err)
	}
	b.sent += b.n
	b.n = 0
	b.args = b.args[:0]
	if testHookFlush != nil {
		testHookFlush(b.table, b.sent)
	}
	return nil
}

func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
