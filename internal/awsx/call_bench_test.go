package awsx_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
)

const cannedSGs = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>123456789012</ownerId>
      <groupId>sg-1a2b3c4d</groupId>
      <groupName>default</groupName>
      <groupDescription>default VPC security group</groupDescription>
      <vpcId>vpc-1a2b3c4d</vpcId>
      <ipPermissions>
        <item><ipProtocol>-1</ipProtocol><groups><item><userId>123456789012</userId><groupId>sg-1a2b3c4d</groupId></item></groups><ipRanges/></item>
      </ipPermissions>
      <ipPermissionsEgress>
        <item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>
      </ipPermissionsEgress>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`

// canned answers every request with cannedSGs, without a network.
type canned struct{}

func (canned) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/xml;charset=UTF-8"}},
		ContentLength: int64(len(cannedSGs)),
		Body:          io.NopCloser(bytes.NewReader([]byte(cannedSGs))), Request: req}, nil
}

func cannedConfig(b *testing.B) aws.Config {
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "eu-west-1",
		EndpointURL: "http://127.0.0.1:1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"})
	if err != nil {
		b.Fatal(err)
	}
	cfg.HTTPClient = canned{}
	return cfg
}

// BenchmarkCall measures the client's work for one EC2 call through a
// configuration of Load: sdk is the SDK alone (serialize, sign, retry
// loop, middleware, deserialize) with an HTTP client that answers from
// memory; instrumented adds the rate limiter and FailFast a scan adds;
// loopback sends the calls to a server on loopback (net/http's work is
// in; in a CPU profile the server's is labelled side=server);
// client-per-call makes a client for every call, as a task that makes
// one call does. cpu-µs/op is the process's CPU time per call (for
// loopback, the server's included). The floor under a scan's client
// CPU per call.
func BenchmarkCall(b *testing.B) {
	run := func(b *testing.B, cfg aws.Config, perCall bool) {
		ctx := context.Background()
		c := ec2api.NewFromConfig(cfg)
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if perCall {
				c = ec2api.NewFromConfig(cfg)
			}
			if _, err := c.DescribeSecurityGroups(ctx, &ec2api.DescribeSecurityGroupsInput{}); err != nil {
				b.Fatal(err)
			}
		}
		// CPU time, not wall time: the machine may be shared.
		b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	}
	b.Run("sdk", func(b *testing.B) { run(b, cannedConfig(b), false) })
	b.Run("instrumented", func(b *testing.B) {
		l := ratelimit.New(map[string]ratelimit.Limit{"ec2": {Rate: 1e9, Burst: 1e9}}, ratelimit.Limit{})
		run(b, awsx.FailFast(l.Instrument(cannedConfig(b), "123456789012")), false)
	})
	b.Run("loopback", func(b *testing.B) {
		// A server on loopback that answers cannedSGs: the client's
		// net/http work is in, the server's is labelled side=server.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			_, _ = io.WriteString(w, cannedSGs)
		})}
		pprof.Do(context.Background(), pprof.Labels("side", "server"), func(context.Context) { go srv.Serve(l) })
		b.Cleanup(func() { srv.Close() })
		cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "eu-west-1",
			EndpointURL: "http://" + l.Addr().String(), AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"})
		if err != nil {
			b.Fatal(err)
		}
		lim := ratelimit.New(map[string]ratelimit.Limit{"ec2": {Rate: 1e9, Burst: 1e9}}, ratelimit.Limit{})
		pprof.Do(context.Background(), pprof.Labels("side", "client"), func(context.Context) {
			run(b, awsx.FailFast(lim.Instrument(cfg, "123456789012")), false)
		})
	})
	b.Run("client-per-call", func(b *testing.B) {
		l := ratelimit.New(map[string]ratelimit.Limit{"ec2": {Rate: 1e9, Burst: 1e9}}, ratelimit.Limit{})
		run(b, awsx.FailFast(l.Instrument(cannedConfig(b), "123456789012")), true)
	})
}

// processCPU is the CPU time this process has used (the collector's
// included).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
