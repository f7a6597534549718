package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Document is a parsed IAM policy document: an identity policy, a
// resource policy (bucket, function, key, queue) or a service control
// policy. Every string-or-list element is held as a list.
type Document struct {
	// Version is the policy language version as written ("2012-10-17",
	// "2008-10-17"), "" when the document has none.
	Version string
	// ID is the optional Id element.
	ID         string
	Statements []*Statement
}

// Statement is one statement of a document.
type Statement struct {
	Sid    string
	Effect string // "Allow" or "Deny"
	// Principal and NotPrincipal map the principal type (AWS, Service,
	// Federated, CanonicalUser) to its values; "Principal": "*" is
	// {"AWS": ["*"]}. Nil when the element is absent.
	Principal, NotPrincipal map[string][]string
	Action, NotAction       []string
	Resource, NotResource   []string
	// Condition holds one entry per (operator, key), sorted by operator
	// then key as written.
	Condition []Condition
	// Index is the statement's position in the document, from 0.
	Index int
	// Line and Col are the position of the statement's opening brace in
	// the source, from 1; 0 when the document was built in code.
	Line, Col int
	// Raw is the statement as written.
	Raw json.RawMessage
}

// Condition is one key of a condition block under one operator.
type Condition struct {
	// Operator is as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key is the condition key as written ("aws:SourceAccount"); keys
	// compare case-insensitively.
	Key    string
	Values []string
}

// Name returns the statement's Sid, or its position ("#2") when it has
// none.
func (s *Statement) Name() string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("#%d", s.Index+1)
}

// IsAllow and IsDeny report the statement's effect.
func (s *Statement) IsAllow() bool { return s.Effect == "Allow" }

// IsDeny reports whether the statement denies.
func (s *Statement) IsDeny() bool { return s.Effect == "Deny" }

// SyntaxError is a document that is not valid JSON or not a valid policy.
// Line and Col locate the error (from 1); Statement is the index of the
// statement at fault (from 0, -1 for the document itself) and Sid its
// Sid.
type SyntaxError struct {
	Line, Col int
	Statement int
	Sid       string
	Msg       string
}

func (e *SyntaxError) Error() string {
	where := fmt.Sprintf("line %d, column %d", e.Line, e.Col)
	if e.Statement >= 0 {
		st := fmt.Sprintf("statement %d", e.Statement+1)
		if e.Sid != "" {
			st += fmt.Sprintf(" (Sid %q)", e.Sid)
		}
		where += ": " + st
	}
	return where + ": " + e.Msg
}

// Versions are the policy language versions IAM accepts.
var Versions = []string{"2012-10-17", "2008-10-17"}

var (
	topKeys = map[string]bool{"Version": true, "Id": true, "Statement": true}
	stKeys  = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
		"NotAction": true, "Resource": true, "NotResource": true, "Condition": true}
)

// Parse reads a policy document. A document that is not JSON, or not a
// policy (an Effect other than Allow or Deny, both Action and NotAction,
// no Action, an unknown element, an empty list, an unknown Version or
// condition operator), is a *SyntaxError with its line and column and,
// inside a statement, the statement's index and Sid. Element names are
// case-sensitive, as IAM reads them.
func Parse(data []byte) (*Document, error) {
	p := &parser{data: data}
	return p.document()
}

// ParseString is Parse for a string.
func ParseString(doc string) (*Document, error) { return Parse([]byte(doc)) }

type parser struct {
	data []byte
}

// pos converts a byte offset to a line and column, both from 1.
func (p *parser) pos(off int64) (int, int) {
	if off > int64(len(p.data)) {
		off = int64(len(p.data))
	}
	line, col := 1, 1
	for _, b := range p.data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// skip returns the offset of the first byte at or after off that is not
// space or a separator (, :).
func (p *parser) skip(off int64) int64 { return p.skipIn(p.data, off) }

func (p *parser) errAt(off int64, st int, sid, format string, args ...any) *SyntaxError {
	l, c := p.pos(off)
	return &SyntaxError{Line: l, Col: c, Statement: st, Sid: sid, Msg: fmt.Sprintf(format, args...)}
}

// jsonErr converts a decoding error to a *SyntaxError at its offset.
func (p *parser) jsonErr(err error, base int64, st int, sid string) *SyntaxError {
	var off int64 = -1
	msg := err.Error()
	switch e := err.(type) {
	case *json.SyntaxError:
		// Offset counts the bytes read, the bad one included.
		off = e.Offset - 1
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		off, msg = int64(len(p.data))-base, "unexpected end of the document (an unclosed object, list or string)"
	}
	if off < 0 {
		off = 0
	}
	msg = strings.TrimPrefix(msg, "json: ")
	return p.errAt(base+off, st, sid, "%s", msg)
}

// member is one member of a JSON object with the offset of its value.
type member struct {
	key   string
	off   int64 // offset of the key
	value json.RawMessage
	voff  int64 // offset of the value
}

// object reads a JSON object at base (data[base:] starts with raw),
// keeping member order and offsets; repeated keys are an error.
func (p *parser) object(raw json.RawMessage, base int64, st int, sid, what string) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil, p.jsonErr(err, base, st, sid)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, p.errAt(base, st, sid, "%s: want a JSON object, got %s", what, kind(raw))
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		koff := base + p.skipIn(raw, dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return nil, p.jsonErr(err, base, st, sid)
		}
		k, _ := t.(string)
		if seen[k] {
			return nil, p.errAt(koff, st, sid, "%s: element %q appears twice", what, k)
		}
		seen[k] = true
		voff := base + p.skipIn(raw, dec.InputOffset())
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, p.jsonErr(err, base, st, sid)
		}
		out = append(out, member{key: k, off: koff, value: v, voff: voff})
	}
	if _, err := dec.Token(); err != nil {
		return nil, p.jsonErr(err, base, st, sid)
	}
	return out, nil
}

// skipIn is skip inside raw (offsets relative to raw).
func (p *parser) skipIn(raw []byte, off int64) int64 {
	for off < int64(len(raw)) {
		switch raw[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func kind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (p *parser) document() (*Document, error) {
	// Check the whole input is one JSON value first, for a plain syntax
	// error with its position.
	var any json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(p.data))
	if err := dec.Decode(&any); err != nil {
		if err.Error() == "EOF" {
			return nil, p.errAt(0, -1, "", "empty document")
		}
		return nil, p.jsonErr(err, 0, -1, "")
	}
	if dec.More() {
		return nil, p.errAt(p.skip(dec.InputOffset()), -1, "", "text after the policy document")
	}
	base := p.skip(0)
	for base < int64(len(p.data)) && p.data[base] == 0xEF { // UTF-8 BOM
		base += 3
		base = p.skip(base)
	}
	members, err := p.object(p.data[base:], base, -1, "", "policy document")
	if err != nil {
		return nil, err
	}
	d := &Document{}
	var stmts *member
	for i := range members {
		m := &members[i]
		if !topKeys[m.key] {
			return nil, p.errAt(m.off, -1, "", "unknown element %q (want Version, Id, Statement)%s", m.key, caseHint(m.key, topKeys))
		}
		switch m.key {
		case "Version":
			if err := json.Unmarshal(m.value, &d.Version); err != nil {
				return nil, p.errAt(m.voff, -1, "", "Version: want a string, got %s", kind(m.value))
			}
			if d.Version != Versions[0] && d.Version != Versions[1] {
				return nil, p.errAt(m.voff, -1, "", "Version %q: want %q (or the older %q)", d.Version, Versions[0], Versions[1])
			}
		case "Id":
			if err := json.Unmarshal(m.value, &d.ID); err != nil {
				return nil, p.errAt(m.voff, -1, "", "Id: want a string, got %s", kind(m.value))
			}
		case "Statement":
			stmts = m
		}
	}
	if stmts == nil {
		return nil, p.errAt(base, -1, "", "no Statement element")
	}
	type item struct {
		raw json.RawMessage
		off int64
	}
	var items []item
	switch bytes.TrimSpace(stmts.value)[0] {
	case '{':
		items = []item{{stmts.value, stmts.voff}}
	case '[':
		dec := json.NewDecoder(bytes.NewReader(stmts.value))
		dec.Token() // [
		for dec.More() {
			off := stmts.voff + p.skipIn(stmts.value, dec.InputOffset())
			var r json.RawMessage
			if err := dec.Decode(&r); err != nil {
				return nil, p.jsonErr(err, stmts.voff, -1, "")
			}
			items = append(items, item{r, off})
		}
		if len(items) == 0 {
			return nil, p.errAt(stmts.voff, -1, "", "Statement: empty list")
		}
	default:
		return nil, p.errAt(stmts.voff, -1, "", "Statement: want an object or a list of objects, got %s", kind(stmts.value))
	}
	for i, it := range items {
		s, err := p.statement(i, it.raw, it.off)
		if err != nil {
			return nil, err
		}
		d.Statements = append(d.Statements, s)
	}
	return d, nil
}

// caseHint suggests the element a misspelled one meant when only its
// case differs.
func caseHint(k string, known map[string]bool) string {
	for w := range known {
		if strings.EqualFold(w, k) {
			return fmt.Sprintf("; did you mean %q? element names are case-sensitive", w)
		}
	}
	return ""
}

func (p *parser) statement(idx int, raw json.RawMessage, off int64) (*Statement, error) {
	l, c := p.pos(off)
	s := &Statement{Index: idx, Line: l, Col: c, Raw: raw}
	if kind(raw) != "an object" {
		return nil, p.errAt(off, idx, "", "statement: want an object, got %s", kind(raw))
	}
	members, err := p.object(raw, off, idx, "", "statement")
	if err != nil {
		return nil, err
	}
	// The Sid first, so every later error names it.
	for _, m := range members {
		if m.key == "Sid" {
			if err := json.Unmarshal(m.value, &s.Sid); err != nil {
				return nil, p.errAt(m.voff, idx, "", "Sid: want a string, got %s", kind(m.value))
			}
		}
	}
	fail := func(at int64, format string, args ...any) error {
		return p.errAt(at, idx, s.Sid, format, args...)
	}
	seen := map[string]int64{}
	for _, m := range members {
		if !stKeys[m.key] {
			return nil, fail(m.off, "unknown element %q%s", m.key, caseHint(m.key, stKeys))
		}
		seen[m.key] = m.off
		var err error
		switch m.key {
		case "Effect":
			if json.Unmarshal(m.value, &s.Effect) != nil || s.Effect != "Allow" && s.Effect != "Deny" {
				return nil, fail(m.voff, "Effect %s: want \"Allow\" or \"Deny\"", bytes.TrimSpace(m.value))
			}
		case "Action":
			s.Action, err = p.list(m, idx, s.Sid)
		case "NotAction":
			s.NotAction, err = p.list(m, idx, s.Sid)
		case "Resource":
			s.Resource, err = p.list(m, idx, s.Sid)
		case "NotResource":
			s.NotResource, err = p.list(m, idx, s.Sid)
		case "Principal":
			s.Principal, err = p.principal(m, idx, s.Sid)
		case "NotPrincipal":
			s.NotPrincipal, err = p.principal(m, idx, s.Sid)
		case "Condition":
			s.Condition, err = p.conditions(m, idx, s.Sid)
		}
		if err != nil {
			return nil, err
		}
	}
	both := func(a, b string) error {
		_, x := seen[a]
		_, y := seen[b]
		if x && y {
			return fail(seen[b], "both %s and %s: a statement has one or the other", a, b)
		}
		return nil
	}
	for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
		if err := both(pair[0], pair[1]); err != nil {
			return nil, err
		}
	}
	if _, ok := seen["Effect"]; !ok {
		return nil, fail(off, "no Effect")
	}
	if s.Action == nil && s.NotAction == nil {
		return nil, fail(off, "no Action or NotAction")
	}
	return s, nil
}

// list reads a string-or-list element of strings.
func (p *parser) list(m member, idx int, sid string) ([]string, error) {
	var one string
	if json.Unmarshal(m.value, &one) == nil {
		if one == "" {
			return nil, p.errAt(m.voff, idx, sid, "%s: empty string", m.key)
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(m.value, &many); err != nil {
		return nil, p.errAt(m.voff, idx, sid, "%s: want a string or a list of strings, got %s", m.key, kind(m.value))
	}
	if len(many) == 0 {
		return nil, p.errAt(m.voff, idx, sid, "%s: empty list", m.key)
	}
	for _, v := range many {
		if v == "" {
			return nil, p.errAt(m.voff, idx, sid, "%s: empty string in the list", m.key)
		}
	}
	return many, nil
}

// PrincipalTypes are the principal types a policy may name.
var PrincipalTypes = map[string]bool{"AWS": true, "Service": true, "Federated": true, "CanonicalUser": true}

func (p *parser) principal(m member, idx int, sid string) (map[string][]string, error) {
	var star string
	if json.Unmarshal(m.value, &star) == nil {
		if star != "*" {
			return nil, p.errAt(m.voff, idx, sid, "%s %q: want \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}", m.key, star)
		}
		return map[string][]string{"AWS": {"*"}}, nil
	}
	members, err := p.object(m.value, m.voff, idx, sid, m.key)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, p.errAt(m.voff, idx, sid, "%s: empty object", m.key)
	}
	out := map[string][]string{}
	for _, e := range members {
		if !PrincipalTypes[e.key] {
			return nil, p.errAt(e.off, idx, sid, "%s type %q: want AWS, Service, Federated or CanonicalUser", m.key, e.key)
		}
		vals, err := p.list(member{key: m.key + "." + e.key, value: e.value, voff: e.voff}, idx, sid)
		if err != nil {
			return nil, err
		}
		out[e.key] = vals
	}
	return out, nil
}

func (p *parser) conditions(m member, idx int, sid string) ([]Condition, error) {
	ops, err := p.object(m.value, m.voff, idx, sid, "Condition")
	if err != nil {
		return nil, err
	}
	var out []Condition
	for _, op := range ops {
		if _, err := parseOperator(op.key); err != nil {
			return nil, p.errAt(op.off, idx, sid, "Condition: %v", err)
		}
		keys, err := p.object(op.value, op.voff, idx, sid, "Condition "+op.key)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			return nil, p.errAt(op.voff, idx, sid, "Condition %s: no condition key", op.key)
		}
		for _, k := range keys {
			vals, err := conditionValues(k.value)
			if err != nil {
				return nil, p.errAt(k.voff, idx, sid, "Condition %s %s: %v", op.key, k.key, err)
			}
			out = append(out, Condition{Operator: op.key, Key: k.key, Values: vals})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// conditionValues reads a condition's values: a string, number or
// boolean, or a list of them (IAM accepts unquoted numbers and booleans).
func conditionValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("empty list")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, fmt.Errorf("want strings, numbers or booleans, got %s", kindOf(x))
		}
	}
	return out, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
