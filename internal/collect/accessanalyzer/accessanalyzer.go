// Package accessanalyzer collects the IAM Access Analyzer state of a
// region: its analyzers.
package accessanalyzer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	aaapi "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"

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
	pages := aaapi.NewListAnalyzersPaginator(client, &aaapi.ListAnalyzersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list analyzers: %w", err)
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
	}
	in.Region.AccessAnalyzer = out
	return nil
}
