// Package ecr collects the Amazon ECR private registry of one region:
// every repository's tag mutability, effective scanning configuration
// (BatchGetRepositoryScanningConfiguration, which applies the registry's
// rules) and whether it has a lifecycle policy.
package ecr

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecrapi "github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecr"
)

const (
	detailLimit = 8
	// scanBatch is the most names BatchGetRepositoryScanningConfiguration takes.
	scanBatch = 25
)

// Collector returns the regional "ecr" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "ecr",
		Actions: []string{
			"ecr:DescribeRepositories",
			"ecr:BatchGetRepositoryScanningConfiguration",
			"ecr:GetLifecyclePolicy",
		},
		Collect: collectECR,
	}
}

func collectECR(ctx context.Context, in collect.Input) error {
	c := ecrapi.NewFromConfig(in.Config)
	out := &ecr.ECR{Repositories: []*ecr.Repository{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.DescribeRepositories(ctx, &ecrapi.DescribeRepositoriesInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Repositories {
			out.Repositories = append(out.Repositories, &ecr.Repository{ARN: aws.ToString(r.RepositoryArn),
				Name: aws.ToString(r.RepositoryName), TagMutability: string(r.ImageTagMutability)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe repositories: %w", err)
	}
	if err := scanning(ctx, c, out.Repositories); err != nil {
		return err
	}
	if err := lifecycle(ctx, c, out.Repositories); err != nil {
		return err
	}
	in.Region.ECR = out
	return nil
}

// scanning reads the effective scanning configuration, 25 repositories a
// call; a batch that fails is recorded on its repositories.
func scanning(ctx context.Context, c *ecrapi.Client, repos []*ecr.Repository) error {
	for start := 0; start < len(repos); start += scanBatch {
		batch := repos[start:min(start+scanBatch, len(repos))]
		byName := map[string]*ecr.Repository{}
		names := make([]string, 0, len(batch))
		for _, r := range batch {
			byName[r.Name] = r
			names = append(names, r.Name)
		}
		o, err := c.BatchGetRepositoryScanningConfiguration(ctx, &ecrapi.BatchGetRepositoryScanningConfigurationInput{RepositoryNames: names})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("get repository scanning configuration: %w", ctx.Err())
			}
			for _, r := range batch {
				setError(r, "scanning", awsx.Brief(err))
			}
			continue
		}
		for _, sc := range o.ScanningConfigurations {
			if r := byName[aws.ToString(sc.RepositoryName)]; r != nil {
				r.ScanFrequency = string(sc.ScanFrequency)
			}
		}
		for _, f := range o.Failures {
			if r := byName[aws.ToString(f.RepositoryName)]; r != nil {
				setError(r, "scanning", fmt.Sprintf("%s: %s", f.FailureCode, aws.ToString(f.FailureReason)))
			}
		}
		for _, r := range batch {
			if r.ScanFrequency == "" && r.Errors["scanning"] == "" {
				setError(r, "scanning", "no scanning configuration returned")
			}
		}
	}
	return nil
}

// lifecycle checks each repository for a lifecycle policy, a few at a
// time: LifecyclePolicyNotFoundException means it has none.
func lifecycle(ctx context.Context, c *ecrapi.Client, repos []*ecr.Repository) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, r := range repos {
		g.Go(func() error {
			_, err := c.GetLifecyclePolicy(gctx, &ecrapi.GetLifecyclePolicyInput{RepositoryName: aws.String(r.Name)})
			var none *ecrtypes.LifecyclePolicyNotFoundException
			switch {
			case err == nil:
				r.LifecyclePolicy = true
			case errors.As(err, &none):
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				setError(r, "lifecycle", awsx.Brief(err))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("get lifecycle policy: %w", err)
	}
	return nil
}

func setError(r *ecr.Repository, detail, why string) {
	if r.Errors == nil {
		r.Errors = map[string]string{}
	}
	r.Errors[detail] = why
}
