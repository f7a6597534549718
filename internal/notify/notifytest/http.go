package notifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
)

// Request is one request a Receiver received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	// Status is what the receiver answered.
	Status int
	// CheckErr is why the payload check failed (the receiver answered
	// 400), nil if it passed.
	CheckErr error
}

// Answer is one scripted answer.
type Answer struct {
	Status int
	Header map[string]string
	Body   string
	// Delay holds the answer back (a slow peer); the request's context
	// ending stops it.
	Delay time.Duration
}

// Check judges a request's payload; an error makes the receiver answer
// 400 with it, as a real service rejects a malformed payload.
type Check func(h http.Header, body []byte) error

// Receiver is an HTTP server on loopback that records every request and
// answers from a script, then 200 "ok".
type Receiver struct {
	URL string

	mu     sync.Mutex
	script []Answer
	reqs   []Request
	check  Check
}

// NewReceiver starts a Receiver until the test ends; check (nil: none)
// judges each payload.
func NewReceiver(t testing.TB, check Check) *Receiver {
	t.Helper()
	r := &Receiver{check: check}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// Script queues answers for the next requests.
func (r *Receiver) Script(a ...Answer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, a...)
}

// FailN answers the next n requests with status.
func (r *Receiver) FailN(n, status int) {
	for range n {
		r.Script(Answer{Status: status, Body: http.StatusText(status)})
	}
}

// Requests returns what was received so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// Accepted returns the requests answered 2xx.
func (r *Receiver) Accepted() []Request {
	var out []Request
	for _, q := range r.Requests() {
		if q.Status >= 200 && q.Status < 300 {
			out = append(out, q)
		}
	}
	return out
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 8<<20))
	r.mu.Lock()
	a := Answer{Status: http.StatusOK, Body: "ok"}
	if len(r.script) > 0 {
		a, r.script = r.script[0], r.script[1:]
	}
	q := Request{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Body: body}
	if r.check != nil && a.Status < 300 {
		if err := r.check(req.Header, body); err != nil {
			q.CheckErr = err
			a = Answer{Status: http.StatusBadRequest, Body: err.Error()}
		}
	}
	q.Status = a.Status
	r.reqs = append(r.reqs, q)
	r.mu.Unlock()
	if a.Delay > 0 {
		select {
		case <-time.After(a.Delay):
		case <-req.Context().Done():
			return
		}
	}
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(a.Status)
	io.WriteString(w, a.Body)
}

// CheckSlack checks a Slack incoming webhook payload against Block Kit's
// documented limits: a text fallback, at most 50 blocks of known types,
// header text plain_text of at most 150 characters, section text of at
// most 3000, at most 10 fields of at most 2000 each, at most 10 context
// elements.
func CheckSlack(_ http.Header, body []byte) error {
	var m struct {
		Text   *string
		Blocks []struct {
			Type     string
			Text     *struct{ Type, Text string }
			Fields   []struct{ Type, Text string }
			Elements []struct{ Type, Text string }
		}
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("invalid_payload: %v", err)
	}
	if m.Text == nil || *m.Text == "" {
		return errors.New("invalid_payload: no text fallback")
	}
	if len(m.Blocks) > 50 {
		return fmt.Errorf("invalid_blocks: %d blocks, the limit is 50", len(m.Blocks))
	}
	for i, b := range m.Blocks {
		switch b.Type {
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" || len([]rune(b.Text.Text)) > 150 || b.Text.Text == "" {
				return fmt.Errorf("invalid_blocks: blocks[%d]: a header needs plain_text of 1 to 150 characters", i)
			}
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				return fmt.Errorf("invalid_blocks: blocks[%d]: a section needs text or fields", i)
			}
			if b.Text != nil && (len([]rune(b.Text.Text)) > 3000 || b.Text.Text == "") {
				return fmt.Errorf("invalid_blocks: blocks[%d]: section text must be 1 to 3000 characters", i)
			}
			if len(b.Fields) > 10 {
				return fmt.Errorf("invalid_blocks: blocks[%d]: %d fields, the limit is 10", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if len([]rune(f.Text)) > 2000 || f.Text == "" {
					return fmt.Errorf("invalid_blocks: blocks[%d]: a field must be 1 to 2000 characters", i)
				}
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				return fmt.Errorf("invalid_blocks: blocks[%d]: a context needs 1 to 10 elements", i)
			}
		case "divider", "actions", "image", "rich_text":
		default:
			return fmt.Errorf("invalid_blocks: blocks[%d]: unknown block type %q", i, b.Type)
		}
	}
	return nil
}

// CheckTeams checks a Teams payload: a message with one Adaptive Card
// attachment whose card has a type, a version and a body.
func CheckTeams(_ http.Header, body []byte) error {
	var m struct {
		Type        string
		Attachments []struct {
			ContentType string
			Content     struct {
				Type, Version string
				Body          []map[string]any
			}
		}
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("bad JSON: %v", err)
	}
	switch {
	case m.Type != "message":
		return fmt.Errorf("type %q, want message", m.Type)
	case len(m.Attachments) != 1:
		return fmt.Errorf("%d attachments, want 1", len(m.Attachments))
	case m.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive":
		return fmt.Errorf("contentType %q", m.Attachments[0].ContentType)
	case m.Attachments[0].Content.Type != "AdaptiveCard" || m.Attachments[0].Content.Version == "":
		return errors.New("the attachment is not an AdaptiveCard with a version")
	case len(m.Attachments[0].Content.Body) == 0:
		return errors.New("the card has no body")
	case len(body) > 28<<10:
		return fmt.Errorf("the message is %d bytes, over Teams' 28 KB", len(body))
	}
	for i, el := range m.Attachments[0].Content.Body {
		if t, _ := el["type"].(string); t == "" {
			return fmt.Errorf("body[%d] has no type", i)
		}
	}
	return nil
}

// CheckWebhook checks a Guardrail webhook request: the schema, and, with
// a secret, the signature, verified from the documented scheme
// (HMAC-SHA256 over "<timestamp>.<body>") within 5 minutes of now.
func CheckWebhook(secret string, now func() time.Time) Check {
	return func(h http.Header, body []byte) error {
		var p notify.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return fmt.Errorf("bad JSON: %v", err)
		}
		if p.Schema != notify.WebhookSchema {
			return fmt.Errorf("schema %q", p.Schema)
		}
		if h.Get("X-Guardrail-Delivery") != p.ID || p.ID == "" {
			return errors.New("X-Guardrail-Delivery does not match the body's id")
		}
		if secret == "" {
			return nil
		}
		return verify(secret, h, body, now())
	}
}

// verify is the receiver's side of the documented scheme, written apart
// from notify.Sign so that a mistake in one does not hide in both:
// X-Guardrail-Signature = "sha256=" + hex(HMAC-SHA256(secret,
// X-Guardrail-Timestamp + "." + body)), the timestamp within 5 minutes.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	tsHeader := h.Get("X-Guardrail-Timestamp")
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return errors.New("no X-Guardrail-Timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %s from now: a replay", tsHeader, d)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, tsHeader)
	io.WriteString(mac, ".")
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(h.Get("X-Guardrail-Signature"))) != 1 {
		return errors.New("signature mismatch")
	}
	return nil
}

// Payload decodes a webhook request's body.
func (q Request) Payload() (notify.WebhookPayload, error) {
	var p notify.WebhookPayload
	err := json.Unmarshal(q.Body, &p)
	return p, err
}

// Contains reports whether the body contains s.
func (q Request) Contains(s string) bool { return strings.Contains(string(q.Body), s) }
