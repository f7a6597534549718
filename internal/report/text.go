package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
)

// width is the width the text summary is laid out for.
const width = 100

// Text writes the terminal summary of r: who was scanned and how much
// work it took, the score per standard, the accounts worst first, the
// failing controls worst first with an example each, and everything that
// was not assessed, with why.
func Text(w io.Writer, r *Report, opts Options) error {
	v := newView(r)
	p := &printer{w: w}

	// Header.
	org := r.Scope.OrgID
	if org == "" {
		org = "(single account)"
	}
	if t := when(r); t.IsZero() {
		p.printf("Guardrail scan %s\n", r.ID)
	} else {
		p.printf("Guardrail scan %s, %s\n", r.ID, t.Format("2006-01-02 15:04 MST"))
	}
	line := "Organization " + org
	if r.Scope.Management != "" {
		line += " (management account " + r.Scope.Management + ")"
	}
	p.println(line)
	notAssessed := ""
	if v.NotAssessed > 0 {
		notAssessed = fmt.Sprintf(" (%d not assessed)", v.NotAssessed)
	}
	p.printf("%d accounts%s, %d targets, %s API calls", len(r.Accounts), notAssessed, targets(r), thousands(r.Stats.APICalls))
	if d := duration(r); d > 0 {
		p.printf(", %s", d)
	}
	p.println("")
	regionSources(p, r)

	// Scores.
	p.println("\nSCORES  controls passed / assessed over the targets assessed, as Security Hub counts them")
	t := &table{indent: 2, right: map[int]bool{1: true}}
	details := []string{scoreDetail(v.Overall)}
	t.row("Overall", pct(v.Overall), "("+v.Overall.Coverage.String()+")")
	for _, s := range v.Standards {
		t.row(s.Name, pct(s.Score), "("+s.Score.Coverage.String()+")")
		details = append(details, scoreDetail(s.Score))
	}
	// The details follow on the lines when they all fit, else below.
	lines := t.lines()
	fits := true
	for i, l := range lines {
		fits = fits && utf8.RuneCountInString(l)+2+utf8.RuneCountInString(details[i]) <= width
	}
	for i, l := range lines {
		if fits {
			p.println(l + "  " + details[i])
			continue
		}
		p.println(l)
		p.wrap("      ", details[i], "    ")
	}
	if v.Overall.Unknown > 0 {
		p.println("  unknown: could not be assessed somewhere (see NOT ASSESSED); it never counts as passed.")
	}
	if v.Overall.Incomplete > 0 {
		p.wrap("    ", "only where assessed: passed on every target assessed, but some targets in scope were not: "+
			"UNKNOWN across the organization, and counted as passed in the score of what was assessed.", "  ")
	}

	// Accounts.
	p.println("\nACCOUNTS  worst score first")
	head := []string{"ACCOUNT", "ID", "OU", "SCORE", "TARGETS"}
	hidden := 0
	for _, s := range v.Standards {
		if s.Column {
			head = append(head, strings.ToUpper(s.Short))
		} else {
			hidden++
		}
	}
	head = append(head, "CRIT", "HIGH", "MED", "LOW", "ERR")
	t = &table{indent: 2, gap: map[int]int{}, right: map[int]bool{}}
	for i := 3; i < len(head); i++ {
		t.right[i] = true
	}
	for i := len(head) - 5; i < len(head)-1; i++ {
		t.gap[i] = 1
	}
	t.row(head...)
	for _, a := range v.Accounts {
		row := []string{clip(a.Name, 17), a.ID, clipLeft(a.OUPath, 13)}
		if a.Error != "" {
			row = append(row, "n/a", fmt.Sprintf("%d/%d", a.Coverage.Assessed, a.Coverage.InScope))
			for _, s := range v.Standards {
				if s.Column {
					row = append(row, "n/a")
				}
			}
			row = append(row, "-", "-", "-", "-", "-")
		} else {
			row = append(row, pct(a.Overall), fmt.Sprintf("%d/%d", a.Coverage.Assessed, a.Coverage.InScope))
			for i, s := range a.Standards {
				if v.Standards[i].Column {
					row = append(row, pct(s))
				}
			}
			row = append(row, fmt.Sprint(a.Failing.Critical), fmt.Sprint(a.Failing.High),
				fmt.Sprint(a.Failing.Medium), fmt.Sprint(a.Failing.Low), fmt.Sprint(a.Errors))
		}
		t.row(row...)
	}
	t.write(p)
	if v.NotAssessed > 0 {
		p.println("  n/a: not assessed, see NOT ASSESSED below.")
	}
	if hidden > 0 {
		p.wrap("  ", fmt.Sprintf("%d more standards are scored per account in the HTML and JSON reports (--format html|json), or alone with --standard.", hidden), "  ")
	}

	// A scan of one standard (--standard): its requirements.
	if len(r.Standards) == 1 {
		requirements(p, r, r.Standards[0])
	}

	// Failing controls.
	if len(v.Failures) == 0 {
		p.println("\nFAILING CONTROLS  none")
	} else {
		p.printf("\nFAILING CONTROLS  %d, worst first\n", len(v.Failures))
		idw := 0
		for _, f := range v.Failures {
			idw = max(idw, len(f.Control.ID))
		}
		indent := strings.Repeat(" ", 2+8+2+idw+2)
		for i, f := range v.Failures {
			if opts.Top > 0 && i == opts.Top {
				p.printf("  ... and %d more failing controls (all of them are in the html, csv and json reports)\n", len(v.Failures)-i)
				break
			}
			head := fmt.Sprintf("  %-8s  %-*s  ", f.Control.Severity, idw, f.Control.ID)
			p.println(head + clip(f.Control.Title, width-len(head)))
			ex := f.Example
			p.wrap(indent, fmt.Sprintf("%s, %s; e.g. %s (%s) %s %s: %s",
				plural(f.Accounts, "account"), plural(f.Resources, "resource"),
				f.ExampleName, ex.Resource.Account, ex.Resource.Region, resourceLabel(ex.Resource), ex.Reason))
		}
	}

	// Not assessed.
	p.println("\nNOT ASSESSED")
	if v.NotAssessed == 0 && len(v.Gaps) == 0 && len(v.Errors) == 0 {
		p.println("  Everything in scope was assessed.")
	}
	if v.NotAssessed > 0 {
		p.printf("  Accounts (%d):\n", v.NotAssessed)
		for _, a := range r.Accounts {
			if a.Error != "" {
				p.wrap("      ", fmt.Sprintf("%s (%s): %s", a.Name, a.ID, a.Error), "    ")
			}
		}
	}
	groups := func(title, in, unit string, gs []group) {
		if len(gs) == 0 {
			return
		}
		p.printf("  %s (%d):\n", title, len(gs))
		for _, g := range gs {
			p.wrap("      ", fmt.Sprintf("%s %s %s: %s", g.What, in, plural(g.Count, unit), g.Reason), "    ")
			p.wrap("        ", strings.Join(g.Targets, "; "), "      ")
		}
	}
	groups("Collectors that failed", "in", "target", v.Gaps)
	groups("Controls that could not judge some resources", "on", "resource", v.Errors)

	// Not enabled: out of scope, not a failure.
	if len(v.Skipped) > 0 {
		p.println("\nNOT ENABLED  regions asked for that accounts have not enabled: not in scope, not counted")
		for _, g := range v.Skipped {
			p.wrap("      ", fmt.Sprintf("%s in %s: %s", g.What, plural(g.Count, "account"), g.Reason), "  ")
			p.wrap("      ", strings.Join(g.Targets, "; "), "    ")
		}
	}
	return p.err
}

// regionSources says which accounts' regions were not listed by the
// Account API, and why.
func regionSources(p *printer, r *Report) {
	bySource := map[string][]string{}
	var sources []string
	for _, a := range r.Accounts {
		if a.RegionSource == "" {
			continue
		}
		if bySource[a.RegionSource] == nil {
			sources = append(sources, a.RegionSource)
		}
		bySource[a.RegionSource] = append(bySource[a.RegionSource], fmt.Sprintf("%s (%s)", a.Name, a.ID))
	}
	for _, src := range sources {
		accts := bySource[src]
		p.wrap("  ", fmt.Sprintf("Regions of %s listed by %s: %s", plural(len(accts), "account"), src, strings.Join(accts, ", ")), "")
	}
}

func scoreDetail(s score.Score) string {
	if !s.HasData() {
		return "no data"
	}
	d := fmt.Sprintf("%d of %d passed", s.Passed, s.Assessed)
	if s.Incomplete > 0 {
		d += fmt.Sprintf(" (%d only where assessed)", s.Incomplete)
	}
	if s.Failed > 0 {
		d += fmt.Sprintf(", %d failed", s.Failed)
	}
	if s.Unknown > 0 {
		d += fmt.Sprintf(", %d unknown", s.Unknown)
	}
	if s.NoData > 0 {
		d += fmt.Sprintf(", %d no data", s.NoData)
	}
	return d
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// clip shortens s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// clipLeft shortens s to n runes keeping its end ("…ds/Production").
func clipLeft(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-n+1:])
}

// requirements writes the requirements of std that did not pass, and
// how many did, needed a person or are not implemented.
func requirements(p *printer, r *Report, std control.Standard) {
	rows, counts := requirementRows(r, std)
	p.println("\nREQUIREMENTS  " + std.Label())
	p.wrap("  ", counts+"; the ones that did not pass:", "  ")
	t := &table{indent: 2}
	manual := false
	for _, q := range rows {
		switch score.Status(q.Status) {
		case score.Failed, score.Unknown, score.NotImplemented:
			t.row(q.ID, q.Status, clip(q.Controls, 24), clip(q.Title, 60))
		case score.Manual:
			manual = true
		}
	}
	t.write(p)
	if manual {
		p.println("  need a person: see 'guardrail controls list --standard " + std.Short + "'.")
	}
}

// printer writes text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) println(s string) { p.printf("%s\n", s) }

// wrap writes s in lines of at most width runes, each continuation line
// starting with indent; the first line starts with first (indent when
// not given).
func (p *printer) wrap(indent, s string, first ...string) {
	lead := indent
	if len(first) > 0 {
		lead = first[0]
	}
	for _, l := range wrapLines(s, width-utf8.RuneCountInString(lead), width-utf8.RuneCountInString(indent)) {
		p.println(lead + l)
		lead = indent
	}
}

// wrapLines breaks s at spaces into lines of at most n runes (the first
// line at most n0); words longer than a line are cut.
func wrapLines(s string, n0, n int) []string {
	var out []string
	limit := n0
	line := ""
	for _, word := range strings.Fields(s) {
		for utf8.RuneCountInString(word) > limit && line == "" {
			r := []rune(word)
			out = append(out, string(r[:limit]))
			word = string(r[limit:])
			limit = n
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= limit:
			line += " " + word
		default:
			out = append(out, line)
			limit = n
			line = ""
			for utf8.RuneCountInString(word) > limit {
				r := []rune(word)
				out = append(out, string(r[:limit]))
				word = string(r[limit:])
			}
			line = word
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// table lays out rows in columns: left-aligned unless right says so,
// two spaces apart unless gap says otherwise.
type table struct {
	indent int
	right  map[int]bool
	gap    map[int]int
	rows   [][]string
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(p *printer) {
	for _, l := range t.lines() {
		p.println(l)
	}
}

// lines lays the rows out, one line each.
func (t *table) lines() []string {
	var out []string
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", t.indent))
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if t.right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
			if i < len(r)-1 {
				g, ok := t.gap[i]
				if !ok {
					g = 2
				}
				b.WriteString(strings.Repeat(" ", g))
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}
