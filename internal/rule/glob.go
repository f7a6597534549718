package rule

import (
	"errors"
	"unicode/utf8"
)

// Globs are path.Match's, except that * crosses "/": ARNs hold slashes
// ("role/path/name") and a pattern like "arn:aws:iam::*:role/*" must
// match them all.

// checkGlob reports what is wrong with pattern p, if anything.
func checkGlob(p string) error {
	for i := 0; i < len(p); {
		switch p[i] {
		case '\\':
			if i+1 == len(p) {
				return errors.New(`ends in \ with nothing to quote`)
			}
			_, w := utf8.DecodeRuneInString(p[i+1:])
			i += 1 + w
		case '[':
			_, w, err := matchClass(p[i:], 0)
			if err != nil {
				return err
			}
			i += w
		default:
			i++
		}
	}
	return nil
}

// globMatch reports whether s matches all of p. p has passed checkGlob.
func globMatch(p, s string) bool {
	px, sx := 0, 0
	// Where to resume after the last *: the pattern after it, and the
	// next place in s it could start matching.
	starPx, starSx := -1, -1
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			switch p[px] {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				if sx < len(s) {
					_, w := utf8.DecodeRuneInString(s[sx:])
					px, sx = px+1, sx+w
					continue
				}
			case '[':
				if sx < len(s) {
					r, w := utf8.DecodeRuneInString(s[sx:])
					if ok, pw, _ := matchClass(p[px:], r); ok {
						px, sx = px+pw, sx+w
						continue
					}
				}
			case '\\':
				pr, pw := utf8.DecodeRuneInString(p[px+1:])
				if sx < len(s) {
					r, w := utf8.DecodeRuneInString(s[sx:])
					if r == pr {
						px, sx = px+1+pw, sx+w
						continue
					}
				}
			default:
				pr, pw := utf8.DecodeRuneInString(p[px:])
				if sx < len(s) {
					r, w := utf8.DecodeRuneInString(s[sx:])
					if r == pr {
						px, sx = px+pw, sx+w
						continue
					}
				}
			}
		}
		// Mismatch: let the last * swallow one more character.
		if starPx >= 0 && starSx < len(s) {
			_, w := utf8.DecodeRuneInString(s[starSx:])
			starSx += w
			px, sx = starPx+1, starSx
			continue
		}
		return false
	}
	return true
}

// matchClass reads the class at the start of p ("[a-z]", "[!abc]") and
// reports whether r is in it and how long the class is.
func matchClass(p string, r rune) (bool, int, error) {
	i := 1 // past [
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	in, n := false, 0
	for {
		if i >= len(p) {
			return false, 0, errors.New("[ is not closed by ]")
		}
		if p[i] == ']' {
			break
		}
		lo, w, err := classChar(p[i:])
		if err != nil {
			return false, 0, err
		}
		i += w
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi, w, err = classChar(p[i+1:])
			if err != nil {
				return false, 0, err
			}
			if hi < lo {
				return false, 0, errors.New("range " + string(lo) + "-" + string(hi) + " runs backwards")
			}
			i += 1 + w
		}
		if lo <= r && r <= hi {
			in = true
		}
		n++
	}
	if n == 0 {
		return false, 0, errors.New("[] is an empty class")
	}
	return in != negate, i + 1, nil
}

// classChar reads one character of a class, \ quoting.
func classChar(p string) (rune, int, error) {
	if p[0] == '\\' {
		if len(p) == 1 {
			return 0, 0, errors.New("[ is not closed by ]")
		}
		r, w := utf8.DecodeRuneInString(p[1:])
		return r, 1 + w, nil
	}
	r, w := utf8.DecodeRuneInString(p)
	return r, w, nil
}
