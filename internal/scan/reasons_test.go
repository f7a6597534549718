package scan_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim"
)

// TestEveryReasonSaysWhy runs the whole catalog over the demo
// organization, fault-free and with calls denied (whole services, single
// calls, a region), and checks that every result and every gap says why
// in words: not empty, not cut off after a colon, not a control's missing
// reason (issue #12: "credential report not read: ").
func TestEveryReasonSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		name     string
		faults   sim.Faults
		attempts int
	}{
		{name: "fault-free"},
		{name: "denied calls", faults: sim.Faults{
			Deny: []sim.DenyRule{
				{Account: "555555555501", Service: "iam"},
				{Account: "555555555502", Service: "iam", Action: "*CredentialReport"},
				{Account: "444444444402", Service: "cloudwatch"},
				{Account: "444444444401", Service: "cloudtrail", Action: "Get*"},
				{Account: "666666666601", Service: "kms", Action: "GetKeyRotationStatus"},
				{Account: "333333333333", Region: "eu-west-1", Service: "ec2"},
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep *report.Report
			if tc.name == "fault-free" {
				rep, _ = cleanScan(t)
			} else {
				s := startDemo(t)
				s.SetFaults(tc.faults)
				rep = demoScan(t, s, scan.Options{}, tc.attempts)
			}
			if len(rep.Results) == 0 {
				t.Fatal("no results")
			}
			checkReasons(t, rep)
		})
	}
}

func checkReasons(t *testing.T, rep *report.Report) {
	t.Helper()
	bad := 0
	complain := func(format string, args ...any) {
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, r := range rep.Results {
		if why := cryptic(r.Reason); why != "" || r.Unexplained() {
			complain("%s: %s", why, line(r))
		}
	}
	for _, g := range rep.Gaps {
		if why := cryptic(g.Reason); why != "" {
			complain("gap %s %s %s: %s: %q", g.Account, g.Region, g.Collector, why, g.Reason)
		}
	}
	if bad > 20 {
		t.Errorf("... and %d more", bad-20)
	}
	var errs int
	for _, r := range rep.Results {
		if r.Status == control.Error {
			errs++
		}
	}
	t.Logf("%d results (%d ERROR), %d gaps checked", len(rep.Results), errs, len(rep.Gaps))
}

// cryptic says what is wrong with a reason, or "".
func cryptic(reason string) string {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return "empty reason"
	case strings.HasSuffix(r, ":"):
		return "reason cut off after a colon"
	case strings.Contains(r, ": ;") || strings.Contains(r, ":;") || strings.HasPrefix(r, ";") || strings.Contains(r, "; ;"):
		return "reason with an empty part"
	case strings.Contains(r, "0001-01-01"):
		return "reason with a zero time"
	case strings.Contains(r, "https response error") || strings.Contains(r, "RequestID:") || strings.Contains(r, "deserialization failed"):
		return "reason with the SDK's wrapping"
	}
	return ""
}
