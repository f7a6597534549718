package worker

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/org"
)

func sample() Message {
	return Message{Scan: "scan-1", Started: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Org: Org{ID: "o-abc", Management: "111111111111"},
		Account: org.Account{ID: "222222222222", Name: "prod", Status: "ACTIVE", Path: "Workloads"}, Role: org.DefaultRole, Home: "us-east-1",
		Controls: []string{"S3.1", "IAM.4"}, Regions: []string{"eu-west-1"}}
}

func TestMessageRoundTrip(t *testing.T) {
	body, err := sample().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `"version":1`) {
		t.Errorf("no version in %s", body)
	}
	m, err := Parse("m-1", body)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	want.Version = Version
	if m.Scan != want.Scan || !m.Started.Equal(want.Started) || m.Account.ID != want.Account.ID || m.Account.Path != "Workloads" ||
		strings.Join(m.Controls, ",") != "S3.1,IAM.4" || m.Home != "us-east-1" || m.Version != Version {
		t.Errorf("round trip = %+v", m)
	}
}

// TestParseRefuses: a body that is not a message of this format is an
// error that names the SQS message and says what is wrong.
func TestParseRefuses(t *testing.T) {
	good, _ := sample().Encode()
	for _, tc := range []struct{ name, body, want string }{
		{"not JSON", "hello", "not a JSON object"},
		{"array", "[1]", "not a JSON object"},
		{"no version", `{"scan":"x"}`, `no "version"`},
		{"newer version", `{"version":2,"scan":"x"}`, "version 2, this worker reads version 1"},
		{"unknown field", strings.Replace(good, `"version":1`, `"version":1,"shard":"1/2"`, 1), `unknown field "shard"`},
		{"missing fields", `{"version":1,"scan":"x"}`, "missing started, org.management, account.id"},
		{"bad account", strings.Replace(good, "222222222222", "2222", 1), `account.id "2222" is not a 12-digit account ID`},
		{"trailing data", good + "{}", "after top-level value"},
		{"bad timeout", strings.Replace(good, `"version":1`, `"version":1,"task_timeout":"soon"`, 1), `task_timeout "soon"`},
	} {
		_, err := Parse("m-9", tc.body)
		var me *MessageError
		if !errors.As(err, &me) || me.ID != "m-9" || !strings.Contains(err.Error(), "message m-9: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v, want a *MessageError naming m-9 and saying %q", tc.name, err, tc.want)
		}
	}
}

func TestParseMaxReceiveCount(t *testing.T) {
	for in, want := range map[string]int{`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":5}`: 5, `{"maxReceiveCount":"3"}`: 3} {
		if n, err := parseMaxReceiveCount(in); err != nil || n != want {
			t.Errorf("%s: %d, %v", in, n, err)
		}
	}
	for _, in := range []string{`{}`, `{"maxReceiveCount":0}`, `nope`} {
		if _, err := parseMaxReceiveCount(in); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}
