package report

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/score"
)

// Collector is a collector the scan ran. A Global one reads an account's
// account-wide state once, in its home region, for all its regions; the
// others read each region.
type Collector struct {
	Name   string `json:"name"`
	Global bool   `json:"global,omitempty"`
}

// TargetStatus is what became of one account × region the scan was
// asked for.
type TargetStatus string

// Target statuses. NOT_ENABLED is a region the account has not enabled:
// it is out of scope, neither assessed nor a failure to assess.
const (
	Assessed    TargetStatus = "ASSESSED"
	NotAssessed TargetStatus = "NOT_ASSESSED"
	NotEnabled  TargetStatus = "NOT_ENABLED"
)

// count adds t to c: an assessed target is in scope and assessed, one
// not assessed is in scope only, one not enabled is neither.
func (t Target) count(c *score.Coverage) {
	switch t.Status {
	case Assessed:
		c.Assessed++
		c.InScope++
	case NotAssessed:
		c.InScope++
	}
}

// Target is one account × region, with what became of it.
type Target struct {
	Account string `json:"account"`
	// Region is "" for an account not assessed whose regions are
	// unknown: it counts as one target.
	Region string       `json:"region,omitempty"`
	Status TargetStatus `json:"status"`
	// Reason says why a target was not assessed (the account's error, or
	// the collectors that failed there) or is not enabled.
	Reason string `json:"reason,omitempty"`
}

// Coverage is the scan's scope as it was assessed: every target in scope
// (an account in one of its enabled regions) and the regions asked for
// that accounts have not enabled. Assessed / InScope count the targets
// in scope, the NOT_ENABLED ones left out.
type Coverage struct {
	score.Coverage
	// Targets are sorted by account, then region.
	Targets []Target `json:"targets"`
}

// NotEnabled returns the regions of account that it has not enabled.
func (c Coverage) NotEnabled(account string) []string {
	var out []string
	for _, t := range c.Targets {
		if t.Account == account && t.Status == NotEnabled {
			out = append(out, t.Region)
		}
	}
	return out
}

// cover derives the coverage from the accounts, the gaps and the
// controls: a target is assessed when its account was reached and no
// collector that an evaluated control needs failed there (a global
// collector reads the account once, for all its regions).
func (r *Report) cover() Coverage {
	needed := map[string]bool{}
	for _, c := range r.Controls {
		for _, n := range c.Needs {
			needed[n] = true
		}
	}
	failed := map[[2]string][]string{} // (account, region or "") → collectors
	for _, g := range r.Gaps {
		if needed[g.Collector] {
			k := [2]string{g.Account, g.Region}
			failed[k] = append(failed[k], g.Collector)
		}
	}
	var c Coverage
	for _, a := range r.Accounts {
		var ts []Target
		switch {
		case a.Error != "" && len(a.Regions) == 0:
			ts = append(ts, Target{Account: a.ID, Status: NotAssessed, Reason: a.Error})
		case a.Error != "":
			for _, reg := range a.Regions {
				ts = append(ts, Target{Account: a.ID, Region: reg, Status: NotAssessed, Reason: a.Error})
			}
		default:
			for _, reg := range a.Regions {
				if _, off := a.Skipped[reg]; off {
					continue
				}
				t := Target{Account: a.ID, Region: reg, Status: Assessed}
				if cs := append(append([]string(nil), failed[[2]string{a.ID, ""}]...), failed[[2]string{a.ID, reg}]...); len(cs) > 0 {
					sort.Strings(cs)
					t.Status, t.Reason = NotAssessed, "not collected: "+strings.Join(cs, ", ")
				}
				ts = append(ts, t)
			}
		}
		for _, reg := range sortedKeys(a.Skipped) {
			ts = append(ts, Target{Account: a.ID, Region: reg, Status: NotEnabled, Reason: a.Skipped[reg]})
		}
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].Region < ts[j].Region })
		c.Targets = append(c.Targets, ts...)
	}
	sort.SliceStable(c.Targets, func(i, j int) bool { return c.Targets[i].Account < c.Targets[j].Account })
	for _, t := range c.Targets {
		t.count(&c.Coverage)
	}
	return c
}

// ComputeScores sets r.Coverage from r's accounts, gaps and controls, and
// r.Scores from its results over that coverage (package score): scores
// count the targets assessed, each carries its coverage, and an account
// not assessed at all has no score. The scanner calls it once the results
// are in; so does anything that builds a report by hand.
func (r *Report) ComputeScores() {
	r.Coverage = r.cover()
	in := score.Input{Results: r.Results, Controls: r.Controls, Standards: r.Standards,
		Targets: []score.Target{}, NotAssessed: map[string]bool{}}
	for _, a := range r.Accounts {
		if a.Error != "" {
			in.NotAssessed[a.ID] = true
		}
	}
	for _, t := range r.Coverage.Targets {
		if t.Status != NotEnabled {
			in.Targets = append(in.Targets, score.Target{Account: t.Account, Region: t.Region, Assessed: t.Status == Assessed})
		}
	}
	r.Scores = score.Compute(in)
	r.Requirements = nil
	for _, s := range r.Standards {
		if r.Requirements == nil {
			r.Requirements = map[string][]score.RequirementStatus{}
		}
		r.Requirements[s.Short] = score.Requirements(r.Scores, s)
	}
}
