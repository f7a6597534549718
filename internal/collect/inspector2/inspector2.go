// Package inspector2 collects the Amazon Inspector state of a region: the
// status of each scan type for the account itself.
package inspector2

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	insapi "github.com/aws/aws-sdk-go-v2/service/inspector2"
	instypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/inspector2"
)

// Collector returns the regional Amazon Inspector collector
// ("inspector2").
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "inspector2",
		Actions: []string{"inspector2:BatchGetAccountStatus"},
		Collect: collectInspector,
	}
}

func collectInspector(ctx context.Context, in collect.Input) error {
	client := insapi.NewFromConfig(in.Config)
	// No account IDs: the caller's own status.
	res, err := client.BatchGetAccountStatus(ctx, &insapi.BatchGetAccountStatusInput{})
	if err != nil {
		return fmt.Errorf("batch get account status: %w", err)
	}
	for _, f := range res.FailedAccounts {
		if id := aws.ToString(f.AccountId); id == "" || id == in.Target.Account {
			return fmt.Errorf("batch get account status: account %s: %s: %s", in.Target.Account, f.ErrorCode, aws.ToString(f.ErrorMessage))
		}
	}
	for _, a := range res.Accounts {
		if id := aws.ToString(a.AccountId); id != "" && id != in.Target.Account {
			continue
		}
		out := &inspector2.Inspector2{}
		if a.State != nil {
			out.Status = string(a.State.Status)
		}
		if r := a.ResourceState; r != nil {
			out.EC2, out.ECR, out.Lambda = status(r.Ec2), status(r.Ecr), status(r.Lambda)
			out.LambdaCode, out.CodeRepository = status(r.LambdaCode), status(r.CodeRepository)
		}
		in.Region.Inspector2 = out
		return nil
	}
	return fmt.Errorf("batch get account status: no status for account %s", in.Target.Account)
}

func status(s *instypes.State) string {
	if s == nil {
		return ""
	}
	return string(s.Status)
}
