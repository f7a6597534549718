package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
)

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":    pct,
	"plural": plural,
	"sev":    func(s control.Severity) string { return strings.ToLower(s.String()) },
	"grade": func(s score.Score) string {
		switch {
		case !s.HasData():
			return "none"
		case s.Rounded() >= 90:
			return "good"
		case s.Rounded() >= 70:
			return "fair"
		case s.Rounded() >= 40:
			return "poor"
		}
		return "bad"
	},
	// bar is a score's bar width in percent, as CSS wants it.
	"bar":    func(s score.Score) string { return fmt.Sprintf("%.1f%%", s.Percent) },
	"detail": scoreDetail,
	"inc":    func(n int) int { return n + 1 },
	"label":  resourceLabel,
	"status": func(s control.Status) string { return strings.ToLower(string(s)) },
	"sevlist": func() []control.Severity {
		return []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Informational}
	},
}).Parse(htmlSource))

// htmlPage is what html.tmpl renders.
type htmlPage struct {
	*view
	R          *Report
	Org        string
	When       string
	Duration   string
	APICalls   string
	Version    string
	Unassessed []Account
}

// HTML writes r as one self-contained page (inline CSS and a little
// inline JavaScript to filter the findings; no external URL): scores per
// standard, the accounts, the failing controls worst first, the findings
// (FAILED and ERROR) and what was not assessed. Everything from AWS is
// escaped by html/template.
func HTML(w io.Writer, r *Report, opts Options) error {
	v := newView(r)
	p := htmlPage{view: v, R: r, Org: r.Scope.OrgID, When: when(r).Format("2006-01-02 15:04 MST"),
		APICalls: thousands(r.Stats.APICalls), Version: opts.version()}
	if p.Org == "" {
		p.Org = "single account"
	}
	if d := duration(r); d > 0 {
		p.Duration = d.String()
	}
	for _, a := range r.Accounts {
		if a.Error != "" {
			p.Unassessed = append(p.Unassessed, a)
		}
	}
	return htmlTemplate.Execute(w, p)
}
