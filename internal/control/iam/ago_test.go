package iam

import (
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
)

func TestAgo(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	in := &control.Input{Now: now}
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-time.Hour), "today"},
		{now.Add(time.Hour), "today"}, // a report generated just after the scan began
		{now.AddDate(0, 0, -1), "1 day ago"},
		{now.AddDate(0, 0, -160), "160 days ago"},
		{now.AddDate(0, 0, 159), "on 2026-11-07, after the scan's time"},
	} {
		if got := ago(in, tc.t); got != tc.want {
			t.Errorf("ago(%s) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
