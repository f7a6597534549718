package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Error is one problem in a rules file, with its file, line, column and
// field.
type Error = yamlpos.Error

// Load reads the user's detection rules from the YAML file at path,
// checking their controls against cat.
func Load(path string, cat *control.Catalog) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read detection rules: %w", err)
	}
	return Parse(path, b, cat)
}

// Parse reads detection rules from b, a YAML file called name in errors:
//
//	rules:
//	  - id: trail-deleted
//	    title: A CloudTrail trail was deleted
//	    severity: high
//	    controls: [CloudTrail.1]
//	    description: optional text
//	    filter_pattern: '{ $.eventName = "DeleteTrail" }'
//	  - id: trail-deleted-eb
//	    title: ...
//	    severity: high
//	    event_pattern: {source: [aws.cloudtrail], detail: {eventName: [DeleteTrail]}}
//
// Each rule has an id (not CIS.* or GR.*, which are the built-in rules'),
// a title, a severity, and exactly one pattern: a CloudWatch Logs filter
// pattern in the JSON syntax, matched against the CloudTrail record, or
// an EventBridge event pattern (YAML, or JSON text), matched against the
// event CloudTrail puts on EventBridge for the record. Every control must
// be in cat. The whole file is refused on any problem; the error joins
// one *Error per problem, in file order.
func Parse(name string, b []byte, cat *control.Catalog) (*Set, error) {
	if cat == nil {
		return nil, errors.New("detect: parse " + name + ": no control catalog")
	}
	p := &parser{file: name, src: b, cat: cat}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlpos.Syntax(name, b, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	} else if err != io.EOF {
		return nil, yamlpos.Syntax(name, b, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	var rules []*Rule
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		p.errorf(&yaml.Node{Line: 1, Column: 1}, "rules", "required: a list of detection rules")
	} else {
		seen := p.mapping(root, "", []field{{"rules", func(n *yaml.Node, path string) { rules = p.rules(n, path) }}})
		if seen != nil && !seen["rules"] {
			p.errorf(root, "rules", "required: a list of detection rules")
		}
	}
	if p.errs != nil {
		return nil, errors.Join(p.errs...)
	}
	return newSet(rules...), nil
}

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

// mapping walks the mapping n (yamlpos.Mapping); it returns the keys
// seen (nil if n is not a mapping).
func (p *parser) mapping(n *yaml.Node, path string, fields []field) map[string]bool {
	seen, _ := yamlpos.Mapping(n, path, walkFields(fields), p.errorf)
	return seen
}

// scalar returns n's value (yamlpos.Scalar).
func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	return yamlpos.Scalar(n, path, p.errorf)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (p *parser) rules(n *yaml.Node, path string) []*Rule {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list of rules")
		return nil
	}
	var out []*Rule
	first := map[string]int{}
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		rp := fmt.Sprintf("%s[%d]", path, i)
		r, idNode := p.rule(c, rp)
		if r == nil {
			continue
		}
		if j, dup := first[r.ID]; dup {
			p.errorf(idNode, yamlpos.Join(rp, "id"), "%q is already the id of rules[%d] (line %d)", r.ID, j, yamlpos.Resolve(n.Content[j]).Line)
			continue
		}
		first[r.ID] = i
		out = append(out, r)
	}
	return out
}

// rule reads one rule; nil if it has errors.
func (p *parser) rule(n *yaml.Node, path string) (*Rule, *yaml.Node) {
	before := len(p.errs)
	r := &Rule{Source: fmt.Sprintf("%s:%d", p.file, n.Line)}
	var idNode, filterNode, eventNode *yaml.Node
	seen := p.mapping(n, path, []field{
		{"id", func(n *yaml.Node, path string) {
			idNode = n
			v, ok := p.scalar(n, path)
			switch {
			case !ok:
			case !idPattern.MatchString(v):
				p.errorf(n, path, "%q is not a rule id (want up to 64 letters, digits, ., _ and -)", v)
			case strings.HasPrefix(v, "CIS.") || strings.HasPrefix(v, "GR."):
				p.errorf(n, path, "%q: ids starting with CIS. or GR. are the built-in rules'", v)
			default:
				r.ID = v
			}
		}},
		{"title", func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				r.Title = v
			}
		}},
		{"severity", func(n *yaml.Node, path string) {
			v, ok := p.scalar(n, path)
			if !ok {
				return
			}
			s, err := control.ParseSeverity(v)
			if err != nil {
				p.errorf(n, path, "%q is not a severity (want informational, low, medium, high, critical)", v)
				return
			}
			r.Severity = s
		}},
		{"controls", func(n *yaml.Node, path string) { r.Controls = p.controls(n, path) }},
		{"description", func(n *yaml.Node, path string) {
			if n.Kind != yaml.ScalarNode {
				p.errorf(n, path, "want text")
				return
			}
			r.Description = n.Value
		}},
		{"filter_pattern", func(n *yaml.Node, path string) { filterNode = n }},
		{"event_pattern", func(n *yaml.Node, path string) { eventNode = n }},
	})
	if seen == nil {
		return nil, nil
	}
	for _, k := range []string{"id", "title", "severity"} {
		if !seen[k] {
			p.errorf(n, yamlpos.Join(path, k), "required")
		}
	}
	switch {
	case filterNode != nil && eventNode != nil:
		later := eventNode
		if filterNode.Line > eventNode.Line || filterNode.Line == eventNode.Line && filterNode.Column > eventNode.Column {
			later = filterNode
		}
		p.errorf(later, path, "give filter_pattern or event_pattern, not both")
	case filterNode == nil && eventNode == nil:
		p.errorf(n, path, "a rule needs a pattern: filter_pattern (CloudWatch Logs syntax) or event_pattern (EventBridge syntax)")
	case filterNode != nil:
		p.filterPattern(filterNode, yamlpos.Join(path, "filter_pattern"), r)
	default:
		p.eventPattern(eventNode, yamlpos.Join(path, "event_pattern"), r)
	}
	if len(p.errs) > before {
		return nil, idNode
	}
	return r, idNode
}

func (p *parser) controls(n *yaml.Node, path string) []string {
	nodes, paths := []*yaml.Node{n}, []string{path}
	if n.Kind == yaml.SequenceNode {
		nodes, paths = nil, nil
		for i, c := range n.Content {
			nodes, paths = append(nodes, yamlpos.Resolve(c)), append(paths, fmt.Sprintf("%s[%d]", path, i))
		}
	}
	var out []string
	for i, c := range nodes {
		v, ok := p.scalar(c, paths[i])
		if !ok {
			continue
		}
		if p.cat.Control(v) == nil {
			p.errorf(c, paths[i], "no control %q (see 'guardrail controls list')", v)
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (p *parser) filterPattern(n *yaml.Node, path string, r *Rule) {
	src, ok := p.scalar(n, path)
	if !ok {
		return
	}
	pat, err := filterpattern.Parse(src)
	var se *filterpattern.SyntaxError
	switch {
	case errors.Is(err, filterpattern.ErrNotJSON):
		p.errorf(n, path, "not a JSON filter pattern: only the JSON syntax ({ $.eventName = DeleteTrail }) applies to CloudTrail records")
		return
	case errors.As(err, &se):
		line, col := p.position(n, se.Pos)
		p.errs = append(p.errs, &Error{File: p.file, Line: line, Col: col, Path: path, Msg: "not a valid filter pattern: " + se.Msg})
		return
	case err != nil:
		p.errorf(n, path, "not a valid filter pattern: %v", err)
		return
	}
	if err := pat.Evaluable(); err != nil {
		p.errorf(n, path, "%v", err)
		return
	}
	r.Syntax, r.Pattern, r.m = "filter_pattern", src, filterMatcher{pat}
	r.indexFilter(pat)
}

// position returns the line and column in the file of byte off of the
// scalar n's value: exact for a scalar on one line, plain or quoted; the
// scalar's own position otherwise.
func (p *parser) position(n *yaml.Node, off int) (line, col int) {
	lines := bytes.Split(p.src, []byte("\n"))
	if n.Line < 1 || n.Line > len(lines) || strings.Contains(n.Value, "\n") {
		return n.Line, n.Column
	}
	text := lines[n.Line-1]
	i := n.Column - 1 // byte index, for ASCII text before the scalar
	if i < 0 || i > len(text) {
		return n.Line, n.Column
	}
	switch n.Style {
	case yaml.SingleQuotedStyle:
		i++
		for k := 0; k < off && i < len(text); k++ {
			if text[i] == '\'' {
				i++ // '' is one quote
			}
			i++
		}
	case yaml.DoubleQuotedStyle:
		i++
		for k := 0; k < off && i < len(text); k++ {
			if text[i] == '\\' {
				i++ // an escape is one character
			}
			i++
		}
	case 0:
		i += off
	default:
		return n.Line, n.Column
	}
	return n.Line, i + 1
}

func (p *parser) eventPattern(n *yaml.Node, path string, r *Rule) {
	var src []byte
	switch {
	case n.Kind == yaml.MappingNode:
		b, err := toJSON(n)
		if err != nil {
			p.errorf(n, path, "%v", err)
			return
		}
		src = b
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.HasPrefix(strings.TrimSpace(n.Value), "{"):
		src = []byte(n.Value)
	default:
		p.errorf(n, path, `want an EventBridge event pattern: a mapping ({source: [aws.cloudtrail], detail: {eventName: [DeleteTrail]}}), or its JSON text`)
		return
	}
	pat, err := compileEventPattern(src)
	if err != nil {
		var pe *patternError
		if errors.As(err, &pe) && n.Kind == yaml.ScalarNode && pe.line > 0 {
			p.errorf(n, path, "not a valid event pattern: line %d, column %d of the pattern: %s", pe.line, pe.col, pe.msg)
			return
		}
		p.errorf(n, path, "not a valid event pattern: %v", err)
		return
	}
	r.Syntax, r.Pattern, r.m = "event_pattern", string(src), eventMatcher{pat}
	r.indexEvent(src)
}

// toJSON converts a YAML value to JSON, with YAML's types: an unquoted 5
// is a number, true a boolean, null null.
func toJSON(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		n = yamlpos.Resolve(n)
		switch n.Kind {
		case yaml.MappingNode:
			b.WriteByte('{')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				k := yamlpos.Resolve(n.Content[i])
				if k.Kind != yaml.ScalarNode {
					return fmt.Errorf("line %d: a key of an event pattern must be a name", k.Line)
				}
				b.Write(jsonString(k.Value))
				b.WriteByte(':')
				if err := walk(n.Content[i+1]); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		case yaml.SequenceNode:
			b.WriteByte('[')
			for i, c := range n.Content {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := walk(c); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case yaml.ScalarNode:
			switch n.Tag {
			case "!!null":
				b.WriteString("null")
			case "!!bool":
				b.WriteString(strconv.FormatBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE"))
			case "!!int", "!!float":
				f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
				if err != nil {
					i, ierr := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
					if ierr != nil {
						return fmt.Errorf("line %d: %q is not a number JSON can hold", n.Line, n.Value)
					}
					f = float64(i)
				}
				if math.IsInf(f, 0) || math.IsNaN(f) {
					return fmt.Errorf("line %d: %q is not a number JSON can hold", n.Line, n.Value)
				}
				b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			default:
				b.Write(jsonString(n.Value))
			}
		default:
			return fmt.Errorf("line %d: not a value an event pattern can hold", n.Line)
		}
		return nil
	}
	if err := walk(n); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// indexEvent sets where an event-pattern rule is looked up: by the
// detail's eventName when the pattern lists plain names, else by source
// ("aws.ec2" is eventSource ec2.amazonaws.com).
func (r *Rule) indexEvent(src []byte) {
	var pat map[string]any
	if json.Unmarshal(src, &pat) != nil {
		return
	}
	if _, or := pat["$or"]; or {
		return
	}
	plain := func(v any) []string {
		vs, ok := v.([]any)
		if !ok || len(vs) == 0 {
			return nil
		}
		var out []string
		for _, x := range vs {
			s, ok := x.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	if detail, ok := pat["detail"].(map[string]any); ok {
		if _, or := detail["$or"]; !or {
			if ns := plain(detail["eventName"]); ns != nil {
				slices.Sort(ns)
				r.names = slices.Compact(ns)
				return
			}
		}
	}
	if ss := plain(pat["source"]); ss != nil {
		var srcs []string
		for _, s := range ss {
			svc, ok := strings.CutPrefix(s, "aws.")
			if !ok {
				return // not a source CloudTrail events have: leave it to the pattern
			}
			srcs = append(srcs, svc+".amazonaws.com", svc)
		}
		r.srcs = srcs
	}
}

// jsonString is s as a JSON string, with no HTML escapes (a pattern's
// ">" stays ">").
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
