package sns_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/sns"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

const (
	region = "us-east-1"
	arn    = "arn:aws:sns:us-east-1:111122223333:t"
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

// eval runs control id over one region holding s and returns its results.
func eval(t *testing.T, id string, s *sns.SNS) []control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].SNS = s
	return controltest.Eval(byID(t, id), controltest.Snapshot(a))
}

func one(t *testing.T, id string, topic sns.Topic) control.Result {
	t.Helper()
	topic.ARN, topic.Name = arn, "t"
	rs := eval(t, id, &sns.SNS{Topics: []sns.Topic{topic}})
	if len(rs) != 1 || rs[0].Resource.ARN != arn || rs[0].Resource.Type != "AwsSnsTopic" {
		t.Fatalf("%s: want one result on the topic, got %+v", id, rs)
	}
	return rs[0]
}

const ownerOnly = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],` +
	`"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`

const public = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAnyonePublish","Effect":"Allow","Principal":"*","Action":"SNS:Publish","Resource":"` + arn + `"}]}`

const publicDenied = `{"Version":"2012-10-17","Statement":[{"Sid":"open","Effect":"Allow","Principal":"*","Action":"SNS:Publish","Resource":"` + arn + `"},` +
	`{"Sid":"orgonly","Effect":"Deny","Principal":"*","Action":"SNS:*","Resource":"` + arn + `","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`

var unreadable = sns.Topic{Errors: map[string]string{sns.DetailAttributes: "AuthorizationError: not allowed"}}

func TestSNS1(t *testing.T) {
	for _, tc := range []struct {
		name   string
		topic  sns.Topic
		want   control.Status
		reason string
	}{
		{"aws managed key", sns.Topic{KMSKeyID: "alias/aws/sns"}, control.Passed, "alias/aws/sns"},
		{"customer key", sns.Topic{KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/1234"}, control.Passed, "key/1234"},
		{"no key", sns.Topic{Policy: ownerOnly}, control.Failed, "not encrypted"},
		{"attributes unreadable", unreadable, control.Error, "AuthorizationError"},
		{"key known after apply", sns.Topic{Errors: map[string]string{sns.DetailKMSKey: "known after apply: aws_sns_topic.t.kms_master_key_id"}}, control.Error, "known after apply"},
		// An unknown policy says nothing about the key.
		{"policy unknown, key set", sns.Topic{KMSKeyID: "alias/aws/sns", Errors: map[string]string{sns.DetailPolicy: "known after apply"}}, control.Passed, "alias/aws/sns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := one(t, "SNS.1", tc.topic)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestSNS4(t *testing.T) {
	for _, tc := range []struct {
		name   string
		topic  sns.Topic
		want   control.Status
		reason string
	}{
		{"default owner-only policy", sns.Topic{Policy: ownerOnly}, control.Passed, "no public access"},
		{"no policy", sns.Topic{}, control.Passed, "no topic policy"},
		{"anyone may publish", sns.Topic{Policy: public}, control.Failed, "AllowAnyonePublish allows SNS:Publish to any principal"},
		{"public allow taken back by an org deny", sns.Topic{Policy: publicDenied}, control.Passed, "no public access"},
		{"garbage policy", sns.Topic{Policy: "{not json"}, control.Error, "could not be read"},
		{"attributes unreadable", unreadable, control.Error, "AuthorizationError"},
		{"policy known after apply", sns.Topic{KMSKeyID: "k", Errors: map[string]string{sns.DetailPolicy: "known after apply: aws_sns_topic_policy.p.policy"}}, control.Error, "known after apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := one(t, "SNS.4", tc.topic)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

// A region without topics yields nothing to judge: no result is a pass
// nor a failure (the scan reports the control not applicable there).
func TestNoTopics(t *testing.T) {
	for _, c := range ctl.Controls() {
		if rs := eval(t, c.ID, &sns.SNS{Topics: []sns.Topic{}}); len(rs) != 0 {
			t.Errorf("%s: no topic, got %+v", c.ID, rs)
		}
	}
}

func TestNotCollected(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "sns"}, Class: "access denied", Reason: "AuthorizationError: no"})
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
