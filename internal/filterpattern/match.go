package filterpattern

import (
	"regexp"
	"strconv"
	"strings"
)

// MayMatch reports whether p may match event, a JSON log event decoded
// with encoding/json (objects are map[string]any, numbers float64). It
// is true when p matches it, and also wherever CloudWatch's behaviour is
// not certain to this package: a != or a numeric comparison on a field
// the event lacks, a regular expression Go cannot compile, a selector
// with a wildcard. So a false answer is certain (p does not match the
// event) and a true one may overstate: the answer to "could an alarm on
// p fire on this event?" errs towards yes.
//
// Values compare as CloudWatch documents: = and != on strings with *
// wildcards, on numbers numerically; EXISTS, NOT EXISTS, IS TRUE, IS
// FALSE and IS NULL on the field itself.
func (p *Pattern) MayMatch(event map[string]any) bool {
	for _, c := range p.clauses {
		all := true
		for _, x := range c {
			if !x.mayMatch(event) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (c Cond) mayMatch(event map[string]any) bool {
	if strings.Contains(c.Selector, "*") {
		return true
	}
	v, found, ok := lookup(event, c.Selector)
	if !ok {
		return true
	}
	switch c.Op {
	case Exists:
		return found
	case NotExists:
		return !found
	case IsTrue:
		return found && v == true
	case IsFalse:
		return found && v == false
	case IsNull:
		return found && v == nil
	case Eq:
		if !found {
			return false
		}
		eq, sure := equal(v, c.Value)
		return eq || !sure
	case Ne:
		if !found {
			return true
		}
		eq, sure := equal(v, c.Value)
		return !eq || !sure
	case Lt, Le, Gt, Ge:
		f, isNum := v.(float64)
		want, err := strconv.ParseFloat(c.Value, 64)
		if !found || !isNum || err != nil {
			return true
		}
		switch c.Op {
		case Lt:
			return f < want
		case Le:
			return f <= want
		case Gt:
			return f > want
		}
		return f >= want
	}
	return true
}

// equal compares an event value with a pattern value; sure is false when
// this package cannot tell.
func equal(v any, want string) (eq, sure bool) {
	switch v := v.(type) {
	case string:
		if regex(want) {
			re, err := regexp.Compile(want[1 : len(want)-1])
			if err != nil {
				return false, false
			}
			return re.MatchString(v), true
		}
		return glob(want, v), true
	case float64:
		if w, err := strconv.ParseFloat(want, 64); err == nil {
			return v == w, true
		}
		return false, want != "*"
	case nil:
		return false, true
	}
	// Booleans, objects and arrays: only a bare * might match them.
	return false, want != "*"
}

// lookup finds the value at a selector ("$.userIdentity.type",
// "$.resources[0].ARN"); found is false when the event has no such field,
// ok false when the selector cannot be read.
func lookup(event map[string]any, selector string) (v any, found, ok bool) {
	path, ok := strings.CutPrefix(selector, "$")
	if !ok {
		return nil, false, false
	}
	var cur any = event
	for path != "" {
		switch path[0] {
		case '.':
			end := strings.IndexAny(path[1:], ".[")
			name := path[1:]
			if end >= 0 {
				name, path = path[1:end+1], path[end+1:]
			} else {
				path = ""
			}
			m, isMap := cur.(map[string]any)
			if !isMap || name == "" {
				return nil, false, name != ""
			}
			if cur, found = m[name]; !found {
				return nil, false, true
			}
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil, false, false
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil {
				return nil, false, false
			}
			path = path[end+1:]
			a, isArray := cur.([]any)
			if !isArray || i < 0 || i >= len(a) {
				return nil, false, true
			}
			cur = a[i]
		default:
			return nil, false, false
		}
	}
	return cur, true, true
}
