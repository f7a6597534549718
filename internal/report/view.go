package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// view is what the text and HTML summaries show, derived once from a
// report.
type view struct {
	r        *Report
	controls map[string]*control.Control
	// reqs are the requirements each control implements, in the order of
	// the report's standards.
	reqs      map[string][]req
	accounts  map[string]*Account
	Standards []stdView
	Overall   score.Score
	// Accounts are every account in scope, worst score first; accounts
	// not assessed come last.
	Accounts    []accountRow
	NotAssessed int
	// Failures are the failing controls, worst first.
	Failures []failure
	// Findings are the FAILED results and the ERROR results about one
	// resource, worst first.
	Findings []finding
	// Wholesale counts the ERROR results left out of Findings because
	// they only say that their account, region or a collector was not
	// assessed (Unassessed, Skipped and Gaps say that once).
	Wholesale int
	// Skipped are regions asked for but not enabled, by (region,
	// reason): out of scope, not a failure to assess.
	Skipped []group
	// Gaps are collector gaps, by (collector, reason).
	Gaps []group
	// Errors are ERROR results that are neither an account, a region nor
	// a gap not assessed: one resource's detail could not be read.
	Errors []group

	// gapped lists the collectors with a gap per (account, region).
	gapped map[[2]string][]string
}

// req is one requirement of a standard that a control implements.
type req struct {
	Std *control.Standard
	ID  string
}

type stdView struct {
	ID, Short, Name string
	Score           score.Score
	// Column: the text report's account table shows the standard (see
	// textColumns).
	Column bool
	// Requirements are its requirements with their status; Counts sums
	// them up ("30 passed, 4 failed, 11 need a person").
	Requirements []reqRow
	Counts       string
}

// reqRow is one requirement of a standard as the HTML report shows it.
type reqRow struct {
	ID, Title, Status, Controls string
	Level                       int
}

// requirementRows are std's requirements with their status in r, and
// their counts by status.
func requirementRows(r *Report, std control.Standard) ([]reqRow, string) {
	rs := r.Requirements[std.Short]
	if rs == nil {
		rs = score.Requirements(r.Scores, std)
	}
	n := map[score.Status]int{}
	var rows []reqRow
	for i, q := range rs {
		n[q.Status]++
		row := reqRow{ID: q.Requirement, Status: string(q.Status), Controls: strings.Join(q.Controls, ", ")}
		if i < len(std.Requirements) {
			row.Title, row.Level = std.Requirements[i].Title, std.Requirements[i].Level
		}
		rows = append(rows, row)
	}
	var counts []string
	for _, c := range []struct {
		s    score.Status
		name string
	}{{score.Passed, "passed"}, {score.Failed, "failed"}, {score.Unknown, "unknown"}, {score.NoData, "no data"},
		{score.Manual, "need a person"}, {score.NotImplemented, "not implemented"}} {
		if n[c.s] > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n[c.s], c.name))
		}
	}
	return rows, strings.Join(counts, ", ")
}

// textColumns is how many standards the text report's account table has
// room for: with more, it shows the primary ones (cis-3.0 and fsbp among
// the embedded standards), and every standard's score is in SCORES above
// it and in every account's row of the HTML and JSON reports.
const textColumns = 3

type accountRow struct {
	ID, Name, OUPath string
	// Error says why the account was not assessed.
	Error string
	// Coverage is the account's targets assessed / in scope.
	Coverage  score.Coverage
	Overall   score.Score
	Standards []score.Score // aligned with view.Standards
	Failing   score.Counts
	Errors    int
}

type failure struct {
	Control   *control.Control
	Accounts  int
	Resources int
	// Example is the first failed result, in report order.
	Example     control.Result
	ExampleName string // the example's account name
}

type finding struct {
	Result      control.Result
	Control     *control.Control
	Severity    control.Severity
	AccountName string
}

// group is a set of targets not assessed for one reason.
type group struct {
	// What is the collector, the region or the control.
	What   string
	Reason string
	// Targets are "name (id): region region..." per account, sorted.
	Targets []string
	Count   int
}

func standardLabel(s control.Standard) string { return s.Label() }

func newView(r *Report) *view {
	v := &view{r: r, controls: map[string]*control.Control{}, accounts: map[string]*Account{}, Overall: r.Scores.Overall}
	for _, c := range r.Controls {
		v.controls[c.ID] = c
	}
	for i := range r.Accounts {
		v.accounts[r.Accounts[i].ID] = &r.Accounts[i]
	}
	v.reqs = map[string][]req{}
	for i := range r.Standards {
		s := &r.Standards[i]
		for _, item := range s.Requirements {
			for _, id := range item.Controls {
				v.reqs[id] = append(v.reqs[id], req{Std: s, ID: item.ID})
			}
		}
	}
	primary := 0
	for _, s := range r.Standards {
		if s.Primary {
			primary++
		}
	}
	for i, s := range r.Standards {
		sc, _ := score.Standard(r.Scores.Standards, s.ID)
		col := len(r.Standards) <= textColumns || s.Primary || (primary == 0 && i < textColumns)
		sv := stdView{ID: s.ID, Short: s.Short, Name: standardLabel(s), Score: sc, Column: col}
		sv.Requirements, sv.Counts = requirementRows(r, s)
		v.Standards = append(v.Standards, sv)
	}
	v.gapped = map[[2]string][]string{}
	for _, g := range r.Gaps {
		k := [2]string{g.Account, g.Region}
		v.gapped[k] = append(v.gapped[k], g.Collector)
	}
	v.accountRows()
	v.failures()
	v.notAssessed()
	return v
}

func (v *view) accountName(id string) string {
	if a := v.accounts[id]; a != nil && a.Name != "" {
		return a.Name
	}
	return id
}

func (v *view) accountRows() {
	cov := map[string]*score.Coverage{}
	for _, t := range v.r.Coverage.Targets {
		c := cov[t.Account]
		if c == nil {
			c = &score.Coverage{}
			cov[t.Account] = c
		}
		t.count(c)
	}
	for _, a := range v.r.Accounts {
		row := accountRow{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Error: a.Error}
		if c := cov[a.ID]; c != nil {
			row.Coverage = *c
		}
		if row.Error != "" {
			v.NotAssessed++
		}
		sc, _ := v.r.Scores.Account(a.ID)
		row.Overall, row.Failing, row.Errors = sc.Score, sc.Failing, sc.Errors
		for _, s := range v.Standards {
			st, _ := score.Standard(sc.Standards, s.ID)
			row.Standards = append(row.Standards, st)
		}
		v.Accounts = append(v.Accounts, row)
	}
	rank := func(a accountRow) int {
		switch {
		case a.Error != "":
			return 2
		case !a.Overall.HasData():
			return 1
		}
		return 0
	}
	sort.SliceStable(v.Accounts, func(i, j int) bool {
		a, b := v.Accounts[i], v.Accounts[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.Overall.Percent != b.Overall.Percent {
			return a.Overall.Percent < b.Overall.Percent
		}
		for s := control.Critical; s >= control.Low; s-- {
			if x, y := a.Failing.Of(s), b.Failing.Of(s); x != y {
				return x > y
			}
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
}

func (v *view) failures() {
	byCtl := map[string]*failure{}
	accts := map[string]map[string]bool{}
	var order []string
	for _, r := range v.r.Results {
		if r.Status != control.Failed && r.Status != control.Error {
			continue
		}
		c := v.controls[r.Control]
		if c == nil {
			c = &control.Control{ID: r.Control, Title: r.Control, Severity: control.Informational}
		}
		if r.Status == control.Error && v.wholesale(r) {
			v.Wholesale++
			continue
		}
		v.Findings = append(v.Findings, finding{Result: r, Control: c, Severity: c.Severity, AccountName: v.accountName(r.Resource.Account)})
		if r.Status != control.Failed {
			continue
		}
		f := byCtl[r.Control]
		if f == nil {
			f = &failure{Control: c, Example: r, ExampleName: v.accountName(r.Resource.Account)}
			byCtl[r.Control] = f
			accts[r.Control] = map[string]bool{}
			order = append(order, r.Control)
		}
		f.Resources++
		accts[r.Control][r.Resource.Account] = true
	}
	for _, id := range order {
		f := byCtl[id]
		f.Accounts = len(accts[id])
		v.Failures = append(v.Failures, *f)
	}
	sort.SliceStable(v.Failures, func(i, j int) bool {
		a, b := v.Failures[i], v.Failures[j]
		if a.Control.Severity != b.Control.Severity {
			return a.Control.Severity > b.Control.Severity
		}
		if a.Accounts != b.Accounts {
			return a.Accounts > b.Accounts
		}
		if a.Resources != b.Resources {
			return a.Resources > b.Resources
		}
		return control.Less(a.Control.ID, b.Control.ID)
	})
	sort.SliceStable(v.Findings, func(i, j int) bool {
		a, b := v.Findings[i], v.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Result.Status != b.Result.Status {
			return a.Result.Status == control.Failed
		}
		return false // otherwise report order: account, region, control, resource
	})
}

// Reasons the evaluator gives to ERROR results for what was not assessed
// as a whole (control.EvaluateAccount); those are reported once per
// account or gap, not per control.
const (
	accountNotAssessed = "account not assessed: "
	notCollected       = " not collected: "
)

func (v *view) notAssessed() {
	type key struct{ what, reason string }
	type acc struct {
		g       *group
		regions map[string][]string // account → regions
	}
	collect := func(m map[key]*acc, order *[]key, k key, reason, account, region string) {
		a := m[k]
		if a == nil {
			a = &acc{g: &group{What: k.what, Reason: reason}, regions: map[string][]string{}}
			m[k] = a
			*order = append(*order, k)
		}
		a.g.Count++
		if region != "" && !contains(a.regions[account], region) {
			a.regions[account] = append(a.regions[account], region)
		} else if _, ok := a.regions[account]; !ok {
			a.regions[account] = nil
		}
	}
	finish := func(m map[key]*acc, order []key) []group {
		var out []group
		for _, k := range order {
			a := m[k]
			for _, id := range sortedKeys(a.regions) {
				rs := a.regions[id]
				sort.Strings(rs)
				line := fmt.Sprintf("%s (%s)", v.accountName(id), id)
				if len(rs) > 0 {
					line += ": " + strings.Join(rs, " ")
				}
				a.g.Targets = append(a.g.Targets, line)
			}
			out = append(out, *a.g)
		}
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].What != out[j].What {
				return out[i].What < out[j].What
			}
			return out[i].Count > out[j].Count
		})
		return out
	}

	skipped, skOrder := map[key]*acc{}, []key(nil)
	for _, a := range v.r.Accounts {
		for _, region := range sortedKeys(a.Skipped) {
			reason := a.Skipped[region]
			collect(skipped, &skOrder, key{region, mask(reason, a.ID, region)}, reason, a.ID, "")
		}
	}
	v.Skipped = finish(skipped, skOrder)

	gaps, gOrder := map[key]*acc{}, []key(nil)
	for _, g := range v.r.Gaps {
		reason := nonBlank(g.Reason, g.Class)
		region := g.Region
		if region == "" {
			region = "global"
		}
		collect(gaps, &gOrder, key{g.Collector, mask(reason, g.Account, g.Region)}, reason, g.Account, region)
	}
	v.Gaps = finish(gaps, gOrder)

	errs, eOrder := map[key]*acc{}, []key(nil)
	for _, r := range v.r.Results {
		if r.Status != control.Error || v.wholesale(r) {
			continue
		}
		collect(errs, &eOrder, key{r.Control, mask(r.Reason, r.Resource.Account, r.Resource.Region)}, r.Reason, r.Resource.Account, r.Resource.Region)
	}
	v.Errors = finish(errs, eOrder)
}

// wholesale reports whether ERROR result r only says that its account,
// region or a collector was not assessed, which the report says once.
func (v *view) wholesale(r control.Result) bool {
	if strings.HasPrefix(r.Reason, accountNotAssessed) {
		return true
	}
	if a := v.accounts[r.Resource.Account]; a != nil && a.Error != "" {
		return true
	}
	for _, region := range []string{r.Resource.Region, ""} {
		for _, c := range v.gapped[[2]string{r.Resource.Account, region}] {
			if strings.HasPrefix(r.Reason, c+notCollected) {
				return true
			}
		}
	}
	return false
}

// mask replaces the account ID and region in a reason so that the same
// failure in many targets groups as one.
func mask(reason, account, region string) string {
	if account != "" {
		reason = strings.ReplaceAll(reason, account, "<account>")
	}
	if region != "" {
		reason = strings.ReplaceAll(reason, region, "<region>")
	}
	return reason
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// duration is how long the scan took.
func duration(r *Report) time.Duration {
	if r.Stats.WallSecs > 0 {
		return time.Duration(r.Stats.WallSecs * float64(time.Second)).Round(100 * time.Millisecond)
	}
	if !r.Started.IsZero() && r.Finished.After(r.Started) {
		return r.Finished.Sub(r.Started).Round(100 * time.Millisecond)
	}
	return 0
}

// timeFormat is RFC 3339 with milliseconds, as ASFF and OCSF write times.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// when is the report's time: when the scan finished (or started).
func when(r *Report) time.Time {
	if !r.Finished.IsZero() {
		return r.Finished.UTC()
	}
	return r.Started.UTC()
}

// targets counts the (account, region) pairs assessed.
func targets(r *Report) int {
	if r.Stats.Targets > 0 {
		return r.Stats.Targets
	}
	n := 0
	for _, a := range r.Accounts {
		if a.Error == "" {
			n += len(a.Regions)
		}
	}
	return n
}

// thousands writes n with comma separators (1,284).
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pct writes a score as a whole percent, rounded as Security Hub shows
// it (score.Round); "-" when nothing was assessed.
func pct(s score.Score) string {
	if !s.HasData() {
		return "-"
	}
	return fmt.Sprintf("%d%%", s.Rounded())
}

// resourceLabel is how a resource is named for people: its ARN.
func resourceLabel(m snapshot.Meta) string {
	if m.ARN != "" {
		return m.ARN
	}
	return m.Name
}
