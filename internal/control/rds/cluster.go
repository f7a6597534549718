package rds

import (
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

func clusterMeta(in *control.Input, c *rds.Cluster) snapshot.Meta {
	return snapshot.Meta{ARN: c.ARN, Type: "AwsRdsDbCluster", Name: c.ID, Account: in.Account.ID,
		Region: in.RegionName(), Tags: c.Tags}
}

// clusterControl completes c as a control that judges every DB cluster of
// the region with judge. A cluster list that could not be read is one
// ERROR for the region: an unread list never passes.
func clusterControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, cl *rds.Cluster)) *control.Control {
	c.Service = "RDS"
	c.ResourceType = "AwsRdsDbCluster"
	c.Needs = []string{"rds"}
	c.Check = func(in *control.Input) {
		r := state(in)
		if r == nil {
			return
		}
		if why, ok := r.Errors["clusters"]; ok {
			in.Error(in.AccountMeta(), "could not list DB clusters: %s", why)
			return
		}
		for _, cl := range r.Clusters {
			judge(in, clusterMeta(in, cl), cl)
		}
	}
	return &c
}

// aurora reports whether engine is an Aurora engine.
func aurora(engine string) bool { return strings.HasPrefix(engine, "aurora") }

// auroraMySQL reports whether engine is Aurora MySQL ("aurora" is the
// MySQL 5.6-compatible engine name of the first Aurora generation).
func auroraMySQL(engine string) bool { return engine == "aurora-mysql" || engine == "aurora" }

func rds7() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.7",
		Title:    "RDS clusters should have deletion protection enabled",
		Severity: control.Low,
		Rationale: "Deletion protection stops a DB cluster, and with it every member instance and its automated " +
			"backups, from being deleted by mistake or by an unauthorized user until the setting is turned off first.",
		Remediation: "Console: RDS > Databases > the cluster > Modify > Deletion protection: Enable > Continue > Apply immediately.\n" +
			"CLI: aws rds modify-db-cluster --db-cluster-identifier <id> --deletion-protection --apply-immediately",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		in.Check(m, c.DeletionProtection, "deletion protection enabled", "deletion protection disabled")
	})
}

func rds12() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.12",
		Title:    "IAM authentication should be configured for RDS clusters",
		Severity: control.Medium,
		Rationale: "IAM database authentication lets applications connect with short-lived tokens issued to IAM " +
			"identities instead of long-lived database passwords, so access is granted and revoked in IAM.",
		Remediation: "Console: RDS > Databases > the cluster > Modify > Database authentication: Password and IAM " +
			"database authentication > Continue.\n" +
			"CLI: aws rds modify-db-cluster --db-cluster-identifier <id> --enable-iam-database-authentication --apply-immediately",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		if c.Engine == "docdb" {
			in.NotApplicable(m, "engine %s has no IAM database authentication setting", c.Engine)
			return
		}
		in.Check(m, c.IAMAuth, "IAM database authentication enabled", "IAM database authentication disabled")
	})
}

func rds14() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.14",
		Title:    "Amazon Aurora clusters should have backtracking enabled",
		Severity: control.Medium,
		Rationale: "Backtracking rewinds an Aurora MySQL cluster to a point in time in minutes, without restoring " +
			"a backup into a new cluster, which shortens recovery from a destructive change or an attack.",
		Remediation: "Backtracking can only be turned on when a cluster is created or restored: restore the cluster " +
			"(or a clone of it) with a target backtrack window, then move the application to it.\n" +
			"Console: RDS > Snapshots > the cluster's snapshot > Actions > Restore snapshot > Backtrack: Enable, target window 24 hours.\n" +
			"CLI: aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier <id> --db-cluster-identifier <new-id> " +
			"--use-latest-restorable-time --backtrack-window 86400",
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		if !auroraMySQL(c.Engine) {
			in.NotApplicable(m, "engine %s does not support backtracking (Aurora MySQL only)", c.Engine)
			return
		}
		if c.BacktrackWindow > 0 {
			in.Pass(m, "backtracking enabled, target window %d hour(s)", c.BacktrackWindow/3600)
			return
		}
		in.Fail(m, "backtracking disabled")
	})
}

func rds15() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.15",
		Title:    "RDS DB clusters should be configured for multiple Availability Zones",
		Severity: control.Medium,
		Rationale: "A cluster with instances in several Availability Zones fails over to a reader in another zone " +
			"when its writer's zone fails, instead of waiting for a new instance to be created.",
		Remediation: "Console: RDS > Databases > the cluster > Actions > Add reader, in an Availability Zone other than the writer's.\n" +
			"CLI: aws rds create-db-instance --db-cluster-identifier <id> --db-instance-identifier <id>-reader " +
			"--db-instance-class <class> --engine <engine> --availability-zone <other-az>",
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		in.Check(m, c.MultiAZ, "instances in multiple Availability Zones", "single Availability Zone")
	})
}

func rds16() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.16",
		Title:    "Aurora DB clusters should be configured to copy tags to DB snapshots",
		Severity: control.Low,
		Rationale: "Cluster snapshots that inherit the cluster's tags stay attributable to an owner and a data " +
			"classification, so they are found, governed and cleaned up like the cluster.",
		Remediation: "Console: RDS > Databases > the cluster > Modify > Backup > Copy tags to snapshots > Continue.\n" +
			"CLI: aws rds modify-db-cluster --db-cluster-identifier <id> --copy-tags-to-snapshot --apply-immediately",
		WellArchitected: []string{"SEC07"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		in.Check(m, c.CopyTagsToSnapshot, "tags copied to snapshots", "tags not copied to snapshots")
	})
}

// defaultAdmins are the administrator user names RDS proposes by default
// (the AWS Config rules rds-instance-default-admin-check and
// rds-cluster-default-admin-check reject these two).
var defaultAdmins = []string{"admin", "postgres"}

func rds24() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.24",
		Title:    "RDS Database clusters should use a custom administrator username",
		Severity: control.Medium,
		Rationale: "A default administrator name (admin, postgres) is the first one a password-guessing attack " +
			"tries; a custom name leaves the attacker to guess both halves of the credential.",
		Remediation: "The master user name cannot be changed: create a new cluster with a custom master user name " +
			"(restore a snapshot into it), or create a custom administrator, move applications to it and lock the default one.\n" +
			"CLI: aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <new-id> --snapshot-identifier <snap> --engine <engine>, " +
			"then create the custom administrator in the database",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		switch {
		case c.MasterUsername == "":
			in.NotApplicable(m, "engine %s reports no administrator user name", c.Engine)
		case slices.Contains(defaultAdmins, strings.ToLower(c.MasterUsername)):
			in.Fail(m, "administrator user name is the default %q", c.MasterUsername)
		default:
			in.Pass(m, "custom administrator user name")
		}
	})
}

func rds27() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.27",
		Title:    "RDS DB clusters should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "Encryption at rest protects the cluster's storage, its automated backups and its snapshots " +
			"if the underlying media or a copy of it is exposed.",
		Remediation: "Encryption cannot be turned on for an existing cluster: take a cluster snapshot, restore it " +
			"into a new cluster with encryption and a KMS key, and move the application to it.\n" +
			"CLI: aws rds create-db-cluster-snapshot --db-cluster-identifier <id> --db-cluster-snapshot-identifier <id>-plain && " +
			"aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <new-id> --snapshot-identifier <id>-plain --engine <engine> --kms-key-id <key>",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		in.Check(m, c.StorageEncrypted, "storage encrypted", "storage not encrypted")
	})
}

func rds34() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.34",
		Title:    "Aurora MySQL DB clusters should publish audit logs to CloudWatch Logs",
		Severity: control.Medium,
		Rationale: "The Aurora MySQL audit log records connections and queries; published to CloudWatch Logs it " +
			"is kept, searchable and alarmable during an investigation.",
		Remediation: "Turn on server_audit_logging in the cluster's parameter group, then publish the audit log.\n" +
			"Console: RDS > Databases > the cluster > Modify > Log exports: Audit log > Continue.\n" +
			"CLI: aws rds modify-db-cluster --db-cluster-identifier <id> --cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"audit\"]}' --apply-immediately",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		if !auroraMySQL(c.Engine) {
			in.NotApplicable(m, "engine %s is not Aurora MySQL", c.Engine)
			return
		}
		in.Check(m, slices.Contains(c.LogExports, "audit"), "audit log published to CloudWatch Logs",
			"audit log not published to CloudWatch Logs")
	})
}

func rds35() *control.Control {
	return clusterControl(control.Control{
		ID:       "RDS.35",
		Title:    "RDS DB clusters should have automatic minor version upgrade enabled",
		Severity: control.Medium,
		Rationale: "Minor engine versions carry security patches; upgrading automatically in the maintenance " +
			"window keeps a Multi-AZ DB cluster patched without anyone having to remember.",
		Remediation: "Console: RDS > Databases > the Multi-AZ DB cluster > Modify > Maintenance > Auto minor version upgrade: Yes > Continue.\n" +
			"CLI: aws rds modify-db-cluster --db-cluster-identifier <id> --auto-minor-version-upgrade --apply-immediately",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, c *rds.Cluster) {
		if aurora(c.Engine) || c.Engine == "docdb" || c.Engine == "neptune" {
			// AWS documents the cluster-level setting for Multi-AZ DB
			// clusters only; Aurora sets it on each instance (RDS.13).
			in.NotApplicable(m, "engine %s sets automatic minor version upgrades per instance (RDS.13)", c.Engine)
			return
		}
		in.Check(m, c.AutoMinorVersionUpgrade, "automatic minor version upgrade enabled", "automatic minor version upgrade disabled")
	})
}
