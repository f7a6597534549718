package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/worker"
)

// dispatchFlags are scan's queue flags.
type dispatchFlags struct {
	queue string
	wait  bool
	poll  time.Duration
}

func (d *dispatchFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&d.queue, "dispatch", "", "do not scan here: record the scan, send one message per account to this SQS queue (URL) for 'guardrail worker' processes, print the scan ID and return")
	f.BoolVar(&d.wait, "wait", false, "with --dispatch, wait until the workers have stored every account")
	d.poll = 2 * time.Second
}

// checkQueueURL checks the form of a queue URL flag.
func checkQueueURL(flag, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.Count(strings.Trim(u.Path, "/"), "/") != 1 {
		return usageErr("%s %q: not a queue URL (like https://sqs.eu-west-1.amazonaws.com/111122223333/guardrail-scan)", flag, s)
	}
	return nil
}

// check refuses what a dispatched scan cannot do: the dispatcher
// assesses nothing, so it has no report to write, to judge or to
// notify about here.
func (d *dispatchFlags) check(s *scanFlags) error {
	if d.queue == "" {
		if d.wait {
			return usageErr("--wait goes with --dispatch")
		}
		return nil
	}
	if err := checkQueueURL("--dispatch", d.queue); err != nil {
		return err
	}
	for _, f := range []struct {
		set  bool
		name string
		why  string
	}{
		{s.noStore, "--no-store", "the workers store the scan: it needs a store they share"},
		{s.shard != "", "--shard", "the queue shares the accounts among the workers, as many as you run"},
		{s.scanID != "", "--scan-id", "a dispatched scan gets a new ID, which the dispatch prints"},
		{s.output != "", "--output", "the dispatcher writes no report; read the stored scan ('guardrail scans show', 'guardrail findings export')"},
		{s.failOn != "", "--fail-on", "the dispatcher judges nothing; read the stored scan"},
		{s.rules != "", "--rules", "the worker that stores the last account applies the rules: give --rules to 'guardrail worker'"},
		{s.notify.path != "", "--notify", "notifications are sent from the stored findings: 'guardrail notify' once the scan is complete"},
	} {
		if f.set {
			return usageErr("--dispatch and %s: %s", f.name, f.why)
		}
	}
	return nil
}

// runDispatch records a queued scan and sends its accounts to the
// queue; with --wait it follows the scan until every account is stored.
func runDispatch(ctx context.Context, cfg aws.Config, j *scanJob, d *dispatchFlags, w, stderr io.Writer) error {
	st, err := j.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	client := sqsapi.NewFromConfig(queueConfig(cfg, d.queue))
	o := worker.StartOptions{Queue: d.queue, Discover: j.opts.Discover, Controls: j.opts.Controls, Standards: j.opts.Standards,
		Collectors: j.opts.Collectors, TaskTimeout: j.opts.TaskTimeout, Now: j.opts.Now, By: localUser()}
	started, err := worker.Start(ctx, cfg, st, client, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Scan %s dispatched: %d accounts sent to %s.\n", started.Scan, started.Accounts, d.queue)
	if !d.wait {
		fmt.Fprintf(w, "Run 'guardrail worker --queue %s%s' (as many as you like) to assess them; 'guardrail scans show %s%s' says how far it is.\n",
			d.queue, j.db.flag(), started.Scan, j.db.flag())
		return nil
	}
	return waitScan(ctx, st, started.Scan, d.poll, j.quiet, w, stderr, j.db.flag())
}

// waitScan follows a staged scan until it is no longer running.
func waitScan(ctx context.Context, st store.Store, id string, poll time.Duration, quiet bool, w, stderr io.Writer, dbFlag string) error {
	last := -1
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		sc, err := st.Scan(ctx, id)
		if err != nil {
			return fmt.Errorf("scan %s: %w", id, err)
		}
		if sc.Status != store.Running {
			fmt.Fprintf(w, "Scan %s %s: %d new, %d reopened, %d resolved, %d unchanged findings.\nSee 'guardrail scans show %s%s' and 'guardrail findings list%s'.\n",
				id, sc.Status, sc.Changes.New, sc.Changes.Reopened, sc.Changes.Resolved, sc.Changes.Unchanged, id, dbFlag, dbFlag)
			return nil
		}
		if !quiet && sc.Reported != last {
			fmt.Fprintf(stderr, "%d of %d accounts stored\n", sc.Reported, sc.Parts)
			last = sc.Reported
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("scan %s: stopped waiting (%d of %d accounts stored; the workers go on): %w", id, sc.Reported, sc.Parts, ctx.Err())
		case <-t.C:
		}
	}
}
