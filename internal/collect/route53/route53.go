// Package route53 collects the Amazon Route 53 hosted zones of an account
// (a global service, read once per account) and the query logging
// configuration of each.
//
// The configurations are listed once for the whole account
// (ListQueryLoggingConfigs without a zone ID returns every configuration
// of the account) rather than once per zone: Route 53 allows five
// requests per second per account, and an account with hundreds of zones
// would otherwise spend a minute here.
package route53

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	r53api "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/route53"
)

// Collector returns the global "route53" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "route53",
		Global:  true,
		Actions: []string{"route53:ListHostedZones", "route53:ListQueryLoggingConfigs"},
		Collect: collectRoute53,
	}
}

func collectRoute53(ctx context.Context, in collect.Input) error {
	c := r53api.NewFromConfig(in.Config)
	partition := in.Target.Partition
	if partition == "" {
		partition = "aws"
	}
	out := &route53.Route53{HostedZones: []*route53.HostedZone{}}
	byID := map[string]*route53.HostedZone{}
	if err := awsx.Pages(ctx, func(ctx context.Context, marker *string) (*string, error) {
		page, err := c.ListHostedZones(ctx, &r53api.ListHostedZonesInput{Marker: marker})
		if err != nil {
			return nil, err
		}
		for _, z := range page.HostedZones {
			id := strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
			hz := &route53.HostedZone{ID: id, ARN: fmt.Sprintf("arn:%s:route53:::hostedzone/%s", partition, id), Name: aws.ToString(z.Name)}
			if z.Config != nil {
				hz.Private = z.Config.PrivateZone
			}
			if byID[id] == nil {
				byID[id] = hz
				out.HostedZones = append(out.HostedZones, hz)
			}
		}
		if !page.IsTruncated {
			return nil, nil
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("list hosted zones: %w", err)
	}
	if len(out.HostedZones) > 0 {
		err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			page, err := c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{NextToken: token})
			if err != nil {
				return nil, err
			}
			for _, q := range page.QueryLoggingConfigs {
				if z := byID[strings.TrimPrefix(aws.ToString(q.HostedZoneId), "/hostedzone/")]; z != nil {
					z.QueryLogGroups = append(z.QueryLogGroups, aws.ToString(q.CloudWatchLogsLogGroupArn))
				}
			}
			return page.NextToken, nil
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// The zones stand; what each logs is unknown, so Route53.2
			// reports ERROR for every public zone rather than FAILED.
			why := awsx.Brief(err)
			for _, z := range out.HostedZones {
				z.QueryLogGroups = nil
				z.Errors = map[string]string{"query_logging": why}
			}
		}
	}
	in.Account.Route53 = out
	return nil
}
