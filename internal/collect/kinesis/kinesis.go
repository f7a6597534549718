// Package kinesis collects the Amazon Kinesis data streams of one region,
// each with its summary (server-side encryption, retention).
package kinesis

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	kinapi "github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kinesis"
)

// detailLimit bounds the concurrent DescribeStreamSummary calls (20 per
// second per account is the documented limit; the rate limiter paces them).
const detailLimit = 8

// Collector returns the regional "kinesis" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "kinesis",
		Actions: []string{"kinesis:ListStreams", "kinesis:DescribeStreamSummary"},
		Collect: collectKinesis,
	}
}

func collectKinesis(ctx context.Context, in collect.Input) error {
	c := kinapi.NewFromConfig(in.Config)
	out := &kinesis.Kinesis{Streams: []*kinesis.Stream{}}
	seen := map[string]bool{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.StreamSummaries {
			name := aws.ToString(s.StreamName)
			seen[name] = true
			out.Streams = append(out.Streams, &kinesis.Stream{Name: name, ARN: aws.ToString(s.StreamARN),
				Status: string(s.StreamStatus), Mode: modeOf(s.StreamModeDetails)})
		}
		// StreamNames alone, from an endpoint that predates summaries.
		for _, n := range page.StreamNames {
			if !seen[n] {
				seen[n] = true
				out.Streams = append(out.Streams, &kinesis.Stream{Name: n})
			}
		}
		if !aws.ToBool(page.HasMoreStreams) {
			return nil, nil
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list streams: %w", err)
	}
	partition := in.Target.Partition
	if partition == "" {
		partition = "aws"
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, s := range out.Streams {
		if s.ARN == "" {
			s.ARN = fmt.Sprintf("arn:%s:kinesis:%s:%s:stream/%s", partition, in.Target.Region, in.Target.Account, s.Name)
		}
		g.Go(func() error {
			d, err := c.DescribeStreamSummary(gctx, &kinapi.DescribeStreamSummaryInput{StreamName: aws.String(s.Name)})
			if ctx.Err() != nil {
				return ctx.Err()
			}
			switch {
			case err != nil:
				s.Errors = map[string]string{"summary": awsx.Brief(err)}
			case d.StreamDescriptionSummary != nil:
				sum := d.StreamDescriptionSummary
				s.Status, s.EncryptionType, s.KeyID = string(sum.StreamStatus), string(sum.EncryptionType), aws.ToString(sum.KeyId)
				s.RetentionHours = int(aws.ToInt32(sum.RetentionPeriodHours))
				if m := modeOf(sum.StreamModeDetails); m != "" {
					s.Mode = m
				}
				if s.EncryptionType == "" {
					// The API reference: EncryptionType is NONE or KMS; an
					// absent one is a stream without server-side encryption.
					s.EncryptionType = "NONE"
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe streams: %w", err)
	}
	in.Region.Kinesis = out
	return nil
}

func modeOf(d *kintypes.StreamModeDetails) string {
	if d == nil {
		return ""
	}
	return string(d.StreamMode)
}
