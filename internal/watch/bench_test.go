package watch

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

// BenchmarkLogFile: what the file and bucket sources cost per record of a
// gzipped log file, from its bytes to the rules matched (gunzip, framing,
// decoding, rules), as the engine processes a batch.
func BenchmarkLogFile(b *testing.B) {
	recs := trailgen.Records(2000, 7)
	var plain bytes.Buffer
	plain.WriteString(`{"Records":[`)
	for i, r := range recs {
		if i > 0 {
			plain.WriteByte(',')
		}
		plain.Write(r)
	}
	plain.WriteString(`]}`)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(plain.Bytes())
	w.Close()
	e := &Engine{o: Options{Rules: detect.Builtin(), Source: &FileSource{}, Now: clock.Real}}
	b.SetBytes(int64(plain.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		got, errs := logFile("f.json.gz", bytes.NewReader(z.Bytes()))
		if len(got) != len(recs) || len(errs) != 0 {
			b.Fatalf("%d records, %v", len(got), errs)
		}
		e.process(&Batch{Records: got})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
