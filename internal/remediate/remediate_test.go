package remediate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

var demoRegions = []string{"eu-central-1", "eu-south-1", "eu-west-1", "us-east-1", "us-west-2"}

// fixture is the demo organization in the simulator, a store, and a
// configuration of the management account.
type fixture struct {
	sim *simtest.Sim
	st  store.Store
	cfg aws.Config
	cat *control.Catalog
	dsn string
	n   int
}

func newFixture(t testing.TB, prepare ...func(*world.World)) *fixture {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prepare {
		p(w)
	}
	s := simtest.Start(t, w)
	mgmt := w.Org.ManagementAccount
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	dsn := filepath.Join(t.TempDir(), "guardrail.db")
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sim: s, st: st, cfg: cfg, cat: cat, dsn: dsn}
}

// scan assesses the demo (only controls, when given) and stores it.
func (f *fixture) scan(t testing.TB, controls ...string) *report.Report {
	t.Helper()
	ctx := context.Background()
	cs := f.cat.Controls()
	if len(controls) > 0 {
		cs = nil
		for _, id := range controls {
			cs = append(cs, f.cat.Control(id))
		}
	}
	f.n++
	rep, err := scan.Run(ctx, f.cfg, scan.Options{ID: fmt.Sprintf("scan-%d", f.n), Discover: org.Options{Regions: demoRegions}, Collectors: registry.All(),
		Controls: cs, Standards: f.cat.Standards(), Now: f.sim.World().Now})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if err := f.st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	return rep
}

func (f *fixture) opts() remediate.Options {
	return remediate.Options{Store: f.st, Discover: org.Options{Regions: demoRegions}, Catalog: f.cat, Collectors: registry.All(),
		Now: f.sim.World().Now, Sleep: func(context.Context, time.Duration) error { return nil }}
}

// statuses maps "account region control arn" to the status.
func statuses(rep *report.Report) map[string]control.Status {
	out := map[string]control.Status{}
	for _, r := range rep.Results {
		out[fmt.Sprintf("%s %s %s %s", r.Resource.Account, r.Resource.Region, r.Control, r.Resource.ARN)] = r.Status
	}
	return out
}

// TestDemoRoundTrip is the round trip: scan; apply every
// playbook's control; scan again: exactly the planned findings go from
// FAILED to PASSED and nothing the other way; roll back; scan again:
// identical to the first scan.
func TestDemoRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := statuses(f.scan(t))
	var runs []*remediate.Report
	for i, controls := range [][]string{firstPass, playbook.Controls()} {
		if i > 0 {
			// The first run acts on the first scan, stored above; the
			// second on what the first left.
			f.scan(t)
		}
		o := f.opts()
		o.Controls = controls
		if i == 0 {
			o.Discover.Include = firstPassAccounts
			o.Discover.Regions = slices.DeleteFunc(slices.Clone(demoRegions), func(r string) bool { return r == "eu-south-1" })
		}
		o.MaxChanges = -1
		o.Canary = "10%"
		o.Params = roundTripParams
		rep, err := remediate.Apply(ctx, f.cfg, o)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != store.Complete || rep.Counts[remediate.Failed] > 0 || rep.Counts[remediate.Unverified] > 0 {
			var bad []string
			for _, it := range rep.Items {
				if it.Action == remediate.Failed || it.Action == remediate.Unverified {
					bad = append(bad, fmt.Sprintf("%s %s %s: %s", it.Control, it.Account, it.Resource.ARN, it.Reason))
				}
			}
			t.Fatalf("apply %s, counts %v:\n%s", rep.Status, rep.Counts, strings.Join(bad, "\n"))
		}
		if len(rep.Waves) < 2+i {
			t.Errorf("waves = %+v, want a canary and growing waves", rep.Waves)
		}
		runs = append(runs, rep)
	}
	// fixed are the findings the run changed; touched the resources it
	// changed (a change for one control can make others pass on the same
	// resource: revoking SSH from the world passes EC2.19, EC2.53 and
	// EC2.18).
	fixed := map[string]bool{}
	touched := map[string]bool{}
	perControl := map[string]int{}
	for _, it := range append(slices.Clone(runs[0].Items), runs[1].Items...) {
		if it.Action == remediate.Changed {
			fixed[fmt.Sprintf("%s %s %s %s", it.Account, it.Region, it.Control, it.Resource.ARN)] = true
			touched[it.Resource.ARN] = true
			perControl[it.Control]++
		}
	}
	for _, c := range playbook.Controls() {
		t.Run(c, func(t *testing.T) {
			if perControl[c] == 0 {
				t.Errorf("no %s finding was fixed on the demo", c)
			}
		})
	}
	after := statuses(f.scan(t))
	var wrong []string
	for k, was := range before {
		now, ok := after[k]
		arn := k[strings.LastIndexByte(k, ' ')+1:]
		switch {
		case !ok:
			wrong = append(wrong, "gone: "+k)
		case fixed[k] && (was != control.Failed || now != control.Passed):
			wrong = append(wrong, fmt.Sprintf("fixed but %s -> %s: %s", was, now, k))
		case touched[arn] && was != now && (was != control.Failed || now != control.Passed):
			wrong = append(wrong, fmt.Sprintf("changed resource went %s -> %s: %s", was, now, k))
		case !touched[arn] && was != now:
			wrong = append(wrong, fmt.Sprintf("not changed but %s -> %s: %s", was, now, k))
		}
	}
	for k, now := range after {
		if _, ok := before[k]; !ok && now != control.Passed {
			wrong = append(wrong, fmt.Sprintf("new and %s: %s", now, k))
		}
	}
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("after apply, %d unexpected results:\n%s", len(wrong), strings.Join(wrong[:min(40, len(wrong))], "\n"))
	}

	// Roll back the second run, then the first: the journal's order.
	restored := 0
	for _, run := range []string{runs[1].Run, runs[0].Run} {
		ro := f.opts()
		ro.Run = run
		rb, err := remediate.Rollback(ctx, f.cfg, ro)
		if err != nil {
			t.Fatal(err)
		}
		restored += rb.Counts[remediate.Restored]
		if rb.Status != store.Complete {
			t.Errorf("rollback of %s: %s, counts %v", run, rb.Status, rb.Counts)
			for _, it := range rb.Items {
				if it.Action != remediate.Restored {
					t.Logf("%s %s %s %s: %s", it.Action, it.Control, it.Account, it.Resource.ARN, it.Reason)
				}
			}
		}
	}
	if restored != len(fixed) {
		t.Errorf("%d restored, want %d", restored, len(fixed))
	}
	again := statuses(f.scan(t))
	var diff []string
	for k, was := range before {
		if again[k] != was {
			diff = append(diff, fmt.Sprintf("%s: %s -> %s", k, was, again[k]))
		}
	}
	for k := range again {
		if _, ok := before[k]; !ok {
			diff = append(diff, "new: "+k)
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("after rollback, %d results differ from the first scan:\n%s", len(diff), strings.Join(diff[:min(40, len(diff))], "\n"))
	}
	// A second rollback finds everything rolled back.
	ro := f.opts()
	ro.Run = runs[1].Run
	rb2, err := remediate.Rollback(ctx, f.cfg, ro)
	if err != nil {
		t.Fatal(err)
	}
	if rb2.Counts[remediate.Restored] != 0 || rb2.Counts[remediate.Unchanged] != runs[1].Counts[remediate.Changed] {
		t.Errorf("second rollback counts %v", rb2.Counts)
	}
	all, err := remediate.Runs(ctx, f.st)
	if err != nil || len(all) != 5 {
		t.Errorf("runs = %+v, %v", all, err)
	}
}

// roundTripParams are the values playbooks that need one are given on
// the demo.
var roundTripParams = map[string]string{
	"flow-logs-destination": "arn:aws:s3:::guardrail-demo-vpc-flow-logs-333333333333",
	"cloudtrail-kms-key":    "alias/cloudtrail-logs",
	"cloudtrail-log-group":  "aws-cloudtrail-logs-{account}",
	"cloudtrail-logs-role":  "CloudTrailToCloudWatchLogs",
}

// firstPass are controls whose resources another playbook would fix on
// the way (revoking every high-risk port passes EC2.53 and EC2.54;
// removing public ACL grants passes S3.12, and S3.12's reset ACL passes
// S3.2 and S3.3): the round trip fixes them in a run of their own
// first, in the development accounts, so that each playbook acts on the
// demo.
var firstPass = []string{"EC2.53", "EC2.54", "S3.12"}

var firstPassAccounts = []string{"555555555501", "555555555502", "555555555503"}
