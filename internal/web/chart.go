package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// trendChart draws the scores of past scans as an SVG line chart: the
// overall score and each standard's, 0-100%, one point per scan. It is
// drawn on the server so the page needs no chart script; its colours come
// from the stylesheet (classes), as the content security policy wants.
func trendChart(h []store.ScoreAt, standards []control.Standard) template.HTML {
	const w, ht, left, right, top, bottom = 640, 200, 40, 12, 12, 28
	if len(h) == 0 {
		return ""
	}
	pw, ph := float64(w-left-right), float64(ht-top-bottom)
	x := func(i int) float64 {
		if len(h) == 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(len(h)-1)
	}
	y := func(p float64) float64 { return top + ph*(1-p/100) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="trend" viewBox="0 0 %d %d" role="img" aria-label="Score over the last %d scans">`, w, ht, len(h))
	for _, g := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/><text class="axis" text-anchor="end" x="%d" y="%.1f">%.0f%%</text>`,
			left, w-right, y(g), y(g), left-6, y(g)+4, g)
	}
	step := max(1, len(h)/6)
	for i := 0; i < len(h); i += step {
		anchor := "middle"
		switch {
		case len(h) == 1:
		case i == 0:
			anchor = "start"
		case i+step >= len(h) && i == len(h)-1:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text class="axis x" text-anchor="%s" x="%.1f" y="%d">%s</text>`, anchor, x(i), ht-8, h[i].At.UTC().Format("Jan 2 15:04"))
	}
	line := func(class, name string, val func(store.ScoreAt) (float64, bool)) {
		var pts []string
		var last [2]float64
		var lastV float64
		for i, s := range h {
			v, ok := val(s)
			if !ok {
				continue
			}
			last = [2]float64{x(i), y(v)}
			lastV = v
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", last[0], last[1]))
		}
		if len(pts) == 0 {
			return
		}
		fmt.Fprintf(&b, `<polyline class="%s" points="%s"><title>%s</title></polyline>`, class, strings.Join(pts, " "), template.HTMLEscapeString(name))
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="3"><title>%s: %d%%</title></circle>`, class, last[0], last[1], template.HTMLEscapeString(name), score.Round(lastV))
	}
	line("l0", "All controls", func(s store.ScoreAt) (float64, bool) { return s.Overall, true })
	for i, st := range standards {
		id := st.ID
		line(lineClass(i), st.Label(), func(s store.ScoreAt) (float64, bool) { v, ok := s.Standards[id]; return v, ok })
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chartLines is how many standards the trend chart draws (the colours
// app-3.css has for lines l1-l4).
const chartLines = 4

// trendStandards are the standards the trend chart draws: the primary
// ones (cis-3.0 and fsbp among the embedded standards) when there are more
// than it has colours for, else all. Every standard has its card with its
// score and change since the previous scan.
func trendStandards(all []control.Standard) []control.Standard {
	if len(all) <= chartLines {
		return all
	}
	var out []control.Standard
	for _, s := range all {
		if s.Primary && len(out) < chartLines {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return all[:chartLines]
	}
	return out
}

// lineClass is the CSS class of the i-th standard's line.
func lineClass(i int) string { return fmt.Sprintf("l%d", i+1) }
