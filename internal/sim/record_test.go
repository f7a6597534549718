package sim_test

import (
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// BenchmarkTrailRecording is what CloudTrail recording adds to a call:
// the same read and write served with recording off and on, and on with
// a subscriber that reads every record's JSON (its whole cost). The
// demo's trails log every call, so "on" also routes and queues each for
// delivery.
func BenchmarkTrailRecording(b *testing.B) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		b.Fatal(err)
	}
	s := sim.New(w, sim.Services())
	var vpc string
	for _, v := range w.Account("111111111111").In("us-east-1").EC2.VPCs {
		vpc = v.ID
	}
	read := func() *http.Request {
		return signed("POST", "/", "ec2", "us-east-1", "", "application/x-www-form-urlencoded", "Action=DescribeSecurityGroups&Version=2016-11-15")
	}
	write := func() *http.Request {
		return signed("POST", "/", "ec2", "us-east-1", "", "application/x-www-form-urlencoded",
			"Action=CreateTags&Version=2016-11-15&ResourceId.1="+vpc+"&Tag.1.Key=bench&Tag.1.Value=1")
	}
	subscribed := false
	for _, tc := range []struct {
		name string
		off  bool
		sub  bool
		req  func() *http.Request
	}{
		{"read/off", true, false, read},
		{"read/on", false, false, read},
		{"write/off", true, false, write},
		{"write/on", false, false, write},
		{"read/on+subscriber", false, true, read},
		{"write/on+subscriber", false, true, write},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w.Trail.Off = tc.off
			if tc.sub && !subscribed {
				subscribed = true
				w.OnTrailEvent(func(r world.TrailRecord) { r.JSON() })
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, tc.req())
			if rec.Code != 200 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				s.ServeHTTP(httptest.NewRecorder(), tc.req())
			}
			// CPU time, not wall time: the machine running the benchmark
			// may be busy with other work.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
