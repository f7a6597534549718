package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// alert is an alert of the suite's: rule on event in account/region.
func alert(event, rule string, sev control.Severity, account, region, resource string, at time.Time, controls ...string) store.Alert {
	return store.Alert{EventID: event, Rule: rule, Title: "title of " + rule, Severity: sev, Controls: controls,
		Account: account, Region: region, Resource: resource, EventName: "AuthorizeSecurityGroupIngress",
		EventSource: "ec2.amazonaws.com", Actor: "arn:aws:iam::" + account + ":user/alice", SourceIP: "203.0.113.7",
		EventTime: at, Source: "file", Origin: "incident.json.gz",
		Raw: json.RawMessage(`{"eventID":"` + event + `"}`)}
}

// testWatch: alerts are unique by (event, rule), so a batch read again
// adds nothing; a batch's alerts, seen keys, errors and checkpoints are
// stored together or not at all; alerts filter and page; re-assessments
// (scans of KindWatch) are listed apart and are not points of the score
// history.
func testWatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	sgARN := "arn:aws:ec2:" + EU1 + ":" + A1 + ":security-group/sg-1"
	a1 := alert("ev-1", "sg-open", control.High, A1, EU1, sgARN, b, "EC2.18", "EC2.19")
	a2 := alert("ev-1", "sg-change", control.Medium, A1, EU1, sgARN, b, "EC2.18")
	a3 := alert("ev-2", "root-signin", control.Critical, A2, Home, "", b.Add(time.Minute), "IAM.4")
	a4 := alert("ev-3", "trail-stopped", control.High, A1, EU2, "arn:aws:cloudtrail:"+EU2+":"+A1+":trail/org", b.Add(2*time.Minute), "CloudTrail.1")

	// Nothing committed yet.
	if cp, err := s.Checkpoints(ctx, "lookup"); err != nil || len(cp) != 0 {
		t.Fatalf("checkpoints of an empty store: %v, %v", cp, err)
	}

	batch := store.WatchBatch{
		Alerts: []store.Alert{a1, a2, a3},
		Seen:   []string{"event:ev-1", "event:ev-2"},
		Errors: []store.WatchError{{Source: "file", Origin: "bad.json.gz", Offset: 1234, Kind: "truncated gzip", Message: "unexpected EOF"}},
		Checkpoints: []store.Checkpoint{{Source: "lookup", Key: A1 + "/" + EU1, Position: "p1"},
			{Source: "lookup", Key: A2 + "/" + Home, Position: "q1"}},
		At: b.Add(time.Hour),
	}
	c, err := s.CommitWatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Alerts) != 3 || c.Alerts[0] == 0 || c.Alerts[1] == 0 || c.Alerts[2] == 0 {
		t.Fatalf("first commit: alert IDs %v, want 3 new", c.Alerts)
	}
	if !reflect.DeepEqual(c.NewSeen, []string{"event:ev-1", "event:ev-2"}) {
		t.Errorf("first commit: new seen %v", c.NewSeen)
	}

	// The same batch again (a restart that reads it again), with one more
	// alert, a checkpoint further on, and the same malformed input.
	batch.Alerts = append(batch.Alerts, a4)
	batch.Seen = append(batch.Seen, "event:ev-3")
	batch.Checkpoints = []store.Checkpoint{{Source: "lookup", Key: A1 + "/" + EU1, Position: "p2"}, {Source: "bucket:logs", Key: "AWSLogs/", Position: "k9"}}
	c2, err := s.CommitWatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.Alerts) != 4 || c2.Alerts[0] != 0 || c2.Alerts[1] != 0 || c2.Alerts[2] != 0 || c2.Alerts[3] == 0 {
		t.Errorf("second commit: alert IDs %v, want only the 4th new", c2.Alerts)
	}
	if !reflect.DeepEqual(c2.NewSeen, []string{"event:ev-3"}) {
		t.Errorf("second commit: new seen %v, want only event:ev-3", c2.NewSeen)
	}
	cp, err := s.Checkpoints(ctx, "lookup")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{A1 + "/" + EU1: "p2", A2 + "/" + Home: "q1"}; !reflect.DeepEqual(cp, want) {
		t.Errorf("lookup checkpoints %v, want %v", cp, want)
	}
	if cp, _ := s.Checkpoints(ctx, "bucket:logs"); cp["AWSLogs/"] != "k9" || len(cp) != 1 {
		t.Errorf("bucket checkpoints %v", cp)
	}

	// A batch that fails stores nothing: its checkpoint does not move
	// past alerts that were not stored.
	bad := store.WatchBatch{
		Alerts:      []store.Alert{alert("ev-4", "r", control.Low, A1, EU1, "", b, "X.1"), {Rule: "no-event"}},
		Seen:        []string{"event:ev-4"},
		Checkpoints: []store.Checkpoint{{Source: "lookup", Key: A1 + "/" + EU1, Position: "p3"}},
	}
	if _, err := s.CommitWatch(ctx, bad); err == nil {
		t.Fatal("an alert without an event ID was stored")
	}
	if cp, _ := s.Checkpoints(ctx, "lookup"); cp[A1+"/"+EU1] != "p2" {
		t.Errorf("a failed commit moved the checkpoint to %q", cp[A1+"/"+EU1])
	}
	if seen, _ := s.Seen(ctx, []string{"event:ev-4", "event:ev-1", "event:none"}); !reflect.DeepEqual(seen, map[string]bool{"event:ev-1": true}) {
		t.Errorf("seen after a failed commit: %v", seen)
	}
	if _, total, _ := s.Alerts(ctx, store.AlertFilter{Rules: []string{"r"}}); total != 0 {
		t.Errorf("a failed commit stored %d alerts", total)
	}

	// Listing: newest event first, filters, paging.
	all, total, err := s.Alerts(ctx, store.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 || len(all) != 4 {
		t.Fatalf("alerts: %d of %d, want 4", len(all), total)
	}
	if all[0].EventID != "ev-3" || all[1].EventID != "ev-2" {
		t.Errorf("alerts not newest event first: %s, %s", all[0].EventID, all[1].EventID)
	}
	if all[0].Raw != nil {
		t.Errorf("a listed alert carries its raw event")
	}
	got, err := s.Alert(ctx, c.Alerts[0])
	if err != nil {
		t.Fatal(err)
	}
	want := a1
	want.ID, want.Stored = c.Alerts[0], b.Add(time.Hour)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("alert %d:\n got %+v\nwant %+v", c.Alerts[0], got, want)
	}
	if _, err := s.Alert(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown alert: %v, want ErrNotFound", err)
	}
	ids := func(f store.AlertFilter) string {
		t.Helper()
		as, n, err := s.Alerts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.EventID+"/"+a.Rule)
		}
		return strings.Join(out, " ") + " of " + strconv.Itoa(n)
	}
	for _, tc := range []struct {
		name string
		f    store.AlertFilter
		want string
	}{
		{"account", store.AlertFilter{Accounts: []string{A2}}, "ev-2/root-signin of 1"},
		{"severity", store.AlertFilter{Severities: []control.Severity{control.High, control.Critical}}, "ev-3/trail-stopped ev-2/root-signin ev-1/sg-open of 3"},
		{"rule", store.AlertFilter{Rules: []string{"sg-change"}}, "ev-1/sg-change of 1"},
		{"region", store.AlertFilter{Regions: []string{EU2}}, "ev-3/trail-stopped of 1"},
		{"since", store.AlertFilter{Since: b.Add(time.Minute)}, "ev-3/trail-stopped ev-2/root-signin of 2"},
		{"resource", store.AlertFilter{Resource: sgARN}, "ev-1/sg-change ev-1/sg-open of 2"},
		{"control", store.AlertFilter{Control: "EC2.19"}, "ev-1/sg-open of 1"},
		{"control is exact", store.AlertFilter{Control: "EC2.1"}, " of 0"},
		{"resource or control", store.AlertFilter{Resource: "arn:other", Control: "IAM.4"}, "ev-2/root-signin of 1"},
		{"resource or control in a region", store.AlertFilter{Resource: sgARN, Control: "CloudTrail.1", ControlRegion: EU1}, "ev-1/sg-change ev-1/sg-open of 2"},
		{"control in its region", store.AlertFilter{Control: "CloudTrail.1", ControlRegion: EU2}, "ev-3/trail-stopped of 1"},
		{"page", store.AlertFilter{Limit: 2, Offset: 1}, "ev-2/root-signin ev-1/sg-change of 4"},
		{"after", store.AlertFilter{After: c.Alerts[2]}, "ev-3/trail-stopped of 1"},
	} {
		if got := ids(tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, _, err := s.Alerts(ctx, store.AlertFilter{Limit: -1}); err == nil {
		t.Error("a negative limit was taken")
	}

	// Malformed input: once per place.
	errs, err := s.WatchErrors(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || errs[0].Origin != "bad.json.gz" || errs[0].Offset != 1234 || errs[0].Kind != "truncated gzip" || !errs[0].At.Equal(b.Add(time.Hour)) {
		t.Errorf("watch errors %+v", errs)
	}

	// The seen window.
	if _, err := s.CommitWatch(ctx, store.WatchBatch{Seen: []string{"file:late"}, At: b.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	n, err := s.ForgetSeen(ctx, b.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("forgot %d seen keys, want 3", n)
	}
	if seen, _ := s.Seen(ctx, []string{"event:ev-1", "file:late"}); !reflect.DeepEqual(seen, map[string]bool{"file:late": true}) {
		t.Errorf("seen after forgetting: %v", seen)
	}

	// Re-assessments: scans of KindWatch, apart from the scans of the
	// organization and out of the score history, but changing findings
	// inside their scope like any scan.
	record(t, s, accounts(NewReport("s1", b)).Instance("PASSED", A1, EU1, "i-1").Instance("PASSED", A1, EU2, "i-2").Report())
	w := NewReport("watch-1", b.Add(time.Hour)).Controls(EC28).Account(A1, "prod-web", "Root/Production/web", EU1).
		Instance("FAILED", A1, EU1, "i-1").Report()
	if err := s.StartScan(ctx, store.Scan{ID: w.ID, Started: w.Started, Kind: store.KindWatch}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishScan(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.StartScan(ctx, store.Scan{ID: "x", Kind: "other"}); err == nil {
		t.Error("a scan of an unknown kind was started")
	}
	scans, _ := s.Scans(ctx, 0)
	if len(scans) != 1 || scans[0].ID != "s1" || scans[0].Kind != store.KindScan {
		t.Errorf("scans %+v, want s1 of kind scan only", scans)
	}
	ws, err := s.WatchScans(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].ID != "watch-1" || ws[0].Kind != store.KindWatch || ws[0].Status != store.Complete {
		t.Errorf("watch scans %+v", ws)
	}
	if h, _ := s.ScoreHistory(ctx, 0); len(h) != 1 || h[0].Scan != "s1" {
		t.Errorf("score history %+v, want s1 only", h)
	}
	f1, _, err := s.Finding(ctx, Instance(A1, EU1, "i-1"))
	if err != nil {
		t.Fatal(err)
	}
	f2, _, _ := s.Finding(ctx, Instance(A1, EU2, "i-2"))
	if f1.Compliance != control.Failed || f1.LastScan != "watch-1" || f2.Compliance != control.Passed || f2.LastScan != "s1" {
		t.Errorf("after the re-assessment: i-1 %s (%s), i-2 %s (%s); want FAILED by watch-1, PASSED by s1",
			f1.Compliance, f1.LastScan, f2.Compliance, f2.LastScan)
	}
}
