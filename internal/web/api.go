package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// summary is GET /api/summary: the scores of the latest complete scan per
// standard and per account, with the open findings by severity.
type summary struct {
	Scan      string    `json:"scan"`
	ScannedAt time.Time `json:"scanned_at"`
	// Coverage is the scan's targets (account × enabled region) assessed
	// / in scope; every score carries its own.
	Coverage    score.Coverage    `json:"coverage"`
	Overall     scoreCard         `json:"overall"`
	Standards   []scoreCard       `json:"standards"`
	Accounts    []accountRow      `json:"accounts"`
	Open        any               `json:"open_findings"`
	NotAssessed map[string]string `json:"not_assessed,omitempty"`
	Changes     *changes          `json:"changes_since_previous,omitempty"`
}

func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) {
	ov, err := s.overview(r.Context())
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, errNoScan) {
			status = http.StatusNotFound
		}
		s.fail(w, r, status, err)
		return
	}
	var ch *changes
	if ov.Changes != nil {
		c := *ov.Changes
		c.TopNew, c.TopFixed = nil, nil
		ch = &c
	}
	writeJSON(w, http.StatusOK, summary{Scan: ov.Scan.ID, ScannedAt: ov.Scan.Started, Coverage: ov.Overall.Coverage, Overall: ov.Overall,
		Standards: ov.Standards, Accounts: ov.Accounts, Open: ov.Open, NotAssessed: ov.Scan.NotAssessed, Changes: ch})
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	q, f, err := s.parseQuery(r.URL.Query())
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	fs, total, err := s.o.Store.Findings(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if fs == nil {
		fs = []finding.Finding{}
	}
	out := map[string]any{"total": total, "page": q.Page, "size": q.Size, "findings": fs}
	if f.Offset+len(fs) < total {
		out["next"] = q.URL("/api/findings", q.Page+1)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request) {
	id, err := findingID(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, events, err := s.o.Store.Finding(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeJSONError(w, http.StatusNotFound, fmt.Sprintf("no finding %s", id))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"finding": f, "history": events})
}

func (s *Server) apiSuppress(w http.ResponseWriter, r *http.Request)   { s.apiChange(w, r, true) }
func (s *Server) apiUnsuppress(w http.ResponseWriter, r *http.Request) { s.apiChange(w, r, false) }

func (s *Server) apiChange(w http.ResponseWriter, r *http.Request, suppress bool) {
	id, err := findingID(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	var c change
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		writeJSONError(w, http.StatusBadRequest, "body: want JSON {\"reason\": ..., \"by\": ..., \"until\": ...}: "+err.Error())
		return
	}
	if err := s.apply(r, id, c, suppress); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	f, _, err := s.o.Store.Finding(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) apiControls(w http.ResponseWriter, r *http.Request) {
	rows, err := s.controlRows(r)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, rows)
}

func (s *Server) apiScans(w http.ResponseWriter, r *http.Request) {
	scans, err := s.o.Store.Scans(r.Context(), 100)
	writeList(s, w, r, scans, err)
}

func (s *Server) apiTrend(w http.ResponseWriter, r *http.Request) {
	h, err := s.o.Store.ScoreHistory(r.Context(), 100)
	writeList(s, w, r, h, err)
}

// writeList answers a list as JSON (an empty list, never null), or the
// error that kept it from being read.
func writeList[T any](s *Server, w http.ResponseWriter, r *http.Request, list []T, err error) {
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if list == nil {
		list = []T{}
	}
	writeJSON(w, http.StatusOK, list)
}
