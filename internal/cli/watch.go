package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/watch"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// watchFlags are the flags of 'watch'.
type watchFlags struct {
	discover    discoverFlags
	source      string
	from        []string
	rules       string
	db          dbFlag
	metricsAddr string
	readyWithin time.Duration
	interval    time.Duration
	since       time.Duration
	overlap     time.Duration
	debounce    time.Duration
	seenWindow  time.Duration
	rediscover  time.Duration
	reassess    bool
	standards   []string
	controls    []string
	quiet       bool
	notify      notifyFlag
}

// watchSource is a checked --source.
type watchSource struct {
	kind   string // watch.SourceSQS, ...
	queue  string // sqs: the queue URL
	bucket string // bucket: the bucket and the trail's key prefix
	prefix string
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// parseSource reads --source: sqs:URL, bucket:NAME[/prefix] or lookup.
func parseSource(s string) (watchSource, error) {
	const want = "want sqs:QUEUE_URL, bucket:NAME[/PREFIX] or lookup"
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case "lookup":
		if rest != "" {
			return watchSource{}, usageErr("--source %q: lookup takes nothing after it; %s", s, want)
		}
		return watchSource{kind: watch.SourceLookup}, nil
	case "sqs":
		u, err := url.Parse(rest)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.Count(strings.Trim(u.Path, "/"), "/") != 1 {
			return watchSource{}, usageErr("--source %q: not a queue URL (like sqs:https://sqs.eu-west-1.amazonaws.com/111122223333/guardrail-events)", s)
		}
		return watchSource{kind: watch.SourceSQS, queue: rest}, nil
	case "bucket":
		name, prefix, _ := strings.Cut(rest, "/")
		if !bucketNameRE.MatchString(name) || strings.Contains(name, "..") {
			return watchSource{}, usageErr("--source %q: %q is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", s, name)
		}
		return watchSource{kind: watch.SourceBucket, bucket: name, prefix: strings.Trim(prefix, "/")}, nil
	}
	return watchSource{}, usageErr("--source %q: %s", s, want)
}

func newWatchCmd(g *globals) *cobra.Command {
	var f watchFlags
	c := &cobra.Command{
		Use:   "watch",
		Short: "Watch CloudTrail across the organization: alert on risky changes in seconds, re-assess what changed",
		Long: `Read CloudTrail events as they happen, match them against the detection rules
(built in, plus --rules), store every match as an alert (the dashboard's
Alerts page, GET /api/alerts), and re-assess what each change touched (its
account, region and controls) so the findings in the store stay current
between scans.

Sources, in order of preference (--source):

  sqs:QUEUE_URL          a queue fed by an EventBridge rule on the
                         organization's events ("AWS API Call via CloudTrail")
                         or by the log-archive bucket's S3 notifications
  bucket:NAME[/PREFIX]   the organization trail's bucket, listed from a
                         checkpoint (PREFIX: the trail's S3 key prefix)
  lookup                 CloudTrail LookupEvents in every account and region
                         (no setup; for small organizations: 2 calls/s each)

or --from FILE... (gzipped or plain CloudTrail log files; - is standard
input) to replay an incident: the watch stops when the files are read, and
re-assesses only with --reassess.

Where it has read up to is stored (--db): a restart goes on from there,
neither missing nor repeating an alert. Malformed input is counted, logged
with its file and offset, stored (GET /api/watch/errors) and skipped.

It runs until Ctrl-C or SIGTERM, then finishes the batch in flight and
stores its position. /healthz, /readyz (the store answers and the source
was read within --ready-within) and Prometheus /metrics are served on
--metrics-addr (loopback by default; "off" for none).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 && len(f.from) == 0 {
				return usageError{fmt.Errorf("%s: unexpected argument %q: files to replay go after --from (see '%s --help')", c.CommandPath(), args[0], c.CommandPath())}
			}
			f.from = append(f.from, args...)
			if !c.Flags().Changed("reassess") {
				f.reassess = len(f.from) == 0
			}
			return runWatch(c.Context(), g, &f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.discover.registerSelection(c)
	f.discover.concurrency = 16
	fl := c.Flags()
	fl.StringVar(&f.source, "source", "", "where to read events: sqs:QUEUE_URL, bucket:NAME[/PREFIX] or lookup")
	fl.StringArrayVar(&f.from, "from", nil, "replay these CloudTrail log files (gzipped or plain; - is standard input) instead of a --source")
	fl.StringVar(&f.rules, "rules", "", "detection rules (YAML) added to the built-in ones")
	f.db.register(c)
	fl.StringVar(&f.metricsAddr, "metrics-addr", "127.0.0.1:9477", `address of /healthz, /readyz and /metrics ("off": none)`)
	fl.DurationVar(&f.readyWithin, "ready-within", 3*time.Minute, "/readyz fails when the source has not answered for this long")
	fl.DurationVar(&f.interval, "interval", 0, "time between polls of the bucket (default 30s) or of each account and region's LookupEvents (default 1m)")
	fl.DurationVar(&f.since, "since", 15*time.Minute, "how far back a first run of the bucket or lookup source starts")
	fl.DurationVar(&f.overlap, "overlap", 15*time.Minute, "how far before its checkpoint the bucket or lookup source reads again (events reach CloudTrail minutes late)")
	fl.DurationVar(&f.debounce, "debounce", 2*time.Second, "events of one account, region and service within this long are re-assessed together")
	fl.DurationVar(&f.seenWindow, "seen-window", 24*time.Hour, "how long events seen are remembered, so one read again is not re-assessed again")
	fl.DurationVar(&f.rediscover, "rediscover", time.Hour, "how often the organization's accounts and regions are discovered again")
	fl.BoolVar(&f.reassess, "reassess", true, "re-assess what events change (default: yes, but not with --from)")
	fl.StringSliceVar(&f.standards, "standard", nil, "re-assess only controls of these standards ("+standardsHelp+")")
	fl.StringSliceVar(&f.controls, "controls", nil, "re-assess only these control IDs")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "log only warnings and errors, not each alert")
	f.notify.register(c)
	c.Flags().Lookup("notify").Usage = "notification config (YAML): alerts and the findings re-assessments change go where its routes say, sent in the background through the store's outbox (see 'guardrail notify status')"
	c.Flags().Lookup("notify-wait").Usage = "with --notify, how long to keep delivering what is queued when the watch stops"
	return c
}

// runWatch checks the flags, then watches until ctx is done (or the
// files of --from are read).
func runWatch(ctx context.Context, g *globals, f *watchFlags, stdout, stderr io.Writer) error {
	// Everything that can be wrong with the command line is refused
	// before anything is opened or called.
	var src watchSource
	switch {
	case f.source != "" && len(f.from) > 0:
		return usageErr("--source and --from go apart: watch a source, or replay files")
	case f.source == "" && len(f.from) == 0:
		return usageErr("say what to watch: --source sqs:QUEUE_URL, bucket:NAME[/PREFIX] or lookup, or --from FILE... to replay")
	case f.source != "":
		var err error
		if src, err = parseSource(f.source); err != nil {
			return err
		}
	default:
		if err := watch.CheckFiles(f.from); err != nil {
			return usageErr("--from: %v", err)
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
		zero bool // 0 allowed (a default)
	}{{"--ready-within", f.readyWithin, false}, {"--interval", f.interval, true}, {"--since", f.since, false}, {"--overlap", f.overlap, false},
		{"--debounce", f.debounce, false}, {"--seen-window", f.seenWindow, false}, {"--rediscover", f.rediscover, false}} {
		if d.v < 0 || d.v == 0 && !d.zero {
			return usageErr("%s must be positive, got %s", d.flag, d.v)
		}
	}
	dopts, err := f.discover.options()
	if err != nil {
		return err
	}
	if err := f.db.check(); err != nil {
		return err
	}
	cat, err := catalog.Default()
	if err != nil {
		return fmt.Errorf("control catalog: %w", err)
	}
	rules, err := watch.Rules(f.rules, cat)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--rules: %w", err)}
	}
	ctls, err := selectControls(cat, f.standards, f.controls)
	if err != nil {
		return err
	}
	var ln net.Listener
	if f.metricsAddr != "off" {
		if ln, err = listen("metrics-addr", f.metricsAddr); err != nil {
			return err
		}
		defer ln.Close()
		if !web.IsLoopback(f.metricsAddr) {
			fmt.Fprintf(stderr, "warning: --metrics-addr %s: /metrics and /readyz answer anyone who can reach this address (rule names, counts)\n", f.metricsAddr)
		}
	}
	if err := f.notify.load(); err != nil {
		return err
	}
	st, err := f.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if f.notify.cfg != nil {
		// Files only: no organization to name the accounts; with AWS, the
		// discovered organization's names, OU paths and tags below.
		st.SetRouter(f.notify.router(nil))
	}

	level := slog.LevelInfo
	if f.quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	metrics := watch.NewMetrics(nil)
	opts := watch.Options{Store: st, Rules: rules, Metrics: metrics, Log: log, SeenWindow: f.seenWindow}

	// AWS: every source but files; and discovery, for the selection, the
	// lookup targets and the re-assessments.
	useAWS := len(f.from) == 0 || f.reassess
	var (
		cfg     aws.Config
		scope   *watch.Scope
		limiter = ratelimit.New(nil, ratelimit.Limit{})
	)
	if useAWS {
		cfg, err = awsx.Load(ctx, g.awsOptions())
		if err != nil {
			return usageErr("%v", err)
		}
		dopts.Configure = func(account string, c aws.Config) aws.Config { return limiter.Instrument(c, account) }
		dopts.Tags = f.notify.cfg != nil // routes may match account tags
		base := limiter.Instrument(cfg, "caller")
		o, err := org.Discover(ctx, base, dopts)
		if err != nil {
			return err
		}
		home := cfg.Region
		if home == "" {
			home = "us-east-1"
		}
		scope = watch.NewScope(o, home, dopts.Regions, len(dopts.Include)+len(dopts.Exclude) > 0)
		if f.notify.cfg != nil {
			st.SetRouter(f.notify.orgRouter(o))
		}
		opts.Scope = scope
		go rediscover(ctx, base, dopts, scope, f.rediscover, log)
		cfg = base
	}
	switch src.kind {
	case watch.SourceSQS:
		wait := min(20*time.Second, g.attemptTimeout-5*time.Second)
		s := watch.NewSQSSource(sqsapi.NewFromConfig(queueConfig(cfg, src.queue)), src.queue, cfg)
		s.Wait = max(wait, time.Second)
		opts.Source = s
	case watch.SourceBucket:
		opts.Source = &watch.BucketSource{Config: cfg, Store: st, Bucket: src.bucket, Prefix: src.prefix, Scope: scope,
			Interval: f.interval, Lookback: f.overlap, Since: f.since}
	case watch.SourceLookup:
		opts.Source = &watch.LookupSource{Scope: scope, Store: st, Interval: f.interval, Overlap: f.overlap, Since: f.since, Log: log}
	default:
		opts.Source = &watch.FileSource{Paths: f.from}
	}
	var reassess *watch.Reassessor
	if f.reassess {
		reassess = watch.NewReassessor(watch.ReassessOptions{Store: st, Scope: scope, Controls: ctls, Standards: cat.Standards(),
			Collectors: registry.All(), Debounce: f.debounce, Log: log, Metrics: metrics})
		opts.Reassess = reassess
	}
	e, err := watch.New(opts)
	if err != nil {
		return err
	}

	var deliverer *outbox.Deliverer
	if f.notify.cfg != nil {
		if deliverer, err = newDeliverer(f.notify.cfg, st, cfg, f.db.clock(), stderr); err != nil {
			return err
		}
	}

	hctx, stopHealth := context.WithCancel(context.WithoutCancel(ctx))
	healthDone := make(chan error, 1)
	if ln != nil {
		h := &watch.Health{Metrics: metrics, Ready: func(ctx context.Context) error { return e.Ready(ctx, f.readyWithin) }}
		go func() { healthDone <- h.Serve(hctx, ln) }()
	} else {
		healthDone <- nil
	}
	what := f.source
	if what == "" {
		what = fmt.Sprintf("%d file(s)", len(f.from))
	}
	fmt.Fprintf(stderr, "guardrail: watching %s with %d rules", what, len(rules.Rules()))
	if ln != nil {
		fmt.Fprintf(stderr, "; health and metrics at http://%s/metrics", ln.Addr())
	}
	fmt.Fprintln(stderr)

	// The notifications go out in the background for the watch's life,
	// each as soon as it is due; what is queued when it stops gets
	// --notify-wait more.
	notifyDone := make(chan struct{})
	nctx, stopNotify := context.WithCancel(ctx)
	defer stopNotify()
	if deliverer != nil {
		go func() {
			defer close(notifyDone)
			if hasJira(f.notify.cfg) {
				go syncLoop(nctx, f.notify.cfg, st, f.db.clock(), log)
			}
			deliverer.Run(nctx, 2*time.Second)
		}()
	} else {
		close(notifyDone)
	}

	runErr := e.Run(ctx)
	var closeErr error
	if reassess != nil {
		// A replay waits for its re-assessments; a shutdown gives them a
		// little time.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		if len(f.from) > 0 && ctx.Err() == nil {
			cancel()
			cctx, cancel = context.WithCancel(ctx)
		}
		closeErr = reassess.Close(cctx)
		cancel()
	}
	stopNotify()
	<-notifyDone
	if deliverer != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.notify.wait+10*time.Second)
		st, left, err := deliverer.Drain(dctx, f.notify.wait)
		cancel()
		if err != nil {
			fmt.Fprintf(stderr, "guardrail: notify: %v\n", err)
		}
		printDelivery(stdout, st, left, f.db.flag())
	}
	stopHealth()
	healthErr := <-healthDone
	s := e.Stats()
	fmt.Fprintf(stdout, "%d events read, %d alerts stored (%d already stored), %d malformed inputs skipped, %d events outside the selection.\n",
		s.Events.Load(), s.Alerts.Load(), s.Duplicates.Load(), s.Malformed.Load(), s.Ignored.Load())
	if s.Alerts.Load() > 0 || s.Duplicates.Load() > 0 {
		fmt.Fprintf(stdout, "See the dashboard's Alerts page ('guardrail serve%s') or GET /api/alerts.\n", f.db.flag())
	}
	if s.Malformed.Load() > 0 {
		fmt.Fprintf(stdout, "The malformed inputs, with their files and offsets: GET /api/watch/errors.\n")
	}
	return errors.Join(runErr, closeErr, healthErr)
}

// queueConfig is cfg in the region of an SQS queue URL
// (https://sqs.<region>.amazonaws.com/...), or cfg as it is for another
// endpoint (a simulator).
func queueConfig(cfg aws.Config, queue string) aws.Config {
	u, err := url.Parse(queue)
	if err != nil {
		return cfg
	}
	parts := strings.Split(u.Hostname(), ".")
	if len(parts) >= 4 && parts[0] == "sqs" {
		out := cfg.Copy()
		out.Region = parts[1]
		return out
	}
	return cfg
}

// rediscover discovers the organization again every d, so that accounts
// that join are watched and re-assessed; a failed discovery keeps the
// scope as it was.
func rediscover(ctx context.Context, cfg aws.Config, o org.Options, scope *watch.Scope, d time.Duration, log *slog.Logger) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		found, err := org.Discover(ctx, cfg, o)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("discover the organization again", "err", err)
			}
			continue
		}
		scope.Update(found)
	}
}

// syncLoop polls the Jira destinations of cfg every poll_interval (the
// shortest of them) until ctx ends.
func syncLoop(ctx context.Context, cfg *notify.Config, st store.Store, now func() time.Time, log *slog.Logger) {
	every := time.Duration(0)
	for _, d := range cfg.Destinations {
		if d.Type == notify.JiraT && d.Jira.PollInterval > 0 && (every == 0 || d.Jira.PollInterval < every) {
			every = d.Jira.PollInterval
		}
	}
	if every == 0 {
		every = 5 * time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := jiraSync(ctx, cfg, st, now, io.Discard); err != nil && ctx.Err() == nil {
			log.Warn("jira sync", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
