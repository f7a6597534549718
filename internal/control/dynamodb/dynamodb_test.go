package dynamodb_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/dynamodb"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapddb "github.com/guardrail-sec/guardrail/internal/snapshot/dynamodb"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, dynamodb.Controls(), id)
}

func TestCatalog(t *testing.T) {
	cs := dynamodb.Controls()
	if len(cs) != 2 {
		t.Errorf("%d controls", len(cs))
	}
	for _, c := range cs {
		if c.Severity != control.Medium || c.Global || len(c.Needs) != 1 || c.Needs[0] != "dynamodb" || c.Remediation == "" {
			t.Errorf("%s: severity %v needs %v", c.ID, c.Severity, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:dynamodb:us-east-1:111122223333:table/" + n }

func TestControls(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	tables := []*snapddb.Table{
		{ARN: arn("good"), Name: "good", Status: "ACTIVE", DeletionProtection: true, PITR: true},
		{ARN: arn("bare"), Name: "bare", Status: "ACTIVE"},
		{ARN: arn("undescribed"), Name: "undescribed", PITR: true, Errors: map[string]string{"table": "AccessDenied: no"}},
		{ARN: arn("nobackups"), Name: "nobackups", DeletionProtection: true, Errors: map[string]string{"backups": "AccessDenied: no"}},
	}
	a := controltest.Account(region)
	a.Regions[region].DynamoDB = &snapddb.DynamoDB{Tables: tables}
	for id, want := range map[string]map[string]control.Status{
		"DynamoDB.2": {arn("good"): P, arn("bare"): F, arn("undescribed"): P, arn("nobackups"): E},
		"DynamoDB.6": {arn("good"): P, arn("bare"): F, arn("undescribed"): E, arn("nobackups"): P},
	} {
		got := controltest.Statuses(t, controltest.Eval(byID(t, id), controltest.Snapshot(a)))
		if len(got) != len(want) {
			t.Errorf("%s: got %v", id, got)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s is %s, want %s", id, k, got[k], w)
			}
		}
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing or has a gap; nothing for a region without tables (no regional
// setting to judge: NOT_APPLICABLE by having no result, as in Security Hub).
func TestNotCollected(t *testing.T) {
	for _, c := range dynamodb.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].DynamoDB = &snapddb.DynamoDB{Tables: []*snapddb.Table{{ARN: arn("good"), Name: "good", PITR: true, DeletionProtection: true}}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "dynamodb"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].DynamoDB = &snapddb.DynamoDB{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no tables: %+v", c.ID, rs)
		}
	}
}
