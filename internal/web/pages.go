package web

import (
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// controlRow is a control of the catalog with its open findings and its
// status across the organization in the latest scan: PASSED only if
// every target in scope could judge it (UNKNOWN otherwise; see package
// score); empty when the scan did not record it.
type controlRow struct {
	C        *control.Control `json:"control"`
	Status   score.Status     `json:"status,omitempty"`
	Accounts int              `json:"failing_accounts"`
	Findings int              `json:"open_findings"`
}

func (s *Server) controlRows(r *http.Request) ([]controlRow, error) {
	open, err := s.openSummary(r)
	if err != nil {
		return nil, err
	}
	var latest *score.Scores
	if ov, err := s.overview(r.Context()); err == nil && len(ov.Scan.Scores.Controls) > 0 {
		latest = &ov.Scan.Scores
	}
	accts := map[string]int{}
	n := map[string]int{}
	for _, c := range open.Controls {
		accts[c.Control] += c.Accounts
		n[c.Control] += c.Count
	}
	var out []controlRow
	for _, c := range s.o.Catalog.Controls() {
		row := controlRow{C: c, Accounts: accts[c.ID], Findings: n[c.ID]}
		if latest != nil {
			row.Status = latest.Control(c.ID)
		}
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Accounts != b.Accounts {
			return a.Accounts > b.Accounts
		}
		if a.C.Severity != b.C.Severity {
			return a.C.Severity > b.C.Severity
		}
		return a.C.ID < b.C.ID
	})
	return out, nil
}

func (s *Server) controlsPage(w http.ResponseWriter, r *http.Request) {
	rows, err := s.controlRows(r)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "controls", http.StatusOK, map[string]any{"Title": "Controls", "Rows": rows})
}

func (s *Server) controlPage(w http.ResponseWriter, r *http.Request) {
	id, err := controlID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	c := s.o.Catalog.Control(id)
	if c == nil {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no control %q", id))
		return
	}
	f := store.Filter{Controls: []string{c.ID}, Compliance: []control.Status{control.Failed},
		Workflow: []finding.Workflow{finding.New, finding.Notified}, Limit: 100}
	fs, total, err := s.o.Store.Findings(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "control", http.StatusOK, map[string]any{"Title": c.ID + " " + c.Title, "C": c,
		"Fix": splitRemediation(c.Remediation), "Findings": fs, "Total": total,
		"More": (query{Control: c.ID, Status: "open", Compliance: string(control.Failed), Size: pageSize}).URL("/findings", 1)})
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ov, err := s.overview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var row *accountRow
	for i := range ov.Accounts {
		if ov.Accounts[i].ID == id {
			row = &ov.Accounts[i]
		}
	}
	if row == nil {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("account %s is not in the latest scan", id))
		return
	}
	counts, err := s.o.Store.AccountOpenCounts(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// The account's open findings by control: in one account each.
	var mine []store.ControlOpen
	at := map[string]int{}
	for _, c := range counts {
		i, ok := at[c.Control]
		if !ok {
			i = len(mine)
			at[c.Control] = i
			mine = append(mine, store.ControlOpen{Control: c.Control, Accounts: 1})
		}
		mine[i].Count += c.Count
		mine[i].Severity = max(mine[i].Severity, c.Severity)
	}
	acct, _ := ov.Scan.Scores.Account(id)
	var stds []scoreCard
	for _, st := range s.o.Catalog.Standards() {
		ss, ok := score.Standard(acct.Standards, st.ID)
		c := card(st.Label(), ss)
		c.ID, c.Short, c.HasData = st.ID, st.Short, ok && ss.HasData()
		stds = append(stds, c)
	}
	f := store.Filter{Accounts: []string{id}, Compliance: []control.Status{control.Failed},
		Workflow: []finding.Workflow{finding.New, finding.Notified}, Limit: 25}
	fs, total, err := s.o.Store.Findings(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	title := id
	if row.Name != "" {
		title = row.Name + " (" + id + ")"
	}
	alerts, nAlerts, err := s.recentAlerts(r, store.AlertFilter{Accounts: []string{id}}, 10)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "account", http.StatusOK, map[string]any{"Title": title, "A": row, "Standards": stds,
		"Top": s.topControls(mine, 15), "Findings": fs, "Total": total, "Alerts": alerts, "AlertTotal": nAlerts,
		"More": (query{Account: id, Status: "open", Compliance: string(control.Failed), Size: pageSize}).URL("/findings", 1)})
}

func (s *Server) scansPage(w http.ResponseWriter, r *http.Request) {
	scans, err := s.o.Store.Scans(r.Context(), 100)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "scans", http.StatusOK, map[string]any{"Title": "Scans", "Scans": scans})
}

// openSummary is the open findings by account and by control: the
// overview's when there is one (cached), else the store's.
func (s *Server) openSummary(r *http.Request) (store.OpenSummary, error) {
	ov, err := s.overview(r.Context())
	if err == nil {
		return ov.open, nil
	}
	if !errors.Is(err, errNoScan) {
		return store.OpenSummary{}, err
	}
	return s.o.Store.OpenSummary(r.Context())
}
