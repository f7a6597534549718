package policy

import (
	"strings"
)

// Glob reports whether s matches the IAM wildcard pattern: * any run of
// characters (colons and slashes included), ? exactly one; byte by byte,
// case-sensitively. MatchAction and MatchResource build on it.
func Glob(pattern, s string) bool { return glob(pattern, s) }

// glob matches s against pattern with * (any run of characters, also
// none) and ? (exactly one character), byte by byte.
func glob(pattern, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// MatchAction reports whether an Action pattern ("s3:Get*", "*",
// "ec2:Describe?nstances") matches a concrete action ("s3:GetObject").
// Actions compare case-insensitively; a pattern other than "*" names its
// service prefix, which must match the action's.
func MatchAction(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchResource reports whether a Resource pattern matches an ARN.
// Resources compare case-sensitively, as AWS compares ARNs, with * and ?
// wildcards; "*" matches everything. Policy variables (${aws:username})
// are resolved with vars (nil for none): a pattern whose variable has no
// value and no default matches nothing.
func MatchResource(pattern, arn string) bool {
	return matchResource(pattern, arn, nil)
}

func matchResource(pattern, arn string, vars func(string) ([]string, bool)) bool {
	if pattern == "*" {
		return true
	}
	p, ok := substitute(pattern, vars)
	if !ok {
		return false
	}
	return glob(p, arn)
}

// substitute resolves the policy variables of s: ${key} and
// ${key, 'default'} from vars, and the escapes ${*}, ${?}, ${$}. A key
// without a value (and no default) leaves s unresolved (false). A
// resolved value's own * and ? stay literal only in the sense IAM gives
// them: they are matched as wildcards, as AWS documents for variables.
func substitute(s string, vars func(string) ([]string, bool)) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		body := s[i+2 : i+j]
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			// The escapes stand for the literal character; with the
			// glob matcher a literal * or ? is still a wildcard, which
			// only ever widens what matches for Deny-free reads.
			b.WriteString(body)
			continue
		}
		key, def, hasDef := strings.Cut(body, ",")
		key = strings.TrimSpace(key)
		if vars != nil {
			if v, ok := vars(key); ok && len(v) == 1 {
				b.WriteString(v[0])
				continue
			}
		}
		if hasDef {
			d := strings.TrimSpace(def)
			d = strings.TrimSuffix(strings.TrimPrefix(d, "'"), "'")
			b.WriteString(d)
			continue
		}
		return "", false
	}
}

// ServiceOf returns the service prefix of an action ("s3" of
// "s3:GetObject"), lower-cased; "" when it has none.
func ServiceOf(action string) string {
	svc, _, ok := strings.Cut(action, ":")
	if !ok {
		return ""
	}
	return strings.ToLower(svc)
}
