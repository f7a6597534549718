// Package filterpattern reads CloudWatch Logs filter patterns in the JSON
// syntax ({ $.eventName = "CreateTrail" && ($.a != x || $.b NOT EXISTS) })
// and decides whether one pattern covers another: whether every log event
// the other matches, it matches too. That is how a metric filter is judged
// against a CIS pattern: not by comparing strings, which fails on a
// reordered list, another quoting or spacing, or a filter that watches
// more events than CIS asks for.
//
// A pattern is kept in disjunctive normal form: an OR of clauses, each an
// AND of conditions on one field. A covers B when every clause of B
// implies some clause of A, and a clause implies another when each
// condition of the other follows from one of its own ("$.x = AccessDenied"
// implies "$.x = Access*"). That is sound (A never said to cover what it
// may miss) and complete for the patterns CIS and Security Hub use, which
// are ORs and ANDs of field conditions.
//
// && binds tighter than ||: CloudWatch documents the order of operations
// as () > && > || ("Filter and Pattern Syntax", JSON compound
// conditions). Patterns whose meaning depends on it (CIS 4.1 writes
// "a || b && c && d") are best compared with their intended,
// parenthesized reading.
//
// Two evaluations against one event:
//
//   - Match decides exactly, with CloudWatch's documented semantics,
//     through an accessor (so a fast decoder of CloudTrail records needs
//     no map). It is what the watch's detection rules run on every event.
//   - MayMatch evaluates a decoded map, erring towards "may match" where
//     CloudWatch's behaviour is not certain; it is how a metric filter
//     that matches every event is told from one that watches what CIS asks
//     for (control/cloudwatch).
//
// The package imports nothing of Guardrail's (control/cloudwatch and
// detect import it).
package filterpattern

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Op is a comparison of a field.
type Op string

// The comparisons of the JSON filter syntax.
const (
	Eq        Op = "="
	Ne        Op = "!="
	Lt        Op = "<"
	Le        Op = "<="
	Gt        Op = ">"
	Ge        Op = ">="
	Exists    Op = "EXISTS"
	NotExists Op = "NOT EXISTS"
	IsTrue    Op = "IS TRUE"
	IsFalse   Op = "IS FALSE"
	IsNull    Op = "IS NULL"
)

// Cond is one condition on a field: Selector Op Value ("$.eventName =
// CreateTrail"). Value is unquoted; "*" in it is a wildcard; it is empty
// for the unary operators (NOT EXISTS, IS TRUE, ...).
type Cond struct {
	Selector string
	Op       Op
	Value    string
}

func (c Cond) String() string {
	if c.Value == "" && unary(c.Op) {
		return c.Selector + " " + string(c.Op)
	}
	return fmt.Sprintf("%s %s %q", c.Selector, c.Op, c.Value)
}

func unary(op Op) bool {
	switch op {
	case Exists, NotExists, IsTrue, IsFalse, IsNull:
		return true
	}
	return false
}

// Clause is an AND of conditions, sorted and without duplicates.
type Clause []Cond

func (c Clause) String() string {
	parts := make([]string, len(c))
	for i, x := range c {
		parts[i] = x.String()
	}
	return strings.Join(parts, " && ")
}

// Pattern is a parsed JSON filter pattern, as an OR of clauses, and as
// the expression it was written as (for Match). It is safe for concurrent
// use.
type Pattern struct {
	clauses []Clause
	expr    *node
}

// ErrNotJSON is returned for patterns that are not in the JSON syntax
// (term patterns such as "ERROR", space-delimited patterns such as
// "[ip, user, ...]", or the empty pattern).
var ErrNotJSON = errors.New("not a JSON filter pattern")

// maxClauses bounds the normal form: ANDs of ORs multiply.
const maxClauses = 4096

// SyntaxError says where a pattern could not be read.
type SyntaxError struct {
	Pos int // byte offset in the pattern
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("filter pattern: at %d: %s", e.Pos, e.Msg) }

// Parse reads a JSON filter pattern.
func Parse(s string) (*Pattern, error) {
	p := &parser{src: s}
	p.skip()
	if p.pos >= len(s) || s[p.pos] != '{' {
		return nil, ErrNotJSON
	}
	p.pos++
	e, x, err := p.or()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos >= len(s) || s[p.pos] != '}' {
		return nil, p.errorf("want }")
	}
	p.pos++
	p.skip()
	if p.pos != len(s) {
		return nil, p.errorf("unexpected %q after }", s[p.pos:])
	}
	return &Pattern{clauses: e, expr: x}, nil
}

// MustParse is Parse for patterns known to be valid; it panics otherwise.
func MustParse(s string) *Pattern {
	p, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("filterpattern.MustParse(%q): %v", s, err))
	}
	return p
}

// Clauses returns the pattern's clauses, in a stable order.
func (p *Pattern) Clauses() []Clause { return p.clauses }

// String returns the pattern in a normal form: equal patterns (same
// clauses, whatever the order, quoting, spacing or parentheses they were
// written with) have equal strings.
func (p *Pattern) String() string {
	parts := make([]string, len(p.clauses))
	for i, c := range p.clauses {
		parts[i] = "(" + c.String() + ")"
	}
	return "{ " + strings.Join(parts, " || ") + " }"
}

// Covers reports whether every event q matches, p matches too.
func (p *Pattern) Covers(q *Pattern) bool { return len(p.Uncovered(q)) == 0 }

// Uncovered returns the clauses of q that p does not cover: the events
// q watches and p misses ("$.eventName = DetachGroupPolicy").
func (p *Pattern) Uncovered(q *Pattern) []Clause {
	var out []Clause
	for _, qc := range q.clauses {
		covered := false
		for _, pc := range p.clauses {
			if clauseImplies(qc, pc) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, qc)
		}
	}
	return out
}

// clauseImplies reports whether every event matching a matches b: each
// condition of b follows from some condition of a.
func clauseImplies(a, b Clause) bool {
	for _, y := range b {
		ok := false
		for _, x := range a {
			if implies(x, y) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// implies reports whether condition x implies condition y.
func implies(x, y Cond) bool {
	if x.Selector != y.Selector {
		return false
	}
	if x == y {
		return true
	}
	switch y.Op {
	case Eq:
		// x = v implies y = g when every value v stands for matches g.
		return x.Op == Eq && globCovers(y.Value, x.Value)
	case Ne:
		// x != v implies y != g when g stands for fewer values than v;
		// x = v implies y != g when v is one value that g misses.
		if x.Op == Ne {
			return globCovers(x.Value, y.Value)
		}
		return x.Op == Eq && !wild(x.Value) && !glob(y.Value, x.Value)
	case Exists:
		// A field compared to a value exists.
		return x.Op == Eq || x.Op == IsTrue || x.Op == IsFalse
	}
	return false
}

// wild reports whether v has a wildcard or is a regular expression.
func wild(v string) bool { return strings.Contains(v, "*") || regex(v) }

// regex reports whether v is a %regular expression%.
func regex(v string) bool { return len(v) >= 2 && v[0] == '%' && v[len(v)-1] == '%' }

// globCovers reports whether every value v stands for matches the
// wildcard pattern g. A * of v may only be matched by a * of g, so
// matching v's text (its stars as plain characters) against g is sound.
func globCovers(g, v string) bool {
	if g == v {
		return true
	}
	if regex(g) || regex(v) {
		return false
	}
	return glob(g, v)
}

// glob matches s against g, where * in g matches any run of characters.
func glob(g, s string) bool {
	if regex(g) {
		return false
	}
	// Iterative matcher with backtracking to the last star.
	gi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case gi < len(g) && g[gi] == '*':
			star, mark = gi, si
			gi++
		case gi < len(g) && g[gi] == s[si]:
			gi++
			si++
		case star >= 0:
			gi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}

// ---- parser ----

type parser struct {
	src string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skip() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) peek(tok string) bool {
	p.skip()
	return strings.HasPrefix(p.src[p.pos:], tok)
}

// or := and ("||" and)*
func (p *parser) or() ([]Clause, *node, error) {
	out, x, err := p.and()
	if err != nil {
		return nil, nil, err
	}
	for p.peek("||") {
		p.pos += 2
		next, y, err := p.and()
		if err != nil {
			return nil, nil, err
		}
		out = union(out, next)
		if len(out) > maxClauses {
			return nil, nil, p.errorf("pattern too complex")
		}
		x = join(opOr, x, y)
	}
	return out, x, nil
}

// and := term ("&&" term)*
func (p *parser) and() ([]Clause, *node, error) {
	out, x, err := p.term()
	if err != nil {
		return nil, nil, err
	}
	for p.peek("&&") {
		p.pos += 2
		next, y, err := p.term()
		if err != nil {
			return nil, nil, err
		}
		if len(out)*len(next) > maxClauses {
			return nil, nil, p.errorf("pattern too complex")
		}
		out = product(out, next)
		x = join(opAnd, x, y)
	}
	return out, x, nil
}

// term := "(" or ")" | cond
func (p *parser) term() ([]Clause, *node, error) {
	if p.peek("(") {
		p.pos++
		e, x, err := p.or()
		if err != nil {
			return nil, nil, err
		}
		if !p.peek(")") {
			return nil, nil, p.errorf("want )")
		}
		p.pos++
		return e, x, nil
	}
	c, err := p.cond()
	if err != nil {
		return nil, nil, err
	}
	return []Clause{{c}}, leaf(c), nil
}

// cond := selector op value | selector NOT EXISTS | selector EXISTS |
// selector IS (TRUE | FALSE | NULL)
func (p *parser) cond() (Cond, error) {
	p.skip()
	sel, err := p.selector()
	if err != nil {
		return Cond{}, err
	}
	p.skip()
	for _, kw := range []Op{NotExists, Exists, IsTrue, IsFalse, IsNull} {
		if p.keyword(string(kw)) {
			return Cond{Selector: sel, Op: kw}, nil
		}
	}
	var op Op
	switch rest := p.src[p.pos:]; {
	case strings.HasPrefix(rest, "!="):
		op, p.pos = Ne, p.pos+2
	case strings.HasPrefix(rest, "=="):
		op, p.pos = Eq, p.pos+2
	case strings.HasPrefix(rest, "<="):
		op, p.pos = Le, p.pos+2
	case strings.HasPrefix(rest, ">="):
		op, p.pos = Ge, p.pos+2
	case strings.HasPrefix(rest, "="):
		op, p.pos = Eq, p.pos+1
	case strings.HasPrefix(rest, "<"):
		op, p.pos = Lt, p.pos+1
	case strings.HasPrefix(rest, ">"):
		op, p.pos = Gt, p.pos+1
	default:
		return Cond{}, p.errorf("want a comparison after %s", sel)
	}
	p.skip()
	v, err := p.value()
	if err != nil {
		return Cond{}, err
	}
	return Cond{Selector: sel, Op: op, Value: v}, nil
}

// keyword consumes kw (its words separated by any blanks), case
// insensitively, when it is next and ends at a word boundary.
func (p *parser) keyword(kw string) bool {
	pos := p.pos
	for i, w := range strings.Fields(kw) {
		if i > 0 {
			n := pos
			for pos < len(p.src) && (p.src[pos] == ' ' || p.src[pos] == '\t') {
				pos++
			}
			if pos == n {
				return false
			}
		}
		if len(p.src)-pos < len(w) || !strings.EqualFold(p.src[pos:pos+len(w)], w) {
			return false
		}
		pos += len(w)
	}
	if pos < len(p.src) && isWord(p.src[pos]) {
		return false
	}
	p.pos = pos
	return true
}

func isWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// selector := "$" ("." name | "[" index "]")*
func (p *parser) selector() (string, error) {
	start := p.pos
	if p.pos >= len(p.src) || p.src[p.pos] != '$' {
		return "", p.errorf("want a $.field selector")
	}
	p.pos++
	for p.pos < len(p.src) {
		b := p.src[p.pos]
		if isWord(b) || b == '.' || b == '[' || b == ']' || b == '-' || b == '*' || b == '$' || b == '@' || b == ':' {
			p.pos++
			continue
		}
		break
	}
	if p.pos == start+1 {
		return "", p.errorf("empty selector")
	}
	return p.src[start:p.pos], nil
}

// value := quoted string | %regex% | bare word
func (p *parser) value() (string, error) {
	if p.pos >= len(p.src) {
		return "", p.errorf("want a value")
	}
	switch p.src[p.pos] {
	case '"':
		var b strings.Builder
		p.pos++
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			switch {
			case c == '\\' && p.pos+1 < len(p.src):
				b.WriteByte(p.src[p.pos+1])
				p.pos += 2
			case c == '"':
				p.pos++
				return b.String(), nil
			default:
				b.WriteByte(c)
				p.pos++
			}
		}
		return "", p.errorf("unterminated string")
	case '%':
		end := strings.IndexByte(p.src[p.pos+1:], '%')
		if end < 0 {
			return "", p.errorf("unterminated regular expression")
		}
		v := p.src[p.pos : p.pos+end+2]
		p.pos += end + 2
		return v, nil
	}
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ')' || c == '}' || c == '(' ||
			strings.HasPrefix(p.src[p.pos:], "&&") || strings.HasPrefix(p.src[p.pos:], "||") {
			break
		}
		p.pos++
	}
	if p.pos == start {
		return "", p.errorf("want a value")
	}
	return p.src[start:p.pos], nil
}

// ---- normal form ----

func union(a, b []Clause) []Clause {
	out := append(append([]Clause(nil), a...), b...)
	return dedupe(out)
}

func product(a, b []Clause) []Clause {
	out := make([]Clause, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, clause(append(append(Clause(nil), x...), y...)))
		}
	}
	return dedupe(out)
}

// clause sorts c and drops repeated conditions.
func clause(c Clause) Clause {
	sort.Slice(c, func(i, j int) bool { return less(c[i], c[j]) })
	out := c[:0]
	for i, x := range c {
		if i == 0 || x != c[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func less(a, b Cond) bool {
	if a.Selector != b.Selector {
		return a.Selector < b.Selector
	}
	if a.Op != b.Op {
		return a.Op < b.Op
	}
	return a.Value < b.Value
}

// dedupe sorts clauses and drops repeated ones.
func dedupe(cs []Clause) []Clause {
	type keyed struct {
		key string
		c   Clause
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		c = clause(c)
		ks[i] = keyed{c.String(), c}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]Clause, 0, len(ks))
	for i, k := range ks {
		if i == 0 || k.key != ks[i-1].key {
			out = append(out, k.c)
		}
	}
	return out
}
