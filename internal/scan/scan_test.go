package scan_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// demoScan scans the demo organization served by s with the full
// catalog. attempts bounds the SDK's attempts per call.
func demoScan(t testing.TB, s *simtest.Sim, o scan.Options, attempts int) *report.Report {
	t.Helper()
	return scanWith(t, s, awsx.Options{MaxAttempts: attempts}, o)
}

// cleanDemo is one fault-free scan of the demo organization on
// simtest.Now with the whole catalog (ID scan-full), and the IAM action
// of every call it made: the tests that only read such a scan share it
// rather than scan the demo again each (it is the package's costliest
// step). A test that scans on after it starts a demo of its own: the
// world is the same.
var cleanDemo struct {
	once sync.Once
	rep  *report.Report
	rec  collecttest.Recorder
}

// cleanScan returns the shared fault-free scan, scanning it the first
// time.
func cleanScan(t *testing.T) (*report.Report, *collecttest.Recorder) {
	t.Helper()
	cleanDemo.once.Do(func() {
		cleanDemo.rep = scanRecorded(t, startDemo(t), awsx.Options{}, &cleanDemo.rec, scan.Options{ID: "scan-full"})
	})
	if cleanDemo.rep == nil {
		t.Fatal("the shared fault-free demo scan failed in the test that ran it first")
	}
	return cleanDemo.rep, &cleanDemo.rec
}

func startDemo(t testing.TB) *simtest.Sim {
	t.Helper()
	return startDemoAt(t, simtest.Now)
}

// startDemoAt serves the demo organization on a clock stopped at day:
// the world is built on it and keeps it, and demoScan scans on the
// world's clock, so the world and the scan share one clock.
func startDemoAt(t testing.TB, day time.Time) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(day))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

// line is one result as the golden file shows it.
func line(r control.Result) string {
	return fmt.Sprintf("%s %s %-16s %-14s %s | %s", r.Resource.Account, r.Resource.Region, r.Control, r.Status, r.Resource.ARN, r.Reason)
}

// goldenDays are the two dates TestDemoGolden scans the demo on, two
// years apart. Both lie where every demo function's runtime keeps its
// Lambda.2 status: Lambda.2 judges a runtime by the date AWS deprecates
// it (nodejs20.x on 2026-04-30, python3.12 on 2028-10-31), a fact of the
// calendar, not of the demo's clock.
var goldenDays = []time.Time{
	time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
	time.Date(2028, 6, 1, 12, 0, 0, 0, time.UTC),
}

// TestDemoGolden scans the demo organization, with the opt-in region
// eu-south-1 asked for everywhere (only data-platform-prod has it), and
// compares every result with the reviewed golden file. legacy-erp-prod
// denies the scanner's role: all its results are ERROR.
//
// It scans on two dates (goldenDays), the demo world and the scan on one
// clock each time, and requires the same results: a date that moves with
// the clock (a certificate's expiry, a key's deletion date) moves by
// exactly the days between the two, and the golden file writes it
// relative to the clock (${now+205d}); nothing else may differ. So the
// golden file is the same on any date, and a date read from the wall
// clock anywhere on the way fails the test.
func TestDemoGolden(t *testing.T) {
	regions := []string{"eu-central-1", "eu-south-1", "eu-west-1", "us-east-1", "us-west-2"}
	var outs []string
	for _, day := range goldenDays {
		rep := demoScan(t, startDemoAt(t, day), scan.Options{Discover: org.Options{Regions: regions}}, 0)
		var b strings.Builder
		fmt.Fprintf(&b, "# guardrail scan of the demo organization, --regions %s\n", strings.Join(regions, ","))
		fmt.Fprintf(&b, "# accounts %d, targets %d, results %d, gaps %d\n", len(rep.Accounts), rep.Stats.Targets, len(rep.Results), len(rep.Gaps))
		b.WriteString("# ${now+Nd}, ${now-Nd}: N days after, before the scan's clock\n")
		for _, g := range rep.Gaps {
			fmt.Fprintf(&b, "gap %s %s %s: %s\n", g.Account, g.Region, g.Collector, g.Reason)
		}
		for _, r := range rep.Results {
			b.WriteString(line(r) + "\n")
		}
		outs = append(outs, b.String())

		// The invariants the golden file shows, checked in code too.
		for _, r := range rep.Results {
			if r.Resource.Account == "444444444404" && r.Status != control.Error {
				t.Errorf("denied account has a %s result: %s", r.Status, line(r))
			}
			if r.Resource.Region == "eu-south-1" && r.Resource.Account != "444444444403" && r.Status != control.Error {
				t.Errorf("not-opted-in region has a %s result: %s", r.Status, line(r))
			}
		}
		if len(rep.Gaps) != 0 {
			t.Errorf("a fault-free demo scan has gaps: %v", rep.Gaps)
		}
		checkInventory(t, rep)
	}
	got, err := relative(outs[0], goldenDays[0], outs[1], goldenDays[1])
	if err != nil {
		t.Fatalf("the demo scan depends on the date: %v", err)
	}
	golden(t, "demo.golden", got)
}

var isoDate = regexp.MustCompile(`\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b`)

// relative merges a and b, the same report made on days da and db: a
// date that is the same in both stays as it is; a date that is n days
// after da in a and n days after db in b becomes ${now+nd} (${now-nd}
// before). Any other difference is an error naming the line.
func relative(a string, da time.Time, b string, db time.Time) (string, error) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return "", fmt.Errorf("%d lines on %s, %d on %s", len(al), da.Format(time.DateOnly), len(bl), db.Format(time.DateOnly))
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	a0, b0 := day(da), day(db)
	var out strings.Builder
	var err error
	for i := range al {
		if isoDate.ReplaceAllString(al[i], "D") != isoDate.ReplaceAllString(bl[i], "D") {
			return "", fmt.Errorf("line %d differs:\n  %s: %s\n  %s: %s", i+1, da.Format(time.DateOnly), al[i], db.Format(time.DateOnly), bl[i])
		}
		ad, bd := isoDate.FindAllString(al[i], -1), isoDate.FindAllString(bl[i], -1)
		k := 0
		merged := isoDate.ReplaceAllStringFunc(al[i], func(s string) string {
			x, errx := time.Parse(time.DateOnly, ad[k])
			y, erry := time.Parse(time.DateOnly, bd[k])
			k++
			switch n := int(x.Sub(a0).Hours() / 24); {
			case errx != nil || erry != nil || x.Equal(y):
				return s
			case y.Sub(b0) == x.Sub(a0) && n >= 0:
				return fmt.Sprintf("${now+%dd}", n)
			case y.Sub(b0) == x.Sub(a0):
				return fmt.Sprintf("${now-%dd}", -n)
			default:
				err = fmt.Errorf("line %d: %s on %s is %s on %s: neither fixed nor moved with the clock", i+1, ad[k-1], da.Format(time.DateOnly), bd[k-1], db.Format(time.DateOnly))
				return s
			}
		})
		if err != nil {
			return "", err
		}
		out.WriteString(merged)
		if i < len(al)-1 {
			out.WriteString("\n")
		}
	}
	return out.String(), nil
}

// checkInventory: the scan's inventory agrees with its controls: a bucket
// is public exactly when S3.2 or S3.3 fails it, an instance allows IMDSv1
// when EC2.8 fails it; the demo's bastion is reachable from the internet.
func checkInventory(t *testing.T, rep *report.Report) {
	t.Helper()
	inv := rep.Inventory
	if inv == nil || len(inv.Resources) == 0 {
		t.Fatal("the scan has no inventory")
	}
	failed := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status == control.Failed {
			failed[r.Control+" "+r.Resource.ARN] = true
		}
	}
	counts := map[string]int{}
	for _, r := range inv.Resources {
		switch r.Type {
		case inventory.TypeBucket:
			if public, fails := r.Exposure.Has(inventory.Public), failed["S3.2 "+r.ARN] || failed["S3.3 "+r.ARN]; public != fails {
				t.Errorf("bucket %s: public %v, but S3.2/S3.3 failed %v", r.ARN, public, fails)
			}
			if r.Exposure.Has(inventory.Public) {
				counts["public buckets"]++
			}
		case inventory.TypeInstance:
			if v1, fails := r.Attrs.Instance.IMDSv1(), failed["EC2.8 "+r.ARN]; v1 && !fails {
				t.Errorf("instance %s allows IMDSv1, but EC2.8 does not fail it", r.ARN)
			}
			if r.Exposure.Has(inventory.Internet) {
				counts["internet instances"]++
			}
		case inventory.TypeUser:
			if r.Exposure.Has(inventory.Privileged) && !r.Attrs.User.Root {
				counts["admin users"]++
			}
		}
	}
	for _, k := range []string{"public buckets", "internet instances", "admin users"} {
		if counts[k] == 0 {
			t.Errorf("the demo inventory has no %s", k)
		}
	}
	if e := inv.ExposureOf("arn:aws:ec2:eu-west-1:444444444402:instance/i-0b0d0c7100001c0d3"); !e.Has(inventory.Internet) {
		t.Errorf("the prod bastion's exposure is %q, want internet", e)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update after reviewing)", name, i+1, g, w)
			}
		}
	}
}

// key identifies a result across scans.
func key(r control.Result) string {
	return r.Control + " " + r.Resource.Account + " " + r.Resource.Region + " " + r.Resource.ARN
}

// TestFaults scans the demo organization under faults and checks the scan
// completes, reports what it could not assess, and never counts an
// unassessed resource as passed: every PASSED result under faults is
// PASSED in a fault-free scan too, and every gap shows as ERROR.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization several times")
	}
	clean, _ := cleanScan(t)
	passed := map[string]bool{}
	for _, r := range clean.Results {
		if r.Status == control.Passed {
			passed[key(r)] = true
		}
	}
	for _, tc := range []struct {
		name     string
		faults   sim.Faults
		attempts int
		during   func(*simtest.Sim, scan.Progress)
		wantGap  func(g string) bool
	}{
		{name: "throttling storm", faults: sim.Faults{Throttle: true, Seed: 1,
			Limits: map[string]sim.Limit{"ec2": {Rate: 15, Burst: 2}, "iam": {Rate: 15, Burst: 2}, "s3": {Rate: 15, Burst: 2}}}},
		{name: "5xx", faults: sim.Faults{ErrorRate: 0.05, Seed: 2}},
		{name: "AccessDenied on one service", faults: sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "ec2"}}},
			wantGap: func(g string) bool { return strings.HasPrefix(g, "555555555501 ") && strings.Contains(g, " ec2 ") }},
		{name: "region disabled mid-scan", during: func(s *simtest.Sim, p scan.Progress) {
			if p.TasksDone == 40 {
				_ = s.SetRegionStatus("666666666601", "eu-central-1", "DISABLED")
			}
		}, wantGap: func(g string) bool { return strings.HasPrefix(g, "666666666601 eu-central-1 ") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startDemo(t)
			s.SetFaults(tc.faults)
			var once sync.Mutex
			o := scan.Options{}
			if tc.during != nil {
				o.Concurrency = 4
				o.Progress = func(p scan.Progress) { once.Lock(); tc.during(s, p); once.Unlock() }
			}
			rep := demoScan(t, s, o, tc.attempts)
			if len(rep.Accounts) != len(clean.Accounts) {
				t.Fatalf("%d accounts, want %d", len(rep.Accounts), len(clean.Accounts))
			}
			for _, r := range rep.Results {
				if r.Status == control.Passed && !passed[key(r)] {
					t.Errorf("PASSED under faults but not in a clean scan: %s", line(r))
				}
			}
			errs := map[string]bool{}
			for _, r := range rep.Results {
				if r.Status == control.Error {
					errs[r.Resource.Account+" "+r.Resource.Region] = true
				}
			}
			found := tc.wantGap == nil
			for _, g := range rep.Gaps {
				gs := g.Account + " " + g.Region + " " + g.Collector + " "
				if tc.wantGap != nil && tc.wantGap(gs) {
					found = true
				}
				region := g.Region
				if region == "" {
					region = "us-east-1"
				}
				if !errs[g.Account+" "+region] {
					t.Errorf("gap %s (%s) has no ERROR result", gs, g.Reason)
				}
			}
			if !found {
				t.Errorf("expected gap not reported; gaps: %v", rep.Gaps)
			}
			t.Logf("%s: %d results, %d gaps, %d API calls, %d retries", tc.name, len(rep.Results), len(rep.Gaps), rep.Stats.APICalls, rep.Stats.Retries)
		})
	}
}

// TestPolicyCoversEveryCall records every AWS call a full demo scan makes
// (discovery, role assumption and every collector, in every account) and
// checks each is an action of the policy 'guardrail iam-policy' prints.
func TestPolicyCoversEveryCall(t *testing.T) {
	_, rec := cleanScan(t)
	allowed := map[string]bool{}
	for _, st := range registry.Policy().Statement {
		for _, a := range st.Action {
			allowed[a] = true
		}
	}
	called := rec.Actions()
	if len(called) < 50 {
		t.Fatalf("only %d distinct actions recorded: %v", len(called), called)
	}
	for _, a := range called {
		if !allowed[a] {
			t.Errorf("the scan called %s, which guardrail iam-policy does not allow", a)
		}
	}
}

// TestPartialScanScope reproduces issue #12's partial scans of the demo
// organization, stored one after the other: a scan of some regions, then
// of a region only one account has enabled (every other account has no
// region assessed: a region enabled nowhere is a usage error, see
// org.TestSelectors), then of some accounts, must change
// no finding they did not look at. The organization does not change
// between the scans, so nothing may be opened, reopened or resolved, and
// no result may be FAILED or PASSED where the full scan said otherwise.
func TestPartialScanScope(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization four times")
	}
	full, _ := cleanScan(t)
	s := startDemo(t)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "guardrail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// What the full scan judged of each resource (an organization trail
	// is judged in its owner's account, or, with the owner out of scope,
	// in the accounts that see it: the resource, not the account, is
	// what is compared).
	judged := map[string]control.Status{}
	for _, r := range full.Results {
		judged[r.Control+" "+r.Resource.Region+" "+r.Resource.ARN] = r.Status
	}
	store1 := func(rep *report.Report) store.Changes {
		t.Helper()
		if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
			t.Fatal(err)
		}
		ch, err := st.FinishScan(ctx, rep, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	if ch := store1(full); ch.New == 0 || ch.Resolved != 0 {
		t.Fatalf("full scan stored %+v", ch)
	}
	for _, tc := range []struct {
		id string
		o  org.Options
	}{
		{"scan-eu-west-1", org.Options{Regions: []string{"eu-west-1"}}},
		{"scan-eu-south-1", org.Options{Regions: []string{"eu-south-1"}}},
		{"scan-production", org.Options{Include: []string{"Workloads/Production"}, Regions: []string{"us-east-1", "eu-south-1"}}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			rep := demoScan(t, s, scan.Options{ID: tc.id, Discover: tc.o}, 0)
			for _, r := range rep.Results {
				if r.Status != control.Passed && r.Status != control.Failed {
					continue
				}
				if was, ok := judged[r.Control+" "+r.Resource.Region+" "+r.Resource.ARN]; !ok || was != r.Status {
					t.Errorf("%s, but the full scan said %q: %s", r.Status, was, line(r))
				}
			}
			ch := store1(rep)
			if ch.New != 0 || ch.Reopened != 0 || ch.Resolved != 0 {
				t.Errorf("stored %+v; nothing changed in the organization", ch)
			}
		})
	}
}

// TestChain: the run's chain is discovery's dependent calls and then at
// least one task's calls, never more calls than were made.
func TestChain(t *testing.T) {
	s := startDemo(t)
	o := org.Options{Include: []string{"Workloads/Production"}, Regions: []string{"us-east-1"}}
	cfg := s.Config(t, s.World().Org.ManagementAccount, "us-east-1")
	found, err := org.Discover(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	chain := -1
	rep := demoScan(t, s, scan.Options{Discover: o, Chain: func(n int) { chain = n }}, 0)
	if chain <= found.Chain() || int64(chain) > int64(found.Chain())+rep.Stats.APICalls {
		t.Errorf("chain %d: want more than discovery's %d, at most %d with the %d calls", chain, found.Chain(), int64(found.Chain())+rep.Stats.APICalls, rep.Stats.APICalls)
	}
}
