// Package sns collects the SNS topics of one region, the encryption and
// access policy of each (SNS.1, SNS.4), and its subscriptions (the CIS
// monitoring chain needs an alarm's topic to reach somebody: a confirmed
// subscription).
package sns

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	snsapi "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

// Collector returns the regional "sns" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "sns",
		Actions: []string{"sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTopics"},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := snsapi.NewFromConfig(in.Config)
	s := &sns.SNS{Topics: []sns.Topic{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListTopics(ctx, &snsapi.ListTopicsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, t := range page.Topics {
			arn := aws.ToString(t.TopicArn)
			s.Topics = append(s.Topics, sns.Topic{ARN: arn, Name: arn[strings.LastIndexByte(arn, ':')+1:]})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	for i := range s.Topics {
		if err := subscriptions(ctx, client, &s.Topics[i]); err != nil {
			return err
		}
		if err := attributes(ctx, client, &s.Topics[i]); err != nil {
			return err
		}
	}
	in.Region.SNS = s
	return nil
}

// attributes reads t's encryption key and access policy; a failure is
// recorded on t, and only a cancelled context stops the collector.
func attributes(ctx context.Context, client *snsapi.Client, t *sns.Topic) error {
	out, err := client.GetTopicAttributes(ctx, &snsapi.GetTopicAttributesInput{TopicArn: aws.String(t.ARN)})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("get attributes of %s: %w", t.Name, err)
		}
		if t.Errors == nil {
			t.Errors = map[string]string{}
		}
		t.Errors[sns.DetailAttributes] = awsx.Brief(err)
		return nil
	}
	t.KMSKeyID = out.Attributes["KmsMasterKeyId"]
	t.Policy = out.Attributes["Policy"]
	return nil
}

// subscriptions reads t's subscriptions; a failure is recorded on t, and
// only a cancelled context stops the collector.
func subscriptions(ctx context.Context, client *snsapi.Client, t *sns.Topic) error {
	subs := []sns.Subscription{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListSubscriptionsByTopic(ctx, &snsapi.ListSubscriptionsByTopicInput{TopicArn: aws.String(t.ARN), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Subscriptions {
			subs = append(subs, sns.Subscription{
				ARN:      aws.ToString(s.SubscriptionArn),
				Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint),
				Owner:    aws.ToString(s.Owner),
			})
		}
		return page.NextToken, nil
	}); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("list subscriptions of %s: %w", t.Name, err)
		}
		t.Errors = map[string]string{"subscriptions": awsx.Brief(err)}
		return nil
	}
	t.Subscriptions = subs
	return nil
}
