// Package cloudwatch collects the CloudWatch metric alarms of one region.
package cloudwatch

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwapi "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
)

// Collector returns the regional "cloudwatch" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "cloudwatch",
		Actions: []string{"cloudwatch:DescribeAlarms"},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := cwapi.NewFromConfig(in.Config)
	cw := &cloudwatch.CloudWatch{Alarms: []cloudwatch.Alarm{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.DescribeAlarms(ctx, &cwapi.DescribeAlarmsInput{
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
			NextToken:  token,
		})
		if err != nil {
			return nil, err
		}
		for _, a := range page.MetricAlarms {
			al := cloudwatch.Alarm{
				ARN:                     aws.ToString(a.AlarmArn),
				Name:                    aws.ToString(a.AlarmName),
				MetricName:              aws.ToString(a.MetricName),
				Namespace:               aws.ToString(a.Namespace),
				Statistic:               string(a.Statistic),
				Period:                  aws.ToInt32(a.Period),
				EvaluationPeriods:       aws.ToInt32(a.EvaluationPeriods),
				Threshold:               aws.ToFloat64(a.Threshold),
				ComparisonOperator:      string(a.ComparisonOperator),
				ActionsEnabled:          a.ActionsEnabled == nil || *a.ActionsEnabled,
				AlarmActions:            a.AlarmActions,
				OKActions:               a.OKActions,
				InsufficientDataActions: a.InsufficientDataActions,
				State:                   string(a.StateValue),
			}
			for _, d := range a.Dimensions {
				if al.Dimensions == nil {
					al.Dimensions = map[string]string{}
				}
				al.Dimensions[aws.ToString(d.Name)] = aws.ToString(d.Value)
			}
			cw.Alarms = append(cw.Alarms, al)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe alarms: %w", err)
	}
	in.Region.CloudWatch = cw
	return nil
}
