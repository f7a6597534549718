// Package backup collects the AWS Backup vaults of one region and the
// recovery points each holds, with their encryption.
package backup

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	bkapi "github.com/aws/aws-sdk-go-v2/service/backup"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/backup"
)

// detailLimit bounds the vaults whose recovery points are listed at once.
const detailLimit = 4

// pageSize is the largest page both list calls allow.
const pageSize = 1000

// Collector returns the regional "backup" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "backup",
		Actions: []string{"backup:ListBackupVaults", "backup:ListRecoveryPointsByBackupVault"},
		Collect: collectBackup,
	}
}

func collectBackup(ctx context.Context, in collect.Input) error {
	c := bkapi.NewFromConfig(in.Config)
	out := &backup.Backup{Vaults: []*backup.Vault{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListBackupVaults(ctx, &bkapi.ListBackupVaultsInput{NextToken: token, MaxResults: aws.Int32(pageSize)})
		if err != nil {
			return nil, err
		}
		for _, v := range page.BackupVaultList {
			out.Vaults = append(out.Vaults, &backup.Vault{ARN: aws.ToString(v.BackupVaultArn), Name: aws.ToString(v.BackupVaultName),
				KMSKeyARN: aws.ToString(v.EncryptionKeyArn), Locked: aws.ToBool(v.Locked)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list backup vaults: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, v := range out.Vaults {
		g.Go(func() error {
			points := []*backup.RecoveryPoint{}
			err := awsx.Pages(gctx, func(ctx context.Context, token *string) (*string, error) {
				page, err := c.ListRecoveryPointsByBackupVault(ctx, &bkapi.ListRecoveryPointsByBackupVaultInput{
					BackupVaultName: aws.String(v.Name), NextToken: token, MaxResults: aws.Int32(pageSize)})
				if err != nil {
					return nil, err
				}
				for _, p := range page.RecoveryPoints {
					points = append(points, &backup.RecoveryPoint{ARN: aws.ToString(p.RecoveryPointArn), ResourceARN: aws.ToString(p.ResourceArn),
						ResourceType: aws.ToString(p.ResourceType), Status: string(p.Status), Encrypted: p.IsEncrypted,
						KMSKeyARN: aws.ToString(p.EncryptionKeyArn), Created: aws.ToTime(p.CreationDate)})
				}
				return page.NextToken, nil
			})
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				// Recorded on the vault: Backup.1 reports ERROR for it
				// rather than judging the points it could not see.
				v.Errors = map[string]string{"recovery_points": awsx.Brief(err)}
				return nil
			}
			v.RecoveryPoints = points
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("list recovery points: %w", err)
	}
	in.Region.Backup = out
	return nil
}
