package sfn_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/sfn"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapsfn "github.com/guardrail-sec/guardrail/internal/snapshot/sfn"
)

const region = "us-east-1"

func arn(n string) string { return "arn:aws:states:us-east-1:111122223333:stateMachine:" + n }

func TestStepFunctions1(t *testing.T) {
	c := sfn.Controls()[0]
	if c.ID != "StepFunctions.1" || c.Severity != control.Medium || c.Needs[0] != "stepfunctions" {
		t.Fatalf("control = %+v", c)
	}
	a := controltest.Account(region)
	a.Regions[region].StepFunctions = &snapsfn.StepFunctions{StateMachines: []*snapsfn.StateMachine{
		{ARN: arn("all"), Name: "all", LogLevel: "ALL"},
		{ARN: arn("error"), Name: "error", LogLevel: "ERROR"},
		{ARN: arn("off"), Name: "off", LogLevel: "OFF"},
		{ARN: arn("denied"), Name: "denied", Error: "AccessDeniedException"},
	}}
	got := controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
	want := map[string]control.Status{arn("all"): control.Passed, arn("error"): control.Passed, arn("off"): control.Failed, arn("denied"): control.Error}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
	// Nothing to judge: no result (the control has no not-applicable case:
	// every state machine can log).
	a.Regions[region].StepFunctions = &snapsfn.StepFunctions{}
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
		t.Errorf("empty: %+v", rs)
	}
}

func TestNotCollected(t *testing.T) {
	c := sfn.Controls()[0]
	a := controltest.Account(region)
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("not collected: %+v", rs)
	}
	a.Regions[region].StepFunctions = &snapsfn.StepFunctions{StateMachines: []*snapsfn.StateMachine{{ARN: arn("x"), Name: "x", LogLevel: "ALL"}}}
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "stepfunctions"}, Class: "throttled", Reason: "ThrottlingException"})
	if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("gap: %+v", rs)
	}
}
