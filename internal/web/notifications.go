package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// ticketLink is a ticket with the address of its page, when known.
type ticketLink struct {
	store.Ticket
	URL string `json:"url,omitempty"`
}

// findingNotifications returns a finding's tickets and the
// notifications queued about it, newest first.
func (s *Server) findingNotifications(ctx context.Context, id string) ([]ticketLink, []store.OutboxRow, error) {
	ts, err := s.o.Store.Tickets(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	links := make([]ticketLink, 0, len(ts))
	for _, t := range ts {
		l := ticketLink{Ticket: t}
		if s.o.TicketURL != nil {
			l.URL = s.o.TicketURL(t.Destination, t.Key)
		}
		links = append(links, l)
	}
	rows, err := s.o.Store.Outbox(ctx, store.OutboxFilter{FindingID: id, Limit: 50})
	if err != nil {
		return nil, nil, err
	}
	for i := range rows {
		rows[i].Payload = ""
	}
	return links, rows, nil
}

// notificationsPage shows the outbox: each destination's state, the
// dead notifications with a retry, the latest notifications.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ds, err := s.o.Store.OutboxStatus(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	dead, err := s.o.Store.Outbox(ctx, store.OutboxFilter{Status: []string{store.OutboxDead}, Limit: 100})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	recent, err := s.o.Store.Outbox(ctx, store.OutboxFilter{Limit: 50})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "notifications", http.StatusOK, map[string]any{"Title": "Notifications", "Destinations": ds, "Dead": dead,
		"Recent": recent, "Done": r.URL.Query().Get("done")})
}

// retrySelector reads what to retry: id, destination or all.
func retrySelector(id, dest string, all bool) (store.RetrySelector, error) {
	sel := store.RetrySelector{Destination: strings.TrimSpace(dest), AllDead: all}
	if id = strings.TrimSpace(id); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return sel, &inputError{fmt.Sprintf("id %q: want a notification ID", id)}
		}
		sel.ID = n
	}
	k := 0
	for _, set := range []bool{sel.ID != 0, sel.Destination != "", sel.AllDead} {
		if set {
			k++
		}
	}
	if k != 1 {
		return sel, &inputError{"choose one of a notification (id), a destination or all dead notifications"}
	}
	return sel, nil
}

// notificationsRetry queues dead notifications again (the page's form).
func (s *Server) notificationsRetry(w http.ResponseWriter, r *http.Request) {
	sel, err := retrySelector(r.FormValue("id"), r.FormValue("destination"), r.FormValue("all") == "dead")
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	n, err := s.o.Store.RetryOutbox(r.Context(), sel)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	http.Redirect(w, r, "/notifications?done="+url.QueryEscape(fmt.Sprintf("%d queued again", n)), http.StatusSeeOther)
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) {
	ds, err := s.o.Store.OutboxStatus(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	dead, err := s.o.Store.Outbox(r.Context(), store.OutboxFilter{Status: []string{store.OutboxDead}, Limit: 100})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	for i := range dead {
		dead[i].Payload = ""
	}
	if ds == nil {
		ds = []store.DestinationStatus{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"destinations": ds, "dead": dead})
}

func (s *Server) apiNotificationsRetry(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID          int64  `json:"id"`
		Destination string `json:"destination"`
		AllDead     bool   `json:"all_dead"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSONError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	id := ""
	if in.ID != 0 {
		id = strconv.FormatInt(in.ID, 10)
	}
	sel, err := retrySelector(id, in.Destination, in.AllDead)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	n, err := s.o.Store.RetryOutbox(r.Context(), sel)
	if errors.Is(err, store.ErrNotFound) {
		writeJSONError(w, http.StatusNotFound, err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"queued": n})
}

func (s *Server) apiFindingNotifications(w http.ResponseWriter, r *http.Request) {
	id, err := findingID(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	if _, _, err := s.o.Store.Finding(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		writeJSONError(w, http.StatusNotFound, fmt.Sprintf("no finding %s", id))
		return
	} else if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	ts, rows, err := s.findingNotifications(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": ts, "notifications": rows})
}
