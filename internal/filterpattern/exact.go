package filterpattern

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the JSON type of a value in a log event.
type Kind uint8

// The JSON types.
const (
	String Kind = iota + 1
	Number
	Bool
	Null
	Object
	Array
)

// Value is one value of a JSON log event, as a filter pattern compares it.
// The accessor of Match returns it; only the fields of its Kind are set.
type Value struct {
	Kind Kind
	// Text is the string (String), or the number as the event writes it
	// (Number).
	Text string
	// Num is the number (Number).
	Num float64
	// Bool is the boolean (Bool).
	Bool bool
}

// Match reports whether the event that get reads matches p, as CloudWatch
// Logs documents it ("Filter and Pattern Syntax": JSON log events, compound
// conditions, numeric comparisons). get returns the value at a selector
// ("$.userIdentity.type", "$.resources[0].ARN", "$.a[0][1]") and whether
// the event has it; Match calls it only with the selectors of p, and does
// not keep it.
//
// The semantics:
//
//   - = and != compare a string or a number. A value with a leading or a
//     trailing *, or both, matches by suffix, prefix or substring; a *
//     inside a value is a plain character ("Ev*ent matches only the actual
//     string Ev*ent"); * alone matches any string or number. A %regular
//     expression% matches a value it finds a match in. A number equals a
//     numeric value by value (400 = 4e2), a string compares as text
//     ($.recipientAccountId = 123456789012 matches the string).
//   - <, <=, >, >= compare a number with a numeric value.
//   - A selector that points to an object, an array, a boolean or null
//     fails both = and != ("the filter will not be applied"), and so does
//     a missing field: != does not match an event that lacks the field
//     (use || $.x NOT EXISTS for that).
//   - IS TRUE and IS FALSE match the booleans, IS NULL a null, NOT EXISTS a
//     field the event lacks (a null field exists), EXISTS any field.
//   - && binds tighter than ||; parentheses group.
//
// A condition Match cannot evaluate exactly (see Evaluable) does not
// match.
func (p *Pattern) Match(get func(selector string) (Value, bool)) bool {
	return p.expr.match(get)
}

// Evaluable reports why Match cannot decide p exactly: a selector outside
// CloudWatch's documented syntax ("$." names of letters, digits, - and _,
// and [N] array indexes after a name; no * wildcards), a regular
// expression that does not compile, a numeric comparison with a value
// that is not a number. Such a condition never matches; Evaluable lets a
// caller refuse the pattern instead (detection rules do).
func (p *Pattern) Evaluable() error {
	return p.expr.evaluable()
}

type op uint8

const (
	opCond op = iota
	opAnd
	opOr
)

// node is the pattern as written: an AND or an OR of nodes, or one
// condition.
type node struct {
	op   op
	kids []*node
	c    *cond
}

func leaf(c Cond) *node { return &node{op: opCond, c: compile(c)} }

// join returns x op y, flattening runs of the same operator.
func join(o op, x, y *node) *node {
	if x.op == o {
		x.kids = append(x.kids, y)
		return x
	}
	return &node{op: o, kids: []*node{x, y}}
}

func (n *node) match(get func(string) (Value, bool)) bool {
	switch n.op {
	case opAnd:
		for _, k := range n.kids {
			if !k.match(get) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if k.match(get) {
				return true
			}
		}
		return false
	}
	return n.c.match(get)
}

func (n *node) evaluable() error {
	if n.op == opCond {
		return n.c.err
	}
	for _, k := range n.kids {
		if err := k.evaluable(); err != nil {
			return err
		}
	}
	return nil
}

// cond is a condition compiled for Match.
type cond struct {
	Cond
	err error // why it cannot be evaluated exactly; nil if it can

	// The value as a number, when it is one.
	num   float64
	isNum bool
	// The value as text: any (a lone *), or core with a * before
	// (suffix) or after (prefix) it, or a regular expression.
	any            bool
	core           string
	suffix, prefix bool
	re             *regexp.Regexp
}

func compile(c Cond) *cond {
	x := &cond{Cond: c}
	if err := exactSelector(c.Selector); err != nil {
		x.err = err
	}
	if unary(c.Op) {
		return x
	}
	v := c.Value
	x.num, x.isNum = number(v)
	switch {
	case regex(v):
		re, err := regexp.Compile(v[1 : len(v)-1])
		if err != nil && x.err == nil {
			x.err = fmt.Errorf("%s: regular expression %s: %v", c, v, err)
		}
		x.re = re
	case v == "*":
		x.any = true
	default:
		x.core = v
		if len(x.core) > 0 && x.core[0] == '*' {
			x.core, x.suffix = x.core[1:], true
		}
		if len(x.core) > 0 && x.core[len(x.core)-1] == '*' {
			x.core, x.prefix = x.core[:len(x.core)-1], true
		}
	}
	switch c.Op {
	case Lt, Le, Gt, Ge:
		if !x.isNum && x.err == nil {
			x.err = fmt.Errorf("%s: %s compares numbers, and %q is not one", c, c.Op, v)
		}
	}
	return x
}

// exactSelector checks a selector against CloudWatch's documented syntax.
func exactSelector(s string) error {
	rest, ok := strings.CutPrefix(s, "$")
	if !ok || rest == "" {
		return fmt.Errorf("selector %s: want $ and a field, like $.eventName", s)
	}
	named := false
	for rest != "" {
		switch rest[0] {
		case '.':
			i := 1
			for i < len(rest) && (isWord(rest[i]) || rest[i] == '-') {
				i++
			}
			if i == 1 {
				if len(rest) > 1 && rest[1] == '*' {
					return fmt.Errorf("selector %s: wildcards in selectors are not in CloudWatch Logs' documented syntax", s)
				}
				return fmt.Errorf("selector %s: want a field name after the dot (letters, digits, - and _)", s)
			}
			rest, named = rest[i:], true
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return fmt.Errorf("selector %s: unclosed [", s)
			}
			idx := rest[1:end]
			if idx == "*" {
				return fmt.Errorf("selector %s: [*] is not in CloudWatch Logs' documented syntax (index an element: [0])", s)
			}
			if _, err := strconv.ParseUint(idx, 10, 31); err != nil || !named {
				return fmt.Errorf("selector %s: want an array index [N] after a field name", s)
			}
			rest = rest[end+1:]
		default:
			return fmt.Errorf("selector %s: %q is not in CloudWatch Logs' documented selector syntax (letters, digits, - and _)", s, rest[0])
		}
	}
	return nil
}

func (c *cond) match(get func(string) (Value, bool)) bool {
	if c.err != nil {
		return false
	}
	v, found := get(c.Selector)
	switch c.Op {
	case NotExists:
		return !found
	case Exists:
		return found
	}
	if !found {
		return false
	}
	switch c.Op {
	case IsTrue:
		return v.Kind == Bool && v.Bool
	case IsFalse:
		return v.Kind == Bool && !v.Bool
	case IsNull:
		return v.Kind == Null
	case Eq, Ne:
		if v.Kind != String && v.Kind != Number {
			return false
		}
		return c.equal(v) == (c.Op == Eq)
	}
	// <, <=, >, >=
	if v.Kind != Number {
		return false
	}
	switch c.Op {
	case Lt:
		return v.Num < c.num
	case Le:
		return v.Num <= c.num
	case Gt:
		return v.Num > c.num
	}
	return v.Num >= c.num
}

// equal compares a string or a number with the condition's value.
func (c *cond) equal(v Value) bool {
	switch {
	case c.any:
		return true
	case c.re != nil:
		return c.re.MatchString(v.Text)
	case v.Kind == Number && c.isNum:
		return v.Num == c.num
	}
	s := v.Text
	switch {
	case c.prefix && c.suffix:
		return strings.Contains(s, c.core)
	case c.prefix:
		return strings.HasPrefix(s, c.core)
	case c.suffix:
		return strings.HasSuffix(s, c.core)
	}
	return s == c.core
}

// number reads v as CloudWatch documents a NUMBER: an integer or a
// decimal with an optional sign, optionally followed by e and an integer
// exponent with an optional sign (10e3, -1.5, +1000, 10e-3).
func number(v string) (float64, bool) {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(v) && v[i] == '.' {
		i++
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		exp := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(v) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}
