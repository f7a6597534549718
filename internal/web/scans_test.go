package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// TestScansPageUnfinished: a scan that did not complete shows its status
// and who ran it, and no finish time, counts or score (the store holds
// none); a complete one shows its rounded score with its coverage.
func TestScansPageUnfinished(t *testing.T) {
	st := synthetic(t, 1)
	if err := st.StartScan(context.Background(), store.Scan{ID: "scan-running", Started: now, By: "carol"}); err != nil {
		t.Fatal(err)
	}
	srv := server(t, st, "")
	page := do(srv, req{path: "/scans"}).Body.String()
	row := regexp.MustCompile(`(?s)<tr><td class="mono">scan-running</td>.*?</tr>`).FindString(page)
	if row == "" {
		t.Fatalf("no row for the running scan:\n%.2000s", page)
	}
	if !strings.Contains(row, "RUNNING") || !strings.Contains(row, "carol") {
		t.Errorf("the running scan's row lacks its status or who ran it: %s", row)
	}
	for _, bad := range []string{"0001-01-01", "%", ">0<"} {
		if strings.Contains(row, bad) {
			t.Errorf("the running scan's row shows %q: %s", bad, row)
		}
	}
	done := regexp.MustCompile(`(?s)<tr><td class="mono">scan-synthetic-1</td>.*?</tr>`).FindString(page)
	if !regexp.MustCompile(`>\d+%<`).MatchString(done) || !strings.Contains(done, " targets<") {
		t.Errorf("the complete scan's row lacks its score or coverage: %s", done)
	}
	api := do(srv, req{path: "/api/scans"}).Body.String()
	if strings.Contains(api, "0001-01-01") {
		t.Errorf("/api/scans shows a zero time: %.600s", api)
	}
}

// TestOverviewFollowsScans: the overview keeps the latest complete scan
// it read between pages, and shows the next one as soon as it is stored:
// a scan that starts is shown running, one that completes replaces it
// (and the one before becomes the previous scan); a suppression changes
// the open counts without a new scan.
func TestOverviewFollowsScans(t *testing.T) {
	ctx := context.Background()
	st := synthetic(t, 1)
	srv := server(t, st, "")
	summary := func() map[string]any {
		t.Helper()
		rec := do(srv, req{path: "/api/summary"})
		if rec.Code != http.StatusOK {
			t.Fatalf("/api/summary: %d %s", rec.Code, rec.Body.String())
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if s := summary(); s["scan"] != "scan-synthetic-1" || s["changes_since_previous"] != nil {
		t.Fatalf("one scan: summary of %v, changes %v", s["scan"], s["changes_since_previous"])
	}
	rep, err := storetest.Synthetic{Accounts: 4, Regions: []string{"eu-west-1", "us-east-1"}, Scan: 2}.Report()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	page := do(srv, req{path: "/"}).Body.String()
	if !strings.Contains(page, "Scan "+rep.ID+" is running") || !strings.Contains(page, "As of scan <a href=\"/findings?status=all&amp;compliance=all\">scan-synthetic-1</a>") {
		t.Errorf("with %s running, the overview does not show it running over scan-synthetic-1:\n%.1500s", rep.ID, page)
	}
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	s := summary()
	ch, _ := s["changes_since_previous"].(map[string]any)
	if s["scan"] != rep.ID || ch == nil || ch["from"] != "scan-synthetic-1" || ch["to"] != rep.ID {
		t.Fatalf("after %s completed: summary of %v, changes %v", rep.ID, s["scan"], s["changes_since_previous"])
	}
	open := func(m map[string]any) float64 {
		o, _ := m["open_findings"].(map[string]any)
		var n float64
		for _, v := range o {
			f, _ := v.(float64)
			n += f
		}
		return n
	}
	before := open(s)
	f := anOpenFinding(t, st)
	if err := st.Suppress(ctx, []string{f.ID}, "accepted risk", "tester", time.Time{}); err != nil {
		t.Fatal(err)
	}
	after := summary()
	if after["scan"] != rep.ID || open(after) != before-1 {
		t.Errorf("after a suppression: summary of %v with %v open findings, want %s with %v", after["scan"], open(after), rep.ID, before-1)
	}
}
