package notifytest

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// JiraOptions configure a Jira server.
type JiraOptions struct {
	// User and Token: basic auth (Cloud); with User empty, Token is a
	// bearer personal access token (Data Center).
	User, Token string
	// Project is the one project (default "SEC"); IssueTypes its issue
	// types (default Task, Bug).
	Project    string
	IssueTypes []string
	// Cloud: search at /rest/api/2/search/jql with nextPageToken, and the
	// removed /rest/api/2/search answers 410 Gone, as Jira Cloud does;
	// false: Data Center's /rest/api/2/search with startAt.
	Cloud bool
	// Now is the server's clock (issues' created and updated).
	Now func() time.Time
	// PageSize caps maxResults (default 50).
	PageSize int
	// ResolutionScreen: transitions that resolve an issue ask for a
	// resolution field (400 without one), as a workflow whose transition
	// screen has the field and no post-function sets it.
	ResolutionScreen bool
}

// JiraIssue is an issue as the server holds it.
type JiraIssue struct {
	Key, Summary, Description, IssueType, Priority string
	Labels                                         []string
	Status, Resolution                             string
	Comments                                       []string
	Created, Updated                               time.Time
	// Transitions are the transitions applied, by target status.
	Transitions []string
}

// The workflow: To Do → In Progress → Done, and any status to Done with
// a resolution, or back to To Do ("Reopen").
var jiraTransitions = []struct {
	id, name, to, resolution string
}{
	{"11", "To Do", "To Do", ""},
	{"21", "In Progress", "In Progress", ""},
	{"31", "Done", "Done", "Done"},
	{"41", "Won't Do", "Done", "Won't Do"},
}

// Jira is a Jira-compatible server on loopback.
type Jira struct {
	URL  string
	opts JiraOptions

	mu     sync.Mutex
	issues []*JiraIssue
	// Calls counts requests by "METHOD path-pattern".
	calls map[string]int
	// Unauthorized counts requests refused for their credentials.
	unauthorized int
}

// NewJira starts a Jira server until the test ends.
func NewJira(t testing.TB, o JiraOptions) *Jira {
	t.Helper()
	if o.Project == "" {
		o.Project = "SEC"
	}
	if len(o.IssueTypes) == 0 {
		o.IssueTypes = []string{"Task", "Bug"}
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	}
	if o.PageSize == 0 {
		o.PageSize = 50
	}
	j := &Jira{opts: o, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rest/api/2/issue", j.create)
	mux.HandleFunc("GET /rest/api/2/issue/{key}", j.get)
	mux.HandleFunc("POST /rest/api/2/issue/{key}/comment", j.comment)
	mux.HandleFunc("GET /rest/api/2/issue/{key}/transitions", j.transitions)
	mux.HandleFunc("POST /rest/api/2/issue/{key}/transitions", j.transition)
	mux.HandleFunc("GET /rest/api/2/search", j.searchDC)
	mux.HandleFunc("GET /rest/api/2/search/jql", j.searchCloud)
	mux.HandleFunc("GET /rest/api/2/project/{key}", j.project)
	srv := httptest.NewServer(j.auth(mux))
	t.Cleanup(srv.Close)
	j.URL = srv.URL
	return j
}

func jiraError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{}})
}

func (j *Jira) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want := "Bearer " + j.opts.Token
		if j.opts.User != "" {
			want = "Basic " + base64.StdEncoding.EncodeToString([]byte(j.opts.User+":"+j.opts.Token))
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
			j.mu.Lock()
			j.unauthorized++
			j.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
			jiraError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
			return
		}
		j.mu.Lock()
		j.calls[r.Method+" "+r.Pattern]++
		j.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// Calls returns how many authenticated requests were made to pattern
// ("POST /rest/api/2/issue", "GET /rest/api/2/search/jql"...).
func (j *Jira) Calls(pattern string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	// r.Pattern is "METHOD /path"; Calls is keyed "METHOD METHOD /path".
	m, _, _ := strings.Cut(pattern, " ")
	return j.calls[m+" "+pattern]
}

// Unauthorized returns how many requests were refused for their
// credentials.
func (j *Jira) Unauthorized() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.unauthorized
}

// Issues returns copies of the issues, in creation order.
func (j *Jira) Issues() []JiraIssue {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]JiraIssue, len(j.issues))
	for i, is := range j.issues {
		out[i] = *is
		out[i].Labels = slices.Clone(is.Labels)
		out[i].Comments = slices.Clone(is.Comments)
	}
	return out
}

// Close moves issue key to Done with resolution (a person closing it,
// "Won't Do" for won't-fix), at the server's clock.
func (j *Jira) Close(key, resolution string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if is := j.find(key); is != nil {
		is.Status, is.Resolution, is.Updated = "Done", resolution, j.opts.Now()
	}
}

// Add files an issue directly (as a person would), returning its key.
func (j *Jira) Add(is JiraIssue) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	is.Key = fmt.Sprintf("%s-%d", j.opts.Project, len(j.issues)+1)
	if is.Status == "" {
		is.Status = "To Do"
	}
	if is.Created.IsZero() {
		is.Created = j.opts.Now()
	}
	if is.Updated.IsZero() {
		is.Updated = is.Created
	}
	j.issues = append(j.issues, &is)
	return is.Key
}

func (j *Jira) find(key string) *JiraIssue {
	for _, is := range j.issues {
		if is.Key == key {
			return is
		}
	}
	return nil
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		jiraError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: "+ct)
		return false
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(b, v); err != nil {
		jiraError(w, http.StatusBadRequest, "Unexpected character in the request body: "+err.Error())
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

func (j *Jira) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Fields struct {
			Project     struct{ Key string }
			IssueType   struct{ Name string } `json:"issuetype"`
			Summary     string
			Description string
			Priority    *struct{ Name string }
			Labels      []string
		}
	}
	if !decode(w, r, &in) {
		return
	}
	f := in.Fields
	errs := map[string]string{}
	if f.Project.Key != j.opts.Project {
		errs["project"] = "valid project is required"
	}
	if !slices.Contains(j.opts.IssueTypes, f.IssueType.Name) {
		errs["issuetype"] = "valid issue type is required"
	}
	if f.Summary == "" || len(f.Summary) > 255 || strings.ContainsAny(f.Summary, "\r\n") {
		errs["summary"] = "Summary must be less than 255 characters, on one line."
	}
	for _, l := range f.Labels {
		if l == "" || strings.ContainsAny(l, " \t") || len(l) > 255 {
			errs["labels"] = "The label '" + l + "' contains spaces which is invalid."
		}
	}
	prio := ""
	if f.Priority != nil {
		if !slices.Contains([]string{"Highest", "High", "Medium", "Low", "Lowest"}, f.Priority.Name) {
			errs["priority"] = "Specify the Priority (name) in the string format"
		}
		prio = f.Priority.Name
	}
	if len(errs) > 0 {
		reply(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{}, "errors": errs})
		return
	}
	j.mu.Lock()
	now := j.opts.Now()
	is := &JiraIssue{Key: fmt.Sprintf("%s-%d", j.opts.Project, len(j.issues)+1), Summary: f.Summary, Description: f.Description,
		IssueType: f.IssueType.Name, Priority: prio, Labels: f.Labels, Status: "To Do", Created: now, Updated: now}
	j.issues = append(j.issues, is)
	j.mu.Unlock()
	reply(w, http.StatusCreated, map[string]string{"id": strconv.Itoa(10000 + len(j.issues)), "key": is.Key, "self": j.URL + "/rest/api/2/issue/" + is.Key})
}

func (j *Jira) issue(w http.ResponseWriter, r *http.Request) *JiraIssue {
	is := j.find(r.PathValue("key"))
	if is == nil {
		jiraError(w, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
	}
	return is
}

func (j *Jira) fields(is *JiraIssue) map[string]any {
	var res any
	if is.Resolution != "" {
		res = map[string]string{"name": is.Resolution}
	}
	return map[string]any{
		"status": map[string]string{"name": is.Status}, "resolution": res, "labels": is.Labels,
		"updated": is.Updated.UTC().Format("2006-01-02T15:04:05.000-0700"), "created": is.Created.UTC().Format("2006-01-02T15:04:05.000-0700"),
		"summary": is.Summary,
	}
}

func (j *Jira) get(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if is := j.issue(w, r); is != nil {
		reply(w, http.StatusOK, map[string]any{"key": is.Key, "fields": j.fields(is)})
	}
}

func (j *Jira) comment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	if !decode(w, r, &in) {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	is := j.issue(w, r)
	if is == nil {
		return
	}
	if strings.TrimSpace(in.Body) == "" {
		reply(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{}, "errors": map[string]string{"comment": "Comment body can not be empty!"}})
		return
	}
	is.Comments = append(is.Comments, in.Body)
	is.Updated = j.opts.Now()
	reply(w, http.StatusCreated, map[string]string{"id": strconv.Itoa(len(is.Comments)), "body": in.Body})
}

func (j *Jira) transitions(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	is := j.issue(w, r)
	if is == nil {
		return
	}
	var ts []map[string]any
	for _, t := range jiraTransitions {
		if t.to == is.Status && t.resolution == "" {
			continue
		}
		ts = append(ts, map[string]any{"id": t.id, "name": t.name, "to": map[string]string{"name": t.to}})
	}
	reply(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": ts})
}

func (j *Jira) transition(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Transition struct{ ID string }
		Fields     struct {
			Resolution *struct{ Name string }
		}
	}
	if !decode(w, r, &in) {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	is := j.issue(w, r)
	if is == nil {
		return
	}
	for _, t := range jiraTransitions {
		if t.id == in.Transition.ID {
			res := t.resolution
			if j.opts.ResolutionScreen && res != "" {
				if in.Fields.Resolution == nil || in.Fields.Resolution.Name == "" {
					reply(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{}, "errors": map[string]string{"resolution": "Resolution is required."}})
					return
				}
				res = in.Fields.Resolution.Name
			}
			is.Status, is.Resolution, is.Updated = t.to, res, j.opts.Now()
			is.Transitions = append(is.Transitions, t.to)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	reply(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{"Transition id '" + in.Transition.ID + "' is not valid for this issue."}, "errors": map[string]string{}})
}

func (j *Jira) project(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("key") != j.opts.Project {
		jiraError(w, http.StatusNotFound, "No project could be found with key '"+r.PathValue("key")+"'.")
		return
	}
	var types []map[string]string
	for _, t := range j.opts.IssueTypes {
		types = append(types, map[string]string{"name": t})
	}
	reply(w, http.StatusOK, map[string]any{"key": j.opts.Project, "issueTypes": types})
}

// search runs jql and returns the matching issues, ordered.
func (j *Jira) search(w http.ResponseWriter, r *http.Request) ([]*JiraIssue, int, bool) {
	q, err := parseJQL(r.URL.Query().Get("jql"))
	if err != nil {
		jiraError(w, http.StatusBadRequest, err.Error())
		return nil, 0, false
	}
	max := j.opts.PageSize
	if s := r.URL.Query().Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			jiraError(w, http.StatusBadRequest, "maxResults must be a number")
			return nil, 0, false
		}
		max = min(n, j.opts.PageSize)
	}
	var out []*JiraIssue
	for _, is := range j.issues {
		if q.match(is) {
			out = append(out, is)
		}
	}
	if q.orderBy != "" {
		sort.SliceStable(out, func(a, b int) bool {
			x, y := out[a], out[b]
			var c int
			switch q.orderBy {
			case "updated":
				c = x.Updated.Compare(y.Updated)
			case "created":
				c = x.Created.Compare(y.Created)
			default:
				c = keyNum(x.Key) - keyNum(y.Key)
			}
			if q.desc {
				c = -c
			}
			return c < 0
		})
	}
	return out, max, true
}

func keyNum(k string) int {
	_, n, _ := strings.Cut(k, "-")
	i, _ := strconv.Atoi(n)
	return i
}

func (j *Jira) page(is []*JiraIssue) []map[string]any {
	out := []map[string]any{}
	for _, i := range is {
		out = append(out, map[string]any{"key": i.Key, "fields": j.fields(i)})
	}
	return out
}

func (j *Jira) searchDC(w http.ResponseWriter, r *http.Request) {
	if j.opts.Cloud {
		jiraError(w, http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	all, max, ok := j.search(w, r)
	if !ok {
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
	start = min(max0(start), len(all))
	end := min(start+max, len(all))
	reply(w, http.StatusOK, map[string]any{"startAt": start, "maxResults": max, "total": len(all), "issues": j.page(all[start:end])})
}

func max0(n int) int { return max(n, 0) }

func (j *Jira) searchCloud(w http.ResponseWriter, r *http.Request) {
	if !j.opts.Cloud {
		jiraError(w, http.StatusNotFound, "null for uri: "+r.URL.Path)
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	all, max, ok := j.search(w, r)
	if !ok {
		return
	}
	start := 0
	if tok := r.URL.Query().Get("nextPageToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "page:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "page:") {
			jiraError(w, http.StatusBadRequest, "Invalid nextPageToken")
			return
		}
		start = min(n, len(all))
	}
	end := min(start+max, len(all))
	out := map[string]any{"issues": j.page(all[start:end]), "isLast": end >= len(all)}
	if end < len(all) {
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte("page:" + strconv.Itoa(end)))
	}
	reply(w, http.StatusOK, out)
}
