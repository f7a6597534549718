package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// The SQS source.
//
// A queue carries CloudTrail in one of two shapes, told apart by the
// message body:
//
//   - an EventBridge event (a rule on the organization's event bus whose
//     target is the queue): {"detail-type": "AWS API Call via
//     CloudTrail", ..., "detail": <the CloudTrail record>}; sign-ins come
//     as "AWS Console Sign In via CloudTrail";
//   - an S3 event notification of the log-archive bucket: {"Records":
//     [{"eventSource": "aws:s3", "s3": {"bucket": {"name"}, "object":
//     {"key"}}}]}, naming new log files, which are read from S3; and
//     CloudTrail's own notification of a delivery, {"s3Bucket",
//     "s3ObjectKey": [...]}.
//
// Either may come wrapped in an SNS notification ({"Type":
// "Notification", "Message": "<the body>"}), when the queue subscribes to
// a topic without raw delivery.
//
// A message is deleted only once its records' alerts are committed. While
// a batch is in progress its messages' visibility is extended, so another
// reader does not get them. A message that cannot be processed (its log
// file cannot be read, its body is not one of the shapes above) is left
// alone: it comes back after its visibility timeout, and after the
// queue's maxReceiveCount its redrive policy moves it to the dead-letter
// queue, where it waits for someone to look. The watch never deletes what
// it did not process.

// SQSSource reads a queue; NewSQSSource makes one.
type SQSSource struct {
	QueueURL string
	// Config reads the log files S3 notifications name.
	Config aws.Config
	// Wait is the long poll (20 s when 0, the most SQS allows); keep it
	// under the attempt timeout.
	Wait time.Duration
	// Visibility is the visibility timeout asked for on receipt and
	// extended while a batch is in progress (60 s when 0).
	Visibility time.Duration
	// CallTimeout bounds each call but the long poll (30 s when 0).
	CallTimeout time.Duration

	// The client's operations the source calls, as method values: a
	// *sqsapi.Client in a field of a type that goes into an interface
	// (Source) would link every operation of SQS (see .ci/run).
	receive    func(context.Context, *sqsapi.ReceiveMessageInput, ...func(*sqsapi.Options)) (*sqsapi.ReceiveMessageOutput, error)
	deleteMsgs func(context.Context, *sqsapi.DeleteMessageBatchInput, ...func(*sqsapi.Options)) (*sqsapi.DeleteMessageBatchOutput, error)
	visibility func(context.Context, *sqsapi.ChangeMessageVisibilityBatchInput, ...func(*sqsapi.Options)) (*sqsapi.ChangeMessageVisibilityBatchOutput, error)

	objects *objects
	once    sync.Once
}

// NewSQSSource returns a source that reads queueURL with client; cfg
// reads the log files S3 notifications name.
func NewSQSSource(client *sqsapi.Client, queueURL string, cfg aws.Config) *SQSSource {
	return &SQSSource{QueueURL: queueURL, Config: cfg, receive: client.ReceiveMessage, deleteMsgs: client.DeleteMessageBatch,
		visibility: client.ChangeMessageVisibilityBatch}
}

// Name is SourceSQS.
func (s *SQSSource) Name() string { return SourceSQS }

func (s *SQSSource) init() {
	s.once.Do(func() {
		if s.Wait <= 0 {
			s.Wait = 20 * time.Second
		}
		if s.Visibility <= 0 {
			s.Visibility = 60 * time.Second
		}
		if s.CallTimeout <= 0 {
			s.CallTimeout = 30 * time.Second
		}
		s.objects = newObjects(s.Config, 0)
	})
}

// origin names a message for error reports.
func (s *SQSSource) origin(id string) string {
	name := s.QueueURL
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return "sqs:" + name + "/" + id
}

// Next receives up to ten messages (a long poll) and reads their records.
func (s *SQSSource) Next(ctx context.Context) (*Batch, error) {
	s.init()
	rctx, cancel := context.WithTimeout(ctx, s.Wait+s.CallTimeout)
	defer cancel()
	out, err := s.receive(rctx, &sqsapi.ReceiveMessageInput{
		QueueUrl:                    aws.String(s.QueueURL),
		MaxNumberOfMessages:         10,
		WaitTimeSeconds:             int32(s.Wait / time.Second),
		VisibilityTimeout:           int32(s.Visibility / time.Second),
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount},
	})
	if err != nil {
		return nil, fmt.Errorf("receive from %s: %w", s.QueueURL, err)
	}
	if len(out.Messages) == 0 {
		return nil, nil
	}
	b := &Batch{}
	var done []sqstypes.Message
	ext := s.extend(out.Messages)
	for _, m := range out.Messages {
		recs, errs, ok := s.message(ctx, m)
		b.Errors = append(b.Errors, errs...)
		if !ok {
			continue // left for the redrive
		}
		b.Records = append(b.Records, recs...)
		done = append(done, m)
	}
	b.Done = func(ctx context.Context, committed bool) error {
		ext()
		if !committed || len(done) == 0 {
			return nil
		}
		return s.delete(ctx, done)
	}
	return b, nil
}

// envelope is the union of the shapes a message body may take.
type envelope struct {
	// SNS
	Type    string `json:"Type"`
	Message string `json:"Message"`
	// EventBridge
	DetailType string          `json:"detail-type"`
	Account    string          `json:"account"`
	Detail     json.RawMessage `json:"detail"`
	// S3 event notification
	Records []struct {
		EventSource string `json:"eventSource"`
		EventName   string `json:"eventName"`
		AWSRegion   string `json:"awsRegion"`
		S3          struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key string `json:"key"`
			} `json:"object"`
		} `json:"s3"`
	} `json:"Records"`
	Event string `json:"Event"` // "s3:TestEvent"
	// CloudTrail's delivery notification
	S3Bucket    string   `json:"s3Bucket"`
	S3ObjectKey []string `json:"s3ObjectKey"`
}

// message reads the records of one message. ok is false when the message
// must not be deleted: a log file it names could not be read, or its body
// is none of the known shapes (errs says so).
func (s *SQSSource) message(ctx context.Context, m sqstypes.Message) (recs []Record, errs []store.WatchError, ok bool) {
	id := aws.ToString(m.MessageId)
	origin := s.origin(id)
	body := []byte(aws.ToString(m.Body))
	bad := func(msg string) ([]Record, []store.WatchError, bool) {
		n, _ := strconv.Atoi(m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)])
		if n > 1 {
			msg += fmt.Sprintf(" (received %d times)", n)
		}
		return nil, []store.WatchError{{Origin: origin, Offset: -1, Kind: ErrKindMessage, Message: msg}}, false
	}
	var env envelope
	for range 2 { // an SNS notification wraps the body once
		env = envelope{}
		if err := json.Unmarshal(body, &env); err != nil {
			return bad("the message body is not JSON: " + err.Error())
		}
		if env.Type != "Notification" || env.Message == "" {
			break
		}
		body = []byte(env.Message)
	}
	switch {
	case env.DetailType != "":
		if !strings.HasSuffix(env.DetailType, "via CloudTrail") {
			// Another kind of event on the bus: not ours to read, nothing
			// to keep.
			return nil, nil, true
		}
		if len(env.Detail) == 0 || env.Detail[0] != '{' {
			return bad(`an EventBridge event without a "detail" record`)
		}
		return []Record{{Raw: withRecipient(env.Detail, env.Account), Origin: origin, Offset: -1}}, nil, true
	case env.Event == "s3:TestEvent":
		return nil, nil, true
	case len(env.Records) > 0 && env.Records[0].EventSource == "aws:s3":
		for _, r := range env.Records {
			if !strings.HasPrefix(r.EventName, "ObjectCreated:") {
				continue
			}
			// Keys in S3 notifications are URL-encoded, spaces as '+'.
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				return bad(fmt.Sprintf("object key %q: %v", r.S3.Object.Key, err))
			}
			fr, ferrs, err := s.file(ctx, r.AWSRegion, r.S3.Bucket.Name, key)
			if err != nil {
				return nil, append(errs, store.WatchError{Origin: origin, Offset: -1, Kind: ErrKindRead, Message: err.Error()}), false
			}
			recs, errs = append(recs, fr...), append(errs, ferrs...)
		}
		return recs, errs, true
	case env.S3Bucket != "":
		for _, key := range env.S3ObjectKey {
			fr, ferrs, err := s.file(ctx, "", env.S3Bucket, key)
			if err != nil {
				return nil, append(errs, store.WatchError{Origin: origin, Offset: -1, Kind: ErrKindRead, Message: err.Error()}), false
			}
			recs, errs = append(recs, fr...), append(errs, ferrs...)
		}
		return recs, errs, true
	}
	return bad("the message body is neither an EventBridge event nor an S3 notification")
}

// file reads one log file a notification names (nothing for another kind
// of object).
func (s *SQSSource) file(ctx context.Context, region, bucket, key string) ([]Record, []store.WatchError, error) {
	if !isLogFile(key) {
		return nil, nil, nil
	}
	if region == "" {
		r, err := s.objects.bucketRegion(ctx, bucket)
		if err != nil {
			return nil, nil, err
		}
		region = r
	}
	return s.objects.read(ctx, region, bucket, key)
}

// extend keeps msgs invisible while their batch is in progress, renewing
// their visibility at a third of the timeout; the function it returns
// stops it.
func (s *SQSSource) extend(msgs []sqstypes.Message) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.Visibility / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			entries := make([]sqstypes.ChangeMessageVisibilityBatchRequestEntry, len(msgs))
			for i, m := range msgs {
				entries[i] = sqstypes.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
					ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: int32(s.Visibility / time.Second)}
			}
			cctx, ccancel := context.WithTimeout(ctx, s.CallTimeout)
			// A failed renewal is retried at the next tick; at worst a
			// message is read twice, which the store de-duplicates.
			s.visibility(cctx, &sqsapi.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(s.QueueURL), Entries: entries})
			ccancel()
		}
	}()
	return func() { cancel(); <-done }
}

// delete deletes msgs, processed and committed.
func (s *SQSSource) delete(ctx context.Context, msgs []sqstypes.Message) error {
	entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(msgs))
	for i, m := range msgs {
		entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
	}
	ctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
	defer cancel()
	out, err := s.deleteMsgs(ctx, &sqsapi.DeleteMessageBatchInput{QueueUrl: aws.String(s.QueueURL), Entries: entries})
	if err != nil {
		return fmt.Errorf("delete %d messages from %s: %w", len(msgs), s.QueueURL, err)
	}
	if len(out.Failed) > 0 {
		f := out.Failed[0]
		return fmt.Errorf("delete from %s: %d messages not deleted (%s: %s); they will be read again", s.QueueURL, len(out.Failed),
			aws.ToString(f.Code), aws.ToString(f.Message))
	}
	return nil
}

// withRecipient returns the record of an EventBridge event with its
// recipientAccountId: CloudTrail's records carry it, but should one come
// without, the event's account (the bus's, where the call was made) is
// the account it is about, not the caller's (userIdentity.accountId,
// another account for a cross-account role).
func withRecipient(detail json.RawMessage, account string) []byte {
	if account == "" || bytes.Contains(detail, []byte(`"recipientAccountId"`)) {
		return detail
	}
	out := make([]byte, 0, len(detail)+len(account)+24)
	out = append(out, `{"recipientAccountId":"`...)
	out = append(out, account...)
	out = append(out, '"')
	if rest := bytes.TrimSpace(detail[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, detail[1:]...)
}
