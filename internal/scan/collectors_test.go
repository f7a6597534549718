package scan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// scanWith scans the organization served by s with the controls ids (the
// whole catalog when none), as the management account, with the awsx
// options ao.
func scanWith(t testing.TB, s *simtest.Sim, ao awsx.Options, o scan.Options, ids ...string) *report.Report {
	t.Helper()
	return scanRecorded(t, s, ao, nil, o, ids...)
}

// scanRecorded is scanWith, recording the IAM action of every call in
// rec when it is not nil.
func scanRecorded(t testing.TB, s *simtest.Sim, ao awsx.Options, rec *collecttest.Recorder, o scan.Options, ids ...string) *report.Report {
	t.Helper()
	mgmt := simtest.Management
	if s.World().Org != nil {
		mgmt = s.World().Org.ManagementAccount
	}
	ao.Isolated, ao.Region, ao.EndpointURL = true, "us-east-1", s.URL
	ao.AccessKeyID, ao.SecretAccessKey = world.RootKey(mgmt), world.RootSecret(mgmt)
	cfg, err := awsx.Load(context.Background(), ao)
	if err != nil {
		t.Fatal(err)
	}
	if rec != nil {
		cfg = rec.Instrument(cfg)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	o.Collectors, o.Standards = registry.All(), cat.Standards()
	o.Controls = cat.Controls()
	if len(ids) > 0 {
		o.Controls = nil
		for _, id := range ids {
			o.Controls = append(o.Controls, cat.Control(id))
		}
	}
	if o.Now == nil {
		o.Now = func() time.Time { return s.World().Now() }
	}
	rep, err := scan.Run(context.Background(), cfg, o)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return rep
}

// TestControlsCollectOnlyWhatTheyNeed: a scan of S3.1 calls only the
// services discovery and S3.1's collectors use, reports no gap for what
// it did not collect, and, once stored, leaves the inventory of every
// other type as the full scan before it stored it.
func TestControlsCollectOnlyWhatTheyNeed(t *testing.T) {
	full, _ := cleanScan(t)
	s := startDemo(t)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "guardrail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	record := func(rep *report.Report) {
		t.Helper()
		if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FinishScan(ctx, rep, nil); err != nil {
			t.Fatal(err)
		}
	}
	countByType := func() map[string]int {
		t.Helper()
		rs, err := st.Resources(ctx, store.ResourceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range rs {
			n[r.Type]++
		}
		return n
	}

	record(full)
	before := countByType()
	for _, typ := range []string{inventory.TypeInstance, inventory.TypeSecurityGroup, inventory.TypeUser, inventory.TypeBucket} {
		if before[typ] == 0 {
			t.Fatalf("the full scan stored no %s", typ)
		}
	}

	s.ResetStats()
	rep := scanWith(t, s, awsx.Options{}, scan.Options{ID: "scan-s3-1"}, "S3.1")
	allowed := map[string]bool{"sts": true, "organizations": true, "account": true, "s3": true}
	called := map[string]bool{}
	for _, c := range s.Stats().Counts {
		called[c.Service] = true
		if !allowed[c.Service] {
			t.Errorf("a scan of S3.1 called %s (%d calls in %s %s)", c.Service, c.Calls, c.Account, c.Region)
		}
	}
	if !called["s3"] {
		t.Errorf("a scan of S3.1 did not call s3")
	}
	if len(rep.Gaps) != 0 {
		t.Errorf("what was not collected is reported as gaps: %v", rep.Gaps)
	}
	for _, r := range rep.Results {
		if r.Control != "S3.1" {
			t.Fatalf("a scan of S3.1 has a %s result", r.Control)
		}
		if r.Status == control.Error && r.Resource.Account != "444444444404" {
			t.Errorf("S3.1 could not judge %s: %s", r.Resource.ARN, r.Reason)
		}
	}
	record(rep)
	after := countByType()
	for typ, n := range before {
		if after[typ] != n {
			t.Errorf("stored %s: %d after the S3.1 scan, %d before", typ, after[typ], n)
		}
	}
}

// TestSilentServiceTimesOut: a service that never answers fails its tasks
// within the attempt timeout, each gap saying so, and the scan goes on:
// every other collector reads its targets.
func TestSilentServiceTimesOut(t *testing.T) {
	s := simtest.Start(t, nil)
	s.SetFaults(sim.Faults{Answers: []sim.Answer{{Service: "ec2", Delay: sim.Duration(time.Minute)}}})
	start := time.Now()
	// Only the collectors this test is about run (EC2 silent, IAM answering):
	// with every collector, a busy machine made some other service miss the
	// 200ms attempt timeout now and then.
	rep := scanWith(t, s, awsx.Options{AttemptTimeout: 200 * time.Millisecond}, scan.Options{}, "EC2.8", "IAM.4")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the scan took %v", d)
	}
	regions := rep.Accounts[0].Regions
	if len(regions) == 0 {
		t.Fatal("no region assessed")
	}
	gapped := map[string]bool{}
	for _, g := range rep.Gaps {
		if g.Collector != "ec2" {
			t.Errorf("gap in %s %s: %s", g.Collector, g.Region, g.Reason)
			continue
		}
		gapped[g.Region] = true
		if g.Class != "unreachable" || !strings.Contains(g.Reason, "no answer within 200ms (--attempt-timeout)") {
			t.Errorf("ec2 gap in %s: %s: %s, want it to name the attempt timeout", g.Region, g.Class, g.Reason)
		}
	}
	for _, r := range regions {
		if !gapped[r] {
			t.Errorf("no ec2 gap in %s", r)
		}
	}
	judged := 0
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Control, "IAM.") && r.Status != control.Error {
			judged++
		}
	}
	if judged == 0 {
		t.Errorf("no IAM control judged anything: the scan did not go on")
	}
}

// TestTaskTimeout: a task that runs past the task timeout is a gap that
// says so, even when each of its calls is answered in time.
func TestTaskTimeout(t *testing.T) {
	s := simtest.Start(t, nil)
	s.SetFaults(sim.Faults{Answers: []sim.Answer{{Service: "iam", Delay: sim.Duration(150 * time.Millisecond)}}})
	rep := scanWith(t, s, awsx.Options{}, scan.Options{TaskTimeout: 400 * time.Millisecond}, "IAM.4", "S3.1")
	if len(rep.Gaps) != 1 {
		t.Fatalf("gaps %v, want one for iam", rep.Gaps)
	}
	g := rep.Gaps[0]
	if g.Collector != "iam" || g.Class != "timed out" || !strings.HasPrefix(g.Reason, "did not finish within 400ms (--task-timeout)") {
		t.Errorf("gap %s %s: %s, want iam timed out naming the task timeout", g.Collector, g.Class, g.Reason)
	}
	for _, r := range rep.Results {
		if r.Control == "IAM.4" && r.Status != control.Error {
			t.Errorf("IAM.4 is %s after its collector timed out", r.Status)
		}
		if r.Control == "S3.1" && r.Status == control.Error {
			t.Errorf("S3.1: %s", r.Reason)
		}
	}
}

// TestRegionSourceInReport: when EC2 listed an account's regions, the
// scan's report says so and why.
func TestRegionSourceInReport(t *testing.T) {
	s := simtest.Start(t, nil)
	s.SetFaults(sim.Faults{Answers: []sim.Answer{{Service: "account", Action: "ListRegions", Status: 404}}})
	rep := scanWith(t, s, awsx.Options{}, scan.Options{}, "S3.1")
	want := "ec2:DescribeRegions (account:ListRegions failed: HTTP 404 with no AWS error code)"
	if got := rep.Accounts[0].RegionSource; got != want {
		t.Errorf("region source %q, want %q", got, want)
	}
	var text strings.Builder
	if err := report.Write(&text, rep, "text"); err != nil {
		t.Fatal(err)
	}
	if flat := strings.Join(strings.Fields(text.String()), " "); !strings.Contains(flat, "Regions of 1 account listed by "+want+": "+simtest.Management) {
		t.Errorf("the summary does not say where the regions came from:\n%s", text.String())
	}
}
