package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestDemoClock: 'guardrail demo --now' runs the demo world and the scan
// on one clock stopped at that date. The dates that follow it (the
// simulator's key deletion date, the certificate's expiry in the world,
// the days left that the scan counts) move with --now, and nothing reads
// the wall clock: the same results on any day.
func TestDemoClock(t *testing.T) {
	for _, day := range []string{"2026-06-01", "2031-11-17"} {
		t.Run(day, func(t *testing.T) {
			now, err := time.Parse(time.DateOnly, day)
			if err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"demo", "--no-serve", "--no-store", "-q", "--now", day,
				"--controls", "IAM.26,KMS.3", "--include", "Development", "--regions", "us-east-1", "--format", "csv"}, &out, &errb)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			for _, want := range []string{
				// dev-data: PendingDeletion with a 30-day window, scheduled by the simulator.
				fmt.Sprintf("scheduled for deletion on %s (in 30 days)", now.AddDate(0, 0, 30).Format(time.DateOnly)),
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("no %q in the output:\n%s", want, out.String())
				}
			}
		})
	}
}
