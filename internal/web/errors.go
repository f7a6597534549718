package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// What an error shows. Bad input (400) and what does not exist (404)
// answer their message, which names the parameter at fault and never
// echoes more than a bit of the value. Anything else is internal (500):
// its text may hold SQL, file names or Go errors, so it goes only to
// the server's log, under a random ID, and the answer shows the ID, for
// the operator to find the line.

// inputError is a request the dashboard refuses (400).
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// statusOf is the status that answers err: 404 for the store's
// ErrNotFound, 400 for bad input, 500 for the rest.
func statusOf(err error) int {
	var ie *inputError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, &ie):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// internal logs err under a new random ID and returns what to show.
func (s *Server) internal(r *http.Request, err error) string {
	var b [6]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	s.o.Log.Error("dashboard: internal error", "id", id, "method", r.Method, "path", clip(r.URL.Path, 200), "err", err)
	return "internal error (ID " + id + "): the dashboard's log has the details"
}

// fail shows an error page (or JSON under /api/). At 500 and above, the
// error is logged and only its ID shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := ""
	if status >= 500 {
		msg = s.internal(r, err)
	} else {
		msg = err.Error()
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, status, msg)
		return
	}
	s.render(w, r, "error", status, map[string]any{"Status": status, "Title": http.StatusText(status), "Error": msg})
}

// clip is s cut to at most n bytes, for messages that quote input.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
