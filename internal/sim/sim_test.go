package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const trustManagement = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
const trustNobody = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`

func worldWithRoles() *world.World {
	w := simtest.NewWorld()
	w.Accounts[simtest.Member].IAM.Roles = []*world.Role{{Name: "Scanner", Path: "/", ID: "AROASIMSCANNER", AssumeRolePolicy: trustManagement}}
	third := w.AddAccount("333333333333", "denies", "denies@example.com")
	third.IAM.Roles = []*world.Role{{Name: "Scanner", Path: "/", ID: "AROASIMDENIED", AssumeRolePolicy: trustNobody}}
	return w
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestAssumeRoleIntoMembers(t *testing.T) {
	s := simtest.Start(t, worldWithRoles())
	ctx := context.Background()
	base := s.Config(t, simtest.Management, "us-east-1")

	acct, arn, err := awsx.CallerIdentity(ctx, base)
	if err != nil || acct != simtest.Management || arn != "arn:aws:iam::111111111111:root" {
		t.Fatalf("management identity = %q %q %v", acct, arn, err)
	}

	member := awsx.AssumeRole(base, "arn:aws:iam::222222222222:role/Scanner", "guardrail")
	acct, arn, err = awsx.CallerIdentity(ctx, member)
	if err != nil {
		t.Fatalf("assumed identity: %v", err)
	}
	if acct != simtest.Member || arn != "arn:aws:sts::222222222222:assumed-role/Scanner/guardrail" {
		t.Errorf("assumed identity = %q %q", acct, arn)
	}

	for _, role := range []string{
		"arn:aws:iam::333333333333:role/Scanner", // trust policy names another account
		"arn:aws:iam::222222222222:role/Missing", // no such role
		"arn:aws:iam::444444444444:role/Scanner", // no such account
	} {
		_, _, err := awsx.CallerIdentity(ctx, awsx.AssumeRole(base, role, "guardrail"))
		if apiCode(err) != "AccessDenied" {
			t.Errorf("assume %s: err = %v, want AccessDenied", role, err)
		}
	}
}

func TestUnknownKeyIsInvalidToken(t *testing.T) {
	s := simtest.Start(t, nil)
	cfg := s.Config(t, "999999999999", "us-east-1")
	_, _, err := awsx.CallerIdentity(context.Background(), cfg)
	if apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("err = %v, want InvalidClientTokenId", err)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("throttling is retried by the SDK", func(t *testing.T) {
		s := simtest.Start(t, nil)
		s.SetFaults(sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"sts": {Rate: 200, Burst: 2}}})
		client := sts.NewFromConfig(s.Config(t, simtest.Management, "us-east-1", 10))
		for i := 0; i < 10; i++ {
			if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		st := s.Stats()
		if st.Throttled == 0 {
			t.Fatalf("no call was throttled: %+v", st)
		}
		if st.Calls != 10+st.Throttled {
			t.Errorf("calls = %d, want 10 successes + %d throttled", st.Calls, st.Throttled)
		}
	})
	t.Run("throttling without retries surfaces Throttling", func(t *testing.T) {
		s := simtest.Start(t, nil)
		s.SetFaults(sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"sts": {Rate: 0.001, Burst: 1}}})
		client := sts.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
		client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if apiCode(err) != "Throttling" {
			t.Fatalf("err = %v, want Throttling", err)
		}
	})
	t.Run("deny rule", func(t *testing.T) {
		s := simtest.Start(t, nil)
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Management, Service: "sts", Action: "GetCaller*"}}})
		_, _, err := awsx.CallerIdentity(ctx, s.Config(t, simtest.Management, "us-east-1"))
		if apiCode(err) != "AccessDenied" {
			t.Fatalf("err = %v, want AccessDenied", err)
		}
		_, _, err = awsx.CallerIdentity(ctx, s.Config(t, simtest.Member, "us-east-1"))
		if err != nil {
			t.Fatalf("other account: %v", err)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		s := simtest.Start(t, nil)
		s.SetFaults(sim.Faults{ErrorRate: 1})
		_, _, err := awsx.CallerIdentity(ctx, s.Config(t, simtest.Management, "us-east-1"))
		if apiCode(err) != "InternalFailure" {
			t.Fatalf("err = %v, want InternalFailure", err)
		}
	})
	t.Run("latency", func(t *testing.T) {
		s := simtest.Start(t, nil)
		s.SetFaults(sim.Faults{Latency: sim.Latency{Min: sim.Duration(30 * time.Millisecond), Max: sim.Duration(31 * time.Millisecond)}})
		start := time.Now()
		if _, _, err := awsx.CallerIdentity(ctx, s.Config(t, simtest.Management, "us-east-1")); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("call took %v, want at least the injected 30ms", d)
		}
	})
}

func TestLowerBound(t *testing.T) {
	f := sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"ec2": {Rate: 10, Burst: 10}}, Latency: sim.Latency{Min: sim.Duration(20 * time.Millisecond)}}
	st := sim.Stats{Counts: []sim.CallCount{
		{Account: "a", Region: "r", Service: "ec2", Calls: 110},
		{Account: "b", Region: "r", Service: "ec2", Calls: 60, Throttled: 10},
	}}
	// Account a: (110-10)/10 = 10 s; b: (50-10)/10 = 4 s; plus 20 ms.
	if got, want := sim.LowerBound(st, f), 10*time.Second+20*time.Millisecond; got != want {
		t.Fatalf("LowerBound = %v, want %v", got, want)
	}
}

// TestAnswerFaults checks, through the real SDK clients, the answers real
// endpoints give that the services never do: a status with an empty body
// or a body that is not AWS's, a dropped connection, and an answer slower
// than the client's attempt timeout.
func TestAnswerFaults(t *testing.T) {
	ctx := context.Background()
	listRegions := func(cfg aws.Config) error {
		_, err := accountapi.NewFromConfig(cfg).ListRegions(ctx, &accountapi.ListRegionsInput{})
		return err
	}
	for _, tc := range []struct {
		name    string
		answer  sim.Answer
		attempt time.Duration
		check   func(t *testing.T, err error)
	}{
		{name: "404 with no body", answer: sim.Answer{Service: "account", Action: "ListRegions", Status: 404},
			check: func(t *testing.T, err error) {
				if awsx.Status(err) != 404 || apiCode(err) != "UnknownError" {
					t.Errorf("err = %v, want HTTP 404 and no AWS error code", err)
				}
				if got := awsx.Brief(err); got != "HTTP 404 with no AWS error code" {
					t.Errorf("Brief = %q", got)
				}
			}},
		{name: "a body that is not AWS's", answer: sim.Answer{Service: "account", Status: 502, ContentType: "text/html", Body: "<html><h1>Bad Gateway</h1></html>"},
			check: func(t *testing.T, err error) {
				var de *smithy.DeserializationError
				if awsx.Status(err) != 502 || !errors.As(err, &de) {
					t.Errorf("err = %v, want HTTP 502 that does not deserialize", err)
				}
			}},
		{name: "an AWS error code in a raw body", answer: sim.Answer{Service: "account", Status: 400, ContentType: "application/json",
			Body: `{"__type":"UnknownOperationException","message":"no such operation"}`},
			check: func(t *testing.T, err error) {
				if apiCode(err) != "UnknownOperationException" {
					t.Errorf("err = %v, want UnknownOperationException", err)
				}
			}},
		{name: "dropped connection", answer: sim.Answer{Service: "account", Drop: true},
			check: func(t *testing.T, err error) {
				if awsx.Classify(err) != awsx.Unreachable || !strings.Contains(err.Error(), "the connection closed without an answer") {
					t.Errorf("err = %v, want unreachable: the connection closed without an answer", err)
				}
			}},
		{name: "slower than the attempt timeout", answer: sim.Answer{Service: "account", Delay: sim.Duration(time.Minute)}, attempt: 100 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if awsx.Classify(err) != awsx.Unreachable || !strings.Contains(err.Error(), "no answer within 100ms (--attempt-timeout)") {
					t.Errorf("err = %v, want unreachable: no answer within 100ms", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := simtest.Start(t, nil)
			s.SetFaults(sim.Faults{Answers: []sim.Answer{tc.answer}})
			cfg := s.Config(t, simtest.Management, "us-east-1")
			if tc.attempt > 0 {
				var err error
				cfg, err = awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL, MaxAttempts: 1, AttemptTimeout: tc.attempt,
					AccessKeyID: world.RootKey(simtest.Management), SecretAccessKey: world.RootSecret(simtest.Management)})
				if err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			err := listRegions(cfg)
			if err == nil {
				t.Fatal("the call succeeded")
			}
			tc.check(t, err)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the call took %v", d)
			}
			if st := s.Stats(); tc.answer.Delay == 0 && st.Faults == 0 {
				t.Errorf("the answered call is not counted as a fault: %+v", st)
			}
			// Other services, and other accounts' calls, are untouched.
			if _, _, err := awsx.CallerIdentity(ctx, cfg); err != nil {
				t.Errorf("sts: %v", err)
			}
		})
	}
}
