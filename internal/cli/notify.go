package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// newNotifyCmd is 'guardrail notify': the parent of the notification
// commands (test here; status and retry, which read the outbox, in their
// own files).
func newNotifyCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "notify",
		Short: "Notifications: check a routing config and test its destinations",
		Long: `Notifications go to Slack, Microsoft Teams, e-mail, a signed webhook, Amazon
SNS and Jira, routed by a YAML file (--notify FILE; see the README's
Notifications section for the format).`,
	}
	c.AddCommand(newNotifyTestCmd(g))
	return c
}

// notifyTestFlags are the flags of 'notify test'.
type notifyTestFlags struct {
	dbFlag
	config      string
	findingID   string
	dryRun      bool
	accountTags []string
	timeout     time.Duration
}

func newNotifyTestCmd(g *globals) *cobra.Command {
	f := &notifyTestFlags{}
	c := &cobra.Command{
		Use:   "test --config FILE [--finding ID]",
		Short: "Check a notification config, show where a finding goes and why, and send a test message",
		Long: `Loads the notification config (a mistake is reported as file:line: field:
message, exit 2) and sends a test message, marked as a test, to each
destination; prints OK or the error for each (exit 3 if any failed).

With --finding, the finding is read from the store (--db) and routed as a
new, resolved or suppressed finding (its current workflow): every route
is listed with whether it matches and why, and the test goes only to the
destinations the finding would reach. Without --finding, a test message
goes to every destination.

Jira receives no issue from a test: its credentials, project and issue
type are checked instead. --dry-run routes and sends nothing.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runNotifyTest(c.Context(), g, f, c.OutOrStdout()) },
	}
	fl := c.Flags()
	fl.StringVar(&f.config, "config", "", "the notification config (YAML)")
	fl.StringVar(&f.findingID, "finding", "", "route this finding of the store, and test only the destinations it reaches")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the routing; send nothing")
	fl.StringArrayVar(&f.accountTags, "account-tag", nil, "a tag of the finding's account, KEY=VALUE (the store does not keep account tags; give them to test account_tag routes)")
	fl.DurationVar(&f.timeout, "timeout", notify.DefaultTimeout, "give up on one destination after this long")
	f.dbFlag.register(c)
	return c
}

func runNotifyTest(ctx context.Context, g *globals, f *notifyTestFlags, w io.Writer) error {
	if f.config == "" {
		return usageErr("notify test: --config is required (the notification config file)")
	}
	if f.timeout <= 0 {
		return usageErr("--timeout must be positive, got %s", f.timeout)
	}
	tags := map[string]string{}
	for _, t := range f.accountTags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return usageErr("--account-tag %q: want KEY=VALUE", t)
		}
		tags[k] = v
	}
	if len(tags) > 0 && f.findingID == "" {
		return usageErr("--account-tag needs --finding")
	}
	if err := f.dbFlag.check(); err != nil {
		return err
	}
	cfg, err := notify.Load(f.config)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return usageErr("--config: %w", err)
		}
		return err // *yamlpos.Error: exit 2
	}
	fmt.Fprintf(w, "%s: %d destinations, %d routes", f.config, len(cfg.Destinations), len(cfg.Routes))
	if cfg.Default != nil {
		fmt.Fprintf(w, ", a default route")
	}
	fmt.Fprintln(w)

	now := f.dbFlag.clock()()
	ev := notify.Event{Source: "test", Change: "test", At: now}
	dests := make([]string, 0, len(cfg.Destinations))
	if f.findingID != "" {
		if ev, err = testEvent(ctx, f, now, tags); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nFinding %s: %s %s %s on %s\n", ev.Finding.ID, ev.Severity(), ev.Finding.Control, ev.Finding.Title, ev.Finding.ResourceARN)
		fmt.Fprintf(w, "  routed as a %q change (workflow %s)\n\n", ev.Change, ev.Finding.Workflow)
		for _, x := range cfg.Explain(&ev) {
			mark := "no "
			if x.Matched {
				mark = "yes"
			}
			to := strings.Join(x.To, ", ")
			if x.Digest {
				to += " (digest)"
			}
			fmt.Fprintf(w, "  %s  %s (line %d) -> %s: %s\n", mark, x.Route, x.Line, to, x.Why)
		}
		for _, t := range cfg.Route(&ev) {
			if !slices.Contains(dests, t.Destination) {
				dests = append(dests, t.Destination)
			}
		}
		if len(dests) == 0 {
			fmt.Fprintln(w, "\nThe finding goes nowhere: no route matches it and there is no default route.")
			return nil
		}
	} else {
		for _, d := range cfg.Destinations {
			dests = append(dests, d.Name)
		}
	}
	if f.dryRun {
		fmt.Fprintln(w, "\nDestinations (dry run, nothing sent):")
		for _, name := range dests {
			d, _ := cfg.Destination(name)
			fmt.Fprintf(w, "  %s (%s %s)\n", d.Name, d.Type, d.Host())
		}
		return nil
	}
	opts := notify.Options{HTTP: &http.Client{Timeout: f.timeout}, Clock: f.dbFlag.clock(), UserAgent: "guardrail"}
	for _, name := range dests {
		if d, _ := cfg.Destination(name); d.Type == notify.SNS {
			// Only an SNS destination needs AWS credentials.
			if opts.AWS, err = loadAWS(ctx, g); err != nil {
				return err
			}
			break
		}
	}
	s, err := notify.NewSender(cfg, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTest messages:")
	failed := 0
	for _, name := range dests {
		d, _ := cfg.Destination(name)
		sctx, cancel := context.WithTimeout(ctx, f.timeout)
		r, err := s.Send(sctx, name, notify.Message{Events: []notify.Event{ev}, Test: true})
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failed++
			fmt.Fprintf(w, "  FAIL  %s\n", err)
			continue
		}
		detail := ""
		switch {
		case d.Type == notify.JiraT:
			detail = " (credentials, project and issue type checked; no issue filed)"
		case r.ID != "":
			detail = " (message " + r.ID + ")"
		case r.Status != 0:
			detail = fmt.Sprintf(" (HTTP %d)", r.Status)
		}
		fmt.Fprintf(w, "  OK    %s (%s %s)%s\n", d.Name, d.Type, d.Host(), detail)
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("notify test: %d of %d destinations failed", failed, len(dests))}
	}
	return nil
}

// testEvent reads the finding --finding names and makes its event.
func testEvent(ctx context.Context, f *notifyTestFlags, now time.Time, tags map[string]string) (notify.Event, error) {
	st, err := f.dbFlag.open(ctx)
	if err != nil {
		return notify.Event{}, err
	}
	defer st.Close()
	fd, _, err := st.Finding(ctx, f.findingID)
	if errors.Is(err, store.ErrNotFound) {
		return notify.Event{}, usageErr("--finding %q: no such finding in the store%s (see 'guardrail findings list')", f.findingID, f.dbFlag.flag())
	}
	if err != nil {
		return notify.Event{}, err
	}
	cat, err := catalog.Default()
	if err != nil {
		return notify.Event{}, err
	}
	ev := notify.FindingEvent(fd, notify.ChangeOf(fd), fd.LastScan, now, cat.Control(fd.Control))
	if len(tags) > 0 {
		ev.Finding.AccountTags = tags
	}
	return ev, nil
}

func loadAWS(ctx context.Context, g *globals) (aws.Config, error) {
	cfg, err := awsx.Load(ctx, g.awsOptions())
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration for the SNS destinations: %w", err)
	}
	return cfg, nil
}
