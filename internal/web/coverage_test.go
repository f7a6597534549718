package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// stored is a store holding rep.
func stored(t *testing.T, rep *report.Report) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "guardrail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

var at = time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)

// TestSameScoreEverywhere: the terminal summary, the HTML report, the
// dashboard and its API show the same number for the same scan, rounded
// as Security Hub rounds (2 of 3 controls passed: 66.6 is 67%, where the
// terminal said 66% and the dashboard 67%).
func TestSameScoreEverywhere(t *testing.T) {
	rep := storetest.NewReport("scan-rounding", at).
		Account(storetest.A1, "prod-web", "Root/Production/web", storetest.EU1, storetest.Home).
		Instance(control.Passed, storetest.A1, storetest.EU1, "i-1").
		Root(control.Passed, storetest.A1, storetest.Home).
		Key(control.Failed, storetest.A1, storetest.EU1, "k-1").Report()
	if rep.Scores.Overall.Percent != 66.6 {
		t.Fatalf("fixture: overall %v, want 66.6", rep.Scores.Overall.Percent)
	}
	const want = "67%"

	var text, html bytes.Buffer
	if err := report.Text(&text, rep, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^  Overall +` + want + `  \(2/2 targets\)`).MatchString(text.String()) {
		t.Errorf("terminal: no overall %s (2/2 targets):\n%s", want, text.String())
	}
	if err := report.HTML(&html, rep, report.Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`<div class="name">All controls</div>\s*<div class="pct [^"]*">` + want + `</div>`).MatchString(html.String()) {
		t.Errorf("HTML report: no overall %s", want)
	}

	srv := server(t, stored(t, rep), "")
	page := do(srv, req{path: "/"}).Body.String()
	if !regexp.MustCompile(`<h2>All controls</h2><p class="big">` + want + `</p>`).MatchString(page) {
		t.Errorf("dashboard: no overall %s in\n%.2000s", want, page)
	}
	var sum struct {
		Overall struct {
			Score int `json:"score"`
		} `json:"overall"`
	}
	if err := json.Unmarshal(do(srv, req{path: "/api/summary"}).Body.Bytes(), &sum); err != nil || sum.Overall.Score != 67 {
		t.Errorf("API: overall score %d (%v), want 67", sum.Overall.Score, err)
	}
}

// TestCoverageShown: the dashboard and its API show the coverage behind
// every score, a region an account has not enabled as not enabled (not
// as not assessed), and never a control as PASSED across the
// organization while an account in scope could not judge it.
func TestCoverageShown(t *testing.T) {
	const A1, A2, EU1, EU2, Home = storetest.A1, storetest.A2, storetest.EU1, storetest.EU2, storetest.Home
	b := storetest.NewReport("scan-coverage", at).
		Account(A1, "prod-web", "Root/Production/web", EU1, Home).Skip(A1, EU2, "region not enabled (opt-in required)").
		Account(A2, "sandbox", "Root/Sandbox").Unassessed(A2, "AccessDenied: sts:AssumeRole").
		Instance(control.Passed, A1, EU1, "i-1").Root(control.Passed, A1, Home).Key(control.Failed, A1, EU1, "k-1")
	for _, c := range []string{"EC2.8", "IAM.4", "KMS.4"} {
		b.Result(c, control.Error, A2, Home, "AwsAccount", "AWS::::Account:"+A2, "account not assessed: AccessDenied")
	}
	srv := server(t, stored(t, b.Report()), "")

	var sum struct {
		Coverage struct {
			Assessed int `json:"assessed"`
			InScope  int `json:"in_scope"`
		} `json:"coverage"`
		Overall struct {
			Coverage struct {
				Assessed int `json:"assessed"`
				InScope  int `json:"in_scope"`
			} `json:"coverage"`
			Incomplete int `json:"incomplete"`
		} `json:"overall"`
		Accounts []struct {
			ID       string `json:"id"`
			Coverage struct {
				Assessed int `json:"assessed"`
				InScope  int `json:"in_scope"`
			} `json:"coverage"`
			NotEnabled []string `json:"not_enabled"`
		} `json:"accounts"`
	}
	rec := do(srv, req{path: "/api/summary"})
	if err := json.Unmarshal(rec.Body.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	if c := sum.Coverage; c.Assessed != 2 || c.InScope != 3 || sum.Overall.Coverage != c {
		t.Errorf("summary coverage %+v, overall %+v, want 2 of 3 targets", c, sum.Overall.Coverage)
	}
	if sum.Overall.Incomplete != 2 {
		t.Errorf("overall: %d controls passed only where assessed, want 2 (EC2.8, IAM.4)", sum.Overall.Incomplete)
	}
	got := map[string]string{}
	for _, a := range sum.Accounts {
		got[a.ID] = fmt.Sprintf("%s %d/%d", strings.Join(a.NotEnabled, ","), a.Coverage.Assessed, a.Coverage.InScope)
	}
	if got[A1] != EU2+" 2/2" || got[A2] != " 0/1" {
		t.Errorf("accounts (not enabled, coverage): %q", got)
	}

	page := do(srv, req{path: "/"}).Body.String()
	for _, want := range []string{"2/3 targets assessed", `title="prod-web ` + EU2 + `: not enabled"`, `title="sandbox ` + EU1 + `: not assessed"`} {
		if !strings.Contains(page, want) {
			t.Errorf("overview: no %q", want)
		}
	}
	if strings.Contains(page, `title="prod-web `+EU2+`: not assessed"`) {
		t.Errorf("overview: a region not enabled shown as not assessed")
	}
	acct := do(srv, req{path: "/accounts/" + A1}).Body.String()
	if !strings.Contains(acct, "2/2 targets assessed") || !strings.Contains(acct, "not enabled") {
		t.Errorf("account page: no coverage or not-enabled region:\n%.3000s", acct)
	}

	// IAM.4 and EC2.8 passed in prod-web, and sandbox could not be
	// assessed: UNKNOWN, never PASSED. KMS.4 failed.
	controls := do(srv, req{path: "/controls"}).Body.String()
	for id, want := range map[string]string{"IAM.4": "UNKNOWN", "EC2.8": "UNKNOWN", "KMS.4": "FAILED"} {
		row := regexp.MustCompile(`(?s)<a href="/controls/` + regexp.QuoteMeta(id) + `">` + regexp.QuoteMeta(id) + `</a>.*?</tr>`).FindString(controls)
		if !strings.Contains(row, ">"+want+"<") || strings.Contains(row, ">PASSED<") {
			t.Errorf("controls page, %s: want %s: %s", id, want, row)
		}
	}
}
