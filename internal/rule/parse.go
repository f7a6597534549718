package rule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/target"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Error is one problem in the file, with its file, line, column and field.
type Error = yamlpos.Error

// Load reads and parses the rule file at path, checking its control and
// standard criteria against cat.
func Load(path string, cat *control.Catalog) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	return Parse(path, b, cat)
}

// Parse decodes and checks the rule file b, named name in errors. It
// rejects the whole file on any problem: unknown fields, bad values,
// criteria that can never match (a control or a standard that cat does
// not have, a requirement its standard does not have), duplicate names,
// rules with no criterion or no action, and rule sets whose severity
// criteria run before a severity override. The error joins one *Error
// per problem, in file order. cat must not be nil.
func Parse(name string, b []byte, cat *control.Catalog) (*Set, error) {
	if cat == nil {
		return nil, errors.New("rule: parse " + name + ": no control catalog")
	}
	p := &parser{file: name, src: b, cat: cat}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, p.syntax(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	} else if err != io.EOF {
		return nil, p.syntax(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	var rules []Rule
	found := false
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		// An empty file.
		p.errorf(&yaml.Node{Line: 1, Column: 1}, "rules", "required")
	} else {
		p.mapping(root, "", []field{{"rules", func(n *yaml.Node, path string) {
			found = true
			rules = p.rules(n, path)
		}}})
		if !found && p.errs == nil {
			p.errorf(root, "rules", "required")
		}
	}
	p.check(rules)
	if p.errs != nil {
		return nil, errors.Join(p.errs...)
	}
	slices.SortStableFunc(rules, func(a, b Rule) int { return a.Order - b.Order })
	p.checkSeverityOrder(rules)
	if p.errs != nil {
		return nil, errors.Join(p.errs...)
	}
	return &Set{rules: rules, file: name}, nil
}

// syntax turns a YAML decoding error into an Error with its line.
func (p *parser) syntax(err error) error { return yamlpos.Syntax(p.file, p.src, err) }

type parser struct {
	file string
	src  []byte
	cat  *control.Catalog
	errs []error
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, yamlpos.At(p.file, n, path, format, args...))
}

// field is a key of a mapping and what to do with its value.
type field struct {
	key string
	fn  func(n *yaml.Node, path string)
}

func walkFields(fields []field) []yamlpos.Field {
	out := make([]yamlpos.Field, len(fields))
	for i, f := range fields {
		out[i] = yamlpos.Field{Key: f.key, Fn: f.fn}
	}
	return out
}

// mapping walks the mapping n (yamlpos.Mapping): it returns the keys
// seen, and false if n is not a mapping.
func (p *parser) mapping(n *yaml.Node, path string, fields []field) (map[string]bool, bool) {
	return yamlpos.Mapping(n, path, walkFields(fields), p.errorf)
}

// scalar returns n's value (yamlpos.Scalar).
func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	return yamlpos.Scalar(n, path, p.errorf)
}

// list reads a list of scalars, or one scalar, checking each with ok.
func (p *parser) list(n *yaml.Node, path string, ok func(v string) error) []string {
	return yamlpos.List(n, path, "empty list (leave the field out to match any value)", p.errorf, ok)
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, path, "%q is not true or false", n.Value)
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	controlPattern  = regexp.MustCompile(`^(GR\.)?[A-Z][A-Za-z0-9]*\.[0-9]+$`)
	standardPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*(:\S+)?$`)
	typePattern     = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

func matching(re *regexp.Regexp, format string) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return fmt.Errorf(format, v)
		}
		return nil
	}
}

// both checks v with a, then, if it passes, with b.
func both(a, b func(string) error) func(string) error {
	return func(v string) error {
		if err := a(v); err != nil {
			return err
		}
		return b(v)
	}
}

// knownControl rejects a control ID the catalog does not have: the
// criterion could never match.
func (p *parser) knownControl(id string) error {
	if p.cat.Control(id) == nil {
		return fmt.Errorf("no control %q (see 'guardrail controls list')", id)
	}
	return nil
}

// knownStandard rejects a standard, or a requirement of one ("cis-3.0:1.4"),
// that the catalog does not have. Findings name standards by short name.
func (p *parser) knownStandard(v string) error {
	short, req, isReq := strings.Cut(v, ":")
	var names []string
	for _, s := range p.cat.Standards() {
		names = append(names, s.Short)
		if s.Short != short {
			continue
		}
		if isReq && !slices.ContainsFunc(s.Requirements, func(r control.StdItem) bool { return r.ID == req }) {
			return fmt.Errorf("standard %s has no requirement %q (see 'guardrail controls list --standard %s')", short, req, short)
		}
		return nil
	}
	return fmt.Errorf("no standard %q (want one of %s)", short, strings.Join(names, ", "))
}

func (p *parser) rules(n *yaml.Node, path string) []Rule {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list of rules")
		return nil
	}
	var out []Rule
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		r := p.rule(c, fmt.Sprintf("%s[%d]", path, i))
		r.index = i
		out = append(out, r)
	}
	return out
}

func (p *parser) rule(n *yaml.Node, path string) Rule {
	r := Rule{Order: DefaultOrder, Enabled: true, Line: n.Line}
	var crit, acts *yaml.Node
	seen, ok := p.mapping(n, path, []field{
		{"name", func(n *yaml.Node, path string) {
			r.name = n
			if v, ok := p.scalar(n, path); ok {
				if !namePattern.MatchString(v) {
					p.errorf(n, path, "%q is not a rule name (want up to 64 letters, digits, ., _ and -)", v)
				}
				r.Name = v
			}
		}},
		{"description", func(n *yaml.Node, path string) {
			if n.Kind != yaml.ScalarNode {
				p.errorf(n, path, "want text")
				return
			}
			r.Description = n.Value
		}},
		{"order", func(n *yaml.Node, path string) {
			v, err := strconv.Atoi(n.Value)
			switch {
			case n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil:
				p.errorf(n, path, "%q is not a whole number", n.Value)
			case v < 1 || v > 1000:
				p.errorf(n, path, "%d is out of range (want 1 to 1000)", v)
			default:
				r.Order = v
			}
		}},
		{"terminal", func(n *yaml.Node, path string) { r.Terminal = p.boolean(n, path) }},
		{"enabled", func(n *yaml.Node, path string) { r.Enabled = p.boolean(n, path) }},
		{"criteria", func(n *yaml.Node, path string) { crit = n; p.criteria(n, path, &r) }},
		{"actions", func(n *yaml.Node, path string) { acts = n; p.actions(n, path, &r) }},
	})
	if !ok {
		return r
	}
	for _, k := range []string{"name", "criteria", "actions"} {
		if !seen[k] {
			p.errorf(n, yamlpos.Join(path, k), "required")
		}
	}
	a := &r.Actions
	if crit != nil && crit.Kind == yaml.MappingNode && len(crit.Content) == 0 {
		p.errorf(crit, yamlpos.Join(path, "criteria"), "empty: a rule needs at least one criterion")
	}
	if acts != nil && acts.Kind == yaml.MappingNode && len(acts.Content) == 0 {
		p.errorf(acts, yamlpos.Join(path, "actions"), "empty: a rule needs at least one action (suppress, severity, note, workflow, remediate)")
	}
	if a.Remediate != nil && len(r.Criteria.Controls) == 0 && r.remAt != nil {
		p.errorf(r.remAt, r.remPath, "needs criteria.control: name the controls to fix (each must have a playbook; see 'guardrail remediate playbooks')")
	}
	if a.Remediate != nil && a.Suppress != nil {
		p.errorf(r.remAt, r.remPath, "cannot be set with suppress: a suppressed finding is exempt from remediation")
	}
	if a.Suppress != nil && a.Workflow != "" {
		p.errorf(acts, yamlpos.Join(path, "actions.workflow"), "cannot be set with suppress: a suppressed finding's workflow is SUPPRESSED")
	}
	return r
}

func (p *parser) criteria(n *yaml.Node, path string, r *Rule) {
	c := &r.Criteria
	p.mapping(n, path, []field{
		{"account", func(n *yaml.Node, path string) {
			c.Accounts = p.list(n, path, matching(target.AccountID, "%q is not an account ID (want 12 digits)"))
		}},
		{"ou", func(n *yaml.Node, path string) {
			r.ouAt, r.ouPath = yamlpos.Items(n, path)
			c.OUs = p.list(n, path, func(v string) error {
				if strings.HasPrefix(v, "/") || strings.HasSuffix(v, "/") || strings.Contains(v, "//") {
					return fmt.Errorf("%q is not an OU path (want OU names separated by /, like Workloads/Production)", v)
				}
				return nil
			})
		}},
		{"region", func(n *yaml.Node, path string) {
			c.Regions = p.list(n, path, matching(target.Region, "%q is not a region (want a name like eu-west-1)"))
		}},
		{"control", func(n *yaml.Node, path string) {
			c.Controls = p.list(n, path, both(matching(controlPattern, "%q is not a control ID (want one like EC2.8 or GR.IAM.1)"), p.knownControl))
		}},
		{"standard", func(n *yaml.Node, path string) {
			c.Standards = p.list(n, path, both(matching(standardPattern, "%q is not a standard (want a short name like cis-3.0 or fsbp, or a requirement like cis-3.0:1.4)"), p.knownStandard))
		}},
		{"severity", func(n *yaml.Node, path string) {
			r.sevCrit = n
			for _, v := range p.list(n, path, checkSeverity) {
				s, _ := control.ParseSeverity(v)
				c.Severities = append(c.Severities, s)
			}
		}},
		{"resource_type", func(n *yaml.Node, path string) {
			c.ResourceTypes = p.list(n, path, matching(typePattern, "%q is not a resource type (want an ASFF type like AwsEc2Instance)"))
		}},
		{"resource_tag", func(n *yaml.Node, path string) {
			if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
				p.errorf(n, path, "want a mapping of tag keys to values, like {app: erp}")
				return
			}
			c.ResourceTags = map[string]string{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := yamlpos.Resolve(n.Content[i]), yamlpos.Resolve(n.Content[i+1])
				kp := yamlpos.Join(path, k.Value)
				if _, dup := c.ResourceTags[k.Value]; dup {
					p.errorf(k, kp, "given twice")
					continue
				}
				if k.Kind != yaml.ScalarNode || k.Value == "" {
					p.errorf(k, path, "want tag keys")
					continue
				}
				if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
					p.errorf(v, kp, `want a value or a pattern ("*" matches any value)`)
					continue
				}
				if err := checkGlob(v.Value); err != nil {
					p.errorf(v, kp, "%q is not a valid pattern: %s", v.Value, err)
					continue
				}
				c.ResourceTags[k.Value] = v.Value
			}
		}},
		{"resource_id", func(n *yaml.Node, path string) {
			c.ResourceIDs = p.list(n, path, func(v string) error {
				if err := checkGlob(v); err != nil {
					return fmt.Errorf("%q is not a valid pattern: %s", v, err)
				}
				return nil
			})
		}},
		{"compliance", func(n *yaml.Node, path string) {
			for _, v := range p.list(n, path, checkCompliance) {
				c.Compliance = append(c.Compliance, control.Status(strings.ToUpper(v)))
			}
		}},
	})
}

func checkSeverity(v string) error {
	if _, err := control.ParseSeverity(v); err != nil {
		return fmt.Errorf("%q is not a severity (want informational, low, medium, high, critical)", v)
	}
	return nil
}

func checkCompliance(v string) error {
	switch control.Status(strings.ToUpper(v)) {
	case control.Passed, control.Failed, control.NotApplicable, control.Error:
		return nil
	}
	return fmt.Errorf("%q is not a compliance status (want PASSED, FAILED, NOT_APPLICABLE, ERROR)", v)
}

func (p *parser) actions(n *yaml.Node, path string, r *Rule) {
	a := &r.Actions
	p.mapping(n, path, []field{
		{"suppress", func(n *yaml.Node, path string) {
			s := &Suppress{}
			seen, ok := p.mapping(n, path, []field{
				{"reason", func(n *yaml.Node, path string) {
					if v, ok := p.scalar(n, path); ok {
						s.Reason = v
					}
				}},
				{"until", func(n *yaml.Node, path string) {
					v, ok := p.scalar(n, path)
					if !ok {
						return
					}
					t, err := parseUntil(v)
					if err != nil {
						p.errorf(n, path, "%q is not a date (want YYYY-MM-DD or RFC 3339)", v)
						return
					}
					s.Until = t
				}},
			})
			if ok && !seen["reason"] {
				p.errorf(n, yamlpos.Join(path, "reason"), "required: say why the risk is accepted")
			}
			a.Suppress = s
		}},
		{"severity", func(n *yaml.Node, path string) {
			r.sevAct = n
			if v, ok := p.scalar(n, path); ok {
				if err := checkSeverity(v); err != nil {
					p.errorf(n, path, "%s", err)
					return
				}
				s, _ := control.ParseSeverity(v)
				a.Severity = &s
			}
		}},
		{"note", func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				a.Note = v
			}
		}},
		{"remediate", func(n *yaml.Node, path string) {
			r.remAt, r.remPath = n, path
			if n.Kind == yaml.ScalarNode {
				if p.boolean(n, path) {
					a.Remediate = &Remediate{}
				}
				return
			}
			rem := &Remediate{}
			p.mapping(n, path, []field{
				{"max_changes", func(n *yaml.Node, path string) {
					v, ok := p.scalar(n, path)
					if !ok {
						return
					}
					i, err := strconv.Atoi(v)
					if err != nil || i < 1 {
						p.errorf(n, path, "%q is not a positive number of changes", v)
						return
					}
					rem.MaxChanges = i
				}},
				{"canary", func(n *yaml.Node, path string) {
					if v, ok := p.scalar(n, path); ok {
						rem.Canary = v
					}
				}},
				{"soak", func(n *yaml.Node, path string) {
					v, ok := p.scalar(n, path)
					if !ok {
						return
					}
					d, err := time.ParseDuration(v)
					if err != nil || d < 0 {
						p.errorf(n, path, "%q is not a duration (like 10m)", v)
						return
					}
					rem.Soak = d
				}},
				{"health_alarm_prefix", func(n *yaml.Node, path string) {
					rem.AlarmPrefixes = p.list(n, path, func(string) error { return nil })
				}},
				{"health_alarm_tag", func(n *yaml.Node, path string) {
					rem.AlarmTags = p.list(n, path, func(v string) error {
						if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
							return fmt.Errorf("%q: want key=value", v)
						}
						return nil
					})
				}},
				{"params", func(n *yaml.Node, path string) {
					if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
						p.errorf(n, path, "want a mapping of parameter names to values")
						return
					}
					rem.Params = map[string]string{}
					for i := 0; i+1 < len(n.Content); i += 2 {
						k, v := yamlpos.Resolve(n.Content[i]), yamlpos.Resolve(n.Content[i+1])
						if val, ok := p.scalar(v, yamlpos.Join(path, k.Value)); ok {
							rem.Params[k.Value] = val
						}
					}
				}},
			})
			a.Remediate = rem
		}},
		{"workflow", func(n *yaml.Node, path string) {
			v, ok := p.scalar(n, path)
			if !ok {
				return
			}
			switch w := finding.Workflow(strings.ToUpper(v)); w {
			case finding.New, finding.Notified:
				a.Workflow = w
			case finding.Suppressed:
				p.errorf(n, path, "%q cannot be set by workflow (want NEW or NOTIFIED; use suppress to accept a risk)", v)
			case finding.Resolved:
				p.errorf(n, path, "%q cannot be set by a rule (want NEW or NOTIFIED; scans resolve findings)", v)
			default:
				p.errorf(n, path, "%q is not a workflow status (want NEW or NOTIFIED)", v)
			}
		}},
	})
}

// parseUntil reads a date (midnight UTC) or an RFC 3339 time.
func parseUntil(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

// check looks across rules: names are unique.
func (p *parser) check(rules []Rule) {
	first := map[string]int{}
	for i, r := range rules {
		if r.Name == "" {
			continue
		}
		if j, dup := first[r.Name]; dup {
			p.errorf(r.name, fmt.Sprintf("rules[%d].name", i), "%q is already the name of rules[%d] (line %d)", r.Name, j, rules[j].Line)
			continue
		}
		first[r.Name] = i
	}
}

// checkSeverityOrder rejects sets where a rule that selects by severity
// does not run after every rule that overrides severity: applying such a
// set twice could change what the first pass decided. rules are in the
// order they run.
func (p *parser) checkSeverityOrder(rules []Rule) {
	for i, c := range rules {
		if c.sevCrit == nil {
			continue
		}
		if c.sevAct != nil {
			p.errorf(c.sevAct, fmt.Sprintf("rules[%d].actions.severity", c.index), "a rule that selects by severity cannot also override it")
			continue
		}
		for _, o := range rules[i+1:] {
			if o.sevAct != nil {
				p.errorf(c.sevCrit, fmt.Sprintf("rules[%d].criteria.severity", c.index),
					"selects by severity, so it must run after rule %q (rules[%d], order %d), which overrides severity; give it a higher order", o.Name, o.index, o.Order)
				break
			}
		}
	}
}
