package dynamodb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/dynamodb"
	"github.com/guardrail-sec/guardrail/internal/control"
	ddbcontrol "github.com/guardrail-sec/guardrail/internal/control/dynamodb"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapddb "github.com/guardrail-sec/guardrail/internal/snapshot/dynamodb"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapddb.DynamoDB, error) {
	t.Helper()
	a, err := collecttest.Run(t, dynamodb.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].DynamoDB, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	d, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(d.Tables) != 1 {
		t.Fatalf("%+v %v", d, err)
	}
	if tb := d.Tables[0]; tb.ARN != "arn:aws:dynamodb:us-east-1:222222222222:table/finding-index" || !tb.DeletionProtection || !tb.PITR ||
		tb.BillingMode != "PAY_PER_REQUEST" || tb.KMSKeyID == "" || tb.Status != "ACTIVE" || tb.Errors != nil {
		t.Errorf("table = %+v", tb)
	}
	d, err = collect(t, s, partial, "us-east-1")
	if err != nil || len(d.Tables) != 2 || !d.Tables[0].PITR || d.Tables[0].DeletionProtection || d.Tables[1].PITR {
		t.Errorf("partial = %+v %v", d, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "dynamodb", Action: "DescribeContinuousBackups"}}})
	d, err := collect(t, s, weak, "us-east-1")
	if err != nil || len(d.Tables) != 1 || !strings.HasPrefix(d.Tables[0].Errors["backups"], "AccessDenied") || d.Tables[0].ARN == "" {
		t.Errorf("denied backups: %+v %v", d, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "dynamodb", Action: "DescribeTable"}}})
	d, err = collect(t, s, weak, "us-east-1")
	if err != nil || !strings.HasPrefix(d.Tables[0].Errors["table"], "AccessDenied") ||
		d.Tables[0].ARN != "arn:aws:dynamodb:us-east-1:555555555501:table/feature-flags" {
		t.Errorf("denied describe: %+v %v", d.Tables[0], err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "dynamodb", Action: "ListTables"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "list tables") {
		t.Errorf("err = %v", err)
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and every control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", weak: "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, dynamodb.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ddbcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range ddbcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
