package watch

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// eventBridge wraps a record as EventBridge delivers a CloudTrail event
// to an SQS target.
func eventBridge(r rec, detailType string) string {
	b, _ := json.Marshal(map[string]any{"version": "0", "id": "eb-" + r.id, "detail-type": detailType,
		"source": "aws." + strings.TrimSuffix(r.source, ".amazonaws.com"), "account": r.account, "time": t0.Format(time.RFC3339),
		"region": r.region, "resources": []string{}, "detail": json.RawMessage(r.json())})
	return string(b)
}

// s3Notification is an S3 event notification of a new object.
func s3Notification(bucket, key string) string {
	b, _ := json.Marshal(map[string]any{"Records": []any{map[string]any{"eventVersion": "2.1", "eventSource": "aws:s3",
		"awsRegion": "us-east-1", "eventName": "ObjectCreated:Put",
		"s3": map[string]any{"bucket": map[string]any{"name": bucket}, "object": map[string]any{"key": strings.ReplaceAll(key, "_", "%5F")}}}}})
	return string(b)
}

// TestSQSSource reads a queue through the simulator's SQS: EventBridge
// events (also wrapped by SNS) and S3 notifications of log files give
// their alerts; a message is deleted once its alerts are stored; one of
// an unknown shape is left, and the queue's redrive moves it to the
// dead-letter queue; events of another kind are dropped.
func TestSQSSource(t *testing.T) {
	s := simtest.Start(t, nil)
	ctx := context.Background()
	c3, cfg := trailBucket(t, s)
	c := sqsapi.NewFromConfig(cfg)
	dlq, err := c.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("guardrail-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	redrive, _ := json.Marshal(map[string]string{"deadLetterTargetArn": attrs.Attributes["QueueArn"], "maxReceiveCount": "2"})
	q, err := c.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("guardrail-events"),
		Attributes: map[string]string{"RedrivePolicy": string(redrive)}})
	if err != nil {
		t.Fatal(err)
	}
	key := logKey(acctB, use1, simtest.Now.Add(-5*time.Minute), "n1")
	put(t, c3, key, gz(logJSON(evStop, evRead)))
	sns, _ := json.Marshal(map[string]string{"Type": "Notification", "MessageId": "m", "TopicArn": "arn:aws:sns:us-east-1:" + simtest.Management + ":t",
		"Message": eventBridge(evPolicy, "AWS API Call via CloudTrail")})
	root := evRoot
	for _, body := range []string{
		eventBridge(evSSH, "AWS API Call via CloudTrail"),
		eventBridge(root, "AWS Console Sign In via CloudTrail"),
		s3Notification(logBucket, key),
		string(sns),
		eventBridge(evSSH, "EC2 Instance State-change Notification"),
		"hello, not JSON",
	} {
		if _, err := c.SendMessage(ctx, &sqsapi.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}

	st, _ := openStore(t)
	src := NewSQSSource(c, aws.ToString(q.QueueUrl), cfg)
	src.Wait, src.Visibility = time.Second, time.Second
	e, err := New(Options{Store: st, Rules: mustRules(t), Source: src})
	if err != nil {
		t.Fatal(err)
	}
	count := func(url *string) int {
		out, err := c.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: url,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
		b, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
		return a + b
	}
	// Until the bad message has gone to the dead-letter queue (received
	// twice, each after its visibility timeout).
	runUntil(t, e, func() bool { return count(dlq.QueueUrl) == 1 })
	want := incidentAlerts
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := count(q.QueueUrl); n != 0 {
		t.Errorf("%d messages left in the queue, want 0", n)
	}
	errs, _ := st.WatchErrors(ctx, 0)
	if len(errs) != 1 || errs[0].Kind != ErrKindMessage || !strings.HasPrefix(errs[0].Origin, "sqs:guardrail-events/") {
		t.Errorf("errors %+v, want the bad message once", errs)
	}
	as, _, _ := st.Alerts(ctx, store.AlertFilter{})
	for _, a := range as {
		if a.EventID == "ev-stop" && a.Origin != "s3://"+logBucket+"/"+key {
			t.Errorf("the log file's alert has origin %q", a.Origin)
		}
	}
}

// TestWithRecipient: an EventBridge event's record without
// recipientAccountId takes the event's account.
func TestWithRecipient(t *testing.T) {
	for _, tc := range []struct{ in, account, want string }{
		{`{"eventID":"e"}`, "222222222222", `{"recipientAccountId":"222222222222","eventID":"e"}`},
		{`{}`, "222222222222", `{"recipientAccountId":"222222222222"}`},
		{`{"recipientAccountId":"111111111111"}`, "222222222222", `{"recipientAccountId":"111111111111"}`},
		{`{"eventID":"e"}`, "", `{"eventID":"e"}`},
	} {
		got := string(withRecipient(json.RawMessage(tc.in), tc.account))
		if got != tc.want || !json.Valid([]byte(got)) {
			t.Errorf("withRecipient(%s, %q) = %s, want %s", tc.in, tc.account, got, tc.want)
		}
	}
}
