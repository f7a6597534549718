package backup_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	bkapi "github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)

const key = "arn:aws:kms:eu-west-1:222222222222:key/vault-key"

func seed(vaults, points int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	main := &world.BackupVault{Name: "main", KMSKeyARN: key, Created: created, RecoveryPoints: []*world.BackupRecoveryPoint{
		{ID: "efs-1", ResourceARN: "arn:aws:elasticfilesystem:eu-west-1:222222222222:file-system/fs-1", ResourceType: "EFS",
			Encrypted: true, SizeBytes: 1 << 20, Created: created.Add(time.Hour)},
		{ARN: "arn:aws:ec2:eu-west-1::snapshot/snap-0plain", ResourceARN: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-1",
			ResourceType: "EBS", Created: created},
	}}
	r.Backup.Vaults = []*world.BackupVault{main, {Name: "Default", Created: created}}
	for i := 0; i < vaults; i++ {
		r.Backup.Vaults = append(r.Backup.Vaults, &world.BackupVault{Name: fmt.Sprintf("v%03d", i), Created: created})
	}
	for i := 0; i < points; i++ {
		main.RecoveryPoints = append(main.RecoveryPoints, &world.BackupRecoveryPoint{ID: fmt.Sprintf("p%04d", i), ResourceType: "DynamoDB",
			Encrypted: true, Created: created.Add(-time.Duration(i+1) * time.Minute)})
	}
	return w
}

func TestVaultsAndRecoveryPoints(t *testing.T) {
	s := simtest.Start(t, seed(0, 0))
	c := bkapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{})
	if err != nil || len(l.BackupVaultList) != 2 || l.NextToken != nil {
		t.Fatalf("%+v %v", l, err)
	}
	d, m := l.BackupVaultList[0], l.BackupVaultList[1]
	if aws.ToString(d.BackupVaultName) != "Default" || aws.ToString(d.EncryptionKeyArn) == "" ||
		aws.ToString(m.BackupVaultArn) != "arn:aws:backup:eu-west-1:222222222222:backup-vault:main" ||
		aws.ToString(m.EncryptionKeyArn) != key || m.NumberOfRecoveryPoints != 2 || !aws.ToTime(m.CreationDate).Equal(created) {
		t.Errorf("vaults = %+v %+v", d, m)
	}
	p, err := c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	if err != nil || len(p.RecoveryPoints) != 2 {
		t.Fatalf("%+v %v", p, err)
	}
	efs, ebs := p.RecoveryPoints[0], p.RecoveryPoints[1]
	if aws.ToString(efs.RecoveryPointArn) != "arn:aws:backup:eu-west-1:222222222222:recovery-point:efs-1" || !efs.IsEncrypted ||
		aws.ToString(efs.EncryptionKeyArn) != key || efs.Status != bktypes.RecoveryPointStatusCompleted || aws.ToString(efs.ResourceType) != "EFS" {
		t.Errorf("efs point = %+v", efs)
	}
	if aws.ToString(ebs.RecoveryPointArn) != "arn:aws:ec2:eu-west-1::snapshot/snap-0plain" || ebs.IsEncrypted || ebs.EncryptionKeyArn != nil {
		t.Errorf("ebs point = %+v", ebs)
	}
	p, err = c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main"), ByResourceType: aws.String("EBS")})
	if err != nil || len(p.RecoveryPoints) != 1 {
		t.Errorf("by type: %+v %v", p, err)
	}
	var nf *bktypes.ResourceNotFoundException
	if _, err := c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing vault: %v", err)
	}
	var iv *bktypes.InvalidParameterValueException
	if _, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{MaxResults: aws.Int32(1001)}); !errors.As(err, &iv) {
		t.Errorf("maxResults 1001: %v", err)
	}
	if _, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{NextToken: aws.String("garbage")}); !errors.As(err, &iv) {
		t.Errorf("bad token: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(148, 250))
	c := bkapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var vaults []string
	var token *string
	for pages := 1; ; pages++ {
		l, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{NextToken: token, MaxResults: aws.Int32(100)})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range l.BackupVaultList {
			vaults = append(vaults, aws.ToString(v.BackupVaultName))
		}
		if token = l.NextToken; token == nil {
			if pages != 2 {
				t.Errorf("%d pages", pages)
			}
			break
		}
	}
	if len(vaults) != 150 || vaults[149] != "v147" {
		t.Errorf("%d vaults, last %s", len(vaults), vaults[len(vaults)-1])
	}
	var points []string
	token = nil
	for pages := 1; ; pages++ {
		p, err := c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main"),
			NextToken: token, MaxResults: aws.Int32(100)})
		if err != nil {
			t.Fatal(err)
		}
		for _, rp := range p.RecoveryPoints {
			points = append(points, aws.ToString(rp.RecoveryPointArn))
		}
		if token = p.NextToken; token == nil {
			if pages != 3 {
				t.Errorf("%d pages", pages)
			}
			break
		}
	}
	if len(points) != 252 {
		t.Errorf("%d recovery points", len(points))
	}
}

func TestCreateAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0, 0))
	c := bkapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.CreateBackupVault(ctx, &bkapi.CreateBackupVaultInput{BackupVaultName: aws.String("audit-vault"), EncryptionKeyArn: aws.String(key)})
	if err != nil || aws.ToString(out.BackupVaultArn) != "arn:aws:backup:eu-west-1:222222222222:backup-vault:audit-vault" {
		t.Fatalf("%+v %v", out, err)
	}
	var exists *bktypes.AlreadyExistsException
	if _, err := c.CreateBackupVault(ctx, &bkapi.CreateBackupVaultInput{BackupVaultName: aws.String("audit-vault")}); !errors.As(err, &exists) {
		t.Errorf("create twice: %v", err)
	}
	var iv *bktypes.InvalidParameterValueException
	if _, err := c.CreateBackupVault(ctx, &bkapi.CreateBackupVaultInput{BackupVaultName: aws.String("x")}); !errors.As(err, &iv) {
		t.Errorf("short name: %v", err)
	}
	p, err := c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("audit-vault")})
	if err != nil || len(p.RecoveryPoints) != 0 {
		t.Errorf("new vault: %+v %v", p, err)
	}
	l, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{})
	if err != nil || len(l.BackupVaultList) != 3 || aws.ToString(l.BackupVaultList[1].EncryptionKeyArn) != key {
		t.Errorf("read after write: %+v %v", l, err)
	}
	for _, other := range []*bkapi.Client{
		bkapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		bkapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if l, err := other.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{}); err != nil || len(l.BackupVaultList) != 0 {
			t.Errorf("isolation: %+v %v", l, err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Backup]("backup")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
