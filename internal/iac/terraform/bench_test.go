package terraform

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

// BenchmarkScan: read and assess a generated plan of 10,000 resources
// with every control; resources/s is the figure the README quotes.
func BenchmarkScan(b *testing.B) {
	const n = 10000
	plan := Generate(n)
	b.SetBytes(int64(len(plan)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := Load("plan.json", plan, Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := iac.Evaluate(src, iac.Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
}

// TestGenerate: the generated plan loads, with its joins resolved, and
// every resource is assessed or listed.
func TestGenerate(t *testing.T) {
	src, err := Load("plan.json", Generate(500), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(src.Resources) + len(src.NotAssessed); got < 500 {
		t.Errorf("%d resources, want at least 500", got)
	}
	for _, r := range src.NotAssessed {
		if r.Type != "aws_sqs_queue" {
			t.Errorf("%s not assessed: %s", r.Address, r.Reason)
		}
	}
}
