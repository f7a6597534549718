package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// guardrailExe is this test binary under the name "guardrail", which
// makes it run Main (TestMain, testscript.Main): a separate process that
// can be killed.
func guardrailExe(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "guardrail")
	if err := os.Symlink(self, exe); err != nil {
		t.Fatal(err)
	}
	return exe
}

// simEnv is the environment of a process that scans the simulator as
// the demo organization's management account.
func simEnv(t *testing.T, url string) []string {
	dir := t.TempDir()
	env := []string{
		"HOME=" + dir,
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=" + url,
		"AWS_ACCESS_KEY_ID=" + world.RootKey("111111111111"),
		"AWS_SECRET_ACCESS_KEY=" + world.RootSecret("111111111111"),
		"AWS_REGION=us-east-1",
	}
	if p := os.Getenv("PATH"); p != "" {
		env = append(env, "PATH="+p)
	}
	return env
}

// storedScan is what a store holds after scan id, without what depends
// on when it ran: each finding's state, and the scan's counts, changes,
// scores, gaps and accounts.
func storedScan(t *testing.T, dsn, id string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs, _, err := st.Findings(ctx, store.Filter{Order: "last_seen"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s %s sev=%s exp=%v %q", f.ID, f.Control, f.Account, f.Region, f.Workflow, f.Compliance, f.Severity, f.Exposure, f.Reason))
	}
	sort.Strings(lines)
	sc, err := st.Scan(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := json.Marshal(sc.Scores)
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines, fmt.Sprintf("scan %s counts=%+v changes=%+v gaps=%+v not_assessed=%v accounts=%+v\nscores=%s",
		sc.Status, sc.Counts, sc.Changes, sc.Gaps, sc.NotAssessed, sc.Accounts, scores))
	return strings.Join(lines, "\n")
}

// TestShardedScan: three shard processes in parallel against the
// simulator's demo organization and one PostgreSQL store store the same
// scan as one process does; a shard killed mid-run leaves the next scan
// incomplete and the findings untouched, and running it again completes
// the scan, again as one process would have.
func TestShardedScan(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four scans of the demo organization")
	}
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	exe := guardrailExe(t)
	env := simEnv(t, sim.URL)
	single, sharded := storetest.Postgres(t), storetest.Postgres(t)

	run := func(ctx context.Context, dsn string, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe, append([]string{"scan", "--quiet", "--db", dsn}, args...)...)
		cmd.Env = env
		return cmd
	}
	mustRun := func(dsn string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		cmd := run(context.Background(), dsn, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("guardrail scan %v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	shards := func(id string, which ...int) []string {
		outs := make([]string, len(which))
		errs := make([]error, len(which))
		var wg sync.WaitGroup
		for i, n := range which {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out, errb bytes.Buffer
				cmd := run(context.Background(), sharded, "--scan-id", id, "--shard", fmt.Sprintf("%d/3", n))
				cmd.Stdout, cmd.Stderr = &out, &errb
				errs[i] = cmd.Run()
				outs[i] = out.String()
				if errs[i] != nil {
					errs[i] = fmt.Errorf("shard %d/3: %w\n%s", n, errs[i], errb.String())
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		return outs
	}

	// The first scan: three shards at once, and one process.
	mustRun(single, "--scan-id", "scan-1")
	outs := shards("scan-1", 1, 2, 3)
	completed := 0
	for _, o := range outs {
		if strings.Contains(o, "the scan is complete") {
			completed++
		}
	}
	if completed != 1 {
		t.Errorf("%d shards say they completed the scan, want 1:\n%s", completed, strings.Join(outs, "\n---\n"))
	}
	want := storedScan(t, single, "scan-1")
	if got := storedScan(t, sharded, "scan-1"); got != want {
		t.Fatalf("3 shards stored other findings than one process:\n%s", lineDiff(got, want))
	}

	// The organization changes (a finding will be resolved), then shard
	// 2 is killed mid-run while the others report.
	before := storedScan(t, sharded, "scan-1")
	fixDemo(t, w)
	shards("scan-2", 1, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb bytes.Buffer
	victim := run(ctx, sharded, "--scan-id", "scan-2", "--shard", "2/3")
	victim.Stderr = &errb
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // discovering or collecting
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()
	if got := storedScan(t, sharded, "scan-1"); got != before {
		t.Errorf("an incomplete scan changed the findings:\n%s", lineDiff(got, before))
	}
	st, err := store.Open(context.Background(), sharded)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := st.Scan(context.Background(), "scan-2")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sc.Status != store.Running || sc.Parts != 3 || sc.Reported != 2 {
		t.Errorf("scan-2 with shard 2 killed: %s, %d of %d reported; want RUNNING, 2 of 3", sc.Status, sc.Reported, sc.Parts)
	}
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"scans", "show", "scan-2", "--db", sharded}, &out, &out); code != 0 || !strings.Contains(out.String(), "2 of 3 shards reported") {
		t.Errorf("scans show scan-2: exit %d:\n%s\nwant it to say 2 of 3 shards reported", code, out.String())
	}

	// Shard 2 again: the scan completes as one process's would.
	shards("scan-2", 2)
	mustRun(single, "--scan-id", "scan-2")
	want = storedScan(t, single, "scan-2")
	if got := storedScan(t, sharded, "scan-2"); got != want {
		t.Fatalf("scan-2 by 3 shards, one re-run, stored other findings than one process:\n%s", lineDiff(got, want))
	}
	if !strings.Contains(want, "RESOLVED") {
		t.Errorf("the second scan resolved nothing: the test does not show the lifecycle")
	}

	// A shard that disagrees on the scope is a usage error.
	var errOut bytes.Buffer
	cmd := run(context.Background(), sharded, "--scan-id", "scan-3", "--shard", "1/2")
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("scan-3 shard 1/2: %v\n%s", err, errOut.String())
	}
	errOut.Reset()
	cmd = run(context.Background(), sharded, "--scan-id", "scan-3", "--shard", "2/2", "--regions", "us-east-1")
	cmd.Stderr = &errOut
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitUsage || !strings.Contains(errOut.String(), "scan-3") {
		t.Errorf("a shard with other regions: %v, stderr %q; want exit %d naming the scan", err, errOut.String(), ExitUsage)
	}
}

// fixDemo changes the demo organization between two scans: every IAM
// user of the members' accounts is deleted, so their findings are
// resolved as gone.
func fixDemo(t *testing.T, w *world.World) {
	t.Helper()
	n := 0
	for _, id := range w.AccountIDs() {
		if id == "111111111111" {
			continue
		}
		a := w.Account(id)
		a.Mu.Lock()
		n += len(a.IAM.Users)
		a.IAM.Users = nil
		for _, g := range a.IAM.Groups {
			g.Users = nil
		}
		a.Mu.Unlock()
	}
	if n == 0 {
		t.Fatal("the demo organization has no IAM user in a member account to delete")
	}
}

// lineDiff lists the lines of got that want lacks (+) and the lines of
// want that got lacks (-), at most 40.
func lineDiff(got, want string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	g, w := in(got), in(want)
	var out []string
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("... and %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}

// TestShardedScanSQLite: shards on one machine may share a SQLite file;
// its writers wait for one another.
func TestShardedScanSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three scans of the demo organization")
	}
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	exe := guardrailExe(t)
	env := simEnv(t, sim.URL)
	dir := t.TempDir()
	single, sharded := filepath.Join(dir, "single.db"), filepath.Join(dir, "sharded.db")
	scanOnce := func(dsn string, args ...string) error {
		var errb bytes.Buffer
		cmd := exec.Command(exe, append([]string{"scan", "--quiet", "--db", dsn, "--scan-id", "scan-1"}, args...)...)
		cmd.Env, cmd.Stderr, cmd.Stdout = env, &errb, &bytes.Buffer{}
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("scan %v: %w\n%s", args, err, errb.String())
		}
		return nil
	}
	if err := scanOnce(single); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, s := range []string{"1/2", "2/2"} {
		go func() { errs <- scanOnce(sharded, "--shard", s) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got, want := storedScan(t, sharded, "scan-1"), storedScan(t, single, "scan-1"); got != want {
		t.Fatalf("2 shards on SQLite stored other findings than one process:\n%s", lineDiff(got, want))
	}
}
