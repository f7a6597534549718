package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
)

const (
	pageSize    = 50
	maxPageSize = 500
	maxPage     = 1_000_000
)

// query is a findings view as the URL says it: the filters, the page.
// The same parameters drive the page, its CSV download and /api/findings.
type query struct {
	Account, OU, Region, Standard, Control, Severity, Status, Compliance, Type, Text, Sort string
	Page, Size                                                                             int
}

// list splits a comma-separated parameter.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseQuery reads a findings view from URL parameters. The default view
// is what a team acts on: open (NEW or NOTIFIED) failing findings, by
// priority.
func (s *Server) parseQuery(v url.Values) (query, store.Filter, error) {
	q := query{Account: v.Get("account"), OU: v.Get("ou"), Region: v.Get("region"), Standard: v.Get("standard"),
		Control: v.Get("control"), Severity: v.Get("severity"), Status: v.Get("status"), Compliance: v.Get("compliance"),
		Type: v.Get("type"), Text: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Page: 1, Size: pageSize}
	if q.Status == "" {
		q.Status = "open"
	}
	if q.Compliance == "" {
		q.Compliance = string(control.Failed)
	}
	f := store.Filter{Accounts: list(q.Account), OUPath: q.OU, Regions: list(q.Region), Controls: list(q.Control),
		ResourceType: q.Type, Text: q.Text, Order: q.Sort}
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
	switch q.Sort {
	case "", "priority", "last_seen":
	default:
		return q, f, fmt.Errorf("sort=%q: want priority or last_seen", q.Sort)
	}
	if q.Standard != "" {
		if _, ok := s.o.Catalog.Standard(q.Standard); !ok {
			return q, f, fmt.Errorf("standard=%q: not a standard (%s)", q.Standard, s.standardNames())
		}
		// The standard's controls, as the catalog maps them: the open
		// findings' index has the control, not the standards.
		if in := s.controlsIn(q.Standard, f.Controls); len(in) > 0 {
			f.Controls = in
		} else {
			f.Standard = q.Standard // no control in common: the store matches none
		}
	}
	for _, sv := range list(q.Severity) {
		sev, err := control.ParseSeverity(sv)
		if err != nil {
			return q, f, fmt.Errorf("severity=%q: %v", sv, err)
		}
		f.Severities = append(f.Severities, sev)
	}
	switch strings.ToLower(q.Status) {
	case "open":
		f.Workflow = []finding.Workflow{finding.New, finding.Notified}
	case "all":
	default:
		for _, w := range list(strings.ToUpper(q.Status)) {
			if !finding.Workflow(w).Valid() {
				return q, f, fmt.Errorf("status=%q: want open, all, NEW, NOTIFIED, SUPPRESSED or RESOLVED", w)
			}
			f.Workflow = append(f.Workflow, finding.Workflow(w))
		}
	}
	if !strings.EqualFold(q.Compliance, "all") {
		for _, c := range list(strings.ToUpper(q.Compliance)) {
			switch st := control.Status(c); st {
			case control.Passed, control.Failed, control.NotApplicable, control.Error:
				f.Compliance = append(f.Compliance, st)
			default:
				return q, f, fmt.Errorf("compliance=%q: want FAILED, PASSED, NOT_APPLICABLE, ERROR or all", c)
			}
		}
	}
	return q, f, nil
}

// controlsIn are the controls of standard short, within only if given.
func (s *Server) controlsIn(short string, only []string) []string {
	keep := map[string]bool{}
	for _, id := range only {
		keep[id] = true
	}
	st, _ := s.o.Catalog.Standard(short)
	var out []string
	for _, c := range s.o.Catalog.Controls() {
		if s.o.Catalog.In(c.ID, st.ID) && (len(only) == 0 || keep[c.ID]) {
			out = append(out, c.ID)
		}
	}
	return out
}

func (s *Server) standardNames() string {
	var names []string
	for _, st := range s.o.Catalog.Standards() {
		names = append(names, st.Short)
	}
	return strings.Join(names, ", ")
}

// values is q as URL parameters, without the defaults.
func (q query) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"account": q.Account, "ou": q.OU, "region": q.Region, "standard": q.Standard,
		"control": q.Control, "severity": q.Severity, "type": q.Type, "q": q.Text, "sort": q.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if q.Status != "open" {
		v.Set("status", q.Status)
	}
	if q.Compliance != string(control.Failed) {
		v.Set("compliance", q.Compliance)
	}
	if q.Size != pageSize {
		v.Set("size", strconv.Itoa(q.Size))
	}
	return v
}

// URL is the view at page p.
func (q query) URL(base string, p int) string {
	v := q.values()
	if p > 1 {
		v.Set("page", strconv.Itoa(p))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

type pager struct {
	Total, From, To, Page, Pages int
	Prev, Next, CSV              string
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) {
	q, f, err := s.parseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	fs, total, err := s.o.Store.Findings(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	pg := pager{Total: total, Page: q.Page, Pages: (total + q.Size - 1) / q.Size, CSV: q.URL("/findings.csv", 1)}
	if len(fs) > 0 {
		pg.From, pg.To = f.Offset+1, f.Offset+len(fs)
	}
	if q.Page > 1 {
		pg.Prev = q.URL("/findings", q.Page-1)
	}
	if f.Offset+len(fs) < total {
		pg.Next = q.URL("/findings", q.Page+1)
	}
	data := map[string]any{"Title": "Findings", "Q": q, "Findings": fs, "Pager": pg,
		"Standards": s.o.Catalog.Standards(), "Severities": severities}
	if ov, err := s.overview(r.Context()); err == nil {
		data["Accounts"], data["Regions"] = ov.Accounts, ov.Regions
	}
	s.render(w, r, "findings", http.StatusOK, data)
}

var severities = []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Informational}

// findingsCSV streams every finding of the view (all pages) as CSV.
func (s *Server) findingsCSV(w http.ResponseWriter, r *http.Request) {
	_, f, err := s.parseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	f.Limit, f.Offset = 0, 0
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="guardrail-findings-`+s.o.Now().UTC().Format("20060102T150405Z")+`.csv"`)
	cw, err := export.NewCSV(w)
	if err != nil {
		return
	}
	err = s.o.Store.EachFinding(r.Context(), f, cw.Write)
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		// The header is sent: the best left is to end the file with the
		// error, so a truncated download does not pass for a whole one.
		fmt.Fprintf(w, "\nERROR: the export stopped: %s\n", s.internal(r, fmt.Errorf("findings CSV: %w", err)))
	}
}

func (s *Server) findingPage(w http.ResponseWriter, r *http.Request) {
	id, err := findingID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	f, events, err := s.o.Store.Finding(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no finding %s", id))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	rem, err := s.findingRemediation(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	af := store.AlertFilter{Accounts: []string{f.Account}, Resource: f.ResourceARN, Control: f.Control}
	if c := s.o.Catalog.Control(f.Control); c == nil || !c.Global {
		af.ControlRegion = f.Region
	}
	alerts, nAlerts, err := s.recentAlerts(r, af, 10)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	tickets, notes, err := s.findingNotifications(r.Context(), f.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	data := map[string]any{"Title": f.Title, "F": f, "Events": events, "Control": s.o.Catalog.Control(f.Control),
		"Alerts": alerts, "AlertTotal": nAlerts, "Tickets": tickets, "Notifications": notes,
		"Fix": splitRemediation(s.controlRemediation(f.Control)), "User": s.o.User, "Done": r.URL.Query().Get("done"), "Rem": rem}
	s.render(w, r, "finding", http.StatusOK, data)
}

func (s *Server) controlRemediation(id string) string {
	if c := s.o.Catalog.Control(id); c != nil {
		return c.Remediation
	}
	return ""
}

// change is a suppression or its undoing, as a form or JSON sends it.
type change struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
	Until  string `json:"until"` // YYYY-MM-DD or RFC 3339; empty: never
}

func (c change) until(now time.Time) (time.Time, error) {
	if c.Until == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", c.Until)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, c.Until); err != nil {
			return time.Time{}, badInput("until %q: want a date (2027-06-30) or an RFC 3339 time", clip(c.Until, 40))
		}
	}
	if !t.After(now) {
		return time.Time{}, badInput("until %s: must be in the future", c.Until)
	}
	return t, nil
}

// apply suppresses (or unsuppresses) finding id; an unknown ID is the
// store's ErrNotFound, and changes nothing.
func (s *Server) apply(r *http.Request, id string, c change, suppress bool) error {
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Reason == "" {
		return badInput("reason: say why (a ticket, the accepted risk): it goes in the finding's history")
	}
	if len(c.Reason) > paramMax["reason"] {
		return badInput("reason: at most %d bytes", paramMax["reason"])
	}
	if len(c.By) > paramMax["by"] {
		return badInput("by: at most %d bytes", paramMax["by"])
	}
	by := strings.TrimSpace(c.By)
	if by == "" {
		by = s.o.User
	}
	if suppress {
		until, err := c.until(s.o.Now())
		if err != nil {
			return err
		}
		return s.o.Store.Suppress(r.Context(), []string{id}, c.Reason, by, until)
	}
	return s.o.Store.Unsuppress(r.Context(), []string{id}, c.Reason, by)
}

func (s *Server) suppress(w http.ResponseWriter, r *http.Request)   { s.formChange(w, r, true) }
func (s *Server) unsuppress(w http.ResponseWriter, r *http.Request) { s.formChange(w, r, false) }

func (s *Server) formChange(w http.ResponseWriter, r *http.Request, suppress bool) {
	id, err := findingID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	c := change{Reason: r.FormValue("reason"), By: r.FormValue("by"), Until: r.FormValue("until")}
	if err := s.apply(r, id, c, suppress); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	done := "suppressed"
	if !suppress {
		done = "unsuppressed"
	}
	http.Redirect(w, r, "/findings/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
}

// fix is a control's remediation split into what to do, and the console
// and CLI steps when the text gives them ("... Console: ... CLI: ...").
type fix struct{ What, Console, CLI string }

func splitRemediation(text string) fix {
	var f fix
	rest := text
	if i := strings.Index(rest, "CLI:"); i >= 0 {
		f.CLI = strings.TrimSpace(rest[i+len("CLI:"):])
		rest = rest[:i]
	}
	if i := strings.Index(rest, "Console:"); i >= 0 {
		f.Console = strings.TrimSpace(rest[i+len("Console:"):])
		rest = rest[:i]
	}
	f.What = strings.TrimSpace(rest)
	return f
}
