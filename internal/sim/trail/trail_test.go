package trail

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

func js(t *testing.T, v any) string {
	t.Helper()
	b := marshal(v)
	if b == nil {
		return "null"
	}
	return string(b)
}

// TestRequestParameters: each protocol's request in CloudTrail's shapes.
func TestRequestParameters(t *testing.T) {
	form := func(q string) url.Values { v, _ := url.ParseQuery(q); return v }
	for _, tc := range []struct {
		name string
		src  source
		want string
	}{
		{"ec2 nested lists and numbers", source{protocol: wire.EC2Query, form: form(
			"Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0%2F8")},
			`{"groupId":"sg-1","ipPermissions":{"items":[{"fromPort":22,"ipProtocol":"tcp","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"},{"cidrIp":"10.0.0.0/8"}]},"toPort":22}]}}`},
		{"ec2 scalar lists, filters, booleans", source{protocol: wire.EC2Query, form: form(
			"Action=StopInstances&InstanceId.1=i-1&InstanceId.2=i-2&Force=false&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod")},
			`{"filterSet":{"items":[{"name":"tag:env","valueSet":{"items":[{"value":"prod"}]}}]},"force":false,"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"}]}}`},
		{"ec2 none", source{protocol: wire.EC2Query, form: form("Action=DescribeRegions&Version=2016-11-15")}, `null`},
		{"awsQuery members", source{protocol: wire.Query, form: form(
			"Action=CreateRole&RoleName=R&MaxSessionDuration=3600&Tags.member.1.Key=team&Tags.member.1.Value=sec&AssumeRolePolicyDocument=%7B%7D")},
			`{"assumeRolePolicyDocument":"{}","maxSessionDuration":3600,"roleName":"R","tags":[{"key":"team","value":"sec"}]}`},
		{"awsJson", source{protocol: wire.JSON11, body: []byte(`{"Name":"main","S3BucketName":"b","TagsList":[{"Key":"k","Value":"v"}],"IsMultiRegionTrail":true}`)},
			`{"isMultiRegionTrail":true,"name":"main","s3BucketName":"b","tagsList":[{"key":"k","value":"v"}]}`},
		{"awsJson empty", source{protocol: wire.JSON11, body: []byte(`{}`)}, `null`},
		{"restJson path and body", source{protocol: wire.RestJSON, path: map[string]string{"DetectorId": "d1"}, query: "maxResults=5", body: []byte(`{"enable":false}`)},
			`{"detectorId":"d1","enable":false,"maxResults":"5"}`},
		{"s3 policy", source{protocol: wire.RestXML, op: "PutBucketPolicy", host: "b.s3.amazonaws.com", query: "policy=", path: map[string]string{"Bucket": "b"},
			body: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`)},
			`{"Host":"b.s3.amazonaws.com","bucketName":"b","bucketPolicy":{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Principal":"*"}],"Version":"2012-10-17"},"policy":""}`},
		{"s3 configuration", source{protocol: wire.RestXML, op: "PutPublicAccessBlock", query: "publicAccessBlock=", path: map[string]string{"Bucket": "b"},
			body: []byte(`<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls></PublicAccessBlockConfiguration>`)},
			`{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":false,"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},"bucketName":"b","publicAccessBlock":""}`},
		{"s3 object body is not a parameter", source{protocol: wire.RestXML, op: "PutObject", path: map[string]string{"Bucket": "b", "Key": "k/x.txt"}, body: []byte("<x/>")},
			`{"bucketName":"b","key":"k/x.txt"}`},
	} {
		if got := js(t, tc.src.params()); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestResponseElements: writes' answers as CloudTrail writes them.
func TestResponseElements(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  source
		want string
	}{
		{"awsQuery result without its wrapper", source{protocol: wire.Query, op: "CreateUser", response: []byte(
			`<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>bob</UserName><Arn>arn:aws:iam::1:user/bob</Arn></User></CreateUserResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateUserResponse>`)},
			`{"user":{"arn":"arn:aws:iam::1:user/bob","path":"/","userName":"bob"}}`},
		{"awsQuery secrets dropped", source{protocol: wire.Query, op: "CreateAccessKey", response: []byte(
			`<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><AccessKeyId>AKIA1</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey></AccessKey></CreateAccessKeyResult></CreateAccessKeyResponse>`)},
			`{"accessKey":{"accessKeyId":"AKIA1"}}`},
		{"awsQuery empty result", source{protocol: wire.Query, op: "DeleteUser", response: []byte(`<DeleteUserResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>`)}, `null`},
		{"ec2 whole answer", source{protocol: wire.EC2Query, op: "StopInstances", response: []byte(
			`<StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><instancesSet><item><instanceId>i-1</instanceId><currentState><code>64</code><name>stopping</name></currentState></item></instancesSet></StopInstancesResponse>`)},
			`{"instancesSet":{"items":[{"currentState":{"code":64,"name":"stopping"},"instanceId":"i-1"}]},"requestId":"r"}`},
		{"ec2 return", source{protocol: wire.EC2Query, op: "DeleteVpc", response: []byte(`<DeleteVpcResponse><requestId>r</requestId><return>true</return></DeleteVpcResponse>`)},
			`{"_return":true,"requestId":"r"}`},
		{"awsJson", source{protocol: wire.JSON11, response: []byte(`{"TrailARN":"arn:aws:cloudtrail:us-east-1:1:trail/t","Name":"t"}`)}, `{"name":"t","trailARN":"arn:aws:cloudtrail:us-east-1:1:trail/t"}`},
		{"awsJson nothing", source{protocol: wire.JSON11, response: []byte(`{}`)}, `null`},
	} {
		if got := js(t, tc.src.responseElements()); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestClassification: readOnly, data events, regions, sources, errors.
func TestClassification(t *testing.T) {
	for _, tc := range []struct {
		service, op    string
		readOnly, data bool
	}{
		{"ec2", "DescribeInstances", true, false},
		{"ec2", "AuthorizeSecurityGroupIngress", false, false},
		{"cloudtrail", "LookupEvents", true, false},
		{"cloudtrail", "StopLogging", false, false},
		{"iam", "GetUser", true, false},
		{"iam", "Getaway", false, false}, // not a Get verb
		{"s3", "ListBuckets", true, false},
		{"s3", "HeadBucket", true, false},
		{"s3", "PutBucketPolicy", false, false},
		{"s3", "GetObject", true, true},
		{"s3", "PutObject", false, true},
		{"s3", "ListObjectsV2", true, true},
		{"sts", "AssumeRole", true, false},
		{"kms", "Decrypt", true, false},
		{"kms", "ScheduleKeyDeletion", false, false},
		{"sqs", "ReceiveMessage", true, true},
		{"sqs", "CreateQueue", false, false},
	} {
		if ReadOnly(tc.service, tc.op) != tc.readOnly || DataEvent(tc.service, tc.op) != tc.data {
			t.Errorf("%s:%s: readOnly %v data %v, want %v %v", tc.service, tc.op, ReadOnly(tc.service, tc.op), DataEvent(tc.service, tc.op), tc.readOnly, tc.data)
		}
	}
	for _, tc := range []struct{ service, region, want string }{
		{"iam", "eu-west-1", "us-east-1"}, {"organizations", "eu-west-1", "us-east-1"}, {"sts", "eu-west-1", "eu-west-1"}, {"ec2", "ap-south-1", "ap-south-1"},
	} {
		if got := Region(tc.service, tc.region, "us-east-1"); got != tc.want {
			t.Errorf("Region(%s, %s) = %s", tc.service, tc.region, got)
		}
	}
	if Source("monitoring") != "monitoring.amazonaws.com" || Source("s3control") != "s3.amazonaws.com" {
		t.Errorf("sources %s %s", Source("monitoring"), Source("s3control"))
	}
	for _, tc := range []struct {
		p    wire.Protocol
		err  *wire.Error
		want string
	}{
		{wire.EC2Query, wire.Errorf(403, "UnauthorizedOperation", "no"), "Client.UnauthorizedOperation"},
		{wire.EC2Query, wire.Errorf(503, "RequestLimitExceeded", "slow"), "Client.RequestLimitExceeded"},
		{wire.EC2Query, wire.Errorf(500, "InternalError", "oops"), "Server.InternalError"},
		{wire.Query, wire.Errorf(403, "AccessDenied", "no"), "AccessDenied"},
		{wire.RestXML, wire.Errorf(404, "NoSuchBucket", "no"), "NoSuchBucket"},
	} {
		if code, _ := errorOf("x", tc.p, tc.err); code != tc.want {
			t.Errorf("%v %s: %s, want %s", tc.p, tc.err.Code, code, tc.want)
		}
	}
}

// TestEventName: the operations CloudTrail records under another name
// (the S3 User Guide's list of bucket- and account-level event names;
// Lambda's versioned names), and the many it records as they are.
func TestEventName(t *testing.T) {
	for _, tc := range []struct{ service, op, want string }{
		{"s3", "PutPublicAccessBlock", "PutBucketPublicAccessBlock"},
		{"s3", "GetPublicAccessBlock", "GetBucketPublicAccessBlock"},
		{"s3", "DeletePublicAccessBlock", "DeleteBucketPublicAccessBlock"},
		{"s3", "PutBucketLifecycleConfiguration", "PutBucketLifecycle"},
		{"s3", "GetBucketLifecycleConfiguration", "GetBucketLifecycle"},
		{"s3", "DeleteBucketLifecycle", "DeleteBucketLifecycle"},
		{"s3", "PutBucketNotificationConfiguration", "PutBucketNotification"},
		{"s3", "GetBucketNotificationConfiguration", "GetBucketNotification"},
		{"s3", "ListObjectsV2", "ListObjects"},
		{"s3", "GetBucketAcl", "GetBucketAcl"},
		{"s3", "PutBucketPolicy", "PutBucketPolicy"},
		{"s3", "GetObjectLockConfiguration", "GetObjectLockConfiguration"},
		{"s3", "PutObject", "PutObject"},
		{"s3control", "PutPublicAccessBlock", "PutAccountPublicAccessBlock"},
		{"s3control", "GetPublicAccessBlock", "GetAccountPublicAccessBlock"},
		{"s3control", "DeletePublicAccessBlock", "DeleteAccountPublicAccessBlock"},
		{"s3control", "CreateAccessPoint", "CreateAccessPoint"},
		{"lambda", "AddPermission", "AddPermission20150331v2"},
		{"lambda", "RemovePermission", "RemovePermission20150331v2"},
		{"lambda", "GetPolicy", "GetPolicy20150331v2"},
		{"lambda", "ListFunctions", "ListFunctions20150331"},
		{"lambda", "GetFunction", "GetFunction20150331v2"},
		{"lambda", "ListTags", "ListTags20170331"},
		{"lambda", "CreateFunctionUrlConfig", "CreateFunctionUrlConfig"},
		{"ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupIngress"},
		{"cloudtrail", "StopLogging", "StopLogging"},
		{"iam", "PutUserPolicy", "PutUserPolicy"},
		{"kms", "ScheduleKeyDeletion", "ScheduleKeyDeletion"},
		{"guardduty", "UpdateDetector", "UpdateDetector"},
		{"ec2", "GetPublicAccessBlock", "GetPublicAccessBlock"}, // another service's op of that name is not renamed
	} {
		if got := EventName(tc.service, tc.op); got != tc.want {
			t.Errorf("EventName(%s, %s) = %s, want %s", tc.service, tc.op, got, tc.want)
		}
	}
}

// TestResources: what LookupEvents shows as ResourceType and ResourceName.
func TestResources(t *testing.T) {
	for _, tc := range []struct {
		name   string
		src    source
		params string
		want   string
	}{
		{"ec2 groups and instances", source{service: "ec2"}, `{"groupId":"sg-1","instancesSet":{"items":[{"instanceId":"i-1"}]}}`,
			`[{"Type":"AWS::EC2::SecurityGroup","Name":"sg-1","ARN":"","AccountID":""},{"Type":"AWS::EC2::Instance","Name":"i-1","ARN":"","AccountID":""}]`},
		{"s3 object data event", source{service: "s3", op: "PutObject", account: "1"}, `{"bucketName":"b","key":"k"}`,
			`[{"Type":"AWS::S3::Object","Name":"b/k","ARN":"arn:aws:s3:::b/k","AccountID":""},{"Type":"AWS::S3::Bucket","Name":"b","ARN":"arn:aws:s3:::b","AccountID":"1"}]`},
		{"sts role", source{service: "sts"}, `{"roleArn":"arn:aws:iam::2:role/R","roleSessionName":"s"}`,
			`[{"Type":"AWS::IAM::Role","Name":"arn:aws:iam::2:role/R","ARN":"arn:aws:iam::2:role/R","AccountID":"2"}]`},
		{"unknown service", source{service: "nope"}, `{"name":"x"}`, `null`},
	} {
		var p map[string]any
		json.Unmarshal([]byte(tc.params), &p)
		got, _ := json.Marshal(tc.src.resources(p))
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
