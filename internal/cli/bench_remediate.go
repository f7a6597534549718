package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// benchRemediateOptions are the flags of bench remediate.
type benchRemediateOptions struct {
	benchOptions
	controls    []string
	soak        time.Duration
	alarmPrefix []string
	// cpuProfile, when set, receives a CPU profile of the measured
	// phases (this process only; hidden: for developers).
	cpuProfile string
}

func newBenchRemediateCmd() *cobra.Command {
	var o benchRemediateOptions
	c := &cobra.Command{
		Use:   "remediate",
		Short: "Remediate a control across a generated organization and roll it back; one JSON line each",
		Long: `Start the simulator in a child process with a generated organization
(--accounts x --regions), realistic latency and AWS's throttles, scan
--controls into a throwaway SQLite store (setup, not measured; reported
on stderr), then remediate every failing finding of that scan with the
same code as 'guardrail remediate apply' (no limit on the changes, the
default waves: a canary account, then waves doubling; no soak and no
health gate unless --soak or --health-alarm-prefix), then roll the run
back as 'guardrail remediate rollback' does. Prints one JSON line per
phase:

  phase          apply or rollback
  targets        account x region pairs acted on
  waves          waves applied (apply)
  api_calls      requests the simulator received (retries included)
  changed        changes made and verified (apply) or restored (rollback)
  failed         changes that failed or could not be verified
  wall_s         the phase's wall time (apply: plan and every wave)
  lower_bound_s  the least time a perfect client needs for the same
                 successful calls, in the same order: the waves run one
                 after the other by design (a wave starts when the one
                 before it is verified and soaked), so
                   apply    = b(plan) + sum over waves w of (b(w) + soak)
                   rollback = b(rollback)
                 where b(s) of a stretch s is the larger of what the
                 simulator's throttles imply for its successful calls
                 (each (account, region, service) bucket drains its
                 burst, then its rate, buckets in parallel) and its
                 longest chain of calls to one (account, region,
                 service), which follow one another (one target's
                 changes, then its verification, in order), times the
                 least latency (Organizations and STS, called in
                 parallel for every account, count only by throttle)
  ratio          wall_s / lower_bound_s
  peak_rss_mb    this process's peak resident memory so far (the
                 simulator runs in its own process and is not counted)
  cpu_s          CPU seconds this process used in the phase
  sim_cpu_s      CPU seconds the simulator used in the phase (both
                 share this machine's cores: a wall time bounded by CPU
                 shows here, not in the simulator's latency)
  stretches      the apply's plan and waves, each with its calls, chain,
                 wall time and lower bound`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.accounts < 4 || o.regions < 1 || o.regions > len(world.DefaultRegions()) {
				return usageErr("--accounts must be at least 4 and --regions from 1 to %d", len(world.DefaultRegions()))
			}
			if o.concurrency < 1 {
				return usageErr("--concurrency must be at least 1, got %d", o.concurrency)
			}
			if err := checkBenchControls(o.controls); err != nil {
				return err
			}
			if o.soak < 0 {
				return usageErr("--soak must not be negative")
			}
			return runBenchRemediate(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.IntVar(&o.accounts, "accounts", 200, "accounts in the generated organization")
	f.IntVar(&o.regions, "regions", 17, "regions enabled per account")
	f.StringVar(&o.latency, "latency", "20ms-50ms", "latency of every call: a duration or a range")
	f.IntVar(&o.concurrency, "concurrency", 256, "tasks at once")
	f.StringSliceVar(&o.controls, "controls", []string{"EC2.8"}, "controls to remediate (each needs a playbook)")
	f.DurationVar(&o.soak, "soak", 0, "watch the health gate this long after each wave")
	f.StringSliceVar(&o.alarmPrefix, "health-alarm-prefix", nil, "health gate: CloudWatch alarms whose name starts with this")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured phases to this file")
	_ = f.MarkHidden("cpuprofile")
	return c
}

// checkBenchControls says which of controls is unknown or has no
// playbook, before the simulator starts.
func checkBenchControls(controls []string) error {
	if len(controls) == 0 {
		return usageErr("--controls: name at least one control with a playbook")
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	has := map[string]bool{}
	var with []string
	for _, p := range (remediate.Options{}).AllPlaybooks() {
		if c := p.Info().Control; !has[c] {
			has[c] = true
			with = append(with, c)
		}
	}
	for _, c := range controls {
		switch {
		case cat.Control(c) == nil:
			return usageErr("--controls: unknown control %s (see 'guardrail controls list')", c)
		case !has[c]:
			slices.SortFunc(with, func(a, b string) int {
				if control.Less(a, b) {
					return -1
				}
				return 1
			})
			return usageErr("--controls: no playbook for %s; the controls with a playbook are %s", c, strings.Join(with, ", "))
		}
	}
	return nil
}

// benchRemediateLine is what bench remediate prints for each phase.
type benchRemediateLine struct {
	Phase       string  `json:"phase"`
	Accounts    int     `json:"accounts"`
	Targets     int     `json:"targets"`
	Waves       int     `json:"waves,omitempty"`
	Concurrency int     `json:"concurrency"`
	APICalls    int64   `json:"api_calls"`
	Throttled   int64   `json:"throttled"`
	Changed     int     `json:"changed"`
	Failed      int     `json:"failed"`
	WallS       float64 `json:"wall_s"`
	LowerBoundS float64 `json:"lower_bound_s"`
	Ratio       float64 `json:"ratio"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	CPUS        float64 `json:"cpu_s"`
	SimCPUS     float64 `json:"sim_cpu_s"`
	Cores       int     `json:"cores"`
	// Stretches are the apply's plan and waves, one after the other.
	Stretches []benchStretch `json:"stretches,omitempty"`
}

// benchStretch is a part of a phase that starts when the one before it
// ends: the plan, a wave.
type benchStretch struct {
	Name        string  `json:"name"`
	APICalls    int64   `json:"api_calls"`
	Chain       int64   `json:"chain"`
	WallS       float64 `json:"wall_s"`
	LowerBoundS float64 `json:"lower_bound_s"`
}

// stretchOf measures a stretch that made the calls s in wall: its lower
// bound is the larger of its throttles' and its chain's.
func stretchOf(name string, s sim.Stats, f sim.Faults, wall time.Duration) benchStretch {
	n := chain(s)
	lb := max(sim.LowerBound(s, f), time.Duration(n)*time.Duration(f.Latency.Min))
	return benchStretch{Name: name, APICalls: s.Calls, Chain: n, WallS: round(wall.Seconds(), 3), LowerBoundS: lb.Seconds()}
}

func runBenchRemediate(ctx context.Context, bo benchRemediateOptions, w, stderr io.Writer) error {
	cfg, url, pid, stop, err := startBenchSim(ctx, bo.benchOptions)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "guardrail-bench-remediate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "guardrail.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	var faults sim.Faults
	if err := getJSON(url+"/_sim/faults", &faults); err != nil {
		return err
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	o := remediate.Options{Store: st, Controls: bo.controls, Catalog: cat, Collectors: registry.All(), MaxChanges: -1,
		Concurrency: bo.concurrency, Discover: org.Options{Concurrency: min(bo.concurrency, 16)}, Now: time.Now,
		Soak: bo.soak, Gate: remediate.Gate{AlarmPrefixes: bo.alarmPrefix}}
	start := time.Now()
	if o.Scan, err = scanFirst(ctx, cfg, st, o, false, stderr); err != nil {
		return fmt.Errorf("setup scan: %w", err)
	}
	fmt.Fprintf(stderr, "guardrail: setup: scan %s of %s in %.1fs\n", o.Scan, strings.Join(bo.controls, ", "), time.Since(start).Seconds())

	if bo.cpuProfile != "" {
		pf, err := os.Create(bo.cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	enc := json.NewEncoder(w)
	measure := func(phase string, run func(mark func(name string)) (*remediate.Report, error)) (*remediate.Report, error) {
		// Full buckets, as after a pause: the setup scan (or the apply)
		// drained some.
		if err := putFaults(url, faults); err != nil {
			return nil, err
		}
		if err := resetStats(url); err != nil {
			return nil, err
		}
		cpu0, simCPU0 := selfCPU(), procCPU(pid)
		var line benchRemediateLine
		var prev sim.Stats
		var merr error
		start := time.Now()
		last, name := start, phase
		if phase == "apply" {
			name = "plan"
		}
		// mark ends the stretch under way (its calls: those so far, less
		// the stretches' before it) and starts the next.
		mark := func(next string) {
			var s sim.Stats
			if err := getJSON(url+"/_sim/stats", &s); err != nil {
				merr = err
				return
			}
			now := time.Now()
			line.Stretches = append(line.Stretches, stretchOf(name, subStats(s, prev), faults, now.Sub(last)))
			prev, last, name = s, now, next
		}
		var rep *remediate.Report
		var err error
		// The phase labels its samples in a CPU profile (-tagfocus).
		pprof.Do(ctx, pprof.Labels("phase", phase), func(context.Context) { rep, err = run(mark) })
		if err != nil {
			return nil, fmt.Errorf("%s: %w", phase, err)
		}
		wall := time.Since(start)
		if mark(""); merr != nil {
			return nil, merr
		}
		var lb float64
		for i := range line.Stretches {
			if phase == "apply" && i > 0 {
				line.Stretches[i].LowerBoundS += soakOf(o).Seconds()
			}
			lb += line.Stretches[i].LowerBoundS
		}
		line.Phase, line.Accounts, line.Targets, line.Waves, line.Concurrency = phase, rep.Stats.Accounts, rep.Stats.Targets, len(rep.Waves), bo.concurrency
		line.APICalls, line.Throttled = prev.Calls, prev.Throttled
		line.Changed = rep.Counts[remediate.Changed] + rep.Counts[remediate.Restored]
		line.Failed = rep.Counts[remediate.Failed] + rep.Counts[remediate.Unverified]
		line.WallS, line.LowerBoundS, line.Ratio = round(wall.Seconds(), 3), round(lb, 3), round(wall.Seconds()/lb, 3)
		line.PeakRSSMB, line.CPUS, line.SimCPUS, line.Cores = round(peakRSSMB(), 1), round(selfCPU()-cpu0, 1), round(procCPU(pid)-simCPU0, 1), runtime.NumCPU()
		if len(line.Stretches) == 1 {
			line.Stretches = nil
		}
		return rep, enc.Encode(line)
	}
	applied, err := measure("apply", func(mark func(string)) (*remediate.Report, error) {
		ao := o
		// A wave starts once the one before it is done (and soaked): the
		// plan and each wave are stretches of their own.
		ao.Progress = func(e remediate.Event) {
			if e.Phase == "apply" && e.Wave > 0 {
				name := fmt.Sprintf("wave %d", e.Wave)
				mark(name)
				// Called on the engine's goroutine: the wave's workers,
				// started next, carry the label.
				pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("phase", "apply", "stretch", name)))
			}
		}
		return remediate.Apply(ctx, cfg, ao)
	})
	if err != nil {
		return err
	}
	if applied.Run == "" {
		return fmt.Errorf("apply: nothing to change (%v)", applied.Counts)
	}
	ro := o
	ro.Run = applied.Run
	_, err = measure("rollback", func(func(string)) (*remediate.Report, error) { return remediate.Rollback(ctx, cfg, ro) })
	return err
}

// putFaults sets the simulator's faults, which refills its token
// buckets.
func putFaults(url string, f sim.Faults) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	resp, err := http.Post(url+"/_sim/faults", "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s/_sim/faults: %s", url, resp.Status)
	}
	return nil
}

// soakOf is how long the gate soaks after each wave (only when it
// watches something).
func soakOf(o remediate.Options) time.Duration {
	if !o.Gate.On() {
		return 0
	}
	return o.Soak
}

// subStats returns the calls in b that are not in a (a taken earlier).
func subStats(b, a sim.Stats) sim.Stats {
	type key struct{ account, region, service string }
	before := map[key]sim.CallCount{}
	for _, c := range a.Counts {
		before[key{c.Account, c.Region, c.Service}] = c
	}
	out := sim.Stats{Calls: b.Calls - a.Calls, Throttled: b.Throttled - a.Throttled, Faults: b.Faults - a.Faults}
	for _, c := range b.Counts {
		p := before[key{c.Account, c.Region, c.Service}]
		c.Calls, c.Throttled, c.Faults = c.Calls-p.Calls, c.Throttled-p.Throttled, c.Faults-p.Faults
		if c.Calls > 0 {
			out.Counts = append(out.Counts, c)
		}
	}
	return out
}

// chain is the most successful calls one (account, region, service)
// received, Organizations and STS aside: a target's calls to a service
// follow one another (its changes in order, then its verification, a
// collector's reads one after another). Organizations and STS serve the
// whole organization from the management account (its discovery, a
// role assumed in each account), calls made in parallel and bounded by
// their own throttles instead.
func chain(s sim.Stats) int64 {
	var n int64
	for _, c := range s.Counts {
		if c.Service != "organizations" && c.Service != "sts" {
			n = max(n, c.Calls-c.Throttled-c.Faults)
		}
	}
	return n
}
