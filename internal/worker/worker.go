package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// Defaults of Options.
const (
	DefaultVisibility  = 5 * time.Minute
	DefaultWait        = 20 * time.Second // the most SQS allows
	DefaultCallTimeout = 30 * time.Second
	DefaultRetryDelay  = 30 * time.Second
)

// Options configure a worker.
type Options struct {
	// Queue is the queue's URL.
	Queue string
	// Visibility is the visibility timeout asked for on each receive and
	// renewed by the heartbeat (DefaultVisibility when 0; whole seconds,
	// at least one).
	Visibility time.Duration
	// Heartbeat is how often the visibility of a message in progress is
	// extended (a third of Visibility when 0).
	Heartbeat time.Duration
	// Wait is the long poll (DefaultWait when 0, at most 20 s).
	Wait time.Duration
	// CallTimeout bounds each call but the long poll, which is bounded by
	// Wait plus CallTimeout (DefaultCallTimeout when 0).
	CallTimeout time.Duration
	// RetryDelay is how long a message that failed stays hidden before
	// another attempt (DefaultRetryDelay when 0; negative: none).
	RetryDelay time.Duration
	// Messages is how many messages are worked on at once (1 when 0).
	Messages int
	// ExitWhenIdle, when positive, makes Run return once that many long
	// polls in a row found nothing and nothing is in progress.
	ExitWhenIdle int
	// Handle assesses a message's account and stores its results; an
	// error leaves the message for another attempt.
	Handle func(ctx context.Context, j Job) error
	// GiveUp records a message's account as not assessed, with the
	// reason, after the last attempt the redrive policy allows failed.
	GiveUp func(ctx context.Context, j Job, reason error) error
	// Log receives what happens (slog.Default when nil).
	Log *slog.Logger
}

// Job is a message received, parsed.
type Job struct {
	// ID is the SQS message ID.
	ID      string
	Message Message
	// Receives is the message's ApproximateReceiveCount; Last says no
	// attempt follows this one (Receives has reached the redrive
	// policy's maxReceiveCount).
	Receives int
	Last     bool
}

// Stats counts what a worker did.
type Stats struct {
	Done, Failed, GaveUp, Malformed, Released int64
}

// Worker receives and processes messages of one queue; New makes one.
type Worker struct {
	o           Options
	maxReceives int

	// The client's operations, as method values (see the package doc).
	receive func(context.Context, *sqsapi.ReceiveMessageInput, ...func(*sqsapi.Options)) (*sqsapi.ReceiveMessageOutput, error)
	del     func(context.Context, *sqsapi.DeleteMessageInput, ...func(*sqsapi.Options)) (*sqsapi.DeleteMessageOutput, error)
	change  func(context.Context, *sqsapi.ChangeMessageVisibilityInput, ...func(*sqsapi.Options)) (*sqsapi.ChangeMessageVisibilityOutput, error)
	attrs   func(context.Context, *sqsapi.GetQueueAttributesInput, ...func(*sqsapi.Options)) (*sqsapi.GetQueueAttributesOutput, error)

	done, failed, gaveUp, malformed, released atomic.Int64
	inProgress                                atomic.Int64
}

// InProgress is how many messages the worker is working on now.
func (w *Worker) InProgress() int { return int(w.inProgress.Load()) }

// New returns a worker of o.Queue that calls SQS with client.
func New(client *sqsapi.Client, o Options) (*Worker, error) {
	if o.Queue == "" {
		return nil, errors.New("worker: no queue")
	}
	if o.Handle == nil || o.GiveUp == nil {
		return nil, errors.New("worker: Handle and GiveUp are required")
	}
	if o.Visibility == 0 {
		o.Visibility = DefaultVisibility
	}
	if o.Visibility < time.Second || o.Visibility > 12*time.Hour {
		return nil, fmt.Errorf("worker: visibility timeout %s: want from 1s to 12h", o.Visibility)
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = o.Visibility / 3
	}
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	o.Wait = min(o.Wait, 20*time.Second)
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = DefaultRetryDelay
	}
	o.RetryDelay = min(max(o.RetryDelay, 0), 12*time.Hour)
	if o.Messages <= 0 {
		o.Messages = 1
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Worker{o: o, receive: client.ReceiveMessage, del: client.DeleteMessage, change: client.ChangeMessageVisibility,
		attrs: client.GetQueueAttributes}, nil
}

// Stats returns the counts so far.
func (w *Worker) Stats() Stats {
	return Stats{Done: w.done.Load(), Failed: w.failed.Load(), GaveUp: w.gaveUp.Load(), Malformed: w.malformed.Load(), Released: w.released.Load()}
}

// MaxReceives reads the queue's redrive policy: its maxReceiveCount. A
// queue without one is an error: a message that always fails would
// come back until its retention period ends, and the scan would wait
// for it as long.
func MaxReceives(ctx context.Context, client *sqsapi.Client, queue string, callTimeout time.Duration) (int, error) {
	if callTimeout <= 0 {
		callTimeout = DefaultCallTimeout
	}
	return maxReceives(ctx, client.GetQueueAttributes, queue, callTimeout)
}

func maxReceives(ctx context.Context, attrs func(context.Context, *sqsapi.GetQueueAttributesInput, ...func(*sqsapi.Options)) (*sqsapi.GetQueueAttributesOutput, error), queue string, callTimeout time.Duration) (int, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := attrs(cctx, &sqsapi.GetQueueAttributesInput{QueueUrl: aws.String(queue), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameRedrivePolicy}})
	if err != nil {
		return 0, fmt.Errorf("queue %s: get its redrive policy: %w", queue, err)
	}
	p := out.Attributes[string(sqstypes.QueueAttributeNameRedrivePolicy)]
	if p == "" {
		return 0, fmt.Errorf("queue %s has no redrive policy: give it a dead-letter queue and a maxReceiveCount (see the README, \"Queue workers\"), or a message that always fails comes back until its retention ends", queue)
	}
	n, err := parseMaxReceiveCount(p)
	if err != nil {
		return 0, fmt.Errorf("queue %s: redrive policy %s: %w", queue, p, err)
	}
	return n, nil
}

// Run receives and processes messages until ctx ends (then it releases
// the messages in progress and returns nil) or, with ExitWhenIdle, the
// queue stays empty. An error is one that no retry mends: the queue does
// not exist or has no redrive policy, or receiving failed five times in
// a row.
func (w *Worker) Run(ctx context.Context) error {
	n, err := maxReceives(ctx, w.attrs, w.o.Queue, w.o.CallTimeout)
	if err != nil {
		return err
	}
	w.maxReceives = n
	slots := make(chan struct{}, w.o.Messages)
	var wg sync.WaitGroup
	defer wg.Wait()
	idle, failures := 0, 0
	for ctx.Err() == nil {
		// Take one free slot, and as many more as are free.
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		free := 1
	fill:
		for free < min(w.o.Messages, 10) {
			select {
			case slots <- struct{}{}:
				free++
			default:
				break fill
			}
		}
		rctx, cancel := context.WithTimeout(ctx, w.o.Wait+w.o.CallTimeout)
		out, err := w.receive(rctx, &sqsapi.ReceiveMessageInput{
			QueueUrl:                    aws.String(w.o.Queue),
			MaxNumberOfMessages:         int32(free),
			WaitTimeSeconds:             int32(w.o.Wait / time.Second),
			VisibilityTimeout:           int32(w.o.Visibility / time.Second),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount},
		})
		cancel()
		var msgs []sqstypes.Message
		if out != nil {
			msgs = out.Messages
		}
		for range free - len(msgs) {
			<-slots
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failures++
			w.o.Log.Warn("receive", "queue", w.o.Queue, "err", awsx.Describe(err), "in_a_row", failures)
			if failures >= 5 {
				return fmt.Errorf("receive from %s: %w (5 times in a row)", w.o.Queue, err)
			}
			if sleep(ctx, time.Duration(failures)*time.Second) != nil {
				return nil
			}
			continue
		}
		failures = 0
		if len(msgs) == 0 {
			idle++
			if w.o.ExitWhenIdle > 0 && idle >= w.o.ExitWhenIdle && len(slots) == 0 {
				return nil
			}
			continue
		}
		idle = 0
		for _, m := range msgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				w.process(ctx, m)
			}()
		}
	}
	return nil
}

// process works on one message, from its receipt to its deletion or
// release.
func (w *Worker) process(ctx context.Context, m sqstypes.Message) {
	w.inProgress.Add(1)
	defer w.inProgress.Add(-1)
	id, handle := aws.ToString(m.MessageId), aws.ToString(m.ReceiptHandle)
	receives, _ := strconv.Atoi(m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)])
	log := w.o.Log.With("message", id, "receives", receives)
	stop := w.heartbeat(ctx, id, handle, log)
	defer stop()

	msg, err := Parse(id, aws.ToString(m.Body))
	if err != nil {
		// Never deleted, never retried later than at once: it goes to
		// the dead-letter queue after maxReceiveCount receives.
		w.malformed.Add(1)
		log.Error("malformed message: left for the dead-letter queue", "err", err)
		stop()
		w.release(ctx, handle, 0, log)
		return
	}
	log = log.With("scan", msg.Scan, "account", msg.Account.ID)
	j := Job{ID: id, Message: msg, Receives: receives, Last: receives >= w.maxReceives}
	err = w.o.Handle(ctx, j)
	stop()
	switch {
	case ctx.Err() != nil:
		// Stopping: another worker takes the message at once.
		log.Info("stopping: message released")
		w.release(ctx, handle, 0, log)
	case err == nil:
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.o.CallTimeout)
		_, derr := w.del(cctx, &sqsapi.DeleteMessageInput{QueueUrl: aws.String(w.o.Queue), ReceiptHandle: aws.String(handle)})
		cancel()
		w.done.Add(1)
		if derr != nil {
			// Stored; the message comes back and is stored again, which
			// changes nothing.
			log.Warn("account stored, message not deleted", "err", awsx.Describe(derr))
			return
		}
		log.Info("account stored")
	case j.Last:
		w.failed.Add(1)
		reason := fmt.Errorf("%w (attempt %d of %d; the message is in the dead-letter queue)", err, receives, w.maxReceives)
		if gerr := w.o.GiveUp(ctx, j, reason); gerr != nil {
			log.Error("last attempt failed; recording the account as not assessed failed too", "err", err, "record_err", gerr)
		} else {
			w.gaveUp.Add(1)
			log.Error("last attempt failed: account recorded as not assessed; message left for the dead-letter queue", "err", err)
		}
		w.release(ctx, handle, 0, log)
	default:
		w.failed.Add(1)
		log.Warn("failed; another attempt follows", "err", err, "retry_in", w.o.RetryDelay)
		w.release(ctx, handle, w.o.RetryDelay, log)
	}
}

// release makes a message visible again after d.
func (w *Worker) release(ctx context.Context, handle string, d time.Duration, log *slog.Logger) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.o.CallTimeout)
	defer cancel()
	_, err := w.change(cctx, &sqsapi.ChangeMessageVisibilityInput{QueueUrl: aws.String(w.o.Queue), ReceiptHandle: aws.String(handle), VisibilityTimeout: int32(d / time.Second)})
	if err != nil {
		log.Warn("release the message: it comes back when its visibility timeout ends", "err", awsx.Describe(err))
		return
	}
	w.released.Add(1)
}

// heartbeat extends a message's visibility every Heartbeat until the
// returned stop is called (it waits for an extension under way). A
// refused extension ends the heartbeat: the message is visible again,
// perhaps already in another worker's hands.
func (w *Worker) heartbeat(ctx context.Context, id, handle string, log *slog.Logger) (stop func()) {
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(w.o.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
			}
			cctx, ccancel := context.WithTimeout(hctx, w.o.CallTimeout)
			_, err := w.change(cctx, &sqsapi.ChangeMessageVisibilityInput{QueueUrl: aws.String(w.o.Queue), ReceiptHandle: aws.String(handle), VisibilityTimeout: int32(w.o.Visibility / time.Second)})
			ccancel()
			if err != nil {
				if hctx.Err() == nil {
					log.Warn("visibility not extended: another worker may take the message", "err", awsx.Describe(err))
				}
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
