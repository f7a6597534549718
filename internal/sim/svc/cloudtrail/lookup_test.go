package cloudtrail_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	ctsdk "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// lookup pages LookupEvents to the end.
func lookup(t *testing.T, c *ctsdk.Client, in *ctsdk.LookupEventsInput) []types.Event {
	t.Helper()
	var out []types.Event
	for page := 0; ; page++ {
		o, err := c.LookupEvents(context.Background(), in)
		if err != nil {
			t.Fatalf("LookupEvents: %v", err)
		}
		out = append(out, o.Events...)
		if o.NextToken == nil || page > 100 {
			return out
		}
		in.NextToken = o.NextToken
	}
}

func byName(events []types.Event, name string) []types.Event {
	var out []types.Event
	for _, e := range events {
		if aws.ToString(e.EventName) == name {
			out = append(out, e)
		}
	}
	return out
}

// record decodes an event's CloudTrailEvent.
func record(t *testing.T, e types.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &m); err != nil {
		t.Fatalf("CloudTrailEvent of %s is not JSON: %v\n%s", aws.ToString(e.EventName), err, aws.ToString(e.CloudTrailEvent))
	}
	return m
}

// field reads a dotted path ("userIdentity.type", "items.0.cidrIp") in a
// decoded record.
func field(m any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := m.(type) {
		case map[string]any:
			m = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			m = x[i]
		default:
			return nil
		}
	}
	return m
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestLookupEventsRecordsCalls makes calls with the SDK (a security group
// opened to the world, a trail stopped, a bucket policy put, a denied and
// a failed call, a role session) and finds each in LookupEvents with
// CloudTrail's fields.
func TestLookupEventsRecordsCalls(t *testing.T) {
	ctx := context.Background()
	w := orgWorld()
	s := simtest.Start(t, w)
	cfg := s.Config(t, simtest.Member, "us-east-1")
	ec2c := ec2api.NewFromConfig(cfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	authReqID, _ := awsmiddleware.GetRequestIDMetadata(auth.ResultMetadata)
	ct := client(t, s, simtest.Member, "us-east-1")
	if _, err := ct.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StopLogging(ctx, &ctsdk.StopLoggingInput{Name: aws.String("main")}); err != nil {
		t.Fatal(err)
	}
	s3c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("site-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: aws.String("site-bucket")}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site-bucket/*"}]}`
	if _, err := s3c.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String("site-bucket"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3api.PutObjectInput{Bucket: aws.String("site-bucket"), Key: aws.String("index.html"), Body: strings.NewReader("hi")}); err != nil {
		t.Fatal(err)
	}
	_, err = s3c.GetBucketPolicy(ctx, &s3api.GetBucketPolicyInput{Bucket: aws.String("nope-no-bucket")})
	wantCode(t, "policy of a missing bucket", err, "NoSuchBucket")
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Service: "ec2", Action: "DescribeInstances"}}})
	_, err = ec2c.DescribeInstances(ctx, &ec2api.DescribeInstancesInput{})
	wantCode(t, "denied", err, "UnauthorizedOperation")
	s.SetFaults(sim.Faults{})

	events := lookup(t, ct, &ctsdk.LookupEventsInput{})
	for _, e := range events {
		if aws.ToString(e.EventSource) == "s3.amazonaws.com" && (aws.ToString(e.EventName) == "PutObject" || aws.ToString(e.EventName) == "GetObject") {
			t.Errorf("LookupEvents returned the data event %s", aws.ToString(e.EventName))
		}
	}
	for i := 1; i < len(events); i++ {
		if events[i].EventTime.After(*events[i-1].EventTime) {
			t.Errorf("events not newest first at %d", i)
		}
	}

	a := byName(events, "AuthorizeSecurityGroupIngress")
	if len(a) != 1 {
		t.Fatalf("AuthorizeSecurityGroupIngress events = %d of %d", len(a), len(events))
	}
	e := a[0]
	if aws.ToString(e.EventSource) != "ec2.amazonaws.com" || aws.ToString(e.ReadOnly) != "false" || aws.ToString(e.Username) != "root" ||
		aws.ToString(e.AccessKeyId) != world.RootKey(simtest.Member) || !e.EventTime.Equal(simtest.Now) || !uuidRE.MatchString(aws.ToString(e.EventId)) {
		t.Errorf("event = %+v", e)
	}
	if len(e.Resources) != 1 || aws.ToString(e.Resources[0].ResourceType) != "AWS::EC2::SecurityGroup" || aws.ToString(e.Resources[0].ResourceName) != aws.ToString(sg.GroupId) {
		t.Errorf("resources = %+v", e.Resources)
	}
	r := record(t, e)
	for path, want := range map[string]any{
		"eventVersion":              "1.11",
		"userIdentity.type":         "Root",
		"userIdentity.principalId":  simtest.Member,
		"userIdentity.arn":          "arn:aws:iam::222222222222:root",
		"userIdentity.accountId":    simtest.Member,
		"userIdentity.accessKeyId":  world.RootKey(simtest.Member),
		"eventTime":                 "2026-06-01T12:00:00Z",
		"eventSource":               "ec2.amazonaws.com",
		"eventName":                 "AuthorizeSecurityGroupIngress",
		"awsRegion":                 "us-east-1",
		"sourceIPAddress":           "127.0.0.1",
		"requestParameters.groupId": aws.ToString(sg.GroupId),
		"requestParameters.ipPermissions.items.0.ipProtocol":              "tcp",
		"requestParameters.ipPermissions.items.0.fromPort":                22.0,
		"requestParameters.ipPermissions.items.0.toPort":                  22.0,
		"requestParameters.ipPermissions.items.0.ipRanges.items.0.cidrIp": "0.0.0.0/0",
		"responseElements._return":                                        true,
		"requestID":                                                       authReqID,
		"eventID":                                                         aws.ToString(e.EventId),
		"readOnly":                                                        false,
		"eventType":                                                       "AwsApiCall",
		"managementEvent":                                                 true,
		"recipientAccountId":                                              simtest.Member,
		"eventCategory":                                                   "Management",
	} {
		if got := field(r, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if ua, _ := r["userAgent"].(string); !strings.Contains(ua, "aws-sdk-go-v2") {
		t.Errorf("userAgent = %q", ua)
	}
	if _, ok := r["errorCode"]; ok {
		t.Errorf("a success has errorCode %v", r["errorCode"])
	}

	stop := byName(events, "StopLogging")
	if len(stop) != 1 {
		t.Fatalf("StopLogging events = %d", len(stop))
	}
	r = record(t, stop[0])
	if field(r, "eventSource") != "cloudtrail.amazonaws.com" || field(r, "requestParameters.name") != "main" || field(r, "responseElements") != nil {
		t.Errorf("StopLogging record = %v", r)
	}
	if res := stop[0].Resources; len(res) != 1 || aws.ToString(res[0].ResourceType) != "AWS::CloudTrail::Trail" || aws.ToString(res[0].ResourceName) != "main" {
		t.Errorf("StopLogging resources = %+v", res)
	}
	create := byName(events, "CreateTrail")
	if len(create) != 1 || field(record(t, create[0]), "responseElements.trailARN") != "arn:aws:cloudtrail:us-east-1:222222222222:trail/main" ||
		field(record(t, create[0]), "requestParameters.s3BucketName") != "trail-bucket" {
		t.Errorf("CreateTrail = %+v", create)
	}

	pol := byName(events, "PutBucketPolicy")
	if len(pol) != 1 {
		t.Fatalf("PutBucketPolicy events = %d", len(pol))
	}
	r = record(t, pol[0])
	if field(r, "requestParameters.bucketName") != "site-bucket" || field(r, "requestParameters.bucketPolicy.Statement.0.Principal") != "*" ||
		field(r, "requestParameters.policy") != "" || field(r, "responseElements") != nil || field(r, "requestParameters.Host") == nil {
		t.Errorf("PutBucketPolicy record = %v", r)
	}

	missing := byName(events, "GetBucketPolicy")
	if len(missing) != 1 || field(record(t, missing[0]), "errorCode") != "NoSuchBucket" || aws.ToString(missing[0].ReadOnly) != "true" {
		t.Errorf("GetBucketPolicy of a missing bucket = %+v", missing)
	}
	denied := byName(events, "DescribeInstances")
	if len(denied) != 1 {
		t.Fatalf("DescribeInstances events = %d", len(denied))
	}
	r = record(t, denied[0])
	if field(r, "errorCode") != "Client.UnauthorizedOperation" || !strings.Contains(field(r, "errorMessage").(string), "is not authorized to perform") ||
		field(r, "responseElements") != nil || field(r, "readOnly") != true {
		t.Errorf("denied record = %v", r)
	}
}

// TestLookupEventsIdentities: an assumed role's session and a global
// service's events, which are recorded in us-east-1.
func TestLookupEventsIdentities(t *testing.T) {
	ctx := context.Background()
	w := orgWorld()
	m := w.Account(simtest.Member)
	m.IAM.Roles = append(m.IAM.Roles, &world.Role{Name: "Admin", Path: "/ops/", ID: "AROASIMADMIN0000001",
		AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`})
	s := simtest.Start(t, w)
	role := awsx.AssumeRole(s.Config(t, simtest.Management, "eu-west-1"), "arn:aws:iam::222222222222:role/ops/Admin", "alice-session")
	if _, err := iamapi.NewFromConfig(role).CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2api.NewFromConfig(role).DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	us := client(t, s, simtest.Member, "us-east-1")
	eu := client(t, s, simtest.Member, "eu-west-1")
	if got := byName(lookup(t, eu, &ctsdk.LookupEventsInput{}), "CreateUser"); len(got) != 0 {
		t.Errorf("IAM's CreateUser in eu-west-1's history: %+v", got)
	}
	cu := byName(lookup(t, us, &ctsdk.LookupEventsInput{}), "CreateUser")
	if len(cu) != 1 {
		t.Fatalf("CreateUser in us-east-1 = %d", len(cu))
	}
	if aws.ToString(cu[0].Username) != "alice-session" {
		t.Errorf("Username = %q, want the session name", aws.ToString(cu[0].Username))
	}
	r := record(t, cu[0])
	for path, want := range map[string]any{
		"userIdentity.type":                                       "AssumedRole",
		"userIdentity.principalId":                                "AROASIMADMIN0000001:alice-session",
		"userIdentity.arn":                                        "arn:aws:sts::222222222222:assumed-role/Admin/alice-session",
		"userIdentity.accountId":                                  simtest.Member,
		"userIdentity.sessionContext.sessionIssuer.type":          "Role",
		"userIdentity.sessionContext.sessionIssuer.principalId":   "AROASIMADMIN0000001",
		"userIdentity.sessionContext.sessionIssuer.arn":           "arn:aws:iam::222222222222:role/ops/Admin",
		"userIdentity.sessionContext.sessionIssuer.accountId":     simtest.Member,
		"userIdentity.sessionContext.sessionIssuer.userName":      "Admin",
		"userIdentity.sessionContext.attributes.creationDate":     "2026-06-01T12:00:00Z",
		"userIdentity.sessionContext.attributes.mfaAuthenticated": "false",
		"awsRegion":                      "us-east-1",
		"eventSource":                    "iam.amazonaws.com",
		"requestParameters.userName":     "bob",
		"responseElements.user.userName": "bob",
		"responseElements.user.arn":      "arn:aws:iam::222222222222:user/bob",
	} {
		if got := field(r, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if k, _ := field(r, "userIdentity.accessKeyId").(string); !strings.HasPrefix(k, "ASIA") {
		t.Errorf("accessKeyId = %q, want the session's key", k)
	}
	if got := byName(lookup(t, eu, &ctsdk.LookupEventsInput{}), "DescribeVpcs"); len(got) != 1 || aws.ToString(got[0].ReadOnly) != "true" {
		t.Errorf("DescribeVpcs in eu-west-1 = %+v", got)
	}
	// The management account's AssumeRole, through STS's regional endpoint.
	ar := byName(lookup(t, client(t, s, simtest.Management, "eu-west-1"), &ctsdk.LookupEventsInput{}), "AssumeRole")
	if len(ar) == 0 || field(record(t, ar[0]), "requestParameters.roleArn") != "arn:aws:iam::222222222222:role/ops/Admin" ||
		field(record(t, ar[0]), "resources.0.type") != "AWS::IAM::Role" {
		t.Errorf("AssumeRole = %+v", ar)
	}
}

// TestLookupEventsAttributes filters by each lookup attribute.
func TestLookupEventsAttributes(t *testing.T) {
	ctx := context.Background()
	w := orgWorld()
	s := simtest.Start(t, w)
	ct := client(t, s, simtest.Member, "us-east-1")
	if _, err := ct.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{}); err != nil {
		t.Fatal(err)
	}
	ec2c := ec2api.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	if _, err := ec2c.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	all := lookup(t, ct, &ctsdk.LookupEventsInput{})
	create := byName(all, "CreateTrail")[0]
	for _, tc := range []struct {
		key, value string
		want       []string // event names, newest first
	}{
		{"EventName", "CreateTrail", []string{"CreateTrail"}},
		{"EventId", aws.ToString(create.EventId), []string{"CreateTrail"}},
		{"ReadOnly", "false", []string{"CreateTrail"}},
		{"ReadOnly", "true", []string{"LookupEvents", "DescribeVpcs", "DescribeTrails"}},
		{"EventSource", "ec2.amazonaws.com", []string{"DescribeVpcs"}},
		{"Username", "root", []string{"LookupEvents", "DescribeVpcs", "DescribeTrails", "CreateTrail"}},
		{"Username", "nobody", nil},
		{"AccessKeyId", world.RootKey(simtest.Member), []string{"LookupEvents", "DescribeVpcs", "DescribeTrails", "CreateTrail"}},
		{"ResourceType", "AWS::CloudTrail::Trail", []string{"CreateTrail"}},
		{"ResourceName", "main", []string{"CreateTrail"}},
	} {
		got := lookup(t, ct, &ctsdk.LookupEventsInput{LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKey(tc.key), AttributeValue: aws.String(tc.value)}}})
		var names []string
		for _, e := range got {
			names = append(names, aws.ToString(e.EventName))
		}
		// Each lookup adds a LookupEvents event of its own: keep the first.
		names = dedupLookups(names)
		if strings.Join(names, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s=%s: %v, want %v", tc.key, tc.value, names, tc.want)
		}
	}
}

// dedupLookups keeps the newest of the LookupEvents events the test's
// own lookups added.
func dedupLookups(names []string) []string {
	var out []string
	seen := false
	for _, n := range names {
		if n == "LookupEvents" {
			if seen {
				continue
			}
			seen = true
		}
		out = append(out, n)
	}
	return out
}

// TestLookupEventsErrors: AWS's error codes for bad requests.
func TestLookupEventsErrors(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	ct := client(t, s, simtest.Member, "us-east-1")
	attr := func(k, v string) types.LookupAttribute {
		return types.LookupAttribute{AttributeKey: types.LookupAttributeKey(k), AttributeValue: aws.String(v)}
	}
	for i := 0; i < 2; i++ {
		if _, err := ct.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	second, err := ct.LookupEvents(ctx, &ctsdk.LookupEventsInput{MaxResults: aws.Int32(1)})
	if err != nil || second.NextToken == nil {
		t.Fatalf("second lookup: %+v %v", second, err)
	}
	for _, tc := range []struct {
		name string
		in   ctsdk.LookupEventsInput
		code string
	}{
		{"two attributes", ctsdk.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("EventName", "A"), attr("Username", "root")}}, "InvalidLookupAttributesException"},
		{"unknown key", ctsdk.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("Region", "us-east-1")}}, "InvalidLookupAttributesException"},
		{"empty value", ctsdk.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("EventName", "")}}, "InvalidLookupAttributesException"},
		{"read-only not a boolean", ctsdk.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("ReadOnly", "yes")}}, "InvalidLookupAttributesException"},
		{"max results 0", ctsdk.LookupEventsInput{MaxResults: aws.Int32(0)}, "InvalidMaxResultsException"},
		{"max results 51", ctsdk.LookupEventsInput{MaxResults: aws.Int32(51)}, "InvalidMaxResultsException"},
		{"start after end", ctsdk.LookupEventsInput{StartTime: aws.Time(simtest.Now), EndTime: aws.Time(simtest.Now.Add(-time.Hour))}, "InvalidTimeRangeException"},
		{"garbage token", ctsdk.LookupEventsInput{NextToken: aws.String("not-a-token")}, "InvalidNextTokenException"},
		{"token with other parameters", ctsdk.LookupEventsInput{MaxResults: aws.Int32(2), NextToken: second.NextToken}, "InvalidNextTokenException"},
		{"event category", ctsdk.LookupEventsInput{EventCategory: types.EventCategory("management")}, "InvalidEventCategoryException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ct.LookupEvents(ctx, &tc.in)
			wantCode(t, tc.name, err, tc.code)
		})
	}
	ins, err := ct.LookupEvents(ctx, &ctsdk.LookupEventsInput{EventCategory: types.EventCategoryInsight})
	if err != nil || len(ins.Events) != 0 {
		t.Errorf("insight events = %+v %v", ins, err)
	}
}

// TestLookupEventsPaging pages newest first while calls go on: no event
// twice, none of those present at the start missed.
func TestLookupEventsPaging(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	ct := client(t, s, simtest.Member, "us-east-1")
	for i := 0; i < 7; i++ {
		if _, err := ct.ListTrails(ctx, &ctsdk.ListTrailsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	in := &ctsdk.LookupEventsInput{MaxResults: aws.Int32(3), LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyEventName, AttributeValue: aws.String("ListTrails")}}}
	seen := map[string]bool{}
	pages := 0
	var last *types.Event
	for {
		o, err := ct.LookupEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for i := range o.Events {
			e := o.Events[i]
			if seen[aws.ToString(e.EventId)] {
				t.Errorf("event %s twice", aws.ToString(e.EventId))
			}
			seen[aws.ToString(e.EventId)] = true
			if last != nil && e.EventTime.After(*last.EventTime) {
				t.Errorf("not newest first")
			}
			last = &e
		}
		// A call between pages: newer than the position, never seen.
		if _, err := ct.ListTrails(ctx, &ctsdk.ListTrailsInput{}); err != nil {
			t.Fatal(err)
		}
		if o.NextToken == nil {
			break
		}
		in.NextToken = o.NextToken
	}
	if len(seen) != 7 || pages != 3 {
		t.Errorf("paged %d events in %d pages, want 7 in 3", len(seen), pages)
	}
}

// TestLookupEventsWindow: events older than 90 days are not returned,
// whatever StartTime says; StartTime and EndTime bound the rest.
func TestLookupEventsWindow(t *testing.T) {
	w := orgWorld()
	s := simtest.Start(t, w)
	for _, days := range []int{120, 91, 89, 10, 1} {
		w.AppendTrailRecord(world.TrailRecord{Account: simtest.Member, Region: "us-east-1", EventSource: "ec2.amazonaws.com",
			EventName: "Old" + strconv.Itoa(days), EventTime: simtest.Now.AddDate(0, 0, -days),
			Identity: world.TrailIdentity{Type: "Root", AccountID: simtest.Member, ARN: "arn:aws:iam::222222222222:root"}})
	}
	ct := client(t, s, simtest.Member, "us-east-1")
	names := func(in *ctsdk.LookupEventsInput) string {
		var out []string
		for _, e := range lookup(t, ct, in) {
			if n := aws.ToString(e.EventName); strings.HasPrefix(n, "Old") {
				out = append(out, n)
			}
		}
		return strings.Join(out, ",")
	}
	if got := names(&ctsdk.LookupEventsInput{}); got != "Old1,Old10,Old89" {
		t.Errorf("default window: %s", got)
	}
	if got := names(&ctsdk.LookupEventsInput{StartTime: aws.Time(simtest.Now.AddDate(0, 0, -200))}); got != "Old1,Old10,Old89" {
		t.Errorf("start 200 days ago: %s", got)
	}
	if got := names(&ctsdk.LookupEventsInput{StartTime: aws.Time(simtest.Now.AddDate(0, 0, -50)), EndTime: aws.Time(simtest.Now.AddDate(0, 0, -5))}); got != "Old10" {
		t.Errorf("50 to 5 days ago: %s", got)
	}
}

// TestLookupEventsRateLimit: with throttling on, LookupEvents allows 2
// calls a second per account and region, on a bucket of its own.
func TestLookupEventsRateLimit(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	s.SetFaults(sim.Faults{Throttle: true})
	ct := client(t, s, simtest.Member, "us-east-1")
	var throttled int
	for i := 0; i < 3; i++ {
		if _, err := ct.LookupEvents(ctx, &ctsdk.LookupEventsInput{}); err != nil {
			wantCode(t, "third lookup", err, "ThrottlingException")
			throttled++
		}
	}
	if throttled != 1 {
		t.Errorf("throttled %d of 3 quick lookups, want 1", throttled)
	}
	if _, err := ct.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{}); err != nil {
		t.Errorf("DescribeTrails after throttled lookups: %v", err)
	}
	if _, err := client(t, s, simtest.Member, "eu-west-1").LookupEvents(ctx, &ctsdk.LookupEventsInput{}); err != nil {
		t.Errorf("lookup in another region: %v", err)
	}
}
