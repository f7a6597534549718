package trailgen

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestRecords: the records are valid JSON of a real record's size, the
// same for a seed, with the fields every record has.
func TestRecords(t *testing.T) {
	recs := Records(2000, 1)
	total := 0
	names := map[string]int{}
	for _, r := range recs {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatalf("%v: %s", err, r)
		}
		for _, k := range []string{"eventID", "eventTime", "eventName", "eventSource", "userIdentity", "requestParameters", "tlsDetails", "recipientAccountId"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("no %s: %s", k, r)
			}
		}
		names[m["eventName"].(string)]++
		total += len(r)
	}
	if avg := total / len(recs); avg < 1300 || avg > 1800 {
		t.Errorf("average record size %d bytes, want about 1.5 KB", avg)
	}
	if len(names) < 20 {
		t.Errorf("only %d event names: %v", len(names), names)
	}
	again := Records(2000, 1)
	for i := range recs {
		if !bytes.Equal(recs[i], again[i]) {
			t.Fatalf("record %d differs for the same seed", i)
		}
	}
}
