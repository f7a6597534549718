package eventpattern

import (
	"net/netip"
	"strconv"
	"strings"
)

// A compiled pattern is a tree of levels. A level is one JSON object of
// the event: the keys the pattern names in it (each a slot the scan
// fills with the key's value), and a conjunction over those slots.
// "$or" alternatives stand at the level of the object they are written
// in, so they share its slots.
type level struct {
	keys []string
	root *conj
	// eager[slot] are the root conjunction's fields on that slot, judged
	// as soon as the scan finds the key: a required field that fails
	// ends the scan.
	eager [][]*field
	// absentOK: the level matches an event that has no such object.
	absentOK bool
	// last: the level has no "$or" of its own, so once the scan has
	// every key the eager fields are all there is to judge.
	last bool
}

// conj is an AND of fields and of OR groups.
type conj struct {
	fields []*field
	ors    [][]*conj
}

// field is one key's condition: a nested level or a leaf value list.
type field struct {
	slot  int
	child *level
	leaf  *leaf
}

// leaf is a value list: any matcher matches (exists apart).
type leaf struct {
	matchers    []matcher
	existsTrue  bool
	existsFalse bool
}

type mkind uint8

const (
	mString      mkind = iota + 1 // exact string
	mNumber                       // exact number (the literal, or numerically equal within +/-5e9)
	mLiteral                      // true, false, null
	mIP                           // a string that is an IP address
	mPrefix                       // prefix
	mSuffix                       // suffix
	mPrefixFold                   // prefix, equals-ignore-case
	mSuffixFold                   // suffix, equals-ignore-case
	mEqualsFold                   // equals-ignore-case
	mWildcard                     // wildcard
	mRange                        // numeric
	mCIDR                         // cidr
	mButStrings                   // anything-but strings
	mButNumbers                   // anything-but numbers
	mButFold                      // anything-but equals-ignore-case
	mButPrefix                    // anything-but prefix
	mButSuffix                    // anything-but suffix
	mButWildcard                  // anything-but wildcard
)

type matcher struct {
	kind mkind
	s    string
	num  float64
	strs []string
	nums []float64
	wc   []wildcard
	// numeric range; a missing bound is infinite
	lo, hi         float64
	hasLo, hasHi   bool
	loOpen, hiOpen bool
	// ip, cidr
	ip, ipLo, ipHi netip.Addr
}

// compiler turns the token stream into levels, in the order and with
// the messages of event-ruler's JsonRuleCompiler.
type compiler struct {
	lex lexer
}

func (c *compiler) next() (token, error) { return c.lex.next() }

func (c *compiler) barf(format string, args ...any) error {
	return c.lex.errorf(format, args...)
}

func (c *compiler) compile() (*level, error) {
	t, err := c.next()
	if err != nil {
		return nil, err
	}
	if t != tStartObject {
		return nil, c.barf("Filter is not an object")
	}
	lv := &level{root: &conj{}}
	if err := c.object(lv, lv.root, false); err != nil {
		return nil, err
	}
	lv.finish()
	return lv, nil
}

// slot returns the slot of key in lv, adding it.
func (lv *level) slot(key string) int {
	for i, k := range lv.keys {
		if k == key {
			return i
		}
	}
	lv.keys = append(lv.keys, key)
	return len(lv.keys) - 1
}

// finish computes what matching needs once the level is complete.
func (lv *level) finish() {
	lv.eager = make([][]*field, len(lv.keys))
	for _, f := range lv.root.fields {
		lv.eager[f.slot] = append(lv.eager[f.slot], f)
	}
	lv.absentOK = lv.root.absentOK()
	lv.last = len(lv.root.ors) == 0
}

func (f *field) absentOK() bool {
	if f.child != nil {
		return f.child.absentOK
	}
	return f.leaf.existsFalse
}

func (cj *conj) absentOK() bool {
	for _, f := range cj.fields {
		if !f.absentOK() {
			return false
		}
	}
	for _, g := range cj.ors {
		ok := false
		for _, alt := range g {
			if alt.absentOK() {
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

// object reads an object's members into cj (at level lv) up to its
// closing brace. inOr: the object is inside "$or", where operator names
// may not be field names.
func (c *compiler) object(lv *level, cj *conj, inOr bool) error {
	present := false
	for {
		t, err := c.next()
		if err != nil {
			return err
		}
		if t == tEndObject {
			break
		}
		present = true
		name := c.lex.text
		if name == "$or" {
			if err := c.or(lv, cj); err != nil {
				return err
			}
			continue
		}
		if inOr && reserved[name] {
			return c.barf("%s is Ruler reserved fieldName which cannot be used inside $or.", name)
		}
		t, err = c.next()
		if err != nil {
			return err
		}
		switch t {
		case tStartObject:
			child := &level{root: &conj{}}
			if err := c.object(child, child.root, inOr); err != nil {
				return err
			}
			child.finish()
			cj.fields = append(cj.fields, &field{slot: lv.slot(name), child: child})
		case tStartArray:
			l, err := c.values()
			if err != nil {
				return err
			}
			f := &field{slot: lv.slot(name), leaf: l}
			replaced := false
			for i, g := range cj.fields { // a path given twice: the last one counts
				if g.slot == f.slot && g.leaf != nil {
					cj.fields[i], replaced = f, true
				}
			}
			if !replaced {
				cj.fields = append(cj.fields, f)
			}
		default:
			return c.barf("\"%s\" must be an object or an array", name)
		}
	}
	if !present {
		return c.barf("Empty objects are not allowed")
	}
	return nil
}

func (c *compiler) or(lv *level, cj *conj) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tStartArray {
		return c.barf("It must be an Array followed with $or.")
	}
	var group []*conj
	for {
		t, err := c.next()
		if err != nil {
			return err
		}
		if t == tEndArray {
			break
		}
		if t != tStartObject {
			return c.barf("Only JSON object is allowed in array of $or relationship.")
		}
		alt := &conj{}
		if err := c.object(lv, alt, true); err != nil {
			return err
		}
		group = append(group, alt)
	}
	if len(group) < 2 {
		return c.barf("There must have at least 2 Objects in $or relationship.")
	}
	cj.ors = append(cj.ors, group)
	return nil
}

// values reads a value list up to its closing bracket.
func (c *compiler) values() (*leaf, error) {
	l := &leaf{}
	n := 0
	for {
		t, err := c.next()
		if err != nil {
			return nil, err
		}
		if t == tEndArray {
			break
		}
		n++
		switch t {
		case tStartObject:
			if err := c.expression(l); err != nil {
				return nil, err
			}
		case tString:
			if ip, err := netip.ParseAddr(c.lex.text); err == nil && looksLikeIP(c.lex.text) {
				l.matchers = append(l.matchers, matcher{kind: mIP, s: c.lex.text, ip: ip.Unmap()})
			} else {
				l.matchers = append(l.matchers, matcher{kind: mString, s: c.lex.text})
			}
		case tNumber:
			l.matchers = append(l.matchers, matcher{kind: mNumber, s: c.lex.text, num: c.lex.num})
		case tTrue, tFalse, tNull:
			l.matchers = append(l.matchers, matcher{kind: mLiteral, s: c.lex.text})
		default:
			return nil, c.barf("Match value must be String, number, true, false, or null")
		}
	}
	if n == 0 {
		return nil, c.barf("Empty arrays are not allowed")
	}
	return l, nil
}

// looksLikeIP is event-ruler's test before it reads a string as an
// address: dotted-quad IPv4 or colon-hex IPv6, no zone.
func looksLikeIP(s string) bool {
	return s != "" && !strings.ContainsAny(s, "%") && strings.Trim(s, "0123456789abcdefABCDEF.:") == ""
}

// expression reads one operator object after its opening brace.
func (c *compiler) expression(l *leaf) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tFieldName {
		return c.barf("Match expression name not found")
	}
	op := c.lex.text
	switch op {
	case "exact", "prefix", "suffix", "equals-ignore-case", "wildcard", "cidr":
		t, err := c.next()
		if err != nil {
			return err
		}
		if t == tStartObject && (op == "prefix" || op == "suffix") {
			return c.foldAffix(l, op)
		}
		if t != tString {
			if op == "cidr" {
				return c.barf("prefix match pattern must be a string") // sic, event-ruler
			}
			return c.barf("%s match pattern must be a string", op)
		}
		v := c.lex.text
		m := matcher{s: v}
		switch op {
		case "exact":
			m.kind = mString
		case "prefix":
			m.kind = mPrefix
		case "suffix":
			m.kind = mSuffix
		case "equals-ignore-case":
			m.kind = mEqualsFold
		case "wildcard":
			w, err := parseWildcard(v)
			if err != nil {
				return c.barf("%s", err.Error())
			}
			m.kind, m.wc = mWildcard, []wildcard{w}
		case "cidr":
			lo, hi, reason := parseCIDR(v)
			if reason != "" {
				return c.barf("%s", reason)
			}
			m.kind, m.ipLo, m.ipHi = mCIDR, lo, hi
		}
		l.matchers = append(l.matchers, m)
		return c.end("Only one key allowed in match expression")
	case "numeric":
		t, err := c.next()
		if err != nil {
			return err
		}
		if t != tStartArray {
			return c.barf("Value of numeric must be an array.")
		}
		m, err := c.numeric()
		if err != nil {
			return err
		}
		l.matchers = append(l.matchers, m)
		return c.end("Too many elements in numeric expression")
	case "anything-but":
		m, err := c.anythingBut()
		if err != nil {
			return err
		}
		l.matchers = append(l.matchers, m)
		return nil
	case "exists":
		t, err := c.next()
		if err != nil {
			return err
		}
		switch t {
		case tTrue:
			l.existsTrue = true
		case tFalse:
			l.existsFalse = true
		default:
			return c.barf("exists match pattern must be either true or false.")
		}
		return c.end("Only one key allowed in match expression")
	}
	return c.barf("Unrecognized match type %s", op)
}

// end requires the closing brace of an operator object.
func (c *compiler) end(reason string) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tEndObject {
		return c.barf("%s", reason)
	}
	return nil
}

// foldAffix reads {"prefix"|"suffix": {"equals-ignore-case": "..."}}
// after the inner opening brace.
func (c *compiler) foldAffix(l *leaf, op string) error {
	Op := strings.ToUpper(op[:1]) + op[1:]
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tFieldName {
		return c.barf("%s expression name not found", Op)
	}
	if c.lex.text != "equals-ignore-case" {
		return c.barf("Unsupported %s pattern: %s", op, c.lex.text)
	}
	if t, err = c.next(); err != nil {
		return err
	}
	if t != tString {
		return c.barf("equals-ignore-case match pattern must be a string")
	}
	m := matcher{kind: mPrefixFold, s: c.lex.text}
	if op == "suffix" {
		m.kind = mSuffixFold
	}
	l.matchers = append(l.matchers, m)
	if err := c.end("Only one key allowed in match expression"); err != nil {
		return err
	}
	return c.end("Only one key allowed in match expression")
}

func (c *compiler) numeric() (matcher, error) {
	t, err := c.next()
	if err != nil {
		return matcher{}, err
	}
	if t != tString {
		return matcher{}, c.barf("Invalid member in numeric match: %s", c.lex.text)
	}
	op := c.lex.text
	if t, err = c.next(); err != nil {
		return matcher{}, err
	}
	switch op {
	case "=", ">=", ">", "<=", "<":
	default:
		return matcher{}, c.barf("Unrecognized numeric range operator: %s", op)
	}
	if t != tNumber {
		if op == "=" {
			return matcher{}, c.barf("Value of equals must be numeric")
		}
		return matcher{}, c.barf("Value of %s must be numeric", op)
	}
	v := c.lex.num
	m := matcher{kind: mRange}
	switch op {
	case "=":
		m.lo, m.hi, m.hasLo, m.hasHi = v, v, true, true
		return m, c.end2(tEndArray, "Too many elements in numeric expression")
	case "<=", "<":
		m.hi, m.hasHi, m.hiOpen = v, true, op == "<"
		return m, c.end2(tEndArray, "Too many elements in numeric expression")
	}
	m.lo, m.hasLo, m.loOpen = v, true, op == ">"
	if t, err = c.next(); err != nil {
		return matcher{}, err
	}
	if t == tEndArray {
		return m, nil
	}
	if t != tString {
		return matcher{}, c.barf("Bad value in numeric range: %s", c.lex.text)
	}
	op2 := c.lex.text
	if op2 != "<" && op2 != "<=" {
		return matcher{}, c.barf("Bad numeric range operator: %s", op2)
	}
	if t, err = c.next(); err != nil {
		return matcher{}, err
	}
	if t != tNumber {
		return matcher{}, c.barf("Value of %s must be numeric", op2)
	}
	m.hi, m.hasHi, m.hiOpen = c.lex.num, true, op2 == "<"
	if err := c.end2(tEndArray, "Too many terms in numeric range expression"); err != nil {
		return matcher{}, err
	}
	if m.lo >= m.hi {
		return matcher{}, c.barf("Bottom must be less than top")
	}
	return m, nil
}

func (c *compiler) end2(want token, reason string) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != want {
		return c.barf("%s", reason)
	}
	return nil
}

func (c *compiler) anythingBut() (matcher, error) {
	t, err := c.next()
	if err != nil {
		return matcher{}, err
	}
	inner := "" // "", equals-ignore-case, prefix, suffix, wildcard
	if t == tStartObject {
		if t, err = c.next(); err != nil {
			return matcher{}, err
		}
		if t != tFieldName {
			return matcher{}, c.barf("Anything-But expression name not found")
		}
		inner = c.lex.text
		switch inner {
		case "equals-ignore-case", "prefix", "suffix", "wildcard":
		default:
			return matcher{}, c.barf("Unsupported anything-but pattern: %s", inner)
		}
		if t, err = c.next(); err != nil {
			return matcher{}, err
		}
	}
	if t != tStartArray && t != tString && t != tNumber {
		return matcher{}, c.barf("Value of anything-but must be an array or single string/number value.")
	}
	var m matcher
	if inner == "" {
		m, err = c.butValues(t)
	} else {
		m, err = c.butSet(t, inner)
	}
	if err != nil {
		return matcher{}, err
	}
	if err := c.end("Too many elements in numeric expression"); err != nil {
		return matcher{}, err
	}
	if inner != "" {
		if err := c.end("Too many elements in numeric expression"); err != nil {
			return matcher{}, err
		}
	}
	return m, nil
}

// butValues reads anything-but's plain value or list.
func (c *compiler) butValues(t token) (matcher, error) {
	m := matcher{kind: mButStrings}
	switch t {
	case tString:
		m.strs = []string{c.lex.text}
		return m, nil
	case tNumber:
		m.kind, m.nums = mButNumbers, []float64{c.lex.num}
		return m, nil
	}
	var strs []string
	var nums []float64
	for {
		t, err := c.next()
		if err != nil {
			return matcher{}, err
		}
		if t == tEndArray {
			break
		}
		switch t {
		case tString:
			strs = append(strs, c.lex.text)
		case tNumber:
			nums = append(nums, c.lex.num)
		default:
			return matcher{}, c.barf("Inside anything but list, start|null|boolean is not supported.")
		}
	}
	if (len(strs) > 0) == (len(nums) > 0) {
		return matcher{}, c.barf("Inside anything but list, either all values are number or string, mixed type is not supported")
	}
	if len(nums) > 0 {
		m.kind, m.nums = mButNumbers, nums
	} else {
		m.strs = strs
	}
	return m, nil
}

// butSet reads the value or list of anything-but's inner operator.
func (c *compiler) butSet(t token, inner string) (matcher, error) {
	m := matcher{}
	switch inner {
	case "equals-ignore-case":
		m.kind = mButFold
	case "prefix":
		m.kind = mButPrefix
	case "suffix":
		m.kind = mButSuffix
	case "wildcard":
		m.kind = mButWildcard
	}
	add := func() error {
		v := c.lex.text
		if (inner == "prefix" || inner == "suffix") && v == "" {
			return c.barf("Null prefix/suffix not allowed")
		}
		if inner == "wildcard" {
			w, err := parseWildcard(v)
			if err != nil {
				return c.barf("%s", err.Error())
			}
			m.wc = append(m.wc, w)
		}
		m.strs = append(m.strs, v)
		return nil
	}
	notString := func() error {
		switch inner {
		case "equals-ignore-case":
			return c.barf("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
		case "wildcard":
			return c.barf("wildcard match pattern must be a string")
		}
		return c.barf("prefix/suffix match pattern must be a string")
	}
	if t == tString {
		return m, add()
	}
	if t != tStartArray {
		return matcher{}, notString()
	}
	for {
		t, err := c.next()
		if err != nil {
			return matcher{}, err
		}
		if t == tEndArray {
			return m, nil
		}
		if t != tString {
			return matcher{}, notString()
		}
		if err := add(); err != nil {
			return matcher{}, err
		}
	}
}

// parseCIDR reads a CIDR the way event-ruler does: the range runs from
// the address as written to the top of its block; a mask must leave at
// least one host bit.
func parseCIDR(s string) (lo, hi netip.Addr, reason string) {
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return lo, hi, "Malformed CIDR, one '/' required"
	}
	bits, err := strconv.Atoi(parts[1])
	if err != nil {
		return lo, hi, "Malformed CIDR, mask bits must be an integer"
	}
	if bits < 0 {
		return lo, hi, "Malformed CIDR, mask bits must not be negative"
	}
	ip, err := netip.ParseAddr(parts[0])
	if err != nil || !looksLikeIP(parts[0]) {
		return lo, hi, "Invalid IP address: " + parts[0]
	}
	ip = ip.Unmap()
	if ip.Is4() && bits > 31 {
		return lo, hi, "IPv4 mask bits must be < 32"
	}
	if ip.Is6() && bits > 127 {
		return lo, hi, "IPv6 mask bits must be < 128"
	}
	b := ip.AsSlice()
	host := len(b)*8 - bits
	top := make([]byte, len(b))
	copy(top, b)
	for i := len(top) - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			top[i] = 0xff
		} else {
			top[i] |= byte(1<<host - 1)
		}
		host -= 8
	}
	hi, _ = netip.AddrFromSlice(top)
	return ip, hi, ""
}
