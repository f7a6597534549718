// Package score computes security scores like Security Hub does: for a
// scope (the organization, an account, a region, a standard), the
// controls whose results all passed over the controls that have results
// other than NOT_APPLICABLE. A control with an ERROR and no failure is
// assessed but not passed: what could not be read never counts as a pass.
//
// Within a scope a control's status comes from its results there: FAILED
// if any result failed, else UNKNOWN if any was an ERROR, else PASSED if
// any passed; a control with no results, or only NOT_APPLICABLE ones, has
// no data and is left out of the score (Security Hub's "No data").
//
// A standard's score is over the controls its requirements map, each
// counted once however many requirements name it, as Security Hub scores
// a standard over its enabled controls: a requirement with no control (a
// manual one, or one whose Security Hub control Guardrail does not
// implement yet, see control/standards) is outside the score and never
// counts as passed.
//
// # Coverage
//
// A scan assesses targets: an account in one of its enabled regions. The
// targets in scope are every enabled region of every account selected
// (a region asked for that an account has not enabled is not in scope,
// and is shown as not enabled, not as not assessed); an account that
// could not be assessed at all counts its regions, or one target when
// they are unknown. A target is assessed when the scan read everything
// the evaluated controls need there.
//
// A score is over the targets that were assessed: an account that could
// not be assessed at all reports nothing, as a Security Hub member that
// sends no findings, and its ERROR results are left out of the counts.
// So that a score never reads better than what was seen, every score
// carries its Coverage (targets assessed / targets in scope), and a
// control's status across a scope is PASSED only if every target in
// scope could judge it: a control that passed wherever it was assessed,
// but that a target not assessed could not judge, is UNKNOWN there
// (Score.Incomplete counts those). The counts agree with the statuses
// shown: PASSED = Passed - Incomplete, UNKNOWN = Unknown + Incomplete.
//
// Results of Global controls carry the account's home region, or the
// region of the resource they judge; they count in that region's scores
// only when the region is a target in scope. Percentages are shown
// rounded to the nearest whole number, halves up, as Security Hub shows
// them (Round): every surface calls Round, so the terminal, the reports
// and the dashboard show the same number for the same scan.
//
// This package must not import package scan or report (they import
// score): it takes results, controls, standards and targets as plain
// arguments.
package score

import (
	"fmt"
	"math"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// Score is the score of one scope, counted in controls.
type Score struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Unknown controls had an ERROR and no failure.
	Unknown int `json:"unknown"`
	// Assessed = Passed + Failed + Unknown.
	Assessed int `json:"assessed"`
	// NoData are the controls of the scope with no result other than
	// NOT_APPLICABLE; they are not in the score.
	NoData int `json:"no_data"`
	// Incomplete are the Passed controls that some target in scope could
	// not judge (an account not assessed): they passed wherever they were
	// assessed, and their status across the scope is UNKNOWN.
	Incomplete int `json:"incomplete,omitempty"`
	// Percent is 100 * Passed / Assessed, rounded down to a tenth (0
	// when nothing was assessed). Show it with Rounded.
	Percent float64 `json:"percent"`
	// Coverage is how many of the scope's targets were assessed.
	Coverage Coverage `json:"coverage"`
}

// HasData reports whether any control of the scope was assessed.
func (s Score) HasData() bool { return s.Assessed > 0 }

// Rounded is the score as every surface shows it: Round(Percent).
func (s Score) Rounded() int { return Round(s.Percent) }

// Round is how a percentage is shown: to the nearest whole number,
// halves up, as Security Hub displays its security scores ("a percentage
// rounded up or down to the nearest whole number"): 11.5 is 12, 2.6 is 3,
// 99.5 is 100. Percent keeps a tenth rounded down, which keeps it on the
// same side of every half as the exact ratio, so Round(Percent) is the
// exact ratio rounded.
func Round(percent float64) int {
	if math.IsNaN(percent) {
		return 0
	}
	return int(math.Floor(percent + 0.5))
}

// Coverage is how many targets (account × enabled region) of a scope
// were assessed, out of those in scope.
type Coverage struct {
	Assessed int `json:"assessed"`
	InScope  int `json:"in_scope"`
}

// Complete reports whether every target in scope was assessed.
func (c Coverage) Complete() bool { return c.Assessed == c.InScope }

// String is "48/49 targets".
func (c Coverage) String() string {
	unit := "targets"
	if c.InScope == 1 {
		unit = "target"
	}
	return fmt.Sprintf("%d/%d %s", c.Assessed, c.InScope, unit)
}

func (c *Coverage) add(t Target) {
	c.InScope++
	if t.Assessed {
		c.Assessed++
	}
}

// Status is the overall status of a control within a scope.
type Status string

// Control statuses, as Security Hub names them.
const (
	Passed  Status = "PASSED"
	Failed  Status = "FAILED"
	Unknown Status = "UNKNOWN"
	NoData  Status = "NO_DATA"
)

// ControlStatus derives a control's status from its results in a scope:
// FAILED if any failed, else UNKNOWN if any is an ERROR, else PASSED if
// any passed, else NO_DATA.
func ControlStatus(rs []control.Result) Status {
	var f flags
	for _, r := range rs {
		f.add(r.Status, true)
	}
	return f.status()
}

// StandardScore is the score of a standard's controls within a scope.
type StandardScore struct {
	// Standard is the standard's ID ("cis-aws-foundations-benchmark/v/3.0.0").
	Standard string `json:"standard"`
	Score
}

// Counts are failed results (one per control and resource) by severity.
type Counts struct {
	Critical      int `json:"critical"`
	High          int `json:"high"`
	Medium        int `json:"medium"`
	Low           int `json:"low"`
	Informational int `json:"informational"`
}

// Add counts one more at severity s.
func (c *Counts) Add(s control.Severity) { c.AddN(s, 1) }

// AddN counts n more of severity s.
func (c *Counts) AddN(s control.Severity, n int) {
	switch s {
	case control.Critical:
		c.Critical += n
	case control.High:
		c.High += n
	case control.Medium:
		c.Medium += n
	case control.Low:
		c.Low += n
	default:
		c.Informational += n
	}
}

// Of returns the count at severity s.
func (c Counts) Of(s control.Severity) int {
	switch s {
	case control.Critical:
		return c.Critical
	case control.High:
		return c.High
	case control.Medium:
		return c.Medium
	case control.Low:
		return c.Low
	}
	return c.Informational
}

// Total is the sum of all severities.
func (c Counts) Total() int { return c.Critical + c.High + c.Medium + c.Low + c.Informational }

// AccountScore is the score of one account over all its regions.
type AccountScore struct {
	Account string `json:"account"`
	Score
	// Standards are in the order of the standards given to Compute.
	Standards []StandardScore `json:"standards"`
	// Failing counts the account's failed results by control severity.
	Failing Counts `json:"failing"`
	// Errors counts its ERROR results (what could not be assessed).
	Errors int `json:"errors"`
}

// RegionScore is the score of one region over all accounts.
type RegionScore struct {
	Region string `json:"region"`
	Score
	Standards []StandardScore `json:"standards"`
}

// TargetScore is the score of one account in one region.
type TargetScore struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Score
}

// ControlScore is one control's status across the whole scope of the
// scan (see the package doc: PASSED only if every target in scope could
// judge it).
type ControlScore struct {
	Control string `json:"control"`
	Status  Status `json:"status"`
}

// Scores are the scores of a scan. Slices are sorted: standards in the
// order given, accounts by ID, regions by name, targets by account then
// region, controls in the order given.
type Scores struct {
	Overall   Score           `json:"overall"`
	Standards []StandardScore `json:"standards"`
	Accounts  []AccountScore  `json:"accounts"`
	Regions   []RegionScore   `json:"regions"`
	Targets   []TargetScore   `json:"targets"`
	Controls  []ControlScore  `json:"controls,omitempty"`
}

// Account returns the score of account id, if it has one.
func (s Scores) Account(id string) (AccountScore, bool) {
	i := sort.Search(len(s.Accounts), func(i int) bool { return s.Accounts[i].Account >= id })
	if i < len(s.Accounts) && s.Accounts[i].Account == id {
		return s.Accounts[i], true
	}
	return AccountScore{}, false
}

// Control returns control id's status across the scan, NO_DATA when the
// scan did not evaluate it.
func (s Scores) Control(id string) Status {
	for _, c := range s.Controls {
		if c.Control == id {
			return c.Status
		}
	}
	return NoData
}

// Standard returns the score of standard id within ss, if there is one.
func Standard(ss []StandardScore, id string) (Score, bool) {
	for _, s := range ss {
		if s.Standard == id {
			return s.Score, true
		}
	}
	return Score{}, false
}

// Target is one account in one enabled region, in a scan's scope.
type Target struct {
	Account string `json:"account"`
	// Region is "" for an account not assessed whose regions are unknown
	// (it counts as one target).
	Region string `json:"region,omitempty"`
	// Assessed: the scan read everything the evaluated controls need
	// there.
	Assessed bool `json:"assessed"`
}

// Input is what Compute scores.
type Input struct {
	// Results are every result of the scan.
	Results []control.Result
	// Controls are the controls evaluated: each counts in the overall
	// score, and in a standard's score when the standard lists it; a
	// control with no results in a scope counts as no data there. Results
	// of controls not in Controls are ignored.
	Controls  []*control.Control
	Standards []control.Standard
	// Targets are the targets in scope. When nil, every (account, region)
	// with a result is taken as an assessed target.
	Targets []Target
	// NotAssessed are the accounts that could not be assessed at all:
	// their results (ERROR) are left out of the counts, and make what
	// passed elsewhere Incomplete.
	NotAssessed map[string]bool
}

// Compute scores in (see the package doc).
func Compute(in Input) Scores {
	known := make(map[string]*control.Control, len(in.Controls))
	var ids []string
	for _, c := range in.Controls {
		if known[c.ID] == nil {
			ids = append(ids, c.ID)
		}
		known[c.ID] = c
	}
	members := make([][]string, len(in.Standards))
	for i, s := range in.Standards {
		seen := map[string]bool{}
		for _, req := range s.Requirements {
			for _, id := range req.Controls {
				if known[id] != nil && !seen[id] {
					seen[id] = true
					members[i] = append(members[i], id)
				}
			}
		}
	}
	targets := in.Targets
	if targets == nil {
		seen := map[[2]string]bool{}
		for _, r := range in.Results {
			k := [2]string{r.Resource.Account, r.Resource.Region}
			if known[r.Control] != nil && !seen[k] {
				seen[k] = true
				targets = append(targets, Target{Account: k[0], Region: k[1], Assessed: true})
			}
		}
	}

	all := &scope{}
	accounts := map[string]*scope{}
	regions := map[string]*scope{}
	tscopes := map[[2]string]*scope{}
	get := func(m map[string]*scope, k string) *scope {
		if m[k] == nil {
			m[k] = &scope{}
		}
		return m[k]
	}
	for _, t := range targets {
		all.cov.add(t)
		get(accounts, t.Account).cov.add(t)
		if t.Region == "" {
			continue
		}
		get(regions, t.Region).cov.add(t)
		k := [2]string{t.Account, t.Region}
		if tscopes[k] == nil {
			tscopes[k] = &scope{}
		}
		tscopes[k].cov.add(t)
	}
	failing := map[string]*Counts{}
	errs := map[string]int{}
	for _, r := range in.Results {
		c := known[r.Control]
		if c == nil {
			continue
		}
		acct, region := r.Resource.Account, r.Resource.Region
		counted := !in.NotAssessed[acct]
		all.add(r, counted)
		get(accounts, acct).add(r, counted)
		// A region's and a target's scores are over the targets in scope
		// there: a result outside them (a global control's in a home
		// region that was not asked for) counts in the account's score.
		if t := tscopes[[2]string{acct, region}]; t != nil {
			t.add(r, counted)
			regions[region].add(r, counted)
		}
		if !counted {
			continue
		}
		if failing[acct] == nil {
			failing[acct] = &Counts{}
		}
		switch r.Status {
		case control.Failed:
			failing[acct].Add(c.Severity)
		case control.Error:
			errs[acct]++
		}
	}

	perStandard := func(sc *scope) []StandardScore {
		out := make([]StandardScore, len(in.Standards))
		for i, s := range in.Standards {
			out[i] = StandardScore{Standard: s.ID, Score: sc.score(members[i])}
		}
		return out
	}
	out := Scores{Overall: all.score(ids), Standards: perStandard(all)}
	for _, id := range ids {
		out.Controls = append(out.Controls, ControlScore{Control: id, Status: all.status(id)})
	}
	for _, id := range sortedKeys(accounts) {
		if in.NotAssessed[id] {
			continue // no score: nothing of it was assessed
		}
		sc := accounts[id]
		ac := AccountScore{Account: id, Score: sc.score(ids), Standards: perStandard(sc), Errors: errs[id]}
		if f := failing[id]; f != nil {
			ac.Failing = *f
		}
		out.Accounts = append(out.Accounts, ac)
	}
	for _, name := range sortedKeys(regions) {
		sc := regions[name]
		out.Regions = append(out.Regions, RegionScore{Region: name, Score: sc.score(ids), Standards: perStandard(sc)})
	}
	tks := make([][2]string, 0, len(tscopes))
	for k := range tscopes {
		if !in.NotAssessed[k[0]] {
			tks = append(tks, k)
		}
	}
	sort.Slice(tks, func(i, j int) bool {
		if tks[i][0] != tks[j][0] {
			return tks[i][0] < tks[j][0]
		}
		return tks[i][1] < tks[j][1]
	})
	for _, k := range tks {
		out.Targets = append(out.Targets, TargetScore{Account: k[0], Region: k[1], Score: tscopes[k].score(ids)})
	}
	return out
}

// flags are what one control's results in one scope were.
type flags struct {
	failed, errored, passed bool
	// uncounted: an ERROR from an account not assessed, which is not in
	// the score's counts but keeps the control from PASSED.
	uncounted bool
}

func (f *flags) add(s control.Status, counted bool) {
	switch {
	case !counted:
		f.uncounted = f.uncounted || s == control.Error
	case s == control.Failed:
		f.failed = true
	case s == control.Error:
		f.errored = true
	case s == control.Passed:
		f.passed = true
	}
}

// status is the control's status across the scope: the counted results'
// status, except that a pass some target could not judge is UNKNOWN.
func (f flags) status() Status {
	switch {
	case f.failed:
		return Failed
	case f.errored:
		return Unknown
	case f.passed && f.uncounted:
		return Unknown
	case f.passed:
		return Passed
	}
	return NoData
}

// scope gathers what each control's results in one scope were.
type scope struct {
	seen map[string]*flags
	cov  Coverage
}

func (s *scope) add(r control.Result, counted bool) {
	if s.seen == nil {
		s.seen = map[string]*flags{}
	}
	f := s.seen[r.Control]
	if f == nil {
		f = &flags{}
		s.seen[r.Control] = f
	}
	f.add(r.Status, counted)
}

func (s *scope) status(id string) Status {
	if f := s.seen[id]; f != nil {
		return f.status()
	}
	return NoData
}

// score scores the controls ids within the scope.
func (s *scope) score(ids []string) Score {
	out := Score{Coverage: s.cov}
	for _, id := range ids {
		f := s.seen[id]
		switch {
		case f == nil || !(f.failed || f.errored || f.passed):
			out.NoData++
		case f.failed:
			out.Failed++
		case f.errored:
			out.Unknown++
		default:
			out.Passed++
			if f.uncounted {
				out.Incomplete++
			}
		}
	}
	out.Assessed = out.Passed + out.Failed + out.Unknown
	out.Percent = Percent(out.Passed, out.Assessed)
	return out
}

// Percent is 100 * passed / assessed rounded down to a tenth (0 when
// nothing was assessed).
func Percent(passed, assessed int) float64 {
	if assessed == 0 {
		return 0
	}
	// Integer arithmetic: 1000*p/a floors exactly, with no float error.
	return float64(1000*passed/assessed) / 10
}

func sortedKeys(m map[string]*scope) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Requirement statuses beyond a control's: a manual requirement needs a
// person; one not implemented waits for a control Guardrail lacks.
const (
	Manual         Status = "MANUAL"
	NotImplemented Status = "NOT_IMPLEMENTED"
)

// RequirementStatus is one requirement of a standard across the scan.
type RequirementStatus struct {
	Requirement string `json:"requirement"`
	Status      Status `json:"status"`
	// Controls are the controls that decided it: the failed ones when it
	// failed, the unknown ones when unknown, else all its controls.
	Controls []string `json:"controls,omitempty"`
}

// Requirements derives each requirement's status in std from the scan's
// control statuses (s.Controls): FAILED if a control of it failed, else
// UNKNOWN if one is unknown, else PASSED if one passed (the others having
// no data: nothing for them to judge), else NO_DATA. A requirement with
// no control is MANUAL, or NOT_IMPLEMENTED when Security Hub has a control
// for it that Guardrail lacks; neither is ever PASSED.
func Requirements(s Scores, std control.Standard) []RequirementStatus {
	out := make([]RequirementStatus, 0, len(std.Requirements))
	for _, r := range std.Requirements {
		rs := RequirementStatus{Requirement: r.ID}
		switch r.Kind() {
		case control.KindManual:
			rs.Status = Manual
		case control.KindNotImplemented:
			rs.Status, rs.Controls = NotImplemented, r.NotImplemented
		default:
			by := map[Status][]string{}
			for _, id := range r.Controls {
				st := s.Control(id)
				by[st] = append(by[st], id)
			}
			for _, st := range []Status{Failed, Unknown, Passed, NoData} {
				if ids := by[st]; len(ids) > 0 {
					rs.Status, rs.Controls = st, ids
					break
				}
			}
			if rs.Status == Passed {
				rs.Controls = r.Controls
			}
		}
		out = append(out, rs)
	}
	return out
}
