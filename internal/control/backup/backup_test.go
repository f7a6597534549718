package backup_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/backup"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapbk "github.com/guardrail-sec/guardrail/internal/snapshot/backup"
)

const region = "us-east-1"

func TestCatalog(t *testing.T) {
	cs := backup.Controls()
	if len(cs) != 1 || cs[0].ID != "Backup.1" || cs[0].Severity != control.Medium || cs[0].Global ||
		len(cs[0].Needs) != 1 || cs[0].Needs[0] != "backup" || cs[0].Remediation == "" {
		t.Errorf("%+v", cs)
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

const (
	vaultARN = "arn:aws:backup:us-east-1:111122223333:backup-vault:"
	rpARN    = "arn:aws:backup:us-east-1:111122223333:recovery-point:"
)

func TestBackup1(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	a := controltest.Account(region)
	a.Regions[region].Backup = &snapbk.Backup{Vaults: []*snapbk.Vault{
		{ARN: vaultARN + "main", Name: "main", RecoveryPoints: []*snapbk.RecoveryPoint{
			{ARN: rpARN + "efs", ResourceType: "EFS", Encrypted: true, KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:key/k"},
			{ARN: "arn:aws:ec2:us-east-1::snapshot/snap-1", ResourceType: "EBS"},
		}},
		{ARN: vaultARN + "empty", Name: "empty", RecoveryPoints: []*snapbk.RecoveryPoint{}},
		{ARN: vaultARN + "unread", Name: "unread", Errors: map[string]string{"recovery_points": "AccessDenied: no"}},
	}}
	want := map[string]control.Status{rpARN + "efs": P, "arn:aws:ec2:us-east-1::snapshot/snap-1": F, vaultARN + "unread": E}
	got := controltest.Statuses(t, controltest.Eval(backup.Controls()[0], controltest.Snapshot(a)))
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
// missing or has a gap; no result for a region without recovery points
// (NOT_APPLICABLE, as in Security Hub).
func TestNotCollected(t *testing.T) {
	c := backup.Controls()[0]
	a := controltest.Account(region)
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("without state: %+v", rs)
	}
	a.Regions[region].Backup = &snapbk.Backup{Vaults: []*snapbk.Vault{{ARN: vaultARN + "main", Name: "main",
		RecoveryPoints: []*snapbk.RecoveryPoint{{ARN: rpARN + "efs", Encrypted: true}}}}}
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "backup"}, Class: "access denied", Reason: "AccessDenied"})
	if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("with a gap: %+v", rs)
	}
	a.Regions[region].Backup = &snapbk.Backup{Vaults: []*snapbk.Vault{{ARN: vaultARN + "Default", Name: "Default", RecoveryPoints: []*snapbk.RecoveryPoint{}}}}
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
		t.Errorf("no recovery points: %+v", rs)
	}
}
