package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// onConn is r as it arrives on a connection to local (what net/http
// says in http.LocalAddrContextKey).
func onConn(r *http.Request, local string) *http.Request {
	ap, err := net.ResolveTCPAddr("tcp", local)
	if err != nil {
		panic(err)
	}
	return r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, ap))
}

func TestHostHeader(t *testing.T) {
	srv := server(t, synthetic(t, 1), "")
	for _, tc := range []struct {
		name, local, host string
		status            int
	}{
		{"loopback IP", "127.0.0.1:8080", "127.0.0.1:8080", 200},
		{"localhost", "127.0.0.1:8080", "localhost:8080", 200},
		{"localhost upper case", "127.0.0.1:8080", "LocalHost:8080", 200},
		{"localhost trailing dot", "127.0.0.1:8080", "localhost.:8080", 200},
		{"IPv6 loopback", "127.0.0.1:8080", "[::1]:8080", 200},
		{"IPv6 loopback long form", "[::1]:8080", "[0:0:0:0:0:0:0:1]:8080", 200},
		{"IPv6 without brackets", "[::1]:8080", "::1:8080", 421},
		{"IPv6 zone", "[::1]:8080", "[::1%25lo]:8080", 421},
		{"other name", "127.0.0.1:8080", "evil.example:8080", 421},
		{"other name, no port", "127.0.0.1:8080", "evil.example", 421},
		{"localhost look-alike", "127.0.0.1:8080", "localhost.evil.example:8080", 421},
		{"subdomain of localhost", "127.0.0.1:8080", "evil.localhost:8080", 421},
		{"other loopback IP", "127.0.0.1:8080", "127.0.0.2:8080", 421},
		{"other port", "127.0.0.1:8080", "127.0.0.1:9090", 421},
		{"port with junk", "127.0.0.1:8080", "127.0.0.1:80x", 421},
		{"no port, not on 80", "127.0.0.1:8080", "127.0.0.1", 421},
		{"no port, on 80", "127.0.0.1:80", "localhost", 200},
		{"empty port", "127.0.0.1:80", "localhost:", 421},
		{"empty", "127.0.0.1:8080", "", 421},
		{"the interface's IP", "10.1.2.3:8080", "10.1.2.3:8080", 200},
		{"loopback name off loopback", "10.1.2.3:8080", "localhost:8080", 421},
		{"another IP", "10.1.2.3:8080", "10.1.2.4:8080", 421},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/summary", "/", "/healthz"} {
				r := onConn(httptest.NewRequest(http.MethodGet, path, nil), tc.local)
				r.Host = tc.host
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, r)
				if rec.Code != tc.status {
					t.Errorf("%s: status %d, want %d\n%.300s", path, rec.Code, tc.status, rec.Body.String())
				}
				if tc.status == 421 {
					ct := rec.Header().Get("Content-Type")
					if api := strings.HasPrefix(path, "/api/"); api != strings.HasPrefix(ct, "application/json") {
						t.Errorf("%s: 421 as %q", path, ct)
					}
					if strings.Contains(rec.Body.String(), "evil") {
						t.Errorf("%s: the refusal echoes the host: %s", path, rec.Body.String())
					}
				}
			}
		})
	}
}

func TestAllowedHosts(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: synthetic(t, 1), Catalog: cat, Token: token,
		AllowedHosts: []string{"Guardrail.Example.com.", "[2001:db8::7]"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		local, host string
		status      int
	}{
		// Behind a proxy: the public name on any port.
		{"127.0.0.1:8080", "guardrail.example.com", 200},
		{"127.0.0.1:8080", "GUARDRAIL.example.com.:443", 200},
		{"10.0.0.5:8080", "guardrail.example.com:8443", 200},
		{"10.0.0.5:8080", "[2001:db8::7]", 200},
		{"10.0.0.5:8080", "10.0.0.5:8080", 200},
		{"10.0.0.5:8080", "x.guardrail.example.com", 421},
		{"10.0.0.5:8080", "evil.example", 421},
	} {
		r := onConn(httptest.NewRequest(http.MethodGet, "/api/summary", nil), tc.local)
		r.Host = tc.host
		r.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if rec.Code != tc.status {
			t.Errorf("Host %q on %s: status %d, want %d", tc.host, tc.local, rec.Code, tc.status)
		}
	}
	for _, bad := range []string{"", "evil.example:8080", "http://evil.example", "*.example.com", "a/b", "ex ample", "[::1"} {
		_, err := web.New(web.Options{Store: synthetic(t, 0), Catalog: cat, AllowedHosts: []string{bad}})
		if err == nil || !strings.Contains(err.Error(), "allowed host") {
			t.Errorf("allowed host %q: %v, want an error naming it", bad, err)
		}
		if err := web.CheckHostName(bad); err == nil {
			t.Errorf("CheckHostName(%q) accepted it", bad)
		}
	}
}

// TestDNSRebinding is the attack of issue #12: a page on evil.example,
// whose name now resolves to 127.0.0.1, posts to the dashboard with its
// own Host and a matching Origin.
func TestDNSRebinding(t *testing.T) {
	st := synthetic(t, 1)
	f := anOpenFinding(t, st)
	ts := httptest.NewServer(server(t, st, ""))
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	post := func(host string) *http.Response {
		t.Helper()
		r, err := http.NewRequest(http.MethodPost, ts.URL+"/api/findings/"+f.ID+"/suppress", strings.NewReader(`{"reason": "pwned"}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Host = host
		r.Header.Set("Origin", "http://"+host)
		r.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post("evil.example:" + port); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("suppress from evil.example: %d, want 421", resp.StatusCode)
	}
	if got, _, _ := st.Finding(context.Background(), f.ID); got.Workflow != finding.New {
		t.Fatalf("the rebinding page changed the finding: %s", got.Workflow)
	}
	if resp := post("127.0.0.1:" + port); resp.StatusCode != http.StatusOK {
		t.Errorf("suppress from the dashboard's own origin: %d, want 200", resp.StatusCode)
	}
}

func TestLoginNext(t *testing.T) {
	srv := server(t, synthetic(t, 0), token)
	for _, tc := range []struct{ next, want string }{
		{"/findings?severity=HIGH", "/findings?severity=HIGH"},
		{"/findings?ou=r-ab12%2Fou-ab12-1111", "/findings?ou=r-ab12%2Fou-ab12-1111"},
		{"/findings/abc", "/findings/abc"},
		{"", "/"},
		{"/", "/"},
		{"//evil.example", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"https://evil.example", "/"},
		{"http:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"\t//evil.example", "/"},
		{" //evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/x\x00", "/"},
		{"/x\x7f", "/"},
		{"/ok#//evil", "/"},
	} {
		// The login page's form carries next; the login redirects to it.
		page := do(srv, req{path: "/login?next=" + url.QueryEscape(tc.next)})
		if page.Code != 200 {
			t.Errorf("login page with next %q: %d", tc.next, page.Code)
		}
		rec := do(srv, req{method: http.MethodPost, path: "/login", body: url.Values{"token": {token}, "next": {tc.next}}.Encode(),
			header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.want {
			t.Errorf("login with next %q: %d to %q, want %q", tc.next, rec.Code, rec.Header().Get("Location"), tc.want)
		}
	}
	// The reproduction: the address bar's %5C is a backslash.
	page := do(srv, req{path: "/login?next=/%5Cevil.example"})
	if strings.Contains(page.Body.String(), "evil") {
		t.Errorf("the login page carries the foreign next: %.1000s", page.Body.String())
	}
}

// login signs in on srv and returns the session cookie ("name=value").
func login(t *testing.T, srv http.Handler) string {
	t.Helper()
	rec := do(srv, req{method: http.MethodPost, path: "/login", body: url.Values{"token": {token}}.Encode(),
		header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("login: %d, cookies %v", rec.Code, cookies)
	}
	return cookies[0].Name + "=" + cookies[0].Value
}

func TestLogoutEndsSession(t *testing.T) {
	srv := server(t, synthetic(t, 1), token)
	session := login(t, srv)
	other := login(t, srv)
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusOK {
		t.Fatalf("summary with the session: %d", rec.Code)
	}
	rec := do(srv, req{method: http.MethodPost, path: "/logout", header: map[string]string{"Cookie": session, "Sec-Fetch-Site": "same-origin"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 || c[0].Value != "" {
		t.Errorf("logout does not clear the cookie: %v", c)
	}
	// The browser forgets the cookie; someone who kept a copy of it is
	// refused all the same.
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("summary with the session after logout: %d, want 401", rec.Code)
	}
	if rec := do(srv, req{path: "/", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusSeeOther {
		t.Errorf("overview with the session after logout: %d, want a redirect to login", rec.Code)
	}
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Cookie": other}}); rec.Code != http.StatusOK {
		t.Errorf("another browser's session after the logout: %d, want 200", rec.Code)
	}
}

func TestSessionExpires(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	srv, err := web.New(web.Options{Store: synthetic(t, 1), Catalog: cat, Token: token, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	session := login(t, srv)
	now = now.Add(12*time.Hour - time.Second)
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusOK {
		t.Errorf("session before 12 hours: %d", rec.Code)
	}
	now = now.Add(time.Second)
	if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Cookie": session}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("session after 12 hours: %d, want 401", rec.Code)
	}
	// Another server (a restart, perhaps with another token) knows none
	// of this one's sessions.
	again := server(t, synthetic(t, 1), token)
	if rec := do(again, req{path: "/api/summary", header: map[string]string{"Cookie": login(t, srv)}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("a session of another server: %d, want 401", rec.Code)
	}
}

func TestBearerScheme(t *testing.T) {
	srv := server(t, synthetic(t, 1), token)
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"Bearer " + token, 200},
		{"bearer " + token, 200},
		{"BEARER " + token, 200},
		{"Bearer  " + token, 200},
		{"bearer wrong-token-0123456789", 401},
		{"Basic " + token, 401},
		{"Bearer" + token, 401},
		{token, 401},
	} {
		if rec := do(srv, req{path: "/api/summary", header: map[string]string{"Authorization": tc.auth}}); rec.Code != tc.status {
			t.Errorf("Authorization %.12q...: %d, want %d", tc.auth, rec.Code, tc.status)
		}
	}
}

func TestStaticNoListing(t *testing.T) {
	srv := server(t, synthetic(t, 0), "")
	for path, status := range map[string]int{"/static/": 404, "/static/app-3.css": 200, "/static/nothing.js": 404} {
		rec := do(srv, req{path: path})
		if rec.Code != status || strings.Contains(rec.Body.String(), "htmx-2.0.11.min.js") {
			t.Errorf("%s: %d %.200s, want %d and no listing", path, rec.Code, rec.Body.String(), status)
		}
	}
}

func TestCrossOriginRefusalFormat(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	rec := do(srv, req{method: http.MethodPost, path: "/api/findings/" + f.ID + "/suppress", body: `{"reason": "x"}`,
		header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	var e struct{ Error string }
	if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
		t.Errorf("API cross-origin: %d %q %s, want 403 and JSON {\"error\": ...}", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	rec = do(srv, req{method: http.MethodPost, path: "/findings/" + f.ID + "/suppress", body: "reason=x",
		header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("page cross-origin: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got, _, _ := st.Finding(context.Background(), f.ID); got.Workflow != finding.New {
		t.Errorf("a refused write changed the finding: %s", got.Workflow)
	}
}

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
		{"run ID", req{path: "/remediation/runs/" + big}, "run ID"},
		{"api run ID", req{path: "/api/remediation/runs/" + strings.Repeat("r", 81)}, "run ID"},
		{"rollback run ID", req{method: http.MethodPost, path: "/remediation/runs/a%20b/rollback", body: "confirm=x", header: post}, "run ID"},
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
		"/scans", "/search?kind=users&run=1", "/findings.csv", "/remediation", "/remediation/runs/remediate-1", "/remediation/runs/remediate-1/rollback",
		"/api/remediation/runs", "/api/remediation/runs/remediate-1", "/api/findings/abc/remediation", "/findings/abc/plan"} {
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
		{http.MethodPost, "/remediation/runs/remediate-1/rollback", "confirm=remediate-1"},
	} {
		rec := do(srv, req{method: tc.method, path: tc.path, body: tc.body, header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
		if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusInternalServerError || !id.Match(body) || bytes.Contains(body, []byte("closed")) {
			t.Errorf("%s %s: %d %.300s, want 500 with an error ID only", tc.method, tc.path, rec.Code, body)
		}
	}
}

// TestAPIBodyWhateverItsType: the API reads its JSON body whatever the
// Content-Type says (curl -d sends a form's).
func TestAPIBodyWhateverItsType(t *testing.T) {
	st := synthetic(t, 1)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	rec := do(srv, req{method: http.MethodPost, path: "/api/findings/" + f.ID + "/suppress", body: `{"reason": "RISK-9"}`,
		header: map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}})
	if rec.Code != http.StatusOK {
		t.Errorf("suppress with curl's Content-Type: %d %s", rec.Code, rec.Body.String())
	}
}
