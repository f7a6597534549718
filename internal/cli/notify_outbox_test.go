package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
)

// hookReceiver is a webhook receiver on loopback that keeps the
// payloads it accepted.
type hookReceiver struct {
	url  string
	mu   sync.Mutex
	got  []notify.WebhookPayload
	fail int // answer 503 to this many requests first
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.fail > 0 {
			r.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var p notify.WebhookPayload
		if err := json.Unmarshal(b, &p); err != nil || req.Header.Get(notify.HeaderDelivery) != p.ID {
			t.Errorf("webhook request: %v, delivery header %q, body %.200s", err, req.Header.Get(notify.HeaderDelivery), b)
		}
		r.got = append(r.got, p)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r.url = "http://" + ln.Addr().String() + "/hook"
	return r
}

func (r *hookReceiver) payloads() []notify.WebhookPayload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.WebhookPayload(nil), r.got...)
}

// TestDemoNotify: the demo with the minimal config delivers the
// demo's CRITICAL and HIGH findings to the webhook, one message each;
// run again on the same store, it delivers nothing new; notify status
// shows them sent.
func TestDemoNotify(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization twice")
	}
	r := newHookReceiver(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(cfg, []byte(`destinations:
  - name: security-webhook
    type: webhook
    url: `+r.url+`
routes:
  - match: {severity: [CRITICAL, HIGH]}
    to: [security-webhook]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "demo.db")
	run := func(day string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"demo", "--no-serve", "-q", "--db", db, "--now", day, "--notify", cfg}, &out, &errb); code != 0 {
			t.Fatalf("demo --notify: exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	out := run("2026-06-01")
	first := r.payloads()
	if len(first) < 100 {
		t.Fatalf("the first demo delivered %d messages; want one per CRITICAL or HIGH finding (hundreds)", len(first))
	}
	ids := map[string]bool{}
	for _, p := range first {
		if len(p.Events) != 1 || p.Events[0].Finding == nil || p.Events[0].Change != "new" {
			t.Fatalf("message %s: %d events, want one new finding", p.ID, len(p.Events))
		}
		if s := p.Events[0].Finding.Severity; s != "CRITICAL" && s != "HIGH" {
			t.Errorf("a %s finding was routed by a CRITICAL/HIGH route", s)
		}
		if ids[p.Events[0].Finding.ID] {
			t.Errorf("finding %s notified twice", p.Events[0].Finding.ID)
		}
		ids[p.Events[0].Finding.ID] = true
	}
	if !strings.Contains(out, "Notifications: ") || strings.Contains(out, "still queued") {
		t.Errorf("the demo's output does not say what was delivered, or left some queued:\n%s", out)
	}

	out = run("2026-06-02")
	if n := len(r.payloads()) - len(first); n != 0 {
		t.Errorf("the second demo on the same store delivered %d more messages, want none", n)
	}
	if !strings.Contains(out, "Notifications: 0 messages sent") {
		t.Errorf("second demo's output:\n%s", out)
	}

	var sout, serr bytes.Buffer
	if code := Main(context.Background(), []string{"notify", "status", "--db", db, "--format", "json"}, &sout, &serr); code != 0 {
		t.Fatalf("notify status: exit %d: %s", code, serr.String())
	}
	var st outboxStatus
	if err := json.Unmarshal(sout.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Destinations) != 1 || st.Destinations[0].Sent != len(first) || st.Destinations[0].Pending != 0 || len(st.Dead) != 0 {
		t.Errorf("notify status: %+v; want %d sent to security-webhook", st, len(first))
	}
}

// TestNotifySendAndRetry: what a failing destination left queued is
// delivered by notify send; a dead notification is queued again by
// notify retry; status shows each state.
func TestNotifySendAndRetry(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	r := newHookReceiver(t)
	r.fail = 1 << 30 // down
	dir := t.TempDir()
	cfg := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(cfg, []byte(`destinations:
  - name: hook
    type: webhook
    url: `+r.url+`
routes:
  - match: {severity: [CRITICAL]}
    to: [hook]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "demo.db")
	main := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, &out, &errb)
		return out.String() + errb.String(), code
	}
	out, code := main("demo", "--no-serve", "-q", "--db", db, "--now", "2026-06-01", "--notify", cfg, "--notify-wait", "0s", "--controls", "IAM.4,IAM.6")
	if code != 0 || !strings.Contains(out, "still queued") {
		t.Fatalf("demo with the destination down: exit %d:\n%s", code, out)
	}
	out, code = main("notify", "status", "--db", db)
	if code != 0 || !strings.Contains(out, "HTTP 503") {
		t.Fatalf("notify status: exit %d:\n%s", code, out)
	}
	r.mu.Lock()
	r.fail = 0
	r.mu.Unlock()
	out, code = main("notify", "send", "--db", db, "--config", cfg, "--wait", "2m")
	if code != 0 || strings.Contains(out, "still queued") || len(r.payloads()) == 0 {
		t.Fatalf("notify send after the destination recovered: exit %d, %d delivered:\n%s", code, len(r.payloads()), out)
	}
	if out, code = main("notify", "retry", "--all-dead", "--db", db); code != ExitUsage || !strings.Contains(out, "no dead notifications") {
		t.Errorf("notify retry with nothing dead: exit %d:\n%s", code, out)
	}
}
