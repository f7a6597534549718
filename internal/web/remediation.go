package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Remediation in the dashboard. What it shows comes from the journal
// (package remediate: Runs, RunStatus, History) and the playbooks' Info.
// It calls AWS only when the server was given AWS access (Options.AWS),
// for two things:
//
//   - a finding's plan (GET, reads only): remediate.Plan of that one
//     finding, discovering only its account, bounded by planTimeout and
//     by maxPlans at once, and refused when another site asks for it;
//   - a run's rollback (POST, changes AWS): a write like the others here
//     (the token or a session, from the dashboard's own origin: see
//     security.go and server.go), which also needs the confirmation that
//     only the run's rollback page sends (confirm=<run ID>), runs one at
//     a time, and is not interrupted when the browser goes away (it is
//     bounded by rollbackTimeout; an interrupted rollback is finished by
//     rolling back again).
//
// Without AWS access, every page shows the CLI command that does it.

const (
	planTimeout     = 30 * time.Second
	rollbackTimeout = 10 * time.Minute
	maxPlans        = 4
)

// live says whether the dashboard may call AWS.
func (s *Server) live() bool { return s.o.AWS != nil }

// engine returns the remediation engine's options for a plan or a
// rollback from the dashboard.
func (s *Server) engine() remediate.Options {
	o := s.o.Remediate
	o.Store = s.o.Store
	o.Now = s.o.Now
	if o.Catalog == nil {
		o.Catalog = s.o.Catalog
	}
	o.Controls, o.Findings, o.Severities, o.Scan, o.Run, o.Accounts, o.Regions, o.Progress = nil, nil, nil, "", "", nil, nil, nil
	return o
}

// playbooks returns the playbooks of a control.
func (s *Server) playbooks(control string) []playbook.Info {
	var out []playbook.Info
	for _, p := range s.o.Remediate.AllPlaybooks() {
		if in := p.Info(); in.Control == control {
			out = append(out, in)
		}
	}
	return out
}

// withPlaybook lists the controls that have a playbook.
func (s *Server) withPlaybook() []string {
	var out []string
	for _, p := range s.o.Remediate.AllPlaybooks() {
		out = append(out, p.Info().Control)
	}
	slices.SortFunc(out, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case control.Less(a, b):
			return -1
		}
		return 1
	})
	return slices.Compact(out)
}

// stepView is a journaled change as the pages show it.
type stepView struct {
	store.BaselineStep
	Control  string `json:"control"`
	Resource string `json:"resource"`
	// Kind is the kind of the step's run (apply, rollback).
	Kind string `json:"run_kind,omitempty"`
	// Changes are the fields the step changed (prior -> want), or, in
	// a rollback's confirmation, the fields it will put back.
	Changes []jsondiff.Field `json:"changes"`
}

func viewStep(s store.BaselineStep, kind string, undo bool) stepView {
	ctl, arn, _ := strings.Cut(s.Item, " ")
	v := stepView{BaselineStep: s, Control: ctl, Resource: arn, Kind: kind}
	if undo {
		v.Changes = jsondiff.Diff(s.Want, s.Prior)
	} else {
		v.Changes = jsondiff.Diff(s.Prior, s.Want)
	}
	if v.Changes == nil {
		v.Changes = []jsondiff.Field{}
	}
	return v
}

// findingRemediation is a finding's remediation: its playbooks, its
// history, and how to plan it.
type findingRemediation struct {
	Finding   string          `json:"finding"`
	Control   string          `json:"control"`
	Playbooks []playbook.Info `json:"playbooks"`
	// WithPlaybook are the controls that have a playbook, when this one
	// has none.
	WithPlaybook []string `json:"controls_with_playbook,omitempty"`
	// History is every journaled change to the finding's resource under
	// its control, oldest first.
	History []stepView `json:"history"`
	// Fixable: the finding fails and a playbook fixes its control.
	Fixable bool `json:"fixable"`
	// Live: the dashboard plans it itself (Plan is where); otherwise
	// Command plans it.
	Live    bool   `json:"live"`
	Plan    string `json:"plan,omitempty"`
	Command string `json:"command,omitempty"`
	// Apply is the command that fixes it.
	Apply string `json:"apply_command,omitempty"`
}

func (s *Server) findingRemediation(ctx context.Context, f finding.Finding) (findingRemediation, error) {
	v := findingRemediation{Finding: f.ID, Control: f.Control, Playbooks: s.playbooks(f.Control), Live: s.live(), History: []stepView{}}
	if len(v.Playbooks) == 0 {
		v.Playbooks = []playbook.Info{}
		v.WithPlaybook = s.withPlaybook()
	}
	v.Fixable = len(v.Playbooks) > 0 && f.Compliance == control.Failed
	if v.Fixable {
		if v.Live {
			v.Plan = "/api/findings/" + f.ID + "/remediation/plan"
		} else {
			v.Command = "guardrail remediate plan --finding " + f.ID
		}
		v.Apply = "guardrail remediate apply --finding " + f.ID
	}
	steps, err := remediate.History(ctx, s.o.Store, f.Control, f.ResourceARN)
	if err != nil {
		return v, err
	}
	if len(steps) == 0 {
		return v, nil
	}
	runs, err := remediate.Runs(ctx, s.o.Store)
	if err != nil {
		return v, err
	}
	kinds := map[string]string{}
	for _, r := range runs {
		kinds[r.ID] = r.Kind
	}
	// The ARN of an account-wide resource is the same in every account
	// and region ("AWS::::Account:111122223333" is per account only):
	// keep the finding's account, and its region unless the control
	// judges once per account.
	c := s.o.Catalog.Control(f.Control)
	for _, st := range steps {
		if st.Account != f.Account || (c == nil || !c.Global) && st.Region != f.Region {
			continue
		}
		v.History = append(v.History, viewStep(st, kinds[st.Run], false))
	}
	return v, nil
}

func (s *Server) apiFindingRemediation(w http.ResponseWriter, r *http.Request) {
	f, ok := s.lookupFinding(w, r)
	if !ok {
		return
	}
	v, err := s.findingRemediation(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// lookupFinding reads the finding of the path, or answers why not.
func (s *Server) lookupFinding(w http.ResponseWriter, r *http.Request) (finding.Finding, bool) {
	id, err := findingID(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return finding.Finding{}, false
	}
	f, _, err := s.o.Store.Finding(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no finding %s", id))
		return f, false
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return f, false
	}
	return f, true
}

// planError is why a plan could not be made, as shown: its status and
// message (an internal error's message is its ID only).
type planError struct {
	status int
	msg    string
}

// plan plans the remediation of finding f, from the live state.
func (s *Server) plan(r *http.Request, f finding.Finding) (*remediate.Report, *planError) {
	if !s.live() {
		return nil, &planError{http.StatusForbidden, "this dashboard has no AWS access (it was started without --aws): plan it with 'guardrail remediate plan --finding " + f.ID + "'"}
	}
	// A plan is a GET, but it calls AWS with the dashboard's credentials:
	// another site must not make browsers start plans (a link or an
	// image). Browsers say where a request comes from; the address bar
	// says "none".
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return nil, &planError{http.StatusForbidden, "a plan calls AWS: start it from the finding's page (/findings/" + f.ID + ")"}
	}
	select {
	case s.plans <- struct{}{}:
		defer func() { <-s.plans }()
	default:
		return nil, &planError{http.StatusTooManyRequests, fmt.Sprintf("%d plans are running already: try again in a moment", maxPlans)}
	}
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	cfg, err := s.o.AWS(ctx)
	if err != nil {
		return nil, &planError{http.StatusInternalServerError, s.internal(r, fmt.Errorf("remediation plan: AWS configuration: %w", err))}
	}
	o := s.engine()
	o.Findings = []string{f.ID}
	// Only the finding's account and region are discovered: a plan of
	// one finding assumes one role.
	o.Discover.Include, o.Discover.Regions = []string{f.Account}, []string{f.Region}
	rep, err := remediate.Plan(ctx, cfg, o)
	switch {
	case err == nil:
		return rep, nil
	case remediate.IsInput(err):
		return nil, &planError{http.StatusBadRequest, err.Error()}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		s.o.Log.Warn("dashboard: remediation plan timed out", "finding", f.ID, "err", err)
		return nil, &planError{http.StatusGatewayTimeout, fmt.Sprintf("the plan did not finish within %s: run 'guardrail remediate plan --finding %s'", planTimeout, f.ID)}
	}
	return nil, &planError{http.StatusInternalServerError, s.internal(r, fmt.Errorf("remediation plan of %s: %w", f.ID, err))}
}

// planView is a finding's plan, as its page shows it.
type planView struct {
	Report *remediate.Report
	// Item is the finding's item of the report.
	Item    *remediate.Item
	Error   string
	Command string
}

// planPage shows the plan of a finding's remediation: the whole page,
// or (to htmx, from the finding's page) only the plan. The htmx answer
// is 200 even when the plan failed, so that the message replaces the
// plan (htmx leaves the page alone on an error status).
func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	f, ok := s.lookupFinding(w, r)
	if !ok {
		return
	}
	v := planView{Command: "guardrail remediate plan --finding " + f.ID}
	status := http.StatusOK
	if s.live() {
		rep, perr := s.plan(r, f)
		if perr != nil {
			v.Error, status = perr.msg, perr.status
		} else {
			v.Report = rep
			for i := range rep.Items {
				if rep.Items[i].Finding == f.ID {
					v.Item = &rep.Items[i]
				}
			}
		}
	}
	if r.Header.Get("HX-Request") != "" && r.Header.Get("HX-Boosted") == "" {
		status = http.StatusOK
	}
	s.render(w, r, "plan", status, map[string]any{"Title": "Plan · " + f.Title, "F": f, "P": v, "Live": s.live()})
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	f, ok := s.lookupFinding(w, r)
	if !ok {
		return
	}
	rep, perr := s.plan(r, f)
	if perr != nil {
		writeJSONError(w, perr.status, perr.msg)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// outcome says what a run's items came to, "4 changed, 1 failed", in
// the order the CLI says it.
func outcome(c remediate.Counts) string {
	var parts []string
	for _, a := range []remediate.Action{remediate.Changed, remediate.Unverified, remediate.Restored, remediate.Unchanged, remediate.Passing,
		remediate.Exempt, remediate.Skipped, remediate.Pending, remediate.Failed} {
		if n := c[a]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// runRow is a remediation run in the list of runs.
type runRow struct {
	remediate.Run
	// Open is how many of an apply run's changes are not rolled back.
	Open int `json:"changes_not_rolled_back"`
}

// Undoable says whether the run has changes to roll back.
func (r runRow) Undoable() bool { return r.Kind == store.RunApply && r.Open > 0 }

// open counts the steps not rolled back.
func open(steps []store.BaselineStep) int {
	n := 0
	for _, st := range steps {
		if st.Status != store.StepRolledBack {
			n++
		}
	}
	return n
}

func (s *Server) runRows(ctx context.Context) ([]runRow, error) {
	runs, err := remediate.Runs(ctx, s.o.Store)
	if err != nil {
		return nil, err
	}
	out := []runRow{}
	for _, run := range runs {
		row := runRow{Run: run}
		if run.Kind == store.RunApply {
			steps, err := s.o.Store.BaselineSteps(ctx, run.ID)
			if err != nil {
				return nil, err
			}
			row.Open = open(steps)
		}
		out = append(out, row)
	}
	return out, nil
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	rows, err := s.runRows(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, "remediation", http.StatusOK, map[string]any{"Title": "Remediation", "Runs": rows, "Live": s.live(),
		"WithPlaybook": s.withPlaybook()})
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	rows, err := s.runRows(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, rows)
}

// run reads the run of the path with its steps; an unknown run is
// store.ErrNotFound.
func (s *Server) run(r *http.Request) (runRow, error) {
	id, err := runID(r)
	if err != nil {
		return runRow{}, err
	}
	run, err := remediate.RunStatus(r.Context(), s.o.Store, id)
	if remediate.IsInput(err) {
		return runRow{}, fmt.Errorf("no remediation run %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return runRow{}, err
	}
	row := runRow{Run: run}
	if run.Kind == store.RunApply {
		row.Open = open(run.Steps)
	}
	return row, nil
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.run(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

// runData is what a run's page and its rollback page show.
func (s *Server) runData(run runRow, undo bool) map[string]any {
	var steps []stepView
	for _, st := range run.Steps {
		if undo && st.Status == store.StepRolledBack {
			continue
		}
		steps = append(steps, viewStep(st, run.Kind, undo))
	}
	if undo {
		// Rollback restores the last change first.
		slices.Reverse(steps)
	}
	return map[string]any{"Title": run.Kind + " run " + run.ID, "R": run, "Steps": steps, "Live": s.live(),
		"Command": "guardrail remediate rollback --run " + run.ID}
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	run, err := s.run(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	data := s.runData(run, false)
	data["Done"] = r.URL.Query().Get("done") == "rolled-back"
	s.render(w, r, "run", http.StatusOK, data)
}

// rollbackPage is the confirmation before a rollback: what will be put
// back, and the form that does it.
func (s *Server) rollbackPage(w http.ResponseWriter, r *http.Request) {
	run, err := s.run(r)
	if err == nil && run.Kind != store.RunApply {
		err = badInput("run %s is a %s run: roll back the apply run %s instead", run.ID, run.Kind, run.Of)
	}
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	data := s.runData(run, true)
	data["Title"] = "Roll back " + run.ID
	s.render(w, r, "rollback", http.StatusOK, data)
}

// rollback rolls back a run, once confirmed, and shows the rollback
// run.
func (s *Server) rollback(w http.ResponseWriter, r *http.Request) {
	run, err := s.run(r)
	switch {
	case err != nil:
	case !s.live():
		err = fmt.Errorf("this dashboard has no AWS access (it was started without --aws): roll back with 'guardrail remediate rollback --run %s'", run.ID)
		s.fail(w, r, http.StatusForbidden, err)
		return
	case r.PostFormValue("confirm") != run.ID:
		err = badInput("confirm: a rollback is confirmed from its page, /remediation/runs/%s/rollback", url.PathEscape(run.ID))
	case run.Kind != store.RunApply:
		err = badInput("run %s is a %s run: roll back the apply run %s instead", run.ID, run.Kind, run.Of)
	case run.Open == 0:
		err = badInput("run %s: every change is rolled back already", run.ID)
	}
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	if !s.rolling.TryLock() {
		s.fail(w, r, http.StatusConflict, errors.New("a rollback started from this dashboard is still running: wait for it to finish"))
		return
	}
	defer s.rolling.Unlock()
	// The rollback goes on if the browser goes away: stopping it halfway
	// would leave the run half rolled back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), rollbackTimeout)
	defer cancel()
	cfg, err := s.o.AWS(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("rollback: AWS configuration: %w", err))
		return
	}
	o := s.engine()
	o.Run = run.ID
	s.o.Log.Info("dashboard: rolling back a remediation run", "run", run.ID, "changes", run.Open, "remote", r.RemoteAddr)
	rep, err := remediate.Rollback(ctx, cfg, o)
	if err != nil {
		if remediate.IsInput(err) {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		if rep != nil && rep.Run != "" {
			err = fmt.Errorf("rollback run %s of %s: %w", rep.Run, run.ID, err)
		}
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.Redirect(w, r, "/remediation/runs/"+url.PathEscape(rep.Run)+"?done=rolled-back", http.StatusSeeOther)
}
