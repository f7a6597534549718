// Package dynamodb collects the Amazon DynamoDB tables of one region,
// each described and with its point-in-time recovery status.
package dynamodb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddbapi "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/dynamodb"
)

// detailLimit bounds the concurrent per-table calls.
const detailLimit = 8

// Collector returns the regional "dynamodb" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "dynamodb",
		Actions: []string{"dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"},
		Collect: collectDynamoDB,
	}
}

func collectDynamoDB(ctx context.Context, in collect.Input) error {
	c := ddbapi.NewFromConfig(in.Config)
	out := &dynamodb.DynamoDB{Tables: []*dynamodb.Table{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListTables(ctx, &ddbapi.ListTablesInput{ExclusiveStartTableName: token})
		if err != nil {
			return nil, err
		}
		for _, n := range page.TableNames {
			out.Tables = append(out.Tables, &dynamodb.Table{Name: n})
		}
		return page.LastEvaluatedTableName, nil
	}); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, t := range out.Tables {
		g.Go(func() error {
			errs := map[string]string{}
			d, err := c.DescribeTable(gctx, &ddbapi.DescribeTableInput{TableName: aws.String(t.Name)})
			switch {
			case err != nil:
				errs["table"] = awsx.Brief(err)
			case d.Table != nil:
				tb := d.Table
				t.ARN, t.Status, t.DeletionProtection = aws.ToString(tb.TableArn), string(tb.TableStatus), aws.ToBool(tb.DeletionProtectionEnabled)
				if tb.BillingModeSummary != nil {
					t.BillingMode = string(tb.BillingModeSummary.BillingMode)
				}
				if tb.SSEDescription != nil {
					t.KMSKeyID = aws.ToString(tb.SSEDescription.KMSMasterKeyArn)
				}
			}
			b, err := c.DescribeContinuousBackups(gctx, &ddbapi.DescribeContinuousBackupsInput{TableName: aws.String(t.Name)})
			switch {
			case err != nil:
				errs["backups"] = awsx.Brief(err)
			case b.ContinuousBackupsDescription != nil && b.ContinuousBackupsDescription.PointInTimeRecoveryDescription != nil:
				t.PITR = b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == "ENABLED"
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if len(errs) > 0 {
				t.Errors = errs
			}
			if t.ARN == "" {
				// The documented table ARN, for a table that could not be described.
				partition := in.Target.Partition
				if partition == "" {
					partition = "aws"
				}
				t.ARN = fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", partition, in.Target.Region, in.Target.Account, t.Name)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe tables: %w", err)
	}
	in.Region.DynamoDB = out
	return nil
}
