package control

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Global reports whether the collector named c is global. The evaluator
// uses it to find the gap a control's Needs refer to.
type Global func(collector string) bool

// EvaluateAccount runs every control of cs over one account of s.
// An account that could not be assessed at all and a collector gap yield
// ERROR results with the reason; a panicking Check yields ERROR naming
// the control. A region that was asked for but that the account has not
// enabled is not in the scan's scope: it yields no result (the report
// lists it as not enabled). A Global control that reads regional state
// judges the account across its regions, so with none of them assessed
// it has seen nothing and yields ERROR, never a pass or a failure made
// of missing data.
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
			if len(a.Regions) == 0 && readsRegions(c, global) {
				out = append(out, Result{Control: c.ID, Status: Error, Resource: a.Meta(a.HomeRegion),
					Reason: NoRegionAssessed})
				continue
			}
			out = append(out, run(c, s, a, nil, a.HomeRegion, global, now)...)
			continue
		}
		for _, r := range a.RegionNames() {
			out = append(out, run(c, s, a, a.Regions[r], r, global, now)...)
		}
	}
	Sort(out)
	return out
}

// NoRegionAssessed is the reason of the ERROR a Global control that reads
// regional state yields for an account none of whose regions was
// assessed.
const NoRegionAssessed = "no region of the account was assessed: the control reads regional state"

// readsRegions reports whether c reads a regional collector.
func readsRegions(c *Control, global Global) bool {
	for _, n := range c.Needs {
		if !global(n) {
			return true
		}
	}
	return false
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

// Sort orders results by account, region, control, resource ARN.
func Sort(rs []Result) {
	slices.SortStableFunc(rs, func(a, b Result) int {
		if c := cmp.Compare(a.Resource.Account, b.Resource.Account); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Resource.Region, b.Resource.Region); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Control, b.Control); c != 0 {
			return c
		}
		return cmp.Compare(a.Resource.ARN, b.Resource.ARN)
	})
}
