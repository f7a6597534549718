// Package eventbridge collects the Amazon EventBridge event buses of one
// region with their resource policies (EventBridge.3). ListEventBuses
// returns each bus's policy, so one paged call serves.
package eventbridge

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	eventsapi "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eventbridge"
)

// Collector returns the regional "eventbridge" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "eventbridge",
		Actions: []string{"events:ListEventBuses"},
		Collect: collectRegion,
	}
}

// pageSize is ListEventBuses' largest page (Limit).
const pageSize = 100

func collectRegion(ctx context.Context, in collect.Input) error {
	client := eventsapi.NewFromConfig(in.Config)
	s := &eventbridge.EventBridge{Buses: []eventbridge.Bus{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListEventBuses(ctx, &eventsapi.ListEventBusesInput{NextToken: token, Limit: aws.Int32(pageSize)})
		if err != nil {
			return nil, err
		}
		for _, b := range page.EventBuses {
			s.Buses = append(s.Buses, eventbridge.Bus{Name: aws.ToString(b.Name), ARN: aws.ToString(b.Arn), Policy: aws.ToString(b.Policy)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list event buses: %w", err)
	}
	in.Region.EventBridge = s
	return nil
}
