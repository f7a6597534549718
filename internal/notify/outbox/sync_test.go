package outbox_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

func jiraFixture(t *testing.T) (*fixture, *notifytest.Jira, *outbox.Syncer) {
	t.Helper()
	t.Setenv("GR_TEST_JIRA_TOKEN", "jira-token")
	c := newClock()
	j := notifytest.NewJira(t, notifytest.JiraOptions{User: "bot@example.com", Token: "jira-token", Cloud: true, Now: c.Now, PageSize: 2})
	f := newFixture(t, c, fmt.Sprintf(`
destinations:
  - name: jira
    type: jira
    jira: {url: %q, deployment: cloud, user: bot@example.com, token_env: GR_TEST_JIRA_TOKEN, project: SEC, webhook_secret: hook-s3cret}
routes:
  - match: {}
    to: [jira]
`, j.URL), nil)
	s, err := notify.NewSender(f.cfg, notify.Options{Clock: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f, j, &outbox.Syncer{Store: f.st, Sender: s, Now: c.Now}
}

// ticketOf returns the key of the ticket of finding id.
func ticketOf(t *testing.T, st store.Store, id string) string {
	t.Helper()
	ts, err := st.Tickets(context.Background(), id)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tickets of %s: %+v, %v; want one", id, ts, err)
	}
	return ts[0].Key
}

// TestJiraTwoWay: one issue per finding however often scans run; a fix
// comments on and transitions its issue, once; an issue closed as
// won't-fix suppresses its finding (by the poll), and only its own.
func TestJiraTwoWay(t *testing.T) {
	f, j, sync := jiraFixture(t)
	ctx := context.Background()
	at := storetest.Now().Add(-48 * 60 * 60 * 1e9)
	failing := map[string]bool{"i-1": true, "i-2": true, "i-3": true}
	f.scan(instances("s1", at, failing, nil))
	f.drain()
	f.scan(instances("s2", at.Add(3600e9), failing, nil))
	f.drain()
	if n := len(j.Issues()); n != 3 {
		t.Fatalf("two scans of 3 failing findings filed %d issues, want 3", n)
	}
	i1, i2 := storetest.Instance(acct, eu, "i-1"), storetest.Instance(acct, eu, "i-2")
	k1, k2 := ticketOf(t, f.st, i1), ticketOf(t, f.st, i2)

	failing["i-1"] = false
	f.scan(instances("s3", at.Add(2*3600e9), failing, nil))
	f.drain()
	for _, is := range j.Issues() {
		switch {
		case is.Key == k1 && (!slices.Equal(is.Transitions, []string{"Done"}) || len(is.Comments) != 1):
			t.Errorf("the fixed finding's issue %s: transitions %v, %d comments; want Done once, with a comment", is.Key, is.Transitions, len(is.Comments))
		case is.Key != k1 && len(is.Transitions) != 0:
			t.Errorf("issue %s of a finding still failing was transitioned: %v", is.Key, is.Transitions)
		}
	}
	if n := len(j.Issues()); n != 3 {
		t.Errorf("a fix filed an issue: %d in all", n)
	}

	// A person closes i-2's issue as won't do, and files and closes one
	// of their own: the poll suppresses i-2 alone.
	j.Close(k2, "Won't Do")
	j.Close(j.Add(notifytest.JiraIssue{Summary: "not Guardrail's", Labels: []string{"guardrail", notify.JiraLabel(storetest.Instance(acct, eu, "i-3"))}}), "Won't Do")
	st, err := sync.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Suppressed != 1 {
		t.Fatalf("poll: %+v, want one finding suppressed", st)
	}
	fi, _, err := f.st.Finding(ctx, i2)
	if err != nil || fi.Workflow != finding.Suppressed || fi.Suppression.Reason != "jira:"+k2+" Won't Do" {
		t.Fatalf("i-2 after the poll: %v %+v, %v; want suppressed as jira:%s Won't Do", fi.Workflow, fi.Suppression, err, k2)
	}
	if fi, _, _ := f.st.Finding(ctx, storetest.Instance(acct, eu, "i-3")); fi.Workflow == finding.Suppressed {
		t.Errorf("an issue Guardrail did not file suppressed i-3")
	}
	cp, err := f.st.NotifyCheckpoint(ctx, "jira:jira")
	if err != nil || cp == "" {
		t.Errorf("no checkpoint after the poll: %q, %v", cp, err)
	}
	// Polling again changes nothing.
	if st, err := sync.Poll(ctx); err != nil || st.Suppressed != 0 {
		t.Errorf("second poll: %+v, %v", st, err)
	}
	tk, err := f.st.TicketByKey(ctx, "jira", k2)
	if err != nil || tk.Status != "Done" || tk.Resolution != "Won't Do" {
		t.Errorf("ticket %s after the poll: %+v, %v", k2, tk, err)
	}
}

// TestJiraWebhook: the inbound webhook suppresses the ticket's finding
// when it proves the shared secret (in the URL, or Jira's HMAC
// signature), and refuses it otherwise.
func TestJiraWebhook(t *testing.T) {
	f, j, sync := jiraFixture(t)
	ctx := context.Background()
	f.scan(instances("s1", storetest.Now(), map[string]bool{"i-1": true, "i-2": true}, nil))
	f.drain()
	i1, i2 := storetest.Instance(acct, eu, "i-1"), storetest.Instance(acct, eu, "i-2")
	k1, k2 := ticketOf(t, f.st, i1), ticketOf(t, f.st, i2)
	_ = j
	srv := httptest.NewServer(sync.Hook())
	t.Cleanup(srv.Close)
	body := func(key string) []byte {
		return []byte(`{"timestamp":1780315200000,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic",
"issue":{"id":"10001","key":"` + key + `","fields":{"status":{"name":"Done"},"resolution":{"name":"Won't Do"},"labels":["guardrail"]}}}`)
	}
	post := func(url string, b []byte, h map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name string
		url  string
		h    map[string]string
	}{
		{"no secret", srv.URL, nil},
		{"wrong secret", srv.URL + "?secret=guess", nil},
		{"wrong header", srv.URL, map[string]string{outbox.HeaderSecret: "hook-s3cre"}},
		{"bad signature", srv.URL, map[string]string{"X-Hub-Signature": "sha256=00"}},
	} {
		if code := post(tc.url, body(k1), tc.h); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", tc.name, code)
		}
	}
	if fi, _, _ := f.st.Finding(ctx, i1); fi.Workflow == finding.Suppressed {
		t.Fatal("a refused webhook suppressed the finding")
	}
	if code := post(srv.URL+"?secret=hook-s3cret", body(k1), nil); code != http.StatusOK {
		t.Fatalf("webhook with the secret: %d", code)
	}
	mac := hmac.New(sha256.New, []byte("hook-s3cret"))
	mac.Write(body(k2))
	if code := post(srv.URL, body(k2), map[string]string{"X-Hub-Signature": "sha256=" + hex.EncodeToString(mac.Sum(nil))}); code != http.StatusOK {
		t.Fatalf("webhook with Jira's signature: %d", code)
	}
	for id, key := range map[string]string{i1: k1, i2: k2} {
		fi, _, err := f.st.Finding(ctx, id)
		if err != nil || fi.Workflow != finding.Suppressed || fi.Suppression.Reason != "jira:"+key+" Won't Do" {
			t.Errorf("finding of %s after the webhook: %v %+v %v", key, fi.Workflow, fi.Suppression, err)
		}
	}
	if code := post(srv.URL+"?secret=hook-s3cret", []byte(`{"webhookEvent":"jira:issue_updated","issue":`), nil); code != http.StatusBadRequest {
		t.Errorf("malformed body: %d, want 400", code)
	}
}
