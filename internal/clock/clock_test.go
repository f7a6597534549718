package clock_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
)

func TestFixedAndParse(t *testing.T) {
	at := time.Date(2031, 11, 17, 12, 0, 0, 0, time.UTC)
	c := clock.Fixed(at)
	if !c().Equal(at) || !c().Equal(c()) {
		t.Errorf("Fixed(%v) reads %v", at, c())
	}
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "2026-06-01", want: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)},
		{in: "2026-06-01T08:30:00+02:00", want: time.Date(2026, 6, 1, 6, 30, 0, 0, time.UTC)},
		{in: "yesterday", err: `"yesterday": want a date (2026-06-01) or an RFC 3339 time`},
		{in: "2026-13-01", err: `"2026-13-01"`},
	} {
		got, err := clock.Parse(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Parse(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || !got.Equal(tc.want) || got.Location() != time.UTC):
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// wallClock lists the functions (file#Func, file#Type.Method) that may
// read the wall clock (time.Now, time.Since, time.Until), and why.
// Everything else takes an injected clock: a control, collector, finding,
// rule or report that read the wall clock would make results depend on
// the day they are computed, and a test that did would compare data that
// moves with the date.
var wallClock = map[string]string{
	"internal/clock/clock.go#Real": "the real clock itself",
	// A test certificate's validity: TLS checks it against the wall clock.
	"internal/notify/notifytest/smtp.go#selfSigned": "the test SMTP server's certificate validity, which TLS checks against the wall clock",

	// The default clock when the caller gives none (production callers
	// give clock.Real), and the wall time a run takes.
	"internal/scan/scan.go#Run":                             "default Options.Now; measures the scan's wall time",
	"internal/scan/scan.go#run.done":                        "progress: time elapsed",
	"internal/baseline/engine.go#newEngine":                 "default Options.Now; measures the run's wall time",
	"internal/baseline/engine.go#engine.pool":               "progress: time elapsed",
	"internal/baseline/engine.go#engine.report":             "the run's wall time",
	"internal/remediate/options.go#Options.defaults":        "default Options.Now",
	"internal/watch/bucket.go#BucketSource.init":            "default Now",
	"internal/watch/bucket.go#BucketSource.discover":        "when the prefixes were listed, to list them again later",
	"internal/watch/bucket.go#BucketSource.poll":            "time since the prefixes were listed",
	"internal/watch/bucket.go#BucketSource.Next":            "paces polling",
	"internal/watch/engine.go#New":                          "default Now; the engine's start, for readiness",
	"internal/watch/engine.go#Engine.Ready":                 "time since the source was last read, for readiness",
	"internal/watch/engine.go#Engine.Run":                   "when the source was last read; how often the seen window is pruned",
	"internal/watch/lookup.go#LookupSource.init":            "default Now",
	"internal/watch/lookup.go#LookupSource.Next":            "paces polling",
	"internal/watch/metrics.go#NewMetrics":                  "default Now",
	"internal/watch/reassess.go#NewReassessor":              "default Now",
	"internal/cli/bench_watch.go#benchThroughput":           "measures a benchmark",
	"internal/cli/bench_watch.go#measureE2E":                "paces a benchmark's calls and measures it",
	"internal/cli/bench_watch.go#e2eStored.committed":       "when a benchmark's alert was stored, a duration's end",
	"internal/cli/bench_watch.go#stampAttempts":             "when a benchmark's call was sent, a duration's start",
	"internal/cli/bench_watch.go#sleepUntil":                "paces a benchmark's calls",
	"internal/watch/bucket_test.go#runUntil":                "bounds a wait for the engine",
	"internal/watch/e2e_test.go#e2eFixture.watch":           "waits for the engine to settle",
	"internal/watch/reassess_test.go#TestReassessCoalesces": "bounds a wait",

	"internal/remediate/plan.go#newEngine":     "measures the run's wall time",
	"internal/remediate/plan.go#engine.finish": "the run's wall time",
	"internal/sim/world/health.go#Monotonic":   "the health model's clock: time elapsed since the world started",
	"internal/search/search.go#prepare":        "default Query.Now",
	"internal/sim/world/world.go#New":          "a world's default clock (a simulator not built on one)",
	"internal/store/open.go#openPostgres":      "default Options.Now",
	"internal/store/open.go#openSQLite":        "default Options.Now",
	"internal/web/server.go#New":               "default Options.Now",

	// Real time by nature, never data.
	"internal/sim/sim.go#Server.serve":                   "throttling refills token buckets in real time",
	"internal/sim/sim.go#Server.ServeHTTP":               "request IDs",
	"internal/cli/progress.go#progress.update":           "throttles progress output",
	"internal/cli/baseline.go#baselineProgress.update":   "throttles progress output",
	"internal/cli/bench.go#runBenchScan":                 "measures a benchmark",
	"internal/cli/bench_notify.go#benchNotifyThroughput": "measures a benchmark",
	"internal/cli/bench_notify.go#benchNotifyDigest":     "measures a benchmark",
	"internal/cli/notify_outbox.go#advancing":            "a stopped clock (--now) advanced by the real time a delivery's retries wait",
	"internal/cli/bench_baseline.go#runBenchBaseline":    "measures a benchmark",
	"internal/cli/bench_remediate.go#runBenchRemediate":  "measures a benchmark",
	"internal/cli/bench_shards.go#runBenchShards":        "measures a benchmark",
	"internal/worker/start.go#Start":                     "default StartOptions.Now",

	// Tests.
	"internal/awsx/timeout_test.go#TestUnreachableEndpoints":                 "bounds a hang: a silent endpoint must fail, not wait",
	"internal/cli/discover_test.go#TestUnreachableEndpoint":                  "bounds a hang: a silent endpoint must fail, not wait",
	"internal/scan/collectors_test.go#TestSilentServiceTimesOut":             "bounds a hang: a silent service must fail, not wait",
	"internal/sim/sim_test.go#TestAnswerFaults":                              "bounds a hang: a delayed or dropped answer",
	"internal/cli/cli_test.go#TestScripts":                                   "NEXT_YEAR, a date for the store's real clock, never compared",
	"internal/sim/sim_test.go#TestFaults":                                    "measures injected latency",
	"internal/store/bench_test.go#finish":                                    "measures a benchmark",
	"internal/store/storetest/storetest.go#testConcurrentRead":               "measures how long reads wait during a write",
	"internal/cli/worker_test.go#TestDispatchAndWorkers":                     "bounds a wait for the dead-letter queue",
	"internal/deploy/actions_test.go#TestWatchQueueActions":                  "bounds a wait for the watch to take a message",
	"internal/deploy/run_test.go#TestTaskCommands":                           "bounds a wait for the watch to take a message",
	"internal/gcpace/gcpace_test.go#waitPercent":                             "bounds a wait for the pacer",
	"internal/httpstop/httpstop_test.go#TestShutdownClosesUnusedConnections": "bounds a read on a closed connection",
	"internal/worker/loop_test.go#TestHeartbeatAndStop":                      "how long no other receiver may get the message (three visibility timeouts)",
	"internal/worker/queue_test.go#waitFor":                                  "bounds a wait on a loaded machine",
}

// TestNoWallClock fails when a function not in wallClock reads the wall
// clock: inject a clock (see the package doc) or, if it only measures a
// duration or is a default for a nil clock, add it to wallClock with the
// reason.
func TestNoWallClock(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	var bad []string
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "artifacts") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, u := range wallClockUses(fset, f) {
			key := rel + "#" + u.fn
			seen[key] = true
			if _, ok := wallClock[key]; !ok {
				bad = append(bad, fmt.Sprintf("%s:%d (%s)", rel, u.line, key))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s reads the wall clock: inject a clock (package clock), or list it in wallClock if it only measures durations", b)
	}
	for key := range wallClock {
		if !seen[key] {
			t.Errorf("wallClock lists %s, which no longer reads the wall clock: remove it", key)
		}
	}
}

type use struct {
	fn   string // the enclosing function: Func, Type.Method, or "" at file level
	line int
}

// wallClockUses returns where f refers to time.Now, time.Since or
// time.Until of the standard time package (called or as a value).
func wallClockUses(fset *token.FileSet, f *ast.File) []use {
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" || name == "_" {
		return nil
	}
	var uses []use
	inspect := func(fn string, n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				switch sel.Sel.Name {
				case "Now", "Since", "Until":
					uses = append(uses, use{fn: fn, line: fset.Position(sel.Pos()).Line})
				}
			}
			return true
		})
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			inspect("", d)
			continue
		}
		fn := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			typ := fd.Recv.List[0].Type
			if st, ok := typ.(*ast.StarExpr); ok {
				typ = st.X
			}
			if ix, ok := typ.(*ast.IndexExpr); ok {
				typ = ix.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				fn = id.Name + "." + fn
			}
		}
		inspect(fn, fd)
	}
	return uses
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
