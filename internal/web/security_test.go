package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

func TestInputLimits(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	big := strings.Repeat("x", 100<<10)
	post := map[string]string{"Sec-Fetch-Site": "same-origin"}
	for _, tc := range []struct {
		name string
		r    req
		want string
	}{
		{"api q", req{path: "/api/findings?q=" + big}, "q: "},
		{"page q", req{path: "/findings?q=" + big}, "q: "},
		{"csv q", req{path: "/findings.csv?q=" + big}, "q: "},
		{"q just over", req{path: "/api/findings?q=" + strings.Repeat("x", 1001)}, "q: at most 1000 bytes"},
		{"account", req{path: "/api/findings?account=" + big}, "account: "},
		{"search match", req{path: "/api/search?kind=sg&match=" + big}, "match: "},
		{"search page ip", req{path: "/search?kind=sg&run=1&ip=" + big}, "ip: "},
		{"page number", req{path: "/api/findings?page=999999999999"}, "page="},
		{"keyage", req{path: "/api/search?kind=users&oldkeys=1&keyage=99999999999"}, "keyage="},
		{"port", req{path: "/api/search?kind=sg&port=70000"}, "port="},
		{"finding ID", req{path: "/api/findings/" + strings.Repeat("a", 200)}, "finding ID"},
		{"finding ID shape", req{path: "/api/findings/not-an-id"}, "finding ID"},
		{"finding page ID", req{path: "/findings/%3Cscript%3E"}, "finding ID"},
		{"account ID", req{path: "/accounts/" + big}, "account ID"},
		{"control ID", req{path: "/controls/" + big}, "control ID"},
		{"login next", req{path: "/login?next=" + big}, "next: "},
		{"form reason", req{method: http.MethodPost, path: "/findings/" + f.ID + "/suppress", body: "reason=" + big, header: post}, "body"},
		{"form by", req{method: http.MethodPost, path: "/findings/" + f.ID + "/suppress", body: "reason=x&by=" + strings.Repeat("b", 300), header: post}, "by: "},
		{"json body", req{method: http.MethodPost, path: "/api/findings/" + f.ID + "/suppress", body: `{"reason": "` + big + `"}`, header: post}, "body"},
		{"json by", req{method: http.MethodPost, path: "/api/findings/" + f.ID + "/suppress", body: `{"reason": "x", "by": "` + strings.Repeat("b", 300) + `"}`, header: post}, "by: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(srv, tc.r)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %.300s, want 400 naming %q", rec.Code, rec.Body.String(), tc.want)
			}
			if len(rec.Body.String()) > 4000 {
				t.Errorf("the answer echoes the input: %d bytes", rec.Body.Len())
			}
		})
	}
	if got, _, _ := st.Finding(context.Background(), f.ID); got.Workflow != finding.New {
		t.Errorf("a refused write changed the finding: %s", got.Workflow)
	}
}

// TestInternalErrorsHidden breaks the store under the dashboard: every
// answer says "internal error" with an ID, and only the log has the
// error.
func TestInternalErrorsHidden(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "secret-name.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv, err := web.New(web.Options{Store: st, Catalog: cat, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	id := regexp.MustCompile(`internal error \(ID ([0-9a-f]{12})\)`)
	for _, path := range []string{"/api/summary", "/api/findings", "/api/findings/abc", "/api/controls", "/api/scans", "/api/trend",
		"/api/search?kind=buckets", "/", "/findings", "/findings/abc", "/controls", "/controls/IAM.4", "/accounts/100000000001",
		"/scans", "/search?kind=users&run=1", "/findings.csv"} {
		t.Run(path, func(t *testing.T) {
			logs.Reset()
			rec := do(srv, req{path: path})
			body := rec.Body.String()
			m := id.FindStringSubmatch(body)
			if path != "/findings.csv" && rec.Code != http.StatusInternalServerError || m == nil {
				t.Fatalf("%d %.400s, want 500 with an error ID", rec.Code, body)
			}
			for _, leak := range []string{"closed", "sql", "secret-name", dir} {
				if strings.Contains(strings.ToLower(body), leak) {
					t.Errorf("the answer shows %q: %.400s", leak, body)
				}
			}
			if l := logs.String(); !strings.Contains(l, m[1]) || !strings.Contains(l, "closed") {
				t.Errorf("the log lacks the ID %s or the error: %s", m[1], l)
			}
		})
	}
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/findings/abc/suppress", `{"reason": "x"}`},
		{http.MethodPost, "/findings/abc/suppress", "reason=x"},
	} {
		rec := do(srv, req{method: tc.method, path: tc.path, body: tc.body, header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
		if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusInternalServerError || !id.Match(body) || bytes.Contains(body, []byte("closed")) {
			t.Errorf("%s %s: %d %.300s, want 500 with an error ID only", tc.method, tc.path, rec.Code, body)
		}
	}
}
