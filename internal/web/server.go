package web

import (
	"context"
	"crypto/tls"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/httpstop"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/store"
)

//go:embed static templates
var assets embed.FS

// Options configure a dashboard.
type Options struct {
	Store   store.Store
	Catalog *control.Catalog
	// Token is the access token (or password) every request needs; empty
	// allows anyone who can connect, which Listen allows on loopback only.
	Token string
	// TLS says the dashboard is served over HTTPS (session cookies are
	// then Secure, and HSTS is sent).
	TLS bool
	// User names who suppresses findings from the dashboard when the form
	// does not say ("dashboard" if empty).
	User string
	// AllowedHosts are host names the dashboard answers to besides the
	// address it listens on (and loopback's names on loopback): the
	// public name of a reverse proxy in front of it. See hosts.
	AllowedHosts []string
	// Addr is the address the dashboard was asked to listen on (--addr),
	// for a caller that binds it itself and calls Serve: the dashboard
	// answers to its host name as given. Listen sets it from its own.
	Addr string
	// Log is where internal errors go, with the ID their answer shows.
	Log *slog.Logger
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// AWS, when set, gives the dashboard AWS access: a finding's page
	// can then plan its remediation (reads only), and a remediation run
	// can be rolled back from its page (changes AWS). When nil, the
	// dashboard never calls AWS and shows the CLI commands instead.
	AWS func(ctx context.Context) (aws.Config, error)
	// Remediate are the remediation engine's settings for those plans
	// and rollbacks: Discover (the role to assume in member accounts,
	// the regions), Params, Playbooks, Limiter, Collectors, Concurrency.
	// The dashboard sets Store, Now and the selection itself, and
	// Catalog when it is nil.
	Remediate remediate.Options
	// JiraHook, when set, takes Jira's webhook at POST /hooks/jira. It
	// authenticates the request itself (a shared secret), so it is
	// served without a session and outside the CSRF check, behind the
	// host allow-list.
	JiraHook http.Handler
	// TicketURL, when set, is the address of a ticket's page (a Jira
	// issue's /browse/KEY), linked from its finding's page.
	TicketURL func(destination, key string) string
}

// Server is the dashboard's HTTP handler.
type Server struct {
	o     Options
	auth  *auth
	hosts *hosts
	pages map[string]*page
	mux   *http.ServeMux
	h     http.Handler

	mu     sync.Mutex
	cached *overview // for cachedVersion
	cacheV string
	// latest is the latest complete scan as read whole, kept across
	// versions of the store: a COMPLETE scan never changes, so a
	// suppression or a scan that starts rebuilds the overview without
	// decoding its scores again.
	latest    *store.Scan
	latestSeq int64

	// plans bounds the remediation plans running at once; rolling is
	// held by the rollback in progress (one at a time).
	plans   chan struct{}
	rolling sync.Mutex

	scpc scpCache // the SCPs last read, for explaining denied calls
}

// New builds the dashboard over o.Store.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Catalog == nil {
		return nil, errors.New("web: a store and a catalog are needed")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.User == "" {
		o.User = "dashboard"
	}
	h, err := newHosts(o.AllowedHosts, o.TLS)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, auth: newAuth(o.Token, o.TLS, o.Now), hosts: h, pages: pages, mux: http.NewServeMux(),
		plans: make(chan struct{}, maxPlans)}
	if o.Addr != "" {
		h.bind(o.Addr)
	}
	s.routes()
	// Writes from another origin are refused (CSRF): browsers say where a
	// request comes from in Sec-Fetch-Site or Origin. That is only sound
	// once the Host is known to be ours (hosts: DNS rebinding).
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, errors.New("cross-origin request refused: writes are accepted only from the dashboard's own pages"))
	}))
	dash := s.auth.wrap(csrf.Handler(s.limits(s.mux)))
	inner := dash
	if o.JiraHook != nil {
		inner = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hooks/jira" {
				o.JiraHook.ServeHTTP(w, r)
				return
			}
			dash.ServeHTTP(w, r)
		})
	}
	s.h = headers(o.TLS, h.wrap(s, inner))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "static")
	files := http.FileServerFS(static)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Files only: a directory would be listed.
		if fi, err := fs.Stat(static, strings.TrimSuffix(r.URL.Path, "/")); r.URL.Path == "" || err == nil && fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		// Asset names carry their version: they never change.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)

	s.mux.HandleFunc("GET /{$}", s.overviewPage)
	s.mux.HandleFunc("GET /findings", s.findingsPage)
	s.mux.HandleFunc("GET /findings.csv", s.findingsCSV)
	s.mux.HandleFunc("GET /findings/{id}", s.findingPage)
	s.mux.HandleFunc("POST /findings/{id}/suppress", s.suppress)
	s.mux.HandleFunc("POST /findings/{id}/unsuppress", s.unsuppress)
	s.mux.HandleFunc("GET /controls", s.controlsPage)
	s.mux.HandleFunc("GET /controls/{id}", s.controlPage)
	s.mux.HandleFunc("GET /accounts/{id}", s.accountPage)
	s.mux.HandleFunc("GET /search", s.searchPage)
	s.mux.HandleFunc("GET /scans", s.scansPage)
	s.mux.HandleFunc("GET /alerts", s.alertsPage)
	s.mux.HandleFunc("GET /notifications", s.notificationsPage)
	s.mux.HandleFunc("POST /notifications/retry", s.notificationsRetry)
	s.mux.HandleFunc("GET /alerts/{id}", s.alertPage)
	s.mux.HandleFunc("GET /findings/{id}/plan", s.planPage)
	s.mux.HandleFunc("GET /remediation", s.runsPage)
	s.mux.HandleFunc("GET /remediation/runs/{id}", s.runPage)
	s.mux.HandleFunc("GET /remediation/runs/{id}/rollback", s.rollbackPage)
	s.mux.HandleFunc("POST /remediation/runs/{id}/rollback", s.rollback)

	s.mux.HandleFunc("GET /api/summary", s.apiSummary)
	s.mux.HandleFunc("GET /api/findings", s.apiFindings)
	s.mux.HandleFunc("GET /api/findings/{id}", s.apiFinding)
	s.mux.HandleFunc("POST /api/findings/{id}/suppress", s.apiSuppress)
	s.mux.HandleFunc("POST /api/findings/{id}/unsuppress", s.apiUnsuppress)
	s.mux.HandleFunc("GET /api/controls", s.apiControls)
	s.mux.HandleFunc("GET /api/scans", s.apiScans)
	s.mux.HandleFunc("GET /api/trend", s.apiTrend)
	s.mux.HandleFunc("GET /api/search", s.apiSearch)
	s.mux.HandleFunc("GET /api/alerts", s.apiAlerts)
	s.mux.HandleFunc("GET /api/notifications", s.apiNotifications)
	s.mux.HandleFunc("POST /api/notifications/retry", s.apiNotificationsRetry)
	s.mux.HandleFunc("GET /api/findings/{id}/notifications", s.apiFindingNotifications)
	s.mux.HandleFunc("GET /api/alerts/{id}", s.apiAlert)
	s.mux.HandleFunc("GET /api/alerts/{id}/explanation", s.apiAlertExplanation)
	s.mux.HandleFunc("GET /api/watch/errors", s.apiWatchErrors)
	s.mux.HandleFunc("GET /api/watch/reassessments", s.apiReassessments)
	s.mux.HandleFunc("GET /api/findings/{id}/remediation", s.apiFindingRemediation)
	s.mux.HandleFunc("GET /api/findings/{id}/remediation/plan", s.apiPlan)
	s.mux.HandleFunc("GET /api/remediation/runs", s.apiRuns)
	s.mux.HandleFunc("GET /api/remediation/runs/{id}", s.apiRun)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no such API: "+r.Method+" "+r.URL.Path)
	})
}

// Listen serves the dashboard on addr until ctx is done. It refuses an
// address other than loopback without a token. ready, if not nil, is
// called with the address listened on.
func (s *Server) Listen(ctx context.Context, addr, certFile, keyFile string, ready func(net.Addr)) error {
	if !IsLoopback(addr) && !s.auth.enabled() {
		return fmt.Errorf("--addr %s: %w", addr, ErrNoToken)
	}
	var tc *tls.Config
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		tc = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.hosts.bind(addr)
	if ready != nil {
		ready(ln.Addr())
	}
	return s.Serve(ctx, ln, tc)
}

// Serve serves the dashboard on ln, over HTTPS with tc if not nil, until
// ctx is done; it closes ln. Like Listen, it refuses a listener beyond
// loopback without a token. It lets a caller bind the address (and fail
// on it) before doing any other work.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tc *tls.Config) error {
	if !IsLoopback(ln.Addr().String()) && !s.auth.enabled() {
		ln.Close()
		return fmt.Errorf("--addr %s: %w", ln.Addr(), ErrNoToken)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.o.Log.Handler(), slog.LevelWarn), TLSConfig: tc}
	// A browser opens connections ahead of need: Shutdown closes those
	// at once instead of waiting 5 seconds for them.
	httpstop.Track(hs)
	errc := make(chan error, 1)
	go func() {
		if tc != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return nil
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", http.StatusOK, map[string]any{"Next": safeNext(r.URL.Query().Get("next")), "Auth": s.auth.enabled()})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	if !s.auth.enabled() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if !s.auth.checkToken(r.FormValue("token")) {
		s.o.Log.Warn("dashboard login refused", "remote", r.RemoteAddr)
		s.render(w, r, "login", http.StatusUnauthorized, map[string]any{"Next": next, "Auth": true, "Error": "That token is not right."})
		return
	}
	c, err := s.auth.newSession()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session on the server, not only in this browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.auth.endSession(r))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect after login on this site: next must be a
// path of this origin, else it is "/". Browsers are lenient where it
// hurts: they read "\" as "/" (so "/\evil.example" is another host),
// drop tabs and newlines ("/\t/evil.example"), and take "//host" as a
// host. So next must start with one "/", hold only printable ASCII
// (what RequestURI gives) and no backslash, have neither scheme, host nor
// fragment once parsed, and its decoded path must not start with "//"
// or hold a backslash or a control character either.
func safeNext(next string) string {
	if len(next) == 0 || len(next) > paramMax["next"] || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range []byte(next) {
		if c <= ' ' || c >= 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" ||
		strings.HasPrefix(u.Path, "//") || strings.ContainsRune(u.Path, '\\') {
		return "/"
	}
	for _, c := range []byte(u.Path) {
		if c < ' ' || c == 0x7f {
			return "/"
		}
	}
	return next
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// TokenFromEnv reads the dashboard's token from GUARDRAIL_DASHBOARD_TOKEN
// or from the file it is given.
func TokenFromEnv(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return "", fmt.Errorf("%s: the token must be at least 16 characters", file)
		}
		return t, nil
	}
	t := os.Getenv("GUARDRAIL_DASHBOARD_TOKEN")
	if t != "" && len(t) < 16 {
		return "", errors.New("GUARDRAIL_DASHBOARD_TOKEN: the token must be at least 16 characters")
	}
	return t, nil
}
