package eventpattern

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The pattern's lexer is a streaming JSON tokenizer in the manner of the
// parser event-ruler runs on (Jackson): one token at a time, field names
// as tokens of their own, and a "current location" after each token that
// error messages report. Reasons and positions therefore follow what
// EventBridge answers: the location after a string token is just past
// its opening quote, after any other token just past its end.

type token int

const (
	tEOF token = iota
	tStartObject
	tEndObject
	tStartArray
	tEndArray
	tFieldName
	tString
	tNumber
	tTrue
	tFalse
	tNull
)

func (t token) isScalar() bool { return t >= tString }

type frame struct {
	kind       byte // '{' or '['
	needSep    bool // a member was read: ',' or the close comes next
	afterComma bool // a ',' was read: a member must follow
}

type lexer struct {
	src   []byte
	i     int // read position
	loc   int // the current location (see above)
	stack []frame
	done  bool // the root value was read
	// pendingValue: a field name was read; its value comes next.
	pendingValue bool

	text string  // a string's or field name's decoded text; a token's raw text otherwise
	num  float64 // a number's value
}

// syntaxError is a JSON syntax error at the read position.
func (l *lexer) syntaxError(format string, args ...any) *Error {
	l.loc = l.i
	return l.errorf(format, args...)
}

func (l *lexer) errorf(format string, args ...any) *Error {
	line, col := lines(l.src, l.loc)
	return &Error{Reason: fmt.Sprintf(format, args...), Offset: l.loc, Line: line, Column: col, src: string(l.src)}
}

func (l *lexer) skipWS() {
	for l.i < len(l.src) {
		switch l.src[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

func (l *lexer) unexpected(expecting string) *Error {
	if l.i >= len(l.src) {
		return l.syntaxError("Unexpected end-of-input: %s", expecting)
	}
	r, _ := utf8.DecodeRune(l.src[l.i:])
	return l.syntaxError("Unexpected character ('%c' (code %d)): %s", r, r, expecting)
}

// next reads the next token.
func (l *lexer) next() (token, error) {
	if l.pendingValue {
		l.pendingValue = false
		return l.value()
	}
	if len(l.stack) == 0 {
		if l.done {
			return tEOF, nil
		}
		l.skipWS()
		if l.i >= len(l.src) {
			l.loc = l.i
			return tEOF, nil
		}
		return l.value()
	}
	f := &l.stack[len(l.stack)-1]
	l.skipWS()
	closer, what := byte('}'), "Object"
	if f.kind == '[' {
		closer, what = ']', "Array"
	}
	if f.needSep {
		if l.i >= len(l.src) {
			return 0, l.syntaxError("Unexpected end-of-input: expected close marker for %s", map[byte]string{'{': "OBJECT", '[': "ARRAY"}[f.kind])
		}
		switch l.src[l.i] {
		case ',':
			l.i++
			f.needSep, f.afterComma = false, true
			l.skipWS()
		case closer:
			return l.close()
		default:
			return 0, l.unexpected("was expecting comma to separate " + what + " entries")
		}
	} else if !f.afterComma && l.i < len(l.src) && l.src[l.i] == closer {
		return l.close()
	}
	if f.kind == '[' {
		f.afterComma = false
		f.needSep = true
		return l.value()
	}
	// An object member: its name, then the colon.
	if l.i >= len(l.src) || l.src[l.i] != '"' {
		if l.i >= len(l.src) {
			return 0, l.syntaxError("Unexpected end-of-input: expected close marker for OBJECT")
		}
		return 0, l.unexpected("was expecting double-quote to start field name")
	}
	l.i++
	name, err := l.str()
	if err != nil {
		return 0, err
	}
	l.skipWS()
	if l.i >= len(l.src) || l.src[l.i] != ':' {
		return 0, l.unexpected("was expecting a colon to separate field name and value")
	}
	l.i++
	f.afterComma = false
	f.needSep = true
	l.text = name
	l.loc = l.valueLoc()
	l.pendingValue = true
	return tFieldName, nil
}

// valueLoc is the location after a field name: Jackson reads on to the
// start of the value (past a string's opening quote, a bracket, or a
// whole number or literal).
func (l *lexer) valueLoc() int {
	j := l.i
	for j < len(l.src) && (l.src[j] == ' ' || l.src[j] == '\t' || l.src[j] == '\n' || l.src[j] == '\r') {
		j++
	}
	if j >= len(l.src) {
		return j
	}
	switch c := l.src[j]; {
	case c == '"' || c == '{' || c == '[':
		return j + 1
	case c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
		for j < len(l.src) && (l.src[j] == '-' || l.src[j] == '+' || l.src[j] == '.' || l.src[j] >= '0' && l.src[j] <= '9' || l.src[j] >= 'a' && l.src[j] <= 'z' || l.src[j] == 'E') {
			j++
		}
	}
	return j
}

func (l *lexer) close() (token, error) {
	k := l.stack[len(l.stack)-1].kind
	l.stack = l.stack[:len(l.stack)-1]
	l.i++
	l.loc = l.i
	l.text = string(rune(map[byte]byte{'{': '}', '[': ']'}[k]))
	l.endValue()
	if k == '{' {
		return tEndObject, nil
	}
	return tEndArray, nil
}

// endValue records that a value ended in the enclosing context.
func (l *lexer) endValue() {
	if len(l.stack) == 0 {
		l.done = true
	}
}

// value reads a value token.
func (l *lexer) value() (token, error) {
	l.skipWS()
	if l.i >= len(l.src) {
		return 0, l.syntaxError("Unexpected end-of-input: expected a value")
	}
	c := l.src[l.i]
	switch {
	case c == '{':
		l.i++
		l.loc = l.i
		l.text = "{"
		l.stack = append(l.stack, frame{kind: '{'})
		return tStartObject, nil
	case c == '[':
		l.i++
		l.loc = l.i
		l.text = "["
		l.stack = append(l.stack, frame{kind: '['})
		return tStartArray, nil
	case c == '"':
		l.i++
		start := l.i
		s, err := l.str()
		if err != nil {
			return 0, err
		}
		l.text = s
		l.loc = start
		l.endValue()
		return tString, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return l.number()
	case c >= 'a' && c <= 'z':
		start := l.i
		for l.i < len(l.src) && (l.src[l.i] >= 'a' && l.src[l.i] <= 'z' || l.src[l.i] >= 'A' && l.src[l.i] <= 'Z' || l.src[l.i] >= '0' && l.src[l.i] <= '9') {
			l.i++
		}
		word := string(l.src[start:l.i])
		l.text = word
		l.loc = l.i
		switch word {
		case "true":
			l.endValue()
			return tTrue, nil
		case "false":
			l.endValue()
			return tFalse, nil
		case "null":
			l.endValue()
			return tNull, nil
		}
		l.i = start
		l.loc = start
		return 0, l.errorf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", word)
	}
	if len(l.stack) > 0 && l.stack[len(l.stack)-1].kind == '[' && (c == ']' || c == ',') {
		return 0, l.unexpected("expected a value")
	}
	return 0, l.unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
}

func (l *lexer) number() (token, error) {
	start := l.i
	digits := func() int {
		n := 0
		for l.i < len(l.src) && l.src[l.i] >= '0' && l.src[l.i] <= '9' {
			l.i++
			n++
		}
		return n
	}
	if l.src[l.i] == '-' {
		l.i++
	}
	intStart := l.i
	if digits() == 0 {
		return 0, l.syntaxError("Unexpected character: expected digit (0-9) to follow minus sign, for valid numeric value")
	}
	if l.src[intStart] == '0' && l.i-intStart > 1 {
		l.loc = intStart
		return 0, l.errorf("Invalid numeric value: Leading zeroes not allowed")
	}
	if l.i < len(l.src) && l.src[l.i] == '.' {
		l.i++
		if digits() == 0 {
			return 0, l.syntaxError("Unexpected character: Decimal point not followed by a digit")
		}
	}
	if l.i < len(l.src) && (l.src[l.i] == 'e' || l.src[l.i] == 'E') {
		l.i++
		if l.i < len(l.src) && (l.src[l.i] == '+' || l.src[l.i] == '-') {
			l.i++
		}
		if digits() == 0 {
			return 0, l.syntaxError("Unexpected character: Exponent indicator not followed by a digit")
		}
	}
	l.text = string(l.src[start:l.i])
	f, err := strconv.ParseFloat(l.text, 64)
	if err != nil {
		return 0, l.syntaxError("Invalid numeric value: %s", l.text)
	}
	l.num = f
	l.loc = l.i
	l.endValue()
	return tNumber, nil
}

// str reads a string's content after its opening quote, through the
// closing quote, and decodes it.
func (l *lexer) str() (string, error) {
	start := l.i
	plain := true
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == '"':
			s := l.src[start:l.i]
			l.i++
			if plain {
				return string(s), nil
			}
			out, ok := unescape(nil, s)
			if !ok {
				return "", l.syntaxError("Unrecognized character escape")
			}
			return string(out), nil
		case c == '\\':
			plain = false
			if l.i+1 >= len(l.src) {
				l.i++
				return "", l.syntaxError("Unexpected end-of-input in VALUE_STRING")
			}
			switch e := l.src[l.i+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				l.i += 2
			case 'u':
				if l.i+6 > len(l.src) || !isHex4(l.src[l.i+2:l.i+6]) {
					l.i += 2
					return "", l.syntaxError("Unexpected character in character escape sequence: expected a hex-digit for character escape sequence")
				}
				l.i += 6
			default:
				l.i++
				return "", l.syntaxError("Unrecognized character escape '%c' (code %d)", e, e)
			}
		case c < 0x20:
			return "", l.syntaxError("Illegal unquoted character ((CTRL-CHAR, code %d)): has to be escaped using backslash to be included in string value", c)
		default:
			l.i++
		}
	}
	return "", l.syntaxError("Unexpected end-of-input in VALUE_STRING")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
