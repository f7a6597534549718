package awsx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

func load(t *testing.T, endpoint string, attempt time.Duration) (cfgErr func(ctx context.Context) error) {
	t.Helper()
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: endpoint,
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", AttemptTimeout: attempt})
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context) error {
		_, _, err := awsx.CallerIdentity(ctx, cfg)
		return err
	}
}

// TestUnreachableEndpoints: an endpoint that accepts and never answers,
// and a port that refuses connections, fail the call within a bounded
// time (with the default retryer, 8 attempts), saying which endpoint and
// why; a call that got no answer is tried twice, not eight times.
func TestUnreachableEndpoints(t *testing.T) {
	silent, accepted := simtest.Silent(t)
	refused := simtest.Refused(t)
	for _, tc := range []struct {
		name, endpoint, want string
	}{
		{"silent", silent, "cannot reach " + silent + ": no answer within 200ms (--attempt-timeout)"},
		{"refused", refused, "cannot reach " + refused + ": connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			call := load(t, tc.endpoint, 200*time.Millisecond)
			// The test's own bound: without timeouts the silent call
			// would hang until it.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			took := time.Since(start)
			if err == nil {
				t.Fatal("the call succeeded")
			}
			if ctx.Err() != nil {
				t.Fatalf("the call was still waiting after %v: %v", took, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to say %q", err, tc.want)
			}
			if awsx.Classify(err) != awsx.Unreachable {
				t.Errorf("Classify = %v, want unreachable", awsx.Classify(err))
			}
			if took > 10*time.Second {
				t.Errorf("the call took %v", took)
			}
		})
	}
	if n := accepted.Load(); n != 2 {
		t.Errorf("the silent endpoint saw %d connections, want 2 (one retry)", n)
	}
}

func TestLoadRejectsNegativeTimeouts(t *testing.T) {
	for _, o := range []awsx.Options{{ConnectTimeout: -time.Second}, {AttemptTimeout: -1}} {
		o.Isolated, o.AccessKeyID, o.SecretAccessKey = true, "AKIDEXAMPLE", "secret"
		if _, err := awsx.Load(context.Background(), o); err == nil {
			t.Errorf("Load(%+v) accepted a negative timeout", o)
		}
	}
}

// TestFailFast: once a call of a FailFast configuration got no answer,
// the next ones fail at once with the same reason, without connecting.
func TestFailFast(t *testing.T) {
	silent, accepted := simtest.Silent(t)
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: silent,
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", AttemptTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg = awsx.FailFast(cfg)
	if _, _, err := awsx.CallerIdentity(context.Background(), cfg); !awsx.IsUnreachable(err) {
		t.Fatalf("first call: %v, want unreachable", err)
	}
	n := accepted.Load()
	_, _, err = awsx.CallerIdentity(context.Background(), cfg)
	if !awsx.IsUnreachable(err) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("second call: %v, want the first call's reason", err)
	}
	// It failed without waiting: it never connected.
	if accepted.Load() != n {
		t.Errorf("the second call opened %d connections", accepted.Load()-n)
	}
}
