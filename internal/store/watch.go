package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// Watch keeps what the watch (guardrail watch) makes of CloudTrail: the
// alerts, how far each source has read, the events and files it has seen
// lately, and the malformed input it met.
//
// The guarantee a restarted watch relies on: CommitWatch stores a batch's
// alerts, seen keys, errors and checkpoints in one transaction, so a
// checkpoint is never ahead of the alerts of what it covers (a process
// killed before the commit reads the batch again, after it does not);
// and an alert is unique by (event ID, rule), so what is read again is
// never alerted twice.
type Watch interface {
	// CommitWatch stores b in one transaction and says which of its
	// alerts and seen keys are new.
	CommitWatch(ctx context.Context, b WatchBatch) (WatchCommit, error)
	// Checkpoints returns the positions stored for source, by key.
	Checkpoints(ctx context.Context, source string) (map[string]string, error)
	// Seen returns which of keys are recorded as seen.
	Seen(ctx context.Context, keys []string) (map[string]bool, error)
	// ForgetSeen forgets the seen keys recorded before t (the window is
	// over) and says how many.
	ForgetSeen(ctx context.Context, before time.Time) (int64, error)
	// Alerts lists the alerts that match f, newest event first, and how
	// many match in all.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, int, error)
	// Alert returns one alert with its raw event (ErrNotFound if none).
	Alert(ctx context.Context, id int64) (Alert, error)
	// WatchErrors lists the malformed input met, newest first (limit <=
	// 0: all).
	WatchErrors(ctx context.Context, limit int) ([]WatchError, error)
	// WatchScans lists the re-assessments the watch stored (scans of
	// KindWatch), newest first (limit <= 0: all). Scans lists the others.
	WatchScans(ctx context.Context, limit int) ([]Scan, error)
}

// Scan kinds: a scan of the organization (or of the part a selector
// chose), and a re-assessment the watch made of what one event touched.
const (
	KindScan  = "scan"
	KindWatch = "watch"
)

// Alert is a detection rule's match of one CloudTrail event.
type Alert struct {
	ID       int64            `json:"id"`
	EventID  string           `json:"event_id"`
	Rule     string           `json:"rule"`
	Title    string           `json:"title"`
	Severity control.Severity `json:"severity"`
	// Controls are the controls the event can affect.
	Controls []string `json:"controls,omitempty"`
	Account  string   `json:"account"`
	Region   string   `json:"region"`
	// Resource is what the event touched, an ARN where the event says
	// enough to build one, else an ID or a name ("" when it names none).
	Resource    string    `json:"resource,omitempty"`
	EventName   string    `json:"event_name"`
	EventSource string    `json:"event_source"`
	Actor       string    `json:"actor,omitempty"`
	SourceIP    string    `json:"source_ip,omitempty"`
	EventTime   time.Time `json:"event_time"`
	// Source is how the watch read the event (sqs, bucket, lookup, file),
	// Origin where (the queue, the object, the file).
	Source string    `json:"source"`
	Origin string    `json:"origin,omitempty"`
	Stored time.Time `json:"stored"`
	// Raw is the CloudTrail record as read (Alerts leaves it out).
	Raw json.RawMessage `json:"raw,omitempty"`
}

// AlertFilter selects alerts. Empty fields match everything.
type AlertFilter struct {
	Accounts   []string
	Regions    []string
	Rules      []string
	Severities []control.Severity
	// Since keeps alerts of events at or after it.
	Since time.Time
	// Resource keeps alerts about the resource (exact); Control alerts
	// whose rule names the control, only in ControlRegion when it is
	// set; given both, alerts of either (the alerts a finding's page
	// shows: about its resource, or about its control where it was
	// judged).
	Resource      string
	Control       string
	ControlRegion string
	// After keeps alerts with an ID greater than it: to follow new ones.
	After         int64
	Limit, Offset int
}

// Checkpoint is how far a source has read in one of its parts (a
// target, a prefix): Position is the source's own encoding.
type Checkpoint struct {
	Source   string `json:"source"`
	Key      string `json:"key"`
	Position string `json:"position"`
}

// WatchError is malformed input the watch met and skipped: where (the
// file or object and the byte offset in it, or the message), what kind
// (a truncated gzip, invalid JSON, a record missing fields) and why.
type WatchError struct {
	ID      int64     `json:"id"`
	Source  string    `json:"source"`
	Origin  string    `json:"origin"`
	Offset  int64     `json:"offset"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// WatchBatch is what the watch made of one batch of input.
type WatchBatch struct {
	Alerts      []Alert
	Seen        []string
	Errors      []WatchError
	Checkpoints []Checkpoint
	// At is when it was made (the store's clock when zero): the alerts'
	// Stored, the seen keys' and errors' time.
	At time.Time
}

// WatchCommit says what a CommitWatch added: for each alert of the
// batch, its ID if it is new (0: an alert of the same event and rule was
// stored already); the seen keys not seen before.
type WatchCommit struct {
	Alerts  []int64
	NewSeen []string
}

// CommitWatch stores b in one transaction; see Watch.
func (s *sqlStore) CommitWatch(ctx context.Context, b WatchBatch) (WatchCommit, error) {
	at := b.At
	if at.IsZero() {
		at = s.now()
	}
	var out WatchCommit
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return out, s.errorf("commit watch: %w", err)
	}
	defer tx.Rollback()
	notify := s.newEnqueuer(tx, at.UTC())
	defer notify.close()
	if len(b.Alerts) > 0 {
		stmt, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO watch_alerts (event_id, rule, title, severity, controls, account, region, resource,
 event_name, event_source, actor, source_ip, event_time, source, origin, stored, raw)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, rule) DO NOTHING RETURNING seq`))
		if err != nil {
			return WatchCommit{}, s.errorf("commit watch: %w", err)
		}
		defer stmt.Close()
		out.Alerts = make([]int64, len(b.Alerts))
		for i := range b.Alerts {
			a := &b.Alerts[i]
			if a.EventID == "" || a.Rule == "" {
				return WatchCommit{}, s.errorf("commit watch: an alert needs an event ID and a rule")
			}
			ctl, err := marshal(a.Controls)
			if err != nil {
				return WatchCommit{}, s.errorf("commit watch: %w", err)
			}
			err = stmt.QueryRowContext(ctx, a.EventID, a.Rule, a.Title, int64(a.Severity), ctl, a.Account, a.Region, a.Resource,
				a.EventName, a.EventSource, a.Actor, a.SourceIP, nanos(a.EventTime), a.Source, a.Origin, at.UnixNano(), string(a.Raw)).Scan(&out.Alerts[i])
			switch {
			case errors.Is(err, sql.ErrNoRows):
				out.Alerts[i] = 0 // stored before
			case err != nil:
				return WatchCommit{}, s.errorf("commit watch: alert %s/%s: %w", a.EventID, a.Rule, err)
			}
			if id := out.Alerts[i]; id != 0 {
				na := *a
				na.ID, na.Stored, na.Raw = id, at, nil
				if err := notify.change(ctx, Change{Source: SourceAlert, Kind: ChangeAlert, Position: fmt.Sprint(id), At: at, Alert: &na}); err != nil {
					return WatchCommit{}, s.errorf("commit watch: alert %s/%s: %w", a.EventID, a.Rule, err)
				}
			}
		}
	}
	if len(b.Seen) > 0 {
		stmt, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO watch_seen (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`))
		if err != nil {
			return WatchCommit{}, s.errorf("commit watch: %w", err)
		}
		defer stmt.Close()
		for _, k := range b.Seen {
			res, err := stmt.ExecContext(ctx, k, at.UnixNano())
			if err != nil {
				return WatchCommit{}, s.errorf("commit watch: seen %s: %w", k, err)
			}
			if n, err := res.RowsAffected(); err == nil && n > 0 {
				out.NewSeen = append(out.NewSeen, k)
			}
		}
	}
	for _, e := range b.Errors {
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO watch_errors (source, origin, pos, kind, message, at) VALUES (?, ?, ?, ?, ?, ?)
 ON CONFLICT (origin, pos, kind) DO NOTHING`), e.Source, e.Origin, e.Offset, e.Kind, e.Message, at.UnixNano()); err != nil {
			return WatchCommit{}, s.errorf("commit watch: error at %s: %w", e.Origin, err)
		}
	}
	for _, c := range b.Checkpoints {
		if c.Source == "" {
			return WatchCommit{}, s.errorf("commit watch: a checkpoint needs a source")
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO watch_checkpoints (source, key, position, updated) VALUES (?, ?, ?, ?)
 ON CONFLICT (source, key) DO UPDATE SET position = excluded.position, updated = excluded.updated`),
			c.Source, c.Key, c.Position, at.UnixNano()); err != nil {
			return WatchCommit{}, s.errorf("commit watch: checkpoint %s %s: %w", c.Source, c.Key, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return WatchCommit{}, s.errorf("commit watch: %w", err)
	}
	return out, nil
}

// Checkpoints returns source's positions by key.
func (s *sqlStore) Checkpoints(ctx context.Context, source string) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT key, position FROM watch_checkpoints WHERE source = ?`), source)
	if err != nil {
		return nil, s.errorf("checkpoints %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, p string
		if err := rows.Scan(&k, &p); err != nil {
			return nil, s.errorf("checkpoints %s: %w", source, err)
		}
		out[k] = p
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("checkpoints %s: %w", source, err)
	}
	return out, nil
}

// Seen returns which of keys are recorded.
func (s *sqlStore) Seen(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 500)]
		keys = keys[len(chunk):]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT key FROM watch_seen WHERE key IN `+placeholders(len(chunk))), args...)
		if err != nil {
			return nil, s.errorf("seen: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, s.errorf("seen: %w", err)
			}
			out[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.errorf("seen: %w", err)
		}
	}
	return out, nil
}

// ForgetSeen deletes the seen keys recorded before t.
func (s *sqlStore) ForgetSeen(ctx context.Context, before time.Time) (int64, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, s.errorf("forget seen: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM watch_seen WHERE at < ?`), before.UnixNano())
	if err != nil {
		return 0, s.errorf("forget seen: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, s.errorf("forget seen: %w", err)
	}
	return n, nil
}

const alertColumns = `seq, event_id, rule, title, severity, controls, account, region, resource, event_name, event_source, actor, source_ip, event_time, source, origin, stored`

func scanAlert(row rowScanner, raw *string) (Alert, error) {
	var (
		a                      Alert
		sev, eventTime, stored int64
		controls               string
		dest                   = []any{&a.ID, &a.EventID, &a.Rule, &a.Title, &sev, &controls, &a.Account, &a.Region, &a.Resource}
		rest                   = []any{&a.EventName, &a.EventSource, &a.Actor, &a.SourceIP, &eventTime, &a.Source, &a.Origin, &stored}
	)
	dest = append(dest, rest...)
	if raw != nil {
		dest = append(dest, raw)
	}
	if err := row.Scan(dest...); err != nil {
		return Alert{}, err
	}
	a.Severity = control.Severity(sev)
	a.EventTime, a.Stored = fromNanos(eventTime), fromNanos(stored)
	if err := unmarshal(controls, &a.Controls); err != nil {
		return Alert{}, fmt.Errorf("alert %d: controls: %w", a.ID, err)
	}
	return a, nil
}

func (s *sqlStore) alertWhere(f AlertFilter) *where {
	w := &where{d: s.d}
	id := func(v string) any { return v }
	in(w, "account", f.Accounts, id)
	in(w, "region", f.Regions, id)
	in(w, "rule", f.Rules, id)
	in(w, "severity", f.Severities, func(v control.Severity) any { return int64(v) })
	if !f.Since.IsZero() {
		w.add("event_time >= ?", f.Since.UnixNano())
	}
	if f.After > 0 {
		w.add("seq > ?", f.After)
	}
	var either []string
	var args []any
	if f.Resource != "" {
		either, args = append(either, "resource = ?"), append(args, f.Resource)
	}
	if f.Control != "" {
		// The control as a JSON string inside the list: IDs hold no
		// quote, so the match is exact.
		cond, cargs := s.d.contains("controls"), []any{`"` + f.Control + `"`}
		if f.ControlRegion != "" {
			cond, cargs = "("+cond+" AND region = ?)", append(cargs, f.ControlRegion)
		}
		either, args = append(either, cond), append(args, cargs...)
	}
	if len(either) > 0 {
		w.add("("+strings.Join(either, " OR ")+")", args...)
	}
	return w
}

// Alerts lists the alerts that match f, newest event first.
func (s *sqlStore) Alerts(ctx context.Context, f AlertFilter) ([]Alert, int, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, s.errorf("alerts: limit %d, offset %d: must not be negative", f.Limit, f.Offset)
	}
	if strings.Contains(f.Control, `"`) {
		return nil, 0, s.errorf("alerts: control %q: not a control ID", f.Control)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, s.errorf("alerts: %w", err)
	}
	defer tx.Rollback()
	w := s.alertWhere(f)
	var total int
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM watch_alerts`+w.String()), w.args...).Scan(&total); err != nil {
		return nil, 0, s.errorf("alerts: %w", err)
	}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+alertColumns+` FROM watch_alerts`+w.String()+` ORDER BY event_time DESC, seq DESC LIMIT ? OFFSET ?`),
		append(w.args, limitArg(f.Limit), int64(f.Offset))...)
	if err != nil {
		return nil, 0, s.errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		a, err := scanAlert(rows, nil)
		if err != nil {
			return nil, 0, s.errorf("alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.errorf("alerts: %w", err)
	}
	return out, total, nil
}

// Alert returns one alert with its raw event.
func (s *sqlStore) Alert(ctx context.Context, id int64) (Alert, error) {
	var raw string
	a, err := scanAlert(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+alertColumns+`, raw FROM watch_alerts WHERE seq = ?`), id), &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Alert{}, s.errorf("alert %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Alert{}, s.errorf("alert %d: %w", id, err)
	}
	if raw != "" {
		a.Raw = json.RawMessage(raw)
	}
	return a, nil
}

// WatchErrors lists the malformed input met, newest first.
func (s *sqlStore) WatchErrors(ctx context.Context, limit int) ([]WatchError, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT seq, source, origin, pos, kind, message, at FROM watch_errors ORDER BY seq DESC LIMIT ?`), limitArg(limit))
	if err != nil {
		return nil, s.errorf("watch errors: %w", err)
	}
	defer rows.Close()
	var out []WatchError
	for rows.Next() {
		var e WatchError
		var at int64
		if err := rows.Scan(&e.ID, &e.Source, &e.Origin, &e.Offset, &e.Kind, &e.Message, &at); err != nil {
			return nil, s.errorf("watch errors: %w", err)
		}
		e.At = fromNanos(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("watch errors: %w", err)
	}
	return out, nil
}

// WatchScans lists the watch's re-assessments, newest first.
func (s *sqlStore) WatchScans(ctx context.Context, limit int) ([]Scan, error) {
	return s.scansOf(ctx, KindWatch, limit)
}
