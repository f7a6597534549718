package efs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/efs"
	"github.com/guardrail-sec/guardrail/internal/control"
	efscontrol "github.com/guardrail-sec/guardrail/internal/control/efs"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapefs "github.com/guardrail-sec/guardrail/internal/snapshot/efs"
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

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapefs.EFS, error) {
	t.Helper()
	a, err := collecttest.Run(t, efs.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].EFS, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	e, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(e.FileSystems) != 1 || len(e.AccessPoints) != 1 || e.Errors != nil {
		t.Fatalf("%+v %v", e, err)
	}
	f, a := e.FileSystems[0], e.AccessPoints[0]
	if f.ARN != "arn:aws:elasticfilesystem:us-east-1:222222222222:file-system/fs-0a11ce5ec0000e001" || !f.Encrypted || f.KMSKeyID == "" ||
		f.Backup != "ENABLED" || f.Name != "evidence" || f.Tags["owner"] != "secops" || f.Errors != nil {
		t.Errorf("file system = %+v", f)
	}
	if a.RootDirectory != "/forensics" || !a.PosixUser || a.UID != 2001 || a.FileSystemID != f.ID {
		t.Errorf("access point = %+v", a)
	}
	e, err = collect(t, s, partial, "us-east-1")
	if err != nil || e.FileSystems[0].Backup != "" || e.FileSystems[0].Errors != nil || len(e.AccessPoints) != 2 ||
		e.AccessPoints[1].RootDirectory != "/" || e.AccessPoints[1].PosixUser {
		t.Errorf("partial = %+v %v", e, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: weak, Service: "elasticfilesystem", Action: "DescribeAccessPoints"},
		{Account: weak, Service: "elasticfilesystem", Action: "DescribeBackupPolicy"},
	}})
	e, err := collect(t, s, weak, "us-east-1")
	if err != nil || len(e.FileSystems) != 1 {
		t.Fatalf("%+v %v", e, err)
	}
	if !strings.HasPrefix(e.Errors["access_points"], "AccessDenied") || !strings.HasPrefix(e.FileSystems[0].Errors["backup_policy"], "AccessDenied") {
		t.Errorf("errors = %v / %v", e.Errors, e.FileSystems[0].Errors)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "elasticfilesystem", Action: "DescribeFileSystems"}}})
	if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe file systems") {
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
			a, err := collecttest.Run(t, efs.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(efscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range efscontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
