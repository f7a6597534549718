package kinesis_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/kinesis"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapkin "github.com/guardrail-sec/guardrail/internal/snapshot/kinesis"
)

const region = "us-east-1"

func TestCatalog(t *testing.T) {
	cs := kinesis.Controls()
	if len(cs) != 1 || cs[0].ID != "Kinesis.1" || cs[0].Severity != control.Medium || cs[0].Global ||
		len(cs[0].Needs) != 1 || cs[0].Needs[0] != "kinesis" || cs[0].Remediation == "" {
		t.Errorf("%+v", cs)
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:kinesis:us-east-1:111122223333:stream/" + n }

func TestKinesis1(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	a := controltest.Account(region)
	a.Regions[region].Kinesis = &snapkin.Kinesis{Streams: []*snapkin.Stream{
		{ARN: arn("cmk"), Name: "cmk", EncryptionType: "KMS", KeyID: "arn:aws:kms:us-east-1:111122223333:key/k"},
		{ARN: arn("managed"), Name: "managed", EncryptionType: "KMS", KeyID: "alias/aws/kinesis"},
		{ARN: arn("plain"), Name: "plain", EncryptionType: "NONE"},
		{ARN: arn("unread"), Name: "unread", Errors: map[string]string{"summary": "AccessDenied: no"}},
	}}
	want := map[string]control.Status{arn("cmk"): P, arn("managed"): P, arn("plain"): F, arn("unread"): E}
	got := controltest.Statuses(t, controltest.Eval(kinesis.Controls()[0], controltest.Snapshot(a)))
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing or has a gap; no result for a region without streams
// (NOT_APPLICABLE, as in Security Hub).
func TestNotCollected(t *testing.T) {
	c := kinesis.Controls()[0]
	a := controltest.Account(region)
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("without state: %+v", rs)
	}
	a.Regions[region].Kinesis = &snapkin.Kinesis{Streams: []*snapkin.Stream{{ARN: arn("cmk"), Name: "cmk", EncryptionType: "KMS"}}}
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "kinesis"}, Class: "access denied", Reason: "AccessDenied"})
	if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("with a gap: %+v", rs)
	}
	a.Regions[region].Kinesis = &snapkin.Kinesis{}
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
		t.Errorf("no streams: %+v", rs)
	}
}
