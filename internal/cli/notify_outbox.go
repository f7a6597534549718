package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// notifyFlag is --notify FILE on scan, demo and watch: the notification
// config whose routes the store's changes are enqueued by, and the
// delivery after the work.
type notifyFlag struct {
	path string
	wait time.Duration
	cfg  *notify.Config
	// stopped: the store's clock is stopped (the demo's --now), so the
	// deliveries' backoff runs on it advanced by the real time waited.
	stopped bool
}

func (n *notifyFlag) register(c *cobra.Command) {
	c.Flags().StringVar(&n.path, "notify", "", "notification config (YAML): new, reopened, resolved and suppressed findings go where its routes say, through the store's outbox (see 'guardrail notify status')")
	c.Flags().DurationVar(&n.wait, "notify-wait", time.Minute, "with --notify, how long to keep retrying deliveries that fail before exiting (what is left stays queued for the next run or 'guardrail notify send')")
}

// load reads the config: a missing or malformed file is a usage error.
func (n *notifyFlag) load() error {
	if n.path == "" {
		return nil
	}
	if n.wait < 0 {
		return usageErr("--notify-wait must not be negative, got %s", n.wait)
	}
	cfg, err := notify.Load(n.path)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--notify: %w", err)}
	}
	n.cfg = cfg
	return nil
}

// router is the store router of the config, with the accounts' tags
// from rep (nil: none known) and the catalog's fix steps.
func (n *notifyFlag) router(rep *report.Report) store.Router {
	o := outbox.RouterOptions{AccountTags: map[string]map[string]string{}}
	if rep != nil {
		for _, a := range rep.Accounts {
			if len(a.Tags) > 0 {
				o.AccountTags[a.ID] = a.Tags
			}
		}
	}
	return n.routerWith(o)
}

// orgRouter is the store router of the config, with the name, OU path
// and tags of each account of the discovered organization: the watch's
// alerts carry only an account ID, and routes match on the others.
func (n *notifyFlag) orgRouter(o *org.Organization) store.Router {
	opts := outbox.RouterOptions{AccountTags: map[string]map[string]string{}, AccountNames: map[string]string{}, OUPaths: map[string]string{}}
	for _, a := range o.Accounts {
		opts.AccountNames[a.ID], opts.OUPaths[a.ID] = a.Name, a.Path
		if len(a.Tags) > 0 {
			opts.AccountTags[a.ID] = a.Tags
		}
	}
	return n.routerWith(opts)
}

func (n *notifyFlag) routerWith(o outbox.RouterOptions) store.Router {
	if cat, err := catalog.Default(); err == nil {
		o.Remediation = func(id string) string {
			if c := cat.Control(id); c != nil {
				return c.Remediation
			}
			return ""
		}
	}
	return outbox.Router(n.cfg, o)
}

// deliverer returns a deliverer of the config's destinations over st.
func newDeliverer(cfg *notify.Config, st store.Store, awsCfg aws.Config, now func() time.Time, stderr io.Writer) (*outbox.Deliverer, error) {
	s, err := notify.NewSender(cfg, notify.Options{AWS: awsCfg, Clock: now, UserAgent: "guardrail"})
	if err != nil {
		return nil, err
	}
	return outbox.New(outbox.Options{Store: st, Sender: s, Now: now, Logf: func(format string, args ...any) {
		fmt.Fprintf(stderr, "guardrail: "+format+"\n", args...)
	}})
}

// deliver sends what the outbox holds, retrying failures for up to
// --notify-wait, and says what was sent and what is left.
func (n *notifyFlag) deliver(ctx context.Context, st store.Store, awsCfg aws.Config, now func() time.Time, dbFlag string, w, stderr io.Writer) error {
	if n.stopped {
		now = advancing(now)
	}
	d, err := newDeliverer(n.cfg, st, awsCfg, now, stderr)
	if err != nil {
		return err
	}
	stats, left, err := d.Drain(ctx, n.wait)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	printDelivery(w, stats, left, dbFlag)
	return jiraSync(ctx, n.cfg, st, now, w)
}

// jiraSync polls the config's Jira destinations, if any, and says what
// it did.
func jiraSync(ctx context.Context, cfg *notify.Config, st store.Store, now func() time.Time, w io.Writer) error {
	if !hasJira(cfg) {
		return nil
	}
	s, err := notify.NewSender(cfg, notify.Options{Clock: now, UserAgent: "guardrail"})
	if err != nil {
		return err
	}
	y := &outbox.Syncer{Store: st, Sender: s, Now: now}
	res, err := y.Poll(ctx)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	fmt.Fprintf(w, "Jira sync: %d issues read, %d findings suppressed as won't fix.\n", res.Issues, res.Suppressed)
	return nil
}

func hasJira(cfg *notify.Config) bool {
	for _, d := range cfg.Destinations {
		if d.Type == notify.JiraT {
			return true
		}
	}
	return false
}

// advancing is the stopped clock now, advanced by the real time passed
// since: a retry's backoff on a stopped clock would never end.
func advancing(now func() time.Time) func() time.Time {
	base, start := now(), time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

func printDelivery(w io.Writer, st outbox.Stats, left int, dbFlag string) {
	fmt.Fprintf(w, "Notifications: %d messages sent (%d notifications)", st.Messages, st.Rows)
	if st.Dead > 0 {
		fmt.Fprintf(w, ", %d given up (dead)", st.Dead)
	}
	if left > 0 {
		fmt.Fprintf(w, ", %d still queued", left)
	}
	fmt.Fprintln(w, ".")
	if left > 0 || st.Dead > 0 {
		fmt.Fprintf(w, "See 'guardrail notify status%s'.\n", dbFlag)
	}
}

// notifyOutboxCmds are the outbox's commands under 'guardrail notify'.
func notifyOutboxCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newNotifyStatusCmd(), newNotifyRetryCmd(), newNotifySendCmd(g), newNotifySyncCmd()}
}

type notifyStatusOptions struct {
	db     dbFlag
	format string
	dead   int
}

func newNotifyStatusCmd() *cobra.Command {
	var o notifyStatusOptions
	c := &cobra.Command{
		Use:   "status",
		Short: "Show the notification outbox: pending, sent and dead per destination",
		Long: `Show, per destination, the notifications queued (pending), being sent, sent
and dead (given up after their attempts, or refused for good by the
destination), the last error and when the next attempt is due; then the
dead notifications, which 'guardrail notify retry' queues again.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return usageErr("--format %q: want text or json", o.format)
			}
			st, err := o.db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return notifyStatus(c.Context(), st, &o, c.OutOrStdout())
		},
	}
	o.db.register(c)
	c.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	c.Flags().IntVar(&o.dead, "dead", 20, "list at most this many dead notifications (0: all)")
	return c
}

// OutboxStatus is notify status's JSON.
type outboxStatus struct {
	Destinations []store.DestinationStatus `json:"destinations"`
	Dead         []store.OutboxRow         `json:"dead"`
}

func notifyStatus(ctx context.Context, st store.Store, o *notifyStatusOptions, w io.Writer) error {
	ds, err := st.OutboxStatus(ctx)
	if err != nil {
		return err
	}
	dead, err := st.Outbox(ctx, store.OutboxFilter{Status: []string{store.OutboxDead}, Limit: o.dead})
	if err != nil {
		return err
	}
	for i := range dead {
		dead[i].Payload = ""
	}
	if ds == nil {
		ds = []store.DestinationStatus{}
	}
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(outboxStatus{Destinations: ds, Dead: dead})
	}
	if len(ds) == 0 {
		fmt.Fprintln(w, "The outbox is empty: no notification was ever queued (scan, demo or watch with --notify FILE).")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATION\tPENDING\tSENDING\tSENT\tDEAD\tNEXT ATTEMPT\tLAST ERROR")
	for _, d := range ds {
		next := "-"
		if d.Pending > 0 && !d.NextAttempt.IsZero() {
			next = d.NextAttempt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", d.Destination, d.Pending, d.Sending, d.Sent, d.Dead, next, oneLine(d.LastError, 80))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(dead) > 0 {
		fmt.Fprintln(w, "\nDEAD NOTIFICATIONS ('guardrail notify retry --id N', --destination NAME or --all-dead):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDESTINATION\tEVENT\tATTEMPTS\tERROR")
		for _, r := range dead {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", r.ID, r.Destination, r.Key, r.Attempts, oneLine(r.LastError, 80))
		}
		return tw.Flush()
	}
	return nil
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-3] + "..."
	}
	if s == "" {
		return "-"
	}
	return s
}

type notifyRetryOptions struct {
	db      dbFlag
	id      int64
	dest    string
	allDead bool
}

func newNotifyRetryCmd() *cobra.Command {
	var o notifyRetryOptions
	c := &cobra.Command{
		Use:   "retry",
		Short: "Queue dead notifications again",
		Long: `Queue dead notifications again, due now, with their attempts reset: one
(--id N, as 'guardrail notify status' lists them), those of a destination
(--destination NAME) or all (--all-dead). The next scan, demo or watch with
--notify, or 'guardrail notify send', delivers them. A selection that
matches no dead notification is an error (exit 2).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			n := 0
			for _, set := range []bool{o.id != 0, o.dest != "", o.allDead} {
				if set {
					n++
				}
			}
			if n != 1 {
				return usageErr("choose one of --id, --destination or --all-dead")
			}
			if o.id < 0 {
				return usageErr("--id %d: want a notification ID from 'guardrail notify status'", o.id)
			}
			st, err := o.db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			k, err := st.RetryOutbox(c.Context(), store.RetrySelector{ID: o.id, Destination: o.dest, AllDead: o.allDead})
			if errors.Is(err, store.ErrNotFound) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%d dead notifications queued again.\n", k)
			return nil
		},
	}
	o.db.register(c)
	c.Flags().Int64Var(&o.id, "id", 0, "the dead notification with this ID")
	c.Flags().StringVar(&o.dest, "destination", "", "the dead notifications of this destination")
	c.Flags().BoolVar(&o.allDead, "all-dead", false, "every dead notification")
	return c
}

type notifySendOptions struct {
	db     dbFlag
	config string
	wait   time.Duration
}

func newNotifySendCmd(g *globals) *cobra.Command {
	var o notifySendOptions
	c := &cobra.Command{
		Use:   "send",
		Short: "Deliver the notifications queued in the outbox",
		Long: `Deliver what the outbox holds to the destinations of --config: the
notifications a scan, demo or watch queued and could not deliver yet, and
those 'guardrail notify retry' queued again. Failures are retried with
backoff (and a destination's Retry-After honored) for up to --wait; what is
left stays queued. Each delivery carries the notification's stable ID
(webhook and e-mail header X-Guardrail-Delivery), the same on every retry.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.config == "" {
				return usageErr("--config is required: the notification config whose destinations to deliver to")
			}
			nf := notifyFlag{path: o.config, wait: o.wait}
			if err := nf.load(); err != nil {
				return err
			}
			if err := o.db.check(); err != nil {
				return err
			}
			awsCfg, err := loadAWSForNotify(c.Context(), g, nf.cfg)
			if err != nil {
				return err
			}
			st, err := o.db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return nf.deliver(c.Context(), st, awsCfg, o.db.clock(), o.db.flag(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	o.db.register(c)
	c.Flags().StringVar(&o.config, "config", "", "notification config (YAML) naming the destinations")
	c.Flags().DurationVar(&o.wait, "wait", time.Minute, "keep retrying failed deliveries for this long")
	return c
}

// loadAWSForNotify loads the AWS configuration when a destination is SNS
// (the only one published through the SDK); others need none.
func loadAWSForNotify(ctx context.Context, g *globals, cfg *notify.Config) (aws.Config, error) {
	for _, d := range cfg.Destinations {
		if d.Type == notify.SNS {
			c, err := awsx.Load(ctx, g.awsOptions())
			if err != nil {
				return aws.Config{}, usageErr("%v", err)
			}
			return c, nil
		}
	}
	return aws.Config{}, nil
}

// attachNotifyOutbox adds the outbox's commands to root's notify
// command, which it makes when there is none yet.
func attachNotifyOutbox(root *cobra.Command, g *globals) {
	var parent *cobra.Command
	for _, c := range root.Commands() {
		if c.Name() == "notify" {
			parent = c
		}
	}
	if parent == nil {
		parent = &cobra.Command{
			Use:   "notify",
			Short: "Notifications: the outbox's status, retries and delivery",
			Args:  cobra.NoArgs,
		}
		root.AddCommand(parent)
	}
	parent.AddCommand(notifyOutboxCmds(g)...)
}

type notifySyncOptions struct {
	db     dbFlag
	config string
}

func newNotifySyncCmd() *cobra.Command {
	var o notifySyncOptions
	c := &cobra.Command{
		Use:   "sync",
		Short: "Read the Jira destinations' issues back: won't-fix suppresses their findings",
		Long: `Search each Jira destination of --config for Guardrail's issues updated since
the last sync (a checkpoint in the store), record their status on the
findings' tickets, and suppress the finding of each issue closed as won't
fix or accepted risk (the destination's wontfix_resolutions and
wontfix_statuses), with the reason "jira:<KEY> <resolution>". Only the
finding the ticket was filed for changes. scan, demo and watch with
--notify sync too; 'guardrail serve --notify FILE' takes Jira's webhook at
POST /hooks/jira.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.config == "" {
				return usageErr("--config is required: the notification config whose Jira destinations to read")
			}
			nf := notifyFlag{path: o.config}
			if err := nf.load(); err != nil {
				return err
			}
			if !hasJira(nf.cfg) {
				return usageErr("--config %s: no jira destination to sync", o.config)
			}
			st, err := o.db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return jiraSync(c.Context(), nf.cfg, st, o.db.clock(), c.OutOrStdout())
		},
	}
	o.db.register(c)
	c.Flags().StringVar(&o.config, "config", "", "notification config (YAML) naming the Jira destinations")
	return c
}
