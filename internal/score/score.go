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
// Results of Global controls carry the account's home region, so they
// count in that region's scores. This package must not import package
// scan (scan imports score): it takes results, controls and standards as
// plain arguments.
package score

import (
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
	// Percent is 100 * Passed / Assessed, rounded down to a tenth so
	// that 100 means every assessed control passed (0 when nothing was
	// assessed).
	Percent float64 `json:"percent"`
}

// HasData reports whether any control of the scope was assessed.
func (s Score) HasData() bool { return s.Assessed > 0 }

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
	var failed, errored, passed bool
	for _, r := range rs {
		switch r.Status {
		case control.Failed:
			failed = true
		case control.Error:
			errored = true
		case control.Passed:
			passed = true
		}
	}
	switch {
	case failed:
		return Failed
	case errored:
		return Unknown
	case passed:
		return Passed
	}
	return NoData
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

// Scores are the scores of a scan. Slices are sorted: standards in the
// order given, accounts by ID, regions by name, targets by account then
// region.
type Scores struct {
	Overall   Score           `json:"overall"`
	Standards []StandardScore `json:"standards"`
	Accounts  []AccountScore  `json:"accounts"`
	Regions   []RegionScore   `json:"regions"`
	Targets   []TargetScore   `json:"targets"`
}

// Account returns the score of account id, if it has one.
func (s Scores) Account(id string) (AccountScore, bool) {
	i := sort.Search(len(s.Accounts), func(i int) bool { return s.Accounts[i].Account >= id })
	if i < len(s.Accounts) && s.Accounts[i].Account == id {
		return s.Accounts[i], true
	}
	return AccountScore{}, false
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

// Compute scores results of controls against standards. The controls
// are the ones evaluated: each counts in the overall score, and in a
// standard's score when the standard lists it; a control with no results
// in a scope counts as no data there. Results of controls not in controls
// are ignored.
func Compute(results []control.Result, controls []*control.Control, standards []control.Standard) Scores {
	known := make(map[string]*control.Control, len(controls))
	var ids []string
	for _, c := range controls {
		if known[c.ID] == nil {
			ids = append(ids, c.ID)
		}
		known[c.ID] = c
	}
	members := make([][]string, len(standards))
	for i, s := range standards {
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

	all := &scope{}
	accounts := map[string]*scope{}
	regions := map[string]*scope{}
	targets := map[[2]string]*scope{}
	failing := map[string]*Counts{}
	errs := map[string]int{}
	get := func(m map[string]*scope, k string) *scope {
		if m[k] == nil {
			m[k] = &scope{}
		}
		return m[k]
	}
	for _, r := range results {
		c := known[r.Control]
		if c == nil {
			continue
		}
		acct, region := r.Resource.Account, r.Resource.Region
		all.add(r)
		get(accounts, acct).add(r)
		get(regions, region).add(r)
		tk := [2]string{acct, region}
		if targets[tk] == nil {
			targets[tk] = &scope{}
		}
		targets[tk].add(r)
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
		out := make([]StandardScore, len(standards))
		for i, s := range standards {
			out[i] = StandardScore{Standard: s.ID, Score: sc.score(members[i])}
		}
		return out
	}
	out := Scores{Overall: all.score(ids), Standards: perStandard(all)}
	for _, id := range sortedKeys(accounts) {
		sc := accounts[id]
		out.Accounts = append(out.Accounts, AccountScore{Account: id, Score: sc.score(ids),
			Standards: perStandard(sc), Failing: *failing[id], Errors: errs[id]})
	}
	for _, name := range sortedKeys(regions) {
		sc := regions[name]
		out.Regions = append(out.Regions, RegionScore{Region: name, Score: sc.score(ids), Standards: perStandard(sc)})
	}
	tks := make([][2]string, 0, len(targets))
	for k := range targets {
		tks = append(tks, k)
	}
	sort.Slice(tks, func(i, j int) bool {
		if tks[i][0] != tks[j][0] {
			return tks[i][0] < tks[j][0]
		}
		return tks[i][1] < tks[j][1]
	})
	for _, k := range tks {
		out.Targets = append(out.Targets, TargetScore{Account: k[0], Region: k[1], Score: targets[k].score(ids)})
	}
	return out
}

// scope gathers what each control's results in one scope were.
type scope struct {
	seen map[string]*[3]bool // control ID → failed, errored, passed
}

func (s *scope) add(r control.Result) {
	if s.seen == nil {
		s.seen = map[string]*[3]bool{}
	}
	f := s.seen[r.Control]
	if f == nil {
		f = &[3]bool{}
		s.seen[r.Control] = f
	}
	switch r.Status {
	case control.Failed:
		f[0] = true
	case control.Error:
		f[1] = true
	case control.Passed:
		f[2] = true
	}
}

// score scores the controls ids within the scope.
func (s *scope) score(ids []string) Score {
	var out Score
	for _, id := range ids {
		f := s.seen[id]
		switch {
		case f == nil || !(f[0] || f[1] || f[2]):
			out.NoData++
		case f[0]:
			out.Failed++
		case f[1]:
			out.Unknown++
		default:
			out.Passed++
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
