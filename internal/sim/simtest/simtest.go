// Package simtest starts the AWS simulator on loopback for tests and
// returns SDK configurations that reach it through the product's own
// configuration code (package awsx).
package simtest

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Now is the instant tests fix their clocks at (clock.Fixed(simtest.Now))
// for the demo organization, the simulator's world and the scan alike:
// a test never compares data derived from the wall clock.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Management and Member are the accounts of NewWorld.
const (
	Management = "111111111111"
	Member     = "222222222222"
)

// NewWorld returns a small world: a management and a member account, the
// default regions enabled, root credentials for both, and no resources.
// Its clock is stopped at Now.
func NewWorld() *world.World {
	w := world.New()
	w.Now = clock.Fixed(Now)
	w.AddAccount(Management, "management", "management@example.com")
	w.AddAccount(Member, "member", "member@example.com")
	return w
}

// Sim is a simulator running on loopback for one test.
type Sim struct {
	*sim.Server
	URL string
}

// Start serves w (NewWorld when nil) with every simulated service on a
// loopback port until the test ends.
func Start(t testing.TB, w *world.World) *Sim {
	t.Helper()
	if w == nil {
		w = NewWorld()
	}
	s := sim.New(w, sim.Services())
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	if h, _, err := net.SplitHostPort(ts.Listener.Addr().String()); err == nil {
		s.AddHost(h)
	}
	return &Sim{Server: s, URL: ts.URL}
}

// Config returns an SDK configuration that signs as account's root
// credential in region, reaching the simulator through awsx. Calls are
// not retried (but see retryClosedConn) unless attempts > 1 says otherwise.
func (s *Sim) Config(t testing.TB, account, region string, attempts ...int) aws.Config {
	t.Helper()
	max := 1
	if len(attempts) > 0 {
		max = attempts[0]
	}
	cfg, err := awsx.Load(context.Background(), awsx.Options{
		Isolated:        true,
		Region:          region,
		EndpointURL:     s.URL,
		AccessKeyID:     world.RootKey(account),
		SecretAccessKey: world.RootSecret(account),
		MaxAttempts:     max,
		RetryMode:       "standard",
	})
	if err != nil {
		t.Fatalf("simtest: load config: %v", err)
	}
	if max == 1 {
		cfg.Retryer = retryClosedConn
	}
	return cfg
}

// retryClosedConn retries only a call whose connection the client itself
// closed while reading the answer, once. The SDK's HTTP stack can close a
// keep-alive connection when the server answers before the request body
// is fully written (aws/aws-sdk-go-v2#1825, #2737); its default retryer
// retries that, but tests that want exactly one attempt (to see a throttle
// or a fault) must not retry anything else.
func retryClosedConn() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if errors.Is(err, net.ErrClosed) {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}
