package cli

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

func newBenchCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure Guardrail against a simulated organization with AWS-like latency and throttles",
	}
	var o benchScanOptions
	sc := &cobra.Command{
		Use:   "scan",
		Short: "Scan a generated organization and print one JSON line of measurements",
		Long: `Start the simulator in a child process with a generated organization
(--accounts x --regions), realistic latency and AWS's throttles, scan it with
the same code as 'guardrail scan', and print one JSON line:

  targets        account x region pairs assessed
  api_calls      requests the simulator received (retries included)
  wall_s         the scan's wall time
  chain          calls that had to follow one another: discovery's, then
                 the longest chain of one task's calls
  lower_bound_s  the larger of what the simulator's throttles imply a
                 perfect client needs for the same successful calls, and
                 chain times the least latency
  ratio          wall_s / lower_bound_s
  peak_rss_mb    this process's peak resident memory (the simulator runs
                 in its own process and is not counted)
  cpu_s          this process's CPU seconds, start included
  client_cpu_s   this process's CPU seconds during the scan
  client_cpu_ms_per_call  client_cpu_s per API call, in milliseconds
  sim_cpu_s      the simulator's CPU seconds during the scan (it shares
                 the machine's cores)

--concurrency 1 runs one task at a time, as teams did by hand.

--stream hands each account's results, as soon as they are evaluated, to
a sink that counts them instead of building the report (as a scan that
stores as it goes does): peak_rss_mb is then the scan's own working set,
which does not grow with the organization's size.

--shards N runs N 'guardrail scan --shard I/N' processes of this binary at
once against the one simulator and one store (--db: a PostgreSQL URL, or
by default a SQLite file in a temporary directory), and prints the wall
time until the last has reported, the lower bound (the throttles' alone:
the shards' call chains are not known here), the ratio, and each shard's
peak resident memory (shard_peak_rss_mb).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.accounts < 1 || o.regions < 1 || o.regions > len(world.DefaultRegions()) {
				return usageErr("--accounts must be at least 1 and --regions from 1 to %d", len(world.DefaultRegions()))
			}
			if o.concurrency < 1 {
				return usageErr("--concurrency must be at least 1, got %d", o.concurrency)
			}
			if o.shards < 0 {
				return usageErr("--shards must be at least 1, got %d", o.shards)
			}
			if o.shards > 0 {
				return runBenchShards(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
			}
			return runBenchScan(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f := sc.Flags()
	f.IntVar(&o.accounts, "accounts", 200, "accounts in the generated organization")
	f.IntVar(&o.regions, "regions", 17, "regions enabled per account")
	f.StringVar(&o.latency, "latency", "20ms-50ms", "latency of every call: a duration or a range")
	f.IntVar(&o.concurrency, "concurrency", 256, "collection tasks at once")
	f.BoolVar(&o.stream, "stream", false, "count each account's results as they are evaluated instead of building the report")
	f.IntVar(&o.shards, "shards", 0, "run the scan as this many shard processes writing one scan into one store")
	f.StringVar(&o.db, "db", "", "with --shards: the store the shards write (a postgres:// URL or a SQLite file; default a SQLite file in a temporary directory)")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the scan to this file")
	f.StringVar(&o.memProfile, "memprofile", "", "write a heap profile, taken when the scan's results are ready, to this file")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	c.AddCommand(sc, newBenchBaselineCmd(), newBenchRemediateCmd(), newBenchWatchCmd(), newBenchIACCmd(), newBenchNotifyCmd())
	return c
}

type benchOptions struct {
	accounts, regions int
	latency           string
	concurrency       int
}

// benchScanOptions are bench scan's: cpuProfile and memProfile are files
// for profiles of the measured scan.
type benchScanOptions struct {
	benchOptions
	cpuProfile, memProfile string
	// shards and db: bench scan --shards (runBenchShards).
	shards int
	db     string
	// stream: the results go to a counting sink (scan.Options.Account).
	stream bool
}

// benchLine is what bench scan prints.
type benchLine struct {
	Accounts    int     `json:"accounts"`
	Targets     int     `json:"targets"`
	Concurrency int     `json:"concurrency"`
	APICalls    int64   `json:"api_calls"`
	Throttled   int64   `json:"throttled"`
	Results     int     `json:"results"`
	Errors      int     `json:"errors"`
	WallS       float64 `json:"wall_s"`
	LowerBoundS float64 `json:"lower_bound_s"`
	Ratio       float64 `json:"ratio"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	// CPUS and SimCPUS are the CPU seconds the scanner and the simulator
	// used: both share this machine's cores, so a wall time bounded by
	// CPU shows here rather than in the simulator's latency.
	CPUS    float64 `json:"cpu_s"`
	SimCPUS float64 `json:"sim_cpu_s"`
	// ClientCPUS is the scanner's CPU during the scan alone (cpu_s
	// includes the start), ClientCPUMsPerCall the same per API call.
	ClientCPUS         float64 `json:"client_cpu_s"`
	ClientCPUMsPerCall float64 `json:"client_cpu_ms_per_call"`
	// Chain is the number of calls that had to follow one another
	// (scan.Options.Chain).
	Chain int `json:"chain"`
	Cores int `json:"cores"`
}

func runBenchScan(ctx context.Context, o benchScanOptions, w, stderr io.Writer) error {
	cfg, url, pid, stop, err := startBenchSim(ctx, o.benchOptions)
	if err != nil {
		return err
	}
	defer stop()
	s := scanFlags{concurrency: o.concurrency, format: "text", taskTimeout: scan.DefaultTaskTimeout, discover: discoverFlags{concurrency: 16}}
	j, err := s.job(stderr)
	if err != nil {
		return err
	}
	j.opts.Discover.Concurrency = min(o.concurrency, 16)
	if o.cpuProfile != "" {
		pf, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	chain := 0
	j.opts.Chain = func(n int) { chain = n }
	if o.memProfile != "" {
		// The heap with the whole snapshot collected, before the
		// controls run: the scan's peak is from here to the report.
		j.opts.Snapshot = func(*snapshot.Snapshot) {
			runtime.GC()
			if err := writeHeapProfile(o.memProfile + ".collected"); err != nil {
				fmt.Fprintf(stderr, "guardrail: bench: %v\n", err)
			}
		}
	}
	var streamed atomic.Int64
	if o.stream {
		if o.memProfile != "" {
			// No whole snapshot to profile: the heap once nine tenths
			// of the tasks are done, discovery over (what the scan holds
			// while it runs).
			j.opts.Snapshot = nil
			var once sync.Once
			j.opts.Progress = func(p scan.Progress) {
				if p.Discovering || p.TasksDone*10 < int64(p.TasksQueued)*9 {
					return
				}
				once.Do(func() {
					runtime.GC()
					if err := writeHeapProfile(o.memProfile + ".running"); err != nil {
						fmt.Fprintf(stderr, "guardrail: bench: %v\n", err)
					}
				})
			}
		}
		j.opts.Account = func(p report.AccountPart) error {
			streamed.Add(int64(len(p.Results)))
			return nil
		}
	}
	cpu0, simCPU0 := selfCPU(), procCPU(pid)
	start := time.Now()
	var rep *report.Report
	if j.opts.Progress != nil {
		rep, err = scan.Run(ctx, cfg, j.opts) // the profile's hook, no output
	} else {
		rep, err = scanQuiet(ctx, cfg, j)
	}
	if err != nil {
		return err
	}
	wall := time.Since(start)
	clientCPU := selfCPU() - cpu0
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}
	var stats sim.Stats
	var faults sim.Faults
	if err := getJSON(url+"/_sim/stats", &stats); err != nil {
		return err
	}
	if err := getJSON(url+"/_sim/faults", &faults); err != nil {
		return err
	}
	simCPU := procCPU(pid)
	lb := max(sim.LowerBound(stats, faults), time.Duration(chain)*time.Duration(faults.Latency.Min))
	line := benchLine{
		Accounts: len(rep.Accounts), Targets: rep.Stats.Targets, Concurrency: o.concurrency,
		APICalls: stats.Calls, Throttled: stats.Throttled, Results: len(rep.Results) + int(streamed.Load()), Errors: rep.Stats.Errors,
		WallS: round(wall.Seconds(), 3), LowerBoundS: round(lb.Seconds(), 3),
		Ratio: round(wall.Seconds()/lb.Seconds(), 3), PeakRSSMB: round(peakRSSMB(), 1),
		CPUS: round(selfCPU(), 1), SimCPUS: round(simCPU-simCPU0, 1), Cores: runtime.NumCPU(),
		ClientCPUS: round(clientCPU, 2), Chain: chain,
	}
	if stats.Calls > 0 {
		line.ClientCPUMsPerCall = round(clientCPU*1e3/float64(stats.Calls), 3)
	}
	return json.NewEncoder(w).Encode(line)
}

var simURL = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// startBenchSim starts the simulator process (startSimProcess) and
// returns the AWS configuration of the generated organization's
// management account there.
func startBenchSim(ctx context.Context, o benchOptions) (cfg aws.Config, url string, pid int, stop func(), err error) {
	url, pid, stop, err = startSimProcess(ctx, o)
	if err != nil {
		return aws.Config{}, "", 0, nil, err
	}
	mgmt := "111111111111"
	cfg, err = awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: url,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		stop()
		return aws.Config{}, "", 0, nil, err
	}
	return cfg, url, pid, stop, nil
}

// startSimProcess runs 'guardrail sim serve' with the generated world in
// a child process and returns its endpoint.
func startSimProcess(ctx context.Context, o benchOptions) (string, int, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.CommandContext(ctx, self, "sim", "serve", "--addr", "127.0.0.1:0",
		"--accounts", strconv.Itoa(o.accounts), "--sim-regions", strconv.Itoa(o.regions),
		"--latency", o.latency, "--throttle")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start the simulator: %w", err)
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u := simURL.FindString(sc.Text()); u != "" {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return u, cmd.Process.Pid, stop, nil
		}
	}
	stop()
	return "", 0, nil, fmt.Errorf("the simulator exited before serving")
}

// writeHeapProfile writes the heap profile (as of the last garbage
// collection) to file.
func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// selfCPU is the CPU time this process used, in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// procCPU is the CPU time of a running process, from /proc (Linux), in
// seconds; 0 where unknown.
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s) // state is f[0]; utime, stime are fields 14, 15 of stat
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // clock ticks (USER_HZ is 100 on Linux)
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// peakRSSMB is the process's peak resident set size in MiB.
func peakRSSMB() float64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				return kb / 1024
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}

func round(f float64, digits int) float64 {
	p, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', digits, 64), 64)
	return p
}
