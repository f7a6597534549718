package web

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// TestTrendStandards: the chart draws the primary standards when there
// are more than it has colours for, and every standard otherwise.
func TestTrendStandards(t *testing.T) {
	var all []control.Standard
	for _, s := range []string{"cis-1.2", "cis-1.4", "cis-3.0", "cis-4.0", "cis-5.0", "fsbp", "wa-sec"} {
		all = append(all, control.Standard{ID: s, Short: s, Primary: s == "cis-3.0" || s == "fsbp"})
	}
	short := func(ss []control.Standard) (out []string) {
		for _, s := range ss {
			out = append(out, s.Short)
		}
		return out
	}
	if got := short(trendStandards(all)); strings.Join(got, " ") != "cis-3.0 fsbp" {
		t.Errorf("seven standards: chart draws %v, want the primary cis-3.0 fsbp", got)
	}
	if got := short(trendStandards(all[5:])); strings.Join(got, " ") != "fsbp wa-sec" {
		t.Errorf("two standards: chart draws %v, want both", got)
	}
}
