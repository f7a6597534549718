package rds

import (
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

// clustered reports whether engine runs only as a member of a DB cluster,
// which then owns its availability and storage settings.
func clustered(engine string) bool {
	return strings.HasPrefix(engine, "aurora") || engine == "docdb" || engine == "neptune"
}

func rds2() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.2",
		Title:    "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration",
		Severity: control.Critical,
		Rationale: "A publicly accessible DB instance has a DNS name that resolves to a public IP address, so only " +
			"its security groups stand between the database and the internet.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Connectivity > Additional configuration > " +
			"Public access: Not publicly accessible > Continue > Apply immediately.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		in.Check(m, !i.PubliclyAccessible, "not publicly accessible", "publicly accessible (PubliclyAccessible is true)")
	})
}

func rds3() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.3",
		Title:    "RDS DB instances should have encryption at-rest enabled",
		Severity: control.Medium,
		Rationale: "Encryption at rest protects the instance's storage, automated backups, read replicas and " +
			"snapshots if the underlying media or a copy of it is exposed.",
		Remediation: "Encryption cannot be turned on for an existing instance: take a snapshot, copy it with " +
			"encryption, restore a new instance from the copy and move the application to it.\n" +
			"Console: RDS > Snapshots > the snapshot > Actions > Copy snapshot > Enable encryption; then Actions > Restore snapshot.\n" +
			"CLI: aws rds create-db-snapshot --db-instance-identifier <id> --db-snapshot-identifier <id>-plain && " +
			"aws rds copy-db-snapshot --source-db-snapshot-identifier <id>-plain --target-db-snapshot-identifier <id>-encrypted --kms-key-id <key> && " +
			"aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <new-id> --db-snapshot-identifier <id>-encrypted",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		in.Check(m, i.StorageEncrypted, "storage encrypted", "storage not encrypted")
	})
}

func rds5() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.5",
		Title:    "RDS DB instances should be configured with multiple Availability Zones",
		Severity: control.Medium,
		Rationale: "A Multi-AZ deployment keeps a synchronous standby in another Availability Zone and fails over " +
			"to it when the primary's zone fails or during maintenance.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Availability & durability > Create a standby " +
			"instance > Continue.\nCLI: aws rds modify-db-instance --db-instance-identifier <id> --multi-az --apply-immediately",
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		if i.ClusterID != "" || clustered(i.Engine) {
			in.NotApplicable(m, "member of DB cluster %s (%s): availability is the cluster's (RDS.15)", orNone(i.ClusterID), i.Engine)
			return
		}
		in.Check(m, i.MultiAZ, "Multi-AZ deployment", "single-AZ deployment")
	})
}

func rds6() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.6",
		Title:    "Enhanced monitoring should be configured for RDS DB instances",
		Severity: control.Low,
		Rationale: "Enhanced Monitoring gives operating-system metrics in real time, so performance problems that " +
			"threaten availability are seen and answered sooner.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Monitoring > Enable Enhanced Monitoring, " +
			"choose a granularity and monitoring role > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --monitoring-interval 60 --monitoring-role-arn <role-arn> --apply-immediately",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		if i.MonitoringInterval > 0 {
			in.Pass(m, "Enhanced Monitoring every %d seconds", i.MonitoringInterval)
			return
		}
		in.Fail(m, "Enhanced Monitoring off")
	})
}

// deletionProtected are the engines RDS.8 judges (Security Hub's
// databaseEngines parameter); cluster engines are judged on the cluster.
var deletionProtected = []string{"mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
	"oracle-se1", "oracle-se", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web"}

func rds8() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.8",
		Title:    "RDS DB instances should have deletion protection enabled",
		Severity: control.Low,
		Rationale: "Deletion protection stops a DB instance from being deleted, by mistake or by an unauthorized " +
			"user, until the setting is turned off first.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Deletion protection: Enable > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection --apply-immediately",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		if !slices.Contains(deletionProtected, i.Engine) {
			in.NotApplicable(m, "engine %s: deletion protection is set on the DB cluster (RDS.7)", i.Engine)
			return
		}
		in.Check(m, i.DeletionProtection, "deletion protection enabled", "deletion protection disabled")
	})
}

// requiredLogs are the log types RDS.9 wants published to CloudWatch Logs,
// per engine (Security Hub RDS.9). Aurora PostgreSQL can export only its
// postgresql log, so only that one is asked of it.
func requiredLogs(engine string) []string {
	switch {
	case strings.HasPrefix(engine, "oracle"):
		return []string{"alert", "audit", "trace", "listener"}
	case engine == "postgres":
		return []string{"postgresql", "upgrade"}
	case engine == "aurora-postgresql":
		return []string{"postgresql"}
	case engine == "mysql", engine == "mariadb", engine == "aurora", engine == "aurora-mysql":
		return []string{"audit", "error", "general", "slowquery"}
	case strings.HasPrefix(engine, "sqlserver"):
		return []string{"error", "agent"}
	}
	return nil
}

func rds9() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.9",
		Title:    "RDS DB instances should publish logs to CloudWatch Logs",
		Severity: control.Medium,
		Rationale: "Database logs published to CloudWatch Logs record connections, queries and errors where " +
			"they can be kept, searched and alarmed on during security and availability investigations.",
		Remediation: "Console: RDS > Databases > the instance (or its cluster) > Modify > Log exports: select every " +
			"log type > Continue. MySQL and MariaDB also need general_log, slow_query_log and log_output=FILE in a custom parameter group.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --cloudwatch-logs-export-configuration " +
			"'{\"EnableLogTypes\":[\"postgresql\",\"upgrade\"]}' (for a cluster member: aws rds modify-db-cluster --db-cluster-identifier <cluster> ...)",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, r *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		want := requiredLogs(i.Engine)
		if want == nil {
			in.NotApplicable(m, "engine %s has no log types to publish under RDS.9", i.Engine)
			return
		}
		have, where := i.LogExports, "instance"
		if i.ClusterID != "" {
			if why, ok := r.Errors["clusters"]; ok {
				in.Error(m, "log exports are set on DB cluster %s, which could not be read: %s", i.ClusterID, why)
				return
			}
			c := r.Cluster(i.ClusterID)
			if c == nil {
				in.Error(m, "log exports are set on DB cluster %s, which was not found", i.ClusterID)
				return
			}
			have, where = c.LogExports, "cluster "+c.ID
		}
		var missing []string
		for _, l := range want {
			if !slices.Contains(have, l) {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			in.Fail(m, "%s does not publish %s logs to CloudWatch Logs", where, strings.Join(missing, ", "))
			return
		}
		in.Pass(m, "%s publishes %s logs to CloudWatch Logs", where, strings.Join(want, ", "))
	})
}

// iamAuthEngines and iamAuthStates scope RDS.10 as Security Hub does.
var (
	iamAuthEngines = []string{"mysql", "postgres", "aurora", "aurora-mysql", "aurora-postgresql", "mariadb"}
	iamAuthStates  = []string{"available", "backing-up", "storage-optimization", "storage-full"}
)

func rds10() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.10",
		Title:    "IAM authentication should be configured for RDS instances",
		Severity: control.Medium,
		Rationale: "IAM database authentication replaces long-lived database passwords with short-lived tokens " +
			"issued to IAM identities, so access is granted and revoked in IAM.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Database authentication: Password and IAM " +
			"database authentication > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --enable-iam-database-authentication --apply-immediately",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		switch {
		case !slices.Contains(iamAuthEngines, i.Engine):
			in.NotApplicable(m, "engine %s does not support IAM database authentication", i.Engine)
		case !slices.Contains(iamAuthStates, i.Status):
			in.NotApplicable(m, "instance is %s", i.Status)
		default:
			in.Check(m, i.IAMAuth, "IAM database authentication enabled", "IAM database authentication disabled")
		}
	})
}

// minBackupDays is Security Hub's backupRetentionMinimum for RDS.11.
const minBackupDays = 7

func rds11() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.11",
		Title:    "RDS instances should have automatic backups enabled",
		Severity: control.Medium,
		Rationale: fmt.Sprintf("Automated backups kept for at least %d days let a database be restored to a point "+
			"in time after an incident, including one discovered days later.", minBackupDays),
		Remediation: "Console: RDS > Databases > the instance > Modify > Backup retention period: 7 days or more > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --backup-retention-period 7 --apply-immediately",
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		switch {
		case i.ReplicaOf != "":
			in.NotApplicable(m, "read replica of %s", i.ReplicaOf)
		case i.BackupRetentionDays == 0:
			in.Fail(m, "automated backups disabled")
		case i.BackupRetentionDays < minBackupDays:
			in.Fail(m, "backups kept %d day(s), fewer than %d", i.BackupRetentionDays, minBackupDays)
		default:
			in.Pass(m, "backups kept %d days", i.BackupRetentionDays)
		}
	})
}

func rds13() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.13",
		Title:    "RDS automatic minor version upgrades should be enabled",
		Severity: control.High,
		Rationale: "Minor engine versions carry security patches and bug fixes; upgrading automatically in the " +
			"maintenance window keeps the database patched without anyone having to remember.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Maintenance > Auto minor version upgrade: Yes > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --auto-minor-version-upgrade --apply-immediately",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		in.Check(m, i.AutoMinorVersionUpgrade, "automatic minor version upgrade enabled", "automatic minor version upgrade disabled")
	})
}

func rds17() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.17",
		Title:    "RDS DB instances should be configured to copy tags to snapshots",
		Severity: control.Low,
		Rationale: "Snapshots that inherit the instance's tags stay attributable to an owner and a data " +
			"classification, so they are found, governed and cleaned up like the instance.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Backup > Copy tags to snapshots > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --copy-tags-to-snapshot --apply-immediately",
		WellArchitected: []string{"SEC07"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		if i.ClusterID != "" {
			in.NotApplicable(m, "member of DB cluster %s: copying tags to snapshots is the cluster's setting (RDS.16)", i.ClusterID)
			return
		}
		in.Check(m, i.CopyTagsToSnapshot, "tags copied to snapshots", "tags not copied to snapshots")
	})
}

func rds18() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.18",
		Title:    "RDS instances should be deployed in a VPC",
		Severity: control.High,
		Rationale: "Inside a VPC, security groups, network ACLs, routing and VPC endpoints control who can reach " +
			"the database; outside one, none of them apply.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Connectivity > DB subnet group: a subnet group " +
			"in a VPC > Continue.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --db-subnet-group-name <vpc-subnet-group> --apply-immediately",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		if i.VpcID != "" {
			in.Pass(m, "in VPC %s", i.VpcID)
			return
		}
		in.Fail(m, "not in a VPC")
	})
}

// defaultPort returns the engine's default port, or 0 when unknown.
func defaultPort(engine string) int {
	switch {
	case engine == "mysql", engine == "mariadb", engine == "aurora", engine == "aurora-mysql":
		return 3306
	case engine == "postgres", engine == "aurora-postgresql":
		return 5432
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "db2"):
		return 50000
	case engine == "docdb":
		return 27017
	case engine == "neptune":
		return 8182
	}
	return 0
}

func rds23() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.23",
		Title:    "RDS instances should not use a database engine default port",
		Severity: control.Low,
		Rationale: "A database on its engine's well-known port is found by the first scan for that engine; a " +
			"different port removes one easy clue for an attacker.",
		Remediation: "Console: RDS > Databases > the instance > Modify > Connectivity > Additional configuration > " +
			"Database port: a non-default port > Continue; update security groups and connection strings.\n" +
			"CLI: aws rds modify-db-instance --db-instance-identifier <id> --db-port-number <port> --apply-immediately",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		def := defaultPort(i.Engine)
		switch {
		case def == 0:
			in.NotApplicable(m, "no known default port for engine %s", i.Engine)
		case i.Port == 0:
			in.Error(m, "instance has no endpoint yet (status %s)", orNone(i.Status))
		case i.Port == def:
			in.Fail(m, "listens on %s's default port %d", i.Engine, def)
		default:
			in.Pass(m, "listens on port %d, not %s's default %d", i.Port, i.Engine, def)
		}
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func rds25() *control.Control {
	return instanceControl(control.Control{
		ID:       "RDS.25",
		Title:    "RDS database instances should use a custom administrator username",
		Severity: control.Medium,
		Rationale: "A default administrator name (admin, postgres) is the first one a password-guessing attack " +
			"tries; a custom name leaves the attacker to guess both halves of the credential.",
		Remediation: "The master user name cannot be changed: restore a snapshot into a new instance created with a " +
			"custom master user name, or create a custom administrator, move applications to it and lock the default one.\n" +
			"CLI: aws rds create-db-instance --db-instance-identifier <new-id> --master-username <custom> --manage-master-user-password ..., " +
			"then migrate the data",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, _ *rds.RDS, m snapshot.Meta, i *rds.Instance) {
		switch {
		case i.ClusterID != "":
			in.NotApplicable(m, "member of DB cluster %s: the administrator is the cluster's (RDS.24)", i.ClusterID)
		case i.MasterUsername == "":
			in.NotApplicable(m, "engine %s reports no administrator user name", i.Engine)
		case slices.Contains(defaultAdmins, strings.ToLower(i.MasterUsername)):
			in.Fail(m, "administrator user name is the default %q", i.MasterUsername)
		default:
			in.Pass(m, "custom administrator user name")
		}
	})
}
