package notify

import (
	"path"
	"slices"
	"strings"
)

// Routing, and why it is shaped this way.
//
// Every route whose match fits the event fires, in file order, unless a
// matching route says stop: true, which ends the walk after it. That is
// the safe default for security alerts: a team's own route (by resource
// tag, say) and the security team's catch-all both get the finding, and
// nobody loses one because a more specific route happened to come first
// (Alertmanager's default of first-match-wins silently starves later
// receivers). A route that should own its events outright says stop.
//
// The default route fires only when no route matched: it catches what
// nobody claimed, not a copy of everything.
//
// A field of a match that does not apply to the event (a watch rule for
// a finding, a resource tag for a remediation run) does not match: a
// route asking for rule: root-login never receives findings. Within a
// field the values are alternatives; across fields, all must match.

// Target is one destination an event is sent to, and the route that sent
// it there.
type Target struct {
	Destination string
	// Route is the route's name, "routes[2]" when it has none, or
	// "default".
	Route string
	// Digest: the route asks for a digest.
	Digest bool
}

// Route returns the destinations ev goes to: every matching route's, in
// file order, each destination once (the first route that names it
// wins; a digest route and a per-event route to the same destination
// give one Target each). The default route's when no route matches; none
// when there is no default.
func (c *Config) Route(ev *Event) []Target {
	var out []Target
	add := func(r *Route) {
		for _, d := range r.To {
			if !slices.ContainsFunc(out, func(t Target) bool { return t.Destination == d && t.Digest == r.Digest }) {
				out = append(out, Target{Destination: d, Route: r.Name, Digest: r.Digest})
			}
		}
	}
	matched := false
	for _, r := range c.Routes {
		if !r.Match.Matches(ev) {
			continue
		}
		matched = true
		add(r)
		if r.Stop {
			break
		}
	}
	if !matched && c.Default != nil {
		add(c.Default)
	}
	return out
}

// Explain returns, for each route, whether ev matches it and why: the
// criteria that matched, or the first that did not. For `notify test`.
func (c *Config) Explain(ev *Event) []Explanation {
	var out []Explanation
	matched, stopped := false, false
	for _, r := range c.Routes {
		why, ok := r.Match.explain(ev)
		x := Explanation{Route: r.Name, Line: r.Line, To: r.To, Digest: r.Digest, Matched: ok && !stopped, Why: why}
		if ok && stopped {
			x.Why = "skipped: an earlier matching route has stop: true"
		}
		out = append(out, x)
		if ok && !stopped {
			matched = true
			stopped = r.Stop
		}
	}
	if c.Default != nil {
		x := Explanation{Route: "default", Line: c.Default.Line, To: c.Default.To, Digest: c.Default.Digest, Matched: !matched}
		if matched {
			x.Why = "not used: a route matched"
		} else {
			x.Why = "no route matched"
		}
		out = append(out, x)
	}
	return out
}

// Explanation says whether one route takes an event, and why.
type Explanation struct {
	Route   string
	Line    int
	To      []string
	Digest  bool
	Matched bool
	Why     string
}

// subject is what a match is judged on, whatever the event's kind.
type subject struct {
	accounts     []string // IDs and names
	ous          []string
	accountTags  map[string]string
	resourceTags map[string]string
	controls     []string
	standards    []string
	rules        []string
	hasTags      bool // resource tags apply to this event
}

func subjectOf(ev *Event) subject {
	var s subject
	switch {
	case ev.Finding != nil:
		f := ev.Finding
		s = subject{accounts: []string{f.Account, f.AccountName}, ous: []string{f.OUPath}, accountTags: f.AccountTags,
			resourceTags: f.ResourceTags, controls: []string{f.Control}, standards: f.Standards, hasTags: true}
	case ev.Alert != nil:
		a := ev.Alert
		s = subject{accounts: []string{a.Account, a.AccountName}, ous: []string{a.OUPath}, accountTags: a.AccountTags,
			resourceTags: a.ResourceTags, controls: a.Controls, rules: []string{a.Rule}, hasTags: true}
	case ev.Run != nil:
		s = subject{accounts: ev.Run.Accounts, controls: ev.Run.Controls}
	}
	return s
}

// Matches reports whether ev fits every criterion of m.
func (m *Match) Matches(ev *Event) bool {
	_, ok := m.explain(ev)
	return ok
}

// explain returns the criteria that matched (or "every event"), or the
// first that did not.
func (m *Match) explain(ev *Event) (string, bool) {
	s := subjectOf(ev)
	var why []string
	check := func(field string, given bool, ok bool, have string) bool {
		if !given {
			return true
		}
		if ok {
			why = append(why, field+" matches "+have)
		} else {
			why = []string{field + " does not match (" + have + ")"}
		}
		return ok
	}
	sev := ev.Severity()
	accounts := strings.Join(nonEmpty(s.accounts), ", ")
	if !check("account", m.Accounts != nil, anyMatch(s.accounts, m.Accounts, eq), orNone(accounts)) ||
		!check("ou", m.OUs != nil, anyMatch(s.ous, m.OUs, ouPrefix), orNone(strings.Join(nonEmpty(s.ous), ", "))) ||
		!check("account_tag", m.AccountTags != nil, tagsMatch(s.accountTags, m.AccountTags), "the account's tags") ||
		!check("resource_tag", m.ResourceTags != nil, s.hasTags && tagsMatch(s.resourceTags, m.ResourceTags), "the resource's tags") ||
		!check("severity", m.Severities != nil, slices.Contains(m.Severities, sev), sev) ||
		!check("min_severity", m.MinSeverity != "", severityRank(sev) >= severityRank(m.MinSeverity), sev) ||
		!check("control", m.Controls != nil, anyMatch(s.controls, m.Controls, glob), orNone(strings.Join(s.controls, ", "))) ||
		!check("standard", m.Standards != nil, anyMatch(s.standards, m.Standards, standardIn), orNone(strings.Join(s.standards, ", "))) ||
		!check("rule", m.Rules != nil, anyMatch(s.rules, m.Rules, glob), orNone(strings.Join(s.rules, ", "))) ||
		!check("source", m.Sources != nil, slices.Contains(m.Sources, ev.Source), ev.Source) ||
		!check("change", m.Changes != nil, slices.Contains(m.Changes, ev.Change), ev.Change) {
		return why[0], false
	}
	if len(why) == 0 {
		return "matches every event", true
	}
	return strings.Join(why, "; "), true
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func anyMatch(have, want []string, fn func(have, want string) bool) bool {
	for _, h := range have {
		if h == "" {
			continue
		}
		for _, w := range want {
			if fn(h, w) {
				return true
			}
		}
	}
	return false
}

func eq(h, w string) bool { return h == w }

func glob(h, w string) bool {
	ok, _ := path.Match(w, h)
	return ok
}

// ouPrefix: "Workloads" matches "Workloads" and "Workloads/Prod", not
// "WorkloadsX".
func ouPrefix(h, w string) bool {
	return h == w || strings.HasPrefix(h, w+"/")
}

// standardIn: a requirement "cis-3.0:1.4" is matched by itself, by its
// standard "cis-3.0" and by its family "cis".
func standardIn(h, w string) bool {
	std, _, _ := strings.Cut(h, ":")
	fam, _, _ := strings.Cut(std, "-")
	return h == w || std == w || fam == w
}

func tagsMatch(have map[string]string, want map[string][]string) bool {
	for k, vals := range want {
		v, ok := have[k]
		if !ok || !slices.ContainsFunc(vals, func(w string) bool { return glob(v, w) }) {
			return false
		}
	}
	return true
}
