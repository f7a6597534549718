package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
)

// Suppress suppresses the findings ids as an accepted risk, for reason,
// by by, until until (zero: never), each change recorded as an event. It
// changes all of them or, when one is unknown, none.
func (s *sqlStore) Suppress(ctx context.Context, ids []string, reason, by string, until time.Time) error {
	now := s.now().UTC()
	switch {
	case strings.TrimSpace(reason) == "":
		return s.errorf("suppress: a reason is required")
	case strings.TrimSpace(by) == "":
		return s.errorf("suppress: who suppresses is required")
	case !until.IsZero() && !until.After(now):
		return s.errorf("suppress: until %s is not in the future", until.Format(time.RFC3339))
	}
	return s.workflow(ctx, "suppress", ids, func(f finding.Finding) (finding.Finding, finding.Event, error) {
		nf, ev := finding.Suppress(f, reason, by, until, now)
		return nf, ev, nil
	})
}

// Unsuppress puts suppressed findings back in the workflow their
// compliance implies. A finding that is not suppressed is an error, and
// then nothing changes.
func (s *sqlStore) Unsuppress(ctx context.Context, ids []string, reason, by string) error {
	now := s.now().UTC()
	if strings.TrimSpace(by) == "" {
		return s.errorf("unsuppress: who unsuppresses is required")
	}
	return s.workflow(ctx, "unsuppress", ids, func(f finding.Finding) (finding.Finding, finding.Event, error) {
		if f.Workflow != finding.Suppressed {
			return f, finding.Event{}, fmt.Errorf("finding %s is %s, not %s", f.ID, f.Workflow, finding.Suppressed)
		}
		nf, ev := finding.Unsuppress(f, reason, by, now)
		return nf, ev, nil
	})
}

// workflow changes findings ids by change, in one transaction.
func (s *sqlStore) workflow(ctx context.Context, op string, ids []string, change func(finding.Finding) (finding.Finding, finding.Event, error)) error {
	if len(ids) == 0 {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return s.errorf("%s: %w", op, err)
	}
	defer tx.Rollback()
	notify := s.newEnqueuer(tx, s.now().UTC())
	defer notify.close()
	counts := newTally()
	done := map[string]bool{}
	for _, id := range ids {
		if done[id] {
			continue
		}
		done[id] = true
		f, err := getFinding(ctx, tx, s.d, id)
		if err != nil {
			return s.errorf("%s: %w", op, err)
		}
		nf, ev, err := change(f)
		if err != nil {
			return s.errorf("%s: %w", op, err)
		}
		if err := putFinding(ctx, tx, s.d, &nf); err != nil {
			return s.errorf("%s: %w", op, err)
		}
		counts.move(&f, &nf)
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO finding_events (finding_id, at, scan, kind, actor, detail) VALUES (?, ?, ?, ?, ?, ?)`),
			ev.FindingID, nanos(ev.At), ev.Scan, ev.Kind, ev.By, ev.Detail); err != nil {
			return s.errorf("%s: finding %s: event: %w", op, id, err)
		}
		if ev.Kind == "suppressed" {
			c := Change{Source: SourceFinding, Kind: ChangeSuppressed, Position: fmt.Sprint(nanos(ev.At)), Scan: ev.Scan, At: ev.At, Finding: &nf, Detail: ev.Detail}
			if err := notify.change(ctx, c); err != nil {
				return s.errorf("%s: finding %s: %w", op, id, err)
			}
		}
	}
	if err := counts.apply(ctx, tx, s.d); err != nil {
		return s.errorf("%s: counts: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("%s: commit: %w", op, err)
	}
	return nil
}

// putFinding writes f whole.
func putFinding(ctx context.Context, tx *sql.Tx, d dialect, f *finding.Finding) error {
	e, err := encode(f)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO findings (`+findingColumns+`) VALUES `+placeholders(findingColumnCount)+findingUpsert),
		findingArgs(f, e)...); err != nil {
		return fmt.Errorf("finding %s: %w", f.ID, err)
	}
	return nil
}
