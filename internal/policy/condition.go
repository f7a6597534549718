package policy

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// How a condition is decided, as the IAM user guide documents it
// ("Condition operators", "Conditions with multiple context keys or
// values", "Single-valued vs. multivalued context keys"):
//
//   - Within one condition (one operator, one key) the policy's values
//     are ORed; for a negated operator (StringNotEquals, ArnNotLike,
//     NotIpAddress…) they are NORed: the value must match none of them.
//   - Conditions (keys, operators) are ANDed.
//   - A key missing from the request makes a positive operator false and
//     a negated one true; ...IfExists makes either true when the key is
//     missing; Null tests presence itself ("true": the key is missing).
//   - ForAllValues: every request value must satisfy the operator; true
//     when the key is missing or has no value. ForAnyValue: at least one
//     request value must; false when the key is missing or empty.
//   - Without a set qualifier, a key with several values in the request
//     satisfies a positive operator when any of its values does, and a
//     negated one when none of its values matches.
//   - Condition key names compare case-insensitively; values compare as
//     the operator says (String* case-sensitive unless IgnoreCase, Arn*
//     case-sensitive component by component, Bool case-insensitive).

// operator is a parsed condition operator.
type operator struct {
	set      string // "", "forallvalues", "foranyvalue"
	base     string // lower-case family operator without IfExists: "stringequals"
	ifExists bool
	negated  bool
	positive string // the positive form of base: "stringequals" for "stringnotequals"
}

// positiveOf maps each known operator (lower case, without IfExists) to
// its positive form and whether it negates.
var positiveOf = map[string]struct {
	pos string
	neg bool
}{
	"stringequals": {"stringequals", false}, "stringnotequals": {"stringequals", true},
	"stringequalsignorecase": {"stringequalsignorecase", false}, "stringnotequalsignorecase": {"stringequalsignorecase", true},
	"stringlike": {"stringlike", false}, "stringnotlike": {"stringlike", true},
	"numericequals": {"numericequals", false}, "numericnotequals": {"numericequals", true},
	"numericlessthan": {"numericlessthan", false}, "numericlessthanequals": {"numericlessthanequals", false},
	"numericgreaterthan": {"numericgreaterthan", false}, "numericgreaterthanequals": {"numericgreaterthanequals", false},
	"dateequals": {"dateequals", false}, "datenotequals": {"dateequals", true},
	"datelessthan": {"datelessthan", false}, "datelessthanequals": {"datelessthanequals", false},
	"dategreaterthan": {"dategreaterthan", false}, "dategreaterthanequals": {"dategreaterthanequals", false},
	"bool":         {"bool", false},
	"binaryequals": {"binaryequals", false},
	"ipaddress":    {"ipaddress", false}, "notipaddress": {"ipaddress", true},
	"arnequals": {"arnlike", false}, "arnlike": {"arnlike", false},
	"arnnotequals": {"arnlike", true}, "arnnotlike": {"arnlike", true},
	"null": {"null", false},
}

// parseOperator reads an operator as written. Operators are matched
// case-insensitively here; IAM's own validator is stricter on case, which
// the validation layer reports.
func parseOperator(s string) (operator, error) {
	var op operator
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "forallvalues:"):
		op.set, l = "forallvalues", strings.TrimPrefix(l, "forallvalues:")
	case strings.HasPrefix(l, "foranyvalue:"):
		op.set, l = "foranyvalue", strings.TrimPrefix(l, "foranyvalue:")
	}
	if strings.HasSuffix(l, "ifexists") && l != "null" {
		op.ifExists, l = true, strings.TrimSuffix(l, "ifexists")
	}
	p, ok := positiveOf[l]
	if !ok {
		return op, fmt.Errorf("unknown condition operator %q", s)
	}
	if l == "null" && (op.ifExists || op.set != "") {
		return op, fmt.Errorf("condition operator %q: Null takes no IfExists or set qualifier", s)
	}
	op.base, op.positive, op.negated = l, p.pos, p.neg
	return op, nil
}

// lookup finds a key in the context, case-insensitively.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// evalCondition decides one condition against the request's values
// (present says whether the key is in the request at all).
func evalCondition(c Condition, vals []string, present bool, vars func(string) ([]string, bool)) bool {
	op, err := parseOperator(c.Operator)
	if err != nil {
		return false
	}
	if op.base == "null" {
		want := len(c.Values) > 0 && strings.EqualFold(c.Values[0], "true")
		missing := !present || len(vals) == 0
		for _, v := range c.Values[1:] {
			if strings.EqualFold(v, "true") != want {
				// Null with both true and false: either holds.
				return true
			}
		}
		return missing == want
	}
	empty := !present || len(vals) == 0
	if empty && op.ifExists {
		return true
	}
	switch op.set {
	case "forallvalues":
		if empty {
			return true
		}
		for _, v := range vals {
			if matchOne(op, c.Values, v, vars) == op.negated {
				return false
			}
		}
		return true
	case "foranyvalue":
		if empty {
			return false
		}
		for _, v := range vals {
			if matchOne(op, c.Values, v, vars) != op.negated {
				return true
			}
		}
		return false
	}
	if empty {
		return op.ifExists || op.negated
	}
	any := false
	for _, v := range vals {
		if matchOne(op, c.Values, v, vars) {
			any = true
			break
		}
	}
	return any != op.negated
}

// matchOne reports whether the request value v matches any of the
// policy's values under op's positive form.
func matchOne(op operator, policyVals []string, v string, vars func(string) ([]string, bool)) bool {
	for _, pv := range policyVals {
		if matchValue(op.positive, pv, v, vars) {
			return true
		}
	}
	return false
}

func matchValue(op, pv, v string, vars func(string) ([]string, bool)) bool {
	switch op {
	case "stringequals", "stringequalsignorecase", "stringlike", "arnlike":
		s, ok := substitute(pv, vars)
		if !ok {
			return false
		}
		switch op {
		case "stringequals":
			return s == v
		case "stringequalsignorecase":
			return strings.EqualFold(s, v)
		case "stringlike":
			return glob(s, v)
		}
		return arnLike(s, v)
	case "numericequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals":
		a, ok1 := new(big.Float).SetString(strings.TrimSpace(v))
		b, ok2 := new(big.Float).SetString(strings.TrimSpace(pv))
		return ok1 && ok2 && compared(strings.TrimPrefix(op, "numeric"), a.Cmp(b))
	case "dateequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals":
		a, ok1 := parseDate(v)
		b, ok2 := parseDate(pv)
		return ok1 && ok2 && compared(strings.TrimPrefix(op, "date"), a.Compare(b))
	case "bool":
		s, ok := substitute(pv, vars)
		return ok && strings.EqualFold(s, v)
	case "binaryequals":
		return pv == v
	case "ipaddress":
		return ipIn(pv, v)
	}
	return false
}

// compared says whether a comparison's result c (-1, 0, 1) satisfies
// the relation rel: equals, lessthan, lessthanequals, greaterthan,
// greaterthanequals.
func compared(rel string, c int) bool {
	switch rel {
	case "equals":
		return c == 0
	case "lessthan":
		return c < 0
	case "lessthanequals":
		return c <= 0
	case "greaterthan":
		return c > 0
	}
	return c >= 0
}

// parseDate reads an ISO 8601 date or time, or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// ipIn reports whether the address ip lies in the CIDR (or single
// address) cidr.
func ipIn(cidr, ip string) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		if p, err2 := netip.ParsePrefix(strings.TrimSpace(ip)); err2 == nil {
			a = p.Addr()
		} else {
			return false
		}
	}
	cidr = strings.TrimSpace(cidr)
	if !strings.Contains(cidr, "/") {
		b, err := netip.ParseAddr(cidr)
		return err == nil && b.Unmap() == a.Unmap()
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	return p.Masked().Contains(a.Unmap()) || p.Masked().Contains(a)
}

// arnLike matches an ARN against an ARN pattern component by component
// (arn:partition:service:region:account:resource), each with * and ?,
// case-sensitively: a wildcard does not cross the colons that separate
// the first five components.
func arnLike(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		if strings.HasPrefix(pattern, "arn:") {
			// An ARN pattern of fewer than six components matches no ARN.
			return false
		}
		return glob(pattern, arn)
	}
	for i := range pp {
		if !glob(pp[i], ap[i]) {
			return false
		}
	}
	return true
}
