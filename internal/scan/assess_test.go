package scan_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// TestAssessCollectsOnlyWhatItReads: re-assessing EC2.8, which reads
// only the instances of the ec2 state, calls DescribeInstances and
// nothing else, and judges exactly as a re-assessment that collects the
// whole state; beside a control that reads all of it, everything is
// collected; and a Reads too narrow yields ERROR, never a pass.
func TestAssessCollectsOnlyWhatItReads(t *testing.T) {
	s := startDemo(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	const account, region = "555555555501", "us-east-1"
	assess := func(cs ...*control.Control) ([]control.Result, []string) {
		t.Helper()
		var rec collecttest.Recorder
		cfg := rec.Instrument(s.Config(t, account, region, 3))
		rs, err := scan.Assess(context.Background(), cfg, account, region, []string{region}, cs, registry.All(), simtest.Now)
		if err != nil {
			t.Fatal(err)
		}
		return rs, rec.Actions()
	}
	only := func(rs []control.Result, id string) []string {
		var out []string
		for _, r := range rs {
			if r.Control == id {
				out = append(out, line(r))
			}
		}
		return out
	}
	ec28 := cat.Control("EC2.8")
	if got := ec28.Reads["ec2"]; !slices.Equal(got, []string{ec2.PartInstances}) {
		t.Fatalf("EC2.8 reads %v of the ec2 state; want the instances", got)
	}
	narrow, calls := assess(ec28)
	if !slices.Equal(calls, []string{"ec2:DescribeInstances"}) {
		t.Errorf("re-assessing EC2.8 called %v; want ec2:DescribeInstances only", calls)
	}
	whole := *ec28
	whole.Reads = nil
	full, calls := assess(&whole)
	if len(calls) < 10 {
		t.Fatalf("re-assessing EC2.8 without Reads called only %v", calls)
	}
	failed := 0
	for _, r := range narrow {
		if r.Status == control.Failed {
			failed++
		}
	}
	if failed == 0 || !slices.Equal(only(narrow, "EC2.8"), only(full, "EC2.8")) {
		t.Errorf("EC2.8 from the instances only (%d failed):\n%s\nfrom the whole state:\n%s",
			failed, strings.Join(only(narrow, "EC2.8"), "\n"), strings.Join(only(full, "EC2.8"), "\n"))
	}

	mixed, calls := assess(ec28, cat.Control("EC2.2"))
	if len(calls) < 10 {
		t.Errorf("EC2.8 with EC2.2, which reads the whole state, called only %v", calls)
	}
	if !slices.Equal(only(mixed, "EC2.8"), only(full, "EC2.8")) {
		t.Errorf("EC2.8 beside EC2.2:\n%s", strings.Join(only(mixed, "EC2.8"), "\n"))
	}

	wrong := *ec28
	wrong.Reads = map[string][]string{"ec2": {ec2.PartVPCs}}
	rs, _ := assess(&wrong)
	if len(rs) == 0 {
		t.Fatal("no result from a Reads too narrow")
	}
	for _, r := range rs {
		if r.Status != control.Error || !strings.Contains(r.Reason, "instances not collected: not read") {
			t.Errorf("a Reads too narrow: %s; want ERROR saying the instances were not read", line(r))
		}
	}
}
