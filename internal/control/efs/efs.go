// Package efs holds the Amazon EFS controls: file systems (EFS.1, EFS.7)
// and access points (EFS.3, EFS.4). They read the "efs" collector's state
// and never call AWS.
package efs

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/efs"
)

// Controls returns the EFS controls.
func Controls() []*control.Control {
	return []*control.Control{efs1(), efs3(), efs4(), efs7()}
}

const (
	fsType = "AwsEfsFileSystem"
	apType = "AwsEfsAccessPoint"
)

func state(in *control.Input) *efs.EFS {
	if in.Region == nil || in.Region.EFS == nil {
		in.Error(in.AccountMeta(), "EFS state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.EFS
}

func fsControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, f *efs.FileSystem)) *control.Control {
	c.Service, c.ResourceType, c.Needs = "EFS", fsType, []string{"efs"}
	c.Check = func(in *control.Input) {
		e := state(in)
		if e == nil {
			return
		}
		for _, f := range e.FileSystems {
			judge(in, snapshot.Meta{ARN: f.ARN, Type: fsType, Name: f.ID, Account: in.Account.ID, Region: in.RegionName(), Tags: f.Tags}, f)
		}
	}
	return &c
}

// apControl completes c as a control over every access point; an access
// point list that could not be read is one ERROR for the region.
func apControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, a *efs.AccessPoint)) *control.Control {
	c.Service, c.ResourceType, c.Needs = "EFS", apType, []string{"efs"}
	c.Check = func(in *control.Input) {
		e := state(in)
		if e == nil {
			return
		}
		if why, ok := e.Errors["access_points"]; ok {
			in.Error(in.AccountMeta(), "could not list access points: %s", why)
			return
		}
		for _, a := range e.AccessPoints {
			judge(in, snapshot.Meta{ARN: a.ARN, Type: apType, Name: a.ID, Account: in.Account.ID, Region: in.RegionName()}, a)
		}
	}
	return &c
}

func efs1() *control.Control {
	return fsControl(control.Control{
		ID:       "EFS.1",
		Title:    "Elastic File System should be configured to encrypt file data at-rest using AWS KMS",
		Severity: control.Medium,
		Rationale: "Encryption at rest with a KMS key protects the files and their metadata on the storage " +
			"media, and puts every decryption under the key's policy and CloudTrail.",
		Remediation: "Encryption is chosen when a file system is created: create an encrypted file system, copy the data " +
			"(AWS DataSync or a restore of an AWS Backup recovery point into it), and move the mounts.\n" +
			"CLI: aws efs create-file-system --encrypted --kms-key-id <key> --creation-token <token>, then " +
			"aws datasync create-task ... from the old file system to the new one",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, f *efs.FileSystem) {
		if f.Encrypted {
			in.Pass(m, "encrypted with KMS key %s", f.KMSKeyID)
			return
		}
		in.Fail(m, "not encrypted at rest")
	})
}

func efs3() *control.Control {
	return apControl(control.Control{
		ID:       "EFS.3",
		Title:    "EFS access points should enforce a root directory",
		Severity: control.Medium,
		Rationale: "An access point that enforces a root directory confines its clients to that directory tree, " +
			"so an application cannot read or change the rest of the file system.",
		Remediation: "An access point's root directory cannot be changed: create an access point with a root " +
			"directory for the application, move clients to it and delete the old one.\n" +
			"CLI: aws efs create-access-point --file-system-id <fs> --root-directory " +
			"'Path=/app,CreationInfo={OwnerUid=1000,OwnerGid=1000,Permissions=750}' --posix-user Uid=1000,Gid=1000",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, a *efs.AccessPoint) {
		if a.RootDirectory == "/" || a.RootDirectory == "" {
			in.Fail(m, "exposes the file system's root directory")
			return
		}
		in.Pass(m, "root directory %s", a.RootDirectory)
	})
}

func efs4() *control.Control {
	return apControl(control.Control{
		ID:       "EFS.4",
		Title:    "EFS access points should enforce a user identity",
		Severity: control.Medium,
		Rationale: "An access point that enforces a POSIX user makes every request through it act as that user " +
			"and group, whatever identity the client claims, so file permissions hold.",
		Remediation: "An access point's user cannot be changed: create an access point with a POSIX user, move " +
			"clients to it and delete the old one.\n" +
			"CLI: aws efs create-access-point --file-system-id <fs> --posix-user Uid=1000,Gid=1000 --root-directory Path=/app",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, a *efs.AccessPoint) {
		if a.PosixUser {
			in.Pass(m, "enforces user %d group %d", a.UID, a.GID)
			return
		}
		in.Fail(m, "enforces no user identity")
	})
}

func efs7() *control.Control {
	return fsControl(control.Control{
		ID:       "EFS.7",
		Title:    "EFS file systems should have automatic backups enabled",
		Severity: control.Medium,
		Rationale: "Automatic backups copy the file system daily into AWS Backup, so files deleted, corrupted or " +
			"encrypted by ransomware can be restored.",
		Remediation: "Console: Amazon EFS > File systems > the file system > Edit > Automatic backups: Enable > Save changes.\n" +
			"CLI: aws efs put-backup-policy --file-system-id <fs> --backup-policy Status=ENABLED",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, f *efs.FileSystem) {
		if why, ok := f.Errors["backup_policy"]; ok {
			in.Error(m, "could not read the backup policy: %s", why)
			return
		}
		switch f.Backup {
		case "ENABLED":
			in.Pass(m, "automatic backups enabled")
		case "":
			in.Fail(m, "no automatic backup policy")
		default:
			in.Fail(m, "automatic backups %s", f.Backup)
		}
	})
}
