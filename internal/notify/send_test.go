package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
)

func sender(t *testing.T, src string, o notify.Options) *notify.Sender {
	t.Helper()
	c, err := notify.Parse("n.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if o.Clock == nil {
		o.Clock = clock.Fixed(at)
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 5 * time.Second}
	}
	s, err := notify.NewSender(c, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func one(ev notify.Event) notify.Message { return notify.Message{Events: []notify.Event{ev}} }

func TestWebhookSigned(t *testing.T) {
	rcv := notifytest.NewReceiver(t, notifytest.CheckWebhook("k3y", clock.Fixed(at)))
	t.Setenv("GR_TEST_HOOK_URL", rcv.URL+"/hook?token=abc")
	s := sender(t, `
destinations:
  - {name: hook, type: webhook, url_env: GR_TEST_HOOK_URL, secret: k3y, headers: {X-Team: sec}}
routes: [{match: {}, to: [hook]}]
options: {dashboard_url: "https://gr.example.com"}
`, notify.Options{UserAgent: "guardrail/test"})
	r, err := s.Send(context.Background(), "hook", one(finding("HIGH")))
	if err != nil || r.Status != 200 {
		t.Fatalf("send: %+v %v", r, err)
	}
	reqs := rcv.Accepted()
	if len(reqs) != 1 {
		t.Fatalf("%d accepted", len(reqs))
	}
	q := reqs[0]
	p, err := q.Payload()
	if err != nil {
		t.Fatal(err)
	}
	if q.Path != "/hook" || q.Header.Get("X-Team") != "sec" || q.Header.Get("User-Agent") != "guardrail/test" ||
		q.Header.Get("X-Guardrail-Timestamp") != fmt.Sprint(at.Unix()) || !strings.HasPrefix(q.Header.Get("X-Guardrail-Signature"), "sha256=") {
		t.Errorf("request = %s %v", q.Path, q.Header)
	}
	if len(p.Events) != 1 || p.Events[0].Finding.ID != "f1" || !p.SentAt.Equal(at) ||
		p.Summary != "New HIGH finding: S3.8 S3 general purpose buckets should block public access" {
		t.Errorf("payload = %+v", p)
	}
	// A tampered body, a wrong key or an old timestamp does not verify.
	body := append([]byte(nil), q.Body...)
	h := q.Header.Clone()
	if err := notify.Verify("k3y", h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("verify: %v", err)
	}
	if notify.Verify("k3y", h, append(body, ' '), at, 5*time.Minute) == nil || notify.Verify("other", h, body, at, 5*time.Minute) == nil ||
		notify.Verify("k3y", h, body, at.Add(time.Hour), 5*time.Minute) == nil {
		t.Error("a tampered, mis-keyed or replayed request verifies")
	}
	// The same message has the same delivery ID.
	s.Send(context.Background(), "hook", one(finding("HIGH")))
	if all := rcv.Accepted(); len(all) != 2 || all[0].Header.Get("X-Guardrail-Delivery") != all[1].Header.Get("X-Guardrail-Delivery") {
		t.Errorf("delivery IDs differ across retries")
	}
}

func TestSlackAndTeams(t *testing.T) {
	slack := notifytest.NewReceiver(t, notifytest.CheckSlack)
	teams := notifytest.NewReceiver(t, notifytest.CheckTeams)
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: slack, type: slack, url: "%s/services/T/B/X"}
  - {name: teams, type: teams, url: "%s/workflows/x"}
routes: [{match: {}, to: [slack, teams]}]
options: {dashboard_url: "https://gr.example.com", digest_top: 3}
`, slack.URL, teams.URL), notify.Options{})
	f := finding("CRITICAL")
	f.Finding.Evidence = strings.Repeat(`{"BlockPublicAcls": false} `, 400) // longer than a section allows
	f.Finding.Remediation = "Turn on Block Public Access for the bucket."
	var digest notify.Message
	digest.Digest = true
	for i := range 40 {
		e := finding([]string{"LOW", "MEDIUM", "HIGH", "CRITICAL"}[i%4])
		e.Finding.ID = fmt.Sprintf("f%02d", i)
		if i%5 == 0 {
			e.Change = "resolved"
		}
		digest.Events = append(digest.Events, e)
	}
	digest.Events = append(digest.Events, alert(), run())
	ctx := context.Background()
	for _, m := range []notify.Message{one(f), one(alert()), one(run()), digest, {Events: []notify.Event{{Source: "test", Change: "test", At: at}}, Test: true}} {
		for _, d := range []string{"slack", "teams"} {
			if _, err := s.Send(ctx, d, m); err != nil {
				t.Errorf("%s: %v", d, err)
			}
		}
	}
	for _, r := range append(slack.Requests(), teams.Requests()...) {
		if r.CheckErr != nil {
			t.Errorf("%s: %v", r.Path, r.CheckErr)
		}
	}
	sr := slack.Accepted()
	if len(sr) != 5 {
		t.Fatalf("slack got %d", len(sr))
	}
	var m struct {
		Text   string
		Blocks []json.RawMessage
	}
	json.Unmarshal(sr[0].Body, &m)
	if m.Text != "New CRITICAL finding: S3.8 S3 general purpose buckets should block public access" ||
		!sr[0].Contains("https://gr.example.com/findings/f1") || !sr[0].Contains("Turn on Block Public Access") || !sr[0].Contains("payments-prod (111122223333)") {
		t.Errorf("slack finding = %s", sr[0].Body)
	}
	// The digest: counts per severity and change, the worst 3 (CRITICAL
	// first), and how many more.
	d := string(sr[3].Body)
	for _, want := range []string{"Guardrail digest: 42 changes from scan scan-1", "*CRITICAL*\\n11", "*Resolved*\\n8", "and 39 more"} {
		if !strings.Contains(d, want) {
			t.Errorf("slack digest lacks %q: %s", want, d)
		}
	}
	if !strings.Contains(d, "• CRITICAL New S3.8 S3 general purpose buckets should block public access on arn:aws:s3:::pay-data in payments-prod (111122223333)") || strings.Count(d, "• ") != 3 {
		t.Errorf("slack digest's worst items: %s", d)
	}
	if !strings.Contains(string(sr[4].Body), "[TEST] Guardrail test notification") {
		t.Errorf("test message = %s", sr[4].Body)
	}
	tr := teams.Accepted()
	if len(tr) != 5 || !tr[0].Contains(`"color":"Attention"`) || !tr[0].Contains(`"Action.OpenUrl"`) || !tr[3].Contains("and 39 more") {
		t.Errorf("teams = %s", tr[0].Body)
	}
}

func TestRetryClassification(t *testing.T) {
	rcv := notifytest.NewReceiver(t, nil)
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: hook, type: webhook, url: "%s/T/B/SECRETPATH"}
routes: [{match: {}, to: [hook]}]
`, rcv.URL), notify.Options{})
	ctx := context.Background()
	m := one(finding("HIGH"))
	for _, tc := range []struct {
		name      string
		answer    notifytest.Answer
		retryable bool
		after     time.Duration
		msg       string
	}{
		{"429 seconds", notifytest.Answer{Status: 429, Header: map[string]string{"Retry-After": "30"}, Body: "rate_limited"}, true, 30 * time.Second, "HTTP 429: rate_limited"},
		{"503 date", notifytest.Answer{Status: 503, Header: map[string]string{"Retry-After": at.Add(2 * time.Minute).Format(http.TimeFormat)}}, true, 2 * time.Minute, "HTTP 503"},
		{"429 huge", notifytest.Answer{Status: 429, Header: map[string]string{"Retry-After": "864000"}}, true, time.Hour, "HTTP 429"},
		{"500", notifytest.Answer{Status: 500, Body: "boom"}, true, 0, "HTTP 500: boom"},
		{"502 garbage retry-after", notifytest.Answer{Status: 502, Header: map[string]string{"Retry-After": "soon"}}, true, 0, "HTTP 502"},
		{"400", notifytest.Answer{Status: 400, Body: "invalid_payload"}, false, 0, "HTTP 400: invalid_payload"},
		{"404 body quoting the url", notifytest.Answer{Status: 404, Body: "no hook at " + rcv.URL + "/T/B/SECRETPATH " + strings.Repeat("x", 300)}, false, 0, "HTTP 404: no hook at <url>"},
		{"301 is not followed", notifytest.Answer{Status: 301, Header: map[string]string{"Location": "/elsewhere"}}, false, 0, "HTTP 301"},
	} {
		rcv.Script(tc.answer)
		_, err := s.Send(ctx, "hook", m)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		after, ok := notify.Retryable(err)
		if ok != tc.retryable || after != tc.after || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v (retryable %v after %v), want retryable %v after %v containing %q", tc.name, err, ok, after, tc.retryable, tc.after, tc.msg)
		}
		if strings.Contains(err.Error(), "SECRETPATH") {
			t.Errorf("%s: the error quotes the URL: %v", tc.name, err)
		}
		if !strings.Contains(err.Error(), "notify hook (webhook 127.0.0.1:") {
			t.Errorf("%s: the error does not name the destination and host: %v", tc.name, err)
		}
		if len(err.Error()) > 400 {
			t.Errorf("%s: error of %d bytes", tc.name, len(err.Error()))
		}
	}
}

func TestNetworkErrorsRetryAndTimeOut(t *testing.T) {
	// A port nobody listens on: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	slow := notifytest.NewReceiver(t, nil)
	slow.Script(notifytest.Answer{Status: 200, Delay: 5 * time.Second})
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: dead, type: webhook, url: "http://%s/T/B/SECRETPATH"}
  - {name: slow, type: webhook, url: "%s/T/B/SECRETPATH"}
routes: [{match: {}, to: [dead]}]
`, dead, slow.URL), notify.Options{HTTP: &http.Client{Timeout: 200 * time.Millisecond}})
	for _, d := range []string{"dead", "slow"} {
		_, err := s.Send(context.Background(), d, one(finding("HIGH")))
		if _, ok := notify.Retryable(err); !ok || strings.Contains(err.Error(), "SECRETPATH") {
			t.Errorf("%s: err = %v, want retryable without the URL", d, err)
		}
	}
	// A caller's cancellation is not a peer failure.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Send(ctx, "slow", one(finding("HIGH")))
	if _, retry := notify.Retryable(err); !retry || !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled send: %v, want retryable and context.Canceled", err)
	}
	if _, err := notify.NewSender(&notify.Config{}, notify.Options{HTTP: &http.Client{}}); err == nil {
		t.Error("a client without a timeout was accepted")
	}
}

func TestSendErrors(t *testing.T) {
	s := sender(t, minimal, notify.Options{})
	if _, err := s.Send(context.Background(), "nope", one(finding("HIGH"))); err == nil || !strings.Contains(err.Error(), `"nope" is not defined`) {
		t.Errorf("unknown destination: %v", err)
	}
	if _, err := s.Send(context.Background(), "security-webhook", notify.Message{}); err == nil {
		t.Error("an empty message was sent")
	}
	if _, err := s.Jira("security-webhook"); err == nil {
		t.Error("Jira on a webhook")
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	const secret = "xoxb-SUPER-SECRET-TOKEN"
	rcv := notifytest.NewReceiver(t, nil)
	t.Setenv("GR_TEST_URL", rcv.URL+"/services/"+secret)
	t.Setenv("GR_TEST_TOKEN", secret)
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: slack, type: slack, url_env: GR_TEST_URL}
  - {name: jira, type: jira, jira: {url: "%s", user: bot@example.com, token_env: GR_TEST_TOKEN, project: SEC}}
  - {name: mail, type: email, smtp: {host: 127.0.0.1, port: 1, starttls: none, username: u, password_env: GR_TEST_TOKEN, from: a@example.com, to: b@example.com, timeout: 1s}}
routes: [{match: {}, to: [slack]}]
`, rcv.URL), notify.Options{})
	ctx := context.Background()
	var errs []error
	rcv.Script(notifytest.Answer{Status: 403, Body: "invalid_token " + secret})
	_, err := s.Send(ctx, "slack", one(finding("HIGH")))
	errs = append(errs, err)
	rcv.Script(notifytest.Answer{Status: 401, Body: "bad token " + secret})
	_, err = s.Send(ctx, "jira", one(finding("HIGH")))
	errs = append(errs, err)
	_, err = s.Send(ctx, "mail", one(finding("HIGH")))
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("%d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), "SUPER-SECRET") {
			t.Errorf("%d: error holds the secret: %v", i, err)
		}
	}
	// A config error never quotes a secret either.
	t.Setenv("GR_BAD_URL", "ftp://example.com/"+secret)
	_, err = notify.Parse("n.yaml", []byte("destinations:\n  - {name: a, type: slack, url_env: GR_BAD_URL}\nroutes: []\n"))
	if err == nil || strings.Contains(err.Error(), "SUPER-SECRET") {
		t.Errorf("config error = %v", err)
	}
}
