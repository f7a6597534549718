// Package backup holds the AWS Backup control (Backup.1). It reads the
// "backup" collector's state and never calls AWS.
package backup

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Controls returns the AWS Backup controls.
func Controls() []*control.Control {
	return []*control.Control{backup1()}
}

const resourceType = "AwsBackupRecoveryPoint"

// backup1 judges each recovery point by IsEncrypted, as the
// backup-recovery-point-encrypted rule does. AWS Backup encrypts the
// backups of services it fully manages (EFS, DynamoDB with advanced
// features, S3) with the vault's key, so those always pass; an EBS or RDS
// snapshot keeps its source's encryption, and an unencrypted volume or
// database gives an unencrypted recovery point. A vault whose points
// could not be listed is ERROR, never a pass by absence.
func backup1() *control.Control {
	return &control.Control{
		ID:           "Backup.1",
		Title:        "AWS Backup recovery points should be encrypted at rest",
		Severity:     control.Medium,
		Service:      "Backup",
		ResourceType: resourceType,
		Needs:        []string{"backup"},
		Rationale: "A recovery point is a full copy of the data it protects; unencrypted, it can be read by anyone " +
			"who can reach the snapshot, whatever protects the source.",
		Remediation: "A recovery point's encryption cannot be changed. For EBS and RDS, whose recovery points keep the " +
			"source's encryption, encrypt the source (copy the snapshot with encryption and restore, or turn on EBS " +
			"encryption by default), or copy the recovery point into a vault with a KMS key: " +
			"aws backup start-copy-job --recovery-point-arn <arn> --source-backup-vault-name <vault> " +
			"--destination-backup-vault-arn <arn of a vault with a KMS key> --iam-role-arn <role>. " +
			"Then delete the unencrypted recovery point once the encrypted copy completes.",
		WellArchitected: []string{"SEC08"},
		Check: func(in *control.Input) {
			if in.Region == nil || in.Region.Backup == nil {
				in.Error(in.AccountMeta(), "AWS Backup state was not collected in %s", in.RegionName())
				return
			}
			for _, v := range in.Region.Backup.Vaults {
				if why, ok := v.Errors["recovery_points"]; ok {
					m := snapshot.Meta{ARN: v.ARN, Type: "AwsBackupBackupVault", Name: v.Name, Account: in.Account.ID, Region: in.RegionName()}
					in.Error(m, "could not list the vault's recovery points: %s", why)
					continue
				}
				for _, p := range v.RecoveryPoints {
					m := snapshot.Meta{ARN: p.ARN, Type: resourceType, Name: p.ResourceType + " " + p.ResourceARN,
						Account: in.Account.ID, Region: in.RegionName()}
					in.Check(m, p.Encrypted, "encrypted in vault "+v.Name+" with "+p.KMSKeyARN,
						"not encrypted ("+p.ResourceType+" backup of "+p.ResourceARN+" in vault "+v.Name+")")
				}
			}
		},
	}
}
