package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/worker"
)

// loopFixture is a queue with a dead-letter queue in the simulator.
type loopFixture struct {
	q     *sqsapi.Client
	queue string
	dlq   string
}

func newLoop(t *testing.T, visibility string, maxReceives int) *loopFixture {
	t.Helper()
	s := simtest.Start(t, nil)
	q := sqsapi.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	ctx := context.Background()
	f := &loopFixture{q: q}
	f.dlq = createQueue(ctx, t, q, "dlq", nil)
	f.queue = createQueue(ctx, t, q, "work", map[string]string{"VisibilityTimeout": visibility,
		"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":%d}`, queueARN(ctx, t, q, f.dlq), maxReceives)})
	return f
}

func message(account string) worker.Message {
	return worker.Message{Scan: "scan-1", Started: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Org: worker.Org{Management: "111111111111"},
		Account: org.Account{ID: account, Status: "ACTIVE"}, Role: org.DefaultRole, Home: "us-east-1", Controls: []string{"IAM.4"}}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestDispatchBatches: 23 messages go in three batches and arrive
// whole; a message that cannot be encoded is an error naming its
// account, before anything is sent.
func TestDispatchBatches(t *testing.T) {
	f := newLoop(t, "30", 3)
	ctx := context.Background()
	var msgs []worker.Message
	for i := range 23 {
		msgs = append(msgs, message(fmt.Sprintf("%012d", 100000000000+i)))
	}
	if err := worker.Dispatch(ctx, f.q, f.queue, msgs, 0); err != nil {
		t.Fatal(err)
	}
	if n := queueCount(ctx, t, f.q, f.queue); n != 23 {
		t.Fatalf("%d messages in the queue, want 23", n)
	}
	bad := message("12")
	err := worker.Dispatch(ctx, f.q, f.queue, []worker.Message{bad}, 0)
	if err == nil || !strings.Contains(err.Error(), `dispatch account 12: account.id "12" is not a 12-digit account ID`) {
		t.Errorf("Dispatch of a bad message = %v", err)
	}
}

// TestHeartbeatAndStop: a message worked on for longer than its
// visibility timeout is not handed to another receiver (the heartbeat
// extends it); a worker stopped mid-message releases it at once; a
// message done is deleted.
func TestHeartbeatAndStop(t *testing.T) {
	f := newLoop(t, "1", 5)
	ctx := context.Background()
	if err := worker.Dispatch(ctx, f.q, f.queue, []worker.Message{message("222222222222")}, 0); err != nil {
		t.Fatal(err)
	}
	var started atomic.Int32
	release := make(chan struct{})
	handle := func(ctx context.Context, j worker.Job) error {
		started.Add(1)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	giveUp := func(context.Context, worker.Job, error) error { return nil }
	wk, err := worker.New(f.q, worker.Options{Queue: f.queue, Visibility: time.Second, Heartbeat: 200 * time.Millisecond, Wait: time.Second,
		Handle: handle, GiveUp: giveUp, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- wk.Run(wctx) }()
	waitFor(t, "the worker to take the message", func() bool { return started.Load() == 1 })
	// Three visibility timeouts: another receiver gets nothing.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		out, err := f.q.ReceiveMessage(ctx, &sqsapi.ReceiveMessageInput{QueueUrl: aws.String(f.queue), WaitTimeSeconds: 1, VisibilityTimeout: 0})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			t.Fatal("a message in progress was handed to another receiver: the heartbeat did not extend it")
		}
	}
	// Stopped mid-message: released at once (well before the timeout).
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out, err := f.q.ReceiveMessage(ctx, &sqsapi.ReceiveMessageInput{QueueUrl: aws.String(f.queue), VisibilityTimeout: 0,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount}})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("after the stop the message is not visible: %+v, %v", out, err)
	}
	if s := wk.Stats(); s.Released != 1 || s.Done != 0 {
		t.Errorf("stats %+v, want one release", s)
	}
	if _, err := f.q.ChangeMessageVisibility(ctx, &sqsapi.ChangeMessageVisibilityInput{QueueUrl: aws.String(f.queue), ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	// Done: deleted.
	close(release)
	wk2, _ := worker.New(f.q, worker.Options{Queue: f.queue, Visibility: time.Second, Wait: time.Second, ExitWhenIdle: 3,
		Handle: handle, GiveUp: giveUp, Log: quiet()})
	if err := wk2.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if s := wk2.Stats(); s.Done != 1 {
		t.Errorf("stats %+v, want one done", s)
	}
	waitFor(t, "the queue to be empty", func() bool { return queueCount(ctx, t, f.q, f.queue) == 0 })
}

// TestNoRedrivePolicy: a worker refuses a queue without a dead-letter
// queue, and one that does not exist, saying which.
func TestNoRedrivePolicy(t *testing.T) {
	s := simtest.Start(t, nil)
	q := sqsapi.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	ctx := context.Background()
	url := createQueue(ctx, t, q, "plain", nil)
	nop := func(context.Context, worker.Job) error { return nil }
	giveUp := func(context.Context, worker.Job, error) error { return nil }
	for _, tc := range []struct{ queue, want string }{
		{url, "has no redrive policy: give it a dead-letter queue"},
		{strings.TrimSuffix(url, "plain") + "gone", "AWS.SimpleQueueService.NonExistentQueue"},
	} {
		wk, err := worker.New(q, worker.Options{Queue: tc.queue, Handle: nop, GiveUp: giveUp, Log: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		if err := wk.Run(ctx); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run on %s = %v, want %q", tc.queue, err, tc.want)
		}
	}
}
