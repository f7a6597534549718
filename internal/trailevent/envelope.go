package trailevent

import (
	"bytes"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// DetailType is the detail-type of the EventBridge event that carries a
// record of the given eventType, as CloudTrail sends them to the default
// event bus ("AWS service events delivered via AWS CloudTrail"). A console
// sign-in is "AWS Console Sign In via CloudTrail" on the wire (the
// EventBridge user guide spells it "Signin"; rules written against real
// events use the spaced form, and so does the simulator).
func DetailType(eventType string) string {
	switch eventType {
	case "AwsConsoleSignIn":
		return "AWS Console Sign In via CloudTrail"
	case "AwsConsoleAction":
		return "AWS Console Action via CloudTrail"
	case "AwsServiceEvent":
		return "AWS Service Event via CloudTrail"
	case "AwsCloudTrailInsight":
		return "AWS Insight via CloudTrail"
	}
	return "AWS API Call via CloudTrail"
}

// Source is the EventBridge source of a record from eventSource:
// "ec2.amazonaws.com" is "aws.ec2".
func Source(eventSource string) string {
	return "aws." + strings.TrimSuffix(eventSource, ".amazonaws.com")
}

// EventBridge returns the EventBridge event that carries the record, as
// CloudTrail puts it on the default event bus, for matching event
// patterns:
//
//	{"version":"0","id":<eventID>,"detail-type":<DetailType>,"source":<Source>,
//	 "account":<recipientAccountId>,"time":<eventTime>,"region":<awsRegion>,
//	 "resources":[],"detail":<the record>}
//
// The id is the record's eventID (EventBridge makes up its own, which a
// pattern has no reason to name). The bytes are built once per record and
// are valid until the Decoder's next Decode.
func (e *Event) EventBridge() []byte {
	e.tree() // the staleness check
	st := e.st
	if len(st.env) > 0 {
		return st.env
	}
	b := append(st.env[:0], `{"version":"0","id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"detail-type":`...)
	b = appendString(b, DetailType(e.EventType))
	b = append(b, `,"source":`...)
	b = appendString(b, Source(e.Source))
	b = append(b, `,"account":`...)
	b = appendString(b, e.Account)
	b = append(b, `,"time":`...)
	b = append(b, '"')
	b = e.Time.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	b = append(b, `,"region":`...)
	b = appendString(b, e.Region)
	b = append(b, `,"resources":[],"detail":`...)
	b = append(b, e.Raw...)
	b = append(b, '}')
	st.env = b
	return b
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}

// ErrNoDetail is returned for an EventBridge event without a detail
// object.
var ErrNoDetail = errors.New("not an EventBridge event: no detail object")

// EventBridgeDetail returns the detail of an EventBridge event (for
// CloudTrail events, the record) as a slice of event, without parsing the
// rest: the watch reads events from a queue fed by EventBridge and decodes
// the detail. It scans only the envelope's top level, so a record too
// damaged to decode is still handed over for Decode to report.
func EventBridgeDetail(event []byte) ([]byte, error) {
	i := skipSpace(event, 0)
	if i >= len(event) || event[i] != '{' {
		return nil, ErrNoDetail
	}
	i++
	for {
		i = skipSpace(event, i)
		if i >= len(event) || event[i] != '"' {
			return nil, ErrNoDetail
		}
		kend := skipString(event, i)
		if kend < 0 {
			return nil, ErrNoDetail
		}
		key := event[i+1 : kend-1]
		i = skipSpace(event, kend)
		if i >= len(event) || event[i] != ':' {
			return nil, ErrNoDetail
		}
		i = skipSpace(event, i+1)
		end := skipValue(event, i)
		if end < 0 {
			return nil, ErrNoDetail
		}
		if string(key) == "detail" {
			if event[i] != '{' {
				return nil, ErrNoDetail
			}
			return event[i:end], nil
		}
		i = skipSpace(event, end)
		if i >= len(event) || event[i] != ',' {
			return nil, ErrNoDetail
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that opens at b[i] (a
// quote); -1 if it does not close.
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		// An escaped quote has an odd run of backslashes before it.
		n := 0
		for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

// skipValue returns the index after the JSON value that starts at b[i]:
// strings and brackets are balanced, scalars run to the next delimiter.
// It does not validate; -1 if the value does not end.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
