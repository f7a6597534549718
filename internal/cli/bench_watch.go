package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ebapi "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"
	"github.com/spf13/cobra"
	"github.com/valyala/fastjson"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
	"github.com/guardrail-sec/guardrail/internal/watch"
)

// benchWatchOptions are the flags of bench watch.
type benchWatchOptions struct {
	throughput bool
	e2e        bool
	events     int
	rules      string
	seed       uint64
	cpuProfile string
	// The end-to-end measurement.
	calls    int
	rate     float64
	accounts int
	latency  string
}

func newBenchWatchCmd() *cobra.Command {
	var o benchWatchOptions
	c := &cobra.Command{
		Use:   "watch",
		Short: "Measure the watch: its hot path (decoding CloudTrail records, the detection rules) and the time from an API call to its stored alert; one JSON line",
		Long: `Measure the watch and print one JSON line. Two measurements, both by
default; --throughput runs the first alone, --e2e the second.

Throughput, on one core (GOMAXPROCS 1 during the measurement): decode
--events generated records (about 1.5 KB each, like real management
events: assumed-role identities with their session context, request
parameters, TLS details; an ordinary mix in which most events match no
rule) and run every built-in detection rule (and those of --rules) on
each, as the watch does:

  events                 records decoded and matched
  rules                  detection rules run on each (both parts)
  events_per_s           events per second of wall time, decode + rules
  ns_per_event           wall time per event, decode + rules
  cpu_ns_per_event       CPU time per event: on a busy machine wall time
                         overstates the cost, CPU time much less
  events_per_cpu_s       events per second of CPU time: what a free core does
  decode_ns_per_event    CPU time per event spent decoding (a pass that
                         only decodes)
  parse_ns_per_event     of which the floor: parsing the JSON alone, with
                         the parser the decoder uses (valyala/fastjson)
  rules_ns_per_event     CPU time per event spent in the rules (the difference)
  alloc_bytes_per_event  heap allocated per event
  matches                rule matches (alerts) among the events
  record_bytes           mean size of a record
  cores                  cores used: 1

End to end, through the SQS path as a user sets it up: the simulator runs
in a child process with a generated organization of --accounts member
accounts (AWS's throttles, --latency on every call). In each member
account a rule on the default event bus sends CloudTrail's events ("AWS
API Call via CloudTrail") to the management account's default bus, which
the organization may put events on; a rule there sends them to an SQS
queue whose policy lets events.amazonaws.com send from that rule; the
watch reads the queue (the SQS source, the rules above, a throwaway
SQLite store), with no re-assessment. Then --calls risky API calls are
made with the AWS SDK at --rate calls a second, spread over the member
accounts (as their OrganizationAccountAccessRole), in turn: SSH opened to
0.0.0.0/0 on a security group, the same rule revoked, a bucket policy
put, a trail stopped. Each call is timed from the moment it is sent (its
last attempt, when AWS's throttles made the SDK retry it: the one its
CloudTrail record is of) to the moment the watch has committed its
event's first alert to the store (matched by the request ID the
simulator answered, which the record carries):

  e2e_calls              calls made
  e2e_calls_per_s        the rate they were sent at
  e2e_accounts           member accounts they came from
  e2e_p50_ms, e2e_p95_ms, e2e_max_ms
                         call sent to alert stored, over the calls
  e2e_missed             calls whose alert was not stored within 30 s of
                         the last call (0 expected)
  e2e_errors             calls that failed (0 expected)
  e2e_retries            attempts the SDK made again: calls AWS's
                         per-account rates throttled (EC2's, CloudTrail's:
                         over about 40 calls a second per account)
  e2e_cpu_s              CPU seconds of this process (the calls and the
                         watch) during the measurement
  sim_cpu_s              CPU seconds of the simulator process
  e2e_cores              cores this process may use (GOMAXPROCS)

The simulator puts a call's CloudTrail record on EventBridge as it
answers the call. AWS delivers "AWS API Call via CloudTrail" events on a
best-effort basis and documents no delay; whatever it takes is not in
these figures, which are what the path through EventBridge and SQS and
the watch add.

Both print rules and peak_rss_mb, this process's peak resident memory
(the simulator runs in its own process and is not counted).

--cpuprofile FILE writes a CPU profile of the decode + rules pass.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch {
			case o.throughput && o.e2e:
				return usageErr("--throughput and --e2e each run one measurement alone; give neither to run both")
			case o.events < 1:
				return usageErr("--events must be at least 1, got %d", o.events)
			case o.calls < 1:
				return usageErr("--calls must be at least 1, got %d", o.calls)
			case o.rate <= 0 || o.rate > 10000:
				return usageErr("--rate must be above 0 and at most 10000 calls a second, got %v", o.rate)
			case o.accounts < 3 || o.accounts > 1000:
				return usageErr("--accounts must be from 3 to 1000, got %d", o.accounts)
			}
			if _, err := (&simFlags{latency: o.latency}).faults(); err != nil {
				return err // the simulator's own check, before it is started
			}
			return runBenchWatch(c.Context(), o, c.OutOrStdout())
		},
	}
	c.Flags().BoolVar(&o.throughput, "throughput", false, "measure the hot path alone: decoding and detection rules")
	c.Flags().BoolVar(&o.e2e, "e2e", false, "measure the time from an API call to its stored alert alone")
	c.Flags().IntVar(&o.events, "events", 1_000_000, "records to decode and match (throughput)")
	c.Flags().StringVar(&o.rules, "rules", "", "a YAML file of detection rules to run with the built-in ones")
	c.Flags().Uint64Var(&o.seed, "seed", 1, "seed of the generated records")
	c.Flags().StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the decode + rules pass to this file")
	c.Flags().IntVar(&o.calls, "calls", 2000, "risky API calls to make and time (end to end)")
	c.Flags().Float64Var(&o.rate, "rate", 100, "calls a second (end to end)")
	c.Flags().IntVar(&o.accounts, "accounts", 10, "member accounts the calls come from (end to end)")
	c.Flags().StringVar(&o.latency, "latency", "", "latency the simulator adds to every call: a duration or a range like 20ms-50ms (end to end; default none)")
	return c
}

// benchWatchLine is what bench watch prints: the throughput's fields,
// the rules, the end-to-end fields (each part's absent when it did not
// run), the peak memory.
type benchWatchLine struct {
	*throughputLine
	Rules int `json:"rules"`
	*e2eLine
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// throughputLine is what the throughput measurement prints.
type throughputLine struct {
	Events             int     `json:"events"`
	EventsPerS         float64 `json:"events_per_s"`
	NsPerEvent         float64 `json:"ns_per_event"`
	CPUNsPerEvent      float64 `json:"cpu_ns_per_event"`
	EventsPerCPUS      float64 `json:"events_per_cpu_s"`
	DecodeNsPerEvent   float64 `json:"decode_ns_per_event"`
	ParseNsPerEvent    float64 `json:"parse_ns_per_event"`
	RulesNsPerEvent    float64 `json:"rules_ns_per_event"`
	AllocBytesPerEvent float64 `json:"alloc_bytes_per_event"`
	Matches            int     `json:"matches"`
	RecordBytes        int     `json:"record_bytes"`
	Cores              int     `json:"cores"`
}

// e2eLine is what the end-to-end measurement prints.
type e2eLine struct {
	Calls     int     `json:"e2e_calls"`
	CallsPerS float64 `json:"e2e_calls_per_s"`
	Accounts  int     `json:"e2e_accounts"`
	P50Ms     float64 `json:"e2e_p50_ms"`
	P95Ms     float64 `json:"e2e_p95_ms"`
	MaxMs     float64 `json:"e2e_max_ms"`
	Missed    int     `json:"e2e_missed"`
	Errors    int     `json:"e2e_errors"`
	Retries   int     `json:"e2e_retries"`
	CPUS      float64 `json:"e2e_cpu_s"`
	SimCPUS   float64 `json:"sim_cpu_s"`
	Cores     int     `json:"e2e_cores"`
}

func runBenchWatch(ctx context.Context, o benchWatchOptions, w io.Writer) error {
	rules := detect.Builtin()
	if o.rules != "" {
		cat, err := catalog.Default()
		if err != nil {
			return err
		}
		user, err := detect.Load(o.rules, cat)
		if err != nil {
			return err
		}
		rules = rules.With(user)
	}
	line := benchWatchLine{Rules: rules.Len()}
	if !o.e2e {
		line.throughputLine = &throughputLine{}
		if err := benchThroughput(ctx, o, rules, line.throughputLine); err != nil {
			return err
		}
	}
	if !o.throughput {
		runtime.GC()
		line.e2eLine = &e2eLine{}
		if err := benchE2E(ctx, o, rules, line.e2eLine); err != nil {
			return err
		}
	}
	line.PeakRSSMB = round(peakRSSMB(), 1)
	return json.NewEncoder(w).Encode(line)
}

// benchRing is how many distinct records the throughput pass cycles
// through: enough to leave the CPU caches, few enough to hold.
const benchRing = 4096

// benchThroughput measures decode + rules on one core.
func benchThroughput(ctx context.Context, o benchWatchOptions, rules *detect.Set, line *throughputLine) error {
	recs := trailgen.Records(benchRing, o.seed)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	var d trailevent.Decoder
	out := make([]*detect.Rule, 0, 16)
	matches := 0
	// pass decodes n events, and matches them when match is set.
	pass := func(n int, match bool) error {
		for i := 0; i < n; i++ {
			if i%(1<<16) == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			ev, err := d.Decode(recs[i%benchRing])
			if err != nil {
				return fmt.Errorf("bench watch: generated record %d: %w", i%benchRing, err)
			}
			if match {
				out = rules.Match(ev, out[:0])
				matches += len(out)
			}
		}
		return nil
	}
	if err := pass(min(o.events, 20_000), true); err != nil { // warm up
		return err
	}
	matches = 0

	// The floor: parsing alone, with the same parser.
	var p fastjson.Parser
	runtime.GC()
	cpu0 := selfCPU()
	for i := 0; i < o.events; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := p.ParseBytes(recs[i%benchRing]); err != nil {
			return err
		}
	}
	parseCPU := selfCPU() - cpu0

	runtime.GC()
	cpu0 = selfCPU()
	if err := pass(o.events, false); err != nil {
		return err
	}
	decodeCPU := selfCPU() - cpu0

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return usageErr("--cpuprofile: %v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 = selfCPU()
	start := time.Now()
	if err := pass(o.events, true); err != nil {
		return err
	}
	total := time.Since(start)
	cpu := selfCPU() - cpu0
	runtime.ReadMemStats(&after)

	n := float64(o.events)
	line.Events = o.events
	line.EventsPerS = round(n/total.Seconds(), 0)
	line.NsPerEvent = round(float64(total.Nanoseconds())/n, 1)
	line.CPUNsPerEvent = round(cpu*1e9/n, 1)
	line.EventsPerCPUS = round(n/cpu, 0)
	line.DecodeNsPerEvent = round(decodeCPU*1e9/n, 1)
	line.ParseNsPerEvent = round(parseCPU*1e9/n, 1)
	line.RulesNsPerEvent = round(max(0, cpu-decodeCPU)*1e9/n, 1)
	line.AllocBytesPerEvent = round(float64(after.TotalAlloc-before.TotalAlloc)/n, 1)
	line.Matches = matches
	line.RecordBytes = size / benchRing
	line.Cores = 1
	return nil
}

// The end-to-end measurement: see the command's help. What it sets up
// is what a user of the SQS source sets up, through the SDK; the calls
// it times are ordinary SDK calls; the watch is the engine of 'guardrail
// watch' with its SQS source.

const (
	e2eRegion = "us-east-1"
	e2eName   = "guardrail-bench" // the rule, queue, trail, security group
	// e2eDrain is how long after the last call the alerts may take.
	e2eDrain = 30 * time.Second
)

// benchE2E starts the simulator in a child process and measures there.
func benchE2E(ctx context.Context, o benchWatchOptions, rules *detect.Set, line *e2eLine) error {
	// The generated organization's mix has accounts whose role cannot be
	// assumed (as real ones do): a few more than needed are made.
	cfg, _, pid, stop, err := startBenchSim(ctx, benchOptions{accounts: o.accounts + 2 + o.accounts/4, regions: 1, latency: o.latency})
	if err != nil {
		return err
	}
	defer stop()
	r, err := measureE2E(ctx, cfg, e2eOptions{calls: o.calls, rate: o.rate, accounts: o.accounts}, rules)
	if err != nil {
		return err
	}
	*line = e2eLine{Calls: r.calls, CallsPerS: round(r.callsPerS, 1), Accounts: r.accounts,
		P50Ms: round(r.p50.Seconds()*1000, 1), P95Ms: round(r.p95.Seconds()*1000, 1), MaxMs: round(r.max.Seconds()*1000, 1),
		Missed: r.missed, Errors: r.errors, Retries: r.retries, CPUS: round(r.cpu, 2), SimCPUS: round(procCPU(pid), 2),
		Cores: runtime.GOMAXPROCS(0)}
	return nil
}

// e2eOptions are what measureE2E does: calls at rate a second, from the
// first accounts member accounts of the organization.
type e2eOptions struct {
	calls    int
	rate     float64
	accounts int
}

// e2eResult is what measureE2E measured.
type e2eResult struct {
	calls, accounts, missed, errors int
	retries                         int // attempts after a call's first (throttled)
	callsPerS                       float64
	p50, p95, max                   time.Duration
	cpu                             float64 // this process's CPU seconds
}

// e2eSender is a member account that makes the timed calls, with what
// they act on.
type e2eSender struct {
	account string
	cfg     aws.Config
	ec2     *ec2api.Client
	s3      *s3api.Client
	ct      *ctapi.Client
	group   *string
	bucket  string
	policy  string
	role    string // the ARN of the role its rule puts events with
}

// measureE2E sets up the SQS path in the organization whose management
// account cfg signs as (the member accounts reached by
// OrganizationAccountAccessRole), runs the watch on it, makes the calls
// and times each to its stored alert.
func measureE2E(ctx context.Context, cfg aws.Config, o e2eOptions, rules *detect.Set) (e2eResult, error) {
	var res e2eResult
	found, err := org.Discover(ctx, cfg, org.Options{Regions: []string{e2eRegion}, SessionName: e2eName})
	if err != nil {
		return res, fmt.Errorf("bench watch: discover the simulated organization: %w", err)
	}
	mgmt := found.ManagementAccount
	var senders []*e2eSender
	for i := range found.Accounts {
		a := &found.Accounts[i]
		if a.ID == mgmt || a.Err != nil || len(senders) == o.accounts {
			continue
		}
		c := a.Config().Copy()
		c.APIOptions = append(slices.Clone(c.APIOptions), stampAttempts)
		senders = append(senders, &e2eSender{account: a.ID, cfg: c, ec2: ec2api.NewFromConfig(c), s3: s3api.NewFromConfig(c), ct: ctapi.NewFromConfig(c),
			bucket: e2eName + "-" + a.ID})
	}
	if len(senders) < o.accounts {
		return res, fmt.Errorf("bench watch: the simulated organization has %d member accounts to call from, want %d", len(senders), o.accounts)
	}
	queueURL, err := setupE2E(ctx, cfg, found.ID, mgmt, senders)
	if err != nil {
		return res, fmt.Errorf("bench watch: set up the SQS path: %w", err)
	}

	// The watch, as 'guardrail watch --source sqs:URL' runs it.
	dir, err := os.MkdirTemp("", "guardrail-bench-watch-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "watch.db"))
	if err != nil {
		return res, err
	}
	defer st.Close()
	stored := newE2EStored()
	e, err := watch.New(watch.Options{Store: st, Rules: rules, Source: watch.NewSQSSource(sqsapi.NewFromConfig(cfg), queueURL, cfg),
		Committed: stored.committed, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return res, err
	}
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watchDone := make(chan error, 1)
	go func() { watchDone <- e.Run(wctx) }()

	// The calls: call i from sender i mod n, sent at start + i/rate,
	// each sender's calls in order (a rule is revoked after it is
	// authorized).
	type sent struct {
		attempt e2eAttempt
		reqID   string
		err     error
	}
	calls := make([]sent, o.calls)
	cpu0 := selfCPU()
	interval := time.Duration(float64(time.Second) / o.rate)
	start := time.Now().Add(100 * time.Millisecond)
	g, gctx := errgroup.WithContext(ctx)
	for n, s := range senders {
		g.Go(func() error {
			for i := n; i < o.calls; i += len(senders) {
				if !sleepUntil(gctx, start.Add(time.Duration(i)*interval)) {
					return gctx.Err()
				}
				actx := context.WithValue(gctx, e2eAttemptKey{}, &calls[i].attempt)
				calls[i].reqID, calls[i].err = s.call(actx, i/len(senders))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	last := time.Now()
	var firstSent, lastSent time.Time
	for _, c := range calls {
		if t := c.attempt.first; !t.IsZero() && (firstSent.IsZero() || t.Before(firstSent)) {
			firstSent = t
		}
		lastSent = later(lastSent, c.attempt.first)
	}
	sendWall := lastSent.Sub(firstSent)

	// Wait for the alerts of the calls that succeeded.
	want := map[string]bool{}
	for _, c := range calls {
		if c.err == nil && c.reqID != "" {
			want[c.reqID] = true
		} else {
			res.errors++
		}
		res.retries += max(0, c.attempt.n-1)
	}
	if res.errors == o.calls {
		return res, fmt.Errorf("bench watch: every call failed; the first: %w", calls[0].err)
	}
	for stored.count(want) < len(want) && time.Since(last) < e2eDrain {
		if !sleepUntil(ctx, time.Now().Add(20*time.Millisecond)) {
			return res, ctx.Err()
		}
	}
	res.cpu = selfCPU() - cpu0
	stopWatch()
	if err := <-watchDone; err != nil {
		return res, err
	}

	var lat []time.Duration
	at := stored.snapshot()
	for _, c := range calls {
		if c.err != nil || c.reqID == "" {
			continue
		}
		t, ok := at[c.reqID]
		if !ok {
			res.missed++
			continue
		}
		lat = append(lat, max(0, t.Sub(c.attempt.last)))
	}
	res.calls, res.accounts = o.calls, len(senders)
	if sendWall > 0 && o.calls > 1 {
		res.callsPerS = float64(o.calls-1) / sendWall.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.p50, res.p95, res.max = percentile(lat, 0.50), percentile(lat, 0.95), lat[len(lat)-1]
	}
	return res, nil
}

// setupE2E makes the path, as a user would with the SDK: the resources
// the calls act on in each sender (a VPC and a security group, a bucket,
// a trail that does not log) and the role its rule puts events with; the
// queue in the management account, with a policy that lets the
// management account's rule send; the management account's default bus
// opened to the organization; its rule to the queue; and each sender's
// rule to it. The rules come last, so the setup's own events are not on
// the queue. It returns the queue's URL.
func setupE2E(ctx context.Context, cfg aws.Config, orgID, mgmt string, senders []*e2eSender) (string, error) {
	central := "arn:aws:events:" + e2eRegion + ":" + mgmt + ":event-bus/default"
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, s := range senders {
		g.Go(func() error { return s.setup(gctx, central) })
	}
	if err := g.Wait(); err != nil {
		return "", err
	}
	ruleARN := "arn:aws:events:" + e2eRegion + ":" + mgmt + ":rule/" + e2eName
	queueARN := "arn:aws:sqs:" + e2eRegion + ":" + mgmt + ":" + e2eName
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "events", "Effect": "Allow", "Principal": map[string]string{"Service": "events.amazonaws.com"},
		"Action": "sqs:SendMessage", "Resource": queueARN, "Condition": map[string]any{"ArnEquals": map[string]string{"aws:SourceArn": ruleARN}}}}})
	q, err := sqsapi.NewFromConfig(cfg).CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String(e2eName),
		Attributes: map[string]string{"Policy": string(policy)}})
	if err != nil {
		return "", fmt.Errorf("create the queue: %w", err)
	}
	eb := ebapi.NewFromConfig(cfg)
	if _, err := eb.PutPermission(ctx, &ebapi.PutPermissionInput{Action: aws.String("events:PutEvents"), Principal: aws.String("*"),
		StatementId: aws.String("organization"), Condition: &ebtypes.Condition{Type: aws.String("StringEquals"),
			Key: aws.String("aws:PrincipalOrgID"), Value: aws.String(orgID)}}); err != nil {
		return "", fmt.Errorf("open the management account's bus to the organization: %w", err)
	}
	if err := putE2ERule(ctx, eb, ebtypes.Target{Id: aws.String("watch"), Arn: aws.String(queueARN)}); err != nil {
		return "", err
	}
	rg, rctx := errgroup.WithContext(ctx)
	rg.SetLimit(8)
	for _, s := range senders {
		rg.Go(func() error {
			return putE2ERule(rctx, ebapi.NewFromConfig(s.cfg), ebtypes.Target{Id: aws.String("central"), Arn: aws.String(central), RoleArn: aws.String(s.role)})
		})
	}
	if err := rg.Wait(); err != nil {
		return "", err
	}
	return aws.ToString(q.QueueUrl), nil
}

// putE2ERule puts the rule that sends CloudTrail's events on an
// account's default bus to target.
func putE2ERule(ctx context.Context, eb *ebapi.Client, target ebtypes.Target) error {
	const pattern = `{"detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"]}`
	if _, err := eb.PutRule(ctx, &ebapi.PutRuleInput{Name: aws.String(e2eName), EventPattern: aws.String(pattern)}); err != nil {
		return fmt.Errorf("put the rule: %w", err)
	}
	if _, err := eb.PutTargets(ctx, &ebapi.PutTargetsInput{Rule: aws.String(e2eName),
		Targets: []ebtypes.Target{target}}); err != nil {
		return fmt.Errorf("put the rule's target: %w", err)
	}
	return nil
}

// setup makes what the sender's calls act on, and the role its rule
// sends its events to central with.
func (s *e2eSender) setup(ctx context.Context, central string) error {
	vpc, err := s.ec2.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		return fmt.Errorf("%s: create a VPC: %w", s.account, err)
	}
	g, err := s.ec2.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String(e2eName),
		Description: aws.String("guardrail bench watch"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		return fmt.Errorf("%s: create a security group: %w", s.account, err)
	}
	s.group = g.GroupId
	if _, err := s.s3.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		return fmt.Errorf("%s: create a bucket: %w", s.account, err)
	}
	if _, err := s.ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String(e2eName), S3BucketName: aws.String(s.bucket)}); err != nil {
		return fmt.Errorf("%s: create a trail: %w", s.account, err)
	}
	// The role EventBridge assumes to put the account's events on the
	// management account's bus, which grants the whole organization.
	trust, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]string{"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}}})
	put, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "events:PutEvents", "Resource": central}}})
	iamc := iamapi.NewFromConfig(s.cfg)
	role, err := iamc.CreateRole(ctx, &iamapi.CreateRoleInput{RoleName: aws.String(e2eName + "-events"), AssumeRolePolicyDocument: aws.String(string(trust))})
	if err != nil {
		return fmt.Errorf("%s: create the events role: %w", s.account, err)
	}
	if _, err := iamc.PutRolePolicy(ctx, &iamapi.PutRolePolicyInput{RoleName: role.Role.RoleName, PolicyName: aws.String("put-events"),
		PolicyDocument: aws.String(string(put))}); err != nil {
		return fmt.Errorf("%s: let the events role put events: %w", s.account, err)
	}
	s.role = aws.ToString(role.Role.Arn)
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []string{"arn:aws:s3:::" + s.bucket, "arn:aws:s3:::" + s.bucket + "/*"},
		"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}}}}})
	s.policy = string(policy)
	return nil
}

// call makes the sender's k-th call, in turn: SSH-like access opened to
// 0.0.0.0/0 on a port, the same rule revoked, a bucket policy put (CIS
// 4.8), a trail stopped. It returns the call's request ID, which its
// CloudTrail record carries as requestID.
func (s *e2eSender) call(ctx context.Context, k int) (string, error) {
	perm := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(1024 + (k/4)%60000)),
		ToPort: aws.Int32(int32(1024 + (k/4)%60000)), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	var md middleware.Metadata
	switch k % 4 {
	case 0:
		out, err := s.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: s.group, IpPermissions: perm})
		if err != nil {
			return "", err
		}
		md = out.ResultMetadata
	case 1:
		out, err := s.ec2.RevokeSecurityGroupIngress(ctx, &ec2api.RevokeSecurityGroupIngressInput{GroupId: s.group, IpPermissions: perm})
		if err != nil {
			return "", err
		}
		md = out.ResultMetadata
	case 2:
		out, err := s.s3.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String(s.bucket), Policy: aws.String(s.policy)})
		if err != nil {
			return "", err
		}
		md = out.ResultMetadata
	default:
		out, err := s.ct.StopLogging(ctx, &ctapi.StopLoggingInput{Name: aws.String(e2eName)})
		if err != nil {
			return "", err
		}
		md = out.ResultMetadata
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id, nil
}

// e2eStored records when the first alert of each request ID was stored
// (watch.Options.Committed).
type e2eStored struct {
	mu sync.Mutex
	at map[string]time.Time
	p  fastjson.Parser // the engine's goroutine's
}

func newE2EStored() *e2eStored { return &e2eStored{at: map[string]time.Time{}} }

func (s *e2eStored) committed(b *store.WatchBatch, c *store.WatchCommit) {
	now := time.Now()
	for i := range b.Alerts {
		if c.Alerts[i] == 0 {
			continue // stored before
		}
		v, err := s.p.ParseBytes(b.Alerts[i].Raw)
		if err != nil {
			continue
		}
		id := string(v.GetStringBytes("requestID"))
		s.mu.Lock()
		if _, ok := s.at[id]; !ok {
			s.at[id] = now
		}
		s.mu.Unlock()
	}
}

// count is how many of ids have an alert stored.
func (s *e2eStored) count(ids map[string]bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id := range ids {
		if _, ok := s.at[id]; ok {
			n++
		}
	}
	return n
}

func (s *e2eStored) snapshot() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.at)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// e2eAttempt is when a call's attempts were sent: its first, its last
// (the one whose request ID its answer and its CloudTrail record carry)
// and how many.
type e2eAttempt struct {
	first, last time.Time
	n           int
}

type e2eAttemptKey struct{}

// stampAttempts records when each attempt of a call whose context holds
// an *e2eAttempt is sent: after the retryer, so a throttled attempt and
// the backoff after it do not count as the call's time.
func stampAttempts(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("GuardrailBenchAttempt",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if a, ok := ctx.Value(e2eAttemptKey{}).(*e2eAttempt); ok {
				a.last = time.Now()
				if a.n == 0 {
					a.first = a.last
				}
				a.n++
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// sleepUntil waits until t; false if ctx is done first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// percentile is the nearest-rank q-quantile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
