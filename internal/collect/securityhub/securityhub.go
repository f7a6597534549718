// Package securityhub collects the AWS Security Hub (CSPM) state of a
// region: whether the account is subscribed, and its enabled standards.
package securityhub

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/securityhub"
)

// Collector returns the regional Security Hub collector ("securityhub").
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "securityhub",
		Actions: []string{"securityhub:DescribeHub", "securityhub:GetEnabledStandards"},
		Collect: collectSecurityHub,
	}
}

// notSubscribed is the error code of DescribeHub in a region where the
// account is not subscribed to Security Hub. awsx classifies it as access
// denied, as it is for the other calls; for DescribeHub it is the answer.
const notSubscribed = "InvalidAccessException"

func collectSecurityHub(ctx context.Context, in collect.Input) error {
	client := shapi.NewFromConfig(in.Config)
	hub, err := client.DescribeHub(ctx, &shapi.DescribeHubInput{})
	if awsx.Code(err) == notSubscribed {
		in.Region.SecurityHub = &securityhub.SecurityHub{Enabled: false}
		return nil
	}
	if err != nil {
		return fmt.Errorf("describe hub: %w", err)
	}
	out := &securityhub.SecurityHub{Enabled: true, HubARN: aws.ToString(hub.HubArn),
		AutoEnableControls: aws.ToBool(hub.AutoEnableControls), ControlFindingGenerator: string(hub.ControlFindingGenerator),
		Standards: []securityhub.Standard{}}
	if t, err := time.Parse(time.RFC3339Nano, aws.ToString(hub.SubscribedAt)); err == nil {
		out.SubscribedAt = t
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.GetEnabledStandards(ctx, &shapi.GetEnabledStandardsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.StandardsSubscriptions {
			out.Standards = append(out.Standards, securityhub.Standard{ARN: aws.ToString(s.StandardsArn),
				SubscriptionARN: aws.ToString(s.StandardsSubscriptionArn), Status: string(s.StandardsStatus)})
		}
		return page.NextToken, nil
	}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		out.Standards = nil
		out.Errors = map[string]string{securityhub.DetailStandards: awsx.Brief(err)}
	}
	in.Region.SecurityHub = out
	return nil
}
