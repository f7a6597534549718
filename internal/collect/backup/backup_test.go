package backup_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/backup"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/control"
	bkcontrol "github.com/guardrail-sec/guardrail/internal/control/backup"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapbk "github.com/guardrail-sec/guardrail/internal/snapshot/backup"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapbk.Backup, error) {
	t.Helper()
	a, err := collecttest.Run(t, backup.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].Backup, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	b, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(b.Vaults) != 1 {
		t.Fatalf("%+v %v", b, err)
	}
	v := b.Vaults[0]
	if v.ARN != "arn:aws:backup:us-east-1:222222222222:backup-vault:security-evidence" || !v.Locked || v.Errors != nil ||
		!strings.HasSuffix(v.KMSKeyARN, "c0ffee00-5ec0-4bbb-9000-000000000010") || len(v.RecoveryPoints) != 2 {
		t.Fatalf("vault = %+v", v)
	}
	if p := v.RecoveryPoints[0]; !p.Encrypted || p.KMSKeyARN != v.KMSKeyARN || p.ResourceType != "EFS" || p.Status != "COMPLETED" ||
		p.ARN != "arn:aws:backup:us-east-1:222222222222:recovery-point:5ec0b0a1-0001-4000-8000-000000000001" || p.Created.IsZero() {
		t.Errorf("point = %+v", p)
	}
	b, err = collect(t, s, partial, "us-east-1")
	if err != nil || len(b.Vaults) != 2 || b.Vaults[0].Name != "Default" || len(b.Vaults[0].RecoveryPoints) != 0 || len(b.Vaults[1].RecoveryPoints) != 3 {
		t.Errorf("partial = %+v %v", b, err)
	}
	b, err = collect(t, s, hardened, "eu-west-1")
	if err != nil || b == nil || len(b.Vaults) != 0 {
		t.Errorf("no vaults = %+v %v", b, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "backup", Action: "ListRecoveryPointsByBackupVault"}}})
	b, err := collect(t, s, weak, "us-east-1")
	if err != nil || len(b.Vaults) != 1 || !strings.HasPrefix(b.Vaults[0].Errors["recovery_points"], "AccessDenied") || b.Vaults[0].RecoveryPoints != nil {
		t.Errorf("denied points: %+v %v", b, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "backup", Action: "ListBackupVaults"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "list backup vaults") {
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
			a, err := collecttest.Run(t, backup.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(bkcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range bkcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
