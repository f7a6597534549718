package kinesis_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/kinesis"
	"github.com/guardrail-sec/guardrail/internal/control"
	kincontrol "github.com/guardrail-sec/guardrail/internal/control/kinesis"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapkin "github.com/guardrail-sec/guardrail/internal/snapshot/kinesis"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapkin.Kinesis, error) {
	t.Helper()
	a, err := collecttest.Run(t, kinesis.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].Kinesis, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	k, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(k.Streams) != 1 {
		t.Fatalf("%+v %v", k, err)
	}
	if st := k.Streams[0]; st.ARN != "arn:aws:kinesis:us-east-1:222222222222:stream/finding-feed" || st.EncryptionType != "KMS" ||
		!strings.HasSuffix(st.KeyID, "c0ffee00-5ec0-4bbb-9000-000000000010") || st.Mode != "ON_DEMAND" || st.RetentionHours != 168 ||
		st.Status != "ACTIVE" || st.Errors != nil {
		t.Errorf("stream = %+v", st)
	}
	k, err = collect(t, s, partial, "eu-west-1")
	if err != nil || len(k.Streams) != 1 || k.Streams[0].EncryptionType != "NONE" || k.Streams[0].RetentionHours != 24 {
		t.Errorf("partial eu-west-1 = %+v %v", k, err)
	}
	k, err = collect(t, s, hardened, "eu-central-1")
	if err != nil || k == nil || len(k.Streams) != 0 {
		t.Errorf("no streams = %+v %v", k, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "kinesis", Action: "DescribeStreamSummary"}}})
	k, err := collect(t, s, weak, "us-east-1")
	if err != nil || len(k.Streams) != 1 || !strings.HasPrefix(k.Streams[0].Errors["summary"], "AccessDenied") ||
		k.Streams[0].ARN != "arn:aws:kinesis:us-east-1:555555555501:stream/load-test" {
		t.Errorf("denied summary: %+v %v", k, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "kinesis", Action: "ListStreams"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "list streams") {
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
			a, err := collecttest.Run(t, kinesis.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(kincontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range kincontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
