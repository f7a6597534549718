package outbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// The Jira sync reads tickets back. An issue closed as won't-fix or
// accepted risk (the destination's wontfix_resolutions and
// wontfix_statuses) suppresses the finding its ticket was filed for,
// with the reason "jira:<KEY> <resolution>"; any other change only
// records the issue's status on the ticket. The finding is the one the
// tickets table names for the issue's key at that destination, never one
// read from the issue (a label anyone can edit): an issue Guardrail did
// not file, or whose filing it did not record, changes nothing. A
// finding already suppressed or resolved is left as it is.
//
// Two ways in, the same effect: Poll searches each Jira destination for
// Guardrail's issues updated since its checkpoint; Hook is the endpoint
// for Jira's issue_updated webhook. Poll's checkpoint is stored only
// after every page was read, and its query starts a day before it: JQL
// reads dates in the searching user's time zone and to the minute, and
// applying an issue twice changes nothing, so reading some twice is the
// safe side.

// SyncStats count what a sync read and did.
type SyncStats struct {
	Issues     int `json:"issues"`
	Suppressed int `json:"suppressed"`
}

// Syncer applies Jira's issues to the findings.
type Syncer struct {
	Store  store.Store
	Sender *notify.Sender
	Now    func() time.Time
}

// syncOverlap is how far before its checkpoint a poll reads again.
const syncOverlap = 24 * time.Hour

// checkpointName is the sync checkpoint of a Jira destination.
func checkpointName(dest string) string { return "jira:" + dest }

// Poll reads every Jira destination's issues updated since its
// checkpoint and applies them.
func (y *Syncer) Poll(ctx context.Context) (SyncStats, error) {
	var total SyncStats
	for _, d := range y.Sender.Config().Destinations {
		if d.Type != notify.JiraT {
			continue
		}
		st, err := y.poll(ctx, d)
		total.Issues += st.Issues
		total.Suppressed += st.Suppressed
		if err != nil {
			return total, fmt.Errorf("jira sync %s: %w", d.Name, err)
		}
	}
	return total, nil
}

func (y *Syncer) poll(ctx context.Context, d *notify.Destination) (SyncStats, error) {
	var st SyncStats
	j, err := y.Sender.Jira(d.Name)
	if err != nil {
		return st, err
	}
	name := checkpointName(d.Name)
	pos, err := y.Store.NotifyCheckpoint(ctx, name)
	if err != nil {
		return st, err
	}
	jql := "project = " + notify.JQLString(d.Jira.Project) + ` AND labels = "guardrail"`
	var since time.Time
	if pos != "" {
		if since, err = time.Parse(time.RFC3339Nano, pos); err != nil {
			return st, fmt.Errorf("checkpoint %q: %w", pos, err)
		}
		jql += ` AND updated >= "` + since.Add(-syncOverlap).UTC().Format("2006/01/02 15:04") + `"`
	}
	jql += " ORDER BY updated ASC"
	latest := since
	page := ""
	for {
		issues, next, err := j.Search(ctx, jql, page)
		if err != nil {
			return st, err
		}
		for _, is := range issues {
			st.Issues++
			ok, err := y.Apply(ctx, d.Name, is)
			if err != nil {
				return st, err
			}
			if ok {
				st.Suppressed++
			}
			if is.Updated.After(latest) {
				latest = is.Updated
			}
		}
		if next == "" {
			break
		}
		page = next
	}
	if latest.After(since) {
		if err := y.Store.SetNotifyCheckpoint(ctx, name, latest.UTC().Format(time.RFC3339Nano)); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Apply records issue is of destination dest on its ticket and, when it
// was closed as won't-fix, suppresses the ticket's finding; it reports
// whether it did.
func (y *Syncer) Apply(ctx context.Context, dest string, is notify.JiraIssue) (bool, error) {
	t, err := y.Store.TicketByKey(ctx, dest, is.Key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // not an issue Guardrail filed (or recorded)
	}
	if err != nil {
		return false, err
	}
	if t.Status != is.Status || t.Resolution != is.Resolution {
		t.Status, t.Resolution, t.Updated = is.Status, is.Resolution, y.Now()
		if err := y.Store.UpdateTicket(ctx, t); err != nil {
			return false, err
		}
	}
	j, err := y.Sender.Jira(dest)
	if err != nil {
		return false, err
	}
	if !j.WontFix(is) {
		return false, nil
	}
	f, _, err := y.Store.Finding(ctx, t.FindingID)
	if err != nil {
		return false, err
	}
	if f.Workflow == finding.Suppressed || f.Workflow == finding.Resolved {
		return false, nil
	}
	why := is.Resolution
	if why == "" {
		why = is.Status
	}
	if err := y.Store.Suppress(ctx, []string{f.ID}, "jira:"+is.Key+" "+why, "jira:"+dest, time.Time{}); err != nil {
		return false, err
	}
	return true, nil
}

// jiraWebhook is what the sync reads of Jira's webhook body.
type jiraWebhook struct {
	WebhookEvent string `json:"webhookEvent"`
	Issue        *struct {
		Key    string `json:"key"`
		Fields struct {
			Status *struct {
				Name string `json:"name"`
			} `json:"status"`
			Resolution *struct {
				Name string `json:"name"`
			} `json:"resolution"`
		} `json:"fields"`
	} `json:"issue"`
}

// HeaderSecret is the header a Jira webhook may carry the shared secret
// in (or ?secret= in its URL, for a Jira that cannot set headers).
const HeaderSecret = "X-Guardrail-Secret"

// Hook is the endpoint of Jira's webhook (POST, jira:issue_updated).
// The request proves it knows a Jira destination's webhook_secret, by
// Jira's own signature (X-Hub-Signature: sha256=<HMAC-SHA256 of the
// body>, a webhook registered with a secret) or by the secret itself in
// the X-Guardrail-Secret header or the secret query parameter, compared
// in constant time; the issue is then applied to that destination's
// tickets.
func (y *Syncer) Hook() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			hookError(w, http.StatusMethodNotAllowed, "POST the Jira webhook here")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
		if err != nil || len(body) > 1<<20 {
			hookError(w, http.StatusBadRequest, "the body is unreadable or over 1 MiB")
			return
		}
		dest := y.authenticate(r, body)
		if dest == "" {
			hookError(w, http.StatusUnauthorized, "no Jira destination's webhook secret matches")
			return
		}
		var p jiraWebhook
		if err := json.Unmarshal(body, &p); err != nil {
			hookError(w, http.StatusBadRequest, "the body is not JSON: "+err.Error())
			return
		}
		if !strings.HasPrefix(p.WebhookEvent, "jira:issue_") || p.Issue == nil || p.Issue.Key == "" {
			w.WriteHeader(http.StatusNoContent) // another event: nothing to do
			return
		}
		is := notify.JiraIssue{Key: p.Issue.Key}
		if s := p.Issue.Fields.Status; s != nil {
			is.Status = s.Name
		}
		if res := p.Issue.Fields.Resolution; res != nil {
			is.Resolution = res.Name
		}
		ok, err := y.Apply(r.Context(), dest, is)
		if err != nil {
			hookError(w, http.StatusInternalServerError, "could not apply the issue (the sync's poll will)")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"issue": is.Key, "suppressed": ok})
	})
}

// authenticate returns the Jira destination whose secret the request
// proves, "" if none.
func (y *Syncer) authenticate(r *http.Request, body []byte) string {
	sig := r.Header.Get("X-Hub-Signature")
	given := r.Header.Get(HeaderSecret)
	if given == "" {
		given = r.URL.Query().Get("secret")
	}
	for _, d := range y.Sender.Config().Destinations {
		if d.Type != notify.JiraT || d.Jira.WebhookSecret == "" {
			continue
		}
		secret := d.Jira.WebhookSecret
		if hex, ok := strings.CutPrefix(sig, "sha256="); ok {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(body)
			if hmac.Equal([]byte(hex), []byte(hexString(mac.Sum(nil)))) {
				return d.Name
			}
			continue
		}
		if given != "" && subtle.ConstantTimeCompare([]byte(given), []byte(secret)) == 1 {
			return d.Name
		}
	}
	return ""
}

func hexString(b []byte) string { return hex.EncodeToString(b) }

func hookError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// HasHook reports whether a Jira destination of cfg takes the webhook.
func HasHook(cfg *notify.Config) bool {
	for _, d := range cfg.Destinations {
		if d.Type == notify.JiraT && d.Jira.WebhookSecret != "" {
			return true
		}
	}
	return false
}
