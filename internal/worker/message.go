package worker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/org"
)

// Version is the version of the message format this build writes and
// reads. A message of another version is refused, naming both, so
// workers of an older build never half-read a newer dispatcher's work.
const Version = 1

// Message is one account's work in a queued scan. Everything a worker
// needs is in it, so that workers share nothing with the dispatcher but
// the store and the queue.
type Message struct {
	Version int `json:"version"`
	// Scan is the scan's ID in the store; Started its start, the
	// instant its results are judged at (key ages, expiries).
	Scan    string    `json:"scan"`
	Started time.Time `json:"started"`
	// Org is the organization's ID and management account.
	Org Org `json:"org"`
	// Account is the account to assess, as the dispatcher listed it (its
	// regions are listed by the worker, in the account).
	Account org.Account `json:"account"`
	// Regions keeps only these regions (all enabled ones when empty).
	Regions []string `json:"regions,omitempty"`
	// Role is assumed in the account; Session names the session.
	Role    string `json:"role"`
	Session string `json:"session,omitempty"`
	// Home is the region of the account-wide services.
	Home string `json:"home"`
	// Controls are the controls the scan evaluates, by ID; Standards
	// the standards it scores, by ID.
	Controls  []string `json:"controls"`
	Standards []string `json:"standards,omitempty"`
	// TaskTimeout bounds each collection task (Go duration).
	TaskTimeout string `json:"task_timeout,omitempty"`
}

// Org names the organization in a message.
type Org struct {
	ID         string `json:"id,omitempty"`
	Management string `json:"management"`
}

// Encode returns m as the JSON body of an SQS message.
func (m Message) Encode() (string, error) {
	m.Version = Version
	if err := m.check(); err != nil {
		return "", err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// MessageError is a message body that is not a message of this format;
// ID is the SQS message ID.
type MessageError struct {
	ID  string
	Err error
}

func (e *MessageError) Error() string { return fmt.Sprintf("message %s: %v", e.ID, e.Err) }
func (e *MessageError) Unwrap() error { return e.Err }

// Parse reads a message body; id (the SQS message ID) names it in the
// error. Unknown fields are refused: a field this build does not know
// is work it would silently not do.
func Parse(id, body string) (Message, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal([]byte(body), &probe); err != nil {
		return Message{}, &MessageError{ID: id, Err: fmt.Errorf("not a JSON object: %v", err)}
	}
	if probe.Version == nil {
		return Message{}, &MessageError{ID: id, Err: errors.New(`no "version": not a guardrail scan message`)}
	}
	if *probe.Version != Version {
		return Message{}, &MessageError{ID: id, Err: fmt.Errorf("version %d, this worker reads version %d: run workers of the dispatcher's release", *probe.Version, Version)}
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	var m Message
	if err := dec.Decode(&m); err != nil {
		return Message{}, &MessageError{ID: id, Err: err}
	}
	if err := m.check(); err != nil {
		return Message{}, &MessageError{ID: id, Err: err}
	}
	return m, nil
}

// check says which required field is missing or malformed.
func (m Message) check() error {
	var missing []string
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"scan", m.Scan != ""}, {"started", !m.Started.IsZero()}, {"org.management", m.Org.Management != ""},
		{"account.id", m.Account.ID != ""}, {"account.status", m.Account.Status != ""}, {"role", m.Role != ""}, {"home", m.Home != ""},
		{"controls", len(m.Controls) > 0},
	} {
		if !f.ok {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if !isAccountID(m.Account.ID) {
		return fmt.Errorf("account.id %q is not a 12-digit account ID", m.Account.ID)
	}
	if m.TaskTimeout != "" {
		if d, err := time.ParseDuration(m.TaskTimeout); err != nil || d <= 0 {
			return fmt.Errorf("task_timeout %q is not a positive duration", m.TaskTimeout)
		}
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
