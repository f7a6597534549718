package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCoverage: with --fail-on, failures at or over the threshold
// exit 1; else a target in scope not assessed exits 4 (ExitIncomplete),
// unless --allow-partial: a pipeline never goes green on a scan that saw
// nothing. The demo organization's legacy-erp-prod (444444444404) denies
// the scanner's role.
func TestExitCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	// The report goes to a file of the test's, never to a path outside it.
	demo := []string{"demo", "--no-serve", "-q", "--no-store", "--format", "json", "--output", filepath.Join(t.TempDir(), "scan.json")}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"nothing assessed fails", []string{"--include", "444444444404", "--fail-on", "high"}, ExitIncomplete,
			"no failure at or above HIGH (--fail-on), but 1 of 1 targets in scope were not assessed"},
		{"nothing assessed, allowed", []string{"--include", "444444444404", "--fail-on", "high", "--allow-partial"}, ExitOK, ""},
		{"nothing assessed, no --fail-on", []string{"--include", "444444444404"}, ExitOK, ""},
		{"failures win", []string{"--include", "Workloads/Production", "--fail-on", "high"}, ExitFindings, "failed results at or above HIGH"},
		{"failures win over --allow-partial", []string{"--include", "Workloads/Production", "--fail-on", "high", "--allow-partial"}, ExitFindings, "failed results at or above HIGH"},
		{"everything assessed, no failure", []string{"--include", "Security", "--fail-on", "high"}, ExitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), append(append([]string(nil), demo...), tc.args...), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.stderr)
			}
		})
	}
}
