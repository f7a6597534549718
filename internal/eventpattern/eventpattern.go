// Package eventpattern evaluates Amazon EventBridge event patterns: the
// JSON documents that select events ({"source": ["aws.ec2"], "detail":
// {"eventName": [{"prefix": "Authorize"}]}}). The simulator's EventBridge
// matches rules with it, and Guardrail evaluates the rules users write in
// EventBridge syntax on CloudTrail records with the same code, so a rule
// that works here works on AWS and the other way round.
//
// The semantics are AWS's content filtering, as its open-source engine
// (aws/event-ruler, what EventBridge runs) and the EventBridge user guide
// define them:
//
//   - A pattern is an object. Its fields are ANDed; a field's array lists
//     the accepted values, ORed. Nested objects match nested fields.
//   - A value in an event may be an array: the field matches when any of
//     its elements does ("intersection not empty"). Arrays of objects
//     are crushed out: a nested pattern matches when one element matches
//     it whole; two fields never match in different elements of the same
//     array (event-ruler's "array consistency").
//   - Operators (an object in the value array): prefix, suffix,
//     equals-ignore-case (and prefix/suffix with equals-ignore-case),
//     wildcard (* only; \* and \\ escape), anything-but (a value, a list
//     of strings or of numbers, or an object with prefix, suffix,
//     wildcard or equals-ignore-case), numeric (=, <, <=, >, >=, and one
//     lower bound with one upper bound), exists (true/false), cidr (IPv4
//     and IPv6). "$or" with two or more objects ORs sub-patterns at its
//     level.
//   - Operators apply to leaf values only. prefix, suffix, wildcard and
//     equals-ignore-case match strings; numeric matches JSON numbers; a
//     string never equals a number ("5" is not 5). anything-but matches
//     any present leaf value the inner test rejects, whatever its type,
//     and never a missing field. exists:true matches a field with a leaf
//     value (null counts), exists:false a field with none: absent, an
//     object, or an empty array.
//   - A plain string that is an IP address matches the same address in
//     any notation ("::1" and "0:0:0:0:0:0:0:1").
//
// Invalid patterns are refused with the reason and position event-ruler
// gives (Error; AWSMessage is what EventBridge answers in its
// InvalidEventPatternException), including its quirks: a CIDR needs
// fewer than 32 (IPv4) or 128 (IPv6) mask bits; the lower bound of a
// range must be below the upper one; content after the pattern's closing
// brace is ignored, as AWS's streaming parser stops there.
//
// Matching is one forward scan of the event's JSON that skips what the
// pattern does not name and stops an object as soon as every field the
// pattern names in it was seen, or as soon as a required field fails: a
// CloudTrail record whose eventSource does not match costs the bytes up
// to its eventSource. Strings are compared in place unless they hold
// escapes; a match allocates nothing for the usual patterns. An event
// that is not valid JSON as far as the scan reads it does not match.
//
// Divergences, all in corners: a field present twice in an event object
// is judged on its first occurrence; exists:false under an array of
// objects holds when one element lacks the field (event-ruler looks at
// the whole array); numbers are compared as float64 (event-ruler rounds
// to six decimals within +/-5e9).
//
// The package imports nothing of Guardrail's.
package eventpattern

import (
	"fmt"
	"strings"
)

// Pattern is a compiled event pattern, safe for concurrent use.
type Pattern struct {
	src  string
	root *level
}

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// Match reports whether event, a JSON object, matches the pattern.
func (p *Pattern) Match(event []byte) bool {
	i := skipWS(event, 0)
	if i >= len(event) || event[i] != '{' {
		return false
	}
	return p.root.match(event, i)
}

// MatchString is Match on a string.
func (p *Pattern) MatchString(event string) bool {
	return p.Match([]byte(event))
}

// Error is an invalid pattern: what is wrong and where.
type Error struct {
	// Reason is event-ruler's message, e.g. `"source" must be an object
	// or an array`.
	Reason string
	// Offset is the byte offset in the pattern where the parser stood;
	// Line and Column (1-based) are the same position.
	Offset, Line, Column int

	src string
}

func (e *Error) Error() string {
	return fmt.Sprintf("event pattern: line %d, column %d: %s", e.Line, e.Column, e.Reason)
}

// AWSMessage is the message EventBridge answers for the pattern with its
// InvalidEventPatternException.
func (e *Error) AWSMessage() string {
	src := e.src
	if len(src) > 500 { // the parser's source excerpt is bounded
		src = src[:500] + fmt.Sprintf(`"[truncated %d chars]`, len(e.src)-500)
		return fmt.Sprintf("Event pattern is not valid. Reason: %s\n at [Source: (String)\"%s; line: %d, column: %d]", e.Reason, src, e.Line, e.Column)
	}
	return fmt.Sprintf("Event pattern is not valid. Reason: %s\n at [Source: (String)\"%s\"; line: %d, column: %d]", e.Reason, src, e.Line, e.Column)
}

// Compile parses an event pattern.
func Compile(pattern []byte) (*Pattern, error) {
	c := &compiler{lex: lexer{src: pattern}}
	root, err := c.compile()
	if err != nil {
		return nil, err
	}
	return &Pattern{src: string(pattern), root: root}, nil
}

// MustCompile is Compile for patterns known to be valid (built-in rules,
// tests); it panics on an invalid one.
func MustCompile(pattern string) *Pattern {
	p, err := Compile([]byte(pattern))
	if err != nil {
		panic(err)
	}
	return p
}

// Valid reports whether pattern compiles, with the error if not.
func Valid(pattern []byte) error {
	_, err := Compile(pattern)
	return err
}

// reserved are the operator names that may not be field names inside
// "$or" (event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
var reserved = map[string]bool{
	"anything-but": true, "exists": true, "numeric": true, "prefix": true, "suffix": true,
	"equals-ignore-case": true, "wildcard": true, "cidr": true, "exact": true,
}

// lines returns the 1-based line and column of offset in src.
func lines(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(string(src[:off]), "\n")
	last := strings.LastIndexByte(string(src[:off]), '\n')
	return line, off - last
}
