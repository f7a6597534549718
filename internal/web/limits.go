package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/target"
)

// Input limits. Every request is bounded before a handler sees it: a
// body of at most maxBody, at most maxParams parameters (query and form),
// each value within its limit in paramMax (defaultParamMax for the
// rest). What is over answers 400 naming the parameter, so that no
// oversized input reaches the store (a 100 KB search text used to end
// in an SQL error). IDs in paths are checked by their handlers
// (findingID, accountID, controlID).
const (
	maxBody         = 64 << 10
	maxParams       = 100
	defaultParamMax = 1000
)

// paramMax is the size limit of a parameter, in bytes, where it is not
// defaultParamMax: lists of accounts or controls can be long; a user
// name and a date are short.
var paramMax = map[string]int{
	"q":       1000,
	"account": 4096,
	"control": 4096,
	"region":  1024,
	"next":    2048,
	"token":   1024,
	"reason":  1000,
	"by":      200,
	"until":   40,
}

// checkParams checks v's parameters against the limits.
func checkParams(v url.Values) error {
	n := 0
	for k, vals := range v {
		n += len(vals)
		if len(k) > 64 {
			return badInput("parameter %q…: name too long", clip(k, 32))
		}
		max := defaultParamMax
		if m, ok := paramMax[k]; ok {
			max = m
		}
		for _, val := range vals {
			if len(val) > max {
				return badInput("%s: at most %d bytes (%d given)", k, max, len(val))
			}
		}
	}
	if n > maxParams {
		return badInput("at most %d parameters (%d given)", maxParams, n)
	}
	return nil
}

// limits bounds the body and checks the parameters of every request.
func (s *Server) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		err := checkParams(r.URL.Query())
		// The pages' writes are forms; the API's are JSON, read by their
		// handlers whatever the Content-Type says (curl -d says a form).
		if err == nil && r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/api/") {
			err = parseForm(r)
		}
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm reads a POST's form and checks its values.
func parseForm(r *http.Request) error {
	var err error
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/form-data") {
		err = r.ParseMultipartForm(maxBody)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return badInput("request body: at most %d KiB", maxBody>>10)
	case err != nil:
		return badInput("request body: not a form: %v", err)
	}
	return checkParams(r.PostForm)
}

// findingID is the {id} of a finding's path: finding.ID's hex.
func findingID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if len(id) == 0 || len(id) > 64 || strings.Trim(id, "0123456789abcdefABCDEF") != "" {
		return "", badInput("finding ID %q: want the hexadecimal ID of a finding", clip(id, 80))
	}
	return id, nil
}

// accountID is the {id} of an account's path: 12 digits.
func accountID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !target.AccountID.MatchString(id) {
		return "", badInput("account ID %q: want the 12 digits of an AWS account", clip(id, 80))
	}
	return id, nil
}

// controlID is the {id} of a control's path, like EC2.8.
func controlID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	ok := len(id) > 0 && len(id) <= 64
	for _, c := range []byte(id) {
		ok = ok && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')
	}
	if !ok {
		return "", badInput("control ID %q: want a control's ID, like EC2.8", clip(id, 80))
	}
	return id, nil
}

// runID is the {id} of a remediation run's path, like
// remediate-20261123T101500.042Z-2.
func runID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	ok := len(id) > 0 && len(id) <= 80
	for _, c := range []byte(id) {
		ok = ok && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':')
	}
	if !ok {
		return "", badInput("run ID %q: want a remediation run's ID, like remediate-20261123T101500.042Z", clip(id, 80))
	}
	return id, nil
}
