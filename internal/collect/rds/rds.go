// Package rds collects the Amazon RDS state of one region: DB instances,
// DB clusters, and DB and cluster snapshots with who may restore them.
package rds

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdsapi "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

// detailLimit bounds the concurrent per-snapshot attribute calls.
const detailLimit = 8

// Collector returns the regional "rds" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "rds",
		Actions: []string{
			"rds:DescribeDBInstances",
			"rds:DescribeDBClusters",
			"rds:DescribeDBSnapshots",
			"rds:DescribeDBSnapshotAttributes",
			"rds:DescribeDBClusterSnapshots",
			"rds:DescribeDBClusterSnapshotAttributes",
			"rds:DescribeEventSubscriptions",
		},
		Collect: collectRDS,
	}
}

func collectRDS(ctx context.Context, in collect.Input) error {
	c := rdsapi.NewFromConfig(in.Config)
	out := &rds.RDS{Instances: []*rds.Instance{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeDBInstances(ctx, &rdsapi.DescribeDBInstancesInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.DBInstances {
			out.Instances = append(out.Instances, instance(d))
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe db instances: %w", err)
	}
	// The rest is judged by fewer controls: a failure is recorded and
	// those controls report ERROR, the instance controls still run.
	fail := func(key string, err error) {
		if out.Errors == nil {
			out.Errors = map[string]string{}
		}
		out.Errors[key] = awsx.Brief(err)
	}
	if err := clusters(ctx, c, out); err != nil {
		fail("clusters", err)
	}
	if err := dbSnapshots(ctx, c, out); err != nil {
		fail("snapshots", err)
	}
	if err := clusterSnapshots(ctx, c, out); err != nil {
		fail("cluster_snapshots", err)
	}
	if err := eventSubscriptions(ctx, c, out); err != nil {
		fail("event_subscriptions", err)
	}
	if err := restorers(ctx, c, out.Snapshots); err != nil {
		return err
	}
	in.Region.RDS = out
	return nil
}

func instance(d rdstypes.DBInstance) *rds.Instance {
	i := &rds.Instance{
		ARN:                     aws.ToString(d.DBInstanceArn),
		ID:                      aws.ToString(d.DBInstanceIdentifier),
		Engine:                  aws.ToString(d.Engine),
		Version:                 aws.ToString(d.EngineVersion),
		Class:                   aws.ToString(d.DBInstanceClass),
		Status:                  aws.ToString(d.DBInstanceStatus),
		ClusterID:               aws.ToString(d.DBClusterIdentifier),
		ReplicaOf:               aws.ToString(d.ReadReplicaSourceDBInstanceIdentifier),
		MasterUsername:          aws.ToString(d.MasterUsername),
		PubliclyAccessible:      aws.ToBool(d.PubliclyAccessible),
		StorageEncrypted:        aws.ToBool(d.StorageEncrypted),
		KMSKeyID:                aws.ToString(d.KmsKeyId),
		MultiAZ:                 aws.ToBool(d.MultiAZ),
		MonitoringInterval:      int(aws.ToInt32(d.MonitoringInterval)),
		LogExports:              d.EnabledCloudwatchLogsExports,
		IAMAuth:                 aws.ToBool(d.IAMDatabaseAuthenticationEnabled),
		BackupRetentionDays:     int(aws.ToInt32(d.BackupRetentionPeriod)),
		AutoMinorVersionUpgrade: aws.ToBool(d.AutoMinorVersionUpgrade),
		CopyTagsToSnapshot:      aws.ToBool(d.CopyTagsToSnapshot),
		DeletionProtection:      aws.ToBool(d.DeletionProtection),
		Tags:                    tags(d.TagList),
	}
	if d.DBSubnetGroup != nil {
		i.VpcID = aws.ToString(d.DBSubnetGroup.VpcId)
	}
	if d.Endpoint != nil {
		i.Port = int(aws.ToInt32(d.Endpoint.Port))
	}
	return i
}

func clusters(ctx context.Context, c *rdsapi.Client, out *rds.RDS) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeDBClusters(ctx, &rdsapi.DescribeDBClustersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.DBClusters {
			cl := &rds.Cluster{
				ARN:                     aws.ToString(d.DBClusterArn),
				ID:                      aws.ToString(d.DBClusterIdentifier),
				Engine:                  aws.ToString(d.Engine),
				Status:                  aws.ToString(d.Status),
				MasterUsername:          aws.ToString(d.MasterUsername),
				BacktrackWindow:         aws.ToInt64(d.BacktrackWindow),
				CopyTagsToSnapshot:      aws.ToBool(d.CopyTagsToSnapshot),
				AutoMinorVersionUpgrade: aws.ToBool(d.AutoMinorVersionUpgrade),
				Port:                    int(aws.ToInt32(d.Port)),
				StorageEncrypted:        aws.ToBool(d.StorageEncrypted),
				MultiAZ:                 aws.ToBool(d.MultiAZ),
				IAMAuth:                 aws.ToBool(d.IAMDatabaseAuthenticationEnabled),
				DeletionProtection:      aws.ToBool(d.DeletionProtection),
				BackupRetentionDays:     int(aws.ToInt32(d.BackupRetentionPeriod)),
				LogExports:              d.EnabledCloudwatchLogsExports,
				Tags:                    tags(d.TagList),
			}
			for _, m := range d.DBClusterMembers {
				cl.Members = append(cl.Members, aws.ToString(m.DBInstanceIdentifier))
			}
			out.Clusters = append(out.Clusters, cl)
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe db clusters: %w", err)
	}
	return nil
}

func eventSubscriptions(ctx context.Context, c *rdsapi.Client, out *rds.RDS) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeEventSubscriptions(ctx, &rdsapi.DescribeEventSubscriptionsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, e := range page.EventSubscriptionsList {
			out.EventSubscriptions = append(out.EventSubscriptions, &rds.EventSubscription{
				ARN:        aws.ToString(e.EventSubscriptionArn),
				Name:       aws.ToString(e.CustSubscriptionId),
				SourceType: aws.ToString(e.SourceType),
				Categories: e.EventCategoriesList,
				Enabled:    aws.ToBool(e.Enabled),
				Topic:      aws.ToString(e.SnsTopicArn),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe event subscriptions: %w", err)
	}
	return nil
}

func dbSnapshots(ctx context.Context, c *rdsapi.Client, out *rds.RDS) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeDBSnapshots(ctx, &rdsapi.DescribeDBSnapshotsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.DBSnapshots {
			out.Snapshots = append(out.Snapshots, &rds.Snapshot{
				ARN:       aws.ToString(s.DBSnapshotArn),
				ID:        aws.ToString(s.DBSnapshotIdentifier),
				Source:    aws.ToString(s.DBInstanceIdentifier),
				Type:      aws.ToString(s.SnapshotType),
				Engine:    aws.ToString(s.Engine),
				Encrypted: aws.ToBool(s.Encrypted),
				KMSKeyID:  aws.ToString(s.KmsKeyId),
				Tags:      tags(s.TagList),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe db snapshots: %w", err)
	}
	return nil
}

func clusterSnapshots(ctx context.Context, c *rdsapi.Client, out *rds.RDS) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeDBClusterSnapshots(ctx, &rdsapi.DescribeDBClusterSnapshotsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.DBClusterSnapshots {
			out.Snapshots = append(out.Snapshots, &rds.Snapshot{
				ARN:       aws.ToString(s.DBClusterSnapshotArn),
				ID:        aws.ToString(s.DBClusterSnapshotIdentifier),
				Cluster:   true,
				Source:    aws.ToString(s.DBClusterIdentifier),
				Type:      aws.ToString(s.SnapshotType),
				Engine:    aws.ToString(s.Engine),
				Encrypted: aws.ToBool(s.StorageEncrypted),
				KMSKeyID:  aws.ToString(s.KmsKeyId),
				Tags:      tags(s.TagList),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return fmt.Errorf("describe db cluster snapshots: %w", err)
	}
	return nil
}

// restorers reads the restore attribute of every manual snapshot, a few at
// a time. A snapshot whose attribute cannot be read says so; only a
// cancelled context stops the whole.
func restorers(ctx context.Context, c *rdsapi.Client, snaps []*rds.Snapshot) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, s := range snaps {
		if s.Type != "manual" {
			continue // automated and AWS Backup snapshots cannot be shared
		}
		g.Go(func() error {
			vals, err := restoreAttribute(gctx, c, s)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s.Errors = map[string]string{"attributes": awsx.Brief(err)}
				return nil
			}
			s.RestorableBy = vals
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe snapshot attributes: %w", err)
	}
	return nil
}

func restoreAttribute(ctx context.Context, c *rdsapi.Client, s *rds.Snapshot) ([]string, error) {
	if s.Cluster {
		o, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rdsapi.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(s.ID)})
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
	o, err := c.DescribeDBSnapshotAttributes(ctx, &rdsapi.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(s.ID)})
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
}

func tags(ts []rdstypes.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	out := make(map[string]string, len(ts))
	for _, t := range ts {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}
