package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// withAlerts stores n alerts: the first about f's resource, naming f's
// control; the others in another account. It returns the alerts' IDs.
func withAlerts(t *testing.T, st store.Store, f string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	fd, _, err := st.Finding(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var as []store.Alert
	for i := range n {
		a := store.Alert{EventID: fmt.Sprintf("ev-%03d", i), Rule: "security-group-changed", Title: "Security group changed",
			Severity: control.Medium, Controls: []string{"EC2.18"}, Account: "999999999999", Region: "eu-west-1",
			Resource: "arn:aws:ec2:eu-west-1:999999999999:security-group/sg-9", EventName: "AuthorizeSecurityGroupIngress",
			EventSource: "ec2.amazonaws.com", Actor: "arn:aws:iam::999999999999:user/mallory", SourceIP: "203.0.113.7",
			EventTime: now.Add(-time.Duration(i) * time.Minute), Source: "sqs", Origin: "sqs:events/m1",
			Raw: json.RawMessage(`{"eventID":"ev-` + fmt.Sprint(i) + `","eventName":"AuthorizeSecurityGroupIngress"}`)}
		if i == 0 {
			a.Rule, a.Title, a.Severity, a.Controls = "root-console-signin", "Root user signed in <b>", control.Critical, []string{fd.Control}
			a.Account, a.Region, a.Resource = fd.Account, fd.Region, fd.ResourceARN
		}
		as = append(as, a)
	}
	c, err := st.CommitWatch(ctx, store.WatchBatch{Alerts: as, At: now,
		Errors: []store.WatchError{{Source: "bucket", Origin: "s3://logs/AWSLogs/x.json.gz", Offset: 512, Kind: "truncated gzip", Message: "unexpected EOF"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.Alerts
}

// TestAlertPages: the alerts page, an alert's page, and the alerts on
// the account and finding pages; bad parameters are 400 naming them.
func TestAlertPages(t *testing.T) {
	st := synthetic(t, 2)
	srv := server(t, st, "")
	f := anOpenFinding(t, st)
	ids := withAlerts(t, st, f.ID, 3)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/alerts", 200, []string{"3</strong> alerts", "Root user signed in &lt;b&gt;", "security-group-changed", "Malformed input", "truncated gzip", "s3://logs/AWSLogs/x.json.gz"}},
		{"/alerts?severity=CRITICAL", 200, []string{"1</strong> alerts", "root-console-signin"}},
		{"/alerts?account=999999999999&size=1&page=2", 200, []string{"2</strong> alerts", "Page 2 of 2"}},
		{"/alerts?since=2030-01-01", 200, []string{"0</strong> alerts", "No alert matches"}},
		{"/alerts?since=90s", 200, []string{"2</strong> alerts"}},
		{"/alerts?severity=bogus", 400, []string{"severity=&#34;bogus&#34;"}},
		{"/alerts?account=12", 400, []string{"account=&#34;12&#34;: want the 12 digits"}},
		{"/alerts?region=Europe", 400, []string{"region=&#34;Europe&#34;"}},
		{"/alerts?since=yesterday", 400, []string{"since=&#34;yesterday&#34;"}},
		{"/alerts?page=0", 400, []string{"page=&#34;0&#34;"}},
		{fmt.Sprintf("/alerts/%d", ids[0]), 200, []string{"Root user signed in &lt;b&gt;", "CloudTrail record", "&#34;eventID&#34;: &#34;ev-0&#34;", f.Control, "Findings of the resource"}},
		{"/alerts/0", 400, []string{"alert ID &#34;0&#34;"}},
		{"/alerts/x1", 400, []string{"alert ID &#34;x1&#34;"}},
		{"/alerts/99999", 404, []string{"no alert 99999"}},
		{"/accounts/999999999999", 404, nil}, // not in the latest scan
		{"/accounts/" + f.Account, 200, []string{"Alerts", "Root user signed in &lt;b&gt;"}},
		{"/findings/" + f.ID, 200, []string{"Alerts", "about this resource", "Root user signed in &lt;b&gt;"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(srv, req{path: tc.path})
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

// TestAlertsAPI: /api/alerts pages and filters, /api/alerts/{id} has
// the raw event, /api/watch/errors and /api/watch/reassessments list
// what the watch stored; with a token, they need it.
func TestAlertsAPI(t *testing.T) {
	st := synthetic(t, 2)
	f := anOpenFinding(t, st)
	ids := withAlerts(t, st, f.ID, 3)
	srv := server(t, st, token)
	auth := map[string]string{"Authorization": "Bearer " + token}
	if rec := do(srv, req{path: "/api/alerts"}); rec.Code != 401 {
		t.Errorf("/api/alerts without the token: %d", rec.Code)
	}
	var page struct {
		Total  int           `json:"total"`
		Alerts []store.Alert `json:"alerts"`
		Next   string        `json:"next"`
	}
	rec := do(srv, req{path: "/api/alerts?size=2&account=999999999999," + f.Account, header: auth})
	if rec.Code != 200 {
		t.Fatalf("/api/alerts: %d %s", rec.Code, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(page.Alerts) != 2 || page.Next == "" || page.Alerts[0].ID != ids[0] || page.Alerts[0].Raw != nil {
		t.Errorf("/api/alerts: total %d, %d alerts, next %q, first %+v", page.Total, len(page.Alerts), page.Next, page.Alerts[0])
	}
	rec = do(srv, req{path: "/api/alerts?rule=root-console-signin&severity=critical", header: auth})
	json.Unmarshal(rec.Body.Bytes(), &page)
	if page.Total != 1 {
		t.Errorf("filtered: %d alerts", page.Total)
	}
	if rec := do(srv, req{path: "/api/alerts?severity=nope", header: auth}); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("bad severity: %d %s", rec.Code, rec.Body.String())
	}
	var a store.Alert
	rec = do(srv, req{path: fmt.Sprintf("/api/alerts/%d", ids[1]), header: auth})
	var raw map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.EventID != "ev-001" || json.Unmarshal(a.Raw, &raw) != nil || raw["eventName"] != "AuthorizeSecurityGroupIngress" {
		t.Errorf("/api/alerts/%d: %v %+v", ids[1], err, a)
	}
	if rec := do(srv, req{path: "/api/alerts/424242", header: auth}); rec.Code != 404 {
		t.Errorf("unknown alert: %d", rec.Code)
	}
	var errs []store.WatchError
	rec = do(srv, req{path: "/api/watch/errors", header: auth})
	if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs) != 1 || errs[0].Offset != 512 {
		t.Errorf("/api/watch/errors: %v %s", err, rec.Body.String())
	}
	rec = do(srv, req{path: "/api/watch/reassessments", header: auth})
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("/api/watch/reassessments: %d %s", rec.Code, rec.Body.String())
	}
}
