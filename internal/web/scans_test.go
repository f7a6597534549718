package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
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
