package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// notifyRouter sends every change to "hook" alone and, as a digest of
// its scan, to "digest"; alerts go to "hook", grouped by rule and
// resource.
func notifyRouter(c store.Change) ([]store.Outgoing, error) {
	payload, err := json.Marshal(map[string]string{"kind": c.Kind, "key": c.Key()})
	if err != nil {
		return nil, err
	}
	o := store.Outgoing{Key: c.Key(), Destination: "hook", Route: "all", Payload: payload}
	if c.Finding != nil {
		o.FindingID = c.Finding.ID
	}
	if c.Alert != nil {
		o.Group = "alert/" + c.Alert.Rule + "/" + c.Alert.Resource
		o.NotBefore = c.At.Add(time.Minute)
	}
	out := []store.Outgoing{o}
	if c.Scan != "" {
		d := o
		d.Destination, d.Route, d.Group, d.Digest = "digest", "digest", c.Scan, true
		out = append(out, d)
	}
	return out, nil
}

// outboxKeys returns the event keys queued for dest, sorted.
func outboxKeys(t *testing.T, s store.Store, dest string) []string {
	t.Helper()
	rows, err := s.Outbox(context.Background(), store.OutboxFilter{Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Key)
	}
	sort.Strings(out)
	return out
}

func testNotify(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	scans := lifecycleScans(b)
	s.SetRouter(notifyRouter)

	// The first scan: one row per new failing finding and destination.
	record(t, s, scans[0])
	keys := outboxKeys(t, s, "hook")
	if len(keys) != 9 {
		t.Fatalf("first scan queued %d rows for hook, want 9 (the new failing findings): %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "finding/") || !strings.HasSuffix(k, "/new/s1") {
			t.Errorf("first scan queued %q, want finding/<id>/new/s1", k)
		}
	}
	if d := outboxKeys(t, s, "digest"); len(d) != 9 {
		t.Errorf("first scan queued %d digest rows, want 9", len(d))
	}

	// The same results again change nothing, and queue nothing.
	again := *scans[0]
	again.ID = "s1-again"
	again.Started = b.Add(time.Hour)
	record(t, s, &again)
	if n := len(outboxKeys(t, s, "hook")); n != 9 {
		t.Errorf("an identical scan queued %d more rows", n-9)
	}

	// A router that fails aborts the scan's transaction: nothing of it
	// is stored.
	s.SetRouter(func(store.Change) ([]store.Outgoing, error) { return nil, errors.New("route down") })
	if err := s.StartScan(ctx, store.Scan{ID: "s2", Started: scans[1].Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishScan(ctx, scans[1], nil); err == nil || !strings.Contains(err.Error(), "route down") {
		t.Fatalf("FinishScan with a failing router: %v, want its error", err)
	}
	if f, _, err := s.Finding(ctx, Instance(A1, EU1, "i-2")); err != nil || f.Compliance != control.Failed {
		t.Fatalf("after a failed FinishScan, i-2 is %v (%v): want it as it was (FAILED)", f.Compliance, err)
	}
	s.SetRouter(notifyRouter)
	rep2 := *scans[1]
	rep2.ID = "s2b"
	record(t, s, &rep2)
	want := map[string]bool{}
	for _, k := range []string{
		"finding/" + Instance(A1, EU1, "i-2") + "/resolved/s2b",
		"finding/" + Instance(A1, EU1, "i-5") + "/resolved/s2b",
		"finding/" + Instance(A1, EU1, "i-9") + "/resolved/s2b",
		"finding/" + Instance(A1, EU1, "i-8") + "/new/s2b",
	} {
		want[k] = true
	}
	var got []string
	for _, k := range outboxKeys(t, s, "hook") {
		if strings.HasSuffix(k, "/s2b") {
			got = append(got, k)
			if !want[k] {
				t.Errorf("scan s2b queued %s", k)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("scan s2b queued %v, want %v", got, want)
	}

	// Suppress queues a notification in its transaction.
	i1 := Instance(A1, EU1, "i-1")
	if err := s.Suppress(ctx, []string{i1}, "accepted", "alice", time.Time{}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Outbox(ctx, store.OutboxFilter{FindingID: i1, Destination: "hook"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !strings.Contains(rows[0].Key, "/suppressed/") || rows[0].FindingID != i1 {
		t.Fatalf("i-1's rows after Suppress: %+v, want new and suppressed", rows)
	}

	// A new alert queues one row; the same alert committed again none.
	alert := store.Alert{EventID: "ev-1", Rule: "root-login", Title: "Root login", Account: A1, Region: Home, Resource: "root",
		EventName: "ConsoleLogin", EventSource: "signin.amazonaws.com", EventTime: b, Source: "file", Raw: json.RawMessage(`{}`)}
	for i := 0; i < 2; i++ {
		if _, err := s.CommitWatch(ctx, store.WatchBatch{Alerts: []store.Alert{alert}, At: Now()}); err != nil {
			t.Fatal(err)
		}
	}
	arows, err := s.Outbox(ctx, store.OutboxFilter{Destination: "hook"})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []store.OutboxRow
	for _, r := range arows {
		if strings.HasPrefix(r.Key, "alert/") {
			alerts = append(alerts, r)
		}
	}
	if len(alerts) != 1 || alerts[0].Group != "alert/root-login/root" || !alerts[0].NextAttempt.Equal(Now().Add(time.Minute)) {
		t.Fatalf("alert rows: %+v, want one, grouped, due a minute after it was stored", alerts)
	}

	testNotifyDelivery(t, s)
}

// testNotifyDelivery claims, completes, retries and checks tickets and
// checkpoints on the rows testNotify queued.
func testNotifyDelivery(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := Now()
	// A digest: the first claim for "digest" takes the whole scan's
	// group.
	dg, err := s.ClaimOutbox(ctx, store.Claim{Token: "a", Now: at, Lease: time.Minute, Destination: "digest"})
	if err != nil {
		t.Fatal(err)
	}
	if len(dg) != 9 || !dg[0].Digest || dg[0].Group != "s1" || dg[0].Attempts != 1 {
		t.Fatalf("digest claim: %d rows (first %+v), want the 9 of scan s1", len(dg), dg[0])
	}
	// Another sender cannot claim them while the lease holds...
	other, err := s.ClaimOutbox(ctx, store.Claim{Token: "b", Now: at.Add(30 * time.Second), Lease: time.Minute, Destination: "digest"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range other {
		if r.Group == "s1" {
			t.Fatalf("row %d of a leased group claimed again before the lease expired", r.ID)
		}
	}
	if len(other) > 0 {
		release(t, s, "b", other)
	}
	// ...and can once it expired; the first sender's completion then
	// fails rather than mark what it no longer holds.
	taken, err := s.ClaimOutbox(ctx, store.Claim{Token: "c", Now: at.Add(2 * time.Minute), Lease: time.Minute, Destination: "digest"})
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != 9 || taken[0].Group != "s1" || taken[0].Attempts != 2 {
		t.Fatalf("claim after the lease expired: %d rows, want the 9 of s1 on their second attempt", len(taken))
	}
	if err := s.CompleteOutbox(ctx, store.Delivery{Token: "a", IDs: rowIDs(dg), Sent: true}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("completing an expired claim: %v, want ErrLeaseLost", err)
	}
	if err := s.CompleteOutbox(ctx, store.Delivery{Token: "c", IDs: rowIDs(taken), Sent: true, Receipt: "200"}); err != nil {
		t.Fatal(err)
	}

	// One hook row: a failure to retry later, then dead, then retried.
	one, err := s.ClaimOutbox(ctx, store.Claim{Token: "d", Now: at, Lease: time.Minute, Destination: "hook"})
	if err != nil || len(one) != 1 {
		t.Fatalf("claim a hook row: %v, %v", one, err)
	}
	retry := at.Add(10 * time.Minute)
	if err := s.CompleteOutbox(ctx, store.Delivery{Token: "d", IDs: rowIDs(one), Error: "HTTP 500", Retry: retry}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Outbox(ctx, store.OutboxFilter{Destination: "hook", Status: []string{store.OutboxPending}})
	if err != nil {
		t.Fatal(err)
	}
	var row store.OutboxRow
	for _, r := range got {
		if r.ID == one[0].ID {
			row = r
		}
	}
	if row.LastError != "HTTP 500" || !row.NextAttempt.Equal(retry) || row.Attempts != 1 {
		t.Fatalf("after a failure: %+v, want pending until %v with the error", row, retry)
	}
	again, err := s.ClaimOutbox(ctx, store.Claim{Token: "e", Now: retry, Lease: time.Minute, Destination: "hook"})
	if err != nil || len(again) == 0 {
		t.Fatalf("claim at the retry time: %v, %v", again, err)
	}
	if err := s.CompleteOutbox(ctx, store.Delivery{Token: "e", IDs: rowIDs(again), Error: "HTTP 404", Dead: true}); err != nil {
		t.Fatal(err)
	}
	st, err := s.OutboxStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byDest := map[string]store.DestinationStatus{}
	for _, d := range st {
		byDest[d.Destination] = d
	}
	if d := byDest["digest"]; d.Sent != 9 || d.Pending != 4 {
		t.Errorf("digest status %+v, want 9 sent and 4 pending", d)
	}
	if d := byDest["hook"]; d.Dead != len(again) || d.LastError != "HTTP 404" {
		t.Errorf("hook status %+v, want %d dead with the last error", d, len(again))
	}

	for _, tc := range []struct {
		sel  store.RetrySelector
		want int
		err  string
	}{
		{store.RetrySelector{Destination: "nowhere"}, 0, "no dead notifications to nowhere"},
		{store.RetrySelector{ID: 999999}, 0, "no dead notification 999999"},
		{store.RetrySelector{ID: 1, AllDead: true}, 0, "choose one"},
		{store.RetrySelector{Destination: "hook"}, len(again), ""},
		{store.RetrySelector{AllDead: true}, 0, "no dead notifications"},
	} {
		n, err := s.RetryOutbox(ctx, tc.sel)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("RetryOutbox(%+v) = %d, %v; want an error with %q", tc.sel, n, err, tc.err)
		case tc.err == "" && (err != nil || n != tc.want):
			t.Errorf("RetryOutbox(%+v) = %d, %v; want %d", tc.sel, n, err, tc.want)
		}
	}

	// Tickets: the first recorded for a finding and destination stays.
	f := one[0].FindingID
	for i, key := range []string{"SEC-1", "SEC-2"} {
		c, err := s.ClaimOutbox(ctx, store.Claim{Token: fmt.Sprint("t", i), Now: retry, Lease: time.Minute, Destination: "hook"})
		if err != nil || len(c) == 0 {
			t.Fatalf("claim: %v, %v", c, err)
		}
		if err := s.CompleteOutbox(ctx, store.Delivery{Token: fmt.Sprint("t", i), IDs: rowIDs(c), Sent: true,
			Ticket: &store.Ticket{FindingID: f, Destination: "jira", Key: key, Status: "To Do"}}); err != nil {
			t.Fatal(err)
		}
	}
	tk, err := s.Tickets(ctx, f)
	if err != nil || len(tk) != 1 || tk[0].Key != "SEC-1" {
		t.Fatalf("tickets of %s: %+v, %v; want SEC-1 alone", f, tk, err)
	}
	if err := s.UpdateTicket(ctx, store.Ticket{FindingID: f, Destination: "jira", Key: "SEC-1", Status: "Done", Resolution: "Won't Do"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TicketByKey(ctx, "jira", "SEC-1"); err != nil || got.Status != "Done" || got.Resolution != "Won't Do" || got.FindingID != f {
		t.Errorf("TicketByKey: %+v, %v", got, err)
	}
	if _, err := s.TicketByKey(ctx, "jira", "SEC-404"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TicketByKey of an unknown key: %v, want ErrNotFound", err)
	}
	if err := s.UpdateTicket(ctx, store.Ticket{FindingID: f, Destination: "jira", Key: "SEC-9"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateTicket of an unknown ticket: %v, want ErrNotFound", err)
	}

	if p, err := s.NotifyCheckpoint(ctx, "jira"); err != nil || p != "" {
		t.Errorf("checkpoint never set: %q, %v", p, err)
	}
	for _, p := range []string{"2026-06-01T12:00", "2026-06-01T13:00"} {
		if err := s.SetNotifyCheckpoint(ctx, "jira", p); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := s.NotifyCheckpoint(ctx, "jira"); err != nil || p != "2026-06-01T13:00" {
		t.Errorf("checkpoint: %q, %v", p, err)
	}

	// A batch claims several single rows of one destination; released,
	// they are pending again with the attempt not counted.
	var batch []store.OutboxRow
	for i := range 3 {
		o := store.Outgoing{Key: fmt.Sprint("batch/", i), Destination: "batch", Payload: []byte(`{}`)}
		if _, err := s.Enqueue(ctx, []store.Outgoing{o}); err != nil {
			t.Fatal(err)
		}
	}
	batch, err = s.ClaimOutbox(ctx, store.Claim{Token: "batch", Now: retry, Lease: time.Minute, Destination: "batch", Batch: 10})
	if err != nil || len(batch) != 3 {
		t.Fatalf("batch claim: %d rows, %v; want 3", len(batch), err)
	}
	if err := s.CompleteOutbox(ctx, store.Delivery{Token: "batch", IDs: rowIDs(batch[1:]), Release: true, Retry: retry}); err != nil {
		t.Fatal(err)
	}
	back, err := s.Outbox(ctx, store.OutboxFilter{Destination: "batch", Status: []string{store.OutboxPending}})
	if err != nil || len(back) != 2 || back[0].Attempts != 0 {
		t.Fatalf("released rows: %+v, %v; want 2 pending with no attempt counted", back, err)
	}

	// Enqueue skips what is queued already.
	o := store.Outgoing{Key: "test/1", Destination: "hook", Payload: []byte(`{}`)}
	for i, want := range []int{1, 0} {
		if n, err := s.Enqueue(ctx, []store.Outgoing{o}); err != nil || n != want {
			t.Errorf("Enqueue #%d = %d, %v; want %d", i+1, n, err, want)
		}
	}
	if _, err := s.Enqueue(ctx, []store.Outgoing{{Key: "x"}}); err == nil {
		t.Errorf("Enqueue without a destination: no error")
	}
}

func release(t *testing.T, s store.Store, token string, rows []store.OutboxRow) {
	t.Helper()
	if err := s.CompleteOutbox(context.Background(), store.Delivery{Token: token, IDs: rowIDs(rows), Retry: Now()}); err != nil {
		t.Fatal(err)
	}
}

func rowIDs(rows []store.OutboxRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
