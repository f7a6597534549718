package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestWriteScan: a scan says who ran it (the local user, and the AWS
// principal it ran as); one that did not complete shows its status and
// start, and no finish time, counts or score (not 0001-01-01 and 0.0%).
func TestWriteScan(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)
	complete := store.Scan{ID: "scan-1", Started: at, Finished: at.Add(90 * time.Second), Status: store.Complete, By: "alice",
		Scope:  report.Scope{OrgID: "o-1", Caller: "arn:aws:sts::111111111111:assumed-role/Scanner/alice"},
		Stats:  report.Stats{Accounts: 3, Targets: 12, APICalls: 400},
		Counts: store.Counts{Passed: 90, Failed: 10},
		Scores: score.Scores{Overall: score.Score{Passed: 9, Failed: 1, Assessed: 10, Percent: 90, Coverage: score.Coverage{Assessed: 11, InScope: 12}}}}
	interrupted := store.Scan{ID: "scan-2", Started: at, Status: store.Interrupted, By: "bob"}
	running := store.Scan{ID: "scan-3", Started: at, Status: store.Running}
	for _, tc := range []struct {
		name string
		scan store.Scan
		want []string
		not  []string
	}{
		{"complete", complete, []string{
			"scan-1  COMPLETE  by alice as arn:aws:sts::111111111111:assumed-role/Scanner/alice\n",
			"  started 2026-11-23T10:15:00Z, finished 2026-11-23T10:16:30Z\n",
			"  score: 90% overall (11/12 targets)\n"}, nil},
		{"interrupted", interrupted, []string{
			"scan-2  INTERRUPTED  by bob\n",
			"  started 2026-11-23T10:15:00Z, did not finish: no results, scores or findings were recorded\n"},
			[]string{"0001-01-01", "0.0%", "score:", "results:"}},
		{"running", running, []string{"scan-3  RUNNING  by -\n", "  started 2026-11-23T10:15:00Z, still running\n"}, []string{"0001-01-01", "%"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeScan(&b, tc.scan); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("output has %q:\n%s", w, b.String())
				}
			}
		})
	}
	var b bytes.Buffer
	if err := writeScans(&b, []store.Scan{running, interrupted, complete}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for i, want := range []string{
		"SCAN    STARTED               STATUS       BY     ACCOUNTS  TARGETS  SCORE  FAILED  ERROR  NEW  RESOLVED",
		"scan-3  2026-11-23T10:15:00Z  RUNNING      -      -         -        -      -       -      -    -",
		"scan-2  2026-11-23T10:15:00Z  INTERRUPTED  bob    -         -        -      -       -      -    -",
		"scan-1  2026-11-23T10:15:00Z  COMPLETE     alice  3         12       90%    10      0      0    0",
	} {
		if i >= len(lines) || lines[i] != want {
			t.Errorf("scans list:\n%s\nwant line %d %q", b.String(), i, want)
		}
	}
}
