package scan_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// BenchmarkEvaluate runs every control of the catalog over the snapshot of
// a generated organization of 100 accounts x 17 regions (1,700 targets,
// collected once from the simulator without latency). It reports the
// results per evaluation and the time per target.
func BenchmarkEvaluate(b *testing.B) {
	w, err := demo.Generate(100, 17, clock.Fixed(simtest.Now))
	if err != nil {
		b.Fatal(err)
	}
	s := simtest.Start(b, w)
	var snap *snapshot.Snapshot
	demoScan(b, s, scan.Options{Concurrency: 128, Snapshot: func(sn *snapshot.Snapshot) { snap = sn }}, 0)
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	targets := 0
	for _, a := range snap.Accounts {
		targets += len(a.Regions)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = len(scan.Evaluate(snap, cat.Controls(), registry.All(), snap.Taken))
	}
	b.ReportMetric(float64(n), "results")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(targets), "µs/target")
}
