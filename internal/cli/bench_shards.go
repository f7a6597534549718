package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// benchShardsLine is what bench scan --shards prints.
type benchShardsLine struct {
	Accounts    int     `json:"accounts"`
	Targets     int     `json:"targets"`
	Shards      int     `json:"shards"`
	Store       string  `json:"store"`
	Concurrency int     `json:"concurrency"`
	APICalls    int64   `json:"api_calls"`
	Throttled   int64   `json:"throttled"`
	Results     int     `json:"results"`
	WallS       float64 `json:"wall_s"`
	LowerBoundS float64 `json:"lower_bound_s"`
	Ratio       float64 `json:"ratio"`
	// ShardWallS and ShardPeakRSSMB are each shard's, in shard order.
	ShardWallS     []float64 `json:"shard_wall_s"`
	ShardPeakRSSMB []float64 `json:"shard_peak_rss_mb"`
	SimCPUS        float64   `json:"sim_cpu_s"`
	Cores          int       `json:"cores"`
}

// runBenchShards runs o.shards 'guardrail scan --shard' processes of
// this binary against one simulator and one store, and prints one JSON
// line.
func runBenchShards(ctx context.Context, o benchScanOptions, w, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	url, pid, stop, err := startSimProcess(ctx, o.benchOptions)
	if err != nil {
		return err
	}
	defer stop()
	db, kind := o.db, "sqlite"
	if db == "" {
		dir, err := os.MkdirTemp("", "guardrail-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "guardrail.db")
	} else if store.IsPostgres(db) {
		kind = "postgres"
	}
	mgmt := "111111111111"
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+url, "AWS_ACCESS_KEY_ID="+world.RootKey(mgmt),
		"AWS_SECRET_ACCESS_KEY="+world.RootSecret(mgmt), "AWS_REGION=us-east-1", "AWS_PROFILE=",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
	id := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	simCPU0 := procCPU(pid)
	start := time.Now()
	type result struct {
		wall time.Duration
		rss  float64
		err  error
	}
	results := make([]result, o.shards)
	done := make(chan struct{}, o.shards)
	for i := range o.shards {
		go func() {
			defer func() { done <- struct{}{} }()
			var errb bytes.Buffer
			cmd := exec.CommandContext(ctx, self, "scan", "--quiet", "--db", db, "--scan-id", id,
				"--shard", fmt.Sprintf("%d/%d", i+1, o.shards), "--concurrency", strconv.Itoa(o.concurrency))
			cmd.Env, cmd.Stdout, cmd.Stderr = env, io.Discard, &errb
			t0 := time.Now()
			err := cmd.Run()
			results[i].wall = time.Since(t0)
			if err != nil && errb.Len() > 0 {
				err = fmt.Errorf("shard %d/%d: %w: %s", i+1, o.shards, err, bytes.TrimSpace(errb.Bytes()))
			}
			results[i].err = err
			if ps := cmd.ProcessState; ps != nil {
				if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
					results[i].rss = float64(ru.Maxrss) / 1024 // KiB on Linux
				}
			}
		}()
	}
	for range o.shards {
		<-done
	}
	wall := time.Since(start)
	for _, r := range results {
		if r.err != nil {
			return r.err
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
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := st.Scan(ctx, id)
	if err != nil {
		return err
	}
	if sc.Status != store.Complete {
		return fmt.Errorf("bench: scan %s is %s after every shard exited (%d of %d reported)", id, sc.Status, sc.Reported, sc.Parts)
	}
	lb := sim.LowerBound(stats, faults)
	line := benchShardsLine{
		Accounts: sc.Stats.Accounts, Targets: sc.Stats.Targets, Shards: o.shards, Store: kind, Concurrency: o.concurrency,
		APICalls: stats.Calls, Throttled: stats.Throttled,
		Results: sc.Counts.Passed + sc.Counts.Failed + sc.Counts.NotApplicable + sc.Counts.Error,
		WallS:   round(wall.Seconds(), 3), LowerBoundS: round(lb.Seconds(), 3), Ratio: round(wall.Seconds()/lb.Seconds(), 3),
		SimCPUS: round(procCPU(pid)-simCPU0, 1), Cores: runtime.NumCPU(),
	}
	for _, r := range results {
		line.ShardWallS = append(line.ShardWallS, round(r.wall.Seconds(), 3))
		line.ShardPeakRSSMB = append(line.ShardPeakRSSMB, round(r.rss, 1))
	}
	return json.NewEncoder(w).Encode(line)
}
