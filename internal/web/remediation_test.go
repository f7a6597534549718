package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

var demoRegions = []string{"eu-central-1", "eu-south-1", "eu-west-1", "us-east-1", "us-west-2"}

// canary is the account whose EC2.8 findings the fixture's run fixed.
const canary = "444444444401"

// remediated is the demo organization in the simulator, scanned (EC2.8
// and controls no playbook fixes) into a store, with one remediation
// run, made by remediate.Apply, that required IMDSv2 on the instances
// of one account.
type remediated struct {
	sim *simtest.Sim
	st  store.Store
	cfg aws.Config
	cat *control.Catalog
	run *remediate.Report
}

func newRemediated(t *testing.T) *remediated {
	t.Helper()
	ctx := context.Background()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	mgmt := w.Org.ManagementAccount
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: sim.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "guardrail.db"), store.Options{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var cs []*control.Control
	for _, id := range []string{"EC2.8", "IAM.6", "EC2.10"} {
		cs = append(cs, cat.Control(id))
	}
	rep, err := scan.Run(ctx, cfg, scan.Options{ID: "scan-1", Discover: org.Options{Regions: demoRegions}, Collectors: registry.All(),
		Controls: cs, Standards: cat.Standards(), Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	run, err := remediate.Apply(ctx, cfg, remediate.Options{Store: st, Discover: org.Options{Include: []string{canary}},
		Controls: []string{"EC2.8"}, Catalog: cat, Collectors: registry.All(), Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != store.Complete || run.Counts[remediate.Changed] == 0 {
		t.Fatalf("apply: %s %v", run.Status, run.Counts)
	}
	return &remediated{sim: sim, st: st, cfg: cfg, cat: cat, run: run}
}

// server is the dashboard over the fixture, with AWS access when live.
func (f *remediated) server(t *testing.T, live bool) *web.Server {
	t.Helper()
	o := web.Options{Store: f.st, Catalog: f.cat, User: "tester", Now: f.sim.World().Now,
		Remediate: remediate.Options{Discover: org.Options{Regions: demoRegions}, Collectors: registry.All()}}
	if live {
		o.AWS = func(context.Context) (aws.Config, error) { return f.cfg, nil }
	}
	srv, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// finding returns the first finding pick keeps.
func (f *remediated) finding(t *testing.T, pick func(finding.Finding) bool) finding.Finding {
	t.Helper()
	fs, _, err := f.st.Findings(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if pick(x) {
			return x
		}
	}
	t.Fatal("no such finding in the fixture")
	return finding.Finding{}
}

func (f *remediated) httpTokens(t *testing.T, account, region, id string) string {
	t.Helper()
	out, err := ec2api.NewFromConfig(f.sim.Config(t, account, region)).DescribeInstances(context.Background(), &ec2api.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	return string(out.Reservations[0].Instances[0].MetadataOptions.HttpTokens)
}

func contains(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: no %q in\n%.3000s", what, w, body)
		}
	}
}

// TestRemediationPages: the finding page tells whether a playbook fixes
// the finding's control, its plan (live, or the CLI command) and its
// history; the runs pages and the API show the run Apply made.
func TestRemediationPages(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	f := newRemediated(t)
	live, offline := f.server(t, true), f.server(t, false)
	runID := f.run.Run
	fixed := f.finding(t, func(x finding.Finding) bool { return x.Control == "EC2.8" && x.Account == canary })
	open := f.finding(t, func(x finding.Finding) bool {
		return x.Control == "EC2.8" && x.Account != canary && x.Compliance == control.Failed
	})
	none := f.finding(t, func(x finding.Finding) bool {
		return x.Compliance == control.Failed && playbook.ByControl(x.Control) == nil
	})

	t.Run("runs", func(t *testing.T) {
		rec := do(live, req{path: "/remediation"})
		contains(t, "/remediation", rec.Body.String(), runID, "apply", "COMPLETE", "wave 1: 1 accounts", "/remediation/runs/"+runID+"/rollback", "Roll back…")
		rec = do(offline, req{path: "/remediation"})
		contains(t, "/remediation without AWS", rec.Body.String(), "guardrail remediate rollback --run "+runID)
		if strings.Contains(rec.Body.String(), "Roll back…") {
			t.Error("/remediation without AWS offers the rollback button")
		}
		rec = do(live, req{path: "/remediation/runs/" + runID})
		contains(t, "run page", rec.Body.String(), "EC2.8", fixed.ResourceARN, "http_tokens", "&#34;optional&#34;", "&#34;required&#34;", "DONE", "Waves", canary, `id="rollback-button"`)
		for path, status := range map[string]int{"/remediation/runs/remediate-nope": 404, "/remediation/runs/%3Cscript%3E": 400,
			"/remediation/runs/remediate-nope/rollback": 404} {
			if rec := do(live, req{path: path}); rec.Code != status {
				t.Errorf("%s: %d, want %d", path, rec.Code, status)
			}
		}
	})

	t.Run("finding with a playbook", func(t *testing.T) {
		body := do(live, req{path: "/findings/" + fixed.ID}).Body.String()
		contains(t, "fixed finding", body, "Remediation", "ec2.instance-imdsv2", "loses access to instance metadata", "ec2:ModifyInstanceMetadataOptions",
			"Remediation history", runID, "DONE", "http_tokens")
		body = do(live, req{path: "/findings/" + open.ID}).Body.String()
		contains(t, "open finding, live", body, `id="plan-button"`, "/findings/"+open.ID+"/plan", "Never changed by a remediation run")
		body = do(offline, req{path: "/findings/" + open.ID}).Body.String()
		contains(t, "open finding, no AWS", body, "guardrail remediate plan --finding "+open.ID)
		if strings.Contains(body, `id="plan-button"`) {
			t.Error("a dashboard without AWS offers the plan button")
		}
	})

	t.Run("finding without a playbook", func(t *testing.T) {
		body := do(live, req{path: "/findings/" + none.ID}).Body.String()
		contains(t, none.Control+" finding", body, "No playbook fixes "+none.Control, "EC2.8")
		if strings.Contains(body, `id="plan-button"`) {
			t.Error("plan button for a control without a playbook")
		}
		var v struct {
			Playbooks    []playbook.Info `json:"playbooks"`
			WithPlaybook []string        `json:"controls_with_playbook"`
		}
		rec := do(live, req{path: "/api/findings/" + none.ID + "/remediation"})
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || len(v.Playbooks) != 0 || !slices.Contains(v.WithPlaybook, "EC2.8") {
			t.Errorf("API: %d %v %s", rec.Code, err, rec.Body.String())
		}
	})

	t.Run("plan", func(t *testing.T) {
		rec := do(live, req{path: "/findings/" + open.ID + "/plan", header: map[string]string{"HX-Request": "true"}})
		body := rec.Body.String()
		if rec.Code != 200 || strings.Contains(body, "<html") {
			t.Errorf("htmx plan: %d, want 200 and the plan only", rec.Code)
		}
		contains(t, "plan", body, `class="act change"`, "ec2.instance-imdsv2", "http_tokens", "&#34;optional&#34;", "&#34;required&#34;", "Nothing was changed")
		if got := f.httpTokens(t, open.Account, open.Region, playbook.Resource{ARN: open.ResourceARN}.ID()); got != "optional" {
			t.Errorf("the plan changed the instance: http_tokens %s", got)
		}
		// Another site cannot make a browser start plans.
		rec = do(live, req{path: "/findings/" + open.ID + "/plan", header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "start it from the finding") {
			t.Errorf("cross-site plan: %d %.300s", rec.Code, rec.Body.String())
		}
		// The whole page, without htmx.
		contains(t, "plan page", do(live, req{path: "/findings/" + open.ID + "/plan"}).Body.String(), "<html", "Remediation plan: EC2.8", "http_tokens")
		// Without AWS: the command.
		contains(t, "plan without AWS", do(offline, req{path: "/findings/" + open.ID + "/plan"}).Body.String(), "guardrail remediate plan --finding "+open.ID)
		// The finding already fixed: the plan says the live state passes.
		contains(t, "plan of a fixed finding", do(live, req{path: "/findings/" + fixed.ID + "/plan"}).Body.String(), `class="act passing"`)
		// A control without a playbook: the engine's message.
		rec = do(live, req{path: "/findings/" + none.ID + "/plan"})
		contains(t, "plan without a playbook", rec.Body.String(), "no playbook for "+none.Control)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("plan without a playbook: %d, want 400", rec.Code)
		}
		var rep remediate.Report
		rec = do(live, req{path: "/api/findings/" + open.ID + "/remediation/plan"})
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || len(rep.Items) != 1 || rep.Items[0].Action != remediate.Change {
			t.Errorf("API plan: %d %v %.500s", rec.Code, err, rec.Body.String())
		}
		if rec := do(offline, req{path: "/api/findings/" + open.ID + "/remediation/plan"}); rec.Code != http.StatusForbidden ||
			!strings.Contains(rec.Body.String(), "guardrail remediate plan --finding") {
			t.Errorf("API plan without AWS: %d %s", rec.Code, rec.Body.String())
		}
	})

	t.Run("api", func(t *testing.T) {
		var runs []struct {
			ID   string `json:"id"`
			Kind string `json:"kind"`
			Open int    `json:"changes_not_rolled_back"`
			Scan string `json:"scan"`
		}
		rec := do(live, req{path: "/api/remediation/runs"})
		if err := json.Unmarshal(rec.Body.Bytes(), &runs); err != nil || len(runs) != 1 || runs[0].ID != runID || runs[0].Kind != "apply" ||
			runs[0].Open != f.run.Counts[remediate.Changed] || runs[0].Scan != "scan-1" {
			t.Errorf("runs: %d %v %s", rec.Code, err, rec.Body.String())
		}
		var run remediate.Run
		rec = do(live, req{path: "/api/remediation/runs/" + runID})
		if err := json.Unmarshal(rec.Body.Bytes(), &run); err != nil || len(run.Steps) != f.run.Counts[remediate.Changed] || len(run.Waves) != 1 {
			t.Errorf("run: %d %v %.500s", rec.Code, err, rec.Body.String())
		}
		if rec := do(live, req{path: "/api/remediation/runs/remediate-nope"}); rec.Code != 404 || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("unknown run: %d %s", rec.Code, rec.Body.String())
		}
		var v struct {
			Playbooks []playbook.Info `json:"playbooks"`
			History   []struct {
				Run     string `json:"run"`
				Status  string `json:"status"`
				Kind    string `json:"run_kind"`
				Changes []struct {
					Field string `json:"field"`
				} `json:"changes"`
			} `json:"history"`
			Fixable bool   `json:"fixable"`
			Plan    string `json:"plan"`
		}
		rec = do(live, req{path: "/api/findings/" + fixed.ID + "/remediation"})
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || len(v.Playbooks) != 1 || v.Playbooks[0].Name != "ec2.instance-imdsv2" ||
			len(v.History) != 1 || v.History[0].Run != runID || v.History[0].Status != store.StepDone || v.History[0].Kind != "apply" ||
			len(v.History[0].Changes) != 1 || v.History[0].Changes[0].Field != "http_tokens" || !v.Fixable || v.Plan == "" {
			t.Errorf("finding remediation: %d %v %s", rec.Code, err, rec.Body.String())
		}
	})
}

// TestRollbackFromDashboard: a rollback is a write like a suppression
// (same origin only) behind a confirmation page; confirmed, it puts the
// instances back and the journal shows it.
func TestRollbackFromDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	f := newRemediated(t)
	live, offline := f.server(t, true), f.server(t, false)
	ctx := context.Background()
	runID := f.run.Run
	path := "/remediation/runs/" + runID + "/rollback"
	same := map[string]string{"Sec-Fetch-Site": "same-origin"}
	confirmed := url.Values{"confirm": {runID}}.Encode()
	rolledBack := func() int {
		t.Helper()
		steps, err := f.st.BaselineSteps(ctx, runID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range steps {
			if s.Status == store.StepRolledBack {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name   string
		srv    *web.Server
		body   string
		header map[string]string
		status int
		want   string
	}{
		{"cross-site", live, confirmed, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross-origin request refused"},
		{"other origin", live, confirmed, map[string]string{"Origin": "http://evil.example"}, 403, "cross-origin request refused"},
		{"not confirmed", live, "", same, 400, "confirm: a rollback is confirmed from its page"},
		{"confirmed for another run", live, "confirm=remediate-other", same, 400, "confirm: "},
		{"no AWS access", offline, confirmed, same, 403, "guardrail remediate rollback --run " + runID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(tc.srv, req{method: http.MethodPost, path: path, body: tc.body, header: tc.header})
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %.300s, want %d with %q", rec.Code, rec.Body.String(), tc.status, tc.want)
			}
			if n := rolledBack(); n != 0 {
				t.Errorf("a refused rollback rolled back %d changes", n)
			}
		})
	}

	// The confirmation page: what will be put back, and the form.
	body := do(live, req{path: path}).Body.String()
	n := f.run.Counts[remediate.Changed]
	contains(t, "confirmation", body, `<form method="post" action="`+path+`" id="rollback"`, `name="confirm" value="`+runID+`"`,
		"What will be put back", "&#34;required&#34;", "&#34;optional&#34;")
	contains(t, "confirmation offline", do(offline, req{path: path}).Body.String(), "guardrail remediate rollback --run "+runID)

	rec := do(live, req{method: http.MethodPost, path: path, body: confirmed, header: same})
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/remediation/runs/remediate-") || !strings.HasSuffix(loc, "?done=rolled-back") {
		t.Fatalf("rollback: %d to %q %.500s", rec.Code, loc, rec.Body.String())
	}
	if got := rolledBack(); got != n {
		t.Errorf("%d of %d steps ROLLED_BACK", got, n)
	}
	runs, err := remediate.Runs(ctx, f.st)
	if err != nil || len(runs) != 2 || runs[0].Kind != store.RunRollback || runs[0].Of != runID || runs[0].Status != store.Complete ||
		!slices.Contains(runs[1].RolledBackBy, runs[0].ID) {
		t.Fatalf("runs after the rollback: %+v %v", runs, err)
	}
	if !strings.Contains(loc, url.PathEscape(runs[0].ID)) {
		t.Errorf("redirected to %s, not to the rollback run %s", loc, runs[0].ID)
	}
	steps, _ := f.st.BaselineSteps(ctx, runID)
	for _, s := range steps {
		_, arn, _ := strings.Cut(s.Item, " ")
		if got := f.httpTokens(t, s.Account, s.Region, playbook.Resource{ARN: arn}.ID()); got != "optional" {
			t.Errorf("%s after the rollback: http_tokens %s, want optional", arn, got)
		}
	}
	contains(t, "rollback run page", do(live, req{path: loc}).Body.String(), "Rolled back: this is the rollback run", runID, "rollback run")
	body = do(live, req{path: "/remediation"}).Body.String()
	if strings.Contains(body, path) {
		t.Error("the runs page still offers to roll back a run rolled back")
	}
	rec = do(live, req{method: http.MethodPost, path: path, body: confirmed, header: same})
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "rolled back already") {
		t.Errorf("second rollback: %d %.300s", rec.Code, rec.Body.String())
	}
	// A rollback run cannot be rolled back.
	if rec := do(live, req{path: "/remediation/runs/" + runs[0].ID + "/rollback"}); rec.Code != 400 {
		t.Errorf("rollback page of a rollback run: %d", rec.Code)
	}
}

// TestPlanErrorsHidden: an error getting AWS access shows an error ID,
// not the error.
func TestPlanErrorsHidden(t *testing.T) {
	st := synthetic(t, 1)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, Catalog: cat, Now: clock.Fixed(now),
		AWS: func(context.Context) (aws.Config, error) {
			return aws.Config{}, errors.New("open /home/secret/.aws/credentials: denied")
		}})
	if err != nil {
		t.Fatal(err)
	}
	fs, _, err := st.Findings(context.Background(), store.Filter{Controls: []string{"EC2.8"}, Compliance: []control.Status{control.Failed}, Limit: 1})
	if err != nil || len(fs) == 0 {
		t.Skipf("no failing EC2.8 finding in the synthetic store (%v)", err)
	}
	for _, h := range []map[string]string{nil, {"HX-Request": "true"}} {
		rec := do(srv, req{path: "/findings/" + fs[0].ID + "/plan", header: h})
		body := rec.Body.String()
		if !strings.Contains(body, "internal error (ID ") || strings.Contains(body, "secret") {
			t.Errorf("plan with a broken AWS configuration (%v): %d %.500s", h, rec.Code, body)
		}
	}
	rec := do(srv, req{path: "/api/findings/" + fs[0].ID + "/remediation/plan"})
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("API plan: %d %s", rec.Code, rec.Body.String())
	}
}

// TestHaltedRun: a run the health gate halted shows the wave, the alarm
// that fired where, and the rollback of the wave; its changes rolled
// back leave no rollback button. The journal is written as the engine
// writes it (remediate's outcome JSON).
func TestHaltedRun(t *testing.T) {
	st := synthetic(t, 1)
	ctx := context.Background()
	const apply, undo = "remediate-20261102T100000.000Z", "remediate-20261102T100500.000Z"
	for _, r := range []store.BaselineRun{
		{ID: apply, Kind: store.RunApply, Engine: store.EngineRemediate, Started: now.Add(-26 * time.Hour), By: "arn:aws:iam::111111111111:role/ops", SpecName: "scan scan-synthetic-1"},
		{ID: undo, Kind: store.RunRollback, Engine: store.EngineRemediate, Of: apply, Started: now.Add(-25 * time.Hour), By: "arn:aws:iam::111111111111:role/ops"},
	} {
		if _, err := st.StartBaselineRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	key := store.StepKey{Account: "100000000001", Region: "eu-west-1", Item: "EC2.8 arn:aws:ec2:eu-west-1:100000000001:instance/i-legacy"}
	for _, s := range []store.BaselineStep{
		{Run: apply, StepKey: key, Wave: 1, Prior: json.RawMessage(`{"http_tokens":"optional"}`), Want: json.RawMessage(`{"http_tokens":"required"}`)},
		{Run: undo, StepKey: key, Wave: 1, Prior: json.RawMessage(`{"http_tokens":"required"}`), Want: json.RawMessage(`{"http_tokens":"optional"}`)},
	} {
		if _, err := st.JournalStep(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := st.SetStepStatus(ctx, s.Run, s.StepKey, store.StepDone, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetStepStatus(ctx, apply, key, store.StepRolledBack, undo); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"scan": "scan-synthetic-1",
		"waves": []remediate.Wave{{N: 1, Accounts: []string{"100000000001"}, Changes: 1, Status: remediate.WaveRolledBack, Changed: 1},
			{N: 2, Accounts: []string{"100000000002", "100000000003"}, Changes: 2, Status: remediate.WaveNotRun}},
		"halted": remediate.Halt{Wave: 1, Reason: "health gate: 1 alarm in ALARM", RolledBack: undo,
			Alarms: []remediate.Alarm{{Account: "100000000001", Region: "eu-west-1", Name: "legacy-web-5xx", Reason: "Threshold Crossed: 5 datapoints"}}},
		"counts": remediate.Counts{remediate.Changed: 1, remediate.Pending: 2},
		"gate":   remediate.Gate{AlarmPrefixes: []string{"legacy-"}}})
	if err := st.RecordRunOutcome(ctx, apply, out); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishBaselineRun(ctx, apply, remediate.Halted, now.Add(-25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishBaselineRun(ctx, undo, store.Complete, now.Add(-25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	srv := server(t, st, "")
	page := do(srv, req{path: "/remediation"}).Body.String()
	contains(t, "runs page", page, "HALTED", "in wave 1: health gate: 1 alarm in ALARM", "legacy-web-5xx", "100000000001 eu-west-1",
		"wave 1: 1 accounts, 1 changes", "rolled-back", "wave 2: 2 accounts, 2 changes", "not-run", "1 changed, 2 pending", "/remediation/runs/"+undo)
	if strings.Contains(page, "/remediation/runs/"+apply+"/rollback") || strings.Contains(page, "guardrail remediate rollback --run "+apply) {
		t.Error("the runs page offers to roll back a run whose changes are rolled back")
	}
	contains(t, "run page", do(srv, req{path: "/remediation/runs/" + apply}).Body.String(), "Health gate", "legacy-…", "Threshold Crossed",
		"ROLLED_BACK", "Nothing to roll back", "Rolled back by")
	contains(t, "rollback page", do(srv, req{path: "/remediation/runs/" + apply + "/rollback"}).Body.String(), "Nothing left to roll back")
}
