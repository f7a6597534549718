package detect

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

var (
	assumedRole = map[string]any{"type": "AssumedRole", "principalId": "AROAEXAMPLE:ops", "arn": "arn:aws:sts::111122223333:assumed-role/ops/ops",
		"accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE", "sessionContext": map[string]any{
			"sessionIssuer": map[string]any{"type": "Role", "arn": "arn:aws:iam::111122223333:role/ops", "accountId": "111122223333", "userName": "ops"},
			"attributes":    map[string]any{"creationDate": "2026-06-01T09:00:00Z", "mfaAuthenticated": "false"}}}
	iamUser = map[string]any{"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::111122223333:user/Anaya",
		"accountId": "111122223333", "userName": "Anaya"}
	root = map[string]any{"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"}
)

// record is a real-looking CloudTrail record: a successful call by an
// assumed role, with the given fields set (nil deletes one).
func record(source, name string, set map[string]any) []byte {
	r := map[string]any{
		"eventVersion": "1.09", "userIdentity": assumedRole, "eventTime": "2026-06-01T10:00:00Z",
		"eventSource": source + ".amazonaws.com", "eventName": name, "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.7",
		"userAgent": "aws-cli/2.17.0", "requestParameters": map[string]any{}, "responseElements": nil,
		"requestID": "6f1e8a4c-0000-4000-8000-000000000001", "eventID": "0b5c3d2e-0000-4000-8000-000000000001",
		"readOnly": false, "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "111122223333",
		"eventCategory": "Management", "tlsDetails": map[string]any{"tlsVersion": "TLSv1.3", "clientProvidedHostHeader": source + ".eu-west-1.amazonaws.com"},
	}
	for k, v := range set {
		if v == nil {
			delete(r, k)
			continue
		}
		r[k] = v
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// login is a console sign-in record as AWS documents them.
func login(identity map[string]any, result, mfa string, set map[string]any) []byte {
	m := map[string]any{"userIdentity": identity, "eventType": "AwsConsoleSignIn", "awsRegion": "us-east-1", "readOnly": nil,
		"requestParameters": nil, "responseElements": map[string]any{"ConsoleLogin": result},
		"additionalEventData": map[string]any{"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa}}
	if result == "Failure" {
		m["errorMessage"] = "Failed authentication"
	}
	maps.Copy(m, set)
	return record("signin", "ConsoleLogin", m)
}

func denied(code string) map[string]any {
	return map[string]any{"errorCode": code, "errorMessage": "You are not authorized to perform this operation."}
}

func ingress(cidr, cidr6 string) map[string]any {
	perm := map[string]any{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": map[string]any{},
		"ipRanges": map[string]any{}, "ipv6Ranges": map[string]any{}, "prefixListIds": map[string]any{}}
	if cidr != "" {
		perm["ipRanges"] = map[string]any{"items": []any{map[string]any{"cidrIp": "10.1.0.0/16"}, map[string]any{"cidrIp": cidr}}}
	}
	if cidr6 != "" {
		perm["ipv6Ranges"] = map[string]any{"items": []any{map[string]any{"cidrIpv6": cidr6}}}
	}
	return map[string]any{"requestParameters": map[string]any{"groupId": "sg-0123456789abcdef0",
		"ipPermissions": map[string]any{"items": []any{perm}}}, "responseElements": map[string]any{"_return": true}}
}

func pab(flag string, v any) map[string]any {
	cfg := map[string]any{"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "BlockPublicAcls": true, "IgnorePublicAcls": true,
		"BlockPublicPolicy": true, "RestrictPublicBuckets": true}
	if flag != "" {
		cfg[flag] = v
	}
	return map[string]any{"requestParameters": map[string]any{"bucketName": "data", "publicAccessBlock": "", "PublicAccessBlockConfiguration": cfg}}
}

// builtinCases are real-looking records and the built-in rules each
// matches, exactly.
var builtinCases = []struct {
	name string
	rec  []byte
	want []string
}{
	// Ordinary activity matches nothing.
	{"describe instances", record("ec2", "DescribeInstances", map[string]any{"readOnly": true}), nil},
	{"assume role", record("sts", "AssumeRole", nil), nil},
	{"kms decrypt", record("kms", "Decrypt", nil), nil},
	{"create tags", record("ec2", "CreateTags", nil), nil},

	// Sign-ins.
	{"IAM user without MFA", login(iamUser, "Success", "No", nil), []string{"CIS.4.2", "GR.ConsoleLogin", "GR.ConsoleLoginNoMFA"}},
	{"IAM user with MFA", login(iamUser, "Success", "Yes", nil), []string{"GR.ConsoleLogin"}},
	{"IAM user failed", login(iamUser, "Failure", "No", nil), []string{"CIS.4.2", "CIS.4.6", "GR.ConsoleLoginFailed"}},
	{"IAM user failed, other reason", login(iamUser, "Failure", "No", map[string]any{"errorMessage": "No username found in supplied account"}),
		[]string{"CIS.4.2", "GR.ConsoleLoginFailed"}},
	{"root with MFA", login(root, "Success", "Yes", nil), []string{"CIS.4.3", "GR.ConsoleLogin", "GR.RootConsoleLogin"}},
	{"root without MFA", login(root, "Success", "No", nil), []string{"CIS.4.2", "CIS.4.3", "GR.ConsoleLogin", "GR.RootConsoleLogin"}},
	{"SSO", login(assumedRole, "Success", "No", nil), []string{"CIS.4.2", "GR.ConsoleLogin"}},

	// Root usage.
	{"root API call", record("s3", "ListBuckets", map[string]any{"userIdentity": root, "readOnly": true}), []string{"CIS.4.3"}},
	{"root call by a service", record("iam", "GetAccountSummary", map[string]any{"userIdentity": map[string]any{"type": "Root", "invokedBy": "support.amazonaws.com"}}), nil},
	{"root access key", record("iam", "CreateAccessKey", map[string]any{"userIdentity": root}), []string{"CIS.4.3", "GR.RootAccessKeyCreated"}},
	{"root creates a user's key", record("iam", "CreateAccessKey", map[string]any{"userIdentity": root, "requestParameters": map[string]any{"userName": "bob"}}),
		[]string{"CIS.4.3"}},

	// Denied calls: CIS 4.1, and the CIS item of what was tried; no GR rule.
	{"denied ingress", record("ec2", "AuthorizeSecurityGroupIngress", merge(ingress("0.0.0.0/0", ""), denied("Client.UnauthorizedOperation"))),
		[]string{"CIS.4.1", "CIS.4.10"}},
	{"denied stop logging", record("cloudtrail", "StopLogging", denied("AccessDenied")), []string{"CIS.4.1", "CIS.4.5"}},
	{"denied HeadBucket", record("s3", "HeadBucket", denied("AccessDenied")), nil},
	{"denied by delivery.logs", record("s3", "PutObject", merge(denied("AccessDenied"), map[string]any{"sourceIPAddress": "delivery.logs.amazonaws.com"})), nil},
	{"throttled", record("ec2", "DescribeInstances", denied("Client.RequestLimitExceeded")), nil},

	// Security groups.
	{"SSH from the world", record("ec2", "AuthorizeSecurityGroupIngress", ingress("0.0.0.0/0", "")), []string{"CIS.4.10", "GR.SecurityGroupOpenToInternet"}},
	{"SSH from the world, IPv6", record("ec2", "AuthorizeSecurityGroupIngress", ingress("", "::/0")), []string{"CIS.4.10", "GR.SecurityGroupOpenToInternet"}},
	{"SSH from the VPC", record("ec2", "AuthorizeSecurityGroupIngress", ingress("", "")), []string{"CIS.4.10"}},
	{"egress to the world", record("ec2", "AuthorizeSecurityGroupEgress", ingress("0.0.0.0/0", "")), []string{"CIS.4.10"}},
	{"legacy cidrIp", record("ec2", "AuthorizeSecurityGroupIngress", map[string]any{"requestParameters": map[string]any{"groupName": "web", "cidrIp": "0.0.0.0/0", "ipProtocol": "tcp"}}),
		[]string{"CIS.4.10", "GR.SecurityGroupOpenToInternet"}},
	{"modify rules", record("ec2", "ModifySecurityGroupRules", nil), []string{"GR.SecurityGroupRulesModified"}},
	{"delete group", record("ec2", "DeleteSecurityGroup", nil), []string{"CIS.4.10"}},

	// CloudTrail.
	{"stop logging", record("cloudtrail", "StopLogging", nil), []string{"CIS.4.5", "GR.CloudTrailStopped"}},
	{"delete trail", record("cloudtrail", "DeleteTrail", nil), []string{"CIS.4.5", "GR.CloudTrailStopped"}},
	{"update trail", record("cloudtrail", "UpdateTrail", nil), []string{"CIS.4.5", "GR.CloudTrailChanged"}},
	{"event selectors", record("cloudtrail", "PutEventSelectors", nil), []string{"GR.CloudTrailChanged"}},
	{"start logging", record("cloudtrail", "StartLogging", nil), []string{"CIS.4.5"}},

	// S3.
	{"bucket policy", record("s3", "PutBucketPolicy", nil), []string{"CIS.4.8"}},
	{"bucket ACL", record("s3", "PutBucketAcl", nil), []string{"CIS.4.8"}},
	{"delete bucket public access block", record("s3", "DeleteBucketPublicAccessBlock", nil), []string{"GR.S3PublicAccessBlockWeakened"}},
	{"delete account public access block", record("s3", "DeleteAccountPublicAccessBlock", nil), []string{"GR.S3PublicAccessBlockWeakened"}},
	{"public access block weakened", record("s3", "PutBucketPublicAccessBlock", pab("BlockPublicPolicy", false)), []string{"GR.S3PublicAccessBlockWeakened"}},
	{"public access block weakened, as text", record("s3", "PutBucketPublicAccessBlock", pab("RestrictPublicBuckets", "false")), []string{"GR.S3PublicAccessBlockWeakened"}},
	{"public access block all on", record("s3", "PutBucketPublicAccessBlock", pab("", nil)), nil},

	// Instances.
	{"run instances", record("ec2", "RunInstances", nil), []string{"GR.EC2InstanceStarted"}},
	{"start instances", record("ec2", "StartInstances", nil), []string{"GR.EC2InstanceStarted"}},
	{"terminate instances", record("ec2", "TerminateInstances", nil), []string{"GR.EC2InstanceStopped"}},

	// KMS, Config, GuardDuty, Security Hub, monitoring.
	{"disable key", record("kms", "DisableKey", nil), []string{"CIS.4.7"}},
	{"schedule key deletion", record("kms", "ScheduleKeyDeletion", nil), []string{"CIS.4.7"}},
	{"stop recorder", record("config", "StopConfigurationRecorder", nil), []string{"CIS.4.9", "GR.ConfigStopped"}},
	{"delete recorder", record("config", "DeleteConfigurationRecorder", nil), []string{"GR.ConfigStopped"}},
	{"put recorder", record("config", "PutConfigurationRecorder", nil), []string{"CIS.4.9"}},
	{"delete detector", record("guardduty", "DeleteDetector", nil), []string{"GR.GuardDutyStopped"}},
	{"disable detector", record("guardduty", "UpdateDetector", map[string]any{"requestParameters": map[string]any{"detectorId": "d1", "enable": false}}),
		[]string{"GR.GuardDutyStopped"}},
	{"detector frequency", record("guardduty", "UpdateDetector", map[string]any{"requestParameters": map[string]any{"detectorId": "d1", "findingPublishingFrequency": "SIX_HOURS"}}),
		[]string{"GR.GuardDutyChanged"}},
	{"suppression filter", record("guardduty", "CreateFilter", nil), []string{"GR.GuardDutyChanged"}},
	{"disable security hub", record("securityhub", "DisableSecurityHub", nil), []string{"CIS.4.16"}},
	{"delete metric filter", record("logs", "DeleteMetricFilter", nil), []string{"GR.MonitoringRemoved"}},
	{"delete alarms", record("monitoring", "DeleteAlarms", nil), []string{"GR.MonitoringRemoved"}},

	// IAM, network, Organizations.
	{"inline role policy", record("iam", "PutRolePolicy", nil), []string{"CIS.4.4"}},
	{"create role", record("iam", "CreateRole", nil), nil},
	{"NACL entry", record("ec2", "CreateNetworkAclEntry", nil), []string{"CIS.4.11"}},
	{"internet gateway", record("ec2", "AttachInternetGateway", nil), []string{"CIS.4.12"}},
	{"route", record("ec2", "CreateRoute", nil), []string{"CIS.4.13"}},
	{"VPC peering", record("ec2", "CreateVpcPeeringConnection", nil), []string{"CIS.4.14"}},
	{"leave organization", record("organizations", "LeaveOrganization", nil), []string{"CIS.4.15"}},
}

func merge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func ids(rules []*Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return out
}

func TestBuiltin(t *testing.T) {
	set := Builtin()
	var d trailevent.Decoder
	for _, tc := range builtinCases {
		ev, err := d.Decode(tc.rec)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := ids(set.Match(ev, nil))
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: matches %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestBuiltinRules: every built-in rule is well formed, names controls
// the catalog has, and is exercised by a test case; every CIS 4.x item
// has its rule.
func TestBuiltinRules(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tc := range builtinCases {
		for _, id := range tc.want {
			covered[id] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range Builtin().Rules() {
		if seen[r.ID] {
			t.Errorf("%s: defined twice", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Source != BuiltinSource || r.m == nil {
			t.Errorf("%s: title %q, source %q", r.ID, r.Title, r.Source)
		}
		if !strings.HasPrefix(r.ID, "CIS.4.") && !strings.HasPrefix(r.ID, "GR.") {
			t.Errorf("%s: built-in rules are CIS.* or GR.*", r.ID)
		}
		for _, c := range r.Controls {
			if cat.Control(c) == nil {
				t.Errorf("%s: no control %s in the catalog", r.ID, c)
			}
		}
		if !covered[r.ID] {
			t.Errorf("%s: no test case matches it", r.ID)
		}
	}
	for i := 1; i <= 16; i++ {
		if id := "CIS.4." + strconv.Itoa(i); !seen[id] {
			t.Errorf("no rule %s", id)
		}
	}
}

// TestIndex: the index finds exactly what checking every rule finds, on
// the test cases and on realistic traffic with every event name a rule
// names.
func TestIndex(t *testing.T) {
	set := Builtin()
	var recs [][]byte
	for _, tc := range builtinCases {
		recs = append(recs, tc.rec)
	}
	var named []string
	for _, r := range set.rules {
		named = append(named, r.names...)
	}
	slices.Sort(named)
	for i, rec := range trailgen.Records(500, 9) {
		recs = append(recs, rec)
		// The same record under each named event.
		if i < len(named) {
			var m map[string]any
			_ = json.Unmarshal(rec, &m)
			m["eventName"] = named[i]
			b, _ := json.Marshal(m)
			recs = append(recs, b)
		}
	}
	indexed := 0
	for _, r := range set.rules {
		if r.names != nil || r.srcs != nil {
			indexed++
		}
	}
	if indexed < set.Len()-3 {
		t.Errorf("only %d of %d built-in rules are indexed", indexed, set.Len())
	}
	var d trailevent.Decoder
	for _, rec := range recs {
		ev, err := d.Decode(rec)
		if err != nil {
			t.Fatal(err)
		}
		var brute []string
		for _, r := range set.rules {
			if r.Matches(ev) {
				brute = append(brute, r.ID)
			}
		}
		if got := ids(set.Match(ev, nil)); strings.Join(got, " ") != strings.Join(brute, " ") {
			t.Errorf("%s: Match %v, every rule %v", ev.Name, got, brute)
		}
	}
}

// TestMatchAllocs: matching allocates nothing.
func TestMatchAllocs(t *testing.T) {
	set := Builtin()
	recs := trailgen.Records(256, 2)
	for _, tc := range builtinCases {
		recs = append(recs, tc.rec)
	}
	var d trailevent.Decoder
	evs := make([]*trailevent.Event, len(recs))
	for i, r := range recs {
		ev, err := d.Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		evs[i] = ev.Clone()
		evs[i].Get("$.eventName") // parsed once, outside the measurement
	}
	out := make([]*Rule, 0, 16)
	i := 0
	allocs := testing.AllocsPerRun(2000, func() {
		out = set.Match(evs[i%len(evs)], out[:0])
		i++
	})
	if allocs > 0 {
		t.Errorf("Match: %.2f allocations per event, want 0", allocs)
	}
}
