package trailevent

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/guardrail-sec/guardrail/internal/filterpattern"
)

// Event is one decoded CloudTrail record.
//
// Its string fields and Time stay valid for good (they are copied out of
// the record). Everything else belongs to the Decoder that returned it
// and is valid until that Decoder's next Decode: the Event itself (the
// Decoder reuses it), Raw (the caller's slice), the values Get returns and
// the bytes EventBridge returns. Clone returns an Event that is
// independent of the Decoder.
type Event struct {
	// Raw is the record as given to Decode.
	Raw []byte

	// ID is eventID.
	ID string
	// Name is eventName ("AuthorizeSecurityGroupIngress").
	Name string
	// Source is eventSource ("ec2.amazonaws.com").
	Source string
	// EventType is eventType: "AwsApiCall", "AwsConsoleSignIn",
	// "AwsServiceEvent", ...
	EventType string
	// Time is eventTime.
	Time time.Time
	// Region is awsRegion.
	Region string
	// Account is recipientAccountId, the account the event is about (or
	// userIdentity.accountId in a record without it).
	Account string
	// ErrorCode is empty when the call succeeded.
	ErrorCode string
	// SourceIP is sourceIPAddress (an address, or a service's name).
	SourceIP string
	// IdentityType and IdentityARN are userIdentity.type ("Root",
	// "IAMUser", "AssumedRole", "AWSService", ...) and userIdentity.arn.
	IdentityType string
	IdentityARN  string
	// ReadOnly is readOnly; false when the record does not say (console
	// sign-ins).
	ReadOnly bool

	root *fastjson.Value // parsed lazily for a clone
	st   *state          // the Decoder's, or a clone's own
	gen  uint64          // st.gen when the Event was decoded
	// seen and str have bit i set when the record has field i (fEventID,
	// ...) and when it is a string: Get answers for those without
	// walking the record.
	seen, str uint16
}

// state is what an Event's values live in: a parser and scratch space.
type state struct {
	p   fastjson.Parser
	gen uint64
	// scratch holds the text of the numbers Get returned; env the
	// EventBridge envelope.
	scratch []byte
	env     []byte
	clone   bool // a clone's: nothing resets it
}

// Decoder decodes records. It reuses its parser and its Event from one
// record to the next: use one per goroutine.
type Decoder struct {
	st state
	ev Event
}

// Decode parses one record: a JSON object with at least a string
// eventID, eventTime (RFC 3339) and eventName. The returned Event is the
// Decoder's, valid until the next Decode.
func (d *Decoder) Decode(rec []byte) (*Event, error) {
	st := &d.st
	st.gen++
	st.scratch, st.env = st.scratch[:0], st.env[:0]
	v, err := st.p.ParseBytes(rec)
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, errors.New("not a JSON object")
	}
	// The fields, as slices into the parser's copy of rec, in one pass
	// over the record's keys.
	var f [nFields][]byte
	size := 0
	var id, ro *fastjson.Value
	var bad string
	var seen, str uint16
	o.Visit(func(key []byte, x *fastjson.Value) {
		i := field(key)
		switch i {
		case -1:
			return
		case fIdentity:
			if id == nil {
				id = x
			}
			return
		case fReadOnly:
			if ro == nil {
				ro = x
			}
			return
		}
		bit := uint16(1) << i
		if seen&bit != 0 {
			return // a repeated key counts once, as fastjson's Get reads it
		}
		seen |= bit
		if x.Type() == fastjson.TypeNull {
			return
		}
		b, err := x.StringBytes()
		if err != nil {
			if i < len(required) && bad == "" {
				bad = required[i]
			}
			return
		}
		str |= bit
		f[i] = b
		size += len(b)
	})
	if bad != "" {
		return nil, fmt.Errorf("%s is not a string", bad)
	}
	if id != nil && id.Type() == fastjson.TypeObject {
		io, _ := id.Object()
		for i, name := range [...]string{"type", "arn", "accountId"} {
			if i == 2 && f[fRecipient] != nil {
				break
			}
			x := io.Get(name)
			if x == nil {
				continue
			}
			fi := [...]int{fUserType, fUserARN, fRecipient}[i]
			if i < 2 {
				seen |= 1 << fi
			}
			if x.Type() == fastjson.TypeString {
				b, _ := x.StringBytes()
				f[fi] = b
				size += len(b)
				if i < 2 {
					str |= 1 << fi
				}
			}
		}
	}
	for i := range required {
		if len(f[i]) == 0 {
			return nil, fmt.Errorf("no %s", required[i])
		}
	}
	t, err := parseTime(f[fEventTime])
	if err != nil {
		return nil, fmt.Errorf("eventTime %q: not an RFC 3339 time", f[fEventTime])
	}

	// One block holds every field, so that they outlive the parser.
	arena := make([]byte, 0, size)
	var s [nFields]string
	for i, b := range f {
		start := len(arena)
		arena = append(arena, b...)
		s[i] = unsafe.String(unsafe.SliceData(arena[start:]), len(b))
	}
	readOnly := false
	if ro != nil {
		switch ro.Type() {
		case fastjson.TypeTrue:
			readOnly = true
		case fastjson.TypeString:
			readOnly = string(ro.GetStringBytes()) == "true"
		}
	}
	d.ev = Event{
		Raw: rec,
		ID:  s[fEventID], Name: s[fEventName], Source: s[fEventSource], EventType: s[fEventType],
		Time: t, Region: s[fAWSRegion], Account: s[fRecipient], ErrorCode: s[fErrorCode],
		SourceIP: s[fSourceIP], IdentityType: s[fUserType], IdentityARN: s[fUserARN], ReadOnly: readOnly,
		root: v, st: st, gen: st.gen, seen: seen, str: str,
	}
	return &d.ev, nil
}

// The fields an Event copies; the required ones first.
const (
	// A record without one of these is malformed: the watch could not
	// de-duplicate it, order it or say what happened.
	fEventID = iota
	fEventTime
	fEventName
	fEventSource
	fEventType
	fAWSRegion
	fRecipient
	fErrorCode
	fSourceIP
	fUserType // userIdentity.type, not a top-level field
	fUserARN
	nFields

	fIdentity = -2 // userIdentity
	fReadOnly = -3 // readOnly
)

var required = [...]string{"eventID", "eventTime", "eventName"}

// field returns which field key is, or -1.
func field(key []byte) int {
	switch string(key) {
	case "eventID":
		return fEventID
	case "eventTime":
		return fEventTime
	case "eventName":
		return fEventName
	case "eventSource":
		return fEventSource
	case "eventType":
		return fEventType
	case "awsRegion":
		return fAWSRegion
	case "recipientAccountId":
		return fRecipient
	case "errorCode":
		return fErrorCode
	case "sourceIPAddress":
		return fSourceIP
	case "userIdentity":
		return fIdentity
	case "readOnly":
		return fReadOnly
	}
	return -1
}

// fast returns the field a selector reads, if Decode has it; -1
// otherwise.
func fast(path string) int {
	switch path {
	case "$.eventName":
		return fEventName
	case "$.eventSource":
		return fEventSource
	case "$.errorCode":
		return fErrorCode
	case "$.userIdentity.type":
		return fUserType
	case "$.sourceIPAddress":
		return fSourceIP
	case "$.eventType":
		return fEventType
	case "$.awsRegion":
		return fAWSRegion
	case "$.recipientAccountId":
		return fRecipient
	case "$.eventID":
		return fEventID
	case "$.userIdentity.arn":
		return fUserARN
	}
	return -1
}

// text returns field i as decoded (eventTime as written).
func (e *Event) text(i int) string {
	switch i {
	case fEventID:
		return e.ID
	case fEventName:
		return e.Name
	case fEventSource:
		return e.Source
	case fEventType:
		return e.EventType
	case fAWSRegion:
		return e.Region
	case fRecipient:
		return e.Account
	case fErrorCode:
		return e.ErrorCode
	case fSourceIP:
		return e.SourceIP
	case fUserType:
		return e.IdentityType
	case fUserARN:
		return e.IdentityARN
	}
	return ""
}

// parseTime reads eventTime: "2026-06-01T10:00:00Z" as CloudTrail writes
// it without allocating, any other RFC 3339 time with time.Parse.
func parseTime(b []byte) (time.Time, error) {
	if len(b) == 20 && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':' && b[16] == ':' && b[19] == 'Z' {
		var v [6]int // year, month, day, hour, minute, second
		ok := true
		for k, span := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
			for _, c := range b[span[0]:span[1]] {
				ok = ok && c >= '0' && c <= '9'
				v[k] = v[k]*10 + int(c-'0')
			}
		}
		if ok && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= 31 && v[3] < 24 && v[4] < 60 && v[5] < 60 {
			t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
			if t.Day() == v[2] { // not February 30
				return t, nil
			}
		}
	}
	return time.Parse(time.RFC3339Nano, string(b))
}

// Get returns the value at path, in the selector syntax of CloudWatch
// Logs filter patterns ("$.eventName", "$.userIdentity.type",
// "$.resources[0].ARN", "$.a[0][1]"), and whether the record has it. A
// string or number's Text is valid until the Decoder's next Decode. Get
// suits filterpattern's Match: p.Match(ev.Get).
func (e *Event) Get(path string) (filterpattern.Value, bool) {
	if i := fast(path); i >= 0 {
		e.tree() // the staleness check
		switch bit := uint16(1) << i; {
		case e.seen&bit == 0:
			return filterpattern.Value{}, false
		case e.str&bit != 0:
			return filterpattern.Value{Kind: filterpattern.String, Text: e.text(i)}, true
		}
	}
	v := e.lookup(path)
	if v == nil {
		return filterpattern.Value{}, false
	}
	return e.value(v), true
}

// value converts a parsed value for a filter pattern.
func (e *Event) value(v *fastjson.Value) filterpattern.Value {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return filterpattern.Value{Kind: filterpattern.String, Text: unsafe.String(unsafe.SliceData(b), len(b))}
	case fastjson.TypeNumber:
		f, _ := v.Float64()
		st := e.st
		if st.clone {
			return filterpattern.Value{Kind: filterpattern.Number, Num: f, Text: string(v.MarshalTo(nil))}
		}
		start := len(st.scratch)
		st.scratch = v.MarshalTo(st.scratch)
		text := st.scratch[start:]
		return filterpattern.Value{Kind: filterpattern.Number, Num: f, Text: unsafe.String(unsafe.SliceData(text), len(text))}
	case fastjson.TypeTrue:
		return filterpattern.Value{Kind: filterpattern.Bool, Bool: true}
	case fastjson.TypeFalse:
		return filterpattern.Value{Kind: filterpattern.Bool}
	case fastjson.TypeObject:
		return filterpattern.Value{Kind: filterpattern.Object}
	case fastjson.TypeArray:
		return filterpattern.Value{Kind: filterpattern.Array}
	}
	return filterpattern.Value{Kind: filterpattern.Null}
}

// lookup walks path from the record's root; nil if the record has no
// value there, or if path is not a selector.
func (e *Event) lookup(path string) *fastjson.Value {
	rest, ok := cutDollar(path)
	if !ok {
		return nil
	}
	v := e.tree()
	for v != nil && rest != "" {
		v, rest = step(v, rest)
	}
	return v
}

// step follows the first segment of a selector (".name" or "[N]") from
// v; nil if v has nothing there.
func step(v *fastjson.Value, rest string) (*fastjson.Value, string) {
	switch rest[0] {
	case '.':
		end := 1
		for end < len(rest) && rest[end] != '.' && rest[end] != '[' {
			end++
		}
		if v.Type() != fastjson.TypeObject {
			return nil, ""
		}
		o, _ := v.Object()
		return o.Get(rest[1:end]), rest[end:]
	case '[':
		i, n := 1, 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && n < 1<<24 {
			n = n*10 + int(rest[i]-'0')
			i++
		}
		if i == 1 || i >= len(rest) || rest[i] != ']' || v.Type() != fastjson.TypeArray {
			return nil, ""
		}
		a, _ := v.Array()
		if n >= len(a) {
			return nil, ""
		}
		return a[n], rest[i+1:]
	}
	return nil, ""
}

func cutDollar(path string) (string, bool) {
	if path == "" || path[0] != '$' {
		return "", false
	}
	return path[1:], true
}

// tree returns the parsed record. It panics when an Event of a Decoder
// is used after that Decoder's next Decode: it would read another record.
func (e *Event) tree() *fastjson.Value {
	if e.st == nil {
		return nil
	}
	if e.gen != e.st.gen {
		panic("trailevent: Event used after its Decoder's next Decode (Clone it to keep it)")
	}
	if e.root == nil {
		e.root, _ = e.st.p.ParseBytes(e.Raw) // a clone, parsed on first use
	}
	return e.root
}

// Any reports whether some value at path satisfies ok. path is a
// selector in which [*] stands for every element of an array
// ("$.requestParameters.ipPermissions.items[*].ipRanges.items[*].cidrIp").
// It is for built-in rules that look into lists; filter patterns do not
// have [*].
func (e *Event) Any(path string, ok func(filterpattern.Value) bool) bool {
	rest, isSel := cutDollar(path)
	if !isSel {
		return false
	}
	return e.any(e.tree(), rest, ok)
}

func (e *Event) any(v *fastjson.Value, rest string, ok func(filterpattern.Value) bool) bool {
	for v != nil && rest != "" {
		if len(rest) >= 3 && rest[:3] == "[*]" {
			a, err := v.Array()
			if err != nil {
				return false
			}
			for _, x := range a {
				if e.any(x, rest[3:], ok) {
					return true
				}
			}
			return false
		}
		v, rest = step(v, rest)
	}
	return v != nil && ok(e.value(v))
}

// Clone returns a copy of e that does not depend on its Decoder: it keeps
// a copy of Raw, and parses it again if Get, Any or EventBridge is called.
func (e *Event) Clone() *Event {
	c := *e
	c.Raw = append([]byte(nil), e.Raw...)
	c.root, c.st, c.gen = nil, &state{clone: true}, 0
	return &c
}
