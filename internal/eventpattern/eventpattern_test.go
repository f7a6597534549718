package eventpattern_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/eventpattern"
)

// ec2Event is the sample event of the EventBridge user guide and of
// event-ruler's README.
const ec2Event = `{
  "version": "0",
  "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "012345679012",
  "time": "2017-10-02T16:24:49Z",
  "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  "detail": {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    "state": "running",
    "flag": true,
    "nothing": null,
    "empty": "",
    "tags": ["prod", "web"],
    "nested": {"deep": {"name": "Ünïcode Value"}},
    "employees": [
      {"firstName": "John", "lastName": "Doe"},
      {"firstName": "Anna", "lastName": "Smith"},
      [{"firstName": "Peter", "lastName": "Jones"}]
    ],
    "escaped": "a\"quote\" and \u00e9",
    "ipv6": "2001:db8::1",
    "emptyList": [],
    "obj": {"k": 1}
  }
}`

// cloudTrailEvent is an "AWS API Call via CloudTrail" event as
// EventBridge delivers it.
const cloudTrailEvent = `{"version":"0","id":"36eb8523-97d0-4518-b33d-ee3579ff19f0","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"222222222222","time":"2026-06-01T12:00:00Z","region":"eu-west-1","resources":[],"detail":{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root","accountId":"222222222222"},"eventTime":"2026-06-01T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-sdk-go-v2/1.0","requestParameters":{"groupId":"sg-0123","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}},"responseElements":{"_return":true},"requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"222222222222"}}`

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pattern string
		event   string // ec2Event when empty
		want    bool
	}{
		// Exact values, arrays as OR, nesting.
		{"exact", `{"source":["aws.ec2"]}`, "", true},
		{"exact other", `{"source":["aws.s3"]}`, "", false},
		{"or of values", `{"source":["aws.s3","aws.ec2"]}`, "", true},
		{"and of fields", `{"source":["aws.ec2"],"region":["eu-west-1"]}`, "", false},
		{"nested", `{"detail":{"state":["running"]}}`, "", true},
		{"deep nested", `{"detail":{"nested":{"deep":{"name":["Ünïcode Value"]}}}}`, "", true},
		{"missing field", `{"detail":{"nope":["x"]}}`, "", false},
		{"missing parent", `{"nope":{"state":["running"]}}`, "", false},
		{"user guide example", `{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],"detail":{"state":["initializing","running"]}}`, "", true},
		{"array intersects", `{"detail":{"tags":["web","db"]}}`, "", true},
		{"array disjoint", `{"detail":{"tags":["db"]}}`, "", false},
		{"case matters", `{"source":["AWS.EC2"]}`, "", false},
		{"string is not number", `{"detail":{"c-count":["5"]}}`, "", false},
		{"number is not string", `{"account":[12345679012]}`, "", false},
		{"number", `{"detail":{"c-count":[5]}}`, "", true},
		{"number other notation", `{"detail":{"x-limit":[3.018e2]}}`, "", true},
		{"number vs float", `{"detail":{"c-count":[5.0]}}`, "", true},
		{"true", `{"detail":{"flag":[true]}}`, "", true},
		{"false", `{"detail":{"flag":[false]}}`, "", false},
		{"null", `{"detail":{"nothing":[null]}}`, "", true},
		{"null vs string", `{"detail":{"nothing":["null"]}}`, "", false},
		{"empty string", `{"detail":{"empty":[""]}}`, "", true},
		{"escaped event string", `{"detail":{"escaped":["a\"quote\" and é"]}}`, "", true},
		{"escaped pattern string", `{"detail":{"state":["\u0072unning"]}}`, "", true},
		{"object is no leaf", `{"detail":{"obj":["x"]}}`, "", false},
		{"scalar is no object", `{"detail":{"state":{"x":["running"]}}}`, "", false},

		// Arrays of objects: crushed out, consistent within an element.
		{"array of objects", `{"detail":{"employees":{"firstName":["Anna"]}}}`, "", true},
		{"array same element", `{"detail":{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}}`, "", true},
		{"array different elements", `{"detail":{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}}`, "", false},
		{"multi-level array", `{"detail":{"employees":{"firstName":["Peter"],"lastName":["Jones"]}}}`, "", true},

		// prefix, suffix, equals-ignore-case, wildcard.
		{"prefix", `{"time":[{"prefix":"2017-10-02"}]}`, "", true},
		{"prefix no", `{"time":[{"prefix":"2018"}]}`, "", false},
		{"prefix empty", `{"detail":{"empty":[{"prefix":""}]}}`, "", true},
		{"prefix not on number", `{"detail":{"c-count":[{"prefix":"5"}]}}`, "", false},
		{"suffix", `{"source":[{"suffix":"ec2"}]}`, "", true},
		{"suffix no", `{"source":[{"suffix":"s3"}]}`, "", false},
		{"prefix ignore case", `{"source":[{"prefix":{"equals-ignore-case":"AWS."}}]}`, "", true},
		{"suffix ignore case", `{"detail":{"instance-id":[{"suffix":{"equals-ignore-case":"AAAAAA00000"}}]}}`, "", true},
		{"equals-ignore-case", `{"source":[{"equals-ignore-case":"AWS.EC2"}]}`, "", true},
		{"equals-ignore-case unicode", `{"detail":{"nested":{"deep":{"name":[{"equals-ignore-case":"üNÏCODE vALUE"}]}}}}`, "", true},
		{"equals-ignore-case no", `{"source":[{"equals-ignore-case":"AWS.EC"}]}`, "", false},
		{"wildcard", `{"detail-type":[{"wildcard":"EC2*State-change*"}]}`, "", true},
		{"wildcard middle", `{"resources":[{"wildcard":"arn:aws:ec2:*:instance/*"}]}`, "", true},
		{"wildcard no", `{"source":[{"wildcard":"aws.s*"}]}`, "", false},
		{"wildcard all", `{"source":[{"wildcard":"*"}]}`, "", true},
		{"wildcard no star", `{"source":[{"wildcard":"aws.ec2"}]}`, "", true},
		{"wildcard escaped star", `{"source":[{"wildcard":"aws\\*"}]}`, `{"source":"aws*"}`, true},
		{"wildcard escaped star literal", `{"source":[{"wildcard":"aws\\*"}]}`, `{"source":"aws.ec2"}`, false},
		{"wildcard overlap", `{"source":[{"wildcard":"ab*ab"}]}`, `{"source":"aba"}`, false},
		{"wildcard repeat", `{"source":[{"wildcard":"*a*b"}]}`, `{"source":"xxaxxab"}`, true},

		// anything-but.
		{"anything-but string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, "", true},
		{"anything-but string equal", `{"detail":{"state":[{"anything-but":"running"}]}}`, "", false},
		{"anything-but list", `{"detail":{"state":[{"anything-but":["stopped","running"]}]}}`, "", false},
		{"anything-but number", `{"detail":{"x-limit":[{"anything-but":123}]}}`, "", true},
		{"anything-but numbers", `{"detail":{"c-count":[{"anything-but":[100,5]}]}}`, "", false},
		{"anything-but numbers other notation", `{"detail":{"c-count":[{"anything-but":[5e0]}]}}`, "", false},
		{"anything-but missing field", `{"detail":{"nope":[{"anything-but":"x"}]}}`, "", false},
		{"anything-but array any element", `{"detail":{"tags":[{"anything-but":"prod"}]}}`, "", true},
		{"anything-but array all excluded", `{"detail":{"tags":[{"anything-but":["prod","web"]}]}}`, "", false},
		{"anything-but prefix", `{"region":[{"anything-but":{"prefix":"us-"}}]}`, "", false},
		{"anything-but prefix yes", `{"region":[{"anything-but":{"prefix":"eu-"}}]}`, "", true},
		{"anything-but suffix", `{"detail":{"instance-id":[{"anything-but":{"suffix":"00000"}}]}}`, "", false},
		{"anything-but suffix list", `{"source":[{"anything-but":{"suffix":[".s3",".sqs"]}}]}`, "", true},
		{"anything-but ignore case", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":["RUNNING"]}}]}}`, "", false},
		{"anything-but ignore case yes", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":"STOPPED"}}]}}`, "", true},
		{"anything-but wildcard", `{"source":[{"anything-but":{"wildcard":"aws.*"}}]}`, "", false},
		{"anything-but wildcard yes", `{"source":[{"anything-but":{"wildcard":"*s3"}}]}`, "", true},

		// numeric.
		{"numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, "", true},
		{"numeric open top", `{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, "", false},
		{"numeric lt", `{"detail":{"d-count":[{"numeric":["<",10]}]}}`, "", true},
		{"numeric eq", `{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, "", true},
		{"numeric ge", `{"detail":{"x-limit":[{"numeric":[">=",301.8]}]}}`, "", true},
		{"numeric gt", `{"detail":{"x-limit":[{"numeric":[">",301.8]}]}}`, "", false},
		{"numeric le", `{"detail":{"x-limit":[{"numeric":["<=",301.8]}]}}`, "", true},
		{"numeric on string", `{"detail":{"state":[{"numeric":[">",0]}]}}`, "", false},
		{"numeric negative", `{"n":[{"numeric":["<",0]}]}`, `{"n":-1.5e-3}`, true},

		// exists.
		{"exists true", `{"detail":{"c-count":[{"exists":true}]}}`, "", true},
		{"exists true missing", `{"detail":{"nope":[{"exists":true}]}}`, "", false},
		{"exists false", `{"detail":{"nope":[{"exists":false}]}}`, "", true},
		{"exists false present", `{"detail":{"c-count":[{"exists":false}]}}`, "", false},
		{"exists false on object", `{"detail":{"obj":[{"exists":false}]}}`, "", true},
		{"exists true on object", `{"detail":{"obj":[{"exists":true}]}}`, "", false},
		{"exists true on null", `{"detail":{"nothing":[{"exists":true}]}}`, "", true},
		{"exists false empty list", `{"detail":{"emptyList":[{"exists":false}]}}`, "", true},
		{"exists false missing parent", `{"nope":{"x":[{"exists":false}]}}`, "", true},
		{"exists false or value", `{"detail":{"state":[{"exists":false},"running"]}}`, "", true},

		// cidr and addresses.
		{"cidr", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, "", true},
		{"cidr out", `{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}`, "", false},
		{"cidr base as written", `{"detail":{"source-ip":[{"cidr":"10.0.0.40/24"}]}}`, "", false},
		{"cidr v6", `{"detail":{"ipv6":[{"cidr":"2001:db8::/32"}]}}`, "", true},
		{"cidr v6 vs v4", `{"detail":{"source-ip":[{"cidr":"::/1"}]}}`, "", false},
		{"cidr not ip", `{"detail":{"state":[{"cidr":"10.0.0.0/8"}]}}`, "", false},
		{"ip plain", `{"detail":{"ipv6":["2001:0db8:0:0:0:0:0:1"]}}`, "", true},

		// $or.
		{"or", `{"source":["aws.ec2"],"$or":[{"region":["eu-west-1"]},{"detail":{"state":["running"]}}]}`, "", true},
		{"or none", `{"$or":[{"region":["eu-west-1"]},{"detail":{"state":["stopped"]}}]}`, "", false},
		{"or nested level", `{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"d-count":[{"numeric":["<",10]}]}]}}`, "", true},
		{"or with and inside", `{"$or":[{"source":["aws.s3"]},{"source":["aws.ec2"],"region":["us-east-1"]}]}`, "", true},
		{"or with and inside fails", `{"$or":[{"source":["aws.s3"]},{"source":["aws.ec2"],"region":["eu-west-1"]}]}`, "", false},
		{"nested or", `{"$or":[{"source":["aws.s3"]},{"region":["us-east-1"],"$or":[{"account":["1"]},{"detail":{"state":["running"]}}]}]}`, "", true},
		{"parallel or", `{"$or":[{"source":["x"]},{"region":["us-east-1"]}],"detail":{"$or":[{"state":["x"]},{"flag":[true]}]}}`, "", true},
		{"or exists false", `{"$or":[{"nope":[{"exists":false}]},{"source":["x"]}]}`, "", true},

		// CloudTrail records through the envelope.
		{"cloudtrail rule", `{"source":["aws.ec2"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ec2.amazonaws.com"],"eventName":["AuthorizeSecurityGroupIngress","AuthorizeSecurityGroupEgress"]}}`, cloudTrailEvent, true},
		{"cloudtrail root", `{"detail":{"userIdentity":{"type":["Root"]}}}`, cloudTrailEvent, true},
		{"cloudtrail deep array", `{"detail":{"requestParameters":{"ipPermissions":{"items":{"ipRanges":{"items":{"cidrIp":["0.0.0.0/0"]}}}}}}}`, cloudTrailEvent, true},
		{"cloudtrail deep numbers", `{"detail":{"requestParameters":{"ipPermissions":{"items":{"fromPort":[{"numeric":["<=",22]}],"toPort":[{"numeric":[">=",22]}]}}}}}`, cloudTrailEvent, true},
		{"cloudtrail readOnly", `{"detail":{"readOnly":[false]}}`, cloudTrailEvent, true},
		{"cloudtrail no", `{"detail":{"eventName":["StopLogging"]}}`, cloudTrailEvent, false},

		{"deeply nested arrays", `{"a":{"b":["x"]}}`, `{"a":` + strings.Repeat("[", 50000) + `{"b":"x"}` + strings.Repeat("]", 50000) + `}`, true},

		// Events that are not objects or not JSON.
		{"event array", `{"a":["b"]}`, `[{"a":"b"}]`, false},
		{"event truncated", `{"z":["b"]}`, `{"a":"b",`, false},
		{"event garbage", `{"a":["b"]}`, `{"a":tru}`, false},
		{"event empty", `{"a":[{"exists":false}]}`, ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := eventpattern.Compile([]byte(tc.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.pattern, err)
			}
			ev := tc.event
			if ev == "" && !strings.HasPrefix(tc.name, "event") {
				ev = ec2Event
			}
			if got := p.Match([]byte(ev)); got != tc.want {
				t.Errorf("Match(%s) = %v, want %v", tc.pattern, got, tc.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		reason  string
		line    int
		column  int
	}{
		{`{"source":"aws.ec2"}`, `"source" must be an object or an array`, 1, 12},
		{`{"source":["test.event-pattern"],"detail":{"lenderId":"LenderA"}}`, `"lenderId" must be an object or an array`, 1, 56},
		{`["a"]`, "Filter is not an object", 1, 2},
		{``, "Filter is not an object", 1, 1},
		{`"x"`, "Filter is not an object", 1, 2},
		{`{}`, "Empty objects are not allowed", 1, 3},
		{`{"a":{}}`, "Empty objects are not allowed", 1, 8},
		{`{"a":[]}`, "Empty arrays are not allowed", 1, 8},
		{`{"a":[["b"]]}`, "Match value must be String, number, true, false, or null", 1, 8},
		{`{"a":[{}]}`, "Match expression name not found", 1, 9},
		{`{"a":[{"foo":"b"}]}`, "Unrecognized match type foo", 1, 15},
		{`{"a":[{"prefix":1}]}`, "prefix match pattern must be a string", 1, 18},
		{`{"a":[{"suffix":true}]}`, "suffix match pattern must be a string", 1, 21},
		{`{"a":[{"prefix":"x","suffix":"y"}]}`, "Only one key allowed in match expression", 1, 31},
		{`{"a":[{"prefix":{"foo":"x"}}]}`, "Unsupported prefix pattern: foo", 1, 25},
		{`{"a":[{"suffix":{}}]}`, "Suffix expression name not found", 1, 19},
		{`{"a":[{"equals-ignore-case":5}]}`, "equals-ignore-case match pattern must be a string", 1, 30},
		{`{"a":[{"wildcard":"a**b"}]}`, "Consecutive wildcard characters at pos 2", 1, 20},
		{`{"a":[{"wildcard":"a\\b"}]}`, "Invalid escape character at pos 2", 1, 20},
		{`{"a":[{"numeric":5}]}`, "Value of numeric must be an array.", 1, 19},
		{`{"a":[{"numeric":[5]}]}`, "Invalid member in numeric match: 5", 1, 20},
		{`{"a":[{"numeric":["!",5]}]}`, "Unrecognized numeric range operator: !", 1, 24},
		{`{"a":[{"numeric":["=","5"]}]}`, "Value of equals must be numeric", 1, 24},
		{`{"a":[{"numeric":[">","5"]}]}`, "Value of > must be numeric", 1, 24},
		{`{"a":[{"numeric":["<",5,">",1]}]}`, "Too many elements in numeric expression", 1, 26},
		{`{"a":[{"numeric":[">",5,"<"]}]}`, "Value of < must be numeric", 1, 29},
		{`{"a":[{"numeric":[">",5,">",9]}]}`, "Bad numeric range operator: >", 1, 26},
		{`{"a":[{"numeric":[">",5,6]}]}`, "Bad value in numeric range: 6", 1, 26},
		{`{"a":[{"numeric":[">",5,"<",9,1]}]}`, "Too many terms in numeric range expression", 1, 32},
		{`{"a":[{"numeric":[">",9,"<",5]}]}`, "Bottom must be less than top", 1, 31},
		{`{"a":[{"numeric":[">",1],"x":1}]}`, "Too many elements in numeric expression", 1, 31},
		{`{"a":[{"anything-but":true}]}`, "Value of anything-but must be an array or single string/number value.", 1, 27},
		{`{"a":[{"anything-but":["a",1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", 1, 30},
		{`{"a":[{"anything-but":[]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", 1, 25},
		{`{"a":[{"anything-but":[null]}]}`, "Inside anything but list, start|null|boolean is not supported.", 1, 28},
		{`{"a":[{"anything-but":{"exists":true}}]}`, "Unsupported anything-but pattern: exists", 1, 37},
		{`{"a":[{"anything-but":{}}]}`, "Anything-But expression name not found", 1, 25},
		{`{"a":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed", 1, 34},
		{`{"a":[{"anything-but":{"prefix":5}}]}`, "prefix/suffix match pattern must be a string", 1, 34},
		{`{"a":[{"anything-but":{"equals-ignore-case":[1]}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.", 1, 47},
		{`{"a":[{"anything-but":{"wildcard":"x**"}}]}`, "Consecutive wildcard characters at pos 2", 1, 36},
		{`{"a":[{"anything-but":"x","y":1}]}`, "Too many elements in numeric expression", 1, 32},
		{`{"a":[{"exists":"yes"}]}`, "exists match pattern must be either true or false.", 1, 18},
		{`{"a":[{"exists":true,"b":1}]}`, "Only one key allowed in match expression", 1, 27},
		{`{"a":[{"cidr":"10.0.0.0"}]}`, "Malformed CIDR, one '/' required", 1, 16},
		{`{"a":[{"cidr":"10.0.0.0/x"}]}`, "Malformed CIDR, mask bits must be an integer", 1, 16},
		{`{"a":[{"cidr":"10.0.0.0/32"}]}`, "IPv4 mask bits must be < 32", 1, 16},
		{`{"a":[{"cidr":"::/128"}]}`, "IPv6 mask bits must be < 128", 1, 16},
		{`{"a":[{"cidr":"host/8"}]}`, "Invalid IP address: host", 1, 16},
		{`{"a":[{"cidr":5}]}`, "prefix match pattern must be a string", 1, 16},
		{`{"$or":{"a":["b"]}}`, "It must be an Array followed with $or.", 1, 9},
		{`{"$or":[{"a":["b"]}]}`, "There must have at least 2 Objects in $or relationship.", 1, 21},
		{`{"$or":[{"a":["b"]},"c"]}`, "Only JSON object is allowed in array of $or relationship.", 1, 22},
		{`{"$or":[{"a":["b"]},{"prefix":["c"]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or.", 1, 32},
		{`{"a":["b"]`, "Unexpected end-of-input: expected close marker for OBJECT", 1, 11},
		{`{"a":["b"}`, "Unexpected character ('}' (code 125)): was expecting comma to separate Array entries", 1, 10},
		{`{"a" ["b"]}`, "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value", 1, 6},
		{`{a:["b"]}`, "Unexpected character ('a' (code 97)): was expecting double-quote to start field name", 1, 2},
		{`{"a":[tru]}`, "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", 1, 7},
		{"{\n  \"a\": \"b\"\n}", `"a" must be an object or an array`, 2, 9},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			_, err := eventpattern.Compile([]byte(tc.pattern))
			var pe *eventpattern.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Compile(%s) = %v, want an *Error", tc.pattern, err)
			}
			if pe.Reason != tc.reason || pe.Line != tc.line || pe.Column != tc.column {
				t.Errorf("Compile(%s):\n got %q at %d:%d\nwant %q at %d:%d", tc.pattern, pe.Reason, pe.Line, pe.Column, tc.reason, tc.line, tc.column)
			}
		})
	}
}

func TestAWSMessage(t *testing.T) {
	src := `{"source":["test.event-pattern"],"detail":{"lenderId":"LenderA"}}`
	_, err := eventpattern.Compile([]byte(src))
	var pe *eventpattern.Error
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	// As EventBridge answers it (CloudFormation passed it on verbatim).
	want := "Event pattern is not valid. Reason: \"lenderId\" must be an object or an array\n at [Source: (String)\"" + src + "\"; line: 1, column: 56]"
	if got := pe.AWSMessage(); got != want {
		t.Errorf("AWSMessage() =\n%s\nwant\n%s", got, want)
	}
	if got := pe.Error(); got != `event pattern: line 1, column 56: "lenderId" must be an object or an array` {
		t.Errorf("Error() = %s", got)
	}
}

func TestValidPatterns(t *testing.T) {
	for _, p := range []string{
		`{"source":["aws.ec2"]}`,
		` {"a":[1, -2.5e3, true, false, null, "x"]} trailing content is ignored, as AWS's parser stops`,
		`{"a":[{"exact":"x"}]}`,
		`{"$or":[{"a":["b"]},{"c":["d"]}],"e":{"$or":[{"f":[1]},{"g":[2]}]}}`,
		`{"a":[{"anything-but":{"prefix":["x","y"]}}]}`,
		`{"a":[{"anything-but":{"equals-ignore-case":[]}}]}`,
		`{"a":[{"numeric":["=",0]}],"b":[{"numeric":[">=",-1,"<=",1]}]}`,
		`{"a":[{"cidr":"0.0.0.0/0"},{"cidr":"::/0"}]}`,
		`{"a":["b"],"a":["c"]}`,
	} {
		if err := eventpattern.Valid([]byte(p)); err != nil {
			t.Errorf("Valid(%s) = %v", p, err)
		}
	}
}

func TestDuplicatePathLastWins(t *testing.T) {
	p := eventpattern.MustCompile(`{"a":["b"],"a":["c"]}`)
	if p.MatchString(`{"a":"b"}`) || !p.MatchString(`{"a":"c"}`) {
		t.Error("a path given twice: the last list must count")
	}
}

func TestMatchAllocations(t *testing.T) {
	p := eventpattern.MustCompile(`{"source":["aws.ec2"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ec2.amazonaws.com"],"eventName":[{"prefix":"Authorize"}],"userIdentity":{"type":[{"anything-but":"AWSService"}]},"requestParameters":{"ipPermissions":{"items":{"fromPort":[{"numeric":["<=",22]}]}}}}}`)
	ev := []byte(cloudTrailEvent)
	if !p.Match(ev) {
		t.Fatal("the pattern must match the event")
	}
	if n := testing.AllocsPerRun(100, func() { p.Match(ev) }); n != 0 {
		t.Errorf("Match allocates %v times per event, want 0", n)
	}
}

func BenchmarkMatch(b *testing.B) {
	ev := []byte(cloudTrailEvent)
	for _, bc := range []struct{ name, pattern string }{
		{"hit", `{"source":["aws.ec2"],"detail":{"eventName":["AuthorizeSecurityGroupIngress"]}}`},
		{"miss-source", `{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging"]}}`},
		{"deep", `{"detail":{"requestParameters":{"ipPermissions":{"items":{"ipRanges":{"items":{"cidrIp":["0.0.0.0/0"]}}}}}}}`},
	} {
		p := eventpattern.MustCompile(bc.pattern)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			b.ReportAllocs()
			for b.Loop() {
				p.Match(ev)
			}
		})
	}
}
