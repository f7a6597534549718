package watch

// TEMPORARY COPY. This file stands in for the API of packages trailevent
// and detect (branch detect) until that branch lands, reduced to what the
// watch uses, so that the watch builds and its tests run. At the merge
// delete it and put in its place:
//
//	type Event = trailevent.Event
//	type Decoder = trailevent.Decoder
//	type Rule = detect.Rule
//	type RuleSet = detect.Set
//
// with Rules (below) built from detect.Builtin, detect.Load and With,
// and readLog from trailevent's log-file reader (records' raw bytes with
// file/offset errors, going on after a bad record).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// Event is one CloudTrail record, decoded as far as rules need.
type Event struct {
	ID, Name, Source string
	Time             time.Time
	Region, Account  string
	ErrorCode        string
	IdentityType     string
	IdentityARN      string
	SourceIP         string
	ReadOnly         bool
	Raw              []byte
}

// Decoder decodes records (one per goroutine).
type Decoder struct{}

type tmpRecord struct {
	EventID      string    `json:"eventID"`
	EventName    string    `json:"eventName"`
	EventSource  string    `json:"eventSource"`
	EventTime    time.Time `json:"eventTime"`
	AWSRegion    string    `json:"awsRegion"`
	Recipient    string    `json:"recipientAccountId"`
	ErrorCode    string    `json:"errorCode"`
	SourceIP     string    `json:"sourceIPAddress"`
	ReadOnly     any       `json:"readOnly"`
	UserIdentity struct {
		Type      string `json:"type"`
		ARN       string `json:"arn"`
		AccountID string `json:"accountId"`
	} `json:"userIdentity"`
}

// Decode decodes raw; a record that is not JSON or misses a field the
// rules need is an error.
func (d *Decoder) Decode(raw []byte) (*Event, error) {
	var r tmpRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	acct := r.Recipient
	if acct == "" {
		acct = r.UserIdentity.AccountID
	}
	for _, f := range []struct{ name, v string }{{"eventID", r.EventID}, {"eventName", r.EventName}, {"eventSource", r.EventSource},
		{"awsRegion", r.AWSRegion}, {"recipientAccountId", acct}} {
		if f.v == "" {
			return nil, fmt.Errorf("missing field %s", f.name)
		}
	}
	if r.EventTime.IsZero() {
		return nil, errors.New("missing field eventTime")
	}
	ro := false
	switch v := r.ReadOnly.(type) {
	case bool:
		ro = v
	case string:
		ro = v == "true"
	}
	return &Event{ID: r.EventID, Name: r.EventName, Source: r.EventSource, Time: r.EventTime.UTC(), Region: r.AWSRegion, Account: acct,
		ErrorCode: r.ErrorCode, IdentityType: r.UserIdentity.Type, IdentityARN: r.UserIdentity.ARN, SourceIP: r.SourceIP, ReadOnly: ro, Raw: raw}, nil
}

// Rule is a detection rule.
type Rule struct {
	ID, Title string
	Severity  control.Severity
	Controls  []string
	Source    string
	match     func(ev *Event) bool
}

// RuleSet is a set of rules.
type RuleSet struct{ rules []*Rule }

// Rules returns the rules.
func (s *RuleSet) Rules() []*Rule { return append([]*Rule(nil), s.rules...) }

// Match appends the rules ev matches to out.
func (s *RuleSet) Match(ev *Event, out []*Rule) []*Rule {
	for _, r := range s.rules {
		if r.match(ev) {
			out = append(out, r)
		}
	}
	return out
}

// Rules returns the built-in rules, with the user's rules of file (none
// when file is "") added.
func Rules(file string, cat *control.Catalog) (*RuleSet, error) {
	if file != "" {
		return nil, fmt.Errorf("%s: user rules need package detect (not merged yet)", file)
	}
	name := func(src string, names ...string) func(*Event) bool {
		return func(ev *Event) bool {
			if ev.Source != src || ev.ErrorCode != "" {
				return false
			}
			for _, n := range names {
				if ev.Name == n {
					return true
				}
			}
			return false
		}
	}
	return &RuleSet{rules: []*Rule{
		{ID: "root-console-signin", Title: "Root user signed in to the console", Severity: control.Critical, Controls: []string{"GR.IAM.1"}, Source: "builtin",
			match: func(ev *Event) bool { return ev.Name == "ConsoleLogin" && ev.IdentityType == "Root" }},
		{ID: "console-signin-without-mfa", Title: "Console sign-in without MFA", Severity: control.High, Source: "builtin",
			match: func(ev *Event) bool {
				return ev.Name == "ConsoleLogin" && bytes.Contains(ev.Raw, []byte(`"MFAUsed":"No"`))
			}},
		{ID: "cloudtrail-changed", Title: "CloudTrail stopped, deleted or changed", Severity: control.High,
			Controls: []string{"CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5"}, Source: "builtin",
			match: name("cloudtrail.amazonaws.com", "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors")},
		{ID: "security-group-changed", Title: "Security group changed", Severity: control.Medium,
			Controls: []string{"EC2.2", "EC2.18", "EC2.19", "EC2.53", "EC2.54"}, Source: "builtin",
			match: name("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
				"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup", "ModifySecurityGroupRules")},
		{ID: "bucket-policy-changed", Title: "S3 bucket policy or ACL changed", Severity: control.Medium,
			Controls: []string{"S3.2", "S3.3", "S3.5", "S3.6", "S3.8", "S3.12"}, Source: "builtin",
			match: name("s3.amazonaws.com", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock")},
		{ID: "instance-started-or-stopped", Title: "EC2 instances started or stopped", Severity: control.Low, Source: "builtin",
			match: name("ec2.amazonaws.com", "RunInstances", "StartInstances", "StopInstances", "TerminateInstances")},
	}}, nil
}

// readLog reads the records of one CloudTrail log file (gunzipped
// already): {"Records": [...]}, a JSON array of records, or one record
// per line. It calls yield with each record and its byte offset, and bad
// with what is malformed (its offset and why), going on after a bad
// record; it stops only where nothing more can be read.
func readLog(data []byte, yield func(raw []byte, off int64), bad func(off int64, kind, msg string)) {
	i := skipSpace(data, 0)
	if i >= len(data) {
		return
	}
	switch data[i] {
	case '{':
		// {"Records": [ ... ]} or one record per line.
		j := skipSpace(data, i+1)
		if !bytes.HasPrefix(data[j:], []byte(`"Records"`)) {
			readLines(data, yield, bad)
			return
		}
		k := skipSpace(data, j+len(`"Records"`))
		if k >= len(data) || data[k] != ':' {
			bad(int64(k), "invalid JSON", `want ':' after "Records"`)
			return
		}
		k = skipSpace(data, k+1)
		if k >= len(data) || data[k] != '[' {
			bad(int64(k), "invalid JSON", `"Records" is not an array`)
			return
		}
		readArray(data, k, yield, bad)
	case '[':
		readArray(data, i, yield, bad)
	default:
		bad(int64(i), "invalid JSON", fmt.Sprintf("a log file starts with %q, not { or [", data[i]))
	}
}

func readLines(data []byte, yield func([]byte, int64), bad func(int64, string, string)) {
	off := 0
	for off < len(data) {
		end := bytes.IndexByte(data[off:], '\n')
		line := data[off:]
		if end >= 0 {
			line = data[off : off+end]
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if json.Valid(t) {
				yield(t, int64(off))
			} else {
				bad(int64(off), "invalid JSON", "a line is not a JSON record")
			}
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
}

// readArray reads the elements of the array opening at data[i].
func readArray(data []byte, i int, yield func([]byte, int64), bad func(int64, string, string)) {
	i = skipSpace(data, i+1)
	for i < len(data) {
		switch data[i] {
		case ']':
			return
		case ',':
			i = skipSpace(data, i+1)
			continue
		}
		end, ok := element(data, i)
		if !ok {
			bad(int64(i), "invalid JSON", "a record is cut short: the file ends inside it")
			return
		}
		raw := data[i:end]
		if json.Valid(raw) {
			yield(raw, int64(i))
		} else {
			bad(int64(i), "invalid JSON", "a record is not valid JSON")
		}
		i = skipSpace(data, end)
	}
	bad(int64(len(data)), "invalid JSON", "the records array is not closed")
}

// element returns the end of the JSON value at data[i] by its brackets
// and strings, without validating it.
func element(data []byte, i int) (int, bool) {
	depth, inStr := 0, false
	for j := i; j < len(data); j++ {
		c := data[j]
		if inStr {
			switch c {
			case '\\':
				j++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, true
			}
			if depth < 0 {
				return j, true
			}
		case ',':
			if depth == 0 {
				return j, true
			}
		}
	}
	return len(data), false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}
