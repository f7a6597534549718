package sqs_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/sqs"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sqs"
)

const (
	region = "us-east-1"
	arn    = "arn:aws:sqs:us-east-1:111122223333:q"
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

func eval(t *testing.T, id string, s *sqs.SQS) []control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].SQS = s
	return controltest.Eval(byID(t, id), controltest.Snapshot(a))
}

func one(t *testing.T, id string, q sqs.Queue) control.Result {
	t.Helper()
	q.ARN, q.Name = arn, "q"
	rs := eval(t, id, &sqs.SQS{Queues: []sqs.Queue{q}})
	if len(rs) != 1 || rs[0].Resource.ARN != arn || rs[0].Resource.Type != "AwsSqsQueue" {
		t.Fatalf("%s: want one result on the queue, got %+v", id, rs)
	}
	return rs[0]
}

var unreadable = sqs.Queue{Errors: map[string]string{sqs.DetailAttributes: "AccessDenied: not allowed"}}

func TestSQS1(t *testing.T) {
	for _, tc := range []struct {
		name   string
		q      sqs.Queue
		want   control.Status
		reason string
	}{
		{"SSE-SQS", sqs.Queue{SQSManagedSSE: true}, control.Passed, "SSE-SQS"},
		{"SSE-KMS", sqs.Queue{KMSKeyID: "alias/orders"}, control.Passed, "alias/orders"},
		{"none", sqs.Queue{}, control.Failed, "not encrypted"},
		{"attributes unreadable", unreadable, control.Error, "AccessDenied"},
		{"encryption known after apply", sqs.Queue{Errors: map[string]string{sqs.DetailEncryption: "known after apply"}}, control.Error, "known after apply"},
		{"policy unknown only", sqs.Queue{SQSManagedSSE: true, Errors: map[string]string{sqs.DetailPolicy: "known after apply"}}, control.Passed, "SSE-SQS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := one(t, "SQS.1", tc.q)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestSQS3(t *testing.T) {
	const (
		open = `{"Version":"2012-10-17","Statement":[{"Sid":"anyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:*","Resource":"` + arn + `"}]}`
		// A wildcard principal narrowed to one SNS topic is how topics
		// deliver to queues: not public.
		fromTopic = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + arn + `",` +
			`"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:orders"}}}]}`
		// A wildcard in the condition value narrows nothing.
		anyTopic = `{"Version":"2012-10-17","Statement":[{"Sid":"anytopic","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + arn + `",` +
			`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}}]}`
		account = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:SendMessage","Resource":"` + arn + `"}]}`
	)
	for _, tc := range []struct {
		name   string
		q      sqs.Queue
		want   control.Status
		reason string
	}{
		{"no policy", sqs.Queue{}, control.Passed, "no queue policy"},
		{"one other account", sqs.Queue{Policy: account}, control.Passed, "no public access"},
		{"narrowed to a topic", sqs.Queue{Policy: fromTopic}, control.Passed, "no public access"},
		{"open to all", sqs.Queue{Policy: open}, control.Failed, "anyone allows sqs:* to any principal"},
		{"wildcard source", sqs.Queue{Policy: anyTopic}, control.Failed, "anytopic"},
		{"garbage", sqs.Queue{Policy: `{"Statement":`}, control.Error, "could not be read"},
		{"attributes unreadable", unreadable, control.Error, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := one(t, "SQS.3", tc.q)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

// A region without queues has nothing to judge: no result (not
// applicable), neither pass nor failure.
func TestNoQueues(t *testing.T) {
	for _, c := range ctl.Controls() {
		if rs := eval(t, c.ID, &sqs.SQS{Queues: []sqs.Queue{}}); len(rs) != 0 {
			t.Errorf("%s: no queue, got %+v", c.ID, rs)
		}
	}
}

func TestNotCollected(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "sqs"}, Class: "access denied", Reason: "AccessDenied: no"})
	for _, c := range ctl.Controls() {
		st := controltest.Statuses(t, controltest.Eval(c, s))
		if st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
		if rs := eval(t, c.ID, nil); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s: state not collected: %+v, want one ERROR", c.ID, rs)
		}
	}
}
