package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// outboxFixture queues two notifications about f: one sent, filing
// ticket SEC-7, one dead; it returns the dead one's ID.
func outboxFixture(t *testing.T, st store.Store, findingID string) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Enqueue(ctx, []store.Outgoing{
		{Key: "finding:" + findingID + ":new@s1", Destination: "jira", FindingID: findingID, Payload: []byte(`{}`)},
		{Key: "finding:" + findingID + ":new@s1", Destination: "hook", FindingID: findingID, Payload: []byte(`{}`)},
	}); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{"jira", "hook"} {
		rows, err := st.ClaimOutbox(ctx, store.Claim{Token: dest, Lease: time.Minute, Destination: dest})
		if err != nil || len(rows) != 1 {
			t.Fatalf("claim %s: %v, %v", dest, rows, err)
		}
		d := store.Delivery{Token: dest, IDs: []int64{rows[0].ID}, Sent: true, Receipt: "HTTP 201, ticket SEC-7",
			Ticket: &store.Ticket{FindingID: findingID, Destination: "jira", Key: "SEC-7", Status: "To Do"}}
		if dest == "hook" {
			d = store.Delivery{Token: dest, IDs: []int64{rows[0].ID}, Dead: true, Error: "HTTP 410: gone"}
		}
		if err := st.CompleteOutbox(ctx, d); err != nil {
			t.Fatal(err)
		}
		if dest == "hook" {
			return rows[0].ID
		}
	}
	return 0
}

func TestNotificationPages(t *testing.T) {
	st := synthetic(t, 1)
	f := anOpenFinding(t, st)
	dead := outboxFixture(t, st, f.ID)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, Catalog: cat, User: "tester", Now: clock.Fixed(now),
		TicketURL: func(dest, key string) string { return "https://example.atlassian.net/browse/" + key }})
	if err != nil {
		t.Fatal(err)
	}
	rec := do(srv, req{path: "/findings/" + f.ID})
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `href="https://example.atlassian.net/browse/SEC-7"`) || !strings.Contains(body, "HTTP 410: gone") {
		t.Errorf("finding page (%d) lacks its ticket link or its notification history", rec.Code)
	}
	rec = do(srv, req{path: "/notifications"})
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, "HTTP 410: gone") || !strings.Contains(body, `name="id" value="`) {
		t.Errorf("notifications page (%d) lacks the dead notification and its retry", rec.Code)
	}

	var api struct {
		Destinations []store.DestinationStatus `json:"destinations"`
		Dead         []store.OutboxRow         `json:"dead"`
	}
	rec = do(srv, req{path: "/api/notifications"})
	if err := json.Unmarshal(rec.Body.Bytes(), &api); err != nil || len(api.Destinations) != 2 || len(api.Dead) != 1 || api.Dead[0].ID != dead {
		t.Errorf("GET /api/notifications: %v %s", err, rec.Body)
	}
	rec = do(srv, req{path: "/api/findings/" + f.ID + "/notifications"})
	if !strings.Contains(rec.Body.String(), `"key": "SEC-7"`) || !strings.Contains(rec.Body.String(), `"url": "https://example.atlassian.net/browse/SEC-7"`) {
		t.Errorf("GET /api/findings/{id}/notifications: %s", rec.Body)
	}

	// Retry: refused from another origin, done from the page.
	form := url.Values{"id": {jsonInt(dead)}}.Encode()
	if rec := do(srv, req{method: http.MethodPost, path: "/notifications/retry", body: form, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site retry: %d", rec.Code)
	}
	if rec := do(srv, req{method: http.MethodPost, path: "/notifications/retry", body: "id=x"}); rec.Code != http.StatusBadRequest {
		t.Errorf("retry of a bad ID: %d", rec.Code)
	}
	if rec := do(srv, req{method: http.MethodPost, path: "/notifications/retry", body: form}); rec.Code != http.StatusSeeOther {
		t.Errorf("retry: %d %s", rec.Code, rec.Body)
	}
	rows, _ := st.Outbox(context.Background(), store.OutboxFilter{Destination: "hook"})
	if len(rows) != 1 || rows[0].Status != store.OutboxPending {
		t.Errorf("after retry: %+v", rows)
	}
	if rec := do(srv, req{method: http.MethodPost, path: "/api/notifications/retry", body: `{"all_dead": true}`}); rec.Code != http.StatusNotFound {
		t.Errorf("API retry with nothing dead: %d %s", rec.Code, rec.Body)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestJiraHookRoute: Jira's webhook reaches its handler without a
// session (it proves a shared secret itself), but only on an allowed
// host; without a hook the path is the dashboard's (sign-in needed).
func TestJiraHookRoute(t *testing.T) {
	st := synthetic(t, 1)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	const tok = "0123456789abcdef0123"
	srv, err := web.New(web.Options{Store: st, Catalog: cat, Token: tok, Now: clock.Fixed(now), JiraHook: hook})
	if err != nil {
		t.Fatal(err)
	}
	if rec := do(srv, req{method: http.MethodPost, path: "/hooks/jira", body: `{}`, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); rec.Code != http.StatusAccepted {
		t.Errorf("the webhook without a session: %d, want it to reach its handler", rec.Code)
	}
	r := httptest.NewRequest(http.MethodPost, "http://evil.example/hooks/jira", strings.NewReader(`{}`))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	if rec.Code == http.StatusAccepted {
		t.Errorf("the webhook answered a host the dashboard does not serve")
	}
	plain := server(t, st, tok)
	if rec := do(plain, req{method: http.MethodPost, path: "/hooks/jira", body: `{}`}); rec.Code == http.StatusAccepted || rec.Code == http.StatusOK {
		t.Errorf("without a hook, /hooks/jira answered %d", rec.Code)
	}
}
