package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/guardrail-sec/guardrail/internal/search"
)

// searchLimit bounds the hits a page shows; the API returns them all.
const searchLimit = 1000

// searchQuery reads a search from URL parameters: kind (sg, buckets,
// users, instances), account, region, and the kind's own (ip, port,
// protocol, match; public; nomfa, oldkeys, keyage).
func searchQuery(v url.Values) (search.Query, error) {
	q := search.Query{Kind: search.Kind(v.Get("kind")), Accounts: list(v.Get("account")), Regions: list(v.Get("region")),
		IP: v.Get("ip"), Protocol: v.Get("protocol"), Match: v.Get("match"),
		Public: v.Get("public") != "", NoMFA: v.Get("nomfa") != "", OldKeys: v.Get("oldkeys") != ""}
	for _, p := range []struct {
		name string
		n    *int
		max  int
	}{{"port", &q.Port, 65535}, {"keyage", &q.KeyAge, 36500}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > p.max {
				return q, fmt.Errorf("%s=%q: want a whole number from 0 to %d", p.name, clip(s, 20), p.max)
			}
			*p.n = n
		}
	}
	return q, nil
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	kind := v.Get("kind")
	if kind == "" {
		kind = string(search.SecurityGroups)
	}
	data := map[string]any{"Title": "Search", "Kind": kind, "V": v}
	// A search runs once its form is sent (the sg form needs an address or
	// a port; the others run as they are).
	if v.Get("run") != "" {
		q, err := searchQuery(v)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		q.Limit, q.Now = searchLimit, s.o.Now()
		res, err := search.Run(r.Context(), s.o.Store, q)
		data["Result"] = res
		var qe *search.QueryError
		switch {
		case errors.As(err, &qe):
			data["Error"] = err.Error()
		case err != nil:
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	status := http.StatusOK
	if data["Error"] != nil {
		status = http.StatusBadRequest
	}
	s.render(w, r, "search", status, data)
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, err := searchQuery(r.URL.Query())
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	q.Now = s.o.Now() // key ages are measured on the dashboard's clock
	res, err := search.Run(r.Context(), s.o.Store, q)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		writeJSONError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, err)
	default:
		writeJSON(w, http.StatusOK, res)
	}
}
