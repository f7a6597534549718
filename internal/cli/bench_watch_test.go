package cli

import (
	"context"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// TestBenchWatchEndToEnd: the end-to-end measurement of bench watch, on a
// simulator in this process (the command runs one in a child process):
// the SQS path set up through the SDK carries every call's event to the
// watch, and each call gets an alert stored and a time.
func TestBenchWatchEndToEnd(t *testing.T) {
	w, err := demo.Generate(5, 1, clock.Real)
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	mgmt := w.Org.ManagementAccount
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := measureE2E(context.Background(), cfg, e2eOptions{calls: 24, rate: 400, accounts: 3}, detect.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if r.calls != 24 || r.accounts != 3 || r.errors != 0 || r.missed != 0 {
		t.Errorf("%d calls from %d accounts, %d failed, %d without an alert; want 24 from 3, all alerted", r.calls, r.accounts, r.errors, r.missed)
	}
	if r.p50 <= 0 || r.p95 < r.p50 || r.max < r.p95 || r.callsPerS <= 0 {
		t.Errorf("times p50 %v p95 %v max %v, rate %v", r.p50, r.p95, r.max, r.callsPerS)
	}

	// Too few member accounts is an error that says so.
	if _, err := measureE2E(context.Background(), cfg, e2eOptions{calls: 1, rate: 1, accounts: 9}, detect.Builtin()); err == nil {
		t.Error("9 senders in an organization of 5 accounts: no error")
	}
}
