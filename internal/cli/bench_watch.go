package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

// benchWatchOptions are the flags of bench watch.
type benchWatchOptions struct {
	throughput bool
	events     int
	rules      string
	seed       uint64
	cpuProfile string
}

func newBenchWatchCmd() *cobra.Command {
	var o benchWatchOptions
	c := &cobra.Command{
		Use:   "watch",
		Short: "Measure the watch's hot path (decoding CloudTrail records and running the detection rules); one JSON line",
		Long: `Measure what the watch does with every CloudTrail event of the organization,
on one core (GOMAXPROCS 1 during the measurement), and print one JSON line.

--throughput decodes --events generated records (about 1.5 KB each, like
real management events: assumed-role identities with their session context,
request parameters, TLS details; an ordinary mix in which most events match
no rule) and runs every built-in detection rule (and those of --rules) on
each, as the watch does:

  events                 records decoded and matched
  rules                  detection rules run on each
  events_per_s           events per second of wall time, decode + rules
  ns_per_event           wall time per event, decode + rules
  decode_ns_per_event    of which decoding (a pass that only decodes)
  rules_ns_per_event     of which the rules (the difference)
  cpu_ns_per_event       CPU time per event (on a busy machine, wall time
                         overstates the cost; this does not)
  alloc_bytes_per_event  heap allocated per event
  matches                rule matches (alerts) among the events
  record_bytes           mean size of a record
  peak_rss_mb            this process's peak resident memory
  cores                  cores used: 1

--cpuprofile FILE writes a CPU profile of the decode + rules pass.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.events < 1 {
				return usageErr("--events must be at least 1, got %d", o.events)
			}
			return runBenchWatch(c.Context(), o, c.OutOrStdout())
		},
	}
	c.Flags().BoolVar(&o.throughput, "throughput", false, "measure the hot path: decoding and detection rules (today the only measurement)")
	c.Flags().IntVar(&o.events, "events", 1_000_000, "records to decode and match")
	c.Flags().StringVar(&o.rules, "rules", "", "a YAML file of detection rules to run with the built-in ones")
	c.Flags().Uint64Var(&o.seed, "seed", 1, "seed of the generated records")
	c.Flags().StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the decode + rules pass to this file")
	return c
}

// benchWatchLine is what bench watch prints.
type benchWatchLine struct {
	Events             int     `json:"events"`
	Rules              int     `json:"rules"`
	EventsPerS         float64 `json:"events_per_s"`
	NsPerEvent         float64 `json:"ns_per_event"`
	DecodeNsPerEvent   float64 `json:"decode_ns_per_event"`
	RulesNsPerEvent    float64 `json:"rules_ns_per_event"`
	CPUNsPerEvent      float64 `json:"cpu_ns_per_event"`
	AllocBytesPerEvent float64 `json:"alloc_bytes_per_event"`
	Matches            int     `json:"matches"`
	RecordBytes        int     `json:"record_bytes"`
	PeakRSSMB          float64 `json:"peak_rss_mb"`
	Cores              int     `json:"cores"`
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
	var line benchWatchLine
	if err := benchThroughput(ctx, o, rules, &line); err != nil {
		return err
	}
	line.PeakRSSMB = round(peakRSSMB(), 1)
	return json.NewEncoder(w).Encode(line)
}

// benchRing is how many distinct records the throughput pass cycles
// through: enough to leave the CPU caches, few enough to hold.
const benchRing = 4096

// benchThroughput measures decode + rules on one core.
func benchThroughput(ctx context.Context, o benchWatchOptions, rules *detect.Set, line *benchWatchLine) error {
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

	runtime.GC()
	start := time.Now()
	if err := pass(o.events, false); err != nil {
		return err
	}
	decode := time.Since(start)

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
	cpu0 := selfCPU()
	start = time.Now()
	if err := pass(o.events, true); err != nil {
		return err
	}
	total := time.Since(start)
	cpu := selfCPU() - cpu0
	runtime.ReadMemStats(&after)

	n := float64(o.events)
	*line = benchWatchLine{
		Events: o.events, Rules: rules.Len(),
		EventsPerS:         round(n/total.Seconds(), 0),
		NsPerEvent:         round(float64(total.Nanoseconds())/n, 1),
		DecodeNsPerEvent:   round(float64(decode.Nanoseconds())/n, 1),
		RulesNsPerEvent:    round(max(0, float64((total-decode).Nanoseconds())/n), 1),
		CPUNsPerEvent:      round(cpu*1e9/n, 1),
		AllocBytesPerEvent: round(float64(after.TotalAlloc-before.TotalAlloc)/n, 1),
		Matches:            matches,
		RecordBytes:        size / benchRing,
		Cores:              1,
	}
	return nil
}
