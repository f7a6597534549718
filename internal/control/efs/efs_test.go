package efs_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/efs"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapefs "github.com/guardrail-sec/guardrail/internal/snapshot/efs"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, efs.Controls(), id)
}

func TestCatalog(t *testing.T) {
	cs := efs.Controls()
	if len(cs) != 4 {
		t.Errorf("%d controls", len(cs))
	}
	for _, c := range cs {
		if c.Severity != control.Medium || c.Global || len(c.Needs) != 1 || c.Needs[0] != "efs" || c.Remediation == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func fsARN(id string) string {
	return "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/" + id
}
func apARN(id string) string {
	return "arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/" + id
}

func state() *snapefs.EFS {
	return &snapefs.EFS{
		FileSystems: []*snapefs.FileSystem{
			{ARN: fsARN("fs-good"), ID: "fs-good", Encrypted: true, KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/k", Backup: "ENABLED"},
			{ARN: fsARN("fs-plain"), ID: "fs-plain", Backup: "DISABLED"},
			{ARN: fsARN("fs-never"), ID: "fs-never", Encrypted: true},
			{ARN: fsARN("fs-unread"), ID: "fs-unread", Encrypted: true, Errors: map[string]string{"backup_policy": "AccessDenied: no"}},
		},
		AccessPoints: []*snapefs.AccessPoint{
			{ARN: apARN("fsap-good"), ID: "fsap-good", FileSystemID: "fs-good", RootDirectory: "/app", PosixUser: true, UID: 1000, GID: 1000},
			{ARN: apARN("fsap-root"), ID: "fsap-root", FileSystemID: "fs-good", RootDirectory: "/"},
		},
	}
}

func eval(t *testing.T, c *control.Control, e *snapefs.EFS) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].EFS = e
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, what string, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s is %s, want %s", what, k, got[k], w)
		}
	}
}

func TestControls(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	check(t, "EFS.1", eval(t, byID(t, "EFS.1"), state()), map[string]control.Status{
		fsARN("fs-good"): P, fsARN("fs-plain"): F, fsARN("fs-never"): P, fsARN("fs-unread"): P})
	check(t, "EFS.7", eval(t, byID(t, "EFS.7"), state()), map[string]control.Status{
		fsARN("fs-good"): P, fsARN("fs-plain"): F, fsARN("fs-never"): F, fsARN("fs-unread"): E})
	check(t, "EFS.3", eval(t, byID(t, "EFS.3"), state()), map[string]control.Status{apARN("fsap-good"): P, apARN("fsap-root"): F})
	check(t, "EFS.4", eval(t, byID(t, "EFS.4"), state()), map[string]control.Status{apARN("fsap-good"): P, apARN("fsap-root"): F})
}

// TestAccessPointsUnread: an access point list that could not be read is
// one ERROR for the region in EFS.3 and EFS.4, never a pass; the file
// system controls still judge.
func TestAccessPointsUnread(t *testing.T) {
	e := state()
	e.AccessPoints, e.Errors = nil, map[string]string{"access_points": "AccessDenied: no"}
	for _, id := range []string{"EFS.3", "EFS.4"} {
		check(t, id, eval(t, byID(t, id), e), map[string]control.Status{"AWS::::Account:111122223333@us-east-1": control.Error})
	}
	if got := eval(t, byID(t, "EFS.1"), e); len(got) != 4 {
		t.Errorf("EFS.1 = %v", got)
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing or has a gap; nothing for a region without file systems (EFS has
// no regional setting to judge: a region without resources is
// NOT_APPLICABLE by having no result, as in Security Hub).
func TestNotCollected(t *testing.T) {
	for _, c := range efs.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].EFS = state()
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "efs"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].EFS = &snapefs.EFS{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no file systems: %+v", c.ID, rs)
		}
	}
}
