package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Jira, through its REST API version 2, which Jira Cloud and Jira Data
// Center both serve: v2 takes an issue's description and comments as
// text in Jira's wiki markup, where v3 (Cloud only) needs them in the
// Atlassian Document Format; v2 keeps one client for both.
//
// One issue per finding: an issue carries the label
// "guardrail-<finding ID>" (and "guardrail"). A message with a Ticket
// comments on it; one without first searches the project for an issue
// with the finding's label and comments on that if there is one, so a
// ticket lost by a crash between creating it and recording its key is
// found again instead of filed twice. When a finding resolves, its issue
// is moved to resolved_transition with a comment; when it reopens, to
// reopen_transition if one is set.
//
// Authentication: basic with the user's e-mail and an API token (Cloud),
// or a bearer personal access token when no user is set (Data Center).

// jiraMaxText is Jira's limit on a text field (description, comment):
// 32,767 characters.
const jiraMaxText = 32000

// JiraLabel is the label that ties an issue to finding id.
func JiraLabel(findingID string) string { return "guardrail-" + findingID }

// Jira is a client of one Jira destination's REST API, for the two-way
// sync: comments, transitions and searches.
type Jira struct {
	s *Sender
	d *Destination
	c *JiraConfig
}

// JiraIssue is an issue as a search returns it.
type JiraIssue struct {
	Key        string
	Status     string
	Resolution string // "" while unresolved
	Labels     []string
	Updated    time.Time
	// FindingID is the finding the issue was filed for, from its label
	// "guardrail-<findingID>"; "" if it has none.
	FindingID string
}

// WontFix reports whether the issue was closed as won't-fix or accepted
// risk, as the destination's wontfix_resolutions and wontfix_statuses
// say (case-insensitive).
func (j *Jira) WontFix(i JiraIssue) bool {
	for _, r := range j.c.WontFixResolutions {
		if i.Resolution != "" && strings.EqualFold(r, i.Resolution) {
			return true
		}
	}
	for _, st := range j.c.WontFixStatuses {
		if strings.EqualFold(st, i.Status) {
			return true
		}
	}
	return false
}

// Config returns the destination's Jira settings.
func (j *Jira) Config() *JiraConfig { return j.c }

// Jira returns the Jira client of the destination named dest.
func (s *Sender) Jira(dest string) (*Jira, error) {
	d, ok := s.cfg.Destination(dest)
	if !ok {
		return nil, fmt.Errorf("notify: destination %q is not defined in %s", dest, s.cfg.File)
	}
	if d.Type != JiraT {
		return nil, fmt.Errorf("notify: destination %q is a %s destination, not jira", dest, d.Type)
	}
	return &Jira{s: s, d: d, c: d.Jira}, nil
}

func (j *Jira) header() http.Header {
	h := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
	if j.c.User != "" {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(j.c.User+":"+j.c.Token)))
	} else {
		h.Set("Authorization", "Bearer "+j.c.Token)
	}
	return h
}

// call sends a request to the API path (under /rest/api/2) and decodes a
// JSON answer into out (when not nil).
func (j *Jira) call(ctx context.Context, method, path string, in, out any) (int, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, err
		}
	}
	code, b, err := j.s.post(ctx, j.d, method, j.c.URL+"/rest/api/2/"+path, body, j.header())
	if err != nil {
		return code, fmt.Errorf("%s %s: %w", method, strings.SplitN(path, "?", 2)[0], err)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return code, fmt.Errorf("%s %s: the answer is not Jira's JSON: %w", method, strings.SplitN(path, "?", 2)[0], err)
		}
	}
	return code, nil
}

// Comment adds a comment to issue key.
func (j *Jira) Comment(ctx context.Context, key, text string) error {
	_, err := j.call(ctx, http.MethodPost, "issue/"+url.PathEscape(key)+"/comment", map[string]string{"body": truncate(text, jiraMaxText)}, nil)
	return err
}

// Status returns issue key's status name.
func (j *Jira) Status(ctx context.Context, key string) (string, error) {
	var out struct {
		Fields struct {
			Status struct{ Name string }
		}
	}
	if _, err := j.call(ctx, http.MethodGet, "issue/"+url.PathEscape(key)+"?fields=status", nil, &out); err != nil {
		return "", err
	}
	return out.Fields.Status.Name, nil
}

// Transition moves issue key to the status named toStatus, through the
// transition (GET .../transitions) whose target status has that name
// (or, failing that, the transition of that name). An issue already in
// that status is left alone. No such transition from the issue's
// current status is a permanent error naming the ones there are.
func (j *Jira) Transition(ctx context.Context, key, toStatus string) error {
	cur, err := j.Status(ctx, key)
	if err != nil {
		return err
	}
	if strings.EqualFold(cur, toStatus) {
		return nil
	}
	var ts struct {
		Transitions []struct {
			ID, Name string
			To       struct{ Name string }
		}
	}
	if _, err := j.call(ctx, http.MethodGet, "issue/"+url.PathEscape(key)+"/transitions", nil, &ts); err != nil {
		return err
	}
	// Prefer the transition named like its target ("Done" to Done) over
	// another one to the same status ("Won't Do" to Done), then one named
	// toStatus.
	var names []string
	for _, t := range ts.Transitions {
		names = append(names, fmt.Sprintf("%s (to %s)", t.Name, t.To.Name))
	}
	id := ""
	for _, pick := range []func(name, to string) bool{
		func(name, to string) bool {
			return strings.EqualFold(to, toStatus) && strings.EqualFold(name, toStatus)
		},
		func(name, to string) bool { return strings.EqualFold(to, toStatus) },
		func(name, to string) bool { return strings.EqualFold(name, toStatus) },
	} {
		for _, t := range ts.Transitions {
			if id == "" && pick(t.Name, t.To.Name) {
				id = t.ID
			}
		}
	}
	if id == "" {
		if len(names) == 0 {
			names = []string{"none"}
		}
		return fmt.Errorf("issue %s (status %s) has no transition to %q (available: %s)", key, cur, toStatus, strings.Join(names, ", "))
	}
	path := "issue/" + url.PathEscape(key) + "/transitions"
	_, err = j.call(ctx, http.MethodPost, path, map[string]any{"transition": map[string]string{"id": id}}, nil)
	if err != nil && j.c.Resolution != "" && strings.Contains(err.Error(), "HTTP 400") && strings.Contains(strings.ToLower(err.Error()), "resolution") {
		// The transition's screen asks for a resolution (a workflow
		// without a post-function that sets it): give the configured one.
		_, err = j.call(ctx, http.MethodPost, path, map[string]any{"transition": map[string]string{"id": id},
			"fields": map[string]any{"resolution": map[string]string{"name": j.c.Resolution}}}, nil)
	}
	return err
}

// jiraTime is the layout of Jira's timestamps: 2024-01-15T10:20:30.000+0000.
const jiraTime = "2006-01-02T15:04:05.000-0700"

type searchIssue struct {
	Key    string
	Fields struct {
		Status     *struct{ Name string }
		Resolution *struct{ Name string }
		Labels     []string
		Updated    string
	}
}

// SearchPageSize is how many issues one Search asks for.
const SearchPageSize = 50

// Search runs jql and returns one page of issues, from the page named
// by page ("" for the first); next names the following page, "" after
// the last. Jira Cloud pages with an opaque token (GET
// /rest/api/2/search/jql, nextPageToken: the offset-based /search was
// removed from Cloud in 2025); Jira Data Center with startAt (GET
// /rest/api/2/search), which Search carries as the token.
func (j *Jira) Search(ctx context.Context, jql, page string) (issues []JiraIssue, next string, err error) {
	q := url.Values{"jql": {jql}, "maxResults": {strconv.Itoa(SearchPageSize)}, "fields": {"status,resolution,labels,updated"}}
	var out struct {
		Issues        []searchIssue
		NextPageToken string
		IsLast        *bool
		StartAt       int
		MaxResults    int
		Total         int
	}
	path := "search"
	if j.c.Cloud {
		path = "search/jql"
		if page != "" {
			q.Set("nextPageToken", page)
		}
	} else if page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 0 {
			return nil, "", fmt.Errorf("jira search: %q is not a page of a Data Center search", page)
		}
		q.Set("startAt", page)
	}
	if _, err := j.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &out); err != nil {
		return nil, "", err
	}
	for _, si := range out.Issues {
		i := JiraIssue{Key: si.Key, Labels: si.Fields.Labels}
		if si.Fields.Status != nil {
			i.Status = si.Fields.Status.Name
		}
		if si.Fields.Resolution != nil {
			i.Resolution = si.Fields.Resolution.Name
		}
		if si.Fields.Updated != "" {
			t, err := time.Parse(jiraTime, si.Fields.Updated)
			if err != nil {
				return nil, "", fmt.Errorf("jira search: issue %s: updated %q is not a Jira time", si.Key, si.Fields.Updated)
			}
			i.Updated = t
		}
		for _, l := range si.Fields.Labels {
			if id, ok := strings.CutPrefix(l, "guardrail-"); ok && id != "" && !strings.HasPrefix(id, "alert-") && !strings.HasPrefix(id, "run-") {
				i.FindingID = id
			}
		}
		issues = append(issues, i)
	}
	if j.c.Cloud {
		if out.NextPageToken != "" && (out.IsLast == nil || !*out.IsLast) {
			next = out.NextPageToken
		}
	} else if end := out.StartAt + len(out.Issues); len(out.Issues) > 0 && end < out.Total {
		next = strconv.Itoa(end)
	}
	return issues, next, nil
}

// JQLString quotes s as a JQL string literal.
func JQLString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// jiraLabelFor is the label identifying the subject of ev.
func jiraLabelFor(ev *Event) string {
	switch {
	case ev.Finding != nil:
		return JiraLabel(ev.Finding.ID)
	case ev.Alert != nil:
		return "guardrail-alert-" + ev.Alert.ID
	case ev.Run != nil:
		return "guardrail-run-" + ev.Run.ID
	}
	return "guardrail-test"
}

func (s *Sender) jira(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	j := &Jira{s: s, d: d, c: d.Jira}
	if len(m.Events) != 1 || m.Digest {
		return Receipt{}, errors.New("jira files one issue per event: send the events one by one, not a digest")
	}
	if m.Test {
		return j.check(ctx)
	}
	ev := &m.Events[0]
	key := m.Ticket
	if key == "" {
		// A ticket filed before (and its key lost) is found by its label.
		issues, _, err := j.Search(ctx, "project = "+JQLString(j.c.Project)+" AND labels = "+JQLString(jiraLabelFor(ev))+" ORDER BY created DESC", "")
		if err != nil {
			return Receipt{}, err
		}
		if len(issues) > 0 {
			key = issues[0].Key
		}
	}
	if key == "" {
		return j.create(ctx, ev)
	}
	v := s.view(ev, false)
	if err := j.Comment(ctx, key, wikiComment(v)); err != nil {
		return Receipt{}, err
	}
	to := ""
	switch ev.Change {
	case "resolved":
		to = j.c.ResolvedTransition
	case "reopened":
		to = j.c.ReopenTransition
	}
	if to != "" {
		if err := j.Transition(ctx, key, to); err != nil {
			return Receipt{Ticket: key}, err
		}
	}
	return Receipt{Ticket: key, Status: http.StatusCreated}, nil
}

// check is a test message to Jira: it files nothing, but proves the
// credentials, the project and the issue type.
func (j *Jira) check(ctx context.Context) (Receipt, error) {
	var p struct {
		Key        string
		IssueTypes []struct{ Name string }
	}
	code, err := j.call(ctx, http.MethodGet, "project/"+url.PathEscape(j.c.Project), nil, &p)
	if err != nil {
		return Receipt{Status: code}, err
	}
	var types []string
	for _, t := range p.IssueTypes {
		if strings.EqualFold(t.Name, j.c.IssueType) {
			return Receipt{Status: code}, nil
		}
		types = append(types, t.Name)
	}
	return Receipt{Status: code}, fmt.Errorf("project %s has no issue type %q (it has: %s)", j.c.Project, j.c.IssueType, strings.Join(types, ", "))
}

func (j *Jira) create(ctx context.Context, ev *Event) (Receipt, error) {
	v := j.s.view(ev, false)
	labels := append([]string{"guardrail", jiraLabelFor(ev)}, j.c.Labels...)
	fields := map[string]any{
		"project":     map[string]string{"key": j.c.Project},
		"issuetype":   map[string]string{"name": j.c.IssueType},
		"summary":     truncate(strings.ReplaceAll(v.Headline, "\n", " "), 255),
		"description": truncate(wikiDescription(v), jiraMaxText),
		"labels":      labels,
	}
	if p := j.c.Priority[v.Severity]; p != "" {
		fields["priority"] = map[string]string{"name": p}
	}
	var out struct{ ID, Key string }
	code, err := j.call(ctx, http.MethodPost, "issue", map[string]any{"fields": fields}, &out)
	if err != nil {
		return Receipt{Status: code}, err
	}
	if out.Key == "" {
		return Receipt{Status: code}, errors.New("POST issue: the answer has no issue key")
	}
	return Receipt{Ticket: out.Key, Status: code}, nil
}

// wiki escapes the characters Jira's wiki markup would interpret in a
// value.
func wiki(s string) string {
	return strings.NewReplacer("{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`, "|", `\|`, "*", `\*`, "_", `\_`).Replace(s)
}

func wikiDescription(v view) string {
	var b strings.Builder
	for _, f := range v.Facts {
		fmt.Fprintf(&b, "*%s:* %s\n", f.Label, wiki(f.Value))
	}
	if v.Body != "" {
		b.WriteString("\nh3. What was found\n" + wiki(v.Body) + "\n")
	}
	if v.Evidence != "" {
		b.WriteString("\nh3. Evidence\n{noformat}\n" + strings.ReplaceAll(truncate(v.Evidence, 20000), "{noformat}", "") + "\n{noformat}\n")
	}
	if v.Fix != "" {
		b.WriteString("\nh3. How to fix\n" + wiki(v.Fix) + "\n")
	}
	if v.Link != "" {
		b.WriteString("\n[Open in Guardrail|" + v.Link + "]\n")
	}
	b.WriteString("\n_Filed by Guardrail. Keep the guardrail-* label: it ties this issue to its finding._\n")
	return b.String()
}

func wikiComment(v view) string {
	s := "*" + wiki(v.Headline) + "*"
	if v.Body != "" {
		s += "\n" + wiki(v.Body)
	}
	if v.Link != "" {
		s += "\n[Open in Guardrail|" + v.Link + "]"
	}
	return s
}
