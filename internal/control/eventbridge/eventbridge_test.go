package eventbridge_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/eventbridge"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eventbridge"
)

const region = "us-east-1"

func arn(name string) string { return "arn:aws:events:us-east-1:111122223333:event-bus/" + name }

func TestEventBridge3(t *testing.T) {
	a := controltest.Account(region)
	a.Regions[region].EventBridge = &eventbridge.EventBridge{Buses: []eventbridge.Bus{
		{Name: "default", ARN: arn("default")},
		{Name: "orders", ARN: arn("orders"), Policy: `{"Version":"2012-10-17","Statement":[]}`},
		{Name: "audit", ARN: arn("audit")},
	}}
	st := controltest.Statuses(t, controltest.Eval(ctl.Controls()[0], controltest.Snapshot(a)))
	want := map[string]control.Status{arn("default"): control.NotApplicable, arn("orders"): control.Passed, arn("audit"): control.Failed}
	if len(st) != len(want) {
		t.Errorf("results %v, want %v", st, want)
	}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("%s: %s, want %s", k, st[k], v)
		}
	}
}

func TestNotCollected(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	if rs := controltest.Eval(ctl.Controls()[0], s); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("state not collected: %+v, want one ERROR", rs)
	}
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "eventbridge"}, Class: "access denied", Reason: "AccessDeniedException: no"})
	a.Regions[region].EventBridge = &eventbridge.EventBridge{Buses: []eventbridge.Bus{{Name: "audit", ARN: arn("audit")}}}
	st := controltest.Statuses(t, controltest.Eval(ctl.Controls()[0], s))
	if st["AWS::::Account:111122223333@"+region] != control.Error || len(st) != 1 {
		t.Errorf("a gap must be one ERROR, never a judgement of stale state: %v", st)
	}
}
