package rule

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/yamlpos"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
)

// DefaultOrder is the order of a rule that gives none: after every rule
// that does.
const DefaultOrder = 1000

// Rule is one automation rule, as parsed.
type Rule struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Order ranks the rule, 1..1000: lower runs first; ties run in file
	// order.
	Order int `json:"order"`
	// Terminal rules stop the rules after them for a finding they match.
	Terminal bool     `json:"terminal"`
	Enabled  bool     `json:"enabled"`
	Criteria Criteria `json:"criteria"`
	Actions  Actions  `json:"actions"`
	// Line is where the rule starts in its file.
	Line int `json:"line"`

	index   int          // place in the file
	name    *yaml.Node   // where the name is
	sevCrit *yaml.Node   // criteria.severity, nil if none
	sevAct  *yaml.Node   // actions.severity, nil if none
	ouAt    []*yaml.Node // where each of Criteria.OUs is
	ouPath  []string     // and its field path
	remAt   *yaml.Node   // actions.remediate, nil if none
	remPath string
}

// Criteria select findings: every field that is set must match (AND);
// a field matches when any of its values does (OR).
type Criteria struct {
	Accounts []string `json:"account,omitempty"`
	// OUs match an OU path and every path under it: "Workloads" matches
	// "Workloads/Production".
	OUs     []string `json:"ou,omitempty"`
	Regions []string `json:"region,omitempty"`
	// Controls are control IDs ("EC2.8").
	Controls []string `json:"control,omitempty"`
	// Standards are standard short names ("cis-3.0"), which match every
	// requirement of the standard, or requirements ("cis-3.0:1.4").
	Standards     []string           `json:"standard,omitempty"`
	Severities    []control.Severity `json:"severity,omitempty"`
	ResourceTypes []string           `json:"resource_type,omitempty"`
	// ResourceTags map a tag key to a glob its value must match; every
	// tag must.
	ResourceTags map[string]string `json:"resource_tag,omitempty"`
	// ResourceIDs are globs on the resource ARN.
	ResourceIDs []string `json:"resource_id,omitempty"`
	// Compliance is the finding's latest status; nil means FAILED or
	// ERROR.
	Compliance []control.Status `json:"compliance,omitempty"`
}

// Actions change a matched finding. Zero fields do nothing.
type Actions struct {
	Suppress *Suppress         `json:"suppress,omitempty"`
	Severity *control.Severity `json:"severity,omitempty"`
	Note     string            `json:"note,omitempty"`
	// Workflow is NEW or NOTIFIED.
	Workflow finding.Workflow `json:"workflow,omitempty"`
	// Remediate fixes the matched failing findings with their playbooks
	// after the scan that found them (see package remediate): off unless
	// a rule says so.
	Remediate *Remediate `json:"remediate,omitempty"`
}

// Remediate is an auto-remediation action: the limits and the gate of
// the remediation run (the defaults of 'guardrail remediate apply' for
// what it leaves out).
type Remediate struct {
	MaxChanges    int               `json:"max_changes,omitempty"`
	Canary        string            `json:"canary,omitempty"`
	Soak          time.Duration     `json:"soak,omitempty"`
	AlarmPrefixes []string          `json:"health_alarm_prefix,omitempty"`
	AlarmTags     []string          `json:"health_alarm_tag,omitempty"`
	Params        map[string]string `json:"params,omitempty"`
}

// Suppress accepts the risk of a finding.
type Suppress struct {
	Reason string `json:"reason"`
	// Until is when the suppression expires; zero means never.
	Until time.Time `json:"until,omitzero"`
}

// Set is an ordered set of rules. A nil *Set has no rules.
type Set struct {
	rules []Rule // in the order they run
	file  string // the name it was parsed as, for errors
}

// Rules returns the rules in the order they run.
func (s *Set) Rules() []Rule {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rules)
}

// By is who a rule's changes are recorded as made by: "rule:<name>".
func (r *Rule) By() string { return "rule:" + r.Name }

// Matches reports whether f meets every criterion of r. It does not look
// at Enabled.
func (r *Rule) Matches(f finding.Finding) bool {
	c := &r.Criteria
	if len(c.Compliance) == 0 {
		if f.Compliance != control.Failed && f.Compliance != control.Error {
			return false
		}
	} else if !slices.Contains(c.Compliance, f.Compliance) {
		return false
	}
	if len(c.Accounts) > 0 && !slices.Contains(c.Accounts, f.Account) {
		return false
	}
	if len(c.Regions) > 0 && !slices.Contains(c.Regions, f.Region) {
		return false
	}
	if len(c.Controls) > 0 && !slices.Contains(c.Controls, f.Control) {
		return false
	}
	if len(c.Severities) > 0 && !slices.Contains(c.Severities, f.Severity) {
		return false
	}
	if len(c.ResourceTypes) > 0 && !slices.Contains(c.ResourceTypes, f.ResourceType) {
		return false
	}
	if len(c.OUs) > 0 && !slices.ContainsFunc(c.OUs, func(ou string) bool {
		return f.OUPath == ou || strings.HasPrefix(f.OUPath, ou+"/")
	}) {
		return false
	}
	if len(c.Standards) > 0 && !slices.ContainsFunc(c.Standards, func(std string) bool {
		return slices.ContainsFunc(f.Standards, func(have string) bool {
			return have == std || strings.HasPrefix(have, std+":")
		})
	}) {
		return false
	}
	for k, pat := range c.ResourceTags {
		v, ok := f.ResourceTags[k]
		if !ok || !globMatch(pat, v) {
			return false
		}
	}
	if len(c.ResourceIDs) > 0 && !slices.ContainsFunc(c.ResourceIDs, func(pat string) bool {
		return globMatch(pat, f.ResourceARN)
	}) {
		return false
	}
	return true
}

// open reports whether suppress and workflow actions may touch f: it
// fails (or could not be assessed) and is not resolved.
func open(f finding.Finding) bool {
	return (f.Compliance == control.Failed || f.Compliance == control.Error) && f.Workflow != finding.Resolved
}

// Apply applies the rules to f at time at and returns the finding and the
// events, one per change, By "rule:<name>". Applying again changes nothing.
// A nil Set applies nothing.
func (s *Set) Apply(f finding.Finding, at time.Time) (finding.Finding, []finding.Event) {
	if s == nil || len(s.rules) == 0 {
		return f, nil
	}
	// Decide: walk the rules in order; for each field the last matching
	// rule wins. Severity criteria see the severity decided so far (Parse
	// guarantees every override comes first).
	var sup, sev, wf *Rule
	var notes []*Rule
	view := f
	for i := range s.rules {
		r := &s.rules[i]
		if !r.Enabled || !r.Matches(view) {
			continue
		}
		a := &r.Actions
		if a.Suppress != nil && (a.Suppress.Until.IsZero() || at.Before(a.Suppress.Until)) {
			sup = r
		}
		if a.Severity != nil {
			sev = r
			view.Severity = *a.Severity
		}
		if a.Note != "" {
			notes = append(notes, r)
		}
		if a.Workflow != "" {
			wf = r
		}
		if r.Terminal {
			break
		}
	}

	// Write what differs.
	f.Notes = slices.Clone(f.Notes)
	var evs []finding.Event
	ev := func(r *Rule, kind, detail string) {
		evs = append(evs, finding.Event{FindingID: f.ID, At: at, Kind: kind, By: r.By(), Detail: detail})
		f.UpdatedAt = at
	}
	if sup != nil && open(f) && !suppressed(f, sup, at) {
		var e finding.Event
		f, e = finding.Suppress(f, sup.Actions.Suppress.Reason, sup.By(), sup.Actions.Suppress.Until, at)
		evs = append(evs, e)
	}
	if sev != nil && (f.Severity != *sev.Actions.Severity || !f.SeverityOverridden) {
		d := fmt.Sprintf("%s -> %s", f.Severity, *sev.Actions.Severity)
		f.Severity, f.SeverityOverridden = *sev.Actions.Severity, true
		ev(sev, "severity", d)
	}
	for _, r := range notes {
		if slices.ContainsFunc(f.Notes, func(n finding.Note) bool { return n.By == r.By() && n.Text == r.Actions.Note }) {
			continue
		}
		f.Notes = append(f.Notes, finding.Note{Text: r.Actions.Note, By: r.By(), At: at})
		ev(r, "note", r.Actions.Note)
	}
	if wf != nil && open(f) && (f.Workflow == finding.New || f.Workflow == finding.Notified) && f.Workflow != wf.Actions.Workflow {
		d := fmt.Sprintf("%s -> %s", f.Workflow, wf.Actions.Workflow)
		f.Workflow = wf.Actions.Workflow
		ev(wf, "workflow", d)
	}
	return f, evs
}

// suppressed reports whether f's suppression is to stay as it is rather
// than become r's: it is r's already, or a person's that has not expired.
func suppressed(f finding.Finding, r *Rule, at time.Time) bool {
	s := f.Suppression
	if f.Workflow != finding.Suppressed || s == nil {
		return false
	}
	if s.By == r.By() && s.Reason == r.Actions.Suppress.Reason && s.Until.Equal(r.Actions.Suppress.Until) {
		return true
	}
	live := s.Until.IsZero() || at.Before(s.Until)
	return live && !strings.HasPrefix(s.By, "rule:")
}

// CheckRemediable checks that every control of every rule that
// remediates has a playbook (has), naming the rule's remediate action
// in its file when one has not; with lists those that have one.
func (s *Set) CheckRemediable(has func(control string) bool, with string) error {
	if s == nil {
		return nil
	}
	var errs []error
	for _, r := range s.rules {
		if r.Actions.Remediate == nil {
			continue
		}
		for _, c := range r.Criteria.Controls {
			if !has(c) {
				errs = append(errs, yamlpos.At(s.file, r.remAt, r.remPath, "no playbook for %s (the controls with a playbook are %s)", c, with))
			}
		}
	}
	return errors.Join(errs...)
}

// Remediating returns the rules that remediate, in order.
func (s *Set) Remediating() []Rule {
	var out []Rule
	for _, r := range s.Rules() {
		if r.Actions.Remediate != nil && r.Enabled {
			out = append(out, r)
		}
	}
	return out
}
