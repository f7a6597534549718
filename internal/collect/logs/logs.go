// Package logs collects the CloudWatch Logs metric filters of one region,
// of every log group (the CIS monitoring chain reads the filters of the
// log group a trail sends to). Log groups themselves are not listed: an
// account can have thousands, and the chain needs only their filters.
package logs

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logsapi "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
)

// Collector returns the regional "logs" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "logs",
		Actions: []string{"logs:DescribeMetricFilters"},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := logsapi.NewFromConfig(in.Config)
	l := &logs.Logs{MetricFilters: []logs.MetricFilter{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.DescribeMetricFilters(ctx, &logsapi.DescribeMetricFiltersInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, f := range page.MetricFilters {
			mf := logs.MetricFilter{
				Name:            aws.ToString(f.FilterName),
				LogGroupName:    aws.ToString(f.LogGroupName),
				Pattern:         aws.ToString(f.FilterPattern),
				Transformations: []logs.MetricTransformation{},
				Created:         millis(f.CreationTime),
			}
			for _, t := range f.MetricTransformations {
				mf.Transformations = append(mf.Transformations, logs.MetricTransformation{
					MetricName:      aws.ToString(t.MetricName),
					MetricNamespace: aws.ToString(t.MetricNamespace),
					MetricValue:     aws.ToString(t.MetricValue),
				})
			}
			l.MetricFilters = append(l.MetricFilters, mf)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe metric filters: %w", err)
	}
	in.Region.Logs = l
	return nil
}

func millis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}
