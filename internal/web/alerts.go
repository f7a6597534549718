package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// alertQuery is an alerts view as the URL says it. The same parameters
// drive the page and /api/alerts.
type alertQuery struct {
	Account, Region, Severity, Rule, Since string
	Page, Size                             int
}

// parseAlertQuery reads an alerts view from URL parameters: account,
// region, severity and rule are comma-separated lists; since is an RFC
// 3339 time, a date, or a duration back from now (24h).
func (s *Server) parseAlertQuery(v url.Values) (alertQuery, store.AlertFilter, error) {
	q := alertQuery{Account: v.Get("account"), Region: v.Get("region"), Severity: v.Get("severity"), Rule: v.Get("rule"),
		Since: strings.TrimSpace(v.Get("since")), Page: 1, Size: pageSize}
	f := store.AlertFilter{Accounts: list(q.Account), Regions: list(q.Region), Rules: list(q.Rule)}
	for _, a := range f.Accounts {
		if !target.AccountID.MatchString(a) {
			return q, f, fmt.Errorf("account=%q: want the 12 digits of an AWS account", clip(a, 20))
		}
	}
	for _, r := range f.Regions {
		if !target.Region.MatchString(r) {
			return q, f, fmt.Errorf("region=%q: not a region name (like eu-west-1)", clip(r, 30))
		}
	}
	for _, sv := range list(q.Severity) {
		sev, err := control.ParseSeverity(sv)
		if err != nil {
			return q, f, fmt.Errorf("severity=%q: %v", clip(sv, 20), err)
		}
		f.Severities = append(f.Severities, sev)
	}
	if q.Since != "" {
		t, err := s.parseSince(q.Since)
		if err != nil {
			return q, f, err
		}
		f.Since = t
	}
	for _, p := range []struct {
		name, val string
		n         *int
	}{{"page", v.Get("page"), &q.Page}, {"size", v.Get("size"), &q.Size}} {
		if p.val == "" {
			continue
		}
		n, err := strconv.Atoi(p.val)
		if err != nil || n < 1 || n > maxPage {
			return q, f, fmt.Errorf("%s=%q: want a whole number from 1 to %d", p.name, clip(p.val, 20), maxPage)
		}
		*p.n = n
	}
	if q.Size > maxPageSize {
		return q, f, fmt.Errorf("size=%d: at most %d", q.Size, maxPageSize)
	}
	f.Limit, f.Offset = q.Size, (q.Page-1)*q.Size
	return q, f, nil
}

// parseSince reads since: an RFC 3339 time, a date, or a duration back
// from now.
func (s *Server) parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return s.o.Now().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("since=%q: want an RFC 3339 time (2026-06-01T12:00:00Z), a date (2026-06-01) or a duration back from now (24h)", clip(v, 40))
}

// URL is the view at page p.
func (q alertQuery) URL(base string, p int) string {
	v := url.Values{}
	for k, val := range map[string]string{"account": q.Account, "region": q.Region, "severity": q.Severity, "rule": q.Rule, "since": q.Since} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if q.Size != pageSize {
		v.Set("size", strconv.Itoa(q.Size))
	}
	if p > 1 {
		v.Set("page", strconv.Itoa(p))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// alertID is the {id} of an alert's path: a positive number.
func alertID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, badInput("alert ID %q: want the number of an alert", clip(v, 40))
	}
	return id, nil
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	q, f, err := s.parseAlertQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	as, total, err := s.o.Store.Alerts(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	pg := pager{Total: total, Page: q.Page, Pages: (total + q.Size - 1) / q.Size}
	if len(as) > 0 {
		pg.From, pg.To = f.Offset+1, f.Offset+len(as)
	}
	if q.Page > 1 {
		pg.Prev = q.URL("/alerts", q.Page-1)
	}
	if f.Offset+len(as) < total {
		pg.Next = q.URL("/alerts", q.Page+1)
	}
	data := map[string]any{"Title": "Alerts", "Q": q, "Alerts": as, "Pager": pg, "Severities": severities}
	if q.Page == 1 && r.Header.Get("HX-Request") == "" {
		errs, err := s.o.Store.WatchErrors(r.Context(), 10)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		scans, err := s.o.Store.WatchScans(r.Context(), 10)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		data["Errors"], data["Reassessments"] = errs, scans
	}
	s.render(w, r, "alerts", http.StatusOK, data)
}

func (s *Server) alertPage(w http.ResponseWriter, r *http.Request) {
	id, err := alertID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	a, err := s.o.Store.Alert(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no alert %d", id))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var raw bytes.Buffer
	if json.Indent(&raw, a.Raw, "", "  ") != nil {
		raw.Reset()
		raw.Write(a.Raw)
	}
	// The findings of the resource the event touched.
	var fs []finding.Finding
	if a.Resource != "" {
		if fs, _, err = s.o.Store.Findings(r.Context(), store.Filter{Accounts: []string{a.Account}, Text: a.Resource, Limit: 25}); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	s.render(w, r, "alert", http.StatusOK, map[string]any{"Title": a.Title, "A": a, "Raw": raw.String(), "Findings": fs, "Denial": s.denial(r, a)})
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	q, f, err := s.parseAlertQuery(r.URL.Query())
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	as, total, err := s.o.Store.Alerts(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if as == nil {
		as = []store.Alert{}
	}
	out := map[string]any{"total": total, "page": q.Page, "size": q.Size, "alerts": as}
	if f.Offset+len(as) < total {
		out["next"] = q.URL("/api/alerts", q.Page+1)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAlert(w http.ResponseWriter, r *http.Request) {
	id, err := alertID(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.o.Store.Alert(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeJSONError(w, http.StatusNotFound, fmt.Sprintf("no alert %d", id))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// apiReassessments is GET /api/watch/reassessments: the watch's
// re-assessments (scans of kind watch), newest first.
func (s *Server) apiReassessments(w http.ResponseWriter, r *http.Request) {
	scans, err := s.o.Store.WatchScans(r.Context(), 100)
	writeList(s, w, r, scans, err)
}

// apiWatchErrors is GET /api/watch/errors: the malformed input the watch
// met, newest first.
func (s *Server) apiWatchErrors(w http.ResponseWriter, r *http.Request) {
	errs, err := s.o.Store.WatchErrors(r.Context(), 500)
	writeList(s, w, r, errs, err)
}

// recentAlerts are the newest alerts of f (for the account and finding
// pages): at most n.
func (s *Server) recentAlerts(r *http.Request, f store.AlertFilter, n int) ([]store.Alert, int, error) {
	f.Limit = n
	return s.o.Store.Alerts(r.Context(), f)
}
