package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
	"github.com/guardrail-sec/guardrail/internal/web"
)

const token = "s3cret-token-for-tests-0123456789"

// now is the clock of the tests' stores and dashboards: the day after the
// synthetic organization's second scan. Nothing compared reads the wall
// clock.
var now = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)

// synthetic is a store with two scans of a small synthetic organization.
func synthetic(t *testing.T, scans int) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "guardrail.db"), store.Options{Now: clock.Fixed(now)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for n := 1; n <= scans; n++ {
		rep, err := storetest.Synthetic{Accounts: 4, Regions: []string{"eu-west-1", "us-east-1"}, Scan: n}.Report()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FinishScan(ctx, rep, nil); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func server(t *testing.T, st store.Store, tok string) *web.Server {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, Catalog: cat, Token: tok, User: "tester", Now: clock.Fixed(now)})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

type req struct {
	method, path, body string
	header             map[string]string
}

func do(srv http.Handler, r req) *httptest.ResponseRecorder {
	if r.method == "" {
		r.method = http.MethodGet
	}
	hr := httptest.NewRequest(r.method, "http://127.0.0.1:8080"+r.path, strings.NewReader(r.body))
	if r.method == http.MethodPost && !strings.HasPrefix(r.path, "/api/") {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, hr)
	return rec
}

func anOpenFinding(t *testing.T, st store.Store) finding.Finding {
	t.Helper()
	fs, _, err := st.Findings(context.Background(), store.Filter{Compliance: []control.Status{control.Failed},
		Workflow: []finding.Workflow{finding.New}, Limit: 1})
	if err != nil || len(fs) == 0 {
		t.Fatalf("no open finding: %v", err)
	}
	return fs[0]
}

func TestPages(t *testing.T) {
	st := synthetic(t, 2)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Organization posture", "CIS AWS Foundations Benchmark v1.2.0", "CIS AWS Foundations Benchmark v5.0.0", "AWS Well-Architected Security Pillar (2024-06-27)", "Heat map", "Top failing controls", "workload-000", "Since the previous scan"}},
		{"/findings", 200, []string{"findings", "Download CSV", f.Control}},
		{"/findings?severity=critical&region=eu-west-1", 200, []string{"CRITICAL"}},
		{"/findings?standard=cis-3.0&page=2", 200, []string{"Page 2 of"}},
		{"/findings?severity=hgih", 400, []string{`severity=&#34;hgih&#34;`}},
		{"/findings?page=0", 400, []string{"page=&#34;0&#34;: want a whole number from 1"}},
		{"/findings?size=100000", 400, []string{"at most 500"}},
		{"/findings?standard=pci", 400, []string{"not a standard"}},
		{"/findings?status=DONE", 400, []string{"want open, all"}},
		{"/findings/" + f.ID, 200, []string{f.Title, "Suppress", "History", "How to fix it", "Remediation history"}},
		{"/remediation", 200, []string{"Remediation runs", "No remediation run yet"}},
		{"/findings/0000000000", 404, []string{"no finding 0000000000"}},
		{"/controls", 200, []string{"IAM.4"}},
		{"/controls/IAM.4", 200, []string{"Why it matters", "How to fix it"}},
		{"/controls/NOPE.1", 404, []string{"no control"}},
		{"/accounts/100000000001", 200, []string{"workload-001", "Score by region"}},
		{"/accounts/999999999999", 404, []string{"not in the latest scan"}},
		{"/scans", 200, []string{"scan-synthetic-2", "scan-synthetic-1"}},
		{"/search?kind=sg&ip=10.0.0.999&run=1", 400, []string{"ip: "}},
		{"/search?kind=users&run=1", 200, []string{"found"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(srv, req{path: tc.path})
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d\n%.400s", rec.Code, tc.status, rec.Body.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("no %q in the page", w)
				}
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := server(t, synthetic(t, 1), "")
	for _, path := range []string{"/", "/findings", "/api/summary", "/static/app-3.css", "/nowhere"} {
		h := do(srv, req{path: path}).Header()
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; script-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
		} {
			if !strings.Contains(h.Get(k), want) {
				t.Errorf("%s: %s = %q, want %q", path, k, h.Get(k), want)
			}
		}
		if strings.Contains(h.Get("Content-Security-Policy"), "unsafe") {
			t.Errorf("%s: CSP allows unsafe sources: %s", path, h.Get("Content-Security-Policy"))
		}
	}
}

func TestToken(t *testing.T) {
	srv := server(t, synthetic(t, 1), token)
	if rec := do(srv, req{path: "/"}); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("page without a session: %d to %q, want a redirect to /login", rec.Code, rec.Header().Get("Location"))
	}
	if rec := do(srv, req{path: "/api/summary"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("API without a token: %d, want 401", rec.Code)
	}
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Authorization": "Bearer wrong"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("API with a wrong token: %d, want 401", rec.Code)
	}
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Authorization": "Bearer " + token}}); rec.Code != http.StatusOK {
		t.Errorf("API with the token: %d, want 200", rec.Code)
	}
	if rec := do(srv, req{path: "/static/app-3.css"}); rec.Code != http.StatusOK {
		t.Errorf("assets need no token: %d", rec.Code)
	}
	login := func(tok, next string) *httptest.ResponseRecorder {
		return do(srv, req{method: http.MethodPost, path: "/login", body: url.Values{"token": {tok}, "next": {next}}.Encode(),
			header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	}
	if rec := login("wrong", "/"); rec.Code != http.StatusUnauthorized || len(rec.Result().Cookies()) != 0 {
		t.Errorf("login with a wrong token: %d, cookies %v", rec.Code, rec.Result().Cookies())
	}
	rec := login(token, "//evil.example/x")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Errorf("login: %d to %q, want / (never another site)", rec.Code, rec.Header().Get("Location"))
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || strings.Contains(cookies[0].Value, token) {
		t.Fatalf("session cookie: %+v", cookies)
	}
	session := cookies[0].Name + "=" + cookies[0].Value
	if rec := do(srv, req{path: "/", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusOK {
		t.Errorf("page with the session: %d", rec.Code)
	}
	forged := cookies[0].Name + "=" + cookies[0].Value[:len(cookies[0].Value)-2] + "AA"
	if rec := do(srv, req{path: "/", header: map[string]string{"Cookie": forged}}); rec.Code != http.StatusSeeOther {
		t.Errorf("page with a forged session: %d, want a redirect to login", rec.Code)
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	body := url.Values{"reason": {"accepted"}}.Encode()
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"other origin", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080"}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(srv, req{method: http.MethodPost, path: "/findings/" + f.ID + "/suppress", body: body, header: tc.header})
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			got, _, _ := st.Finding(context.Background(), f.ID)
			if suppressed := got.Workflow == finding.Suppressed; suppressed != (tc.status == http.StatusSeeOther) {
				t.Errorf("workflow %s after a %d", got.Workflow, rec.Code)
			}
		})
	}
}

func TestSuppressAndUnsuppress(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	post := func(path, body string) *httptest.ResponseRecorder {
		return do(srv, req{method: http.MethodPost, path: path, body: body, header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"no reason", "/findings/" + f.ID + "/suppress", "reason=+", 400, "reason: say why"},
		{"past expiry", "/findings/" + f.ID + "/suppress", "reason=x&until=2026-11-02", 400, "must be in the future"},
		{"bad expiry", "/findings/" + f.ID + "/suppress", "reason=x&until=soon", 400, "want a date"},
		{"unknown finding", "/findings/ffffffffff/suppress", "reason=x", 404, "ffffffffff"},
		{"api bad json", "/api/findings/" + f.ID + "/suppress", `{"reason": 1}`, 400, "body: want JSON"},
		{"api unknown field", "/api/findings/" + f.ID + "/suppress", `{"reason": "x", "who": "me"}`, 400, "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(tc.path, tc.body)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %.300s, want %d with %q", rec.Code, rec.Body.String(), tc.status, tc.want)
			}
			if got, _, _ := st.Finding(context.Background(), f.ID); got.Workflow != finding.New {
				t.Errorf("bad request changed the finding: %s", got.Workflow)
			}
		})
	}
	// An expiry a month after the dashboard's clock (and the store's) is in
	// the future, whatever the date the test runs on.
	rec := post("/api/findings/"+f.ID+"/suppress", `{"reason": "RISK-7", "until": "2026-12-03"}`)
	var got finding.Finding
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 || got.Workflow != finding.Suppressed ||
		got.Suppression.By != "tester" || !got.Suppression.Until.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("api suppress: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post("/findings/"+f.ID+"/unsuppress", "reason=back+in+scope&by=alice"); rec.Code != http.StatusSeeOther {
		t.Fatalf("unsuppress: %d %s", rec.Code, rec.Body.String())
	}
	_, events, _ := st.Finding(context.Background(), f.ID)
	last := events[len(events)-1]
	if last.Kind != "unsuppressed" || last.By != "alice" || last.Detail != "back in scope" {
		t.Errorf("last event: %+v", last)
	}
}

func TestAPI(t *testing.T) {
	st := synthetic(t, 2)
	srv := server(t, st, "")
	rec := do(srv, req{path: "/api/summary"})
	var sum struct {
		Scan      string `json:"scan"`
		Standards []struct {
			Short   string  `json:"short"`
			Percent float64 `json:"percent"`
		} `json:"standards"`
		Accounts []struct {
			ID        string             `json:"id"`
			Name      string             `json:"name"`
			Percent   float64            `json:"percent"`
			Standards map[string]float64 `json:"standards"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &sum); err != nil || rec.Code != 200 {
		t.Fatalf("summary: %d %v %.300s", rec.Code, err, rec.Body.String())
	}
	// Every embedded standard (CIS v1.2.0-v5.0.0, FSBP, Well-Architected).
	if sum.Scan != "scan-synthetic-2" || len(sum.Standards) != 7 || len(sum.Accounts) != 4 || sum.Accounts[0].Name == "" || len(sum.Accounts[0].Standards) != 7 {
		t.Errorf("summary: %+v", sum)
	}
	var page struct {
		Total    int               `json:"total"`
		Findings []finding.Finding `json:"findings"`
		Next     string            `json:"next"`
	}
	rec = do(srv, req{path: "/api/findings?severity=HIGH&size=10"})
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Findings) != 10 || page.Total <= 10 || !strings.Contains(page.Next, "page=2") {
		t.Fatalf("api findings: %v total %d, %d findings, next %q", err, page.Total, len(page.Findings), page.Next)
	}
	for _, f := range page.Findings {
		if f.Severity != control.High || f.Compliance != control.Failed {
			t.Errorf("finding %s: %s %s", f.ID, f.Severity, f.Compliance)
		}
	}
	for path, status := range map[string]int{"/api/findings?size=0": 400, "/api/findings/abc": 404, "/api/nothing": 404,
		"/api/search?kind=sg": 400, "/api/search?kind=buckets&public=1": 200, "/api/controls": 200, "/api/scans": 200, "/api/trend": 200,
		"/api/remediation/runs": 200, "/api/remediation/runs/remediate-1": 404, "/api/findings/" + anOpenFinding(t, st).ID + "/remediation": 200} {
		if rec := do(srv, req{path: path}); rec.Code != status || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s: %d %.200s, want %d and JSON", path, rec.Code, rec.Body.String(), status)
		}
	}
}

func TestCSV(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	_, total, err := st.Findings(context.Background(), store.Filter{Compliance: []control.Status{control.Failed},
		Workflow: []finding.Workflow{finding.New, finding.Notified}, Severities: []control.Severity{control.Medium}})
	if err != nil {
		t.Fatal(err)
	}
	rec := do(srv, req{path: "/findings.csv?severity=MEDIUM&page=3"})
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	if len(rows) != total+1 || rows[0][0] != "finding_id" {
		t.Errorf("CSV: %d rows, want the header and all %d findings of the view (every page)", len(rows), total)
	}
	if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename="guardrail-findings-20261103T120000Z.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q (named by the dashboard's clock)", got, want)
	}
}

func TestEmptyStore(t *testing.T) {
	srv := server(t, synthetic(t, 0), "")
	if rec := do(srv, req{path: "/"}); rec.Code != 200 || !strings.Contains(rec.Body.String(), "No scan yet") {
		t.Errorf("overview of an empty store: %d %.300s", rec.Code, rec.Body.String())
	}
	if rec := do(srv, req{path: "/api/summary"}); rec.Code != 404 || !strings.Contains(rec.Body.String(), "no complete scan") {
		t.Errorf("summary of an empty store: %d %s", rec.Code, rec.Body.String())
	}
	if rec := do(srv, req{path: "/findings"}); rec.Code != 200 || !strings.Contains(rec.Body.String(), "No finding matches") {
		t.Errorf("findings of an empty store: %d", rec.Code)
	}
}

func TestListenRefusesOpenAddressWithoutToken(t *testing.T) {
	srv := server(t, synthetic(t, 0), "")
	err := srv.Listen(context.Background(), "0.0.0.0:0", "", "", nil)
	if !errors.Is(err, web.ErrNoToken) {
		t.Fatalf("Listen on 0.0.0.0 without a token: %v, want ErrNoToken", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- server(t, synthetic(t, 0), token).Listen(ctx, "0.0.0.0:0", "", "", func(net.Addr) { cancel() })
	}()
	if err := <-done; err != nil {
		t.Fatalf("Listen on 0.0.0.0 with a token: %v", err)
	}
}
