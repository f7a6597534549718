// Package lambda collects the AWS Lambda state of one region: every
// function's runtime, VPC configuration (with the Availability Zone of
// each subnet) and resource-based policy.
package lambda

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	lambdaapi "github.com/aws/aws-sdk-go-v2/service/lambda"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
)

const (
	// detailLimit bounds the concurrent per-function policy calls.
	detailLimit = 8
	// filterValues is the most values EC2 takes in one filter.
	filterValues = 200
)

// Collector returns the regional "lambda" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "lambda",
		Actions: []string{
			"lambda:ListFunctions",
			"lambda:GetPolicy",
			"ec2:DescribeSubnets",
		},
		Collect: collectLambda,
	}
}

func collectLambda(ctx context.Context, in collect.Input) error {
	c := lambdaapi.NewFromConfig(in.Config)
	out := &lambda.Lambda{Functions: []*lambda.Function{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListFunctions(ctx, &lambdaapi.ListFunctionsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, f := range page.Functions {
			fn := &lambda.Function{
				ARN:         aws.ToString(f.FunctionArn),
				Name:        aws.ToString(f.FunctionName),
				Runtime:     string(f.Runtime),
				PackageType: string(f.PackageType),
			}
			if v := f.VpcConfig; v != nil {
				fn.VpcID, fn.SubnetIDs, fn.SecurityGroupIDs = aws.ToString(v.VpcId), v.SubnetIds, v.SecurityGroupIds
			}
			out.Functions = append(out.Functions, fn)
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("list functions: %w", err)
	}
	if err := policies(ctx, c, out.Functions); err != nil {
		return err
	}
	if err := zones(ctx, ec2api.NewFromConfig(in.Config), out.Functions); err != nil {
		return err
	}
	in.Region.Lambda = out
	return nil
}

// policies reads each function's resource-based policy, a few at a time.
// ResourceNotFoundException means the function has none.
func policies(ctx context.Context, c *lambdaapi.Client, fns []*lambda.Function) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, f := range fns {
		g.Go(func() error {
			o, err := c.GetPolicy(gctx, &lambdaapi.GetPolicyInput{FunctionName: aws.String(f.Name)})
			switch {
			case err == nil:
				f.Policy = aws.ToString(o.Policy)
			case awsx.IsNotFound(err):
			case ctx.Err() != nil:
				return ctx.Err()
			default:
				setError(f, "policy", awsx.Brief(err))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("get policy: %w", err)
	}
	return nil
}

// zones finds the Availability Zone of every subnet a function uses, with
// as few DescribeSubnets calls as the filter size allows. A filter does
// not fail on a subnet that no longer exists, so one missing subnet does
// not hide the others. A failure is recorded on the functions concerned.
func zones(ctx context.Context, c *ec2api.Client, fns []*lambda.Function) error {
	var ids []string
	seen := map[string]bool{}
	for _, f := range fns {
		for _, s := range f.SubnetIDs {
			if !seen[s] {
				seen[s] = true
				ids = append(ids, s)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	az := map[string]string{}
	var failed error
	for start := 0; start < len(ids) && failed == nil; start += filterValues {
		batch := ids[start:min(start+filterValues, len(ids))]
		failed = awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			page, err := c.DescribeSubnets(ctx, &ec2api.DescribeSubnetsInput{
				Filters:   []ec2types.Filter{{Name: aws.String("subnet-id"), Values: batch}},
				NextToken: token,
			})
			if err != nil {
				return nil, err
			}
			for _, s := range page.Subnets {
				az[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
			}
			return page.NextToken, nil
		})
	}
	if failed != nil && ctx.Err() != nil {
		return fmt.Errorf("describe subnets: %w", ctx.Err())
	}
	for _, f := range fns {
		if len(f.SubnetIDs) == 0 {
			continue
		}
		if failed != nil {
			setError(f, "subnets", awsx.Brief(failed))
			continue
		}
		f.SubnetZones = map[string]string{}
		var missing []string
		for _, s := range f.SubnetIDs {
			if z, ok := az[s]; ok {
				f.SubnetZones[s] = z
			} else {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			setError(f, "subnets", fmt.Sprintf("subnets not found: %v", missing))
		}
	}
	return nil
}

func setError(f *lambda.Function, detail, why string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	f.Errors[detail] = why
}
