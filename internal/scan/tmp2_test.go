package scan_test

import (
	"context"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestTmpBench(t *testing.T) {
	w, err := demo.Generate(200, 17)
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	s.SetFaults(sim.Faults{Throttle: true, Latency: sim.Latency{Min: sim.Duration(20 * time.Millisecond), Max: sim.Duration(50 * time.Millisecond)}})
	cfg, _ := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey("111111111111"), SecretAccessKey: world.RootSecret("111111111111")})
	start := time.Now()
	rep, err := scan.Run(context.Background(), cfg, scan.Options{Collectors: registry.All(), Controls: catalog.Controls(), Concurrency: 256})
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	st := s.Stats()
	lb := sim.LowerBound(st, s.Faults())
	t.Logf("wall %v lb %v ratio %.2f calls %d throttled %d results %d gaps %d", wall, lb, wall.Seconds()/lb.Seconds(), st.Calls, st.Throttled, len(rep.Results), len(rep.Gaps))
}
