package iam

import (
	"testing"
	"time"
)

// Why a credential report row or a summary key is missing is never empty
// or a zero time (issue #12).
func TestMissingReasons(t *testing.T) {
	generated := time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
	u := &User{Name: "carol"}
	for _, tc := range []struct {
		name                string
		i                   IAM
		root, user, summary string
	}{
		{"report unread", IAM{Errors: map[string]string{DetailCredentialReport: "get credential report: Throttling", DetailAccountSummary: "AccessDenied: no"}},
			"credential report not read: get credential report: Throttling", "credential report not read: get credential report: Throttling",
			"account summary not read: AccessDenied: no"},
		{"read, rows missing", IAM{ReportGenerated: generated, Summary: map[string]int{}},
			"the credential report generated 2026-06-01T09:30:00Z has no <root_account> row",
			"user carol is not in the credential report generated 2026-06-01T09:30:00Z (created since?)",
			"account summary has no AccountMFAEnabled"},
		{"nothing collected", IAM{}, "credential report not collected", "credential report not collected", "account summary not collected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.i.RootNoReport(); got != tc.root {
				t.Errorf("RootNoReport = %q, want %q", got, tc.root)
			}
			if got := tc.i.NoReport(u); got != tc.user {
				t.Errorf("NoReport = %q, want %q", got, tc.user)
			}
			if got := tc.i.SummaryUnknown("AccountMFAEnabled"); got != tc.summary {
				t.Errorf("SummaryUnknown = %q, want %q", got, tc.summary)
			}
		})
	}
}
