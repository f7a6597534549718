package ratelimit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// burst makes n concurrent EC2 calls as account and returns how many
// failed.
func burst(t *testing.T, s *simtest.Sim, l *ratelimit.Limiter, account string, n int) int {
	t.Helper()
	cfg := s.Config(t, account, "eu-west-1") // one attempt: a throttle is a failure
	if l != nil {
		cfg = l.Instrument(cfg, account)
	}
	client := ec2api.NewFromConfig(cfg)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := client.GetEbsEncryptionByDefault(context.Background(), &ec2api.GetEbsEncryptionByDefaultInput{}); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

// TestLimiterKeepsUnderThrottles sends more concurrent calls than the
// simulator's EC2 bucket holds: without the limiter some are throttled,
// with it none are, and every call is counted.
func TestLimiterKeepsUnderThrottles(t *testing.T) {
	s := simtest.Start(t, nil)
	limits := map[string]sim.Limit{"ec2": {Rate: 200, Burst: 10}}
	s.SetFaults(sim.Faults{Throttle: true, Limits: limits})
	if failed := burst(t, s, nil, simtest.Member, 60); failed == 0 {
		t.Fatal("without the limiter no call was throttled: the test cannot tell")
	}
	s.ResetStats()
	s.SetFaults(sim.Faults{Throttle: true, Limits: limits}) // fresh buckets
	l := ratelimit.New(map[string]ratelimit.Limit{"ec2": {Rate: 100, Burst: 5}}, ratelimit.Limit{})
	if failed := burst(t, s, l, simtest.Management, 60); failed != 0 {
		t.Errorf("with the limiter %d calls failed", failed)
	}
	if st := s.Stats(); st.Throttled != 0 {
		t.Errorf("simulator throttled %d calls", st.Throttled)
	}
	if c := l.Counts(); c.Operations != 60 || c.Attempts != 60 || c.Failed != 0 {
		t.Errorf("counts = %+v, want 60 operations and attempts", c)
	}
}

// TestInstrumentReplaces checks a configuration derived from an
// instrumented one counts against its own account only once.
func TestInstrumentReplaces(t *testing.T) {
	s := simtest.Start(t, nil)
	l := ratelimit.New(nil, ratelimit.Limit{})
	base := l.Instrument(s.Config(t, simtest.Management, "us-east-1"), "caller")
	member := l.Instrument(base, simtest.Management)
	if _, err := ec2api.NewFromConfig(member).GetEbsEncryptionByDefault(context.Background(), &ec2api.GetEbsEncryptionByDefaultInput{}); err != nil {
		t.Fatal(err)
	}
	if c := l.Counts(); c.Operations != 1 || c.Attempts != 1 {
		t.Errorf("counts = %+v, want one operation counted once", c)
	}
}

func TestService(t *testing.T) {
	for id, want := range map[string]string{"EC2": "ec2", "S3 Control": "s3", "Config Service": "config",
		"CloudWatch Logs": "logs", "CloudWatch": "monitoring", "AccessAnalyzer": "access-analyzer", "IAM": "iam"} {
		if got := ratelimit.Service(id); got != want {
			t.Errorf("Service(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestOperationLimit: an operation with a limit of its own
// (cloudtrail:LookupEvents, two per second per account and region) is
// paced by its own bucket, per account and region, and the service's
// other operations are not slowed by it.
func TestOperationLimit(t *testing.T) {
	if got := ratelimit.DefaultLimits["cloudtrail:LookupEvents"]; got.Rate != 2 {
		t.Errorf("LookupEvents default limit %+v, want 2/s", got)
	}
	l := ratelimit.New(map[string]ratelimit.Limit{"cloudtrail": {Rate: 1000, Burst: 1000}, "cloudtrail:LookupEvents": {Rate: 0.001, Burst: 1}}, ratelimit.Limit{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tc := range []struct {
		account, region, op string
		ok                  bool
	}{
		{"111111111111", "eu-west-1", "LookupEvents", true},
		{"111111111111", "eu-west-1", "LookupEvents", false}, // the bucket is empty for 1000 s
		{"111111111111", "eu-west-1", "DescribeTrails", true},
		{"111111111111", "eu-west-2", "LookupEvents", true},
		{"222222222222", "eu-west-1", "LookupEvents", true},
	} {
		// rate.Limiter.Wait fails at once when the token would come after
		// the deadline.
		err := l.WaitOp(ctx, tc.account, tc.region, "cloudtrail", tc.op)
		if (err == nil) != tc.ok {
			t.Errorf("%s %s %s: %v, want ok=%v", tc.account, tc.region, tc.op, err, tc.ok)
		}
	}
}

// TestChain: calls of one task that follow one another make a chain one
// link per call; calls that overlap make one link; a context without a
// chain measures nothing.
func TestChain(t *testing.T) {
	s := simtest.Start(t, nil)
	s.SetFaults(sim.Faults{Latency: sim.Latency{Min: sim.Duration(100 * time.Millisecond), Max: sim.Duration(100 * time.Millisecond)}})
	l := ratelimit.New(nil, ratelimit.Limit{})
	client := ec2api.NewFromConfig(l.Instrument(s.Config(t, simtest.Management, "eu-west-1"), simtest.Management))
	call := func(ctx context.Context) {
		if _, err := client.GetEbsEncryptionByDefault(ctx, &ec2api.GetEbsEncryptionByDefaultInput{}); err != nil {
			t.Error(err)
		}
	}
	var seq ratelimit.Chain
	ctx := ratelimit.WithChain(context.Background(), &seq)
	for range 3 {
		call(ctx)
	}
	if seq.Len() != 3 {
		t.Errorf("three calls one after the other: chain %d, want 3", seq.Len())
	}

	var par ratelimit.Chain
	ctx = ratelimit.WithChain(context.Background(), &par)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); call(ctx) }()
	}
	wg.Wait()
	if par.Len() != 1 {
		t.Errorf("four calls at once: chain %d, want 1", par.Len())
	}
	call(ctx)
	if par.Len() != 2 {
		t.Errorf("then one more: chain %d, want 2", par.Len())
	}
	call(context.Background())
	if par.Len() != 2 || seq.Len() != 3 {
		t.Errorf("a call without a chain changed one: %d, %d", par.Len(), seq.Len())
	}
}

// TestForget: an account's buckets, once forgotten, start afresh (full),
// and another account's are untouched.
func TestForget(t *testing.T) {
	l := ratelimit.New(map[string]ratelimit.Limit{"s3": {Rate: 0.001, Burst: 1}}, ratelimit.Limit{})
	ctx := context.Background()
	short := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, time.Second) }
	for _, a := range []string{"111111111111", "222222222222"} {
		if err := l.Wait(ctx, a, "eu-west-1", "s3"); err != nil {
			t.Fatal(err)
		}
	}
	l.Forget("111111111111")
	c, cancel := short()
	defer cancel()
	if err := l.Wait(c, "111111111111", "eu-west-1", "s3"); err != nil {
		t.Errorf("a forgotten account's bucket is not full: %v", err)
	}
	c2, cancel2 := short()
	defer cancel2()
	if err := l.Wait(c2, "222222222222", "eu-west-1", "s3"); err == nil {
		t.Errorf("another account's empty bucket was refilled by Forget")
	}
}
