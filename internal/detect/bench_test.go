package detect

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/trailevent"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

// BenchmarkHotPath is what the watch does with each event: decode the
// record, run every built-in rule. guardrail bench watch --throughput
// measures the same on one core and reports the split.
func BenchmarkHotPath(b *testing.B) {
	benchmark(b, true)
}

// BenchmarkDecode is the decoding alone, on the same records.
func BenchmarkDecode(b *testing.B) {
	benchmark(b, false)
}

func benchmark(b *testing.B, match bool) {
	recs := trailgen.Records(4096, 1)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	b.SetBytes(int64(size / len(recs)))
	set := Builtin()
	var d trailevent.Decoder
	out := make([]*Rule, 0, 16)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ev, err := d.Decode(recs[i%len(recs)])
		if err != nil {
			b.Fatal(err)
		}
		if match {
			out = set.Match(ev, out[:0])
		}
	}
}
