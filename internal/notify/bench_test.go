package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
)

// BenchmarkDeliverWebhook: signed webhook deliveries per second to a
// loopback receiver (rendering, signing, one HTTP round trip each).
func BenchmarkDeliverWebhook(b *testing.B) {
	rcv := notifytest.NewReceiver(b, nil)
	s := benchSender(b, fmt.Sprintf(`
destinations:
  - {name: hook, type: webhook, url: "%s/hook", secret: k}
routes: [{match: {}, to: [hook]}]
`, rcv.URL))
	m := one(finding("HIGH"))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Send(ctx, "hook", m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkDigest200Accounts: the first scan of a 200-account
// organization as one Slack digest: 200 accounts x 17 regions x 6 new
// findings (20,400 events) counted, ranked and rendered, and delivered.
func BenchmarkDigest200Accounts(b *testing.B) {
	rcv := notifytest.NewReceiver(b, notifytest.CheckSlack)
	s := benchSender(b, fmt.Sprintf(`
destinations:
  - {name: slack, type: slack, url: "%s/services/T/B/X"}
routes: [{match: {}, to: [slack], digest: true}]
`, rcv.URL))
	m := notify.Message{Digest: true}
	sevs := []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "HIGH"}
	for a := range 200 {
		for r := range 17 {
			for k := range 6 {
				e := finding(sevs[k])
				f := *e.Finding
				f.ID, f.Account = fmt.Sprintf("f-%d-%d-%d", a, r, k), fmt.Sprintf("%012d", a)
				e.Finding = &f
				m.Events = append(m.Events, e)
			}
		}
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Send(ctx, "slack", m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(m.Events)), "events")
}

// TestWebhookCapsLargeDigests: a digest of more than WebhookMaxEvents
// carries the worst of them and the count left out.
func TestWebhookCapsLargeDigests(t *testing.T) {
	rcv := notifytest.NewReceiver(t, nil)
	s := sender(t, fmt.Sprintf("destinations:\n  - {name: hook, type: webhook, url: %q}\nroutes: [{match: {}, to: [hook]}]\n", rcv.URL), notify.Options{})
	m := notify.Message{Digest: true}
	for i := range notify.WebhookMaxEvents + 500 {
		e := finding([]string{"LOW", "CRITICAL", "MEDIUM"}[i%3])
		f := *e.Finding
		f.ID = fmt.Sprint("f", i)
		e.Finding = &f
		m.Events = append(m.Events, e)
	}
	if _, err := s.Send(context.Background(), "hook", m); err != nil {
		t.Fatal(err)
	}
	p, err := rcv.Accepted()[0].Payload()
	if err != nil || len(p.Events) != notify.WebhookMaxEvents || p.Omitted != 500 || p.Events[0].Finding.Severity != "CRITICAL" ||
		p.Events[len(p.Events)-1].Finding.Severity != "MEDIUM" || !strings.Contains(p.Summary, "1500 changes") {
		t.Errorf("payload: %d events, %d omitted, %v", len(p.Events), p.Omitted, err)
	}
}

func benchSender(b *testing.B, src string) *notify.Sender {
	c, err := notify.Parse("n.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	s, err := notify.NewSender(c, notify.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}
