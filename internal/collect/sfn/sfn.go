// Package sfn collects the AWS Step Functions state machines of one
// region with their logging configuration.
package sfn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfnapi "github.com/aws/aws-sdk-go-v2/service/sfn"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sfn"
)

const detailLimit = 8

// Collector returns the regional "stepfunctions" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "stepfunctions",
		Actions: []string{"states:ListStateMachines", "states:DescribeStateMachine"},
		Collect: collectSFN,
	}
}

func collectSFN(ctx context.Context, in collect.Input) error {
	c := sfnapi.NewFromConfig(in.Config)
	out := &sfn.StepFunctions{StateMachines: []*sfn.StateMachine{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListStateMachines(ctx, &sfnapi.ListStateMachinesInput{MaxResults: 1000, NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, m := range page.StateMachines {
			out.StateMachines = append(out.StateMachines, &sfn.StateMachine{ARN: aws.ToString(m.StateMachineArn), Name: aws.ToString(m.Name), Type: string(m.Type)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list state machines: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	gone := make([]bool, len(out.StateMachines))
	for i, m := range out.StateMachines {
		g.Go(func() error {
			o, err := c.DescribeStateMachine(gctx, &sfnapi.DescribeStateMachineInput{StateMachineArn: aws.String(m.ARN)})
			switch {
			case err == nil:
				m.LogLevel = "OFF"
				if o.LoggingConfiguration != nil && o.LoggingConfiguration.Level != "" {
					m.LogLevel = string(o.LoggingConfiguration.Level)
				}
			case awsx.IsNotFound(err) || awsx.Code(err) == "StateMachineDoesNotExist":
				gone[i] = true // deleted since it was listed
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				m.Error = awsx.Brief(err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe state machine: %w", err)
	}
	kept := out.StateMachines[:0]
	for i, m := range out.StateMachines {
		if !gone[i] {
			kept = append(kept, m)
		}
	}
	out.StateMachines = kept
	in.Region.StepFunctions = out
	return nil
}
