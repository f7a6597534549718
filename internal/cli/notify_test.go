package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

func writeNotifyConfig(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "notify.yaml")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNotifyTestEveryDestination: without --finding, a test message
// goes to every destination; each is reported OK or with its error, and
// one failure exits 3.
func TestNotifyTestEveryDestination(t *testing.T) {
	ok := notifytest.NewReceiver(t, notifytest.CheckWebhook("k", clock.Real))
	down := notifytest.NewReceiver(t, nil)
	down.FailN(1, 500)
	cfg := writeNotifyConfig(t, fmt.Sprintf(`
destinations:
  - {name: security-webhook, type: webhook, url: "%s/hook/SECRETPATH", secret: k}
  - {name: down, type: webhook, url: "%s/hook/OTHERSECRET"}
routes:
  - match: {severity: [CRITICAL, HIGH]}
    to: [security-webhook]
`, ok.URL, down.URL))
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"notify", "test", "--config", cfg}, &out, &errb)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitFailure, errb.String())
	}
	host := strings.TrimPrefix(ok.URL, "http://")
	for _, want := range []string{"2 destinations, 1 routes", "OK    security-webhook (webhook " + host + ") (HTTP 200)", "FAIL  notify down (webhook ", "HTTP 500"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "1 of 2 destinations failed") {
		t.Errorf("stderr = %s", errb.String())
	}
	if s := out.String() + errb.String(); strings.Contains(s, "SECRETPATH") || strings.Contains(s, "OTHERSECRET") {
		t.Errorf("the output shows a webhook URL:\n%s", s)
	}
	got := ok.Accepted()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	p, _ := got[0].Payload()
	if !p.Test || p.Summary != "[TEST] Guardrail test notification" {
		t.Errorf("payload = %+v", p)
	}
}

// TestNotifyTestFinding: with --finding, the routes are explained and
// only the destinations the finding reaches get the test.
func TestNotifyTestFinding(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "g.db")
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rep := storetest.NewReport("scan-1", at).Account("111111111111", "prod", "Workloads/Production", "eu-west-1").
		Instance(control.Failed, "111111111111", "eu-west-1", "i-1").Report()
	if err := st.StartScan(ctx, store.Scan{ID: "scan-1", Started: at, Status: store.Running}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	id := finding.ID(rep.Results[0])

	high := notifytest.NewReceiver(t, nil)
	other := notifytest.NewReceiver(t, nil)
	cfg := writeNotifyConfig(t, fmt.Sprintf(`
destinations:
  - {name: high, type: webhook, url: "%s/h"}
  - {name: other, type: webhook, url: "%s/o"}
routes:
  - name: prod-owners
    match: {ou: Workloads/Production, severity: HIGH, account_tag: {env: prod}}
    to: [high]
  - name: dev
    match: {ou: Workloads/Development}
    to: [other]
`, high.URL, other.URL))
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"notify", "test", "--config", cfg, "--db", db, "--finding", id, "--account-tag", "env=prod"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s\n%s", code, errb.String(), out.String())
	}
	for _, want := range []string{
		"Finding " + id + ": HIGH EC2.8 EC2 instances should use IMDSv2 on arn:aws:ec2:eu-west-1:111111111111:instance/i-1",
		`routed as a "new" change (workflow NEW)`,
		"yes  prod-owners (line 6) -> high: ou matches Workloads/Production; account_tag matches the account's tags; severity matches HIGH",
		"no   dev (line 9) -> other: ou does not match (Workloads/Production)",
		"OK    high (webhook ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if len(high.Accepted()) != 1 || len(other.Requests()) != 0 {
		t.Errorf("high got %d, other %d", len(high.Accepted()), len(other.Requests()))
	}
	if p, _ := high.Accepted()[0].Payload(); !p.Test || p.Events[0].Finding.ID != id || !strings.HasPrefix(p.Summary, "[TEST] New HIGH finding: EC2.8") {
		t.Errorf("payload = %+v", p)
	}

	// Without the account tag, the route does not match: nowhere to go.
	out.Reset()
	if code := Main(ctx, []string{"notify", "test", "--config", cfg, "--db", db, "--finding", id, "--dry-run"}, &out, &errb); code != ExitOK ||
		!strings.Contains(out.String(), "account_tag does not match") || !strings.Contains(out.String(), "The finding goes nowhere") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
	// An unknown finding is a usage error.
	errb.Reset()
	if code := Main(ctx, []string{"notify", "test", "--config", cfg, "--db", db, "--finding", "nope"}, &out, &errb); code != ExitUsage ||
		!strings.Contains(errb.String(), `--finding "nope": no such finding in the store`) {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// TestNotifyTestSNS: an SNS destination publishes through the standard
// credential chain and AWS_ENDPOINT_URL (here the simulator); a topic
// that does not exist is reported with the destination's name.
func TestNotifyTestSNS(t *testing.T) {
	w := simtest.NewWorld()
	w.Accounts[simtest.Member].In("eu-west-1").SNS.Topics = []*world.SNSTopic{{Name: "security"}}
	s := simtest.Start(t, w)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_ENDPOINT_URL", s.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey(simtest.Member))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret(simtest.Member))
	t.Setenv("AWS_REGION", "us-east-1")
	cfg := writeNotifyConfig(t, fmt.Sprintf(`
destinations:
  - {name: topic, type: sns, sns: {topic_arn: "arn:aws:sns:eu-west-1:%s:security"}}
  - {name: gone, type: sns, sns: {topic_arn: "arn:aws:sns:eu-west-1:%s:gone"}}
default: {to: [topic]}
`, simtest.Member, simtest.Member))
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"notify", "test", "--config", cfg}, &out, &errb)
	if code != ExitFailure || !strings.Contains(out.String(), "OK    topic (sns arn:aws:sns:eu-west-1:"+simtest.Member+":security) (message ") ||
		!strings.Contains(out.String(), "FAIL  notify gone (sns arn:aws:sns:eu-west-1:"+simtest.Member+":gone): ") || !strings.Contains(out.String(), "NotFound") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	w.Mu.Lock()
	pub := w.Accounts[simtest.Member].In("eu-west-1").SNS.Topics[0].Published
	w.Mu.Unlock()
	if len(pub) != 1 || pub[0].Subject != "[TEST] Guardrail test notification" || pub[0].Attributes["source"].Value != "test" {
		t.Errorf("published %+v", pub)
	}
}
