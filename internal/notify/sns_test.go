package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestSNSThroughTheSimulator(t *testing.T) {
	w := simtest.NewWorld()
	w.Accounts[simtest.Member].In("eu-west-1").SNS.Topics = []*world.SNSTopic{{Name: "security"}}
	sim := simtest.Start(t, w)
	cfg := sim.Config(t, simtest.Member, "us-east-1")
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: topic, type: sns, sns: {topic_arn: "arn:aws:sns:eu-west-1:%s:security"}}
  - {name: missing, type: sns, sns: {topic_arn: "arn:aws:sns:eu-west-1:%s:nope"}}
routes: [{match: {}, to: [topic]}]
`, simtest.Member, simtest.Member), notify.Options{AWS: cfg})
	ctx := context.Background()
	f := finding("CRITICAL")
	f.Finding.Title = strings.Repeat("A very long control title ", 10)
	r, err := s.Send(ctx, "topic", one(f))
	if err != nil || r.ID == "" {
		t.Fatalf("publish: %+v %v", r, err)
	}
	// A digest too big for 256 KiB keeps the worst events.
	big := notify.Message{Digest: true}
	for i := range 600 {
		e := finding([]string{"LOW", "HIGH"}[i%2])
		e.Finding.ID = fmt.Sprint("f", i)
		e.Finding.Evidence = strings.Repeat("x", 1000)
		big.Events = append(big.Events, e)
	}
	if _, err := s.Send(ctx, "topic", big); err != nil {
		t.Fatalf("big digest: %v", err)
	}
	w.Mu.Lock()
	pub := w.Accounts[simtest.Member].In("eu-west-1").SNS.Topics[0].Published
	w.Mu.Unlock()
	if len(pub) != 2 {
		t.Fatalf("%d published", len(pub))
	}
	p := pub[0]
	if p.MessageID != r.ID || len([]rune(p.Subject)) >= 100 || !strings.HasPrefix(p.Subject, "New CRITICAL finding: S3.8 A very long") || p.MessageStructure != "json" ||
		p.Attributes["severity"] != (world.SNSAttribute{DataType: "String", Value: "CRITICAL"}) || p.Attributes["change"].Value != "new" || p.Attributes["source"].Value != "scan" {
		t.Errorf("published %+v", p)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(p.Message), &body); err != nil {
		t.Fatal(err)
	}
	var payload notify.WebhookPayload
	if err := json.Unmarshal([]byte(body["default"]), &payload); err != nil || payload.Schema != notify.WebhookSchema || payload.Events[0].Finding.ID != "f1" {
		t.Errorf("default = %s (%v)", body["default"], err)
	}
	if !strings.Contains(body["email"], "Account: payments-prod (111122223333)") {
		t.Errorf("email = %s", body["email"])
	}
	d := pub[1]
	json.Unmarshal([]byte(d.Message), &body)
	json.Unmarshal([]byte(body["default"]), &payload)
	if len(d.Message) > 262144 || payload.Omitted == 0 || len(payload.Events)+payload.Omitted != 600 || payload.Events[0].Finding.Severity != "HIGH" ||
		d.Attributes["change"].Value != "digest" || d.Attributes["severity"].Value != "HIGH" {
		t.Errorf("big digest: %d bytes, %d events, %d omitted, attrs %v", len(d.Message), len(payload.Events), payload.Omitted, d.Attributes)
	}
	// A topic that does not exist: permanent.
	_, err = s.Send(ctx, "missing", one(f))
	if _, retry := notify.Retryable(err); err == nil || retry || !strings.Contains(err.Error(), "NotFound") {
		t.Errorf("missing topic: %v", err)
	}
}
