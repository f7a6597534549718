package detect

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
)

func cat(t *testing.T) *control.Catalog {
	t.Helper()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const userRules = `# Detection rules of the platform team.
rules:
  - id: trail-deleted
    title: A CloudTrail trail was deleted
    severity: high
    controls: [CloudTrail.1, CloudWatch.5]
    description: |
      Nobody deletes trails here.
    filter_pattern: '{ $.eventName = "DeleteTrail" }'
  - id: big-instances
    title: Large instances launched
    severity: medium
    controls: GR.EC2.1
    filter_pattern: >-
      { $.eventName = RunInstances &&
        ($.requestParameters.instanceType = "*.metal" || $.requestParameters.instanceType = "p5.*") }
  - id: kms-any
    title: KMS write from outside the VPC
    severity: LOW
    filter_pattern: '{ $.eventSource = kms.amazonaws.com && $.readOnly IS FALSE && $.vpcEndpointId NOT EXISTS }'
`

func TestParse(t *testing.T) {
	set, err := Parse("rules.yaml", []byte(userRules), cat(t))
	if err != nil {
		t.Fatal(err)
	}
	got := set.Rules()
	if len(got) != 3 || set.Len() != 3 {
		t.Fatalf("%d rules", len(got))
	}
	want := []struct {
		id, title, source, syntax string
		sev                       control.Severity
		controls, names, srcs     []string
	}{
		{"trail-deleted", "A CloudTrail trail was deleted", "rules.yaml:3", "filter_pattern", control.High, []string{"CloudTrail.1", "CloudWatch.5"}, []string{"DeleteTrail"}, nil},
		{"big-instances", "Large instances launched", "rules.yaml:10", "filter_pattern", control.Medium, []string{"GR.EC2.1"}, []string{"RunInstances"}, nil},
		{"kms-any", "KMS write from outside the VPC", "rules.yaml:17", "filter_pattern", control.Low, nil, nil, []string{"kms.amazonaws.com"}},
	}
	for i, w := range want {
		r := got[i]
		if r.ID != w.id || r.Title != w.title || r.Source != w.source || r.Syntax != w.syntax || r.Severity != w.sev ||
			!reflect.DeepEqual(r.Controls, w.controls) || !reflect.DeepEqual(r.names, w.names) || !reflect.DeepEqual(r.srcs, w.srcs) {
			t.Errorf("rule %d = %+v", i, r)
		}
	}
	if got[0].Description != "Nobody deletes trails here.\n" {
		t.Errorf("description %q", got[0].Description)
	}

	var d trailevent.Decoder
	for _, tc := range []struct {
		rec  []byte
		want []string
	}{
		{record("cloudtrail", "DeleteTrail", nil), []string{"trail-deleted"}},
		{record("ec2", "RunInstances", map[string]any{"requestParameters": map[string]any{"instanceType": "m7i.metal"}}), []string{"big-instances"}},
		{record("ec2", "RunInstances", map[string]any{"requestParameters": map[string]any{"instanceType": "t3.micro"}}), nil},
		{record("kms", "ScheduleKeyDeletion", nil), []string{"kms-any"}},
		{record("kms", "ScheduleKeyDeletion", map[string]any{"vpcEndpointId": "vpce-1"}), nil},
		{record("kms", "Decrypt", map[string]any{"readOnly": true}), nil},
	} {
		ev, err := d.Decode(tc.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(set.Match(ev, nil)); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: %v, want %v", ev.Name, got, tc.want)
		}
	}

	// With the built-in rules: theirs first, then the user's.
	all := Builtin().With(set)
	if all.Len() != Builtin().Len()+3 || all.Rules()[all.Len()-3].ID != "trail-deleted" || all.Rule("trail-deleted") == nil || all.Rule("nope") != nil {
		t.Errorf("With: %d rules", all.Len())
	}
	ev, _ := d.Decode(record("cloudtrail", "DeleteTrail", nil))
	if got := ids(all.Match(ev, nil)); strings.Join(got, " ") != "CIS.4.5 GR.CloudTrailStopped trail-deleted" {
		t.Errorf("built-in and user rules match %v", got)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(userRules), 0o600); err != nil {
		t.Fatal(err)
	}
	set, err := Load(path, cat(t))
	if err != nil || set.Len() != 3 || set.Rules()[0].Source != path+":3" {
		t.Errorf("Load = %v, %v", set, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml"), cat(t)); err == nil || !strings.Contains(err.Error(), "read detection rules") {
		t.Errorf("Load of a missing file = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	rule := func(body string) string {
		return "rules:\n  - id: r1\n    title: T\n    severity: high\n" + body
	}
	for _, tc := range []struct {
		name, in string
		want     []string // each error, in order
	}{
		{"empty file", ``, []string{"rules.yaml:1:1: rules: required: a list of detection rules"}},
		{"no rules key", "other: 1\n", []string{`rules.yaml:1:1: unknown field "other" (want rules)`, "rules.yaml:1:1: rules: required"}},
		{"rules not a list", "rules: {}\n", []string{"rules.yaml:1:8: rules: want a list of rules"}},
		{"not YAML", "rules: [\n", []string{"rules.yaml:1:8: not valid YAML"}},
		{"two documents", "rules: []\n---\nrules: []\n", []string{"rules.yaml:2:1: more than one YAML document"}},
		{"rule not a mapping", "rules:\n  - hello\n", []string{"rules.yaml:2:5: rules[0]: want a mapping of id, title"}},
		{"neither pattern", rule(""), []string{"rules.yaml:2:5: rules[0]: a rule needs a pattern: filter_pattern (CloudWatch Logs syntax) or event_pattern (EventBridge syntax)"}},
		{"both patterns", rule("    filter_pattern: '{ $.a = 1 }'\n    event_pattern: {source: [aws.ec2]}\n"),
			[]string{"rules.yaml:6:20: rules[0]: give filter_pattern or event_pattern, not both"}},
		{"missing fields", "rules:\n  - filter_pattern: '{ $.a = 1 }'\n", []string{
			"rules.yaml:2:5: rules[0].id: required", "rules.yaml:2:5: rules[0].title: required", "rules.yaml:2:5: rules[0].severity: required"}},
		{"unknown field", rule("    filter_pattern: '{ $.a = 1 }'\n    sevrity: low\n"),
			[]string{`rules.yaml:6:5: rules[0]: unknown field "sevrity" (want id, title, severity, controls, description, filter_pattern, event_pattern)`}},
		{"field twice", rule("    filter_pattern: '{ $.a = 1 }'\n    title: again\n"), []string{"rules.yaml:6:5: rules[0].title: given twice (first on line 3)"}},
		{"bad severity", "rules:\n  - id: r1\n    title: T\n    severity: urgent\n    filter_pattern: '{ $.a = 1 }'\n",
			[]string{`rules.yaml:4:15: rules[0].severity: "urgent" is not a severity (want informational, low, medium, high, critical)`}},
		{"bad id", "rules:\n  - id: 'my rule'\n    title: T\n    severity: low\n    filter_pattern: '{ $.a = 1 }'\n",
			[]string{`rules.yaml:2:9: rules[0].id: "my rule" is not a rule id (want up to 64 letters, digits, ., _ and -)`}},
		{"reserved id", "rules:\n  - id: GR.Mine\n    title: T\n    severity: low\n    filter_pattern: '{ $.a = 1 }'\n",
			[]string{`rules.yaml:2:9: rules[0].id: "GR.Mine": ids starting with CIS. or GR. are the built-in rules'`}},
		{"duplicate id", rule("    filter_pattern: '{ $.a = 1 }'\n") + "  - id: r1\n    title: U\n    severity: low\n    filter_pattern: '{ $.b = 1 }'\n",
			[]string{`rules.yaml:6:9: rules[1].id: "r1" is already the id of rules[0] (line 2)`}},
		{"unknown control", rule("    controls: [EC2.2, EC2.999]\n    filter_pattern: '{ $.a = 1 }'\n"),
			[]string{`rules.yaml:5:23: rules[0].controls[1]: no control "EC2.999" (see 'guardrail controls list')`}},
		{"empty title", "rules:\n  - id: r1\n    title: ''\n    severity: low\n    filter_pattern: '{ $.a = 1 }'\n", []string{"rules.yaml:3:12: rules[0].title: empty"}},

		// Filter patterns: the fault is at its place in the pattern.
		{"filter syntax, single quotes", rule("    filter_pattern: '{ $.eventName = }'\n"),
			[]string{"rules.yaml:5:38: rules[0].filter_pattern: not a valid filter pattern: want a value"}},
		{"filter syntax, plain", rule("    filter_pattern: { $.a = 1 &&\n"), []string{"rules.yaml:5:21: not valid YAML"}},
		{"filter syntax, double quotes", rule(`    filter_pattern: "{ $.a = \"x\" && ($.b = 1 }"` + "\n"),
			[]string{"rules.yaml:5:48: rules[0].filter_pattern: not a valid filter pattern: want )"}},
		{"filter syntax, block", rule("    filter_pattern: >-\n      { $.a = 1 &&\n        $.b }\n"),
			[]string{"rules.yaml:5:21: rules[0].filter_pattern: not a valid filter pattern: want a comparison after $.b"}},
		{"not JSON syntax", rule("    filter_pattern: ERROR\n"),
			[]string{"rules.yaml:5:21: rules[0].filter_pattern: not a JSON filter pattern: only the JSON syntax ({ $.eventName = DeleteTrail }) applies to CloudTrail records"}},
		{"selector wildcard", rule("    filter_pattern: '{ $.resources[*].ARN = x }'\n"),
			[]string{"rules.yaml:5:21: rules[0].filter_pattern: selector $.resources[*].ARN: [*] is not in CloudWatch Logs' documented syntax (index an element: [0])"}},
		{"empty pattern", rule("    filter_pattern: ''\n"), []string{"rules.yaml:5:21: rules[0].filter_pattern: empty"}},

		// Event patterns.
		{"event pattern not a mapping", rule("    event_pattern: [aws.ec2]\n"),
			[]string{"rules.yaml:5:20: rules[0].event_pattern: want an EventBridge event pattern: a mapping ({source: [aws.cloudtrail], detail: {eventName: [DeleteTrail]}}), or its JSON text"}},

		// Every problem, in file order.
		{"several", "rules:\n  - id: a\n    title: T\n    severity: hot\n    filter_pattern: '{ $.a = }'\n  - id: b\n    title: U\n    severity: low\n    controls: X.1\n    filter_pattern: '{ $.b = 1 }'\n",
			[]string{`rules.yaml:4:15: rules[0].severity: "hot" is not a severity`, "rules.yaml:5:30: rules[0].filter_pattern: not a valid filter pattern: want a value",
				`rules.yaml:9:15: rules[1].controls: no control "X.1"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("rules.yaml", []byte(tc.in), cat(t))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var got []string
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					got = append(got, e.Error())
				}
			} else {
				got = []string{err.Error()}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				var e *Error
				if !errors.As(joinedAt(err, i), &e) {
					t.Errorf("error %d is not an *Error: %v", i, got[i])
				}
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("error %d:\n%s\nwant:\n%s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// joinedAt returns the i-th error of a joined error.
func joinedAt(err error, i int) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()[i]
	}
	return err
}

// fakeEventPattern stands in for internal/eventpattern in these tests:
// exact values only ({"source": ["aws.ec2"], "detail": {"eventName":
// [...]}}).
type fakeEventPattern struct{ pat map[string]any }

func compileFake(src []byte) (eventPattern, error) {
	var p map[string]any
	if err := json.Unmarshal(src, &p); err != nil {
		return nil, &patternError{line: 1, col: 1, msg: "Unexpected character"}
	}
	return fakeEventPattern{p}, nil
}

func (f fakeEventPattern) Match(event []byte) bool {
	var ev map[string]any
	if json.Unmarshal(event, &ev) != nil {
		return false
	}
	var match func(p, e map[string]any) bool
	match = func(p, e map[string]any) bool {
		for k, want := range p {
			switch w := want.(type) {
			case map[string]any:
				sub, ok := e[k].(map[string]any)
				if !ok || !match(w, sub) {
					return false
				}
			case []any:
				found := false
				for _, v := range w {
					if reflect.DeepEqual(v, e[k]) {
						found = true
					}
				}
				if !found {
					return false
				}
			}
		}
		return true
	}
	return match(f.pat, ev)
}

// TestEventPatternRules: event_pattern rules match the EventBridge event
// of the record, are indexed by the names or sources they list, and are
// refused with their position when invalid.
func TestEventPatternRules(t *testing.T) {
	defer func(c func([]byte) (eventPattern, error)) { compileEventPattern = c }(compileEventPattern)
	compileEventPattern = compileFake

	in := `rules:
  - id: eb-trail
    title: Trail deleted (EventBridge)
    severity: high
    event_pattern:
      source: [aws.cloudtrail]
      detail-type: [AWS API Call via CloudTrail]
      detail:
        eventName: [DeleteTrail, StopLogging]
  - id: eb-signin
    title: Console sign-in (EventBridge)
    severity: informational
    event_pattern: '{"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"]}'
  - id: eb-region
    title: Anything in ap-east-1
    severity: low
    event_pattern: {region: [ap-east-1], detail: {readOnly: [false], managementEvent: [true]}}
`
	set, err := Parse("eb.yaml", []byte(in), cat(t))
	if err != nil {
		t.Fatal(err)
	}
	rs := set.Rules()
	if !reflect.DeepEqual(rs[0].names, []string{"DeleteTrail", "StopLogging"}) || !reflect.DeepEqual(rs[1].srcs, []string{"signin.amazonaws.com", "signin"}) ||
		rs[2].names != nil || rs[2].srcs != nil {
		t.Errorf("index: %v %v / %v / %v %v", rs[0].names, rs[0].srcs, rs[1].srcs, rs[2].names, rs[2].srcs)
	}
	if rs[0].Pattern != `{"source":["aws.cloudtrail"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["DeleteTrail","StopLogging"]}}` ||
		rs[2].Pattern != `{"region":["ap-east-1"],"detail":{"readOnly":[false],"managementEvent":[true]}}` {
		t.Errorf("patterns %s / %s", rs[0].Pattern, rs[2].Pattern)
	}
	var d trailevent.Decoder
	for _, tc := range []struct {
		rec  []byte
		want []string
	}{
		{record("cloudtrail", "DeleteTrail", nil), []string{"eb-trail"}},
		{record("cloudtrail", "StopLogging", map[string]any{"awsRegion": "ap-east-1"}), []string{"eb-trail", "eb-region"}},
		{record("cloudtrail", "StopLogging", map[string]any{"eventType": "AwsServiceEvent"}), nil},
		{login(iamUser, "Success", "Yes", nil), []string{"eb-signin"}},
		{record("ec2", "RunInstances", map[string]any{"awsRegion": "ap-east-1"}), []string{"eb-region"}},
		{record("ec2", "DescribeInstances", map[string]any{"awsRegion": "ap-east-1", "readOnly": true}), nil},
	} {
		ev, err := d.Decode(tc.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(set.Match(ev, nil)); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s in %s: %v, want %v", ev.Name, ev.Region, got, tc.want)
		}
	}

	_, err = Parse("eb.yaml", []byte("rules:\n  - id: r\n    title: T\n    severity: low\n    event_pattern: '{\"source\": [aws.ec2]}'\n"), cat(t))
	if err == nil || err.Error() != "eb.yaml:5:20: rules[0].event_pattern: not a valid event pattern: line 1, column 1 of the pattern: Unexpected character" {
		t.Errorf("invalid pattern: %v", err)
	}
}

// TestEventPatternEngine: event_pattern rules run on the EventBridge
// engine (internal/eventpattern), with its operators, and its errors
// point at the pattern.
func TestEventPatternEngine(t *testing.T) {
	in := `rules:
  - id: sg-open
    title: Ingress from anywhere
    severity: high
    controls: [EC2.19]
    event_pattern:
      source: [aws.ec2]
      detail-type: [AWS API Call via CloudTrail]
      detail:
        eventName: [{prefix: AuthorizeSecurityGroup}]
        requestParameters:
          ipPermissions:
            items:
              ipRanges:
                items:
                  cidrIp: [0.0.0.0/0]
        errorCode: [{exists: false}]
  - id: root-anything
    title: Root, but not a sign-in
    severity: high
    event_pattern: '{"detail": {"userIdentity": {"type": ["Root"]}, "eventName": [{"anything-but": "ConsoleLogin"}]}}'
`
	set, err := Parse("eb.yaml", []byte(in), cat(t))
	if err != nil {
		t.Fatal(err)
	}
	if r := set.Rules()[0]; r.names != nil || !reflect.DeepEqual(r.srcs, []string{"ec2.amazonaws.com", "ec2"}) {
		t.Errorf("sg-open indexed by %v / %v, want by its source", r.names, r.srcs)
	}
	var d trailevent.Decoder
	for _, tc := range []struct {
		name string
		rec  []byte
		want []string
	}{
		{"open", record("ec2", "AuthorizeSecurityGroupIngress", ingress("0.0.0.0/0", "")), []string{"sg-open"}},
		{"egress open", record("ec2", "AuthorizeSecurityGroupEgress", ingress("0.0.0.0/0", "")), []string{"sg-open"}},
		{"from the VPC", record("ec2", "AuthorizeSecurityGroupIngress", ingress("", "")), nil},
		{"denied", record("ec2", "AuthorizeSecurityGroupIngress", merge(ingress("0.0.0.0/0", ""), denied("Client.UnauthorizedOperation"))), nil},
		{"root call", record("s3", "ListBuckets", map[string]any{"userIdentity": root}), []string{"root-anything"}},
		{"root sign-in", login(root, "Success", "Yes", nil), nil},
	} {
		ev, err := d.Decode(tc.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(set.Match(ev, nil)); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	for _, tc := range []struct{ in, want string }{
		{"    event_pattern: '{\"source\": \"aws.ec2\"}'\n", `eb.yaml:5:20: rules[0].event_pattern: not a valid event pattern: line 1, column `},
		{"    event_pattern: {detail: {eventName: [{prefix: 5}]}}\n", `eb.yaml:5:20: rules[0].event_pattern: not a valid event pattern: `},
		{"    event_pattern: '{\"source\": [\"aws.ec2\"]'\n", `eb.yaml:5:20: rules[0].event_pattern: not a valid event pattern: `},
	} {
		_, err := Parse("eb.yaml", []byte("rules:\n  - id: r\n    title: T\n    severity: low\n"+tc.in), cat(t))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestToJSON(t *testing.T) {
	defer func(c func([]byte) (eventPattern, error)) { compileEventPattern = c }(compileEventPattern)
	compileEventPattern = compileFake
	in := "rules:\n  - id: r\n    title: T\n    severity: low\n    event_pattern: &p\n      s: [a, 'b', \"c d\", 5, 1.5, 0x10, true, null, ~, 1_000, '7']\n      n: {numeric: ['>', 0, '<=', 5]}\n      q: {\"quo\\\"te\": [x]}\n"
	set, err := Parse("x.yaml", []byte(in), cat(t))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"s":["a","b","c d",5,1.5,16,true,null,null,1000,"7"],"n":{"numeric":[">",0,"<=",5]},"q":{"quo\"te":["x"]}}`
	if got := set.Rules()[0].Pattern; got != want {
		t.Errorf("pattern\n%s\nwant\n%s", got, want)
	}
	if _, err := Parse("x.yaml", []byte("rules:\n  - id: r\n    title: T\n    severity: low\n    event_pattern: {n: [.inf]}\n"), cat(t)); err == nil ||
		!strings.Contains(err.Error(), `x.yaml:5:20: rules[0].event_pattern: line 5: ".inf" is not a number JSON can hold`) {
		t.Errorf("infinity: %v", err)
	}
}
