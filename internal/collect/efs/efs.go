// Package efs collects the Amazon EFS state of one region: file systems
// with their automatic backup policy, and access points.
package efs

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	efsapi "github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/efs"
)

// detailLimit bounds the concurrent per-file-system calls.
const detailLimit = 8

// Collector returns the regional "efs" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "efs",
		Actions: []string{
			"elasticfilesystem:DescribeFileSystems",
			"elasticfilesystem:DescribeAccessPoints",
			"elasticfilesystem:DescribeBackupPolicy",
		},
		Collect: collectEFS,
	}
}

func collectEFS(ctx context.Context, in collect.Input) error {
	c := efsapi.NewFromConfig(in.Config)
	out := &efs.EFS{FileSystems: []*efs.FileSystem{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeFileSystems(ctx, &efsapi.DescribeFileSystemsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, f := range page.FileSystems {
			fs := &efs.FileSystem{ARN: aws.ToString(f.FileSystemArn), ID: aws.ToString(f.FileSystemId), Name: aws.ToString(f.Name),
				Encrypted: aws.ToBool(f.Encrypted), KMSKeyID: aws.ToString(f.KmsKeyId)}
			for _, t := range f.Tags {
				if fs.Tags == nil {
					fs.Tags = map[string]string{}
				}
				fs.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			out.FileSystems = append(out.FileSystems, fs)
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("describe file systems: %w", err)
	}
	// Access points are judged by fewer controls: a failure is recorded
	// and those report ERROR; the file system controls still run.
	if err := accessPoints(ctx, c, out); err != nil {
		out.Errors = map[string]string{"access_points": awsx.Brief(err)}
	}
	if err := backups(ctx, c, out.FileSystems); err != nil {
		return err
	}
	in.Region.EFS = out
	return nil
}

func accessPoints(ctx context.Context, c *efsapi.Client, out *efs.EFS) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, a := range page.AccessPoints {
			ap := &efs.AccessPoint{ARN: aws.ToString(a.AccessPointArn), ID: aws.ToString(a.AccessPointId), Name: aws.ToString(a.Name),
				FileSystemID: aws.ToString(a.FileSystemId), RootDirectory: "/"}
			if a.RootDirectory != nil && aws.ToString(a.RootDirectory.Path) != "" {
				ap.RootDirectory = aws.ToString(a.RootDirectory.Path)
			}
			if u := a.PosixUser; u != nil {
				ap.PosixUser, ap.UID, ap.GID = true, aws.ToInt64(u.Uid), aws.ToInt64(u.Gid)
			}
			out.AccessPoints = append(out.AccessPoints, ap)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe access points: %w", err)
	}
	return nil
}

// backups reads each file system's automatic backup policy, a few at a
// time. PolicyNotFound means no policy was ever set (backups off); any
// other failure is recorded on the file system.
func backups(ctx context.Context, c *efsapi.Client, fss []*efs.FileSystem) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, fs := range fss {
		g.Go(func() error {
			o, err := c.DescribeBackupPolicy(gctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String(fs.ID)})
			var none *efstypes.PolicyNotFound
			switch {
			case errors.As(err, &none):
				fs.Backup = ""
			case err != nil:
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fs.Errors = map[string]string{"backup_policy": awsx.Brief(err)}
			case o.BackupPolicy != nil:
				fs.Backup = string(o.BackupPolicy.Status)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe backup policies: %w", err)
	}
	return nil
}
