package sim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// signed builds a request the way the SDK sends it (only the parts the
// simulator reads: the SigV4 Authorization header and the body).
func signed(method, path, service, region, target, contentType, body string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+world.RootKey("111111111111")+
		"/20261123/"+region+"/"+service+"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	r.Header.Set("Content-Type", contentType)
	return r
}

// BenchmarkServeHTTP measures the simulator's own cost per call: routing,
// auth, fault bookkeeping, the handler and encoding, with no network and
// no SDK. Compare with BenchmarkSDKRoundTrip for what a client pays.
func BenchmarkServeHTTP(b *testing.B) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		b.Fatal(err)
	}
	s := sim.New(w, sim.Services())
	s.SetFaults(sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"sts": {Rate: 1e12, Burst: 1e12}, "organizations": {Rate: 1e12, Burst: 1e12}}})
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{"awsQuery/sts.GetCallerIdentity", func() *http.Request {
			return signed("POST", "/", "sts", "us-east-1", "", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2011-06-15")
		}},
		{"awsJson/organizations.ListAccounts", func() *http.Request {
			return signed("POST", "/", "organizations", "us-east-1", "AWSOrganizationsV20161128.ListAccounts", "application/x-amz-json-1.1", "{}")
		}},
		{"awsJson/logs.DescribeLogGroups", func() *http.Request {
			return signed("POST", "/", "logs", "us-east-1", "Logs_20140328.DescribeLogGroups", "application/x-amz-json-1.1", "{}")
		}},
		{"ec2Query/ec2.DescribeSecurityGroups", func() *http.Request {
			return signed("POST", "/", "ec2", "us-east-1", "", "application/x-www-form-urlencoded", "Action=DescribeSecurityGroups&Version=2016-11-15")
		}},
		{"restXml/s3.ListBuckets", func() *http.Request {
			return signed("GET", "/", "s3", "us-east-1", "", "", "")
		}},
		{"restJson/guardduty.ListDetectors", func() *http.Request {
			return signed("GET", "/detector", "guardduty", "us-east-1", "", "", "")
		}},
		{"rpcv2Cbor/cloudwatch.DescribeAlarms", func() *http.Request {
			r := signed("POST", "/service/GraniteServiceVersion20100801/operation/DescribeAlarms", "monitoring", "us-east-1", "", "application/cbor", "\xa0")
			r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
			return r
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, tc.req())
			if rec.Code != 200 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.ServeHTTP(httptest.NewRecorder(), tc.req())
			}
		})
	}
}

// BenchmarkSDKRoundTrip is one STS call through the real SDK over loopback.
func BenchmarkSDKRoundTrip(b *testing.B) {
	s := simtest.Start(b, nil)
	client := sts.NewFromConfig(s.Config(b, simtest.Management, "us-east-1"))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSCP measures what SCP enforcement adds to a member account's
// call (ec2 DescribeSecurityGroups as 444444444401): SCPs disabled, only
// FullAWSAccess, and a guardrail set (the SCP of TestSCPEnforcement at
// the root, the sandbox-like deny list at each level).
func BenchmarkSCP(b *testing.B) {
	req := func() *http.Request {
		r := httptest.NewRequest("POST", "/", strings.NewReader("Action=DescribeSecurityGroups&Version=2016-11-15"))
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+world.RootKey("444444444401")+
			"/20261123/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	for _, tc := range []struct {
		name string
		set  func(o *world.Organization)
	}{
		{"disabled", func(o *world.Organization) { o.EnabledPolicyTypes = nil }},
		{"FullAWSAccess", func(o *world.Organization) {}},
		{"guardrails", func(o *world.Organization) {
			p := &world.Policy{ID: "p-benchguard", Name: "guard", Type: world.SCPType, Content: guardSCP}
			for _, t := range o.Path("444444444401") {
				p.Targets = append(p.Targets, t)
			}
			o.Policies[p.ID] = p
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w, err := demo.Load(clock.Fixed(simtest.Now))
			if err != nil {
				b.Fatal(err)
			}
			tc.set(w.Org)
			s := sim.New(w, sim.Services())
			s.SetFaults(sim.Faults{})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req())
			if rec.Code != 200 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.ServeHTTP(httptest.NewRecorder(), req())
			}
		})
	}
}
