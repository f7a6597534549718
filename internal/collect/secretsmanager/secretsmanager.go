// Package secretsmanager collects the AWS Secrets Manager secrets of one
// region: ListSecrets returns every secret's rotation and access metadata,
// so one paged call serves every control (never the values).
package secretsmanager

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	smapi "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/secretsmanager"
)

// Collector returns the regional "secretsmanager" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "secretsmanager",
		Actions: []string{"secretsmanager:ListSecrets"},
		Collect: collectRegion,
	}
}

// pageSize is ListSecrets' largest page.
const pageSize = 100

func collectRegion(ctx context.Context, in collect.Input) error {
	client := smapi.NewFromConfig(in.Config)
	s := &secretsmanager.SecretsManager{Secrets: []secretsmanager.Secret{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListSecrets(ctx, &smapi.ListSecretsInput{NextToken: token, MaxResults: aws.Int32(pageSize)})
		if err != nil {
			return nil, err
		}
		for _, e := range page.SecretList {
			x := secretsmanager.Secret{
				ARN: aws.ToString(e.ARN), Name: aws.ToString(e.Name), KMSKeyID: aws.ToString(e.KmsKeyId),
				Created: aws.ToTime(e.CreatedDate), Changed: aws.ToTime(e.LastChangedDate), Accessed: aws.ToTime(e.LastAccessedDate),
				Rotated: aws.ToTime(e.LastRotatedDate), RotationEnabled: aws.ToBool(e.RotationEnabled),
				RotationLambda: aws.ToString(e.RotationLambdaARN), NextRotation: aws.ToTime(e.NextRotationDate),
				OwningService: aws.ToString(e.OwningService),
			}
			if r := e.RotationRules; r != nil {
				x.RotationDays = int(aws.ToInt64(r.AutomaticallyAfterDays))
				x.RotationSchedule = aws.ToString(r.ScheduleExpression)
			}
			for _, t := range e.Tags {
				if x.Tags == nil {
					x.Tags = map[string]string{}
				}
				x.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			s.Secrets = append(s.Secrets, x)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list secrets: %w", err)
	}
	in.Region.SecretsManager = s
	return nil
}
