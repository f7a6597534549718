// Package score computes security scores like Security Hub does: for a
// scope (the organization, an account, a region, a standard), the
// controls whose results all passed over the controls that have results
// other than NOT_APPLICABLE. A control with an ERROR and no failure is
// assessed but not passed: what could not be read never counts as a pass.
package score

import "github.com/guardrail-sec/guardrail/internal/control"

// Score is the score of one scope, counted in controls.
type Score struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Unknown controls had an ERROR and no failure.
	Unknown int `json:"unknown"`
	// Assessed = Passed + Failed + Unknown.
	Assessed int `json:"assessed"`
	// Percent is 100 * Passed / Assessed (0 when nothing was assessed).
	Percent float64 `json:"percent"`
}

// Scores are the scores of a scan. (Filled by Compute.)
type Scores struct {
	Overall Score `json:"overall"`
}

// Compute is a placeholder until the scores land.
func Compute(results []control.Result, controls []*control.Control, standards []control.Standard) Scores {
	return Scores{}
}
