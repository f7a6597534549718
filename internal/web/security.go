package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
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

// sessionCookie holds "expiry.mac": the dashboard's own proof that the
// browser logged in with the token; it never holds the token.
const sessionCookie = "guardrail_session"

const sessionTTL = 12 * time.Hour

// auth checks the token (Authorization: Bearer) or the session cookie on
// every request but the login page and the static assets. An empty token
// allows everything (loopback only: see Listen).
type auth struct {
	token []byte
	key   []byte // signs session cookies; new at every start
	tls   bool
	now   func() time.Time
}

func newAuth(token string, tls bool) (*auth, error) {
	a := &auth{token: []byte(token), tls: tls, now: time.Now}
	if token != "" {
		a.key = make([]byte, 32)
		if _, err := rand.Read(a.key); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *auth) enabled() bool { return len(a.token) > 0 }

// checkToken compares in constant time.
func (a *auth) checkToken(t string) bool {
	return a.enabled() && subtle.ConstantTimeCompare([]byte(t), a.token) == 1
}

func (a *auth) mac(exp int64) []byte {
	m := hmac.New(sha256.New, a.key)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp))
	m.Write(b[:])
	return m.Sum(nil)
}

func (a *auth) newSession() *http.Cookie {
	exp := a.now().Add(sessionTTL).Unix()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp))
	v := base64.RawURLEncoding.EncodeToString(b[:]) + "." + base64.RawURLEncoding.EncodeToString(a.mac(exp))
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", HttpOnly: true, Secure: a.tls,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL / time.Second)}
}

func (a *auth) validSession(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	e, m, ok := strings.Cut(c.Value, ".")
	if !ok {
		return false
	}
	eb, err1 := base64.RawURLEncoding.DecodeString(e)
	mb, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || len(eb) != 8 {
		return false
	}
	exp := int64(binary.BigEndian.Uint64(eb))
	return hmac.Equal(mb, a.mac(exp)) && a.now().Unix() < exp
}

func (a *auth) allowed(r *http.Request) bool {
	if !a.enabled() {
		return true
	}
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
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
