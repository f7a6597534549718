package notify_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
)

func jiraSender(t *testing.T, j *notifytest.Jira, extra string) *notify.Sender {
	t.Setenv("GR_TEST_JIRA_TOKEN", "api-token-123")
	return sender(t, fmt.Sprintf(`
destinations:
  - name: jira
    type: jira
    jira: {url: %q, user: bot@example.com, token_env: GR_TEST_JIRA_TOKEN, project: SEC, labels: [security], wontfix_statuses: ["Risk Accepted"]%s}
routes: [{match: {}, to: [jira]}]
options: {dashboard_url: "https://gr.example.com"}
`, j.URL, extra), notify.Options{})
}

func TestJiraLifecycle(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		t.Run(fmt.Sprint("cloud=", cloud), func(t *testing.T) {
			j := notifytest.NewJira(t, notifytest.JiraOptions{User: "bot@example.com", Token: "api-token-123", Cloud: cloud, Now: clock.Fixed(at)})
			dep := "datacenter"
			if cloud {
				dep = "cloud"
			}
			s := jiraSender(t, j, ", deployment: "+dep+", reopen_transition: To Do")
			ctx := context.Background()
			f := finding("CRITICAL")
			f.Finding.Evidence = `{"Policy": {"Principal": "*"}}`
			f.Finding.Remediation = "Remove the public statement."
			r, err := s.Send(ctx, "jira", one(f))
			if err != nil || r.Ticket != "SEC-1" || r.Status != 201 {
				t.Fatalf("create: %+v %v", r, err)
			}
			is := j.Issues()[0]
			if is.Summary != "New CRITICAL finding: S3.8 S3 general purpose buckets should block public access" || is.Priority != "Highest" || is.IssueType != "Task" ||
				!slices.Equal(is.Labels, []string{"guardrail", "guardrail-f1", "security"}) ||
				!strings.Contains(is.Description, "{noformat}\n{\"Policy\": {\"Principal\": \"*\"}}\n{noformat}") ||
				!strings.Contains(is.Description, "h3. How to fix\nRemove the public statement.") ||
				!strings.Contains(is.Description, "[Open in Guardrail|https://gr.example.com/findings/f1]") {
				t.Errorf("issue = %+v", is)
			}
			// The ticket's key was lost (a crash before the outbox recorded
			// it): the next change finds the issue by its label, comments.
			f.Change = "reopened"
			r, err = s.Send(ctx, "jira", one(f))
			if err != nil || r.Ticket != "SEC-1" || len(j.Issues()) != 1 {
				t.Fatalf("second send filed %d issues: %+v %v", len(j.Issues()), r, err)
			}
			// Resolved, with the key: a comment and the transition to Done.
			f.Change = "resolved"
			m := one(f)
			m.Ticket = "SEC-1"
			if _, err := s.Send(ctx, "jira", m); err != nil {
				t.Fatal(err)
			}
			is = j.Issues()[0]
			if len(is.Comments) != 2 || !strings.Contains(is.Comments[1], "Resolved CRITICAL finding") || is.Status != "Done" || is.Resolution != "Done" ||
				!slices.Equal(is.Transitions, []string{"Done"}) {
				t.Errorf("after resolve: %+v", is)
			}
			// Resolving again is a comment; the transition is not repeated.
			if _, err := s.Send(ctx, "jira", m); err != nil || len(j.Issues()[0].Transitions) != 1 {
				t.Errorf("second resolve: %v, transitions %v", err, j.Issues()[0].Transitions)
			}
			// Reopened: back to To Do.
			f.Change = "reopened"
			m = one(f)
			m.Ticket = "SEC-1"
			if _, err := s.Send(ctx, "jira", m); err != nil || j.Issues()[0].Status != "To Do" {
				t.Errorf("reopen: %v, status %s", err, j.Issues()[0].Status)
			}

			// Search, paged: the sync's poll.
			jc, err := s.Jira("jira")
			if err != nil {
				t.Fatal(err)
			}
			for i := range 120 {
				j.Add(notifytest.JiraIssue{Summary: "other", Labels: []string{"guardrail", notify.JiraLabel(fmt.Sprint("g", i))}, Updated: at.Add(time.Duration(i) * time.Minute)})
			}
			j.Close("SEC-5", "Won't Do")
			jql := `project = SEC AND labels = guardrail AND updated >= "2026-06-01 12:10" ORDER BY updated ASC`
			var all []notify.JiraIssue
			page, pages := "", 0
			for {
				is, next, err := jc.Search(ctx, jql, page)
				if err != nil {
					t.Fatal(err)
				}
				all, pages = append(all, is...), pages+1
				if next == "" {
					break
				}
				page = next
			}
			// SEC-5 was closed at 12:00 (the server clock), so it is before
			// the checkpoint; SEC-12 (g10) onwards are after it.
			if len(all) != 110 || pages != 3 || all[0].Key != "SEC-12" || all[0].FindingID != "g10" || !all[0].Updated.Equal(at.Add(10*time.Minute)) {
				t.Errorf("search: %d issues in %d pages, first %+v", len(all), pages, all[0])
			}
			won, _, err := jc.Search(ctx, `project = SEC AND resolution = "Won't Do"`, "")
			if err != nil || len(won) != 1 || won[0].Key != "SEC-5" || won[0].Status != "Done" || !jc.WontFix(won[0]) || jc.WontFix(all[0]) {
				t.Errorf("won't do: %+v %v", won, err)
			}
			if _, _, err := jc.Search(ctx, `project = SEC AND bogus = 1`, ""); err == nil || !strings.Contains(err.Error(), "HTTP 400: {\"errorMessages\":[\"Field 'bogus' does not exist") {
				t.Errorf("bad JQL: %v", err)
			}
			if err := jc.Transition(ctx, "SEC-2", "Closed"); err == nil || !strings.Contains(err.Error(), `has no transition to "Closed" (available: In Progress (to In Progress)`) {
				t.Errorf("unknown transition: %v", err)
			}
			if err := jc.Comment(ctx, "SEC-999", "x"); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
				t.Errorf("missing issue: %v", err)
			}
			if j.Unauthorized() != 0 {
				t.Errorf("%d unauthorized requests", j.Unauthorized())
			}
		})
	}
}

// TestJiraResolutionScreen: a transition whose screen asks for a
// resolution gets the configured one.
func TestJiraResolutionScreen(t *testing.T) {
	j := notifytest.NewJira(t, notifytest.JiraOptions{User: "bot@example.com", Token: "api-token-123", ResolutionScreen: true})
	s := jiraSender(t, j, ", resolution: Fixed")
	key := j.Add(notifytest.JiraIssue{Summary: "x", Labels: []string{"guardrail-f1"}})
	f := finding("HIGH")
	f.Change = "resolved"
	m := one(f)
	m.Ticket = key
	if _, err := s.Send(context.Background(), "jira", m); err != nil {
		t.Fatal(err)
	}
	if is := j.Issues()[0]; is.Status != "Done" || is.Resolution != "Fixed" {
		t.Errorf("issue = %+v", is)
	}
	// Without a resolution to give, the error says what Jira wants.
	j2 := notifytest.NewJira(t, notifytest.JiraOptions{User: "bot@example.com", Token: "api-token-123", ResolutionScreen: true})
	s = jiraSender(t, j2, `, resolution: ""`)
	m.Ticket = j2.Add(notifytest.JiraIssue{Summary: "x"})
	if _, err := s.Send(context.Background(), "jira", m); err == nil || !strings.Contains(err.Error(), "Resolution is required") {
		t.Errorf("err = %v", err)
	}
}

func TestJiraAuthAndTest(t *testing.T) {
	// Data Center: a bearer personal access token.
	j := notifytest.NewJira(t, notifytest.JiraOptions{Token: "pat-1", IssueTypes: []string{"Bug"}})
	t.Setenv("GR_TEST_PAT", "pat-1")
	s := sender(t, fmt.Sprintf(`
destinations:
  - {name: ok, type: jira, jira: {url: %q, token_env: GR_TEST_PAT, project: SEC, issue_type: Bug}}
  - {name: task, type: jira, jira: {url: %q, token_env: GR_TEST_PAT, project: SEC}}
  - {name: other, type: jira, jira: {url: %q, token_env: GR_TEST_PAT, project: OPS, issue_type: Bug}}
  - {name: wrong, type: jira, jira: {url: %q, user: bot@example.com, token: nope-token, project: SEC}}
routes: [{match: {}, to: [ok]}]
`, j.URL, j.URL, j.URL, j.URL), notify.Options{})
	ctx := context.Background()
	test := notify.Message{Events: []notify.Event{{Source: "test", Change: "test", At: at}}, Test: true}
	if _, err := s.Send(ctx, "ok", test); err != nil {
		t.Errorf("test message: %v", err)
	}
	if len(j.Issues()) != 0 {
		t.Error("a test message filed an issue")
	}
	if _, err := s.Send(ctx, "task", test); err == nil || !strings.Contains(err.Error(), `project SEC has no issue type "Task" (it has: Bug)`) {
		t.Errorf("missing issue type: %v", err)
	}
	if _, err := s.Send(ctx, "other", test); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("missing project: %v", err)
	}
	_, err := s.Send(ctx, "wrong", one(finding("LOW")))
	if _, retry := notify.Retryable(err); err == nil || retry || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "nope-token") {
		t.Errorf("bad credentials: %v", err)
	}
	if _, err := s.Send(ctx, "ok", notify.Message{Events: []notify.Event{finding("LOW"), finding("HIGH")}, Digest: true}); err == nil {
		t.Error("a digest was filed in Jira")
	}
	r, err := s.Send(ctx, "ok", one(finding("LOW")))
	if err != nil || r.Ticket != "SEC-1" || j.Issues()[0].Priority != "Low" {
		t.Errorf("create with a PAT: %+v %v", r, err)
	}
}
