package sns_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	snssdk "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func str(t, v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(t), StringValue: aws.String(v)}
}

func TestPublish(t *testing.T) {
	w := seed()
	s := simtest.Start(t, w)
	c := snssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: aws.String(alarms), Subject: aws.String("New HIGH finding: S3.8"),
		Message: aws.String("hello"), MessageAttributes: map[string]types.MessageAttributeValue{
			"severity": str("String", "HIGH"), "count": str("Number", "3"),
			"blob": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2}}}})
	if err != nil || aws.ToString(out.MessageId) == "" {
		t.Fatalf("publish: %+v %v", out, err)
	}
	w.Mu.Lock()
	pub := w.Accounts[simtest.Member].In(region).SNS.Topics[0].Published
	w.Mu.Unlock()
	if len(pub) != 1 {
		t.Fatalf("published = %d messages, want 1", len(pub))
	}
	p := pub[0]
	if p.MessageID != aws.ToString(out.MessageId) || p.Subject != "New HIGH finding: S3.8" || p.Message != "hello" ||
		p.Attributes["severity"] != (world.SNSAttribute{DataType: "String", Value: "HIGH"}) ||
		p.Attributes["count"].Value != "3" || p.Attributes["blob"].Value != "\x01\x02" {
		t.Errorf("recorded %+v", p)
	}
	// JSON message structure: a default entry is required.
	if _, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: aws.String(alarms), MessageStructure: aws.String("json"),
		Message: aws.String(`{"default":"d","email":"e"}`)}); err != nil {
		t.Errorf("json structure: %v", err)
	}
	for _, tc := range []struct {
		name string
		in   snssdk.PublishInput
		code string
		msg  string
	}{
		{"unknown topic", snssdk.PublishInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:222222222222:nope"), Message: aws.String("x")}, "NotFound", "Topic does not exist"},
		{"empty message", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("")}, "InvalidParameter", "Empty message"},
		{"too long", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String(strings.Repeat("x", 262145))}, "InvalidParameter", "Message too long"},
		{"too long with attributes", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String(strings.Repeat("x", 262140)),
			MessageAttributes: map[string]types.MessageAttributeValue{"severity": str("String", "HIGH")}}, "InvalidParameter", "Message too long"},
		{"subject 100 chars", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("x"), Subject: aws.String(strings.Repeat("s", 100))}, "InvalidParameter", "Subject"},
		{"subject line break", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("x"), Subject: aws.String("a\nb")}, "InvalidParameter", "Subject"},
		{"json without default", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String(`{"email":"e"}`), MessageStructure: aws.String("json")}, "InvalidParameter", "No default entry"},
		{"json not json", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String(`nope`), MessageStructure: aws.String("json")}, "InvalidParameter", "failed to parse"},
		{"attribute type", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": str("Text", "v")}}, "ParameterValueInvalid", "supported type prefixes"},
		{"attribute number", snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": str("Number", "many")}}, "ParameterValueInvalid", "number"},
		{"no topic", snssdk.PublishInput{Message: aws.String("x")}, "InvalidParameter", "TopicArn"},
	} {
		_, err := c.Publish(ctx, &tc.in)
		if code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want %s %q", tc.name, err, tc.code, tc.msg)
		}
	}
	attrs := map[string]types.MessageAttributeValue{}
	for i := range 11 {
		attrs[string(rune('a'+i))] = str("String", "v")
	}
	if _, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: aws.String(alarms), Message: aws.String("x"), MessageAttributes: attrs}); code(err) != "InvalidParameter" {
		t.Errorf("11 attributes: %v", err)
	}
	w.Mu.Lock()
	n := len(w.Accounts[simtest.Member].In(region).SNS.Topics[0].Published)
	w.Mu.Unlock()
	if n != 2 {
		t.Errorf("%d messages recorded, want 2 (rejected ones are not)", n)
	}
}

func TestPublishFIFOAndBatch(t *testing.T) {
	w := seed()
	s := simtest.Start(t, w)
	c := snssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	ct, err := c.CreateTopic(ctx, &snssdk.CreateTopicInput{Name: aws.String("q.fifo"), Attributes: map[string]string{"FifoTopic": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("x")}); code(err) != "InvalidParameter" || !strings.Contains(err.Error(), "MessageGroupId") {
		t.Errorf("fifo without group: %v", err)
	}
	if _, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("x"), MessageGroupId: aws.String("g")}); code(err) != "InvalidParameter" {
		t.Errorf("fifo without dedup id: %v", err)
	}
	out, err := c.Publish(ctx, &snssdk.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("x"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")})
	if err != nil || aws.ToString(out.SequenceNumber) == "" {
		t.Errorf("fifo publish: %+v %v", out, err)
	}
	b, err := c.PublishBatch(ctx, &snssdk.PublishBatchInput{TopicArn: aws.String(alarms), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("1"), Message: aws.String("one")},
		{Id: aws.String("2"), Message: aws.String("")},
		{Id: aws.String("3"), Message: aws.String("three"), Subject: aws.String("s")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Successful) != 2 || len(b.Failed) != 1 || aws.ToString(b.Failed[0].Id) != "2" || aws.ToString(b.Failed[0].Code) != "InvalidParameter" || !b.Failed[0].SenderFault {
		t.Errorf("batch = %+v", b)
	}
	_, err = c.PublishBatch(ctx, &snssdk.PublishBatchInput{TopicArn: aws.String(alarms), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("1"), Message: aws.String("one")}, {Id: aws.String("1"), Message: aws.String("two")}}})
	if code(err) != "BatchEntryIdsNotDistinct" {
		t.Errorf("duplicate ids: %v", err)
	}
	w.Mu.Lock()
	pub := w.Accounts[simtest.Member].In(region).SNS.Topics[0].Published
	w.Mu.Unlock()
	if len(pub) != 2 || pub[0].Message != "one" || pub[1].Subject != "s" {
		t.Errorf("recorded %+v", pub)
	}
}
