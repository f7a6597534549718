// Package accessanalyzer collects the IAM Access Analyzer state of a
// region: its analyzers.
package accessanalyzer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	aaapi "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/accessanalyzer"
)

// Collector returns the regional IAM Access Analyzer collector
// ("accessanalyzer").
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "accessanalyzer",
		Actions: []string{"access-analyzer:ListAnalyzers"},
		Collect: collectAnalyzers,
	}
}

func collectAnalyzers(ctx context.Context, in collect.Input) error {
	client := aaapi.NewFromConfig(in.Config)
	out := &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListAnalyzers(ctx, &aaapi.ListAnalyzersInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Analyzers {
			an := accessanalyzer.Analyzer{ARN: aws.ToString(a.Arn), Name: aws.ToString(a.Name), Type: string(a.Type),
				Status: string(a.Status), CreatedAt: aws.ToTime(a.CreatedAt)}
			if a.StatusReason != nil {
				an.StatusReason = string(a.StatusReason.Code)
			}
			if len(a.Tags) > 0 {
				an.Tags = a.Tags
			}
			out.Analyzers = append(out.Analyzers, an)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list analyzers: %w", err)
	}
	in.Region.AccessAnalyzer = out
	return nil
}
