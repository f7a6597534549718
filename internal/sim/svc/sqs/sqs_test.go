package sqs_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

// fixture is a simulator whose SQS clock a test moves.
type fixture struct {
	sim   *simtest.Sim
	world *world.World
	clock *world.Stopwatch
	c     *sqssdk.Client
}

func start(t *testing.T) *fixture {
	t.Helper()
	w := simtest.NewWorld()
	sw := &world.Stopwatch{}
	w.SQS.Elapsed = sw.Elapsed
	s := simtest.Start(t, w)
	return &fixture{sim: s, world: w, clock: sw, c: client(t, s, simtest.Member)}
}

func client(t *testing.T, s *simtest.Sim, account string) *sqssdk.Client {
	return sqssdk.NewFromConfig(s.Config(t, account, region))
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func (f *fixture) create(t *testing.T, name string, attrs map[string]string) string {
	t.Helper()
	out := must[*sqssdk.CreateQueueOutput](t, "CreateQueue "+name)(f.c.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs}))
	return aws.ToString(out.QueueUrl)
}

func (f *fixture) attrs(t *testing.T, url string) map[string]string {
	t.Helper()
	out := must[*sqssdk.GetQueueAttributesOutput](t, "GetQueueAttributes")(f.c.GetQueueAttributes(context.Background(), &sqssdk.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}}))
	return out.Attributes
}

func (f *fixture) send(t *testing.T, url, body string) string {
	t.Helper()
	out := must[*sqssdk.SendMessageOutput](t, "SendMessage")(f.c.SendMessage(context.Background(), &sqssdk.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}))
	return aws.ToString(out.MessageId)
}

func (f *fixture) receive(t *testing.T, in *sqssdk.ReceiveMessageInput) []types.Message {
	t.Helper()
	out := must[*sqssdk.ReceiveMessageOutput](t, "ReceiveMessage")(f.c.ReceiveMessage(context.Background(), in))
	return out.Messages
}

func TestQueueLifecycle(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "alerts", map[string]string{"VisibilityTimeout": "60", "MessageRetentionPeriod": "86400"})
	if want := f.sim.URL + "/" + simtest.Member + "/alerts"; url != want {
		t.Errorf("QueueUrl = %s, want %s", url, want)
	}
	// The same name with the same attributes is the same queue.
	if again := f.create(t, "alerts", map[string]string{"VisibilityTimeout": "60"}); again != url {
		t.Errorf("CreateQueue again = %s, want %s", again, url)
	}
	_, err := f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("alerts"), Attributes: map[string]string{"VisibilityTimeout": "10"}})
	var exists *types.QueueNameExists
	if !errors.As(err, &exists) || code(err) != "QueueAlreadyExists" || !strings.Contains(err.Error(), "different value for attribute VisibilityTimeout") {
		t.Errorf("CreateQueue with other attributes: %v", err)
	}
	got := f.attrs(t, url)
	for k, v := range map[string]string{
		"VisibilityTimeout": "60", "MessageRetentionPeriod": "86400", "DelaySeconds": "0", "MaximumMessageSize": "262144",
		"ReceiveMessageWaitTimeSeconds": "0", "ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0",
		"ApproximateNumberOfMessagesDelayed": "0", "QueueArn": "arn:aws:sqs:eu-west-1:222222222222:alerts",
		"CreatedTimestamp": strconv.FormatInt(simtest.Now.Unix(), 10), "SqsManagedSseEnabled": "true",
	} {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["RedrivePolicy"]; ok {
		t.Error("RedrivePolicy reported for a queue without one")
	}
	one := must[*sqssdk.GetQueueAttributesOutput](t, "GetQueueAttributes QueueArn")(f.c.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}}))
	if len(one.Attributes) != 1 || one.Attributes["QueueArn"] == "" {
		t.Errorf("GetQueueAttributes(QueueArn) = %v", one.Attributes)
	}
	f.clock.Advance(90 * time.Second)
	must[*sqssdk.SetQueueAttributesOutput](t, "SetQueueAttributes")(f.c.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{
		QueueUrl: aws.String(url), Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "5"}}))
	got = f.attrs(t, url)
	if got["ReceiveMessageWaitTimeSeconds"] != "5" || got["LastModifiedTimestamp"] != strconv.FormatInt(simtest.Now.Add(90*time.Second).Unix(), 10) {
		t.Errorf("after SetQueueAttributes: %v", got)
	}
	gu := must[*sqssdk.GetQueueUrlOutput](t, "GetQueueUrl")(f.c.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("alerts")}))
	if aws.ToString(gu.QueueUrl) != url {
		t.Errorf("GetQueueUrl = %s", aws.ToString(gu.QueueUrl))
	}
	for _, n := range []string{"alerts-dlq", "audit", "alerts-2"} {
		f.create(t, n, nil)
	}
	lq := must[*sqssdk.ListQueuesOutput](t, "ListQueues")(f.c.ListQueues(ctx, &sqssdk.ListQueuesInput{QueueNamePrefix: aws.String("alerts")}))
	if len(lq.QueueUrls) != 3 || lq.NextToken != nil || !strings.HasSuffix(lq.QueueUrls[0], "/alerts") {
		t.Errorf("ListQueues(alerts) = %v %v", lq.QueueUrls, lq.NextToken)
	}
	var pages [][]string
	var token *string
	for {
		p := must[*sqssdk.ListQueuesOutput](t, "ListQueues page")(f.c.ListQueues(ctx, &sqssdk.ListQueuesInput{MaxResults: aws.Int32(3), NextToken: token}))
		pages = append(pages, p.QueueUrls)
		if token = p.NextToken; token == nil {
			break
		}
	}
	if len(pages) != 2 || len(pages[0]) != 3 || len(pages[1]) != 1 {
		t.Errorf("ListQueues pages = %v", pages)
	}
	// Queues are regional and per account.
	other := sqssdk.NewFromConfig(f.sim.Config(t, simtest.Member, "us-east-1"))
	if lq, err := other.ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil || len(lq.QueueUrls) != 0 {
		t.Errorf("ListQueues in another region = %v, %v", lq, err)
	}
	must[*sqssdk.DeleteQueueOutput](t, "DeleteQueue")(f.c.DeleteQueue(ctx, &sqssdk.DeleteQueueInput{QueueUrl: aws.String(url)}))
	_, err = f.c.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url)})
	var dne *types.QueueDoesNotExist
	if !errors.As(err, &dne) || code(err) != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("a deleted queue: %v (code %q)", err, code(err))
	}
	_, err = f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("alerts")})
	var recent *types.QueueDeletedRecently
	if !errors.As(err, &recent) {
		t.Errorf("CreateQueue right after DeleteQueue: %v", err)
	}
	f.clock.Advance(60 * time.Second)
	f.create(t, "alerts", nil)
}

// TestQueueURLForms: a request names its queue by the URL's path; AWS's
// URLs work, and one of another region names no queue here.
func TestQueueURLForms(t *testing.T) {
	f := start(t)
	f.create(t, "alerts", nil)
	for _, tc := range []struct {
		url  string
		code string
	}{
		{"https://sqs.eu-west-1.amazonaws.com/222222222222/alerts", ""},
		{"https://eu-west-1.queue.amazonaws.com/222222222222/alerts", ""},
		{"http://localhost:4566/222222222222/alerts", ""},
		{"https://sqs.us-east-1.amazonaws.com/222222222222/alerts", "AWS.SimpleQueueService.NonExistentQueue"},
		{"https://sqs.eu-west-1.amazonaws.com/222222222222/nope", "AWS.SimpleQueueService.NonExistentQueue"},
		{"alerts", "InvalidAddress"},
	} {
		_, err := f.c.SendMessage(context.Background(), &sqssdk.SendMessageInput{QueueUrl: aws.String(tc.url), MessageBody: aws.String("x")})
		if code(err) != tc.code {
			t.Errorf("SendMessage(%s) = %v, want code %q", tc.url, err, tc.code)
		}
	}
}

func TestInvalidRequests(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", nil)
	f.create(t, "dlq", nil)
	q := aws.String(url)
	for _, tc := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"bad queue name", func() error {
			_, err := f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("bad name")})
			return err
		}, "InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{"fifo name", func() error {
			_, err := f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("q.fifo")})
			return err
		}, "AWS.SimpleQueueService.UnsupportedOperation", "FIFO queues are not simulated"},
		{"fifo attribute", func() error {
			_, err := f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("f"), Attributes: map[string]string{"FifoQueue": "true"}})
			return err
		}, "AWS.SimpleQueueService.UnsupportedOperation", "FIFO queues are not simulated"},
		{"unknown attribute", func() error {
			_, err := f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("x"), Attributes: map[string]string{"Colour": "blue"}})
			return err
		}, "InvalidAttributeName", "Unknown Attribute Colour."},
		{"attribute out of range", func() error {
			_, err := f.c.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: q, Attributes: map[string]string{"VisibilityTimeout": "43201"}})
			return err
		}, "InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout."},
		{"redrive to a missing queue", func() error {
			_, err := f.c.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: q, Attributes: map[string]string{
				"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:222222222222:nope","maxReceiveCount":3}`}})
			return err
		}, "InvalidParameterValue", "Reason: Dead letter target does not exist."},
		{"redrive count out of range", func() error {
			_, err := f.c.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: q, Attributes: map[string]string{
				"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:222222222222:dlq","maxReceiveCount":"0"}`}})
			return err
		}, "InvalidParameterValue", "maxReceiveCount must be an integer from 1 to 1000"},
		{"get an unknown attribute", func() error {
			_, err := f.c.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: q, AttributeNames: []types.QueueAttributeName{"Nope"}})
			return err
		}, "InvalidAttributeName", "Unknown Attribute Nope."},
		{"receive 11", func() error {
			_, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: q, MaxNumberOfMessages: 11})
			return err
		}, "InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"wait 21", func() error {
			_, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 21})
			return err
		}, "InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid."},
		{"receive visibility out of range", func() error {
			_, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: q, VisibilityTimeout: -1})
			return err
		}, "InvalidParameterValue", "parameter VisibilityTimeout is invalid"},
		{"delay 901", func() error {
			_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"), DelaySeconds: 901})
			return err
		}, "InvalidParameterValue", "DelaySeconds must be >= 0 and <= 900."},
		{"control character", func() error {
			_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q, MessageBody: aws.String("a\x00b")})
			return err
		}, "InvalidMessageContents", "Invalid binary character '#x0' was found in the message body"},
		{"too large", func() error {
			_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q, MessageBody: aws.String(strings.Repeat("x", 262145))})
			return err
		}, "InvalidParameterValue", "Message must be shorter than 262144 bytes."},
		{"attribute type", func() error {
			_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"),
				MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Text"), StringValue: aws.String("v")}}})
			return err
		}, "InvalidParameterValue", "You must use only the following supported type prefixes: Binary, Number, String."},
		{"attribute number", func() error {
			_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"),
				MessageAttributes: map[string]types.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("ten")}}})
			return err
		}, "InvalidParameterValue", "Can't cast the value of message (user) attribute 'n' to a number."},
		{"forged receipt handle", func() error {
			_, err := f.c.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: q, ReceiptHandle: aws.String("forged")})
			return err
		}, "ReceiptHandleIsInvalid", `The input receipt handle "forged" is not a valid receipt handle.`},
		{"empty batch", func() error {
			_, err := f.c.SendMessageBatch(ctx, &sqssdk.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{}})
			return err
		}, "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request."},
		{"eleven entries", func() error {
			var es []types.DeleteMessageBatchRequestEntry
			for i := range 11 {
				es = append(es, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String("h")})
			}
			_, err := f.c.DeleteMessageBatch(ctx, &sqssdk.DeleteMessageBatchInput{QueueUrl: q, Entries: es})
			return err
		}, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11."},
		{"repeated id", func() error {
			_, err := f.c.SendMessageBatch(ctx, &sqssdk.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("a"), MessageBody: aws.String("1")}, {Id: aws.String("a"), MessageBody: aws.String("2")}}})
			return err
		}, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id a repeated."},
		{"bad id", func() error {
			_, err := f.c.ChangeMessageVisibilityBatch(ctx, &sqssdk.ChangeMessageVisibilityBatchInput{QueueUrl: q, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
				{Id: aws.String("a b"), ReceiptHandle: aws.String("h")}}})
			return err
		}, "AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores."},
		{"missing queue", func() error {
			_, err := f.c.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("nope")})
			return err
		}, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %v (code %q), want code %q and %q", err, code(err), tc.code, tc.msg)
			}
		})
	}
}

// TestMessageRoundTrip: the MD5s AWS computes (the SDK checks the body's;
// the attributes' is compared with a digest AWS returned), the system
// attributes, and deletion.
func TestMessageRoundTrip(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", nil)
	f.clock.Advance(1500 * time.Millisecond)
	attrs := map[string]types.MessageAttributeValue{
		"AtTimestamp": {DataType: aws.String("String"), StringValue: aws.String("2021-02-15T12:00:33+09:00")},
	}
	sent := must[*sqssdk.SendMessageOutput](t, "SendMessage")(f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: aws.String(url),
		MessageBody: aws.String("foobar2"), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793")}}}))
	// A message AWS delivered with this body and attribute had these digests.
	if aws.ToString(sent.MD5OfMessageBody) != "cbac77acf401ef89c3297bd9fc41ec0b" || aws.ToString(sent.MD5OfMessageAttributes) != "9fd5e217089075be61cd1d67e35e5117" {
		t.Errorf("SendMessage MD5s = %s %s", aws.ToString(sent.MD5OfMessageBody), aws.ToString(sent.MD5OfMessageAttributes))
	}
	if sent.MD5OfMessageSystemAttributes == nil {
		t.Error("no MD5OfMessageSystemAttributes for a trace header")
	}
	f.clock.Advance(2 * time.Second)
	msgs := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames: []string{"All"}})
	if len(msgs) != 1 {
		t.Fatalf("received %d messages", len(msgs))
	}
	m := msgs[0]
	sentMS := strconv.FormatInt(simtest.Now.Add(1500*time.Millisecond).UnixMilli(), 10)
	recvMS := strconv.FormatInt(simtest.Now.Add(3500*time.Millisecond).UnixMilli(), 10)
	want := map[string]string{"SenderId": simtest.Member, "SentTimestamp": sentMS, "ApproximateReceiveCount": "1",
		"ApproximateFirstReceiveTimestamp": recvMS, "AWSTraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793"}
	for k, v := range want {
		if m.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, m.Attributes[k], v)
		}
	}
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != "foobar2" ||
		aws.ToString(m.MD5OfMessageAttributes) != "9fd5e217089075be61cd1d67e35e5117" ||
		aws.ToString(m.MessageAttributes["AtTimestamp"].StringValue) != "2021-02-15T12:00:33+09:00" {
		t.Errorf("message = %+v", m)
	}
	// Attributes are returned only when asked for, by name or prefix.
	f.clock.Advance(31 * time.Second)
	again := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MessageAttributeNames: []string{"AtTimestamp", "other"}})
	if len(again) != 1 || len(again[0].Attributes) != 0 || len(again[0].MessageAttributes) != 1 {
		t.Errorf("receive by attribute name = %+v", again)
	}
	bin := must[*sqssdk.SendMessageOutput](t, "SendMessage binary")(f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("b"),
		MessageAttributes: map[string]types.MessageAttributeValue{"meta.blob": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
			"meta.n": {DataType: aws.String("Number.int"), StringValue: aws.String("42")}, "other": {DataType: aws.String("String"), StringValue: aws.String("o")}}}))
	if aws.ToString(bin.MD5OfMessageAttributes) != world.MD5OfAttributes(map[string]world.MessageAttribute{
		"meta.blob": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}, "meta.n": {DataType: "Number.int", StringValue: "42"}, "other": {DataType: "String", StringValue: "o"}}) {
		t.Errorf("binary attribute MD5 = %s", aws.ToString(bin.MD5OfMessageAttributes))
	}
	// A prefix ("meta.*") picks attributes by name; the digest covers those returned.
	prefixed := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 2, MessageAttributeNames: []string{"meta.*"}})
	if len(prefixed) != 1 || len(prefixed[0].MessageAttributes) != 2 || prefixed[0].MessageAttributes["meta.blob"].BinaryValue[2] != 2 ||
		aws.ToString(prefixed[0].MD5OfMessageAttributes) != world.MD5OfAttributes(map[string]world.MessageAttribute{
			"meta.blob": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}, "meta.n": {DataType: "Number.int", StringValue: "42"}}) {
		t.Errorf("receive with a prefix = %+v", prefixed)
	}
	must[*sqssdk.DeleteMessageOutput](t, "DeleteMessage")(f.c.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: again[0].ReceiptHandle}))
	a := f.attrs(t, url)
	if a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("after delete: %v", a)
	}
}

// TestVisibilityTimeout: a received message is hidden for the visibility
// timeout, then delivered again with a new receipt handle; the old
// handle deletes nothing (AWS: "the request will still succeed, but the
// message might not be deleted").
func TestVisibilityTimeout(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", map[string]string{"VisibilityTimeout": "30"})
	id := f.send(t, url, "hello")
	first := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
	if len(first) != 1 || aws.ToString(first[0].MessageId) != id {
		t.Fatalf("first receive = %+v", first)
	}
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url)}); len(got) != 0 {
		t.Errorf("a message in flight was received again: %+v", got)
	}
	if a := f.attrs(t, url); a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("in flight: %v", a)
	}
	f.clock.Advance(29 * time.Second)
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url)}); len(got) != 0 {
		t.Errorf("received before the visibility timeout ended: %+v", got)
	}
	f.clock.Advance(time.Second)
	second := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
	if len(second) != 1 || second[0].Attributes["ApproximateReceiveCount"] != "2" || aws.ToString(second[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) {
		t.Fatalf("second receive = %+v", second)
	}
	old, cur := first[0].ReceiptHandle, second[0].ReceiptHandle
	// The old handle: DeleteMessage succeeds and deletes nothing;
	// ChangeMessageVisibility is refused.
	must[*sqssdk.DeleteMessageOutput](t, "DeleteMessage with the old handle")(f.c.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: old}))
	if a := f.attrs(t, url); a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("the old handle deleted the message: %v", a)
	}
	_, err := f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: old, VisibilityTimeout: 0})
	if code(err) != "InvalidParameterValue" || !strings.Contains(err.Error(), "Message does not exist or is not available for visibility timeout change") {
		t.Errorf("ChangeMessageVisibility with the old handle: %v", err)
	}
	// The current handle: back to visible at once, then not in flight.
	must[*sqssdk.ChangeMessageVisibilityOutput](t, "ChangeMessageVisibility 0")(f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: cur, VisibilityTimeout: 0}))
	_, err = f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: cur, VisibilityTimeout: 10})
	var notInflight *types.MessageNotInflight
	if !errors.As(err, &notInflight) || code(err) != "AWS.SimpleQueueService.MessageNotInflight" {
		t.Errorf("ChangeMessageVisibility of a visible message: %v", err)
	}
	third := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), VisibilityTimeout: 600})
	if len(third) != 1 {
		t.Fatalf("third receive = %+v", third)
	}
	// Extend within 12 hours of the receive, not beyond.
	must[*sqssdk.ChangeMessageVisibilityOutput](t, "extend")(f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: third[0].ReceiptHandle, VisibilityTimeout: 3600}))
	f.clock.Advance(30 * time.Minute)
	_, err = f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: third[0].ReceiptHandle, VisibilityTimeout: 43200})
	if code(err) != "InvalidParameterValue" || !strings.Contains(err.Error(), "beyond the limit") {
		t.Errorf("beyond 12 hours: %v", err)
	}
	must[*sqssdk.DeleteMessageOutput](t, "DeleteMessage")(f.c.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: third[0].ReceiptHandle}))
	// A handle of a message already deleted: still a success.
	must[*sqssdk.DeleteMessageOutput](t, "DeleteMessage twice")(f.c.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: third[0].ReceiptHandle}))
	if a := f.attrs(t, url); a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("after delete: %v", a)
	}
}

func TestDelayAndRetention(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", map[string]string{"MessageRetentionPeriod": "120"})
	must[*sqssdk.SendMessageOutput](t, "SendMessage delayed")(f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 10}))
	if a := f.attrs(t, url); a["ApproximateNumberOfMessagesDelayed"] != "1" || a["ApproximateNumberOfMessages"] != "0" {
		t.Errorf("delayed: %v", a)
	}
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url)}); len(got) != 0 {
		t.Errorf("a delayed message was received: %+v", got)
	}
	f.clock.Advance(10 * time.Second)
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), VisibilityTimeout: 0}); len(got) != 1 {
		t.Errorf("after the delay: %+v", got)
	}
	f.clock.Advance(110 * time.Second)
	if a := f.attrs(t, url); a["ApproximateNumberOfMessages"] != "0" {
		t.Errorf("a message outlived the retention period: %v", a)
	}
}

// TestRedriveToDeadLetterQueue: a message received maxReceiveCount times
// moves to the dead-letter queue at the next receive.
func TestRedriveToDeadLetterQueue(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	dlq := f.create(t, "dlq", nil)
	dlqARN := f.attrs(t, dlq)["QueueArn"]
	src := f.create(t, "src", map[string]string{"VisibilityTimeout": "0",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`})
	id := f.send(t, src, "poison")
	for i := 1; i <= 2; i++ {
		got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		if len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != strconv.Itoa(i) {
			t.Fatalf("receive %d = %+v", i, got)
		}
	}
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src)}); len(got) != 0 {
		t.Errorf("received a third time: %+v", got)
	}
	got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(dlq), MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
	if len(got) != 1 || aws.ToString(got[0].MessageId) != id || aws.ToString(got[0].Body) != "poison" ||
		got[0].Attributes["DeadLetterQueueSourceArn"] != "arn:aws:sqs:eu-west-1:222222222222:src" {
		t.Errorf("dead-letter queue = %+v", got)
	}
	src2 := must[*sqssdk.ListDeadLetterSourceQueuesOutput](t, "ListDeadLetterSourceQueues")(f.c.ListDeadLetterSourceQueues(ctx, &sqssdk.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)}))
	if len(src2.QueueUrls) != 1 || src2.QueueUrls[0] != src {
		t.Errorf("ListDeadLetterSourceQueues = %v", src2.QueueUrls)
	}
}

// waitForLongPoll waits until a receive is in a long poll.
func (f *fixture) waitForLongPoll(t *testing.T) {
	t.Helper()
	for i := 0; f.world.SQS.Waiting() == 0; i++ {
		if i > 2000 {
			t.Fatal("no receive ever waited")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestLongPoll: a receive waiting up to 20 s returns as soon as a message
// arrives (the test's own deadline is far shorter), and one whose
// caller gives up stops waiting.
func TestLongPoll(t *testing.T) {
	f := start(t)
	url := f.create(t, "q", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		out *sqssdk.ReceiveMessageOutput
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		done <- result{out, err}
	}()
	f.waitForLongPoll(t)
	id := f.send(t, url, "wake up")
	r := <-done
	if r.err != nil || len(r.out.Messages) != 1 || aws.ToString(r.out.Messages[0].MessageId) != id {
		t.Fatalf("long poll = %+v, %v", r.out, r.err)
	}

	// The queue's ReceiveMessageWaitTimeSeconds is the default wait; a
	// message whose delay ends on the SQS clock wakes the poll too.
	url2 := f.create(t, "q2", map[string]string{"ReceiveMessageWaitTimeSeconds": "20"})
	must[*sqssdk.SendMessageOutput](t, "SendMessage delayed")(f.c.SendMessage(context.Background(), &sqssdk.SendMessageInput{QueueUrl: aws.String(url2), MessageBody: aws.String("d"), DelaySeconds: 5}))
	go func() {
		out, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url2)})
		done <- result{out, err}
	}()
	f.waitForLongPoll(t)
	f.clock.Advance(5 * time.Second)
	if r := <-done; r.err != nil || len(r.out.Messages) != 1 {
		t.Fatalf("long poll on a delayed message = %+v, %v", r.out, r.err)
	}

	// A caller that gives up: the call fails on its side, the server
	// stops waiting.
	short, cancelShort := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelShort()
	if _, err := f.c.ReceiveMessage(short, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20}); err == nil {
		t.Fatal("a receive whose context ended succeeded")
	}
	for i := 0; f.world.SQS.Waiting() != 0; i++ {
		if i > 2000 {
			t.Fatal("the server still waits for a caller that left")
		}
		time.Sleep(2 * time.Millisecond)
	}

	// A long poll that finds nothing ends empty.
	out := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1})
	if len(out) != 0 {
		t.Errorf("an empty long poll returned %+v", out)
	}
}

func TestBatches(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", nil)
	sb := must[*sqssdk.SendMessageBatchOutput](t, "SendMessageBatch")(f.c.SendMessageBatch(ctx, &sqssdk.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("one")},
		{Id: aws.String("b"), MessageBody: aws.String("two"), DelaySeconds: 901},
		{Id: aws.String("c"), MessageBody: aws.String("three"), MessageAttributes: map[string]types.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}},
	}}))
	if len(sb.Successful) != 2 || len(sb.Failed) != 1 || aws.ToString(sb.Failed[0].Id) != "b" || aws.ToString(sb.Failed[0].Code) != "InvalidParameterValue" || !sb.Failed[0].SenderFault {
		t.Fatalf("SendMessageBatch = %+v", sb)
	}
	if aws.ToString(sb.Successful[1].MD5OfMessageAttributes) == "" {
		t.Error("no MD5OfMessageAttributes in a batch result")
	}
	msgs := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	if len(msgs) != 2 || aws.ToString(msgs[0].Body) != "one" || aws.ToString(msgs[1].Body) != "three" {
		t.Fatalf("received %+v", msgs)
	}
	cv := must[*sqssdk.ChangeMessageVisibilityBatchOutput](t, "ChangeMessageVisibilityBatch")(f.c.ChangeMessageVisibilityBatch(ctx, &sqssdk.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("x"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0},
		{Id: aws.String("y"), ReceiptHandle: aws.String("forged"), VisibilityTimeout: 0},
	}}))
	if len(cv.Successful) != 1 || len(cv.Failed) != 1 || aws.ToString(cv.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("ChangeMessageVisibilityBatch = %+v", cv)
	}
	db := must[*sqssdk.DeleteMessageBatchOutput](t, "DeleteMessageBatch")(f.c.DeleteMessageBatch(ctx, &sqssdk.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("x"), ReceiptHandle: msgs[1].ReceiptHandle},
		{Id: aws.String("y"), ReceiptHandle: aws.String("forged")},
	}}))
	if len(db.Successful) != 1 || aws.ToString(db.Successful[0].Id) != "x" || len(db.Failed) != 1 || aws.ToString(db.Failed[0].Id) != "y" {
		t.Errorf("DeleteMessageBatch = %+v", db)
	}
	if a := f.attrs(t, url); a["ApproximateNumberOfMessages"] != "1" || a["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("after the batches: %v", a)
	}
}

func TestPurgeQueue(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", nil)
	f.send(t, url, "1")
	f.send(t, url, "2")
	must[*sqssdk.PurgeQueueOutput](t, "PurgeQueue")(f.c.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)}))
	if a := f.attrs(t, url); a["ApproximateNumberOfMessages"] != "0" {
		t.Errorf("after purge: %v", a)
	}
	_, err := f.c.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)})
	var busy *types.PurgeQueueInProgress
	if !errors.As(err, &busy) || code(err) != "AWS.SimpleQueueService.PurgeQueueInProgress" {
		t.Errorf("second purge: %v", err)
	}
	f.clock.Advance(60 * time.Second)
	must[*sqssdk.PurgeQueueOutput](t, "PurgeQueue after 60 s")(f.c.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)}))
}

func TestTags(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	out := must[*sqssdk.CreateQueueOutput](t, "CreateQueue")(f.c.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("q"), Tags: map[string]string{"team": "sec"}}))
	must[*sqssdk.TagQueueOutput](t, "TagQueue")(f.c.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: out.QueueUrl, Tags: map[string]string{"env": "prod"}}))
	must[*sqssdk.UntagQueueOutput](t, "UntagQueue")(f.c.UntagQueue(ctx, &sqssdk.UntagQueueInput{QueueUrl: out.QueueUrl, TagKeys: []string{"team"}}))
	tags := must[*sqssdk.ListQueueTagsOutput](t, "ListQueueTags")(f.c.ListQueueTags(ctx, &sqssdk.ListQueueTagsInput{QueueUrl: out.QueueUrl}))
	if len(tags.Tags) != 1 || tags.Tags["env"] != "prod" {
		t.Errorf("tags = %v", tags.Tags)
	}
}

// TestCrossAccountAccess: another account reaches a queue only through
// its policy.
func TestCrossAccountAccess(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	owner := client(t, f.sim, simtest.Management)
	out := must[*sqssdk.CreateQueueOutput](t, "CreateQueue")(owner.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("central")}))
	_, err := f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String("x")})
	if code(err) != "AccessDenied" {
		t.Errorf("a member sends without a policy: %v", err)
	}
	if _, err := f.c.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("central"), QueueOwnerAWSAccountId: aws.String(simtest.Management)}); code(err) != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("GetQueueUrl of another account's queue without a policy: %v", err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"arn:aws:sqs:eu-west-1:111111111111:central"}]}`
	must[*sqssdk.SetQueueAttributesOutput](t, "SetQueueAttributes Policy")(owner.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: out.QueueUrl, Attributes: map[string]string{"Policy": policy}}))
	must[*sqssdk.SendMessageOutput](t, "SendMessage with the policy")(f.c.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String("x")}))
	if _, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: out.QueueUrl}); code(err) != "AccessDenied" {
		t.Errorf("ReceiveMessage, which the policy does not grant: %v", err)
	}
	gu := must[*sqssdk.GetQueueUrlOutput](t, "GetQueueUrl with the policy")(f.c.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("central"), QueueOwnerAWSAccountId: aws.String(simtest.Management)}))
	if aws.ToString(gu.QueueUrl) != aws.ToString(out.QueueUrl) {
		t.Errorf("GetQueueUrl = %s", aws.ToString(gu.QueueUrl))
	}
}

// TestServiceDelivery: a service (EventBridge, S3) sends only to a queue
// whose policy allows it, for the source its conditions name.
func TestServiceDelivery(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	url := f.create(t, "q", nil)
	arn := "arn:aws:sqs:eu-west-1:222222222222:q"
	send := world.ServiceSend{QueueARN: arn, Body: "{}", Service: "events.amazonaws.com",
		SourceARN: "arn:aws:events:eu-west-1:222222222222:rule/watch", SourceAccount: simtest.Member}
	var de *world.ErrDelivery
	if err := f.world.DeliverToQueue(send); !errors.As(err, &de) {
		t.Errorf("delivery without a policy: %v", err)
	}
	policy := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + arn + `",
		"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:eu-west-1:222222222222:rule/watch"}}}]}`
	must[*sqssdk.SetQueueAttributesOutput](t, "SetQueueAttributes Policy")(f.c.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"Policy": policy}}))
	if err := f.world.DeliverToQueue(send); err != nil {
		t.Errorf("delivery with the policy: %v", err)
	}
	other := send
	other.SourceARN = "arn:aws:events:eu-west-1:222222222222:rule/other"
	if err := f.world.DeliverToQueue(other); !errors.As(err, &de) {
		t.Errorf("delivery from a rule the condition does not name: %v", err)
	}
	s3 := send
	s3.Service = "s3.amazonaws.com"
	if err := f.world.DeliverToQueue(s3); !errors.As(err, &de) {
		t.Errorf("delivery by a service the policy does not name: %v", err)
	}
	msgs := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"SenderId"}})
	if len(msgs) != 1 || aws.ToString(msgs[0].Body) != "{}" || msgs[0].Attributes["SenderId"] == "" {
		t.Errorf("delivered = %+v", msgs)
	}
}

// TestWorkerContract: what a queue worker relies on. The last receive
// a redrive policy allows reports ApproximateReceiveCount equal to
// maxReceiveCount; a message released at once (ChangeMessageVisibility
// 0) counts its receive, and the receive after the last moves it to the
// dead-letter queue, a long poll included, which then ends empty at its
// WaitTimeSeconds; a handle whose visibility timeout ended cannot extend
// it any more (the heartbeat learns it lost the message); a long poll
// wakes when a visibility timeout ends on the SQS clock.
func TestWorkerContract(t *testing.T) {
	f := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dlq := f.create(t, "work-dlq", nil)
	src := f.create(t, "work", map[string]string{"VisibilityTimeout": "30",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + f.attrs(t, dlq)["QueueArn"] + `","maxReceiveCount":3}`})
	if got := f.attrs(t, src)["RedrivePolicy"]; !strings.Contains(got, `"maxReceiveCount":3`) {
		t.Errorf("RedrivePolicy = %s", got)
	}
	id := f.send(t, src, `{"version":1}`)
	count := []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}
	for i := 1; i <= 3; i++ {
		got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: 1, MessageSystemAttributeNames: count})
		if len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != strconv.Itoa(i) {
			t.Fatalf("receive %d = %+v", i, got)
		}
		must[*sqssdk.ChangeMessageVisibilityOutput](t, "release")(f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(src), ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 0}))
	}
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: 1}); len(got) != 0 {
		t.Fatalf("a fourth receive got %+v", got)
	}
	got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(dlq)})
	if len(got) != 1 || aws.ToString(got[0].MessageId) != id {
		t.Fatalf("dead-letter queue = %+v", got)
	}

	// The heartbeat: extend while in flight; once the timeout ended,
	// the same handle is refused.
	f.send(t, src, "slow")
	m := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), VisibilityTimeout: 2})
	if len(m) != 1 {
		t.Fatalf("receive = %+v", m)
	}
	f.clock.Advance(time.Second)
	must[*sqssdk.ChangeMessageVisibilityOutput](t, "extend")(f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(src), ReceiptHandle: m[0].ReceiptHandle, VisibilityTimeout: 2}))
	f.clock.Advance(1500 * time.Millisecond)
	if got := f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src)}); len(got) != 0 {
		t.Fatalf("an extended message was received: %+v", got)
	}
	f.clock.Advance(time.Second)
	_, err := f.c.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: aws.String(src), ReceiptHandle: m[0].ReceiptHandle, VisibilityTimeout: 2})
	if code(err) != "AWS.SimpleQueueService.MessageNotInflight" {
		t.Errorf("extend after the timeout ended: %v", err)
	}

	// A long poll wakes when a visibility timeout ends on the SQS clock.
	m = f.receive(t, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), VisibilityTimeout: 5})
	if len(m) != 1 {
		t.Fatalf("receive = %+v", m)
	}
	type result struct {
		out *sqssdk.ReceiveMessageOutput
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := f.c.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: 20})
		done <- result{out, err}
	}()
	f.waitForLongPoll(t)
	f.clock.Advance(5 * time.Second)
	if r := <-done; r.err != nil || len(r.out.Messages) != 1 || aws.ToString(r.out.Messages[0].Body) != "slow" {
		t.Fatalf("long poll over a visibility timeout = %+v, %v", r.out, r.err)
	}
}
