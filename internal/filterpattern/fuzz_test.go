package filterpattern

import (
	"testing"
)

// FuzzParseMatch: any pattern either fails to parse or parses into one
// that Match, Evaluable, MayMatch and Covers handle without panicking, and
// Match (on the expression as written) agrees with the normal form that
// Covers compares.
func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{cis41, cis43, cis44, `{ $.eventType = UpdateTrail || $.latency > 1 && $.ThisFlag IS TRUE }`, `{ ($.latency = 5* || $.code != 400) && $.arrayKey[1] = "another value" }`, `{ $.a[0][1] >= -1e3 || $.b = %x+% && ($.c NOT EXISTS) }`, `{ $.a = "q\"" }`, `{ $.a.* = * }`} {
		f.Add(s)
	}
	get := getter(f, docEvent)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		dnf := false
		for _, c := range p.Clauses() {
			all := true
			for _, x := range c {
				if !compile(x).match(get) {
					all = false
					break
				}
			}
			if all {
				dnf = true
				break
			}
		}
		if got := p.Match(get); got != dnf {
			t.Fatalf("%s: Match = %v, its normal form %s = %v", s, got, p, dnf)
		}
		_ = p.Evaluable()
		p.MayMatch(map[string]any{"a": []any{"x", 1.0}, "b": map[string]any{"c": nil}})
		p.Covers(p)
	})
}
