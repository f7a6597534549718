package ratelimit_test

import (
	"context"
	"sync"
	"testing"

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
