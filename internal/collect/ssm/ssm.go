// Package ssm collects the AWS Systems Manager state of one region: the
// instances the agent manages, their patch and association compliance,
// the account's documents and whom they are shared with, and the
// block-public-sharing setting.
package ssm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssmapi "github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ssm"
	"github.com/guardrail-sec/guardrail/internal/target"
)

const (
	detailLimit = 8
	// publicSharing is the service setting that blocks public documents.
	publicSharing = "/ssm/documents/console/public-sharing-permission"
)

// Collector returns the regional "ssm" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "ssm",
		Actions: []string{
			"ssm:DescribeInstanceInformation",
			"ssm:ListResourceComplianceSummaries",
			"ssm:ListDocuments",
			"ssm:DescribeDocumentPermission",
			"ssm:GetServiceSetting",
		},
		Collect: collectSSM,
	}
}

func collectSSM(ctx context.Context, in collect.Input) error {
	c := ssmapi.NewFromConfig(in.Config)
	out := &ssm.SSM{ManagedInstances: map[string]string{}, Patch: map[string]string{}, Association: map[string]string{}, Documents: []*ssm.Document{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeInstanceInformation(ctx, &ssmapi.DescribeInstanceInformationInput{MaxResults: aws.Int32(50), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, i := range page.InstanceInformationList {
			out.ManagedInstances[aws.ToString(i.InstanceId)] = string(i.PingStatus)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe instance information: %w", err)
	}
	fail := func(part string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if out.Errors == nil {
			out.Errors = map[string]string{}
		}
		out.Errors[part] = awsx.Brief(err)
		return nil
	}
	if err := compliance(ctx, c, out); err != nil {
		if err := fail(ssm.PartCompliance, err); err != nil {
			return err
		}
		out.Patch, out.Association = nil, nil
	}
	if err := documents(ctx, c, in, out); err != nil {
		if err := fail(ssm.PartDocuments, err); err != nil {
			return err
		}
		out.Documents = nil
	}
	o, err := c.GetServiceSetting(ctx, &ssmapi.GetServiceSettingInput{SettingId: aws.String(publicSharing)})
	if err == nil {
		out.PublicSharingBlocked = aws.ToString(o.ServiceSetting.SettingValue) == "Disable"
	} else if err := fail(ssm.PartSetting, err); err != nil {
		return err
	}
	in.Region.SSM = out
	return nil
}

func compliance(ctx context.Context, c *ssmapi.Client, out *ssm.SSM) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListResourceComplianceSummaries(ctx, &ssmapi.ListResourceComplianceSummariesInput{
			MaxResults: aws.Int32(100), NextToken: token,
			Filters: []ssmtypes.ComplianceStringFilter{{Key: aws.String("ComplianceType"), Values: []string{"Patch", "Association"},
				Type: ssmtypes.ComplianceQueryOperatorTypeEqual}},
		})
		if err != nil {
			return nil, err
		}
		for _, s := range page.ResourceComplianceSummaryItems {
			if aws.ToString(s.ResourceType) != "ManagedInstance" {
				continue
			}
			switch aws.ToString(s.ComplianceType) {
			case "Patch":
				out.Patch[aws.ToString(s.ResourceId)] = string(s.Status)
			case "Association":
				out.Association[aws.ToString(s.ResourceId)] = string(s.Status)
			}
		}
		return page.NextToken, nil
	})
}

// documents lists the account's own documents and reads whom each is
// shared with, a few at a time; a document whose permissions cannot be
// read says so.
func documents(ctx context.Context, c *ssmapi.Client, in collect.Input, out *ssm.SSM) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListDocuments(ctx, &ssmapi.ListDocumentsInput{MaxResults: aws.Int32(50), NextToken: token,
			Filters: []ssmtypes.DocumentKeyValuesFilter{{Key: aws.String("Owner"), Values: []string{"Self"}}}})
		if err != nil {
			return nil, err
		}
		for _, d := range page.DocumentIdentifiers {
			name := aws.ToString(d.Name)
			out.Documents = append(out.Documents, &ssm.Document{Name: name,
				ARN: fmt.Sprintf("arn:%s:ssm:%s:%s:document/%s", partition(in), in.Target.Region, in.Target.Account, name)})
		}
		return page.NextToken, nil
	}); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, d := range out.Documents {
		g.Go(func() error {
			err := awsx.Pages(gctx, func(ctx context.Context, token *string) (*string, error) {
				o, err := c.DescribeDocumentPermission(ctx, &ssmapi.DescribeDocumentPermissionInput{Name: aws.String(d.Name),
					PermissionType: ssmtypes.DocumentPermissionTypeShare, MaxResults: aws.Int32(200), NextToken: token})
				if err != nil {
					return nil, err
				}
				d.SharedWith = append(d.SharedWith, o.AccountIds...)
				return o.NextToken, nil
			})
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				d.SharedWith, d.Error = nil, awsx.Brief(err)
			}
			return nil
		})
	}
	return g.Wait()
}

func partition(in collect.Input) string {
	if in.Target.Partition != "" {
		return in.Target.Partition
	}
	return target.PartitionOf(in.Target.Region)
}
