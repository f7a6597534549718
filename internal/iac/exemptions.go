package iac

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/exempt"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Exemptions are approved exceptions from a file:
//
//	exemptions:
//	  - control: S3.8                      # a control ID, or "*"
//	    address: module.legacy.aws_s3_bucket.*   # an address, or a pattern
//	    reason: the legacy site is public by design (SEC-123)
//	    approver: alice@example.com
//	    expires: 2027-03-31                # through the end of that day, UTC
//
// In address, * matches any run of characters (dots and brackets
// included) and ? any one character; everything else is literal, so
// aws_s3_bucket.logs["a"] needs no quoting.
type Exemptions struct {
	File  string
	Items []Exemption
}

// Exemption is one approved exception.
type Exemption struct {
	Control  string    `json:"control"`
	Address  string    `json:"address"`
	Reason   string    `json:"reason"`
	Approver string    `json:"approver"`
	Expires  time.Time `json:"expires"`
	// Line is where it is in the file.
	Line int `json:"line"`

	match *regexp.Regexp
}

// Applied is the exception that covers a result.
type Applied struct {
	// From is where it is: "exemptions.yaml:12" or "tag guardrail:exempt".
	From     string    `json:"from"`
	Approver string    `json:"approver,omitempty"`
	Reason   string    `json:"reason"`
	Expires  time.Time `json:"expires"`
	Expired  bool      `json:"expired"`
}

var controlIDForm = regexp.MustCompile(`^(\*|(GR\.)?[A-Z][A-Za-z0-9]*\.[0-9]+)$`)

// ParseExemptions reads an exemption file; every problem is reported
// with its file:line and field path (one *yamlpos.Error each, joined).
// A control the catalog does not have is an error, so a typo exempts
// nothing silently.
func ParseExemptions(file string, b []byte, cat *control.Catalog) (*Exemptions, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlpos.Syntax(file, b, err)
	}
	var errs []error
	errorf := func(n *yaml.Node, path, format string, args ...any) {
		errs = append(errs, yamlpos.At(file, n, path, format, args...))
	}
	out := &Exemptions{File: file}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		return nil, yamlpos.At(file, &yaml.Node{Line: 1, Column: 1}, "exemptions", "required: a list of exemptions")
	}
	seen, _ := yamlpos.Mapping(root, "", []yamlpos.Field{{Key: "exemptions", Fn: func(n *yaml.Node, path string) {
		if n.Kind != yaml.SequenceNode {
			errorf(n, path, "want a list of exemptions")
			return
		}
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			e := Exemption{Line: item.Line}
			var expires string
			var expiresNode *yaml.Node
			scalar := func(dst *string) func(*yaml.Node, string) {
				return func(n *yaml.Node, path string) {
					if v, ok := yamlpos.Scalar(n, path, errorf); ok {
						*dst = v
					}
				}
			}
			got, ok := yamlpos.Mapping(item, p, []yamlpos.Field{
				{Key: "control", Fn: func(n *yaml.Node, path string) {
					v, ok := yamlpos.Scalar(n, path, errorf)
					switch {
					case !ok:
					case !controlIDForm.MatchString(v):
						errorf(n, path, "%q is not a control ID (S3.8) or *", v)
					case v != "*" && cat != nil && cat.Control(v) == nil:
						errorf(n, path, "no control %q (see 'guardrail controls')", v)
					default:
						e.Control = v
					}
				}},
				{Key: "address", Fn: scalar(&e.Address)},
				{Key: "reason", Fn: scalar(&e.Reason)},
				{Key: "approver", Fn: scalar(&e.Approver)},
				{Key: "expires", Fn: func(n *yaml.Node, path string) {
					expiresNode = n
					scalar(&expires)(n, path)
				}},
			}, errorf)
			if !ok {
				continue
			}
			for _, k := range []string{"control", "address", "reason", "approver", "expires"} {
				if !got[k] {
					errorf(item, yamlpos.Join(p, k), "required")
				}
			}
			if expires != "" {
				t, err := time.Parse(time.DateOnly, expires)
				if err != nil {
					errorf(expiresNode, yamlpos.Join(p, "expires"), "%q is not a date (YYYY-MM-DD)", expires)
				}
				e.Expires = t.Add(24*time.Hour - time.Nanosecond)
			}
			e.match = globRegexp(e.Address)
			out.Items = append(out.Items, e)
		}
	}}}, errorf)
	if seen != nil && !seen["exemptions"] && len(errs) == 0 {
		errorf(root, "exemptions", "required: a list of exemptions")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// globRegexp compiles an address pattern: * any run, ? one character.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// Match returns the first exemption of e for control on address.
func (e *Exemptions) Match(controlID, address string) *Exemption {
	if e == nil {
		return nil
	}
	for i := range e.Items {
		x := &e.Items[i]
		if (x.Control == "*" || x.Control == controlID) && x.match.MatchString(address) {
			return x
		}
	}
	return nil
}

// applyExemptions marks the FAILED results an exception covers: from the
// file first, then from the resource's guardrail:exempt tag. A tag that
// does not parse is an error naming the resource: an exception that
// cannot be read must not pass silently, nor fail silently.
func applyExemptions(rs []Result, ex *Exemptions, tags map[string]map[string]string, now time.Time) error {
	var bad []string
	for i := range rs {
		r := &rs[i]
		if r.Status != Failed || r.Address == "" {
			continue
		}
		var a *Applied
		if x := ex.Match(r.Control, r.Address); x != nil {
			a = &Applied{From: fmt.Sprintf("%s:%d", ex.File, x.Line), Approver: x.Approver, Reason: x.Reason, Expires: x.Expires}
		} else if v, ok := tags[r.Address][exempt.Tag]; ok {
			t, err := exempt.Parse(v)
			if err != nil {
				bad = append(bad, fmt.Sprintf("%s: tag %s: %v", r.Address, exempt.Tag, err))
				continue
			}
			if !t.Covers(r.Control) {
				continue
			}
			a = &Applied{From: "tag " + exempt.Tag, Reason: t.Reason, Expires: t.Until}
		}
		if a == nil {
			continue
		}
		r.Exemption = a
		if now.After(a.Expires) {
			a.Expired = true
			r.Reason += fmt.Sprintf(" (the exemption at %s expired on %s: %s)", a.From, a.Expires.Format(time.DateOnly), a.Reason)
			continue
		}
		r.Status = Exempted
	}
	if len(bad) > 0 {
		return fmt.Errorf("exemption tags that cannot be read:\n  %s", strings.Join(bad, "\n  "))
	}
	return nil
}
