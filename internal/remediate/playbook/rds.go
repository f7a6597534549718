package playbook

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdsapi "github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// rdsPlaybooks returns the playbooks of RDS's controls.
//
// The instance playbooks change one setting each with ModifyDBInstance
// and ApplyImmediately, so that nothing waits for the maintenance window
// (a pending change would leave the control failing and the rollback
// racing it). Every setting they change can be set back the same way.
func rdsPlaybooks() []Playbook {
	return []Playbook{rdsSnapshotPrivate(), rdsInstancePrivate(), rdsDeletionProtection(), rdsBackups(),
		rdsMinorUpgrades(), rdsCopyTags()}
}

// rdsName splits an RDS ARN ("arn:aws:rds:eu-west-1:111122223333:db:app")
// into its resource kind ("db", "snapshot", "cluster-snapshot") and name.
func rdsName(arn string) (kind, name string, err error) {
	f := strings.SplitN(arn, ":", 7)
	if len(f) != 7 || f[2] != "rds" || f[6] == "" {
		return "", "", fmt.Errorf("%s is not an RDS resource ARN", arn)
	}
	return f[5], f[6], nil
}

// rdsRestoreState is who may restore a manual DB or DB cluster snapshot.
type rdsRestoreState struct {
	// Restore is the snapshot's "restore" attribute, sorted: the account
	// IDs it is shared with, and "all" when anyone may restore it.
	Restore []string `json:"restore"`
}

// rdsSnapshotPrivate stops sharing a DB snapshot or DB cluster snapshot with
// everyone, keeping the accounts it is shared with (RDS.1).
func rdsSnapshotPrivate() Playbook {
	return &def[rdsRestoreState]{
		info: Info{
			Control: "RDS.1", Name: "rds.snapshot-private",
			Summary: "Remove \"all\" from the restore attribute of the DB snapshot or DB cluster snapshot; the accounts it is shared with by ID keep access",
			Risk: "AWS accounts that restore or copy the snapshot without being named in its restore attribute (anyone relying on it being " +
				"public, such as a vendor or another team's account) can no longer do so; copies they already made are not affected",
			Actions: []string{"rds:DescribeDBSnapshotAttributes", "rds:ModifyDBSnapshotAttribute",
				"rds:DescribeDBClusterSnapshotAttributes", "rds:ModifyDBClusterSnapshotAttribute"},
		},
		read: func(ctx context.Context, env Env) (rdsRestoreState, error) {
			kind, name, err := rdsName(env.Resource.ARN)
			if err != nil {
				return rdsRestoreState{}, err
			}
			vals, err := rdsReadRestore(ctx, env.Config, kind, name)
			if err != nil {
				return rdsRestoreState{}, err
			}
			return rdsRestoreState{Restore: rdsSorted(vals)}, nil
		},
		fix: func(_ Env, cur rdsRestoreState) (rdsRestoreState, error) {
			return rdsRestoreState{Restore: rdsWithout(cur.Restore, "all")}, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsRestoreState) error {
			kind, name, err := rdsName(env.Resource.ARN)
			if err != nil {
				return err
			}
			add, remove := rdsDiff(want.Restore, cur.Restore), rdsDiff(cur.Restore, want.Restore)
			if len(add)+len(remove) == 0 {
				return nil
			}
			c := rdsapi.NewFromConfig(env.Config)
			if kind == "cluster-snapshot" {
				_, err = c.ModifyDBClusterSnapshotAttribute(ctx, &rdsapi.ModifyDBClusterSnapshotAttributeInput{
					DBClusterSnapshotIdentifier: aws.String(name), AttributeName: aws.String("restore"), ValuesToAdd: add, ValuesToRemove: remove,
				})
			} else {
				_, err = c.ModifyDBSnapshotAttribute(ctx, &rdsapi.ModifyDBSnapshotAttributeInput{
					DBSnapshotIdentifier: aws.String(name), AttributeName: aws.String("restore"), ValuesToAdd: add, ValuesToRemove: remove,
				})
			}
			return err
		},
	}
}

// rdsReadRestore returns the restore attribute of snapshot name, of kind
// "snapshot" or "cluster-snapshot".
func rdsReadRestore(ctx context.Context, cfg aws.Config, kind, name string) ([]string, error) {
	c := rdsapi.NewFromConfig(cfg)
	switch kind {
	case "snapshot":
		o, err := c.DescribeDBSnapshotAttributes(ctx, &rdsapi.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(name)})
		if awsx.IsNotFound(err) {
			return nil, Skip("DB snapshot %s no longer exists", name)
		}
		if err != nil {
			return nil, err
		}
		if r := o.DBSnapshotAttributesResult; r != nil {
			for _, a := range r.DBSnapshotAttributes {
				if aws.ToString(a.AttributeName) == "restore" {
					return a.AttributeValues, nil
				}
			}
		}
		return nil, nil
	case "cluster-snapshot":
		o, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rdsapi.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(name)})
		// RDS spells this one with a Fault suffix.
		if awsx.IsNotFound(err) || awsx.Code(err) == "DBClusterSnapshotNotFoundFault" {
			return nil, Skip("DB cluster snapshot %s no longer exists", name)
		}
		if err != nil {
			return nil, err
		}
		if r := o.DBClusterSnapshotAttributesResult; r != nil {
			for _, a := range r.DBClusterSnapshotAttributes {
				if aws.ToString(a.AttributeName) == "restore" {
					return a.AttributeValues, nil
				}
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("rds %s %s: not a DB snapshot or DB cluster snapshot", kind, name)
}

// rdsSorted returns a sorted copy of vals, never nil (an empty attribute
// and a missing one are the same state).
func rdsSorted(vals []string) []string {
	out := append([]string{}, vals...)
	slices.Sort(out)
	return slices.Compact(out)
}

// rdsWithout returns vals without v, never nil.
func rdsWithout(vals []string, v string) []string {
	out := []string{}
	for _, x := range vals {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// rdsDiff returns the values of a that b lacks.
func rdsDiff(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// rdsInstance reads the DB instance the resource names; Skip when it no
// longer exists.
func rdsInstance(ctx context.Context, env Env) (*rdsFacts, error) {
	kind, id, err := rdsName(env.Resource.ARN)
	if err != nil {
		return nil, err
	}
	if kind != "db" {
		return nil, fmt.Errorf("%s is not a DB instance", env.Resource.ARN)
	}
	o, err := rdsapi.NewFromConfig(env.Config).DescribeDBInstances(ctx, &rdsapi.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if awsx.IsNotFound(err) {
		return nil, Skip("DB instance %s no longer exists", id)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range o.DBInstances {
		if strings.EqualFold(aws.ToString(d.DBInstanceIdentifier), id) {
			return &rdsFacts{
				ID:                 id,
				Cluster:            aws.ToString(d.DBClusterIdentifier),
				ReplicaOf:          aws.ToString(d.ReadReplicaSourceDBInstanceIdentifier),
				PubliclyAccessible: aws.ToBool(d.PubliclyAccessible),
				DeletionProtection: aws.ToBool(d.DeletionProtection),
				BackupDays:         int(aws.ToInt32(d.BackupRetentionPeriod)),
				MinorUpgrades:      aws.ToBool(d.AutoMinorVersionUpgrade),
				CopyTags:           aws.ToBool(d.CopyTagsToSnapshot),
			}, nil
		}
	}
	return nil, Skip("DB instance %s no longer exists", id)
}

// rdsFacts are the settings of a DB instance the playbooks read.
type rdsFacts struct {
	ID                 string
	Cluster, ReplicaOf string
	PubliclyAccessible bool
	DeletionProtection bool
	BackupDays         int
	MinorUpgrades      bool
	CopyTags           bool
}

// rdsModifyInstance applies a ModifyDBInstance of the resource's instance at
// once (ApplyImmediately); set fills in the setting.
func rdsModifyInstance(ctx context.Context, env Env, set func(in *rdsapi.ModifyDBInstanceInput)) error {
	_, id, err := rdsName(env.Resource.ARN)
	if err != nil {
		return err
	}
	in := &rdsapi.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(id), ApplyImmediately: aws.Bool(true)}
	set(in)
	_, err = rdsapi.NewFromConfig(env.Config).ModifyDBInstance(ctx, in)
	return err
}

var rdsInstanceActions = []string{"rds:DescribeDBInstances", "rds:ModifyDBInstance"}

type rdsPublicState struct {
	PubliclyAccessible bool `json:"publicly_accessible"`
}

// rdsInstancePrivate makes a DB instance not publicly accessible (RDS.2).
func rdsInstancePrivate() Playbook {
	return &def[rdsPublicState]{
		info: Info{
			Control: "RDS.2", Name: "rds.instance-private",
			Summary: "Turn off PubliclyAccessible on the DB instance (applied immediately): its endpoint resolves to its private address only",
			Risk: "clients that reach the database from outside its VPC (over the internet: laptops, SaaS tools, other clouds, " +
				"VPCs without peering or VPN) lose access at once; connections from inside the VPC, peered VPCs and VPNs keep working",
			Actions: rdsInstanceActions,
		},
		read: func(ctx context.Context, env Env) (rdsPublicState, error) {
			d, err := rdsInstance(ctx, env)
			if err != nil {
				return rdsPublicState{}, err
			}
			return rdsPublicState{PubliclyAccessible: d.PubliclyAccessible}, nil
		},
		fix: func(_ Env, _ rdsPublicState) (rdsPublicState, error) {
			return rdsPublicState{PubliclyAccessible: false}, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsPublicState) error {
			if cur == want {
				return nil
			}
			return rdsModifyInstance(ctx, env, func(in *rdsapi.ModifyDBInstanceInput) { in.PubliclyAccessible = aws.Bool(want.PubliclyAccessible) })
		},
	}
}

type rdsDeletionProtectionState struct {
	DeletionProtection bool `json:"deletion_protection"`
	// Cluster is the DB cluster the instance belongs to (read for Fix;
	// Set never changes it).
	Cluster string `json:"cluster,omitempty"`
}

// rdsDeletionProtection turns on deletion protection (RDS.8).
func rdsDeletionProtection() Playbook {
	return &def[rdsDeletionProtectionState]{
		info: Info{
			Control: "RDS.8", Name: "rds.instance-deletion-protection",
			Summary: "Turn on deletion protection on the DB instance",
			Risk: "deleting the instance (by hand, by CloudFormation or Terraform, by a cleanup job) fails until deletion protection " +
				"is turned off first; a stack update that replaces the instance fails the same way",
			Actions: rdsInstanceActions,
		},
		read: func(ctx context.Context, env Env) (rdsDeletionProtectionState, error) {
			d, err := rdsInstance(ctx, env)
			if err != nil {
				return rdsDeletionProtectionState{}, err
			}
			return rdsDeletionProtectionState{DeletionProtection: d.DeletionProtection, Cluster: d.Cluster}, nil
		},
		fix: func(_ Env, cur rdsDeletionProtectionState) (rdsDeletionProtectionState, error) {
			if cur.DeletionProtection {
				return cur, nil
			}
			if cur.Cluster != "" {
				return cur, Skip("member of DB cluster %s: deletion protection is the cluster's setting (RDS.7)", cur.Cluster)
			}
			cur.DeletionProtection = true
			return cur, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsDeletionProtectionState) error {
			if cur.DeletionProtection == want.DeletionProtection {
				return nil
			}
			return rdsModifyInstance(ctx, env, func(in *rdsapi.ModifyDBInstanceInput) { in.DeletionProtection = aws.Bool(want.DeletionProtection) })
		},
	}
}

// rdsMinBackupDays is what RDS.11 asks of the backup retention period.
const rdsMinBackupDays = 7

type rdsBackupState struct {
	BackupRetentionDays int `json:"backup_retention_days"`
	// Cluster and ReplicaOf are read for Fix (a cluster keeps its
	// members' backups; a read replica has none of its own); Set never
	// changes them.
	Cluster   string `json:"cluster,omitempty"`
	ReplicaOf string `json:"replica_of,omitempty"`
}

// rdsBackups keeps automated backups for at least a week (RDS.11).
func rdsBackups() Playbook {
	return &def[rdsBackupState]{
		info: Info{
			Control: "RDS.11", Name: "rds.instance-backups",
			Summary: fmt.Sprintf("Raise the DB instance's backup retention period to %d days (applied immediately); a longer period is kept", rdsMinBackupDays),
			Risk: "turning automated backups on (from 0 days) suspends I/O for a few seconds to minutes while the first backup starts, " +
				"and backup storage beyond the instance's size is billed; a rollback to 0 days suspends I/O again and deletes the " +
				"automated backups taken since, and a rollback to fewer days deletes the backups older than that; it fails while the " +
				"instance is the source of a read replica (RDS does not allow 0 days then)",
			Actions: rdsInstanceActions,
		},
		read: func(ctx context.Context, env Env) (rdsBackupState, error) {
			d, err := rdsInstance(ctx, env)
			if err != nil {
				return rdsBackupState{}, err
			}
			return rdsBackupState{BackupRetentionDays: d.BackupDays, Cluster: d.Cluster, ReplicaOf: d.ReplicaOf}, nil
		},
		fix: func(_ Env, cur rdsBackupState) (rdsBackupState, error) {
			switch {
			case cur.BackupRetentionDays >= rdsMinBackupDays:
				return cur, nil
			case cur.ReplicaOf != "":
				return cur, Skip("read replica of %s: its backups are not judged (RDS.11 is not applicable)", cur.ReplicaOf)
			case cur.Cluster != "":
				return cur, Skip("member of DB cluster %s: the backup retention period is the cluster's (ModifyDBCluster)", cur.Cluster)
			}
			cur.BackupRetentionDays = rdsMinBackupDays
			return cur, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsBackupState) error {
			if cur.BackupRetentionDays == want.BackupRetentionDays {
				return nil
			}
			return rdsModifyInstance(ctx, env, func(in *rdsapi.ModifyDBInstanceInput) {
				in.BackupRetentionPeriod = aws.Int32(int32(want.BackupRetentionDays))
			})
		},
	}
}

type rdsMinorUpgradeState struct {
	AutoMinorVersionUpgrade bool `json:"auto_minor_version_upgrade"`
}

// rdsMinorUpgrades turns on automatic minor version upgrades (RDS.13).
func rdsMinorUpgrades() Playbook {
	return &def[rdsMinorUpgradeState]{
		info: Info{
			Control: "RDS.13", Name: "rds.instance-minor-upgrades",
			Summary: "Turn on automatic minor version upgrades on the DB instance",
			Risk: "RDS upgrades the engine's minor version in the maintenance window, which restarts the database (a few minutes of " +
				"downtime, less with Multi-AZ); an application that depends on the exact minor version can break",
			Actions: rdsInstanceActions,
		},
		read: func(ctx context.Context, env Env) (rdsMinorUpgradeState, error) {
			d, err := rdsInstance(ctx, env)
			if err != nil {
				return rdsMinorUpgradeState{}, err
			}
			return rdsMinorUpgradeState{AutoMinorVersionUpgrade: d.MinorUpgrades}, nil
		},
		fix: func(_ Env, _ rdsMinorUpgradeState) (rdsMinorUpgradeState, error) {
			return rdsMinorUpgradeState{AutoMinorVersionUpgrade: true}, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsMinorUpgradeState) error {
			if cur == want {
				return nil
			}
			return rdsModifyInstance(ctx, env, func(in *rdsapi.ModifyDBInstanceInput) {
				in.AutoMinorVersionUpgrade = aws.Bool(want.AutoMinorVersionUpgrade)
			})
		},
	}
}

type rdsCopyTagsState struct {
	CopyTagsToSnapshot bool `json:"copy_tags_to_snapshot"`
	// Cluster is read for Fix; Set never changes it.
	Cluster string `json:"cluster,omitempty"`
}

// rdsCopyTags makes the instance's snapshots inherit its tags (RDS.17).
func rdsCopyTags() Playbook {
	return &def[rdsCopyTagsState]{
		info: Info{
			Control: "RDS.17", Name: "rds.instance-copy-tags",
			Summary: "Turn on CopyTagsToSnapshot on the DB instance: snapshots taken from now on get the instance's tags",
			Risk: "new snapshots carry the instance's tags, so tag-based IAM conditions, backup plans, cost allocation and cleanup " +
				"jobs that select by tag start matching them; existing snapshots are not changed",
			Actions: rdsInstanceActions,
		},
		read: func(ctx context.Context, env Env) (rdsCopyTagsState, error) {
			d, err := rdsInstance(ctx, env)
			if err != nil {
				return rdsCopyTagsState{}, err
			}
			return rdsCopyTagsState{CopyTagsToSnapshot: d.CopyTags, Cluster: d.Cluster}, nil
		},
		fix: func(_ Env, cur rdsCopyTagsState) (rdsCopyTagsState, error) {
			if cur.CopyTagsToSnapshot {
				return cur, nil
			}
			if cur.Cluster != "" {
				return cur, Skip("member of DB cluster %s: copying tags to snapshots is the cluster's setting (RDS.16)", cur.Cluster)
			}
			cur.CopyTagsToSnapshot = true
			return cur, nil
		},
		set: func(ctx context.Context, env Env, cur, want rdsCopyTagsState) error {
			if cur.CopyTagsToSnapshot == want.CopyTagsToSnapshot {
				return nil
			}
			return rdsModifyInstance(ctx, env, func(in *rdsapi.ModifyDBInstanceInput) { in.CopyTagsToSnapshot = aws.Bool(want.CopyTagsToSnapshot) })
		},
	}
}
