package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

type benchNotifyOptions struct {
	notifications, destinations int
	accounts, regions           int
	latency                     string
	concurrency                 int
	throughput, digest          bool
}

func newBenchNotifyCmd() *cobra.Command {
	var o benchNotifyOptions
	c := &cobra.Command{
		Use:   "notify",
		Short: "Measure the notification outbox: queued and delivered per second, and the first digest of a large scan",
		Long: `Measure the notification outbox with a webhook receiver on loopback and a
store in a temporary SQLite file, and print one JSON line:

  enqueue_per_s     notifications written to the outbox per second (in
                    transactions of 500, as a scan's changes go in)
  delivered_per_s   notifications claimed, sent to the receiver (one HTTP
                    request each, one in flight per destination) and
                    marked sent, per second, over --destinations
  first_digest_s    a scan of a generated organization (--accounts x
                    --regions, in a child simulator with AWS-like latency
                    and throttles) until its digest reached the receiver:
                    scan_s (the scan), store_s (FinishScan, the outbox rows
                    written in its transaction) and deliver_s (the digest
                    claimed, rendered, sent and marked)
  digest_notifications  the findings the digest summarized

--throughput and --digest run one part alone.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.notifications < 1 || o.destinations < 1 || o.destinations > o.notifications {
				return usageErr("--notifications must be at least 1 and --destinations from 1 to --notifications")
			}
			if o.accounts < 1 || o.regions < 1 || o.regions > len(world.DefaultRegions()) {
				return usageErr("--accounts must be at least 1 and --regions from 1 to %d", len(world.DefaultRegions()))
			}
			if o.throughput && o.digest {
				return usageErr("--throughput and --digest each run one part: give one, or neither for both")
			}
			return runBenchNotify(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.IntVar(&o.notifications, "notifications", 10000, "notifications queued and delivered by the throughput part")
	f.IntVar(&o.destinations, "destinations", 4, "webhook destinations they are spread over")
	f.IntVar(&o.accounts, "accounts", 200, "accounts of the digest part's generated organization")
	f.IntVar(&o.regions, "regions", 17, "regions enabled per account")
	f.StringVar(&o.latency, "latency", "20ms-50ms", "latency of every simulated AWS call: a duration or a range")
	f.IntVar(&o.concurrency, "concurrency", 256, "collection tasks at once in the digest part's scan")
	f.BoolVar(&o.throughput, "throughput", false, "only the throughput part")
	f.BoolVar(&o.digest, "digest", false, "only the first-digest part")
	return c
}

// benchNotifyLine is what bench notify prints.
type benchNotifyLine struct {
	Notifications int     `json:"notifications,omitempty"`
	Destinations  int     `json:"destinations,omitempty"`
	EnqueuePerS   float64 `json:"enqueue_per_s,omitempty"`
	DeliveredPerS float64 `json:"delivered_per_s,omitempty"`
	Accounts      int     `json:"accounts,omitempty"`
	Targets       int     `json:"targets,omitempty"`
	DigestN       int     `json:"digest_notifications,omitempty"`
	ScanS         float64 `json:"scan_s,omitempty"`
	StoreS        float64 `json:"store_s,omitempty"`
	DeliverS      float64 `json:"deliver_s,omitempty"`
	FirstDigestS  float64 `json:"first_digest_s,omitempty"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
}

// benchReceiver is a webhook receiver on loopback that counts what it
// accepts and says when a digest arrives.
type benchReceiver struct {
	url      string
	accepted atomic.Int64
	digest   chan int // the events of each digest received
	srv      *http.Server
}

func newBenchReceiver() (*benchReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &benchReceiver{url: "http://" + ln.Addr().String(), digest: make(chan int, 16)}
	r.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.accepted.Add(1)
		if strings.HasSuffix(req.URL.Path, "/digest") {
			var p notify.WebhookPayload
			if json.Unmarshal(b, &p) == nil {
				select {
				case r.digest <- len(p.Events):
				default:
				}
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *benchReceiver) close() { r.srv.Close() }

// benchStore opens a store in a temporary directory, removed by the
// returned function.
func benchStore(ctx context.Context) (store.Store, func(), error) {
	dir, err := os.MkdirTemp("", "guardrail-bench-notify-")
	if err != nil {
		return nil, nil, err
	}
	st, err := store.OpenWith(ctx, filepath.Join(dir, "bench.db"), store.Options{Now: clock.Real})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

// benchConfig is a notify config of webhook destinations on r.
func benchConfig(r *benchReceiver, names []string, digest bool) (*notify.Config, error) {
	var b strings.Builder
	b.WriteString("destinations:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  - name: %s\n    type: webhook\n    url: %s/%s\n", n, r.url, n)
	}
	fmt.Fprintf(&b, "routes:\n  - match: {}\n    to: [%s]\n    digest: %v\n", strings.Join(names, ", "), digest)
	return notify.Parse("bench-notify.yaml", []byte(b.String()))
}

func runBenchNotify(ctx context.Context, o benchNotifyOptions, w, stderr io.Writer) error {
	r, err := newBenchReceiver()
	if err != nil {
		return err
	}
	defer r.close()
	var line benchNotifyLine
	if !o.digest {
		if err := benchNotifyThroughput(ctx, o, r, &line); err != nil {
			return err
		}
	}
	if !o.throughput {
		if err := benchNotifyDigest(ctx, o, r, &line, stderr); err != nil {
			return err
		}
	}
	line.PeakRSSMB = round(peakRSSMB(), 1)
	return json.NewEncoder(w).Encode(line)
}

// benchNotifyThroughput queues o.notifications over o.destinations and
// delivers them.
func benchNotifyThroughput(ctx context.Context, o benchNotifyOptions, r *benchReceiver, line *benchNotifyLine) error {
	st, done, err := benchStore(ctx)
	if err != nil {
		return err
	}
	defer done()
	var names []string
	for i := range o.destinations {
		names = append(names, fmt.Sprintf("hook%d", i))
	}
	cfg, err := benchConfig(r, names, false)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(notify.Event{Source: "scan", Change: "new", Scan: "bench",
		Finding: &notify.Finding{ID: "f", Control: "S3.1", Title: "S3 general purpose buckets should have block public access settings enabled", Severity: "MEDIUM", Status: "FAILED"}})
	if err != nil {
		return err
	}
	start := time.Now()
	batch := make([]store.Outgoing, 0, 500)
	for i := range o.notifications {
		batch = append(batch, store.Outgoing{Key: fmt.Sprintf("bench:%d", i), Destination: names[i%len(names)], Route: "bench", Payload: payload})
		if len(batch) == cap(batch) || i == o.notifications-1 {
			if _, err := st.Enqueue(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	enq := time.Since(start)
	s, err := notify.NewSender(cfg, notify.Options{Clock: clock.Real})
	if err != nil {
		return err
	}
	d, err := outbox.New(outbox.Options{Store: st, Sender: s, Now: clock.Real})
	if err != nil {
		return err
	}
	before := r.accepted.Load()
	start = time.Now()
	stats, left, err := d.Drain(ctx, time.Minute)
	if err != nil {
		return err
	}
	del := time.Since(start)
	if left != 0 || stats.Rows != o.notifications || r.accepted.Load()-before != int64(o.notifications) {
		return fmt.Errorf("bench notify: %d of %d notifications delivered (%d left)", stats.Rows, o.notifications, left)
	}
	line.Notifications, line.Destinations = o.notifications, o.destinations
	line.EnqueuePerS = round(float64(o.notifications)/enq.Seconds(), 0)
	line.DeliveredPerS = round(float64(o.notifications)/del.Seconds(), 0)
	return nil
}

// benchNotifyDigest scans a generated organization with a digest route and
// times the digest's arrival.
func benchNotifyDigest(ctx context.Context, o benchNotifyOptions, r *benchReceiver, line *benchNotifyLine, stderr io.Writer) error {
	cfg, url, _, stop, err := startBenchSim(ctx, benchOptions{o.accounts, o.regions, o.latency, o.concurrency})
	if err != nil {
		return err
	}
	defer stop()
	_ = url
	st, done, err := benchStore(ctx)
	if err != nil {
		return err
	}
	defer done()
	ncfg, err := benchConfig(r, []string{"digest"}, true)
	if err != nil {
		return err
	}
	s := scanFlags{concurrency: o.concurrency, format: "text", taskTimeout: scan.DefaultTaskTimeout, discover: discoverFlags{concurrency: 16}}
	j, err := s.job(stderr)
	if err != nil {
		return err
	}
	j.opts.Discover.Concurrency = min(o.concurrency, 16)
	start := time.Now()
	j.opts.ID = scan.NewID(start.UTC())
	if err := st.StartScan(ctx, store.Scan{ID: j.opts.ID, Started: start.UTC()}); err != nil {
		return err
	}
	rep, err := scanQuiet(ctx, cfg, j)
	if err != nil {
		return err
	}
	scanned := time.Now()
	nf := notifyFlag{cfg: ncfg}
	st.SetRouter(nf.router(rep))
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		return err
	}
	stored := time.Now()
	sender, err := notify.NewSender(ncfg, notify.Options{Clock: clock.Real})
	if err != nil {
		return err
	}
	d, err := outbox.New(outbox.Options{Store: st, Sender: sender, Now: clock.Real})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	var derr error
	wg.Add(1)
	go func() { defer wg.Done(); _, _, derr = d.Drain(ctx, time.Minute) }()
	var n int
	select {
	case n = <-r.digest:
	case <-time.After(2 * time.Minute):
		wg.Wait()
		return fmt.Errorf("bench notify: no digest reached the receiver (%v)", derr)
	}
	arrived := time.Now()
	wg.Wait()
	if derr != nil {
		return derr
	}
	line.Accounts, line.Targets, line.DigestN = len(rep.Accounts), rep.Stats.Targets, n
	line.ScanS = round(scanned.Sub(start).Seconds(), 3)
	line.StoreS = round(stored.Sub(scanned).Seconds(), 3)
	line.DeliverS = round(arrived.Sub(stored).Seconds(), 3)
	line.FirstDigestS = round(arrived.Sub(start).Seconds(), 3)
	return nil
}
