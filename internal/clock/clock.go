// Package clock is the time Guardrail judges data by: the age of a key or
// a password, whether a certificate, a key deletion or a suppression has
// expired, when a scan ran. The caller builds one clock (the program's
// main: the wall clock; a test, or a reproducible demo: a fixed one) and
// injects it into everything that produces such data: the simulator's
// world, the demo organization built relative to it, the scan, the store
// and the dashboard. Nothing that produces data reads time.Now itself, so
// the same inputs give the same results on any date. Wall time still
// measures durations (progress, wall_s, rate limits), which are never
// compared as data.
//
// The clocks are plain func() time.Time values, the type the packages
// they are injected into already take (scan.Options.Now, world.World.Now,
// web.Options.Now, store.Options.Now); clock imports nothing of ours.
package clock

import (
	"fmt"
	"time"
)

// Real is the wall clock: time.Now.
func Real() time.Time { return time.Now() }

// Fixed returns a clock stopped at t: every reading is t. A simulated
// world on a fixed clock does not age; its STS credentials do not
// expire in it (the AWS SDK, which judges their expiry by the wall
// clock, may fetch them again, which is harmless).
func Fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// Parse reads a fixed instant given on a command line: a date
// (2026-06-01, noon UTC, so that day boundaries are hours away) or an
// RFC 3339 time.
func Parse(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Add(12 * time.Hour), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a date (2026-06-01) or an RFC 3339 time (2026-06-01T12:00:00Z)", s)
	}
	return t.UTC(), nil
}
