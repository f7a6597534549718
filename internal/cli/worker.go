package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/worker"
)

// workerFlags are the flags of worker.
type workerFlags struct {
	queue        string
	db           dbFlag
	messages     int
	visibility   time.Duration
	retryDelay   time.Duration
	concurrency  int
	rules        string
	exitWhenIdle int
	quiet        bool
}

func newWorkerCmd(g *globals) *cobra.Command {
	var f workerFlags
	c := &cobra.Command{
		Use:   "worker",
		Short: "Assess the accounts of scans dispatched to an SQS queue ('scan --dispatch')",
		Long: `Receive the messages 'guardrail scan --dispatch' sent to an SQS queue, one
per account: assess the account (read-only, as 'guardrail scan' does) and
store its results into the scan. The worker that stores the last account
completes the scan: the findings' lifecycle is applied then, once.

Run as many workers as you like, on one machine or many, all with the same
--db (a PostgreSQL store they share) and the same --rules; start and stop
them at any time. While a worker assesses an account it keeps the message
hidden from the others (the visibility timeout, renewed every third of
--visibility); a worker that dies stops renewing it, and the message comes
back to another worker. A message that fails is tried again; after the
queue's maxReceiveCount (its redrive policy, required) the account is
stored as not assessed, with the reason, and the message goes to the
dead-letter queue. SIGTERM stops the worker: the account in progress is
abandoned and its message released at once.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.queue == "" {
				return usageErr("say which queue: --queue QUEUE_URL (the queue 'guardrail scan --dispatch' sends to)")
			}
			if err := checkQueueURL("--queue", f.queue); err != nil {
				return err
			}
			if f.messages < 1 || f.messages > 10 {
				return usageErr("--messages must be from 1 to 10, got %d", f.messages)
			}
			if f.visibility < time.Second || f.visibility > 12*time.Hour || f.visibility%time.Second != 0 {
				return usageErr("--visibility %s: want whole seconds from 1s to 12h", f.visibility)
			}
			if f.retryDelay < 0 || f.retryDelay > 12*time.Hour {
				return usageErr("--retry-delay %s: want from 0s to 12h", f.retryDelay)
			}
			if f.concurrency < 1 {
				return usageErr("--concurrency must be at least 1, got %d", f.concurrency)
			}
			if err := f.db.check(); err != nil {
				return err
			}
			cat, err := catalog.Default()
			if err != nil {
				return fmt.Errorf("control catalog: %w", err)
			}
			var rules *rule.Set
			if f.rules != "" {
				if rules, err = rule.Load(f.rules, cat); err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
				}
				withPlaybook := (remediate.Options{}).WithPlaybook()
				if err := rules.CheckRemediable(func(c string) bool { return slices.Contains(withPlaybook, c) }, strings.Join(withPlaybook, ", ")); err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
				}
			}
			cfg, err := awsx.Load(c.Context(), g.awsOptions())
			if err != nil {
				return usageErr("%v", err)
			}
			ctx := c.Context()
			st, err := f.db.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			level := slog.LevelInfo
			if f.quiet {
				level = slog.LevelWarn
			}
			log := slog.New(slog.NewTextHandler(c.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			a := &worker.Assessor{Config: cfg, Store: st, Catalog: cat, Collectors: registry.All(), Rules: rules, Concurrency: f.concurrency, Log: log}
			wk, err := worker.New(sqsapi.NewFromConfig(queueConfig(cfg, f.queue)), worker.Options{Queue: f.queue, Visibility: f.visibility,
				RetryDelay: retryDelay(f.retryDelay), Messages: f.messages, ExitWhenIdle: f.exitWhenIdle, Handle: a.Handle, GiveUp: a.GiveUp, Log: log})
			if err != nil {
				return usageErr("%v", err)
			}
			return runWorker(ctx, wk, c.OutOrStdout())
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.queue, "queue", "", "the SQS queue (URL) that 'guardrail scan --dispatch' sends to; it must have a redrive policy (a dead-letter queue)")
	f.db.register(c)
	fl.IntVar(&f.messages, "messages", 1, "accounts assessed at once (1 to 10)")
	fl.DurationVar(&f.visibility, "visibility", worker.DefaultVisibility, "visibility timeout of a message in progress, renewed every third of it: a dead worker's account goes back to the others after at most this long")
	fl.DurationVar(&f.retryDelay, "retry-delay", worker.DefaultRetryDelay, "how long a failed account waits before another attempt")
	fl.IntVar(&f.concurrency, "concurrency", 64, "collection tasks at once within an account (one service in one region each)")
	fl.StringVar(&f.rules, "rules", "", "automation rules (YAML) applied when this worker completes a scan; give every worker the same")
	fl.IntVar(&f.exitWhenIdle, "exit-when-idle", 0, "exit once this many long polls (20 s each) in a row found nothing (0: run until stopped)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "log only warnings and errors")
	return c
}

// retryDelay maps --retry-delay to worker.Options.RetryDelay, where 0 is
// the default and a negative value none.
func retryDelay(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// runWorker runs wk until it stops, then says what it did.
func runWorker(ctx context.Context, wk *worker.Worker, w io.Writer) error {
	err := wk.Run(ctx)
	s := wk.Stats()
	fmt.Fprintf(w, "Worker stopped: %d accounts stored, %d attempts failed, %d accounts recorded as not assessed, %d malformed messages.\n",
		s.Done, s.Failed, s.GaveUp, s.Malformed)
	return err
}
