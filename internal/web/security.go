package web

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// csp allows only this origin's own scripts, styles and images: no
// inline script, no eval, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the security headers of every answer.
func headers(tls bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// IsLoopback reports whether addr ("host:port") listens on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrNoToken says a non-loopback address was asked for without a token.
var ErrNoToken = errors.New("the dashboard shows every account's weaknesses: on an address other than loopback it needs an access token")

// sessionCookie holds a session's random ID (see sessions); never the
// token.
const sessionCookie = "guardrail_session"

// auth checks the token (Authorization: Bearer) or the session cookie on
// every request but the login page and the static assets. An empty token
// allows everything (loopback only: see Listen).
type auth struct {
	token    []byte
	tls      bool
	sessions *sessions
}

func newAuth(token string, tls bool, now func() time.Time) *auth {
	return &auth{token: []byte(token), tls: tls, sessions: newSessions(now)}
}

func (a *auth) enabled() bool { return len(a.token) > 0 }

// checkToken compares in constant time.
func (a *auth) checkToken(t string) bool {
	return a.enabled() && subtle.ConstantTimeCompare([]byte(t), a.token) == 1
}

// newSession starts a session and returns its cookie.
func (a *auth) newSession() (*http.Cookie, error) {
	id, _, err := a.sessions.create()
	if err != nil {
		return nil, err
	}
	return &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: a.tls,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL / time.Second)}, nil
}

// endSession ends r's session, if it has one, and returns the cookie
// that clears it in the browser.
func (a *auth) endSession(r *http.Request) *http.Cookie {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.end(c.Value)
	}
	return &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.tls, SameSite: http.SameSiteStrictMode}
}

func (a *auth) validSession(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	return err == nil && a.sessions.valid(c.Value)
}

// bearer is the token of an Authorization header of the Bearer scheme,
// whose name is case-insensitive (RFC 9110, section 11.1).
func bearer(h string) (string, bool) {
	scheme, t, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimLeft(t, " "), true
}

func (a *auth) allowed(r *http.Request) bool {
	if !a.enabled() {
		return true
	}
	if t, ok := bearer(r.Header.Get("Authorization")); ok {
		return a.checkToken(t)
	}
	return a.validSession(r)
}

func (a *auth) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" || r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") || a.allowed(r) {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guardrail"`)
			writeJSONError(w, http.StatusUnauthorized, "an access token is needed: send Authorization: Bearer <token>")
			return
		}
		if r.Header.Get("HX-Request") != "" {
			w.Header().Set("HX-Redirect", "/login")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}
