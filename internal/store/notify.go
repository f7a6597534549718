package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
)

// Notify is the notifications' outbox, the tickets made for findings and
// the positions of the ticket syncs.
//
// The guarantee: a change and the notifications about it are stored in
// one transaction. FinishScan (a finding new, reopened, resolved, or
// suppressed by a rule), Suppress, CommitWatch (a new alert) and
// FinishBaselineRun (a run that halted, was rolled back or did not
// complete) hand each change to the Router set with SetRouter and
// write the rows it returns, in the transaction of the change. A row is
// unique by (event key, destination): the same change enqueued again is
// not a second notification.
//
// Senders claim due rows with a lease (ClaimOutbox): a row is sent by at
// most one sender at a time, and a row whose sender died is claimed again
// when its lease expires. Delivery is therefore at least once; the row's
// ID travels with each delivery so a receiver can drop a repeat.
type Notify interface {
	// SetRouter sets what turns a change into notifications; nil
	// enqueues nothing (the default).
	SetRouter(r Router)
	// Enqueue writes rows directly (a test message, a sync's comment),
	// skipping those already queued, and says how many are new.
	Enqueue(ctx context.Context, rows []Outgoing) (int, error)
	// ClaimOutbox claims the oldest due row and the other unsent rows of
	// its group (same destination and group) for c.Lease, and returns
	// them, oldest first; none when nothing is due.
	ClaimOutbox(ctx context.Context, c Claim) ([]OutboxRow, error)
	// CompleteOutbox records how a claimed delivery ended. It changes
	// only rows still claimed with d.Token (ErrLeaseLost otherwise).
	CompleteOutbox(ctx context.Context, d Delivery) error
	// Outbox lists rows, newest first.
	Outbox(ctx context.Context, f OutboxFilter) ([]OutboxRow, error)
	// OutboxStatus summarizes the outbox per destination.
	OutboxStatus(ctx context.Context) ([]DestinationStatus, error)
	// RetryOutbox makes dead rows pending again, now: the row id, the
	// dead rows of a destination, or all dead rows. Nothing matching is
	// an error (ErrNotFound).
	RetryOutbox(ctx context.Context, r RetrySelector) (int, error)
	// Tickets lists the tickets of a finding ("" for all), by
	// destination.
	Tickets(ctx context.Context, findingID string) ([]Ticket, error)
	// TicketByKey returns the ticket key of destination (ErrNotFound).
	TicketByKey(ctx context.Context, destination, key string) (Ticket, error)
	// UpdateTicket records a ticket's status and resolution as its
	// tracker reported them.
	UpdateTicket(ctx context.Context, t Ticket) error
	// NotifyCheckpoint returns the position stored under name ("" if
	// none); SetNotifyCheckpoint stores it.
	NotifyCheckpoint(ctx context.Context, name string) (string, error)
	SetNotifyCheckpoint(ctx context.Context, name, position string) error
}

// ErrLeaseLost says a claimed row was claimed again by another sender
// (its lease had expired) or changed (retried, completed) meanwhile.
var ErrLeaseLost = errors.New("outbox lease lost")

// Outbox row status.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// Sources and kinds of changes the store routes.
const (
	SourceFinding = "finding"
	SourceAlert   = "alert"
	SourceRun     = "run"

	ChangeNew        = "new"
	ChangeReopened   = "reopened"
	ChangeResolved   = "resolved"
	ChangeSuppressed = "suppressed"
	ChangeAlert      = "alert"
)

// Change is one change the store hands the router.
type Change struct {
	// Source is SourceFinding, SourceAlert or SourceRun; Kind is the
	// change (ChangeNew...; ChangeAlert; a run's status).
	Source, Kind string
	// Position places the change in its subject's life: the scan that
	// made a finding's change, the time of a suppression, an alert's ID,
	// a run's ID. With the subject and the kind it makes the event key.
	Position string
	Scan     string
	At       time.Time
	Finding  *finding.Finding
	Alert    *Alert
	Run      *BaselineRun
	// Detail is the change's event detail (a suppression's reason, a
	// rule's name).
	Detail string
}

// Key is the change's event key: what it is about, what changed and
// where in its subject's life.
func (c *Change) Key() string {
	switch {
	case c.Finding != nil:
		return "finding/" + c.Finding.ID + "/" + c.Kind + "/" + c.Position
	case c.Alert != nil:
		return "alert/" + c.Position
	case c.Run != nil:
		return "run/" + c.Run.ID + "/" + c.Kind
	}
	return c.Source + "/" + c.Kind + "/" + c.Position
}

// Router turns a change into the notifications to enqueue (none: the
// change notifies nobody). An error aborts the change's transaction.
type Router func(Change) ([]Outgoing, error)

// Outgoing is one notification to enqueue.
type Outgoing struct {
	// Key is the event key (Change.Key); with Destination, unique.
	Key         string
	Destination string
	Route       string
	// FindingID is the finding it is about, if any: its tickets and
	// history.
	FindingID string
	// Group gathers rows sent as one message (a scan's digest; alerts
	// on one rule and resource); "" sends the row alone.
	Group  string
	Digest bool
	// NotBefore delays the first attempt (a grouping window); zero: at
	// once.
	NotBefore time.Time
	// Payload is the event, JSON.
	Payload []byte
}

// OutboxRow is a stored notification.
type OutboxRow struct {
	ID          int64     `json:"id"`
	Destination string    `json:"destination"`
	Route       string    `json:"route,omitempty"`
	Key         string    `json:"key"`
	FindingID   string    `json:"finding_id,omitempty"`
	Group       string    `json:"group,omitempty"`
	Digest      bool      `json:"digest,omitempty"`
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Created     time.Time `json:"created"`
	Sent        time.Time `json:"sent,omitzero"`
	Receipt     string    `json:"receipt,omitempty"`
	Payload     string    `json:"payload,omitempty"`
}

// Claim is a sender's request for work.
type Claim struct {
	// Token identifies the claim; CompleteOutbox must give it back.
	Token string
	// Now is the claim's time (the store's clock when zero); Lease how
	// long the rows stay the sender's.
	Now   time.Time
	Lease time.Duration
	// Skip are destinations not to claim for now (paused by a rate
	// limit).
	Skip []string
	// Destination, when set, claims only its rows.
	Destination string
	// Batch claims, when the oldest due row is alone (no group), up to
	// Batch due rows of its destination that are alone too, each its
	// own message (0 or 1: one).
	Batch int
	// Max bounds the rows of one group claimed at once (0: 100000: a
	// first scan of a large organization is one digest).
	Max int
}

// Delivery is how a claimed delivery ended.
type Delivery struct {
	Token string
	IDs   []int64
	At    time.Time // the store's clock when zero
	// Sent: delivered, with the receiver's receipt. Otherwise Error says
	// why not (scrubbed of secrets by the caller) and Retry when to try
	// again; Dead gives up.
	Sent    bool
	Receipt string
	Error   string
	Retry   time.Time
	Dead    bool
	// Release gives claimed rows back untried: pending at Retry, the
	// claim's attempt not counted, the last error kept.
	Release bool
	// Ticket, when set on a sent delivery, records the ticket the
	// delivery created, in the same transaction (kept if one exists).
	Ticket *Ticket
}

// OutboxFilter selects outbox rows. Empty fields match everything.
type OutboxFilter struct {
	Destination string
	Status      []string
	FindingID   string
	Limit       int
}

// DestinationStatus is the outbox of one destination.
type DestinationStatus struct {
	Destination string `json:"destination"`
	Pending     int    `json:"pending"`
	Sending     int    `json:"sending"`
	Sent        int    `json:"sent"`
	Dead        int    `json:"dead"`
	// LastError is the newest error of a row not sent; NextAttempt the
	// earliest next attempt of a pending row.
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastSent    time.Time `json:"last_sent,omitzero"`
}

// RetrySelector chooses dead rows to retry: one of the three.
type RetrySelector struct {
	ID          int64
	Destination string
	AllDead     bool
	// At is when they become due (the store's clock when zero).
	At time.Time
}

// Ticket is a ticket made in a tracker for a finding.
type Ticket struct {
	FindingID   string    `json:"finding_id"`
	Destination string    `json:"destination"`
	Key         string    `json:"key"`
	Status      string    `json:"status,omitempty"`
	Resolution  string    `json:"resolution,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// SetRouter sets the router; see Notify.
func (s *sqlStore) SetRouter(r Router) {
	s.routerMu.Lock()
	s.router = r
	s.routerMu.Unlock()
}

func (s *sqlStore) route() Router {
	s.routerMu.Lock()
	defer s.routerMu.Unlock()
	return s.router
}

// enqueuer writes the router's rows inside one transaction.
type enqueuer struct {
	tx     *sql.Tx
	d      dialect
	router Router
	stmt   *sql.Stmt
	at     time.Time
	n      int
}

func (s *sqlStore) newEnqueuer(tx *sql.Tx, at time.Time) *enqueuer {
	return &enqueuer{tx: tx, d: s.d, router: s.route(), at: at}
}

// change routes c and writes its rows.
func (e *enqueuer) change(ctx context.Context, c Change) error {
	if e == nil || e.router == nil {
		return nil
	}
	out, err := e.router(c)
	if err != nil {
		return fmt.Errorf("notify: route %s: %w", c.Key(), err)
	}
	return e.write(ctx, out)
}

func (e *enqueuer) write(ctx context.Context, out []Outgoing) error {
	for i := range out {
		o := &out[i]
		if o.Key == "" || o.Destination == "" {
			return fmt.Errorf("notify: a notification needs an event key and a destination")
		}
		if e.stmt == nil {
			st, err := e.tx.PrepareContext(ctx, e.d.q(`INSERT INTO notify_outbox (destination, route, event_key, finding_id, payload, grp, digest, status, attempts, next_attempt, created)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (event_key, destination) DO NOTHING`))
			if err != nil {
				return fmt.Errorf("notify: %w", err)
			}
			e.stmt = st
		}
		next := e.at
		if o.NotBefore.After(next) {
			next = o.NotBefore
		}
		res, err := e.stmt.ExecContext(ctx, o.Destination, o.Route, o.Key, o.FindingID, string(o.Payload), o.Group, boolInt(o.Digest), OutboxPending, next.UnixNano(), e.at.UnixNano())
		if err != nil {
			return fmt.Errorf("notify: enqueue %s to %s: %w", o.Key, o.Destination, err)
		}
		if n, err := res.RowsAffected(); err == nil {
			e.n += int(n)
		}
	}
	return nil
}

func (e *enqueuer) close() {
	if e != nil && e.stmt != nil {
		e.stmt.Close()
	}
}

// findingChange is the notification kind of a finding event, "" for an
// event nobody is told of. f is the finding after all of the scan's
// events.
func findingChange(ev *finding.Event, f *finding.Finding) string {
	switch ev.Kind {
	case "created":
		if f.Compliance == "FAILED" && f.Workflow != finding.Suppressed && f.Workflow != finding.Resolved {
			return ChangeNew
		}
	case "reopened":
		if f.Workflow != finding.Suppressed {
			return ChangeReopened
		}
	case "resolved":
		return ChangeResolved
	case "suppressed":
		return ChangeSuppressed
	}
	return ""
}

// Enqueue writes rows in one transaction; see Notify.
func (s *sqlStore) Enqueue(ctx context.Context, rows []Outgoing) (int, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, s.errorf("enqueue: %w", err)
	}
	defer tx.Rollback()
	e := &enqueuer{tx: tx, d: s.d, at: s.now().UTC()}
	defer e.close()
	if err := e.write(ctx, rows); err != nil {
		return 0, s.errorf("enqueue: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, s.errorf("enqueue: %w", err)
	}
	return e.n, nil
}

const outboxColumns = `id, destination, route, event_key, finding_id, payload, grp, digest, status, attempts, next_attempt, last_error, created, sent, receipt`

func scanOutbox(row rowScanner) (OutboxRow, error) {
	var r OutboxRow
	var digest int64
	var next, created, sent int64
	if err := row.Scan(&r.ID, &r.Destination, &r.Route, &r.Key, &r.FindingID, &r.Payload, &r.Group, &digest, &r.Status, &r.Attempts,
		&next, &r.LastError, &created, &sent, &r.Receipt); err != nil {
		return OutboxRow{}, err
	}
	r.Digest = digest != 0
	r.NextAttempt, r.Created, r.Sent = fromNanos(next), fromNanos(created), fromNanos(sent)
	return r, nil
}

// claimable is the condition of a row a sender may claim at ?: pending
// and due, or claimed by a sender whose lease expired.
const claimable = `((status = 'pending' AND next_attempt <= ?) OR (status = 'sending' AND lease_until <= ?))`

// ClaimOutbox claims one group of due rows; see Notify.
func (s *sqlStore) ClaimOutbox(ctx context.Context, c Claim) ([]OutboxRow, error) {
	if c.Token == "" || c.Lease <= 0 {
		return nil, s.errorf("claim outbox: a claim needs a token and a lease")
	}
	now := c.Now
	if now.IsZero() {
		now = s.now()
	}
	max := c.Max
	if max <= 0 {
		max = 100000
	}
	n := now.UnixNano()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, s.errorf("claim outbox: %w", err)
	}
	defer tx.Rollback()
	q := `SELECT ` + outboxColumns + ` FROM notify_outbox WHERE ` + claimable
	args := []any{n, n}
	if c.Destination != "" {
		q += ` AND destination = ?`
		args = append(args, c.Destination)
	}
	if len(c.Skip) > 0 {
		q += ` AND destination NOT IN ` + placeholders(len(c.Skip))
		for _, d := range c.Skip {
			args = append(args, d)
		}
	}
	q += ` ORDER BY next_attempt, id LIMIT 1`
	first, err := scanOutbox(tx.QueryRowContext(ctx, s.d.q(q), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.errorf("claim outbox: %w", err)
	}
	rows := []OutboxRow{first}
	if first.Group == "" && c.Batch > 1 {
		rs, err := tx.QueryContext(ctx, s.d.q(`SELECT `+outboxColumns+` FROM notify_outbox
 WHERE destination = ? AND grp = '' AND id <> ? AND `+claimable+` ORDER BY next_attempt, id LIMIT ?`),
			first.Destination, first.ID, n, n, c.Batch-1)
		if err != nil {
			return nil, s.errorf("claim outbox: %w", err)
		}
		for rs.Next() {
			r, err := scanOutbox(rs)
			if err != nil {
				rs.Close()
				return nil, s.errorf("claim outbox: %w", err)
			}
			rows = append(rows, r)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, s.errorf("claim outbox: %w", err)
		}
	}
	if first.Group != "" {
		// The rest of the group: every row not sent yet, due or not (a
		// grouping window's later alerts join the first's message), but
		// not one another sender holds.
		rs, err := tx.QueryContext(ctx, s.d.q(`SELECT `+outboxColumns+` FROM notify_outbox
 WHERE destination = ? AND grp = ? AND id <> ? AND (status = 'pending' OR (status = 'sending' AND lease_until <= ?)) ORDER BY id LIMIT ?`),
			first.Destination, first.Group, first.ID, n, max-1)
		if err != nil {
			return nil, s.errorf("claim outbox: %w", err)
		}
		for rs.Next() {
			r, err := scanOutbox(rs)
			if err != nil {
				rs.Close()
				return nil, s.errorf("claim outbox: %w", err)
			}
			rows = append(rows, r)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, s.errorf("claim outbox: %w", err)
		}
	}
	upd, err := tx.PrepareContext(ctx, s.d.q(`UPDATE notify_outbox SET status = 'sending', lease_until = ?, claim_token = ?, attempts = attempts + 1 WHERE id = ?`))
	if err != nil {
		return nil, s.errorf("claim outbox: %w", err)
	}
	defer upd.Close()
	lease := now.Add(c.Lease).UnixNano()
	for i := range rows {
		if _, err := upd.ExecContext(ctx, lease, c.Token, rows[i].ID); err != nil {
			return nil, s.errorf("claim outbox: row %d: %w", rows[i].ID, err)
		}
		rows[i].Status = OutboxSending
		rows[i].Attempts++
	}
	if err := tx.Commit(); err != nil {
		return nil, s.errorf("claim outbox: %w", err)
	}
	return rows, nil
}

// CompleteOutbox records a delivery's end; see Notify.
func (s *sqlStore) CompleteOutbox(ctx context.Context, d Delivery) error {
	if d.Token == "" || len(d.IDs) == 0 {
		return s.errorf("complete outbox: a delivery needs a token and rows")
	}
	at := d.At
	if at.IsZero() {
		at = s.now()
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return s.errorf("complete outbox: %w", err)
	}
	defer tx.Rollback()
	// The rows go by in chunks: a digest may hold more rows than a
	// statement takes variables.
	chunks := func(fn func(ids []any) error) error {
		for rest := d.IDs; len(rest) > 0; {
			n := min(len(rest), 500)
			ids := make([]any, n)
			for i, id := range rest[:n] {
				ids[i] = id
			}
			if err := fn(ids); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	}
	held := 0
	if err := chunks(func(ids []any) error {
		var n int
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM notify_outbox WHERE status = 'sending' AND claim_token = ? AND id IN `+placeholders(len(ids))), append([]any{d.Token}, ids...)...).Scan(&n)
		held += n
		return err
	}); err != nil {
		return s.errorf("complete outbox: %w", err)
	}
	if held != len(d.IDs) {
		return s.errorf("complete outbox: %d of %d rows: %w", len(d.IDs)-held, len(d.IDs), ErrLeaseLost)
	}
	var q string
	var set []any
	switch {
	case d.Sent:
		q = `UPDATE notify_outbox SET status = 'sent', sent = ?, receipt = ?, last_error = '', lease_until = 0, claim_token = ''`
		set = []any{at.UnixNano(), d.Receipt}
	case d.Dead:
		q = `UPDATE notify_outbox SET status = 'dead', last_error = ?, lease_until = 0, claim_token = ''`
		set = []any{d.Error}
	case d.Release:
		retry := d.Retry
		if retry.IsZero() {
			retry = at
		}
		q = `UPDATE notify_outbox SET status = 'pending', attempts = attempts - 1, next_attempt = ?, lease_until = 0, claim_token = ''`
		set = []any{retry.UnixNano()}
	default:
		retry := d.Retry
		if retry.IsZero() {
			retry = at
		}
		q = `UPDATE notify_outbox SET status = 'pending', last_error = ?, next_attempt = ?, lease_until = 0, claim_token = ''`
		set = []any{d.Error, retry.UnixNano()}
	}
	if err := chunks(func(ids []any) error {
		args := append(append(append([]any{}, set...), d.Token), ids...)
		_, err := tx.ExecContext(ctx, s.d.q(q+` WHERE claim_token = ? AND id IN `+placeholders(len(ids))), args...)
		return err
	}); err != nil {
		return s.errorf("complete outbox: %w", err)
	}
	if d.Sent && d.Ticket != nil {
		t := d.Ticket
		if t.FindingID == "" || t.Destination == "" || t.Key == "" {
			return s.errorf("complete outbox: a ticket needs a finding, a destination and a key")
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO notify_tickets (finding_id, destination, ticket, status, resolution, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (finding_id, destination) DO NOTHING`), t.FindingID, t.Destination, t.Key, t.Status, t.Resolution, at.UnixNano(), at.UnixNano()); err != nil {
			return s.errorf("complete outbox: ticket %s: %w", t.Key, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("complete outbox: %w", err)
	}
	return nil
}

// Outbox lists rows, newest first.
func (s *sqlStore) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxRow, error) {
	q := `SELECT ` + outboxColumns + ` FROM notify_outbox WHERE 1 = 1`
	var args []any
	if f.Destination != "" {
		q += ` AND destination = ?`
		args = append(args, f.Destination)
	}
	if f.FindingID != "" {
		q += ` AND finding_id = ?`
		args = append(args, f.FindingID)
	}
	if len(f.Status) > 0 {
		q += ` AND status IN ` + placeholders(len(f.Status))
		for _, st := range f.Status {
			args = append(args, st)
		}
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limitArg(f.Limit))
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, s.errorf("outbox: %w", err)
	}
	defer rows.Close()
	out := []OutboxRow{}
	for rows.Next() {
		r, err := scanOutbox(rows)
		if err != nil {
			return nil, s.errorf("outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("outbox: %w", err)
	}
	return out, nil
}

// OutboxStatus summarizes the outbox per destination, by name.
func (s *sqlStore) OutboxStatus(ctx context.Context) ([]DestinationStatus, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT destination, status, COUNT(*), MIN(next_attempt), MAX(sent) FROM notify_outbox GROUP BY destination, status ORDER BY destination`)
	if err != nil {
		return nil, s.errorf("outbox status: %w", err)
	}
	var out []DestinationStatus
	idx := map[string]int{}
	for rows.Next() {
		var dest, status string
		var n int
		var next, sent int64
		if err := rows.Scan(&dest, &status, &n, &next, &sent); err != nil {
			rows.Close()
			return nil, s.errorf("outbox status: %w", err)
		}
		i, ok := idx[dest]
		if !ok {
			i = len(out)
			idx[dest] = i
			out = append(out, DestinationStatus{Destination: dest})
		}
		d := &out[i]
		switch status {
		case OutboxPending:
			d.Pending, d.NextAttempt = n, fromNanos(next)
		case OutboxSending:
			d.Sending = n
		case OutboxSent:
			d.Sent, d.LastSent = n, fromNanos(sent)
		case OutboxDead:
			d.Dead = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.errorf("outbox status: %w", err)
	}
	for i := range out {
		d := &out[i]
		err := s.r.QueryRowContext(ctx, s.d.q(`SELECT last_error FROM notify_outbox WHERE destination = ? AND status <> 'sent' AND last_error <> '' ORDER BY id DESC LIMIT 1`), d.Destination).Scan(&d.LastError)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, s.errorf("outbox status: %w", err)
		}
	}
	return out, nil
}

// RetryOutbox makes dead rows pending again; see Notify.
func (s *sqlStore) RetryOutbox(ctx context.Context, r RetrySelector) (int, error) {
	at := r.At
	if at.IsZero() {
		at = s.now()
	}
	var where string
	var args []any
	var what string
	switch {
	case r.ID != 0 && r.Destination == "" && !r.AllDead:
		where, args, what = ` AND id = ?`, []any{r.ID}, fmt.Sprintf("dead notification %d", r.ID)
	case r.ID == 0 && r.Destination != "" && !r.AllDead:
		where, args, what = ` AND destination = ?`, []any{r.Destination}, fmt.Sprintf("dead notifications to %s", r.Destination)
	case r.ID == 0 && r.Destination == "" && r.AllDead:
		what = "dead notifications"
	default:
		return 0, s.errorf("retry outbox: choose one of a row, a destination or all dead rows")
	}
	res, err := s.w.ExecContext(ctx, s.d.q(`UPDATE notify_outbox SET status = 'pending', next_attempt = ?, attempts = 0 WHERE status = 'dead'`+where),
		append([]any{at.UnixNano()}, args...)...)
	if err != nil {
		return 0, s.errorf("retry outbox: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.errorf("retry outbox: %w", err)
	}
	if n == 0 {
		return 0, s.errorf("retry outbox: no %s: %w", what, ErrNotFound)
	}
	return int(n), nil
}

const ticketColumns = `finding_id, destination, ticket, status, resolution, created, updated`

func scanTicket(row rowScanner) (Ticket, error) {
	var t Ticket
	var created, updated int64
	if err := row.Scan(&t.FindingID, &t.Destination, &t.Key, &t.Status, &t.Resolution, &created, &updated); err != nil {
		return Ticket{}, err
	}
	t.Created, t.Updated = fromNanos(created), fromNanos(updated)
	return t, nil
}

// Tickets lists a finding's tickets (all for "").
func (s *sqlStore) Tickets(ctx context.Context, findingID string) ([]Ticket, error) {
	q := `SELECT ` + ticketColumns + ` FROM notify_tickets`
	var args []any
	if findingID != "" {
		q += ` WHERE finding_id = ?`
		args = append(args, findingID)
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(q+` ORDER BY finding_id, destination`), args...)
	if err != nil {
		return nil, s.errorf("tickets: %w", err)
	}
	defer rows.Close()
	out := []Ticket{}
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, s.errorf("tickets: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("tickets: %w", err)
	}
	return out, nil
}

// TicketByKey returns a destination's ticket by key.
func (s *sqlStore) TicketByKey(ctx context.Context, destination, key string) (Ticket, error) {
	q := `SELECT ` + ticketColumns + ` FROM notify_tickets WHERE ticket = ?`
	args := []any{key}
	if destination != "" {
		q += ` AND destination = ?`
		args = append(args, destination)
	}
	t, err := scanTicket(s.r.QueryRowContext(ctx, s.d.q(q+` ORDER BY destination LIMIT 1`), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, s.errorf("ticket %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Ticket{}, s.errorf("ticket %s: %w", key, err)
	}
	return t, nil
}

// UpdateTicket records a ticket's status and resolution.
func (s *sqlStore) UpdateTicket(ctx context.Context, t Ticket) error {
	up := t.Updated
	if up.IsZero() {
		up = s.now()
	}
	res, err := s.w.ExecContext(ctx, s.d.q(`UPDATE notify_tickets SET status = ?, resolution = ?, updated = ? WHERE finding_id = ? AND destination = ? AND ticket = ?`),
		t.Status, t.Resolution, up.UnixNano(), t.FindingID, t.Destination, t.Key)
	if err != nil {
		return s.errorf("ticket %s: %w", t.Key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.errorf("ticket %s of finding %s at %s: %w", t.Key, t.FindingID, t.Destination, ErrNotFound)
	}
	return nil
}

// NotifyCheckpoint returns the position stored under name.
func (s *sqlStore) NotifyCheckpoint(ctx context.Context, name string) (string, error) {
	var p string
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT position FROM notify_checkpoints WHERE name = ?`), name).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.errorf("notify checkpoint %s: %w", name, err)
	}
	return p, nil
}

// SetNotifyCheckpoint stores a position under name.
func (s *sqlStore) SetNotifyCheckpoint(ctx context.Context, name, position string) error {
	if strings.TrimSpace(name) == "" {
		return s.errorf("notify checkpoint: a name is required")
	}
	if _, err := s.w.ExecContext(ctx, s.d.q(`INSERT INTO notify_checkpoints (name, position, updated) VALUES (?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated`), name, position, s.now().UnixNano()); err != nil {
		return s.errorf("notify checkpoint %s: %w", name, err)
	}
	return nil
}
