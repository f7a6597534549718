package rds

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

func rds1() *control.Control {
	return snapshotControl(control.Control{
		ID:       "RDS.1",
		Title:    "RDS snapshot should be private",
		Severity: control.Critical,
		Rationale: "A public DB or cluster snapshot can be restored by any AWS account, which then holds a full " +
			"copy of the database.",
		Remediation: "Console: RDS > Snapshots > the snapshot > Actions > Share snapshot > DB snapshot visibility: " +
			"Private > Save.\n" +
			"CLI: aws rds modify-db-snapshot-attribute --db-snapshot-identifier <id> --attribute-name restore --values-to-remove all " +
			"(cluster snapshot: aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier <id> --attribute-name restore --values-to-remove all)",
		WellArchitected: []string{"SEC03", "SEC08"},
	}, func(in *control.Input, m snapshot.Meta, s *rds.Snapshot) {
		switch why, failed := s.Errors["attributes"]; {
		case failed:
			in.Error(m, "sharing attributes could not be read: %s", why)
		case s.Type != "manual":
			in.Pass(m, "%s snapshot: cannot be shared", orNone(s.Type))
		case s.Public():
			in.Fail(m, "public: any AWS account can restore it")
		case len(s.RestorableBy) > 0:
			in.Pass(m, "shared with %d account(s), not public", len(s.RestorableBy))
		default:
			in.Pass(m, "private")
		}
	})
}

func rds4() *control.Control {
	return snapshotControl(control.Control{
		ID:       "RDS.4",
		Title:    "RDS cluster snapshots and database snapshots should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "A snapshot holds all the data of its database; unencrypted, anyone who obtains a copy of it " +
			"can read that data.",
		Remediation: "An existing snapshot cannot be encrypted in place: copy it with encryption and delete the original.\n" +
			"Console: RDS > Snapshots > the snapshot > Actions > Copy snapshot > Enable encryption > Copy; then delete the original.\n" +
			"CLI: aws rds copy-db-snapshot --source-db-snapshot-identifier <id> --target-db-snapshot-identifier <id>-encrypted --kms-key-id <key> && " +
			"aws rds delete-db-snapshot --db-snapshot-identifier <id> (cluster snapshots: copy-db-cluster-snapshot, delete-db-cluster-snapshot)",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, s *rds.Snapshot) {
		in.Check(m, s.Encrypted, "encrypted", "not encrypted")
	})
}
