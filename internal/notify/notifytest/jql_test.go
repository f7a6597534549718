package notifytest

import (
	"strings"
	"testing"
	"time"
)

func TestJQL(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 30, 45, 0, time.UTC)
	is := &JiraIssue{Key: "SEC-7", Labels: []string{"guardrail", "guardrail-abc"}, Status: "Done", Resolution: "Won't Do", Updated: at, Created: at.Add(-time.Hour)}
	open := &JiraIssue{Key: "OPS-1", Labels: nil, Status: "To Do", Updated: at, Created: at}
	for _, tc := range []struct {
		jql       string
		is, other bool // matches is, matches open
		err       string
	}{
		{`project = SEC`, true, false, ""},
		{`project = "SEC" AND labels = "guardrail-abc"`, true, false, ""},
		{`labels = Guardrail-ABC`, false, false, ""},
		{`labels in (x, "guardrail-abc")`, true, false, ""},
		{`status in ("Done", Closed) AND resolution = "Won't Do"`, true, false, ""},
		{`resolution is EMPTY`, false, true, ""},
		{`resolution is not EMPTY`, true, false, ""},
		{`status != Done`, false, true, ""},
		{`status not in (Done)`, false, true, ""},
		{`updated >= "2026-06-01 12:30"`, true, true, ""},
		{`updated > "2026/06/01 12:30"`, false, false, ""},
		{`created < "2026-06-01 12:00" ORDER BY updated DESC`, true, false, ""},
		{`key = SEC-7`, true, false, ""},
		{`summary ~ x`, false, false, "Field 'summary' does not exist"},
		{`project = SEC OR project = OPS`, false, false, "Expecting either 'OR' or 'AND'"},
		{`updated >= "yesterday"`, false, false, "Date value 'yesterday'"},
		{`labels >= x`, false, false, "operator '>=' is not supported"},
		{`project = "SEC`, false, false, "is not closed"},
		{`status in (Done`, false, false, "Expecting ')' or ','"},
	} {
		q, err := parseJQL(tc.jql)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.jql, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.jql, err)
			continue
		}
		if q.match(is) != tc.is || q.match(open) != tc.other {
			t.Errorf("%s: matches SEC-7 %v, OPS-1 %v; want %v, %v", tc.jql, q.match(is), q.match(open), tc.is, tc.other)
		}
	}
}
