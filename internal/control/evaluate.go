package control

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Global reports whether the collector named c is global. The evaluator
// uses it to find the gap a control's Needs refer to.
type Global func(collector string) bool

// EvaluateAccount runs every control of cs over one account of s.
// An account that could not be assessed at all, a region that was asked
// for but is not enabled, and a collector gap all yield ERROR results with
// the reason; a panicking Check yields ERROR naming the control.
//
// Every result has a reason: one a Check left empty reads "control X
// gave no reason for this STATUS result (a bug in Guardrail)", so the bug
// shows in the report and in tests instead of a blank.
func EvaluateAccount(cs []*Control, s *snapshot.Snapshot, a *snapshot.Account, global Global, now time.Time) []Result {
	var out []Result
	for _, c := range cs {
		if a.Err != "" {
			out = append(out, Result{Control: c.ID, Status: Error, Resource: a.Meta(a.HomeRegion),
				Reason: "account not assessed: " + a.Err})
			continue
		}
		if c.Global {
			out = append(out, run(c, s, a, nil, a.HomeRegion, global, now)...)
			continue
		}
		for _, r := range a.RegionNames() {
			out = append(out, run(c, s, a, a.Regions[r], r, global, now)...)
		}
		for _, r := range sortedKeys(a.Skipped) {
			out = append(out, Result{Control: c.ID, Status: Error, Resource: a.Meta(r),
				Reason: "region not assessed: " + orUnknown(a.Skipped[r])})
		}
	}
	Sort(out)
	return out
}

func run(c *Control, s *snapshot.Snapshot, a *snapshot.Account, reg *snapshot.Region, region string, global Global, now time.Time) (out []Result) {
	for _, need := range c.Needs {
		gr := region
		if global(need) {
			gr = ""
		} else if c.Global {
			continue // a global control judges regional gaps itself
		}
		if g, ok := s.Gap(a.ID, gr, need); ok {
			return []Result{{Control: c.ID, Status: Error, Resource: a.Meta(region),
				Reason: fmt.Sprintf("%s not collected: %s", need, orUnknown(g.Reason))}}
		}
	}
	in := &Input{Snapshot: s, Account: a, Region: reg, Now: now, control: c, region: region}
	defer func() {
		if p := recover(); p != nil {
			out = []Result{{Control: c.ID, Status: Error, Resource: a.Meta(region),
				Reason: fmt.Sprintf("control %s failed: %s", c.ID, orUnknown(fmt.Sprint(p)))}}
		}
	}()
	c.Check(in)
	for i, r := range in.results {
		if strings.TrimSpace(r.Reason) == "" {
			in.results[i].Reason = fmt.Sprintf("control %s gave no reason for this %s result (a bug in Guardrail)", c.ID, r.Status)
		}
	}
	return in.results
}

// Unexplained reports whether r is a result its control gave no reason
// for (EvaluateAccount wrote one that says so).
func (r Result) Unexplained() bool {
	return strings.HasPrefix(r.Reason, "control "+r.Control+" gave no reason")
}

// orUnknown is why, or "no reason recorded" when it is blank.
func orUnknown(why string) string {
	if strings.TrimSpace(why) == "" {
		return "no reason recorded"
	}
	return why
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Sort orders results by account, region, control, resource ARN.
func Sort(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Resource.Account != b.Resource.Account {
			return a.Resource.Account < b.Resource.Account
		}
		if a.Resource.Region != b.Resource.Region {
			return a.Resource.Region < b.Resource.Region
		}
		if a.Control != b.Control {
			return a.Control < b.Control
		}
		return a.Resource.ARN < b.Resource.ARN
	})
}
