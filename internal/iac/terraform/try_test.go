package terraform

import (
	"os"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

func TestTry(t *testing.T) {
	data, _ := os.ReadFile("testdata/plan.json")
	src, err := Load("testdata/plan.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := iac.Evaluate(src, iac.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status != iac.NotAssessed {
			t.Logf("%-8s %-14s %-50s %s", r.Control, r.Status, r.Address, r.Reason)
		}
	}
	for _, r := range rep.NotAssessed {
		t.Logf("NA %s %s", r.Address, r.Reason)
	}
}
