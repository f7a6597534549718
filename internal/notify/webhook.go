package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The generic webhook.
//
// Body: a JSON object (WebhookPayload) with a schema version, so a
// receiver can tell formats apart as they evolve.
//
// Signature: with a secret configured, every request carries
//
//	X-Guardrail-Timestamp: <unix seconds>
//	X-Guardrail-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>
//
// The timestamp is inside the signed string, so a captured request cannot
// be replayed later with a fresh timestamp: the receiver recomputes the
// HMAC over the timestamp header, a dot and the raw body, compares it in
// constant time, and rejects a timestamp more than 5 minutes from its own
// clock (the scheme of Stripe's and Slack's signing secrets).
// X-Guardrail-Delivery is the message's stable ID: a retried delivery
// has the same one, so a receiver can drop duplicates.

// WebhookSchema is the version of the webhook's JSON body.
const WebhookSchema = "guardrail.notification/v1"

// The webhook's headers.
const (
	HeaderSignature = "X-Guardrail-Signature"
	HeaderTimestamp = "X-Guardrail-Timestamp"
	HeaderDelivery  = "X-Guardrail-Delivery"
)

// WebhookPayload is the JSON body a webhook receives.
type WebhookPayload struct {
	Schema string `json:"schema"`
	// ID is the delivery's stable ID (also in X-Guardrail-Delivery).
	ID     string    `json:"id"`
	SentAt time.Time `json:"sent_at"`
	// Summary is the one-line headline.
	Summary string  `json:"summary"`
	Digest  bool    `json:"digest,omitempty"`
	Test    bool    `json:"test,omitempty"`
	Ticket  string  `json:"ticket,omitempty"`
	Events  []Event `json:"events"`
	// Omitted is how many events were left out to fit a size limit (SNS);
	// Events then holds the worst.
	Omitted int `json:"omitted,omitempty"`
}

// MessageID is m's stable ID: the SHA-256 of its events' keys and its
// kind, so the same message delivered twice has the same ID.
func MessageID(m Message) string {
	h := sha256.New()
	for i := range m.Events {
		h.Write([]byte(m.Events[i].Key() + "\n"))
	}
	if m.Digest {
		h.Write([]byte("digest"))
	}
	if m.Test {
		h.Write([]byte("test"))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Sign returns the X-Guardrail-Signature value for body sent at ts (unix
// seconds) with secret.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// ErrSignature is a webhook request whose signature does not verify.
var ErrSignature = errors.New("webhook signature does not verify")

// Verify checks a webhook request's signature headers against its raw
// body, as a receiver does: the HMAC must match and the timestamp be
// within tolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("webhook: no valid " + HeaderTimestamp + " header")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside the tolerance (a replay, or a skewed clock)")
	}
	got := h.Get(HeaderSignature)
	if !strings.HasPrefix(got, "sha256=") {
		return ErrSignature
	}
	if !hmac.Equal([]byte(got), []byte(Sign(secret, ts, body))) {
		return ErrSignature
	}
	return nil
}

// WebhookMaxEvents caps the events of one webhook body: a digest of more
// (the first scan of a large organization) carries its worst
// WebhookMaxEvents and says how many it left out (omitted), so that no
// receiver is sent a body of tens of megabytes.
const WebhookMaxEvents = 1000

func (s *Sender) webhook(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	now := s.now().UTC()
	p := WebhookPayload{Schema: WebhookSchema, ID: MessageID(m), SentAt: now, Summary: s.subject(m),
		Digest: m.Digest, Test: m.Test, Ticket: m.Ticket, Events: m.Events}
	if len(m.Events) > WebhookMaxEvents {
		p.Events, p.Omitted = s.worst(m, WebhookMaxEvents), len(m.Events)-WebhookMaxEvents
	}
	body, err := json.Marshal(p)
	if err != nil {
		return Receipt{}, err
	}
	h := http.Header{}
	for k, v := range d.Headers {
		h.Set(k, v)
	}
	h.Set(HeaderDelivery, p.ID)
	if d.Secret != "" {
		ts := now.Unix()
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, Sign(d.Secret, ts, body))
	}
	code, _, err := s.post(ctx, d, http.MethodPost, d.URL, body, h)
	return Receipt{Status: code}, err
}

// postJSON posts v as JSON to u.
func (s *Sender) postJSON(ctx context.Context, d *Destination, u string, v any, h http.Header) (Receipt, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return Receipt{}, err
	}
	code, _, err := s.post(ctx, d, http.MethodPost, u, body, h)
	return Receipt{Status: code}, err
}
