package filterpattern

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// getter reads a JSON event for Match, as a decoder of log events would.
func getter(t testing.TB, event string) func(string) (Value, bool) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(event))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("event: %v", err)
	}
	return func(sel string) (Value, bool) {
		v, found, ok := lookup(m, sel)
		if !found || !ok {
			return Value{}, false
		}
		switch v := v.(type) {
		case string:
			return Value{Kind: String, Text: v}, true
		case json.Number:
			f, _ := v.Float64()
			return Value{Kind: Number, Text: v.String(), Num: f}, true
		case bool:
			return Value{Kind: Bool, Bool: v}, true
		case nil:
			return Value{Kind: Null}, true
		case map[string]any:
			return Value{Kind: Object}, true
		}
		return Value{Kind: Array}, true
	}
}

// docEvent is the JSON example of CloudWatch's "Filter and Pattern
// Syntax" (JSON metric filter examples), with a few fields added for the
// operators the example does not exercise.
const docEvent = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": ["value", "another value"],
  "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
  "SomeObject": null,
  "ThisFlag": true,
  "OtherFlag": false,
  "latency": 500,
  "ratio": 0.25,
  "code": "400",
  "numbers": [7, 10000],
  "star": "Ev*ent",
  "empty": "",
  "recipientAccountId": "123456789012",
  "users": [1, 2, 3],
  "user": {"id": 1, "email": "John.Stiles@example.com"}
}`

// compoundEvent is the example of CloudWatch's "JSON Compound Conditions".
const compoundEvent = `{
  "user": {"id": 1, "email": "John.Stiles@example.com"},
  "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
  "actions": ["GET", "PUT", "DELETE"],
  "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
}`

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		event, pattern string
		want           bool
	}{
		// The documentation's examples, which all match.
		{docEvent, `{ $.eventType = "UpdateTrail" }`, true},
		{docEvent, `{ $.sourceIPAddress != 123.123.* }`, true},
		{docEvent, `{ $.arrayKey[0] = "value" }`, true},
		{docEvent, `{ $.objectList[1].id = 2 }`, true},
		{docEvent, `{ $.SomeObject IS NULL }`, true},
		{docEvent, `{ $.SomeOtherObject NOT EXISTS }`, true},
		{docEvent, `{ $.ThisFlag IS TRUE }`, true},
		{compoundEvent, `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, true},
		{compoundEvent, `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, false},
		// && binds tighter than ||: the documented pair.
		{compoundEvent, `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, true},
		{compoundEvent, `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }`, false},
		{compoundEvent, `{ $.coordinates[2][0] = 7 }`, true},

		// = on strings, exact and case sensitive.
		{docEvent, `{ $.eventType = UpdateTrail }`, true},
		{docEvent, `{ $.eventType == "UpdateTrail" }`, true},
		{docEvent, `{ $.eventType = "updatetrail" }`, false},
		{docEvent, `{ $.eventType = "Update" }`, false},
		{docEvent, `{ $.empty = "" }`, true},
		// Wildcards at either end, or both; a * inside is a character.
		{docEvent, `{ $.eventType = "*Trail" }`, true},
		{docEvent, `{ $.eventType = "Update*" }`, true},
		{docEvent, `{ $.eventType = "*ateTr*" }`, true},
		{docEvent, `{ $.eventType = "*Create*" }`, false},
		{docEvent, `{ $.eventType = "Up*Trail" }`, false},
		{docEvent, `{ $.star = "Ev*ent" }`, true},
		{docEvent, `{ $.eventType = * }`, true},
		{docEvent, `{ $.latency = * }`, true},
		{docEvent, `{ $.empty = * }`, true},
		{docEvent, `{ $.missing = * }`, false},
		{docEvent, `{ $.SomeObject = * }`, false},
		// != needs the field, with a string or number value.
		{docEvent, `{ $.eventType != "CreateTrail" }`, true},
		{docEvent, `{ $.eventType != "UpdateTrail" }`, false},
		{docEvent, `{ $.eventType != "Update*" }`, false},
		{docEvent, `{ $.missing != "x" }`, false},
		{docEvent, `{ $.missing != "x" || $.missing NOT EXISTS }`, true},
		{docEvent, `{ $.SomeObject != "x" }`, false},
		// Objects and arrays fail both = and !=.
		{docEvent, `{ $.users = 1 }`, false},
		{docEvent, `{ $.users != 1 }`, false},
		{docEvent, `{ $.user != 1 }`, false},
		{docEvent, `{ $.ThisFlag = true }`, false},
		// Numbers by value; strings that look like numbers as text.
		{docEvent, `{ $.latency = 500 }`, true},
		{docEvent, `{ $.latency = 5e2 }`, true},
		{docEvent, `{ $.latency = 500.0 }`, true},
		{docEvent, `{ $.latency = "5*" }`, true},
		{docEvent, `{ $.latency != 500 }`, false},
		{docEvent, `{ $.latency != 501 }`, true},
		{docEvent, `{ $.code = 400 }`, true},
		{docEvent, `{ $.code = 4e2 }`, false},
		{docEvent, `{ $.recipientAccountId = 123456789012 }`, true},
		// Numeric comparisons on numbers only.
		{docEvent, `{ $.latency >= 500 }`, true},
		{docEvent, `{ $.latency > 500 }`, false},
		{docEvent, `{ $.latency > +499.5 }`, true},
		{docEvent, `{ $.latency < 501 && $.latency <= 500 }`, true},
		{docEvent, `{ $.latency < 500 }`, false},
		{docEvent, `{ $.numbers[0] < 10e3 }`, true},
		{docEvent, `{ $.numbers[1] < 10e3 }`, false},
		{docEvent, `{ $.numbers[0] < 10e-3 }`, false},
		{docEvent, `{ $.ratio <= 0.25 && $.ratio > -1 }`, true},
		{docEvent, `{ $.code > 1 }`, false},
		{docEvent, `{ $.missing < 1 }`, false},
		// IS TRUE, IS FALSE, IS NULL, EXISTS, NOT EXISTS.
		{docEvent, `{ $.ThisFlag IS FALSE }`, false},
		{docEvent, `{ $.OtherFlag IS FALSE }`, true},
		{docEvent, `{ $.OtherFlag IS TRUE }`, false},
		{docEvent, `{ $.eventType IS TRUE }`, false},
		{docEvent, `{ $.missing IS FALSE }`, false},
		{docEvent, `{ $.eventType IS NULL }`, false},
		{docEvent, `{ $.missing IS NULL }`, false},
		{docEvent, `{ $.SomeObject NOT EXISTS }`, false},
		{docEvent, `{ $.SomeObject EXISTS }`, true},
		{docEvent, `{ $.user.id EXISTS }`, true},
		{docEvent, `{ $.user.name EXISTS }`, false},
		{docEvent, `{ $.SomeObject.inner NOT EXISTS }`, true},
		// Arrays: indexes, out of range, on a non-array.
		{docEvent, `{ $.arrayKey[1] = "another value" }`, true},
		{docEvent, `{ $.arrayKey[2] = * }`, false},
		{docEvent, `{ $.arrayKey[2] NOT EXISTS }`, true},
		{docEvent, `{ $.eventType[0] = U* }`, false},
		{docEvent, `{ $.objectList[0].name = a && $.objectList[0].id = 1 }`, true},
		// Regular expressions.
		{docEvent, `{ $.sourceIPAddress = %^111\.111\.% }`, true},
		{docEvent, `{ $.sourceIPAddress = %^10\.% }`, false},
		{docEvent, `{ $.eventType = %Trail$% && $.latency = %^5% }`, true},
		// Grouping.
		{docEvent, `{ ($.eventType = CreateTrail || $.eventType = UpdateTrail) && ($.ThisFlag IS TRUE) }`, true},
		{docEvent, `{ ($.eventType = CreateTrail || $.eventType = DeleteTrail) && ($.ThisFlag IS TRUE) }`, false},
		{docEvent, `{ (($.latency > 1) && ($.latency < 2)) || (($.code = 400)) }`, true},
		// Conditions Match cannot decide never match.
		{docEvent, `{ $.user.* = 1 }`, false},
		{docEvent, `{ $.arrayKey[*] = value }`, false},
		{docEvent, `{ $.latency > abc }`, false},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.pattern, err)
			continue
		}
		if got := p.Match(getter(t, tc.event)); got != tc.want {
			t.Errorf("Match(%s) = %v, want %v", tc.pattern, got, tc.want)
		}
	}
}

func TestEvaluable(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		err     string // "" when evaluable
	}{
		{`{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != "Yes" }`, ""},
		{`{ $.resources[0].ARN = "arn:aws:s3:::*" && $.a-b_c[10][2] EXISTS }`, ""},
		{`{ $.latency >= 1e3 }`, ""},
		{`{ $.a = %[a-z]+% }`, ""},
		{`{ $.userIdentity.* = alice }`, "wildcards in selectors"},
		{`{ $.resources[*].ARN = x }`, "[*] is not in CloudWatch Logs' documented syntax"},
		{`{ $.a[x] = 1 }`, "want an array index"},
		{`{ $.a = 1 || $[0] = 1 }`, "want an array index [N] after a field name"},
		{`{ $.a@b = 1 }`, `'@' is not in CloudWatch Logs' documented selector syntax`},
		{`{ $.a = %(% }`, "regular expression"},
		{`{ $.a > ten }`, `> compares numbers, and "ten" is not one`},
		{`{ $.a < 0x10 }`, "compares numbers"},
	} {
		err := MustParse(tc.pattern).Evaluable()
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Evaluable(%s) = %v, want nil", tc.pattern, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Evaluable(%s) = %v, want %q", tc.pattern, err, tc.err)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"500", 500, true}, {"+1000", 1000, true}, {"-1.5", -1.5, true}, {"10e3", 10000, true},
		{"10e-3", 0.01, true}, {"1E+2", 100, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"", 0, false}, {"+", 0, false}, {"1e", 0, false}, {"0x10", 0, false}, {"Inf", 0, false},
		{"NaN", 0, false}, {"1_000", 0, false}, {"4*", 0, false}, {"1.2.3", 0, false},
	} {
		got, ok := number(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("number(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// Real-looking CloudTrail records (the shapes of AWS's documented
// examples) for the CIS monitoring patterns.
const (
	recDenied = `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:dev","arn":"arn:aws:sts::111122223333:assumed-role/dev/dev","accountId":"111122223333"},
"eventTime":"2026-06-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7",
"errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-1","minCount":1,"maxCount":1}]}},
"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventID":"e1"}`
	recAccessDeniedHeadBucket = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"s3.amazonaws.com","eventName":"HeadBucket","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","errorCode":"AccessDenied","eventType":"AwsApiCall","eventID":"e2"}`
	recAccessDeniedLogs = `{"eventVersion":"1.09","userIdentity":{"type":"AWSService","invokedBy":"delivery.logs.amazonaws.com"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"eu-west-1","sourceIPAddress":"delivery.logs.amazonaws.com","errorCode":"AccessDenied","eventType":"AwsApiCall","eventID":"e3"}`
	recAccessDenied = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","errorCode":"AccessDenied","eventType":"AwsApiCall","eventID":"e4"}`
	recLoginNoMFA = `{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/Anaya","accountId":"111122223333","userName":"Anaya"},
"eventTime":"2026-06-01T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.110","userAgent":"Mozilla/5.0",
"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MobileVersion":"No","LoginTo":"https://console.aws.amazon.com/s3/","MFAUsed":"No"},
"eventID":"e5","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`
	recLoginMFA = `{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/Anaya","accountId":"111122223333","userName":"Anaya"},
"eventTime":"2026-06-01T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.110",
"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MobileVersion":"No","MFAUsed":"Yes"},"eventID":"e6","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`
	recLoginFailed = `{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","accountId":"111122223333","accessKeyId":"","userName":"Anaya"},
"eventTime":"2026-06-01T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.110",
"errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MobileVersion":"No","MFAUsed":"No"},
"eventID":"e7","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`
	recRootLogin = `{"eventVersion":"1.05","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},
"eventTime":"2026-06-01T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.110",
"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"},"eventID":"e8","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`
	recRootByService = `{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","invokedBy":"support.amazonaws.com"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"iam.amazonaws.com","eventName":"GetAccountSummary","awsRegion":"us-east-1","sourceIPAddress":"support.amazonaws.com","eventType":"AwsApiCall","eventID":"e9"}`
	recServiceEventRoot = `{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"111122223333"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"kms.amazonaws.com","eventName":"RotateKey","awsRegion":"us-east-1","sourceIPAddress":"kms.amazonaws.com","eventType":"AwsServiceEvent","eventID":"e10"}`
	recSSOLogin = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin/alice"},"eventTime":"2026-06-01T10:00:00Z",
"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.110","responseElements":{"ConsoleLogin":"Success"},
"additionalEventData":{"MFAUsed":"No"},"eventType":"AwsConsoleSignIn","eventID":"e11"}`
)

// call is a successful API call record by an assumed role.
func call(source, name string) string {
	return `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:ops","arn":"arn:aws:sts::111122223333:assumed-role/ops/ops",
"accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/ops"},"attributes":{"mfaAuthenticated":"false"}}},
"eventTime":"2026-06-01T10:00:00Z","eventSource":"` + source + `.amazonaws.com","eventName":"` + name + `","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7",
"userAgent":"aws-cli/2.17.0","requestParameters":{"x":1},"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,
"recipientAccountId":"111122223333","eventID":"c1"}`
}

// The CIS v3.0.0 remediation patterns not declared in filterpattern_test.go.
const (
	cis45  = `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`
	cis46  = `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`
	cis48  = `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`
	cis49  = `{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`
	cis411 = `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`
	cis412 = `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`
	cis414 = `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`
)

func TestMatchCIS(t *testing.T) {
	for _, tc := range []struct {
		name, pattern string
		match, miss   []string
	}{
		{"4.1", cis41,
			[]string{recDenied, recAccessDenied,
				// The verbatim pattern's || binds last: an *UnauthorizedOperation
				// is counted whatever its source.
				strings.Replace(recDenied, `"eventName":"RunInstances"`, `"eventName":"HeadBucket"`, 1)},
			[]string{recAccessDeniedHeadBucket, recAccessDeniedLogs, call("ec2", "RunInstances"), recLoginFailed}},
		{"4.2", cis42, []string{recLoginNoMFA, recLoginFailed, recSSOLogin}, []string{recLoginMFA, recRootLogin, call("iam", "ListUsers")}},
		{"4.2 IAM users", cis42b, []string{recLoginNoMFA}, []string{recLoginFailed, recSSOLogin, recLoginMFA}},
		{"4.3", cis43, []string{recRootLogin, strings.Replace(call("s3", "ListBuckets"), `"type":"AssumedRole"`, `"type":"Root"`, 1)},
			[]string{recRootByService, recServiceEventRoot, recLoginNoMFA, call("s3", "ListBuckets")}},
		{"4.4", cis44, []string{call("iam", "PutRolePolicy"), call("iam", "AttachUserPolicy"), call("iam", "DetachGroupPolicy"), call("iam", "CreatePolicyVersion")},
			[]string{call("iam", "ListPolicies"), call("iam", "CreateRole"), call("iam", "PutRolePermissionsBoundary")}},
		{"4.5", cis45, []string{call("cloudtrail", "StopLogging"), call("cloudtrail", "DeleteTrail"), call("cloudtrail", "CreateTrail")},
			[]string{call("cloudtrail", "DescribeTrails"), call("cloudtrail", "PutEventSelectors")}},
		{"4.6", cis46, []string{recLoginFailed}, []string{recLoginNoMFA, recLoginMFA, recDenied}},
		{"4.7", cis47, []string{call("kms", "DisableKey"), call("kms", "ScheduleKeyDeletion")},
			[]string{call("kms", "EnableKey"), call("kms", "Decrypt"), call("ec2", "DisableKey")}},
		{"4.8", cis48, []string{call("s3", "PutBucketPolicy"), call("s3", "PutBucketAcl"), call("s3", "DeleteBucketReplication")},
			[]string{call("s3", "GetBucketPolicy"), call("s3", "PutBucketPublicAccessBlock"), call("s3control", "PutBucketPolicy")}},
		{"4.9", cis49, []string{call("config", "StopConfigurationRecorder"), call("config", "PutDeliveryChannel")},
			[]string{call("config", "DescribeConfigurationRecorders"), call("config", "DeleteConfigurationRecorder")}},
		{"4.10", cis410, []string{call("ec2", "AuthorizeSecurityGroupIngress"), call("ec2", "DeleteSecurityGroup")},
			[]string{call("ec2", "DescribeSecurityGroups"), call("ec2", "ModifySecurityGroupRules")}},
		{"4.11", cis411, []string{call("ec2", "CreateNetworkAclEntry"), call("ec2", "ReplaceNetworkAclAssociation")}, []string{call("ec2", "DescribeNetworkAcls")}},
		{"4.12", cis412, []string{call("ec2", "AttachInternetGateway"), call("ec2", "DeleteCustomerGateway")}, []string{call("ec2", "CreateNatGateway")}},
		{"4.13", cis413, []string{call("ec2", "CreateRoute"), call("ec2", "DisassociateRouteTable")}, []string{call("ec2", "DescribeRouteTables")}},
		{"4.14", cis414, []string{call("ec2", "CreateVpc"), call("ec2", "ModifyVpcAttribute")}, []string{call("ec2", "DescribeVpcs"), call("ec2", "CreateSubnet")}},
		{"4.15", cis415, []string{call("organizations", "LeaveOrganization"), call("organizations", "AttachPolicy")},
			[]string{call("organizations", "ListAccounts"), call("iam", "AttachPolicy")}},
	} {
		p := MustParse(tc.pattern)
		if err := p.Evaluable(); err != nil {
			t.Errorf("CIS %s: %v", tc.name, err)
		}
		for _, ev := range tc.match {
			if !p.Match(getter(t, ev)) {
				t.Errorf("CIS %s does not match %s", tc.name, short(ev))
			}
		}
		for _, ev := range tc.miss {
			if p.Match(getter(t, ev)) {
				t.Errorf("CIS %s matches %s", tc.name, short(ev))
			}
		}
	}
}

// short names an event in a message by its name and identity.
func short(ev string) string {
	var m map[string]any
	_ = json.NewDecoder(bytes.NewReader([]byte(ev))).Decode(&m)
	id, _ := m["userIdentity"].(map[string]any)
	return m["eventSource"].(string) + ":" + m["eventName"].(string) + " by " + id["type"].(string)
}

// TestMatchAgreesWithMayMatch: wherever MayMatch is certain (false), Match
// is false too; Match never finds what MayMatch rules out.
func TestMatchAgreesWithMayMatch(t *testing.T) {
	patterns := []string{cis41, cis42, cis42b, cis43, cis44, cis45, cis46, cis47, cis48, cis49, cis410, cis411, cis412, cis413, cis414, cis415}
	events := []string{recDenied, recAccessDeniedHeadBucket, recAccessDeniedLogs, recAccessDenied, recLoginNoMFA, recLoginMFA, recLoginFailed,
		recRootLogin, recRootByService, recServiceEventRoot, recSSOLogin, call("ec2", "AuthorizeSecurityGroupIngress"), call("kms", "DisableKey")}
	for _, ps := range patterns {
		p := MustParse(ps)
		for _, ev := range events {
			var m map[string]any
			if err := json.Unmarshal([]byte(ev), &m); err != nil {
				t.Fatal(err)
			}
			if p.Match(getter(t, ev)) && !p.MayMatch(m) {
				t.Errorf("%s: Match true, MayMatch false on %s", ps, short(ev))
			}
		}
	}
}
