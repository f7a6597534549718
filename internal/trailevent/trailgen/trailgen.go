// Package trailgen generates realistic CloudTrail records, for the
// benchmarks of the watch's hot path (go test -bench, guardrail bench
// watch) and for tests that need many records.
//
// The records have the size and shape of real management events (about
// 1.5 KB): assumed-role identities with their session context, a user
// agent, request parameters of a few fields, TLS details. The mix is an
// organization's ordinary day: mostly reads (Describe*, List*, Get*,
// KMS decrypts, STS), some routine writes, a few denied calls, and a few
// of the changes detection rules look for. Most records match no
// built-in rule, as in real trails.
//
// The package imports nothing of Guardrail's.
package trailgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// call is one kind of API call in the mix.
type call struct {
	source, name string
	weight       int
	readOnly     bool
	params       func(r *rand.Rand) string // requestParameters, JSON
	response     string                    // responseElements, JSON
}

// mix is the calls and how often each happens, per 1000 records.
var mix = []call{
	{"ec2", "DescribeInstances", 120, true, func(r *rand.Rand) string {
		return `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:app","valueSet":{"items":[{"value":"` + pick(r, apps) + `"}]}}]}}`
	}, "null"},
	{"ec2", "DescribeSecurityGroups", 40, true, func(r *rand.Rand) string {
		return `{"securityGroupSet":{},"securityGroupIdSet":{"items":[{"groupId":"sg-0` + hex(r, 16) + `"}]},"filterSet":{}}`
	}, "null"},
	{"ec2", "DescribeVolumes", 30, true, func(r *rand.Rand) string {
		return `{"volumeSet":{},"filterSet":{},"maxResults":500}`
	}, "null"},
	{"sts", "AssumeRole", 130, true, func(r *rand.Rand) string {
		return `{"roleArn":"arn:aws:iam::` + account(r) + `:role/` + pick(r, roles) + `","roleSessionName":"` + pick(r, apps) + `-` + hex(r, 8) + `","durationSeconds":3600}`
	}, `{"credentials":{"accessKeyId":"ASIA` + "EXAMPLEKEY0000000" + `","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":"Jun 1, 2026, 11:00:00 AM"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE:session","arn":"arn:aws:sts::111122223333:assumed-role/app/session"}}`},
	{"sts", "GetCallerIdentity", 40, true, func(*rand.Rand) string { return "null" }, "null"},
	{"kms", "Decrypt", 150, true, func(r *rand.Rand) string {
		return `{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::` + pick(r, apps) + `-data/` + hex(r, 12) + `"}}`
	}, "null"},
	{"kms", "GenerateDataKey", 60, true, func(r *rand.Rand) string {
		return `{"keyId":"arn:aws:kms:eu-west-1:` + account(r) + `:key/` + uuid(r) + `","keySpec":"AES_256"}`
	}, "null"},
	{"s3", "ListBuckets", 30, true, func(*rand.Rand) string { return `{"Host":"s3.amazonaws.com"}` }, "null"},
	{"s3", "GetBucketAcl", 30, true, func(r *rand.Rand) string {
		return `{"bucketName":"` + pick(r, apps) + `-data","Host":"` + pick(r, apps) + `-data.s3.eu-west-1.amazonaws.com","acl":""}`
	}, "null"},
	{"iam", "GetRole", 40, true, func(r *rand.Rand) string { return `{"roleName":"` + pick(r, roles) + `"}` }, "null"},
	{"iam", "ListRoles", 20, true, func(*rand.Rand) string { return `{"maxItems":100}` }, "null"},
	{"logs", "CreateLogStream", 50, false, func(r *rand.Rand) string {
		return `{"logGroupName":"/aws/lambda/` + pick(r, apps) + `","logStreamName":"2026/06/01/[$LATEST]` + hex(r, 32) + `"}`
	}, "null"},
	{"logs", "DescribeLogGroups", 20, true, func(*rand.Rand) string { return `{"limit":50}` }, "null"},
	{"lambda", "GetFunction", 30, true, func(r *rand.Rand) string { return `{"functionName":"` + pick(r, apps) + `"}` }, "null"},
	{"dynamodb", "DescribeTable", 40, true, func(r *rand.Rand) string { return `{"tableName":"` + pick(r, apps) + `-sessions"}` }, "null"},
	{"ssm", "GetParameter", 40, true, func(r *rand.Rand) string { return `{"name":"/` + pick(r, apps) + `/db/host","withDecryption":true}` }, "null"},
	{"cloudtrail", "LookupEvents", 10, true, func(*rand.Rand) string { return `{"maxResults":50}` }, "null"},
	{"config", "DescribeConfigurationRecorders", 10, true, func(*rand.Rand) string { return "null" }, "null"},
	{"ecr", "GetAuthorizationToken", 25, true, func(*rand.Rand) string { return "null" }, "null"},
	{"autoscaling", "DescribeAutoScalingGroups", 20, true, func(*rand.Rand) string { return `{"maxRecords":100}` }, "null"},
	// Routine writes.
	{"ec2", "CreateTags", 15, false, func(r *rand.Rand) string {
		return `{"resourcesSet":{"items":[{"resourceId":"i-0` + hex(r, 16) + `"}]},"tagSet":{"items":[{"key":"owner","value":"` + pick(r, apps) + `"}]}}`
	}, `{"_return":true}`},
	{"lambda", "UpdateFunctionCode20150331v2", 5, false, func(r *rand.Rand) string { return `{"functionName":"` + pick(r, apps) + `","publish":true}` }, "null"},
	// What detection rules look for: rare.
	{"ec2", "RunInstances", 5, false, func(r *rand.Rand) string {
		return `{"instancesSet":{"items":[{"imageId":"ami-0` + hex(r, 16) + `","minCount":1,"maxCount":1}]},"instanceType":"t3.micro","monitoring":{"enabled":false}}`
	}, `{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}}`},
	{"ec2", "StopInstances", 3, false, func(r *rand.Rand) string {
		return `{"instancesSet":{"items":[{"instanceId":"i-0` + hex(r, 16) + `"}]},"force":false}`
	}, "null"},
	{"ec2", "AuthorizeSecurityGroupIngress", 2, false, func(r *rand.Rand) string {
		return `{"groupId":"sg-0` + hex(r, 16) + `","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{},"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`
	}, `{"_return":true}`},
	{"iam", "PutRolePolicy", 2, false, func(r *rand.Rand) string {
		return `{"roleName":"` + pick(r, roles) + `","policyName":"inline","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`
	}, "null"},
	{"s3", "PutBucketPolicy", 1, false, func(r *rand.Rand) string {
		return `{"bucketName":"` + pick(r, apps) + `-data","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]},"policy":""}`
	}, "null"},
}

var (
	apps  = []string{"checkout", "catalog", "search", "billing", "auth", "reports", "ingest", "web"}
	roles = []string{"app-runtime", "ci-deploy", "AWSReservedSSO_Developer_0a1b2c3d", "OrganizationAccountAccessRole", "lambda-exec", "ecs-task"}
	ua    = []string{
		"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/%s#1.173.0",
		"aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.92 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#%s",
		"Boto3/1.34.140 md/Botocore#1.34.140 ua/2.0 os/linux#5.10.219 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.140 api/%s",
	}
	regions = []string{"eu-west-1", "eu-west-1", "eu-west-1", "us-east-1", "us-east-1", "eu-central-1"}
)

// Generator makes records; it is deterministic for a seed.
type Generator struct {
	r     *rand.Rand
	cum   []int
	total int
	t     time.Time
	n     int
}

// New returns a Generator seeded with seed, whose records start at start
// and are a few milliseconds apart.
func New(seed uint64, start time.Time) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), t: start.UTC()}
	for _, c := range mix {
		g.total += c.weight
		g.cum = append(g.cum, g.total)
	}
	return g
}

// Records returns n records of a Generator seeded with seed.
func Records(n int, seed uint64) [][]byte {
	g := New(seed, time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
	out := make([][]byte, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// Next returns a new record.
func (g *Generator) Next() []byte {
	r := g.r
	k := r.IntN(g.total)
	c := mix[0]
	for i, cum := range g.cum {
		if k < cum {
			c = mix[i]
			break
		}
	}
	g.n++
	g.t = g.t.Add(time.Duration(1+r.IntN(20)) * time.Millisecond)
	acct := account(r)
	role := pick(r, roles)
	session := pick(r, apps) + "-" + hex(r, 8)
	region := pick(r, regions)
	if c.source == "iam" || c.source == "sts" && r.IntN(2) == 0 {
		region = "us-east-1"
	}
	errFields := ""
	// About 2% of calls are denied, as in a busy organization.
	if r.IntN(50) == 0 {
		errFields = `"errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::` + acct + `:assumed-role/` + role + `/` + session +
			` is not authorized to perform: ` + c.source + `:` + c.name + ` because no identity-based policy allows the action",`
	}
	b := make([]byte, 0, 1700)
	b = append(b, `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROA`...)
	b = append(b, upperHex(r, 17)...)
	b = append(b, ':')
	b = append(b, session...)
	b = append(b, `","arn":"arn:aws:sts::`...)
	b = append(b, acct...)
	b = append(b, `:assumed-role/`...)
	b = append(b, role...)
	b = append(b, '/')
	b = append(b, session...)
	b = append(b, `","accountId":"`...)
	b = append(b, acct...)
	b = append(b, `","accessKeyId":"ASIA`...)
	b = append(b, upperHex(r, 16)...)
	b = append(b, `","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA`...)
	b = append(b, upperHex(r, 17)...)
	b = append(b, `","arn":"arn:aws:iam::`...)
	b = append(b, acct...)
	b = append(b, `:role/`...)
	b = append(b, role...)
	b = append(b, `","accountId":"`...)
	b = append(b, acct...)
	b = append(b, `","userName":"`...)
	b = append(b, role...)
	b = append(b, `"},"webIdFederationData":{},"attributes":{"creationDate":"`...)
	b = g.t.Add(-time.Duration(r.IntN(3600))*time.Second).AppendFormat(b, time.RFC3339)
	b = append(b, `","mfaAuthenticated":"false"}}},"eventTime":"`...)
	b = g.t.AppendFormat(b, time.RFC3339)
	b = append(b, `","eventSource":"`...)
	b = append(b, c.source...)
	b = append(b, `.amazonaws.com","eventName":"`...)
	b = append(b, c.name...)
	b = append(b, `","awsRegion":"`...)
	b = append(b, region...)
	b = append(b, `","sourceIPAddress":"10.`...)
	b = strconv.AppendInt(b, int64(r.IntN(256)), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(r.IntN(256)), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(1+r.IntN(254)), 10)
	b = append(b, `","userAgent":"`...)
	b = fmt.Appendf(b, pick(r, ua), c.source)
	b = append(b, `",`...)
	b = append(b, errFields...)
	b = append(b, `"requestParameters":`...)
	b = append(b, c.params(r)...)
	b = append(b, `,"responseElements":`...)
	if errFields != "" {
		b = append(b, "null"...)
	} else {
		b = append(b, c.response...)
	}
	b = append(b, `,"requestID":"`...)
	b = append(b, uuid(r)...)
	b = append(b, `","eventID":"`...)
	b = append(b, uuid(r)...)
	b = append(b, `","readOnly":`...)
	b = strconv.AppendBool(b, c.readOnly)
	b = append(b, `,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"`...)
	b = append(b, acct...)
	// Calls from private addresses come through a VPC endpoint.
	b = append(b, `","vpcEndpointId":"vpce-0`...)
	b = append(b, hex(r, 16)...)
	b = append(b, `","vpcEndpointAccountId":"`...)
	b = append(b, acct...)
	b = append(b, `","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`...)
	b = append(b, c.source...)
	b = append(b, '.')
	b = append(b, region...)
	b = append(b, `.amazonaws.com"}}`...)
	return b
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// account is one of 200 member accounts.
func account(r *rand.Rand) string { return strconv.Itoa(444444444400 + r.IntN(200)) }

func hex(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func upperHex(r *rand.Rand, n int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(len(digits))]
	}
	return string(b)
}

func uuid(r *rand.Rand) string {
	h := hex(r, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:]
}
