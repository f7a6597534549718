package trailevent

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

// authorize is a realistic record: an SSO session opening SSH to the
// world, with escapes in strings and numbers in the parameters.
const authorize = `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice@example.com",
"arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",
"sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b"},
"attributes":{"creationDate":"2026-06-01T09:00:00Z","mfaAuthenticated":"false"}}},
"eventTime":"2026-06-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1",
"sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.17.0 \"quoted\" \u00e9",
"requestParameters":{"groupId":"sg-0123","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},
"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0","description":"ssh \\ anywhere"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},
"responseElements":{"requestId":"r-1","_return":true},"requestID":"r-1","eventID":"0b5c3d2e-0000-4000-8000-000000000001",
"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",
"additionalEventData":null,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}`

func TestDecode(t *testing.T) {
	var d Decoder
	ev, err := d.Decode([]byte(authorize))
	if err != nil {
		t.Fatal(err)
	}
	want := Event{
		ID: "0b5c3d2e-0000-4000-8000-000000000001", Name: "AuthorizeSecurityGroupIngress", Source: "ec2.amazonaws.com",
		EventType: "AwsApiCall", Time: time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC), Region: "eu-west-1",
		Account: "111122223333", SourceIP: "203.0.113.7", IdentityType: "AssumedRole",
		IdentityARN: "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com",
	}
	got := *ev
	got.Raw, got.root, got.st, got.gen, got.seen, got.str = nil, nil, nil, 0, 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode =\n%+v\nwant\n%+v", got, want)
	}

	for _, tc := range []struct {
		path string
		want filterpattern.Value
		ok   bool
	}{
		{"$.eventName", filterpattern.Value{Kind: filterpattern.String, Text: "AuthorizeSecurityGroupIngress"}, true},
		{"$.userIdentity.sessionContext.attributes.mfaAuthenticated", filterpattern.Value{Kind: filterpattern.String, Text: "false"}, true},
		{"$.userAgent", filterpattern.Value{Kind: filterpattern.String, Text: `aws-cli/2.17.0 "quoted" é`}, true},
		{"$.requestParameters.ipPermissions.items[0].fromPort", filterpattern.Value{Kind: filterpattern.Number, Text: "22", Num: 22}, true},
		{"$.requestParameters.ipPermissions.items[0].ipRanges.items[1].cidrIp", filterpattern.Value{Kind: filterpattern.String, Text: "0.0.0.0/0"}, true},
		{"$.requestParameters.ipPermissions.items[0].ipRanges.items[1].description", filterpattern.Value{Kind: filterpattern.String, Text: `ssh \ anywhere`}, true},
		{"$.requestParameters.ipPermissions.items[0].ipRanges.items[2].cidrIp", filterpattern.Value{}, false},
		{"$.requestParameters.ipPermissions.items[1]", filterpattern.Value{}, false},
		{"$.requestParameters.ipPermissions.items", filterpattern.Value{Kind: filterpattern.Array}, true},
		{"$.requestParameters", filterpattern.Value{Kind: filterpattern.Object}, true},
		{"$.responseElements._return", filterpattern.Value{Kind: filterpattern.Bool, Bool: true}, true},
		{"$.readOnly", filterpattern.Value{Kind: filterpattern.Bool}, true},
		{"$.additionalEventData", filterpattern.Value{Kind: filterpattern.Null}, true},
		{"$.additionalEventData.MFAUsed", filterpattern.Value{}, false},
		{"$.errorCode", filterpattern.Value{}, false},
		{"$.eventName.x", filterpattern.Value{}, false},
		{"$.requestParameters[0]", filterpattern.Value{}, false},
		{"$.requestParameters.ipPermissions.items[x]", filterpattern.Value{}, false},
		{"$.requestParameters.ipPermissions.items[0", filterpattern.Value{}, false},
		{"eventName", filterpattern.Value{}, false},
		{"", filterpattern.Value{}, false},
	} {
		v, ok := ev.Get(tc.path)
		if v != tc.want || ok != tc.ok {
			t.Errorf("Get(%q) = %+v, %v, want %+v, %v", tc.path, v, ok, tc.want, tc.ok)
		}
	}

	// The fields stay valid after the next Decode; the Event does not.
	name, id := ev.Name, ev.ID
	other := strings.NewReplacer("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "0b5c3d2e", "ffffffff").Replace(authorize)
	if _, err := d.Decode([]byte(other)); err != nil {
		t.Fatal(err)
	}
	if name != "AuthorizeSecurityGroupIngress" || id != "0b5c3d2e-0000-4000-8000-000000000001" {
		t.Errorf("fields changed after the next Decode: %s %s", name, id)
	}
	if ev.Name != "RevokeSecurityGroupIngress" {
		t.Errorf("the Decoder's Event is %s, want the last record", ev.Name)
	}
}

func TestDecodeStaleEvent(t *testing.T) {
	var d Decoder
	ev, _ := d.Decode([]byte(authorize))
	c := ev.Clone()
	old := *ev
	if _, err := d.Decode([]byte(authorize)); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("Get on an Event of a past Decode did not panic")
			}
		}()
		old.Get("$.eventName")
	}()
	// A clone is independent.
	if _, err := d.Decode([]byte(strings.Replace(authorize, `"ec2.amazonaws.com"`, `"s3.amazonaws.com"`, 1))); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get("$.eventSource"); v.Text != "ec2.amazonaws.com" || c.Source != "ec2.amazonaws.com" {
		t.Errorf("clone's eventSource = %q / %q", v.Text, c.Source)
	}
	if v, _ := c.Get("$.requestParameters.ipPermissions.items[0].toPort"); v.Num != 22 {
		t.Errorf("clone's toPort = %+v", v)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		rec, err string
	}{
		{``, "not valid JSON"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X"`, "not valid JSON"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X"} x`, "not valid JSON"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","requestParameters":{"a":tru}}`, "not valid JSON"},
		{`[{"eventID":"a"}]`, "not a JSON object"},
		{`"x"`, "not a JSON object"},
		{`{"eventTime":"2026-06-01T10:00:00Z","eventName":"X"}`, "no eventID"},
		{`{"eventID":"","eventTime":"2026-06-01T10:00:00Z","eventName":"X"}`, "no eventID"},
		{`{"eventID":"a","eventName":"X"}`, "no eventTime"},
		{`{"eventID":"a","eventTime":null,"eventName":"X"}`, "no eventTime"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z"}`, "no eventName"},
		{`{"eventID":7,"eventTime":"2026-06-01T10:00:00Z","eventName":"X"}`, "eventID is not a string"},
		{`{"eventID":"a","eventTime":"yesterday","eventName":"X"}`, `eventTime "yesterday": not an RFC 3339 time`},
		{`{"eventID":"a","eventTime":"2026-02-30T10:00:00Z","eventName":"X"}`, "not an RFC 3339 time"},
		{`{"eventID":"a","eventTime":"2026-06-01T25:00:00Z","eventName":"X"}`, "not an RFC 3339 time"},
	} {
		var d Decoder
		_, err := d.Decode([]byte(tc.rec))
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Decode(%s) = %v, want %q", tc.rec, err, tc.err)
		}
	}
	// Optional fields of another type are left empty; times with
	// fractions or offsets are read.
	var d Decoder
	ev, err := d.Decode([]byte(`{"eventID":"a","eventTime":"2026-06-01T12:00:00.5+02:00","eventName":"X","errorCode":5,"readOnly":"true","userIdentity":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Time.Equal(time.Date(2026, 6, 1, 10, 0, 0, 5e8, time.UTC)) || ev.ErrorCode != "" || !ev.ReadOnly || ev.IdentityType != "" {
		t.Errorf("Decode = %+v", ev)
	}
}

func TestAny(t *testing.T) {
	var d Decoder
	ev, _ := d.Decode([]byte(authorize))
	is := func(s string) func(filterpattern.Value) bool {
		return func(v filterpattern.Value) bool { return v.Kind == filterpattern.String && v.Text == s }
	}
	for _, tc := range []struct {
		path string
		ok   func(filterpattern.Value) bool
		want bool
	}{
		{"$.requestParameters.ipPermissions.items[*].ipRanges.items[*].cidrIp", is("0.0.0.0/0"), true},
		{"$.requestParameters.ipPermissions.items[*].ipRanges.items[*].cidrIp", is("::/0"), false},
		{"$.requestParameters.ipPermissions.items[*].ipv6Ranges.items[*].cidrIpv6", is("::/0"), false},
		{"$.requestParameters.ipPermissions.items[0].ipRanges.items[1].cidrIp", is("0.0.0.0/0"), true},
		{"$.requestParameters.ipPermissions.items[*].fromPort", func(v filterpattern.Value) bool { return v.Num == 22 }, true},
		{"$.requestParameters.groupId[*]", is("sg-0123"), false},
		{"$.eventName", is("AuthorizeSecurityGroupIngress"), true},
		{"eventName", is("AuthorizeSecurityGroupIngress"), false},
	} {
		if got := ev.Any(tc.path, tc.ok); got != tc.want {
			t.Errorf("Any(%s) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestEventBridge(t *testing.T) {
	var d Decoder
	for _, tc := range []struct {
		rec, detailType, source string
	}{
		{authorize, "AWS API Call via CloudTrail", "aws.ec2"},
		{strings.NewReplacer(`"AwsApiCall"`, `"AwsConsoleSignIn"`, `"ec2.amazonaws.com"`, `"signin.amazonaws.com"`).Replace(authorize), "AWS Console Sign In via CloudTrail", "aws.signin"},
		{strings.Replace(authorize, `"AwsApiCall"`, `"AwsServiceEvent"`, 1), "AWS Service Event via CloudTrail", "aws.ec2"},
		{strings.Replace(authorize, `"AwsApiCall"`, `"AwsConsoleAction"`, 1), "AWS Console Action via CloudTrail", "aws.ec2"},
	} {
		ev, err := d.Decode([]byte(tc.rec))
		if err != nil {
			t.Fatal(err)
		}
		env := ev.EventBridge()
		var got struct {
			Version    string         `json:"version"`
			ID         string         `json:"id"`
			DetailType string         `json:"detail-type"`
			Source     string         `json:"source"`
			Account    string         `json:"account"`
			Time       string         `json:"time"`
			Region     string         `json:"region"`
			Resources  []string       `json:"resources"`
			Detail     map[string]any `json:"detail"`
		}
		if err := json.Unmarshal(env, &got); err != nil {
			t.Fatalf("envelope is not JSON: %v\n%s", err, env)
		}
		if got.Version != "0" || got.ID != ev.ID || got.DetailType != tc.detailType || got.Source != tc.source ||
			got.Account != "111122223333" || got.Time != "2026-06-01T10:00:00Z" || got.Region != "eu-west-1" ||
			got.Resources == nil || len(got.Resources) != 0 || got.Detail["eventName"] != "AuthorizeSecurityGroupIngress" {
			t.Errorf("envelope = %+v", got)
		}
		if again := ev.EventBridge(); &again[0] != &env[0] {
			t.Errorf("EventBridge built the envelope twice")
		}
		// The watch unwraps what EventBridge delivers.
		detail, err := EventBridgeDetail(env)
		if err != nil || string(detail) != tc.rec {
			t.Errorf("EventBridgeDetail = %.80s, %v", detail, err)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\n\x00\x1f", "é ü 😀", "bad \xff utf8"} {
		var back string
		b := appendString(nil, s)
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("appendString(%q) = %s: %v", s, b, err)
			continue
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want {
			t.Errorf("appendString(%q) reads back as %q", s, back)
		}
	}
}

func TestEventBridgeDetail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`{"version":"0","detail-type":"x","detail":{"a":1}}`, `{"a":1}`, true},
		{` { "detail" : {"a":"}\"{"} , "id":"1"}`, `{"a":"}\"{"}`, true},
		{`{"resources":["a","b"],"x":{"detail":1},"s":"\\","detail":{"b":[{},{}]}}`, `{"b":[{},{}]}`, true},
		{`{"detail":{"eventName":"X","broken":tru}}`, `{"eventName":"X","broken":tru}`, true},
		{`{"version":"0"}`, "", false},
		{`{"detail":"text"}`, "", false},
		{`{"detail":{"a":1`, "", false},
		{`[{"detail":{}}]`, "", false},
		{`{"a" "detail":{}}`, "", false},
		{``, "", false},
	} {
		got, err := EventBridgeDetail([]byte(tc.in))
		if (err == nil) != tc.ok || string(got) != tc.want {
			t.Errorf("EventBridgeDetail(%s) = %s, %v", tc.in, got, err)
		}
	}
}

// TestDecodeAllocs: decoding a record allocates one block, for the
// fields that outlive it.
func TestDecodeAllocs(t *testing.T) {
	recs := trailgen.Records(64, 7)
	var d Decoder
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		ev, err := d.Decode(recs[i%len(recs)])
		if err != nil {
			t.Fatal(err)
		}
		ev.Get("$.userIdentity.sessionContext.attributes.mfaAuthenticated")
		ev.Get("$.requestParameters.maxResults")
		i++
	})
	if allocs > 1 {
		t.Errorf("Decode + Get: %.1f allocations per record, want 1", allocs)
	}
}

func BenchmarkDecode(b *testing.B) {
	recs := trailgen.Records(1024, 1)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	b.SetBytes(int64(size / len(recs)))
	b.ReportAllocs()
	var d Decoder
	for i := 0; b.Loop(); i++ {
		if _, err := d.Decode(recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeAccount: the account is recipientAccountId, or the caller's
// in a record without it.
func TestDecodeAccount(t *testing.T) {
	var d Decoder
	for _, tc := range []struct{ rec, want string }{
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","userIdentity":{"accountId":"111"},"recipientAccountId":"222"}`, "222"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","recipientAccountId":"222","userIdentity":{"accountId":"111"}}`, "222"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","userIdentity":{"type":"Root","accountId":"111"}}`, "111"},
		{`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X"}`, ""},
	} {
		ev, err := d.Decode([]byte(tc.rec))
		if err != nil || ev.Account != tc.want {
			t.Errorf("Decode(%s).Account = %q, %v, want %q", tc.rec, ev.Account, err, tc.want)
		}
	}
}

// TestGetFast: Get answers the fields Decode copied as walking the record
// would, whatever their type.
func TestGetFast(t *testing.T) {
	var d Decoder
	paths := []string{"$.eventID", "$.eventName", "$.eventSource", "$.eventType", "$.awsRegion", "$.recipientAccountId", "$.errorCode",
		"$.sourceIPAddress", "$.userIdentity.type", "$.userIdentity.arn"}
	for _, rec := range []string{
		authorize,
		`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","errorCode":null,"eventSource":5,"userIdentity":{"type":null,"arn":["x"]},"awsRegion":{}}`,
		`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","errorCode":"AccessDenied","errorCode":"Other","userIdentity":null}`,
		`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","userIdentity":{"accountId":"111"}}`,
		`{"eventID":"a","eventTime":"2026-06-01T10:00:00Z","eventName":"X","eventType":"","errorCode":true}`,
	} {
		ev, err := d.Decode([]byte(rec))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			got, ok := ev.Get(p)
			var want filterpattern.Value
			wok := false
			if v := ev.lookup(p); v != nil {
				want, wok = ev.value(v), true
			}
			if got != want || ok != wok {
				t.Errorf("%s in %.60s: Get = %+v, %v; walking = %+v, %v", p, rec, got, ok, want, wok)
			}
		}
	}
}
