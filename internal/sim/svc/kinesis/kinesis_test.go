package kinesis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kinapi "github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.Kinesis.Streams = []*world.KinesisStream{
		{Name: "orders", Mode: "ON_DEMAND", RetentionHours: 168, KMSKeyID: "alias/aws/kinesis", Created: created},
		{Name: "clicks", Shards: 2, Created: created},
	}
	for i := 0; i < extra; i++ {
		r.Kinesis.Streams = append(r.Kinesis.Streams, &world.KinesisStream{Name: fmt.Sprintf("s%03d", i), Created: created})
	}
	return w
}

func TestStreams(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := kinapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{})
	if err != nil || fmt.Sprint(l.StreamNames) != "[clicks orders]" || aws.ToBool(l.HasMoreStreams) || l.NextToken != nil || len(l.StreamSummaries) != 2 {
		t.Fatalf("%+v %v", l, err)
	}
	if sum := l.StreamSummaries[1]; aws.ToString(sum.StreamARN) != "arn:aws:kinesis:eu-west-1:222222222222:stream/orders" ||
		sum.StreamStatus != kintypes.StreamStatusActive || sum.StreamModeDetails.StreamMode != kintypes.StreamModeOnDemand ||
		!aws.ToTime(sum.StreamCreationTimestamp).Equal(created) {
		t.Errorf("summary = %+v", sum)
	}
	d, err := c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if o := d.StreamDescriptionSummary; o.EncryptionType != kintypes.EncryptionTypeKms || aws.ToString(o.KeyId) != "alias/aws/kinesis" ||
		aws.ToInt32(o.RetentionPeriodHours) != 168 || aws.ToString(o.StreamARN) != "arn:aws:kinesis:eu-west-1:222222222222:stream/orders" {
		t.Errorf("orders = %+v", o)
	}
	// By ARN, and the defaults of a stream created with nothing set.
	d, err = c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamARN: aws.String("arn:aws:kinesis:eu-west-1:222222222222:stream/clicks")})
	if err != nil || d.StreamDescriptionSummary.EncryptionType != kintypes.EncryptionTypeNone || d.StreamDescriptionSummary.KeyId != nil ||
		aws.ToInt32(d.StreamDescriptionSummary.RetentionPeriodHours) != 24 || aws.ToInt32(d.StreamDescriptionSummary.OpenShardCount) != 2 {
		t.Errorf("clicks = %+v %v", d, err)
	}
	var nf *kintypes.ResourceNotFoundException
	if _, err := c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing stream: %v", err)
	}
	// Another account's ARN names a stream that is not here.
	if _, err := c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamARN: aws.String("arn:aws:kinesis:eu-west-1:111111111111:stream/orders")}); !errors.As(err, &nf) {
		t.Errorf("other account's ARN: %v", err)
	}
	var ia *kintypes.InvalidArgumentException
	if _, err := c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{}); !errors.As(err, &ia) {
		t.Errorf("no name: %v", err)
	}
	if _, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{Limit: aws.Int32(0)}); code(err) != "ValidationException" {
		t.Errorf("Limit 0: %v", err)
	}
	if _, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{NextToken: aws.String("garbage")}); !errors.As(err, &ia) {
		t.Errorf("bad token: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(148))
	c := kinapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		l, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{NextToken: token, Limit: aws.Int32(1000)})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(l.StreamNames) > 100 || aws.ToBool(l.HasMoreStreams) != (l.NextToken != nil) {
			t.Fatalf("page %d: %d names, more %v, token %v", pages, len(l.StreamNames), aws.ToBool(l.HasMoreStreams), l.NextToken)
		}
		names = append(names, l.StreamNames...)
		if l.NextToken == nil {
			break
		}
		token = l.NextToken
	}
	if len(names) != 150 || pages != 2 || names[149] != "s147" {
		t.Errorf("%d streams in %d pages", len(names), pages)
	}
	// The older paging by name: the next page starts after the last name.
	l, err := c.ListStreams(ctx, &kinapi.ListStreamsInput{ExclusiveStartStreamName: aws.String("s145"), Limit: aws.Int32(10)})
	if err != nil || fmt.Sprint(l.StreamNames) != "[s146 s147]" || aws.ToBool(l.HasMoreStreams) {
		t.Errorf("after s145: %+v %v", l, err)
	}
}

func TestWritesAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := kinapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	if _, err := c.CreateStream(ctx, &kinapi.CreateStreamInput{StreamName: aws.String("audit"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	var inUse *kintypes.ResourceInUseException
	if _, err := c.CreateStream(ctx, &kinapi.CreateStreamInput{StreamName: aws.String("audit"), ShardCount: aws.Int32(1)}); !errors.As(err, &inUse) {
		t.Errorf("create twice: %v", err)
	}
	if _, err := c.StartStreamEncryption(ctx, &kinapi.StartStreamEncryptionInput{StreamName: aws.String("audit"),
		EncryptionType: kintypes.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamName: aws.String("audit")})
	if err != nil || d.StreamDescriptionSummary.EncryptionType != kintypes.EncryptionTypeKms || aws.ToString(d.StreamDescriptionSummary.KeyId) != "alias/aws/kinesis" {
		t.Errorf("read after encrypt: %+v %v", d, err)
	}
	if _, err := c.StopStreamEncryption(ctx, &kinapi.StopStreamEncryptionInput{StreamName: aws.String("audit"),
		EncryptionType: kintypes.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	d, err = c.DescribeStreamSummary(ctx, &kinapi.DescribeStreamSummaryInput{StreamName: aws.String("audit")})
	if err != nil || d.StreamDescriptionSummary.EncryptionType != kintypes.EncryptionTypeNone {
		t.Errorf("read after stop: %+v %v", d, err)
	}
	for _, other := range []*kinapi.Client{
		kinapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		kinapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if l, err := other.ListStreams(ctx, &kinapi.ListStreamsInput{}); err != nil || len(l.StreamNames) != 0 || aws.ToBool(l.HasMoreStreams) {
			t.Errorf("isolation: %+v %v", l, err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Kinesis]("kinesis")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
