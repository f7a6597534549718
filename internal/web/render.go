package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
)

type page struct {
	full    *template.Template // layout + page
	partial bool               // has a "partial" template for htmx requests
}

var funcs = template.FuncMap{
	// pct and whole show a score as every surface does (score.Round).
	"pct": func(f float64) string {
		if math.IsNaN(f) {
			return "–"
		}
		return fmt.Sprintf("%d%%", score.Round(f))
	},
	"whole": score.Round,
	"delta": func(f float64) string {
		switch {
		case f > 0.05:
			return fmt.Sprintf("+%.1f", f)
		case f < -0.05:
			return fmt.Sprintf("%.1f", f)
		}
		return "±0"
	},
	"deltaClass": func(f float64) string {
		switch {
		case f > 0.05:
			return "up"
		case f < -0.05:
			return "down"
		}
		return "flat"
	},
	"scoreClass": scoreClass,
	"sev":        func(s control.Severity) string { return strings.ToLower(s.String()) },
	"sevName":    func(s control.Severity) string { return s.String() },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string { return t.UTC().Format("Jan 2") },
	"short": func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	},
	"lower": strings.ToLower,
	"query": func(kv ...string) template.URL {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				v.Set(kv[i], kv[i+1])
			}
		}
		return template.URL(v.Encode())
	},
	"add":     func(a, b int) int { return a + b },
	"list":    list,
	"nonzero": func(n int) bool { return n != 0 },
	"join":    strings.Join,
	"outcome": outcome,
	// state shows a JSON value of a state, a change's from or to: absent
	// when the state does not have it.
	"state": func(b []byte) string {
		if len(b) == 0 {
			return "(absent)"
		}
		return string(b)
	},
}

// scoreClass buckets a percentage, as shown (score.Round), for the
// colour scale (s0 worst .. s5 best); "none" when there is no score.
func scoreClass(pct float64, has bool) string {
	if !has || math.IsNaN(pct) {
		return "none"
	}
	switch f := score.Round(pct); {
	case f >= 95:
		return "s5"
	case f >= 85:
		return "s4"
	case f >= 70:
		return "s3"
	case f >= 50:
		return "s2"
	case f >= 30:
		return "s1"
	}
	return "s0"
}

func parsePages() (map[string]*page, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*page{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, n)
		if err != nil {
			return nil, err
		}
		out[name] = &page{full: t, partial: t.Lookup("partial") != nil}
	}
	return out, nil
}

// render writes page name with data. An htmx request for a page that has
// a "partial" template gets only that part.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, data map[string]any) {
	b, err := s.renderBytes(r, name, data)
	if err != nil {
		http.Error(w, s.internal(r, fmt.Errorf("render %s: %w", name, err)), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) renderBytes(r *http.Request, name string, data map[string]any) ([]byte, error) {
	p := s.pages[name]
	if p == nil {
		return nil, fmt.Errorf("no page %s", name)
	}
	data["Page"] = name
	data["AuthOn"] = s.auth.enabled()
	tmpl := "layout"
	if p.partial && r.Header.Get("HX-Request") != "" && r.Header.Get("HX-Boosted") == "" {
		tmpl = "partial"
	}
	var buf bytes.Buffer
	if err := p.full.ExecuteTemplate(&buf, tmpl, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
