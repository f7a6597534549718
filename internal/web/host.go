package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
)

// Why the Host header is checked (DNS rebinding). A page on
// evil.example can make its own name resolve to 127.0.0.1 once loaded;
// its scripts then reach the dashboard on loopback, and to the browser
// that is still evil.example: same origin, so Origin and Sec-Fetch-Site
// say nothing is wrong and the cross-origin check lets writes through.
// What gives it away is the Host header, which still says evil.example.
// So the dashboard answers only to the names it was bound to:
//
//   - the IP address the connection arrived on, and the host of the
//     listen address as given (--addr 10.0.0.5:8080, --addr 0.0.0.0:8080,
//     --addr dash.internal:8080), with the port listened on;
//   - when the connection arrived on loopback, also localhost, 127.0.0.1
//     and [::1], with that port;
//   - the names given as allowed hosts (--allowed-host, for a reverse
//     proxy that passes the public name on), with any port: the proxy
//     chose the public one.
//
// A Host without a port means the scheme's default port, so it passes
// only when that is the port listened on. Names are compared without
// case and without a trailing dot; IP addresses as addresses, so
// [0:0:0:0:0:0:0:1] is [::1]. Anything else, an empty Host, an IPv6
// address without brackets or with a zone, a port that is not a number,
// is refused with 421 Misdirected Request. An IP literal needs no
// rebinding, so allowing the connection's own address opens nothing.
//
// A request that did not come through a connection (the handler called
// directly, in tests or embedded) has no local address: it is judged as
// if on loopback, with any port.

// hosts is the Host check.
type hosts struct {
	allowed map[string]bool        // canonical names, any port
	bound   atomic.Pointer[string] // Listen's host, canonical, if any
	tls     bool
}

func newHosts(allowed []string, tls bool) (*hosts, error) {
	h := &hosts{allowed: map[string]bool{}, tls: tls}
	for _, a := range allowed {
		name, err := canonicalName(a)
		if err != nil {
			return nil, fmt.Errorf("allowed host %q: %w", a, err)
		}
		h.allowed[name] = true
	}
	return h, nil
}

// CheckHostName says whether name can be an allowed host: a DNS name or
// an IP address (IPv6 in brackets), without port, scheme or wildcard.
func CheckHostName(name string) error {
	_, err := canonicalName(name)
	return err
}

// canonicalName is a host name as compared: lower case, no trailing
// dot; an IP address in its shortest form.
func canonicalName(s string) (string, error) {
	if s == "" {
		return "", errors.New("empty")
	}
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") {
			return "", errors.New("want a host name or an IP address, without a port")
		}
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", errors.New("not an IPv6 address in brackets")
		}
		return a.Unmap().String(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return "", errors.New("an IPv6 zone is not allowed")
		}
		return a.Unmap().String(), nil
	}
	name := strings.ToLower(strings.TrimSuffix(s, "."))
	if name == "" || len(name) > 253 {
		return "", errors.New("not a host name")
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", errors.New("want a host name (like guardrail.example.com) or an IP address, without scheme, port or wildcard")
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", errors.New("want a host name (like guardrail.example.com) or an IP address, without scheme, port or wildcard")
			}
		}
	}
	return name, nil
}

// splitHost splits a Host header into its canonical name and its port
// (0 when it has none).
func splitHost(h string) (string, int, bool) {
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		i := strings.IndexByte(h, ']')
		if i < 0 {
			return "", 0, false
		}
		name, port = h[:i+1], h[i+1:]
		if port != "" {
			if port[0] != ':' {
				return "", 0, false
			}
			port = port[1:]
			if port == "" {
				return "", 0, false
			}
		}
	} else if i := strings.IndexByte(h, ':'); i >= 0 {
		if strings.Count(h, ":") > 1 {
			return "", 0, false // IPv6 without brackets
		}
		name, port = h[:i], h[i+1:]
		if port == "" {
			return "", 0, false
		}
	}
	n, err := canonicalName(name)
	if err != nil {
		return "", 0, false
	}
	if port == "" {
		return n, 0, true
	}
	if len(port) > 5 || strings.TrimLeft(port, "0123456789") != "" {
		return "", 0, false
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, false
	}
	return n, p, true
}

// bind records the host of the address Listen listens on.
func (h *hosts) bind(addr string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return
	}
	if name, err := canonicalName(host); err == nil {
		h.bound.Store(&name)
	}
}

// ok says whether r may be answered.
func (h *hosts) ok(r *http.Request) bool {
	name, port, valid := splitHost(r.Host)
	if !valid {
		return false
	}
	if h.allowed[name] {
		return true
	}
	local, _ := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if local == nil {
		return isLoopbackName(name)
	}
	ap := local.AddrPort()
	ip := ap.Addr().Unmap().WithZone("")
	if port == 0 {
		port = 80
		if h.tls {
			port = 443
		}
	}
	if port != int(ap.Port()) {
		return false
	}
	if b := h.bound.Load(); b != nil && *b == name {
		return true
	}
	return name == ip.String() || ip.IsLoopback() && isLoopbackName(name)
}

func isLoopbackName(name string) bool {
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}

// wrap refuses requests for other hosts with 421, before anything else
// looks at them.
func (h *hosts) wrap(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.ok(r) {
			next.ServeHTTP(w, r)
			return
		}
		s.o.Log.Warn("dashboard: refused a request for another host", "host", clip(r.Host, 100), "remote", r.RemoteAddr)
		const msg = "this dashboard does not answer to the host name in this request (Host header); " +
			"if it is behind a reverse proxy, start it with --allowed-host and the proxy's name"
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeJSONError(w, http.StatusMisdirectedRequest, msg)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMisdirectedRequest)
		fmt.Fprintf(w, "421 Misdirected Request: %s\n", msg)
	})
}
