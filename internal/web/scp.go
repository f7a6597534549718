package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/guardrail-sec/guardrail/internal/scp/explain"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Denied calls the watch saw are explained on demand. When an alert's
// CloudTrail record says the call was denied (an errorCode such as
// AccessDenied or UnauthorizedOperation), its page reads the
// organization's SCPs with the dashboard's AWS access (Options.AWS, the
// management account's credentials), at most once per scpTTL, and shows
// what 'guardrail scp explain' shows. Nothing is stored with the alert:
// an explanation is only as true as the SCPs it was computed from, so
// the page says when they were read. Without AWS access the page shows
// the command to run instead.

// scpTTL is how long the SCPs read are used for the next explanations.
const scpTTL = time.Minute

// scpTimeout bounds reading the SCPs for one page.
const scpTimeout = 20 * time.Second

type scpCache struct {
	mu   sync.Mutex
	st   *rollout.State
	read time.Time
}

// Denial is an alert's denied call, explained as far as SCPs go.
type Denial struct {
	Explanation *explain.Explanation `json:"explanation,omitempty"`
	// SCPsRead is when the SCPs it was computed from were read.
	SCPsRead time.Time `json:"scps_read,omitzero"`
	// Error says why it could not be explained (the record, AWS access).
	Error string `json:"error,omitempty"`
	// Command explains it from a terminal.
	Command string `json:"command"`
}

// deniedAlert reports whether an alert is about a denied call.
func deniedAlert(a store.Alert) bool {
	var rec struct {
		ErrorCode string `json:"errorCode"`
	}
	if err := json.Unmarshal(a.Raw, &rec); err != nil {
		return false
	}
	c := rec.ErrorCode
	return strings.Contains(c, "AccessDenied") || strings.Contains(c, "UnauthorizedOperation")
}

// denial explains alert a's denied call; nil when a is not one.
func (s *Server) denial(r *http.Request, a store.Alert) *Denial {
	ctx := r.Context()
	if !deniedAlert(a) {
		return nil
	}
	d := &Denial{Command: fmt.Sprintf("guardrail scp explain --event FILE   # the record below, saved to FILE (alert %d)", a.ID)}
	call, err := explain.FromEvent(a.Raw, fmt.Sprintf("alert %d", a.ID))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	if !s.live() {
		d.Error = "the dashboard has no AWS access to read the SCPs (serve with the management account's credentials)"
		return d
	}
	st, read, err := s.scps(ctx)
	if err != nil {
		d.Error = s.internal(r, fmt.Errorf("read the SCPs: %w", err))
		return d
	}
	e, err := explain.Explain(st, call)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	d.Explanation, d.SCPsRead = e, read
	return d
}

// scps returns the organization's SCPs, read at most once per scpTTL.
func (s *Server) scps(ctx context.Context) (*rollout.State, time.Time, error) {
	c := &s.scpc
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.o.Now()
	if c.st != nil && now.Sub(c.read) < scpTTL {
		return c.st, c.read, nil
	}
	ctx, cancel := context.WithTimeout(ctx, scpTimeout)
	defer cancel()
	cfg, err := s.o.AWS(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("AWS configuration: %w", err)
	}
	st, err := rollout.Read(ctx, orgapi.NewFromConfig(cfg))
	if err != nil {
		return nil, time.Time{}, err
	}
	c.st, c.read = st, now
	return st, now, nil
}

// apiAlertExplanation serves GET /api/alerts/{id}/explanation.
func (s *Server) apiAlertExplanation(w http.ResponseWriter, r *http.Request) {
	id, err := alertID(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.o.Store.Alert(r.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeJSONError(w, http.StatusNotFound, fmt.Sprintf("no alert %d", id))
			return
		}
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	d := s.denial(r, a)
	if d == nil {
		writeJSONError(w, http.StatusNotFound, fmt.Sprintf("alert %d is not about a denied call", id))
		return
	}
	status := http.StatusOK
	if d.Explanation == nil {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, d)
}
