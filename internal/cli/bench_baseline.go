package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/baseline"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

func newBenchBaselineCmd() *cobra.Command {
	var o benchOptions
	var cpuProfile string
	c := &cobra.Command{
		Use:   "baseline",
		Short: "Apply the default baseline to a generated organization and roll it back; one JSON line each",
		Long: `Start the simulator in a child process with a generated organization
(--accounts x --regions), realistic latency and AWS's throttles, apply the
embedded default baseline with the same code as 'guardrail baseline apply'
(journaled in a throwaway SQLite store), then roll it back as 'guardrail
baseline rollback' does. Prints one JSON line per phase:

  phase          apply or rollback
  targets        account x region pairs acted on
  api_calls      requests the simulator received (retries included)
  changed        items changed (apply) or restored (rollback)
  wall_s         the phase's wall time
  lower_bound_s  the larger of what the simulator's throttles imply a
                 perfect client needs for the same successful calls, and
                 the calls that must follow one another (discovery, then
                 each phase's longest task) times the least latency
  ratio          wall_s / lower_bound_s
  peak_rss_mb    this process's peak resident memory so far (the
                 simulator runs in its own process and is not counted)
  cpu_s          CPU seconds this process used in the phase
  sim_cpu_s      CPU seconds the simulator used in the phase (both
                 share this machine's cores: a wall time bounded by CPU
                 shows here, not in the simulator's latency)
  client_cpu_ms_per_call
                 cpu_s per API call, in milliseconds`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.accounts < 4 || o.regions < 1 || o.regions > len(world.DefaultRegions()) {
				return usageErr("--accounts must be at least 4 and --regions from 1 to %d", len(world.DefaultRegions()))
			}
			if o.concurrency < 1 {
				return usageErr("--concurrency must be at least 1, got %d", o.concurrency)
			}
			return runBenchBaseline(c.Context(), o, cpuProfile, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	c.Flags().IntVar(&o.accounts, "accounts", 200, "accounts in the generated organization")
	c.Flags().IntVar(&o.regions, "regions", 17, "regions enabled per account")
	c.Flags().StringVar(&o.latency, "latency", "20ms-50ms", "latency of every call: a duration or a range")
	c.Flags().IntVar(&o.concurrency, "concurrency", 256, "tasks at once")
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of each measured phase to this file name plus .apply and .rollback")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}

// benchBaselineLine is what bench baseline prints for each phase.
type benchBaselineLine struct {
	Phase       string  `json:"phase"`
	Accounts    int     `json:"accounts"`
	Targets     int     `json:"targets"`
	Concurrency int     `json:"concurrency"`
	APICalls    int64   `json:"api_calls"`
	Throttled   int64   `json:"throttled"`
	Changed     int     `json:"changed"`
	Failed      int     `json:"failed"`
	Chain       int     `json:"chain"`
	WallS       float64 `json:"wall_s"`
	LowerBoundS float64 `json:"lower_bound_s"`
	Ratio       float64 `json:"ratio"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	CPUS        float64 `json:"cpu_s"`
	SimCPUS     float64 `json:"sim_cpu_s"`
	// CPUMSPerCall is the client's CPU per API call (retries included).
	CPUMSPerCall float64 `json:"client_cpu_ms_per_call"`
	Cores        int     `json:"cores"`
}

// runBenchBaseline measures an apply and its rollback; cpuProfile, when
// set, names the CPU profiles of the phases: cpuProfile.apply and
// cpuProfile.rollback. One file per phase, not one labelled profile: the
// HTTP client's connection goroutines, made in the apply, serve the
// rollback too and would carry the apply's label.
func runBenchBaseline(ctx context.Context, o benchOptions, cpuProfile string, w, stderr io.Writer) error {
	cfg, url, pid, stop, err := startBenchSim(ctx, o)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "guardrail-bench-baseline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "journal.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	var faults sim.Faults
	if err := getJSON(url+"/_sim/faults", &faults); err != nil {
		return err
	}
	bo := baseline.Options{Spec: spec.Default(), Journal: st, Concurrency: o.concurrency,
		Discover: org.Options{Concurrency: min(o.concurrency, 16)}}
	enc := json.NewEncoder(w)
	measure := func(phase string, run func() (*baseline.Report, error)) (*baseline.Report, error) {
		if err := resetStats(url); err != nil {
			return nil, err
		}
		stopProfile, err := startCPUProfile(cpuProfile, phase)
		if err != nil {
			return nil, err
		}
		cpu0, simCPU0 := selfCPU(), procCPU(pid)
		start := time.Now()
		var rep *baseline.Report
		pprof.Do(ctx, pprof.Labels("phase", phase), func(context.Context) { rep, err = run() })
		cpu, simCPU := selfCPU()-cpu0, procCPU(pid)-simCPU0
		if perr := stopProfile(); perr != nil && err == nil {
			err = perr
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", phase, err)
		}
		wall := time.Since(start)
		var stats sim.Stats
		if err := getJSON(url+"/_sim/stats", &stats); err != nil {
			return nil, err
		}
		lb := max(sim.LowerBound(stats, faults), time.Duration(rep.Stats.Chain)*time.Duration(faults.Latency.Min))
		changed := rep.Counts.Changed + rep.Counts.Restored
		return rep, enc.Encode(benchBaselineLine{
			Phase: phase, Accounts: rep.Stats.Accounts, Targets: rep.Stats.Targets, Concurrency: o.concurrency,
			APICalls: stats.Calls, Throttled: stats.Throttled, Changed: changed, Failed: rep.Counts.Failed, Chain: rep.Stats.Chain,
			WallS: round(wall.Seconds(), 3), LowerBoundS: round(lb.Seconds(), 3), Ratio: round(wall.Seconds()/lb.Seconds(), 3),
			PeakRSSMB: round(peakRSSMB(), 1), CPUS: round(cpu, 1), SimCPUS: round(simCPU, 1),
			CPUMSPerCall: round(cpu*1000/float64(max(stats.Calls, 1)), 3), Cores: runtime.NumCPU(),
		})
	}
	applied, err := measure("apply", func() (*baseline.Report, error) { return baseline.Apply(ctx, cfg, bo) })
	if err != nil {
		return err
	}
	bo.Run = applied.Run
	_, err = measure("rollback", func() (*baseline.Report, error) { return baseline.Rollback(ctx, cfg, bo) })
	return err
}

// resetStats zeroes the simulator's call counters.
func resetStats(url string) error {
	req, err := http.NewRequest(http.MethodDelete, url+"/_sim/stats", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("DELETE %s/_sim/stats: %s", url, resp.Status)
	}
	return nil
}

// startCPUProfile starts a CPU profile written to file.phase (nothing
// when file is empty) and returns what stops it and closes the file.
func startCPUProfile(file, phase string) (stop func() error, err error) {
	if file == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(file + "." + phase)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
