package detect

import (
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
)

// Rule is one detection rule: the events it matches, and what an alert
// on them says.
type Rule struct {
	// ID names the rule: "CIS.4.3", "GR.RootConsoleLogin", or the user's.
	ID       string
	Title    string
	Severity control.Severity
	// Controls are the controls an event the rule matches can change the
	// result of: the watch re-assesses them for the event's account and
	// region.
	Controls []string
	// Source is where the rule comes from: "built-in", or the file and
	// line of a user's rule ("rules.yaml:12").
	Source      string
	Description string
	// Syntax is how the rule is written ("filter_pattern" or
	// "event_pattern"), and Pattern the pattern as written; both are
	// empty for the built-in rules written in Go.
	Syntax  string
	Pattern string

	m     matcher
	names []string // the eventNames the rule can match; nil for any
	srcs  []string // the eventSources it can match, when names is nil
	index int      // its position in its Set
}

// Matches reports whether the rule matches ev.
func (r *Rule) Matches(ev *trailevent.Event) bool { return r.m.match(ev) }

// matcher decides whether a rule matches an event.
type matcher interface {
	match(ev *trailevent.Event) bool
}

// filterMatcher runs a CloudWatch Logs filter pattern on the record, as a
// metric filter on a trail's log group would.
type filterMatcher struct{ p *filterpattern.Pattern }

func (m filterMatcher) match(ev *trailevent.Event) bool { return m.p.Match(ev.Get) }

// eventMatcher runs an EventBridge event pattern on the event CloudTrail
// puts on the event bus for the record.
type eventMatcher struct{ p eventPattern }

func (m eventMatcher) match(ev *trailevent.Event) bool { return m.p.Match(ev.EventBridge()) }

// funcMatcher is a built-in rule written in Go, for what patterns cannot
// say (any element of a list).
type funcMatcher func(ev *trailevent.Event) bool

func (f funcMatcher) match(ev *trailevent.Event) bool { return f(ev) }

// Set is a set of rules, indexed so that an event is checked only against
// the rules that can match it. It is immutable and safe for concurrent
// use.
type Set struct {
	rules    []*Rule
	byName   map[string][]*Rule // rules that match only some eventNames
	bySource map[string][]*Rule // rules that match only some eventSources
	always   []*Rule            // rules that may match any event
}

// NewSet returns a set of rules, in the order given.
func NewSet(rules ...*Rule) *Set {
	s := &Set{byName: map[string][]*Rule{}, bySource: map[string][]*Rule{}}
	for i, r := range rules {
		c := *r
		c.index = i
		r = &c
		s.rules = append(s.rules, r)
		switch {
		case r.names != nil:
			for _, n := range r.names {
				s.byName[n] = append(s.byName[n], r)
			}
		case r.srcs != nil:
			for _, src := range r.srcs {
				s.bySource[src] = append(s.bySource[src], r)
			}
		default:
			s.always = append(s.always, r)
		}
	}
	return s
}

// Match appends to out the rules ev matches, in the set's order, and
// returns out. It allocates nothing when no rule matches (and nothing
// when out has room).
func (s *Set) Match(ev *trailevent.Event, out []*Rule) []*Rule {
	a, b, c := s.byName[ev.Name], s.bySource[ev.Source], s.always
	// Merge the three lists, each in set order.
	for len(a)+len(b)+len(c) > 0 {
		var r *Rule
		switch {
		case len(a) > 0 && (len(b) == 0 || a[0].index < b[0].index) && (len(c) == 0 || a[0].index < c[0].index):
			r, a = a[0], a[1:]
		case len(b) > 0 && (len(c) == 0 || b[0].index < c[0].index):
			r, b = b[0], b[1:]
		default:
			r, c = c[0], c[1:]
		}
		if r.m.match(ev) {
			out = append(out, r)
		}
	}
	return out
}

// With returns a set of the rules of s, then those of other.
func (s *Set) With(other *Set) *Set {
	return NewSet(slices.Concat(s.rules, other.rules)...)
}

// Rules returns the rules, in order.
func (s *Set) Rules() []*Rule { return slices.Clone(s.rules) }

// Len is the number of rules.
func (s *Set) Len() int { return len(s.rules) }

// Rule returns the rule with the given ID, or nil.
func (s *Set) Rule(id string) *Rule {
	for _, r := range s.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// pinned returns the values a filter pattern requires of selector in
// every clause ("$.eventName = X" with X a plain value), or nil if some
// clause leaves it open: then the pattern may match an event whatever
// its value there.
func pinned(p *filterpattern.Pattern, selector string) []string {
	var out []string
	for _, c := range p.Clauses() {
		found := false
		for _, x := range c {
			if x.Selector == selector && x.Op == filterpattern.Eq && x.Value != "" && !strings.ContainsAny(x.Value, "*%") {
				out = append(out, x.Value)
				found = true
				break
			}
		}
		if !found {
			return nil
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// indexFilter sets where a filter-pattern rule is looked up.
func (r *Rule) indexFilter(p *filterpattern.Pattern) {
	if r.names = pinned(p, "$.eventName"); r.names == nil {
		r.srcs = pinned(p, "$.eventSource")
	}
}
