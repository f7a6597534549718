package wire

import (
	"net/http"
	"net/url"
	"strings"
)

// Route maps an HTTP method and path pattern of a REST protocol to an
// operation. Patterns use {label} for one path segment and {label+} for the
// rest of the path; Query, when set, requires that query parameter to be
// present (S3 selects operations with ?policy, ?versioning, ...).
type Route struct {
	Method  string
	Pattern string
	Query   string
	Op      string
}

// Router matches REST requests against routes. Routes with a Query
// requirement are tried before those without, so "GET /{Bucket}?policy"
// wins over "GET /{Bucket}".
type Router struct {
	routes []route
}

type route struct {
	Route
	segs []string
}

// NewRouter builds a router from routes.
func NewRouter(routes []Route) *Router {
	r := &Router{}
	for _, withQuery := range []bool{true, false} {
		for _, rt := range routes {
			if (rt.Query != "") == withQuery {
				r.routes = append(r.routes, route{rt, split(rt.Pattern)})
			}
		}
	}
	return r
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match returns the operation and path labels for a request.
func (rt *Router) Match(r *http.Request) (string, map[string]string, error) {
	segs := split(r.URL.EscapedPath())
	q := r.URL.Query()
	methodSeen := false
	for _, c := range rt.routes {
		labels, ok := matchSegs(c.segs, segs)
		if !ok {
			continue
		}
		if c.Query != "" {
			if _, present := q[c.Query]; !present {
				continue
			}
		}
		if c.Method != r.Method {
			methodSeen = true
			continue
		}
		return c.Op, labels, nil
	}
	if methodSeen {
		return "", nil, Errorf(405, "MethodNotAllowed", "the specified method is not allowed against this resource")
	}
	return "", nil, Errorf(404, "UnknownOperationException", "no operation for %s %s", r.Method, r.URL.Path)
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	labels := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			rest := make([]string, 0, len(segs)-i)
			for _, s := range segs[i:] {
				rest = append(rest, unescape(s))
			}
			labels[p[1:len(p)-2]] = strings.Join(rest, "/")
			return labels, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			labels[p[1:len(p)-1]] = unescape(segs[i])
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return labels, len(pattern) == len(segs)
}

func unescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}
