package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// trailRecord is a CloudTrail record of the tests: SSH opened to the
// world in 111111111111.
const trailRecord = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/alice","accountId":"111111111111"},` +
	`"eventTime":"2026-06-01T11:50:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1",` +
	`"sourceIPAddress":"203.0.113.7","requestParameters":{"groupId":"sg-0123456789abcdef0"},"eventID":"ev-cli-1","readOnly":false,` +
	`"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111111111111"}`

// TestWatchReplay replays a log file and standard input with 'guardrail
// watch --from': the alert is stored, malformed input is reported and
// skipped, the run ends with exit 0, and no AWS call is made (the
// endpoint is unreachable).
func TestWatchReplay(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[` + trailRecord + `,{"eventID":"x","oops"}]}`))
	zw.Close()
	file := filepath.Join(dir, "incident.json.gz")
	if err := os.WriteFile(file, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "g.db")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"watch", "--from", file, "--db", db, "--metrics-addr", "off"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"1 events read, 1 alerts stored (0 already stored), 1 malformed inputs skipped", "GET /api/alerts"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "malformed input skipped") || !strings.Contains(errb.String(), "incident.json.gz") {
		t.Errorf("stderr does not report the malformed record with its file:\n%s", errb.String())
	}

	// The same record again from standard input: already stored.
	out.Reset()
	oldStdin := os.Stdin
	r, w, _ := os.Pipe()
	w.WriteString(trailRecord + "\n")
	w.Close()
	os.Stdin = r
	defer func() { os.Stdin = oldStdin }()
	if code := Main(context.Background(), []string{"watch", "--from", "-", "--db", db, "--metrics-addr", "off", "-q"}, &out, &errb); code != ExitOK {
		t.Fatalf("stdin replay: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "1 events read, 0 alerts stored (1 already stored)") {
		t.Errorf("stdin replay: %s", out.String())
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as, n, err := st.Alerts(context.Background(), store.AlertFilter{})
	if err != nil || n != 1 || as[0].Account != "111111111111" || as[0].Source != "file" {
		t.Errorf("stored alerts %d %+v %v", n, as, err)
	}
}
