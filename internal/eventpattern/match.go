package eventpattern

import (
	"bytes"
	"math"
	"net/netip"
	"strconv"
)

// span is where a key's value lies in the event; end 0 means the key
// was not seen.
type span struct{ start, end int }

// maxExactNumber bounds the numbers event-ruler compares numerically
// when a pattern lists a plain number; beyond it only the literal text
// matches (an account ID written as a number).
const maxExactNumber = 5e9

// match reports whether the object starting at b[i] matches lv.
func (lv *level) match(b []byte, i int) bool {
	var buf [8]span
	var slots []span
	if len(lv.keys) <= len(buf) {
		slots = buf[:len(lv.keys)]
	} else {
		slots = make([]span, len(lv.keys))
	}
	if !lv.scan(b, i, slots) {
		return false
	}
	return lv.root.eval(b, slots, true)
}

// scan reads the object at b[i] (b[i] == '{'), filling slots and
// judging the eager fields as their keys appear. It returns false when
// an eager field fails or the JSON is malformed; it stops early once
// every slot is filled.
func (lv *level) scan(b []byte, i int, slots []span) bool {
	i++
	found := 0
	var kbuf [64]byte
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return true
		}
		if b[i] != '"' {
			return false
		}
		ke, esc := stringEnd(b, i+1)
		if ke < 0 {
			return false
		}
		key := b[i+1 : ke]
		if esc {
			var ok bool
			if key, ok = unescape(kbuf[:0], key); !ok {
				return false
			}
		}
		i = skipWS(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		vs := skipWS(b, i+1)
		if vs >= len(b) {
			return false
		}
		slot := -1
		for s, k := range lv.keys {
			if slots[s].end == 0 && len(k) == len(key) && k == string(key) {
				slot = s
				break
			}
		}
		if slot >= 0 && found+1 == len(slots) && lv.last {
			// The last key the level needs, and nothing but its own
			// fields is left to judge: judge them on the value in place,
			// without finding its end first.
			for _, f := range lv.eager[slot] {
				if !f.present(b[vs:]) {
					return false
				}
			}
			slots[slot] = span{vs, len(b)}
			return true
		}
		ve := skipValue(b, vs)
		if ve < 0 {
			return false
		}
		if slot >= 0 {
			slots[slot] = span{vs, ve}
			found++
			for _, f := range lv.eager[slot] {
				if !f.present(b[vs:ve]) {
					return false
				}
			}
			if found == len(slots) {
				return true
			}
		}
		i = skipWS(b, ve)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return true
		default:
			return false
		}
	}
}

// eval judges cj on the slots. top: cj is the level's root, whose
// fields were judged during the scan when present.
func (cj *conj) eval(b []byte, slots []span, top bool) bool {
	for _, f := range cj.fields {
		sp := slots[f.slot]
		if sp.end == 0 {
			if !f.absentOK() {
				return false
			}
			continue
		}
		if !top && !f.present(b[sp.start:sp.end]) {
			return false
		}
	}
	for _, g := range cj.ors {
		ok := false
		for _, alt := range g {
			if alt.eval(b, slots, false) {
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

// present judges a field on its value v.
func (f *field) present(v []byte) bool {
	if f.child != nil {
		return f.child.value(v)
	}
	return f.leaf.value(v)
}

// value judges a nested level on a value: an object is matched, an
// array is crushed out (any element), a scalar has no fields.
func (lv *level) value(v []byte) bool {
	switch v[0] {
	case '{':
		return lv.match(v, 0)
	case '[':
		objects := false
		_, hit := walkArray(v, 0, func(e []byte) bool {
			if e[0] != '{' {
				return false
			}
			objects = true
			return lv.match(e, 0)
		})
		return hit || (!objects && lv.absentOK)
	}
	return lv.absentOK
}

// value judges a leaf on a value: each scalar of an array, and objects
// have no leaf value.
func (l *leaf) value(v []byte) bool {
	switch v[0] {
	case '{':
		return l.existsFalse
	case '[':
		scalars := false
		_, hit := walkArray(v, 0, func(e []byte) bool {
			if e[0] == '{' {
				return false
			}
			scalars = true
			return l.scalar(e)
		})
		return hit || (!scalars && l.existsFalse)
	}
	e := skipValue(v, 0) // v may run on past the value
	if e < 0 {
		return false
	}
	return l.scalar(v[:e])
}

// walkArray calls fn on each element of the array at v[i] that is not
// itself an array, nested arrays flattened, until fn returns true. It
// returns the index past the array (-1 if malformed) and whether fn
// stopped it. Iterative, so deeply nested arrays cost one pass.
func walkArray(v []byte, i int, fn func(elem []byte) bool) (end int, stopped bool) {
	depth := 0
	for {
		i = skipWS(v, i)
		if i >= len(v) {
			return -1, false
		}
		switch v[i] {
		case '[':
			depth++
			i++
			continue
		case ']':
			depth--
			i++
			if depth == 0 {
				return i, false
			}
			continue
		case ',':
			i++
			continue
		}
		e := skipValue(v, i)
		if e < 0 {
			return -1, false
		}
		if fn(v[i:e]) {
			return e, true
		}
		i = e
	}
}

// scalar is one leaf value of the event, decoded as the matchers need.
type scalar struct {
	raw    []byte
	str    []byte // a string's content, unescaped
	isStr  bool
	isNum  bool
	num    float64
	numSet bool
	ipSet  bool
	ip     netip.Addr
	ipOK   bool
	buf    [64]byte
}

func (s *scalar) number() (float64, bool) {
	if !s.numSet {
		s.numSet = true
		if s.isNum {
			f, err := strconv.ParseFloat(string(s.raw), 64)
			s.num, s.isNum = f, err == nil
		}
	}
	return s.num, s.isNum
}

func (s *scalar) addr() (netip.Addr, bool) {
	if !s.ipSet {
		s.ipSet = true
		if s.isStr && len(s.str) > 0 && len(s.str) <= 45 && bytes.Trim(s.str, "0123456789abcdefABCDEF.:") == nil {
			if a, err := netip.ParseAddr(string(s.str)); err == nil {
				s.ip, s.ipOK = a.Unmap(), true
			}
		}
	}
	return s.ip, s.ipOK
}

func (l *leaf) scalar(v []byte) bool {
	if l.existsTrue {
		return true
	}
	if len(l.matchers) == 0 {
		return false
	}
	s := scalar{raw: v}
	switch c := v[0]; {
	case c == '"':
		s.isStr = true
		body := v[1 : len(v)-1]
		if bytes.IndexByte(body, '\\') < 0 {
			s.str = body
		} else {
			var ok bool
			if s.str, ok = unescape(s.buf[:0], body); !ok {
				return false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		s.isNum = true
	}
	for i := range l.matchers {
		if l.matchers[i].match(&s) {
			return true
		}
	}
	return false
}

func (m *matcher) match(s *scalar) bool {
	switch m.kind {
	case mString:
		return s.isStr && string(s.str) == m.s
	case mNumber:
		if !s.isNum {
			return false
		}
		if string(s.raw) == m.s {
			return true
		}
		f, ok := s.number()
		return ok && math.Abs(m.num) <= maxExactNumber && f == m.num
	case mLiteral:
		return !s.isStr && !s.isNum && string(s.raw) == m.s
	case mIP:
		if !s.isStr {
			return false
		}
		if string(s.str) == m.s {
			return true
		}
		a, ok := s.addr()
		return ok && a == m.ip
	case mPrefix:
		return s.isStr && len(s.str) >= len(m.s) && string(s.str[:len(m.s)]) == m.s
	case mSuffix:
		return s.isStr && len(s.str) >= len(m.s) && string(s.str[len(s.str)-len(m.s):]) == m.s
	case mPrefixFold:
		return s.isStr && hasPrefixFold(s.str, m.s) >= 0
	case mSuffixFold:
		return s.isStr && hasSuffixFold(s.str, m.s)
	case mEqualsFold:
		return s.isStr && equalFold(s.str, m.s)
	case mWildcard:
		return s.isStr && m.wc[0].match(s.str)
	case mRange:
		f, ok := s.number()
		if !ok {
			return false
		}
		if m.hasLo && (f < m.lo || m.loOpen && f == m.lo) {
			return false
		}
		if m.hasHi && (f > m.hi || m.hiOpen && f == m.hi) {
			return false
		}
		return true
	case mCIDR:
		a, ok := s.addr()
		return ok && a.BitLen() == m.ipLo.BitLen() && a.Compare(m.ipLo) >= 0 && a.Compare(m.ipHi) <= 0
	case mButStrings:
		if !s.isStr {
			return true
		}
		for _, x := range m.strs {
			if string(s.str) == x {
				return false
			}
		}
		return true
	case mButNumbers:
		f, ok := s.number()
		if !ok {
			return true
		}
		for _, x := range m.nums {
			if f == x {
				return false
			}
		}
		return true
	case mButFold:
		if !s.isStr {
			return true
		}
		for _, x := range m.strs {
			if equalFold(s.str, x) {
				return false
			}
		}
		return true
	case mButPrefix:
		if !s.isStr {
			return true
		}
		for _, x := range m.strs {
			if len(s.str) >= len(x) && string(s.str[:len(x)]) == x {
				return false
			}
		}
		return true
	case mButSuffix:
		if !s.isStr {
			return true
		}
		for _, x := range m.strs {
			if len(s.str) >= len(x) && string(s.str[len(s.str)-len(x):]) == x {
				return false
			}
		}
		return true
	case mButWildcard:
		if !s.isStr {
			return true
		}
		for _, w := range m.wc {
			if w.match(s.str) {
				return false
			}
		}
		return true
	}
	return false
}

// ---- JSON scanning ----

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index of the closing quote of the string whose
// content starts at b[i], and whether the content has escapes; -1 when
// the string does not end.
func stringEnd(b []byte, i int) (int, bool) {
	esc := false
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1, esc
		}
		j += i
		// An escaped quote has an odd run of backslashes before it.
		n := 0
		for k := j - 1; k >= i && b[k] == '\\'; k-- {
			n++
		}
		if bytes.IndexByte(b[i:j], '\\') >= 0 {
			esc = true
		}
		if n%2 == 0 {
			return j, esc
		}
		i = j + 1
	}
}

// skipValue returns the index just past the JSON value starting at
// b[i], or -1 if it is malformed or cut.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		e, _ := stringEnd(b, i+1)
		if e < 0 {
			return -1
		}
		return e + 1
	case c == '{' || c == '[':
		depth := 0
		for i < len(b) {
			if !structural[b[i]] {
				i++
				continue
			}
			switch b[i] {
			case '{', '[':
				depth++
				i++
			case '}', ']':
				depth--
				i++
				if depth == 0 {
					return i
				}
			case '"':
				e, _ := stringEnd(b, i+1)
				if e < 0 {
					return -1
				}
				i = e + 1
			default:
				i++
			}
		}
		return -1
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(b) {
			switch d := b[j]; {
			case d >= '0' && d <= '9', d == '.', d == 'e', d == 'E', d == '+', d == '-':
				j++
				continue
			}
			break
		}
		return j
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	}
	return -1
}

// structural marks the bytes that matter when skipping a container.
var structural = [256]bool{'{': true, '[': true, '}': true, ']': true, '"': true}

func literal(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}
