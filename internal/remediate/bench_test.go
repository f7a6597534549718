package remediate_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// BenchmarkApplyRollback applies EC2.8 across a generated organization
// (12 accounts x 3 regions, no latency, no throttles) and rolls it back,
// as 'guardrail bench remediate' does at scale: the CPU the engine spends
// per change, for profiling (-cpuprofile). Each iteration is one apply
// and its rollback, which leaves the organization as it found it.
func BenchmarkApplyRollback(b *testing.B) {
	w, err := demo.Generate(12, 3, clock.Fixed(simtest.Now))
	if err != nil {
		b.Fatal(err)
	}
	f := fixtureOf(b, w)
	ctx := context.Background()
	rep, err := scan.Run(ctx, f.cfg, scan.Options{ID: "scan-1", Collectors: registry.All(), Controls: []*control.Control{f.cat.Control("EC2.8")},
		Standards: f.cat.Standards(), Now: w.Now})
	if err != nil {
		b.Fatal(err)
	}
	if err := f.st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
		b.Fatal(err)
	}
	if _, err := f.st.FinishScan(ctx, rep, nil); err != nil {
		b.Fatal(err)
	}
	o := f.opts()
	o.Discover = org.Options{}
	o.Controls, o.MaxChanges = []string{"EC2.8"}, -1
	// No client-side pacing: Organizations' 10 calls a second would
	// dominate, and this measures CPU.
	o.Limiter = ratelimit.New(map[string]ratelimit.Limit{}, ratelimit.Limit{Rate: 1e9, Burst: 1e9})
	b.ReportAllocs()
	b.ResetTimer()
	changes := 0
	for i := 0; i < b.N; i++ {
		rep, err := remediate.Apply(ctx, f.cfg, o)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Counts[remediate.Changed] == 0 || rep.Counts[remediate.Failed]+rep.Counts[remediate.Unverified] > 0 {
			b.Fatalf("apply: %v", rep.Counts)
		}
		changes += rep.Counts[remediate.Changed]
		ro := o
		ro.Run = rep.Run
		back, err := remediate.Rollback(ctx, f.cfg, ro)
		if err != nil {
			b.Fatal(err)
		}
		if back.Counts[remediate.Restored] != rep.Counts[remediate.Changed] {
			b.Fatalf("rollback restored %d of %d: %v", back.Counts[remediate.Restored], rep.Counts[remediate.Changed], back.Counts)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(changes), "µs/change")
}

// fixtureOf serves w, with a store and the management account's
// configuration, as newFixture does the demo.
func fixtureOf(b *testing.B, w *world.World) *fixture {
	s := simtest.Start(b, w)
	mgmt := w.Org.ManagementAccount
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		b.Fatal(err)
	}
	dsn := filepath.Join(b.TempDir(), "guardrail.db")
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	return &fixture{sim: s, st: st, cfg: cfg, cat: cat, dsn: dsn}
}
