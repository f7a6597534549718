package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Options configure a Deliverer.
type Options struct {
	Store  store.Store
	Sender *notify.Sender
	// Now is the clock (required); Wait waits d or until ctx ends
	// (default: a timer). Tests give both, so a Retry-After is waited
	// out without sleeping.
	Now  func() time.Time
	Wait func(ctx context.Context, d time.Duration) error
	// Lease is how long a claimed row stays this deliverer's (default
	// 2m): longer than one delivery takes, its timeouts included.
	Lease time.Duration
	// MaxAttempts: a row that failed this many times is dead (default
	// 10). A permanent error (a 4xx but 429) makes it dead at once.
	MaxAttempts int
	// Backoff is the wait after a first failure, doubled after each
	// next one up to MaxBackoff (defaults 10s and 30m), with jitter:
	// between half of it and all of it.
	Backoff, MaxBackoff time.Duration
	// Jitter returns a number in [0, 1) (default math/rand/v2).
	Jitter func() float64
	// Token names this deliverer's claims (default: random).
	Token string
	// Batch is how many single notifications of one destination are
	// claimed at once (default 32); each is still its own message,
	// recorded as soon as it is sent.
	Batch int
	// Logf reports each failed delivery; nil: silent.
	Logf func(format string, args ...any)
}

// Stats count what a delivery did.
type Stats struct {
	// Messages sent, and the rows (notifications) they carried.
	Messages int `json:"messages"`
	Rows     int `json:"rows"`
	// Failed deliveries to retry, and rows given up (dead).
	Retried int `json:"retried"`
	Dead    int `json:"dead"`
	// Lost are claims another deliverer took over (an expired lease).
	Lost int `json:"lost"`
}

func (s *Stats) add(o Stats) {
	s.Messages += o.Messages
	s.Rows += o.Rows
	s.Retried += o.Retried
	s.Dead += o.Dead
	s.Lost += o.Lost
}

// Deliverer sends the outbox's due rows. Its methods may not be called
// concurrently with each other; several Deliverers (processes) may share
// one store.
type Deliverer struct {
	o     Options
	mu    sync.Mutex
	pause map[string]time.Time // destination → not before
	seq   int
}

// New returns a Deliverer.
func New(o Options) (*Deliverer, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("outbox: no store")
	case o.Sender == nil:
		return nil, errors.New("outbox: no sender")
	case o.Now == nil:
		return nil, errors.New("outbox: no clock")
	}
	if o.Wait == nil {
		o.Wait = wait
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Backoff <= 0 {
		o.Backoff = 10 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Minute
	}
	if o.Jitter == nil {
		o.Jitter = mrand.Float64
	}
	if o.Token == "" {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		o.Token = hex.EncodeToString(b)
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Batch <= 0 {
		o.Batch = 32
	}
	return &Deliverer{o: o, pause: map[string]time.Time{}}, nil
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff is the wait before attempt n+1 after n failed attempts, before
// jitter: Backoff doubled n-1 times, at most MaxBackoff.
func (d *Deliverer) backoff(n int) time.Duration {
	b := d.o.Backoff
	for i := 1; i < n && b < d.o.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.o.MaxBackoff)
	return b/2 + time.Duration(d.o.Jitter()*float64(b/2))
}

type result struct {
	dest  string
	stats Stats
	err   error
}

// Deliver sends every row due now, one message at a time per
// destination and destinations in parallel, and returns when none is
// due (a paused destination's rows wait for the next call).
func (d *Deliverer) Deliver(ctx context.Context) (Stats, error) {
	var total Stats
	busy := map[string]bool{}
	done := make(chan result)
	var firstErr error
	for {
		var rows []store.OutboxRow
		if firstErr == nil && ctx.Err() == nil {
			now := d.o.Now()
			skip := d.paused(now)
			for b := range busy {
				skip = append(skip, b)
			}
			d.seq++
			var err error
			rows, err = d.o.Store.ClaimOutbox(ctx, store.Claim{Token: d.o.Token + "-" + strconv.Itoa(d.seq), Now: now, Lease: d.o.Lease, Skip: skip, Batch: d.o.Batch})
			if err != nil {
				firstErr = err
			}
		}
		if len(rows) == 0 {
			if len(busy) == 0 {
				if firstErr == nil {
					firstErr = ctx.Err()
				}
				return total, firstErr
			}
			r := <-done
			delete(busy, r.dest)
			total.add(r.stats)
			if r.err != nil && firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		dest := rows[0].Destination
		busy[dest] = true
		token := d.o.Token + "-" + strconv.Itoa(d.seq)
		go func() {
			st, err := d.sendAll(ctx, token, rows)
			done <- result{dest: dest, stats: st, err: err}
		}()
	}
}

// paused lists the destinations paused at now.
func (d *Deliverer) paused(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for dest, until := range d.pause {
		if now.Before(until) {
			out = append(out, dest)
		} else {
			delete(d.pause, dest)
		}
	}
	sort.Strings(out)
	return out
}

func (d *Deliverer) setPause(dest string, until time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if until.After(d.pause[dest]) {
		d.pause[dest] = until
	}
}

// Message builds the message of one claimed group: a digest, the
// alerts of a grouping window as one alert with their count, or one
// event.
func Message(rows []store.OutboxRow) (notify.Message, error) {
	var m notify.Message
	for _, r := range rows {
		var ev notify.Event
		if err := json.Unmarshal([]byte(r.Payload), &ev); err != nil {
			return m, fmt.Errorf("outbox row %d (%s): payload: %w", r.ID, r.Key, err)
		}
		m.Events = append(m.Events, ev)
	}
	m.Digest = len(rows) > 0 && rows[0].Digest
	if !m.Digest && len(m.Events) > 1 {
		first := m.Events[0]
		if first.Alert == nil {
			return m, fmt.Errorf("outbox row %d: a group of %d events that are neither a digest nor alerts", rows[0].ID, len(rows))
		}
		a := *first.Alert
		a.Count = 0
		for _, ev := range m.Events {
			if ev.Alert == nil {
				continue
			}
			a.Count += max(ev.Alert.Count, 1)
			if ev.Alert.First.Before(a.First) {
				a.First = ev.Alert.First
			}
			if ev.Alert.Last.After(a.Last) {
				a.Last = ev.Alert.Last
			}
		}
		first.Alert = &a
		m.Events = []notify.Event{first}
	}
	return m, nil
}

// sendAll delivers what one claim took: a group as one message, or a
// batch of single rows one message each, in order. A failure pauses the
// destination, and the rest of the batch goes back untried; so does the
// rest when half the lease is gone, so that no row outlives its lease
// while this deliverer still means to send it.
func (d *Deliverer) sendAll(ctx context.Context, token string, rows []store.OutboxRow) (Stats, error) {
	if len(rows) == 1 || rows[0].Group != "" {
		return d.send(ctx, token, rows)
	}
	var total Stats
	start := d.o.Now()
	for i, r := range rows {
		st, err := d.send(ctx, token, []store.OutboxRow{r})
		total.add(st)
		rest := rows[i+1:]
		if len(rest) == 0 {
			return total, err
		}
		if err != nil || st.Retried > 0 || ctx.Err() != nil || d.o.Now().Sub(start) > d.o.Lease/2 {
			ids := make([]int64, len(rest))
			for k, x := range rest {
				ids[k] = x.ID
			}
			d.mu.Lock()
			retry := d.pause[r.Destination]
			d.mu.Unlock()
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			rerr := d.o.Store.CompleteOutbox(cctx, store.Delivery{Token: token, IDs: ids, Release: true, Retry: retry})
			cancel()
			if rerr != nil && !errors.Is(rerr, store.ErrLeaseLost) && err == nil {
				err = rerr
			}
			return total, err
		}
	}
	return total, nil
}

// send delivers one claimed group and records how it went.
func (d *Deliverer) send(ctx context.Context, token string, rows []store.OutboxRow) (Stats, error) {
	var st Stats
	dest := rows[0].Destination
	ids := make([]int64, len(rows))
	attempts := 0
	for i, r := range rows {
		ids[i] = r.ID
		attempts = max(attempts, r.Attempts)
	}
	del := store.Delivery{Token: token, IDs: ids}
	m, err := Message(rows)
	var rec notify.Receipt
	var ticket *store.Ticket
	if err == nil {
		ticket, err = d.ticket(ctx, dest, rows, &m)
	}
	if err == nil {
		rec, err = d.o.Sender.Send(ctx, dest, m)
	}
	now := d.o.Now()
	del.At = now
	switch after, retry := notify.Retryable(err); {
	case err == nil:
		del.Sent = true
		del.Receipt = receipt(rec)
		if rec.Ticket != "" && rows[0].FindingID != "" && len(rows) == 1 && ticket == nil {
			del.Ticket = &store.Ticket{FindingID: rows[0].FindingID, Destination: dest, Key: rec.Ticket}
		}
		st.Messages, st.Rows = 1, len(rows)
	case ctx.Err() != nil:
		// Interrupted: the rows go back as they were, to be sent by the
		// next run.
		del.Error, del.Retry = "interrupted: "+err.Error(), now
	case retry && attempts < d.o.MaxAttempts:
		wait := after
		if wait <= 0 {
			wait = d.backoff(attempts)
		}
		del.Error, del.Retry = err.Error(), now.Add(wait)
		d.setPause(dest, del.Retry)
		st.Retried = 1
		d.o.Logf("notify %s: attempt %d failed, next at %s: %v", dest, attempts, del.Retry.Format(time.RFC3339), err)
	default:
		del.Error, del.Dead = err.Error(), true
		if retry {
			del.Error = fmt.Sprintf("%s (gave up after %d attempts)", del.Error, attempts)
		}
		st.Dead = len(rows)
		d.o.Logf("notify %s: dead after %d attempts: %v", dest, attempts, err)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := d.o.Store.CompleteOutbox(cctx, del); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			st.Lost++
			return st, nil
		}
		return st, err
	}
	return st, nil
}

func receipt(r notify.Receipt) string {
	var parts []string
	if r.Status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(r.Status))
	}
	if r.Ticket != "" {
		parts = append(parts, "ticket "+r.Ticket)
	}
	if r.ID != "" {
		parts = append(parts, "id "+r.ID)
	}
	return strings.Join(parts, ", ")
}

// ticket sets m.Ticket to the ticket already filed for the finding of a
// one-finding message to dest, and returns it (nil: none recorded; the
// Jira destination then looks for one by its label before filing).
func (d *Deliverer) ticket(ctx context.Context, dest string, rows []store.OutboxRow, m *notify.Message) (*store.Ticket, error) {
	if len(rows) != 1 || rows[0].FindingID == "" || m.Digest {
		return nil, nil
	}
	ts, err := d.o.Store.Tickets(ctx, rows[0].FindingID)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Destination == dest {
			m.Ticket = ts[i].Key
			return &ts[i], nil
		}
	}
	return nil, nil
}

// Drain delivers until nothing is pending, waiting for retries, for at
// most bound; it returns what it did and how many rows are left pending
// (including sending rows another deliverer holds).
func (d *Deliverer) Drain(ctx context.Context, bound time.Duration) (Stats, int, error) {
	var total Stats
	deadline := d.o.Now().Add(bound)
	for {
		st, err := d.Deliver(ctx)
		total.add(st)
		if err != nil {
			return total, 0, err
		}
		left, next, err := d.left(ctx)
		if err != nil || left == 0 {
			return total, left, err
		}
		now := d.o.Now()
		if !next.After(now) {
			next = now.Add(50 * time.Millisecond) // another deliverer's lease, or a row claimable in a moment
		}
		if next.After(deadline) {
			return total, left, nil
		}
		if err := d.o.Wait(ctx, next.Sub(now)); err != nil {
			return total, left, nil
		}
	}
}

// left counts the rows not sent nor dead, and when the next is due.
func (d *Deliverer) left(ctx context.Context) (int, time.Time, error) {
	st, err := d.o.Store.OutboxStatus(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	n := 0
	var next time.Time
	for _, s := range st {
		n += s.Pending + s.Sending
		if s.Pending > 0 {
			at := s.NextAttempt
			d.mu.Lock()
			if p := d.pause[s.Destination]; p.After(at) {
				at = p
			}
			d.mu.Unlock()
			if next.IsZero() || at.Before(next) {
				next = at
			}
		}
	}
	if next.IsZero() {
		next = d.o.Now().Add(d.o.Lease) // only leased rows: wait for them
	}
	return n, next, nil
}

// Run delivers until ctx ends: each row when it is due, and looks for
// new ones every poll.
func (d *Deliverer) Run(ctx context.Context, poll time.Duration) error {
	for {
		if _, err := d.Deliver(ctx); err != nil && ctx.Err() == nil {
			d.o.Logf("notify: %v", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		next := d.o.Now().Add(poll)
		if _, at, err := d.left(ctx); err == nil && at.Before(next) {
			next = at
		}
		w := max(next.Sub(d.o.Now()), 10*time.Millisecond)
		if err := d.o.Wait(ctx, w); err != nil {
			return nil
		}
	}
}
