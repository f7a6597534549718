package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// overview is the posture of the organization as of the latest complete
// scan, with the findings as they are now.
type overview struct {
	Scan     *store.Scan     `json:"scan"`
	Previous *store.ScanHead `json:"previous,omitempty"`
	Running  *store.ScanHead `json:"running,omitempty"`

	Overall   scoreCard       `json:"overall"`
	Standards []scoreCard     `json:"standards"`
	Accounts  []accountRow    `json:"accounts"`
	Open      score.Counts    `json:"open"`
	Regions   []string        `json:"regions"`
	Top       []topControl    `json:"top_controls"`
	Trend     []store.ScoreAt `json:"trend"`
	Changes   *changes        `json:"changes,omitempty"`

	chart template.HTML
	open  store.OpenSummary
	page  []byte // the rendered page, for its version
}

type scoreCard struct {
	ID      string  `json:"id,omitempty"`
	Short   string  `json:"short,omitempty"`
	Name    string  `json:"name"`
	Percent float64 `json:"percent"`
	// Score is Percent as every surface shows it (score.Round).
	Score    int  `json:"score"`
	Passed   int  `json:"passed"`
	Assessed int  `json:"assessed"`
	HasData  bool `json:"has_data"`
	// Incomplete are the passed controls that some target in scope could
	// not judge (UNKNOWN across the organization).
	Incomplete int `json:"incomplete,omitempty"`
	// Coverage is the targets assessed / in scope behind the score.
	Coverage score.Coverage `json:"coverage"`
	Delta    float64        `json:"delta"`
	// Line is the class of the standard's line in the trend chart ("l1"),
	// "" when the chart leaves it out (see trendStandards).
	Line string `json:"-"`
}

// card is the score card of sc.
func card(name string, sc score.Score) scoreCard {
	return scoreCard{Name: name, Percent: sc.Percent, Score: sc.Rounded(), Passed: sc.Passed, Assessed: sc.Assessed,
		HasData: sc.HasData(), Incomplete: sc.Incomplete, Coverage: sc.Coverage}
}

type accountRow struct {
	ID       string  `json:"id"`
	Name     string  `json:"name,omitempty"`
	OUPath   string  `json:"ou_path,omitempty"`
	Percent  float64 `json:"percent"`
	Score    int     `json:"score"`
	HasScore bool    `json:"has_score"`
	// Coverage is the account's targets (regions) assessed / in scope.
	Coverage    score.Coverage     `json:"coverage"`
	Standards   map[string]float64 `json:"standards,omitempty"`
	Open        score.Counts       `json:"open"`
	OpenTotal   int                `json:"open_total"`
	NotAssessed string             `json:"not_assessed,omitempty"`
	// NotEnabled are regions asked for that the account has not enabled:
	// out of scope, not a failure to assess.
	NotEnabled []string `json:"not_enabled,omitempty"`
	Cells      []cell   `json:"-"`
}

// Heat is the row's cells of the heat map, written here rather than by
// the template: at 200 accounts x 17 regions the template's 3,400 cells
// were most of what rendering a cold overview cost. Every value is
// escaped as the template would: query values for the link, HTML for
// text and attributes.
func (a accountRow) Heat() template.HTML {
	var b strings.Builder
	esc := func(s string) { b.WriteString(template.HTMLEscapeString(s)) }
	for _, c := range a.Cells {
		b.WriteString(`<td class="`)
		esc(c.Class)
		b.WriteString(`">`)
		if c.Has {
			pct := "–" // as the template's pct
			if !math.IsNaN(c.Percent) {
				pct = fmt.Sprintf("%d%%", score.Round(c.Percent))
			}
			title := a.Name + " " + c.Region + ": " + pct
			if c.Note != "" {
				title += " (" + c.Note + ")"
			}
			b.WriteString(`<a href="/findings?account=`)
			esc(url.QueryEscape(a.ID))
			b.WriteString(`&amp;region=`)
			esc(url.QueryEscape(c.Region))
			b.WriteString(`" title="`)
			esc(title)
			b.WriteString(`">`)
			b.WriteString(strconv.Itoa(score.Round(c.Percent)))
			if c.Note != "" {
				b.WriteString("*")
			}
			b.WriteString(`</a>`)
		} else {
			b.WriteString(`<span title="`)
			esc(a.Name + " " + c.Region + ": " + c.Note)
			b.WriteString(`">`)
			if c.Class == "off" {
				b.WriteString("–")
			} else {
				b.WriteString("·")
			}
			b.WriteString(`</span>`)
		}
		b.WriteString(`</td>`)
	}
	return template.HTML(b.String())
}

// cell is one account in one region: its score, or why it has none.
type cell struct {
	Region  string
	Percent float64
	Has     bool
	// Class is the colour: s0..s5 for a score, "none" for no data or not
	// assessed, "off" for a region the account has not enabled.
	Class string
	// Note says what a cell without a score is ("not assessed", "not
	// enabled", "no data"), or that a score's target was not assessed in
	// full.
	Note string
}

type topControl struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Severity control.Severity `json:"severity"`
	Accounts int              `json:"accounts"`
	Findings int              `json:"findings"`
}

type changes struct {
	From     string            `json:"from"`
	To       string            `json:"to"`
	Appeared int               `json:"appeared"`
	Fixed    int               `json:"fixed"`
	Delta    float64           `json:"overall_delta"`
	TopNew   []finding.Finding `json:"top_appeared"`
	TopFixed []finding.Finding `json:"top_fixed"`
}

// errNoScan says the store has no complete scan yet.
var errNoScan = errors.New("no complete scan in the store yet: run 'guardrail scan' (or 'guardrail demo')")

// Forget empties the caches: the next page is built from the store, as
// after a new scan.
func (s *Server) Forget() {
	s.mu.Lock()
	s.cached, s.cacheV = nil, ""
	s.latest, s.latestSeq = nil, 0
	s.mu.Unlock()
}

// scan returns the complete scan h whole: the one read last when it is
// the same (a COMPLETE scan never changes), else from the store.
func (s *Server) scan(ctx context.Context, h *store.ScanHead) (*store.Scan, error) {
	s.mu.Lock()
	sc, seq := s.latest, s.latestSeq
	s.mu.Unlock()
	if sc != nil && seq == h.Seq && sc.ID == h.ID {
		return sc, nil
	}
	full, err := s.o.Store.Scan(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	if full.Status != store.Complete {
		return nil, fmt.Errorf("scan %s: %s, was listed %s", h.ID, full.Status, h.Status)
	}
	s.mu.Lock()
	s.latest, s.latestSeq = &full, h.Seq
	s.mu.Unlock()
	return &full, nil
}

// overview returns the overview, from cache while the store's version is
// unchanged.
func (s *Server) overview(ctx context.Context) (*overview, error) {
	v, err := s.o.Store.Version(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.cached != nil && s.cacheV == v {
		ov := s.cached
		s.mu.Unlock()
		return ov, nil
	}
	s.mu.Unlock()
	ov, err := s.buildOverview(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cached, s.cacheV = ov, v
	s.mu.Unlock()
	return ov, nil
}

func (s *Server) buildOverview(ctx context.Context) (*overview, error) {
	// The scans are picked from their heads; only the latest complete
	// one is read whole (its scores, scope and accounts).
	heads, err := s.o.Store.ScanHeads(ctx, 50)
	if err != nil {
		return nil, err
	}
	ov := &overview{}
	var latest *store.ScanHead
	for i := range heads {
		h := &heads[i]
		switch {
		case h.Status == store.Running && latest == nil && ov.Running == nil:
			ov.Running = h
		case h.Status != store.Complete:
		case latest == nil:
			latest = h
		case ov.Previous == nil:
			ov.Previous = h
		}
	}
	if latest == nil {
		return nil, errNoScan
	}
	if ov.Scan, err = s.scan(ctx, latest); err != nil {
		return nil, err
	}
	open, err := s.o.Store.OpenSummary(ctx)
	if err != nil {
		return nil, err
	}
	if ov.Trend, err = s.o.Store.ScoreHistory(ctx, 30); err != nil {
		return nil, err
	}
	var prev map[string]float64
	prevOverall := ov.Scan.Scores.Overall.Percent
	if n := len(ov.Trend); n >= 2 {
		prev = ov.Trend[n-2].Standards
		prevOverall = ov.Trend[n-2].Overall
	}
	sc := ov.Scan.Scores
	ov.Overall = card("All controls", sc.Overall)
	ov.Overall.Delta = sc.Overall.Percent - prevOverall
	charted := trendStandards(s.o.Catalog.Standards())
	for _, st := range s.o.Catalog.Standards() {
		ss, ok := score.Standard(sc.Standards, st.ID)
		c := card(st.Label(), ss)
		c.ID, c.Short, c.HasData = st.ID, st.Short, ok && ss.HasData()
		if p, ok := prev[st.ID]; ok {
			c.Delta = ss.Percent - p
		}
		for i, t := range charted {
			if t.ID == st.ID {
				c.Line = lineClass(i)
			}
		}
		ov.Standards = append(ov.Standards, c)
	}
	ov.Accounts, ov.Regions = accountRows(ov.Scan, open.Accounts)
	for _, c := range open.Accounts {
		ov.Open.AddN(c.Severity, c.Count)
	}
	ov.Top = s.topControls(open.Controls, 10)
	ov.chart = trendChart(ov.Trend, charted)
	if ov.Previous != nil {
		ch, err := s.o.Store.ScanChanges(ctx, ov.Scan.ID, 5)
		if err != nil {
			return nil, err
		}
		c := ov.Scan.Changes
		ov.Changes = &changes{From: ov.Previous.ID, To: ov.Scan.ID, Appeared: c.New + c.Reopened, Fixed: c.Resolved,
			Delta: ov.Overall.Delta, TopNew: ch.Opened, TopFixed: ch.Resolved}
	}
	ov.open = open
	return ov, nil
}

func head(fs []finding.Finding, n int) []finding.Finding {
	if len(fs) > n {
		return fs[:n]
	}
	return fs
}

// accountRows are the accounts of the scan, worst score first, with their
// open findings, their coverage and their score in each region (or why
// there is none: not assessed, not enabled, no data).
func accountRows(sc *store.Scan, counts []store.OpenCount) ([]accountRow, []string) { // counts: by account and severity
	rows := map[string]*accountRow{}
	get := func(id string) *accountRow {
		if r := rows[id]; r != nil {
			return r
		}
		r := &accountRow{ID: id}
		rows[id] = r
		return r
	}
	for _, a := range sc.Scores.Accounts {
		r := get(a.Account)
		r.Percent, r.Score, r.HasScore, r.Coverage = a.Percent, a.Rounded(), a.HasData(), a.Coverage
		r.Standards = map[string]float64{}
		for _, st := range a.Standards {
			if st.HasData() {
				r.Standards[st.Standard] = st.Percent
			}
		}
	}
	regionSet := map[string]bool{}
	// known: the scan recorded the account's regions, so a region it
	// lacks is one it has not enabled (scans stored before did not).
	known := map[string]bool{}
	in := map[[2]string]bool{}
	for _, a := range sc.Accounts {
		r := get(a.ID)
		r.Name, r.OUPath, r.NotEnabled = a.Name, a.OUPath, a.NotEnabled
		known[a.ID] = len(a.Regions) > 0 || len(a.NotEnabled) > 0
		for _, reg := range a.Regions {
			in[[2]string{a.ID, reg}] = true
		}
		for _, reg := range a.NotEnabled {
			regionSet[reg] = true
		}
	}
	for id, why := range sc.NotAssessed {
		r := get(id)
		r.NotAssessed = why
		if r.Coverage.InScope == 0 {
			r.Coverage = score.Coverage{InScope: 1} // its regions are unknown
		}
	}
	for _, c := range counts {
		r := get(c.Account)
		if r.OUPath == "" {
			r.OUPath = c.OUPath
		}
		r.Open.AddN(c.Severity, c.Count)
		r.OpenTotal += c.Count
	}
	targets := map[[2]string]score.TargetScore{}
	for _, t := range sc.Scores.Targets {
		regionSet[t.Region] = true
		targets[[2]string{t.Account, t.Region}] = t
	}
	var regions []string
	for r := range regionSet {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	out := make([]accountRow, 0, len(rows))
	for _, r := range rows {
		for _, reg := range regions {
			t, ok := targets[[2]string{r.ID, reg}]
			c := cell{Region: reg, Percent: t.Percent, Has: ok && t.HasData()}
			c.Class = scoreClass(c.Percent, c.Has)
			switch {
			case r.NotAssessed != "":
				c.Note = "not assessed"
			case c.Has && !t.Coverage.Complete():
				c.Note = "not assessed in full"
			case c.Has:
			case ok:
				c.Note = "no data"
			case known[r.ID] && !in[[2]string{r.ID, reg}]:
				c.Class, c.Note = "off", "not enabled"
			default:
				c.Note = "not assessed"
			}
			r.Cells = append(r.Cells, c)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.HasScore != b.HasScore {
			return !a.HasScore // not assessed first: nobody knows their state
		}
		if a.Percent != b.Percent {
			return a.Percent < b.Percent
		}
		return a.ID < b.ID
	})
	return out, regions
}

// topControls are the controls failing in the most accounts.
func (s *Server) topControls(counts []store.ControlOpen, n int) []topControl {
	by := map[string]*topControl{}
	for _, c := range counts {
		t := by[c.Control]
		if t == nil {
			t = &topControl{ID: c.Control, Severity: c.Severity}
			if ctl := s.o.Catalog.Control(c.Control); ctl != nil {
				t.Title, t.Severity = ctl.Title, ctl.Severity
			}
			by[c.Control] = t
		}
		t.Findings += c.Count
		t.Accounts += c.Accounts // one row per control
	}
	out := make([]topControl, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Accounts != b.Accounts {
			return a.Accounts > b.Accounts
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Findings != b.Findings {
			return a.Findings > b.Findings
		}
		return a.ID < b.ID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	ov, err := s.overview(r.Context())
	if errors.Is(err, errNoScan) {
		s.render(w, r, "empty", http.StatusOK, map[string]any{"Title": "Overview"})
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// The page only changes with the store: it is rendered once per
	// version of it.
	s.mu.Lock()
	page := ov.page
	s.mu.Unlock()
	if page == nil {
		b, err := s.renderBytes(r, "overview", map[string]any{"Title": "Overview", "O": ov, "Chart": ov.chart})
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		s.mu.Lock()
		ov.page, page = b, b
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}
