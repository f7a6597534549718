// Package logs collects CloudWatch Logs in one region: the log groups and
// every metric filter (the CIS monitoring chain reads the filters on the
// log group a trail sends to).
package logs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logsapi "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
)

// Collector returns the regional "logs" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "logs",
		Actions: []string{"logs:DescribeLogGroups", "logs:DescribeMetricFilters"},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := logsapi.NewFromConfig(in.Config)
	l := &logs.Logs{Groups: []logs.LogGroup{}, MetricFilters: []logs.MetricFilter{}}
	groups := logsapi.NewDescribeLogGroupsPaginator(client, &logsapi.DescribeLogGroupsInput{})
	for groups.HasMorePages() {
		page, err := groups.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			arn := aws.ToString(g.LogGroupArn)
			if arn == "" {
				arn = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			}
			l.Groups = append(l.Groups, logs.LogGroup{
				ARN:           arn,
				Name:          aws.ToString(g.LogGroupName),
				RetentionDays: int(aws.ToInt32(g.RetentionInDays)),
				KMSKeyID:      aws.ToString(g.KmsKeyId),
				Created:       millis(g.CreationTime),
			})
		}
	}
	filters := logsapi.NewDescribeMetricFiltersPaginator(client, &logsapi.DescribeMetricFiltersInput{})
	for filters.HasMorePages() {
		page, err := filters.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe metric filters: %w", err)
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
