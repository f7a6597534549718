// Package sqs collects the SQS queues of one region with their
// encryption at rest and access policy (SQS.1, SQS.3).
package sqs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sqs"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Collector returns the regional "sqs" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "sqs",
		Actions: []string{"sqs:GetQueueAttributes", "sqs:ListQueues"},
		Collect: collectRegion,
	}
}

// pageSize is ListQueues' largest page. Without MaxResults, ListQueues
// returns at most 1,000 queues and no NextToken: a region with more would
// be cut short, so the collector always pages.
const pageSize = 1000

// attributes are the queue attributes the controls read.
var attributes = []sqstypes.QueueAttributeName{
	sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameKmsMasterKeyId,
	sqstypes.QueueAttributeNameSqsManagedSseEnabled, sqstypes.QueueAttributeNamePolicy,
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := sqsapi.NewFromConfig(in.Config)
	s := &sqs.SQS{Queues: []sqs.Queue{}}
	partition := in.Target.Partition
	if partition == "" {
		partition = target.PartitionOf(in.Target.Region)
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListQueues(ctx, &sqsapi.ListQueuesInput{NextToken: token, MaxResults: aws.Int32(pageSize)})
		if err != nil {
			return nil, err
		}
		for _, u := range page.QueueUrls {
			name := u[strings.LastIndexByte(u, '/')+1:]
			s.Queues = append(s.Queues, sqs.Queue{URL: u, Name: name,
				ARN: fmt.Sprintf("arn:%s:sqs:%s:%s:%s", partition, in.Target.Region, in.Target.Account, name)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list queues: %w", err)
	}
	queues := s.Queues[:0]
	for _, q := range s.Queues {
		out, err := client.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: aws.String(q.URL), AttributeNames: attributes})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("get attributes of %s: %w", q.Name, err)
			}
			if gone(err) {
				continue // deleted since the list: gone, not unknown
			}
			q.Errors = map[string]string{sqs.DetailAttributes: awsx.Brief(err)}
			queues = append(queues, q)
			continue
		}
		a := out.Attributes
		if arn := a[string(sqstypes.QueueAttributeNameQueueArn)]; arn != "" {
			q.ARN = arn
		}
		q.KMSKeyID = a[string(sqstypes.QueueAttributeNameKmsMasterKeyId)]
		q.SQSManagedSSE = a[string(sqstypes.QueueAttributeNameSqsManagedSseEnabled)] == "true"
		q.Policy = a[string(sqstypes.QueueAttributeNamePolicy)]
		queues = append(queues, q)
	}
	s.Queues = queues
	in.Region.SQS = s
	return nil
}

// gone reports the error SQS answers for a queue that no longer exists
// (QueueDoesNotExist; AWS.SimpleQueueService.NonExistentQueue in the
// query protocol).
func gone(err error) bool {
	var nf *sqstypes.QueueDoesNotExist
	return errors.As(err, &nf) || awsx.IsNotFound(err) || strings.Contains(err.Error(), "NonExistentQueue")
}
