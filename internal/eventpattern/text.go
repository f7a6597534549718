package eventpattern

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// wildcard is a compiled wildcard value: the literal parts between its
// stars. "a*b*c" is [a b c]; "*a" is ["" a]; no star is one part.
type wildcard struct {
	parts  []string
	bparts [][]byte // the middle parts, for bytes.Index
}

// parseWildcard reads a wildcard value; errors are event-ruler's, whose
// positions count the opening quote it adds (offset 1).
func parseWildcard(v string) (wildcard, error) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '*':
			if i+1 < len(v) && v[i+1] == '*' {
				return wildcard{}, fmt.Errorf("Consecutive wildcard characters at pos %d", i+1)
			}
			parts = append(parts, cur.String())
			cur.Reset()
		case '\\':
			if i+1 < len(v) && (v[i+1] == '*' || v[i+1] == '\\') {
				cur.WriteByte(v[i+1])
				i++
				continue
			}
			return wildcard{}, fmt.Errorf("Invalid escape character at pos %d", i+1)
		default:
			cur.WriteByte(v[i])
		}
	}
	parts = append(parts, cur.String())
	w := wildcard{parts: parts}
	for _, m := range parts[1:max(1, len(parts)-1)] {
		w.bparts = append(w.bparts, []byte(m))
	}
	return w, nil
}

// match reports whether s matches the wildcard. Greedy leftmost search
// of each middle part is exact for patterns whose only metacharacter is
// the star.
func (w wildcard) match(s []byte) bool {
	p := w.parts
	if len(p) == 1 {
		return string(s) == p[0]
	}
	first, last := p[0], p[len(p)-1]
	if len(s) < len(first)+len(last) || string(s[:len(first)]) != first || string(s[len(s)-len(last):]) != last {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, m := range w.bparts {
		i := bytes.Index(s, m)
		if i < 0 {
			return false
		}
		s = s[i+len(m):]
	}
	return true
}

// equalFold reports whether a and b are equal under simple Unicode case
// folding.
func equalFold(a []byte, b string) bool {
	return hasPrefixFold(a, b) == len(a)
}

// hasPrefixFold returns how many bytes of s match prefix under case
// folding, or -1 if s does not start with prefix.
func hasPrefixFold(s []byte, prefix string) int {
	i := 0
	for _, pr := range prefix {
		if i >= len(s) {
			return -1
		}
		sr, n := utf8.DecodeRune(s[i:])
		if !runeEqualFold(sr, pr) {
			return -1
		}
		i += n
	}
	return i
}

func hasSuffixFold(s []byte, suffix string) bool {
	i, j := len(s), len(suffix)
	for j > 0 {
		if i <= 0 {
			return false
		}
		pr, pn := utf8.DecodeLastRuneInString(suffix[:j])
		sr, sn := utf8.DecodeLastRune(s[:i])
		if !runeEqualFold(sr, pr) {
			return false
		}
		i -= sn
		j -= pn
	}
	return true
}

func runeEqualFold(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// unescape appends the decoded content of a JSON string (without its
// quotes) to dst.
func unescape(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(s) {
			return dst, false
		}
		switch s[i] {
		case '"', '\\', '/':
			dst = append(dst, s[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+3); ok && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
