// Package trail turns a call the simulator served into a CloudTrail
// record (world.TrailRecord): who called (userIdentity from the access
// key), what (eventSource, eventName, readOnly, management or data
// event), where (awsRegion: us-east-1 for IAM, Organizations and Account,
// the signing region otherwise), with what (requestParameters decoded
// from the request in CloudTrail's shapes) and how it ended (errorCode
// and errorMessage, or responseElements decoded from a write's answer).
//
// The shapes are CloudTrail's, as far as one rule per protocol gets
// them: request members with their first letter lowercased (userName,
// trailNameList, s3BucketName); EC2's lists as {"items":[...]} with
// scalar lists as "<name>Set" (instancesSet.items[].instanceId); S3's
// bucketName, key, Host and sub-resources, its XML configurations under
// their element name and the bucket policy as a document; IAM's
// answers without the Result wrapper. What a service writes beyond that
// rule (EC2's odd list names) is not modelled; the event names CloudTrail
// gives some operations (S3's, Lambda's versioned ones) are (EventName).
//
// requestParameters, responseElements and resources are built only when
// the record is read (world.TrailRecord.Detail): the server keeps the
// request's bytes and parsed form, which nothing changes afterwards.
//
// trail reads wire's calls and writes world's records; it must not
// import the simulator's server or the services.
package trail

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Call is one call as the simulator recorded it.
type Call struct {
	// Service is the signing name (ec2, monitoring, ...), or s3control
	// for S3 Control (which signs as s3).
	Service  string
	Protocol wire.Protocol
	// Region is the region the call was signed for; Home the partition's
	// home region, where global services record.
	Region, Home string
	Cred         *world.Credential
	// Account is the account called (the credential's).
	Account string
	Req     *wire.Call
	// Err is the error the call answered, nil on success.
	Err error
	// Response is the answer's body (writes only; see CapturesResponse).
	Response []byte
}

// Record stores the record of c in w (and sends it to its trails and
// subscribers). Call it holding no lock of the world.
func Record(w *world.World, c Call) {
	w.AppendTrailRecord(New(c))
}

// New builds the record of c; its details are built when first read.
func New(c Call) world.TrailRecord {
	op := c.Req.Op
	r := world.TrailRecord{
		EventSource:     Source(c.Service),
		EventName:       EventName(c.Service, op),
		EventType:       "AwsApiCall",
		Region:          Region(c.Service, c.Region, c.Home),
		Account:         c.Account,
		Identity:        world.IdentityOf(c.Cred),
		RequestID:       c.Req.RequestID,
		ReadOnly:        ReadOnly(c.Service, op),
		Data:            DataEvent(c.Service, op),
		SourceIPAddress: sourceIP(c.Req),
		UserAgent:       c.Req.Req.UserAgent(),
	}
	if c.Err != nil {
		r.ErrorCode, r.ErrorMessage = errorOf(c.Service, c.Protocol, c.Err)
	}
	src := &source{
		service: c.Service, protocol: c.Protocol, op: op, account: c.Account, region: r.Region,
		body: c.Req.Body, form: c.Req.Form, path: c.Req.Path, query: c.Req.Req.URL.RawQuery, host: c.Req.Req.Host,
		failed: c.Err != nil, response: c.Response,
	}
	r.Build = src.details
	return r
}

// eventNames are the operations CloudTrail records under another name
// than the API's, by service (signing name). The rest are recorded as
// the operation is named.
//
//   - S3 (Amazon S3 User Guide, "Amazon S3 CloudTrail events"): the
//     bucket's Block Public Access calls are recorded as
//     Get/Put/DeleteBucketPublicAccessBlock, the account's (S3 Control)
//     as Get/Put/DeleteAccountPublicAccessBlock, the lifecycle and
//     notification configurations under their older names
//     (PutBucketLifecycle, GetBucketNotification), and ListObjectsV2 as
//     ListObjects (a data event, with list-type 2 in its parameters).
//   - Lambda (Lambda Developer Guide, "Logging Lambda API calls with
//     CloudTrail"): "the eventName might include date and version
//     information"; it is the name of the service's internal operation
//     that serves the route, the API version date and a revision
//     (AddPermission20150331v2 for POST /2015-03-31/functions/{name}/policy).
//     Function URL operations (2021-10-31) carry none.
//
// The detection rules and the watch's write map use these names, as
// CloudTrail writes them; a simulator that recorded the operation's name
// would leave such rules untested (CIS 4.8 watches PutBucketLifecycle).
var eventNames = map[string]map[string]string{
	"s3": {
		"GetPublicAccessBlock": "GetBucketPublicAccessBlock", "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
		"DeletePublicAccessBlock":         "DeleteBucketPublicAccessBlock",
		"GetBucketLifecycleConfiguration": "GetBucketLifecycle", "PutBucketLifecycleConfiguration": "PutBucketLifecycle",
		"GetBucketNotificationConfiguration": "GetBucketNotification", "PutBucketNotificationConfiguration": "PutBucketNotification",
		"ListObjectsV2": "ListObjects",
	},
	"s3control": {
		"GetPublicAccessBlock": "GetAccountPublicAccessBlock", "PutPublicAccessBlock": "PutAccountPublicAccessBlock",
		"DeletePublicAccessBlock": "DeleteAccountPublicAccessBlock",
	},
	"lambda": {
		"ListFunctions": "ListFunctions20150331", "GetFunction": "GetFunction20150331v2",
		"GetFunctionConfiguration": "GetFunctionConfiguration20150331v2", "GetPolicy": "GetPolicy20150331v2",
		"AddPermission": "AddPermission20150331v2", "RemovePermission": "RemovePermission20150331v2",
		"CreateFunction": "CreateFunction20150331", "DeleteFunction": "DeleteFunction20150331",
		"UpdateFunctionCode": "UpdateFunctionCode20150331v2", "UpdateFunctionConfiguration": "UpdateFunctionConfiguration20150331v2",
		"PublishVersion": "PublishVersion20150331", "ListVersionsByFunction": "ListVersionsByFunction20150331",
		"ListAliases": "ListAliases20150331", "ListEventSourceMappings": "ListEventSourceMappings20150331",
		"ListTags": "ListTags20170331", "TagResource": "TagResource20170331v2", "UntagResource": "UntagResource20170331v2",
	},
}

// EventName is the eventName CloudTrail records for op of service (by
// its signing name).
func EventName(service, op string) string {
	if n, ok := eventNames[service][op]; ok {
		return n
	}
	return op
}

// sources are the eventSources of the simulated services (a call must
// not build a string for it).
var sources = map[string]string{
	"s3control": "s3.amazonaws.com", "sts": "sts.amazonaws.com", "organizations": "organizations.amazonaws.com",
	"account": "account.amazonaws.com", "iam": "iam.amazonaws.com", "ec2": "ec2.amazonaws.com", "s3": "s3.amazonaws.com",
	"cloudtrail": "cloudtrail.amazonaws.com", "config": "config.amazonaws.com", "guardduty": "guardduty.amazonaws.com",
	"securityhub": "securityhub.amazonaws.com", "access-analyzer": "access-analyzer.amazonaws.com",
	"inspector2": "inspector2.amazonaws.com", "detective": "detective.amazonaws.com", "kms": "kms.amazonaws.com",
	"logs": "logs.amazonaws.com", "monitoring": "monitoring.amazonaws.com", "sns": "sns.amazonaws.com",
	"rds": "rds.amazonaws.com", "lambda": "lambda.amazonaws.com", "events": "events.amazonaws.com", "sqs": "sqs.amazonaws.com",
}

// Source is the eventSource of a service by its signing name.
func Source(service string) string {
	if s, ok := sources[service]; ok {
		return s
	}
	return service + ".amazonaws.com"
}

// Region is the awsRegion of a call signed for region: the home region
// for the services AWS records there (IAM, Organizations, Account).
func Region(service, region, home string) string {
	switch service {
	case "iam", "organizations", "account":
		return home
	}
	return region
}

// readPrefixes are the verbs of the operations CloudTrail marks
// readOnly, by their first letter.
var readPrefixes = map[byte][]string{
	'G': {"Get"}, 'L': {"List", "Lookup"}, 'D': {"Describe"}, 'H': {"Head"}, 'S': {"Search", "Select", "Simulate", "Scan"},
	'B': {"BatchGet"}, 'F': {"Filter"}, 'C': {"Check"}, 'T': {"Test"}, 'V': {"Validate", "Verify"}, 'E': {"Estimate"},
	'P': {"Preview"}, 'Q': {"Query"},
}

// readOps are read-only operations whose names do not say so.
var readOps = map[string]bool{
	"AssumeRole": true, "AssumeRoleWithSAML": true, "AssumeRoleWithWebIdentity": true,
	"Decrypt": true, "Encrypt": true, "ReEncrypt": true, "GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true,
	"GenerateDataKeyPair": true, "GenerateRandom": true, "GenerateMac": true, "Sign": true,
	"ReceiveMessage": true,
}

// ReadOnly reports whether CloudTrail marks op of service readOnly.
func ReadOnly(service, op string) bool {
	if readOps[op] {
		return true
	}
	if op == "" {
		return false
	}
	for _, p := range readPrefixes[op[0]] {
		if strings.HasPrefix(op, p) && (len(op) == len(p) || op[len(p)] >= 'A' && op[len(p)] <= 'Z') {
			return true
		}
	}
	return false
}

// dataOps are the data events: S3 object-level calls, SQS messages,
// EventBridge PutEvents, Lambda Invoke. They are not management events,
// never in LookupEvents, and delivered only to trails that select them.
var dataOps = map[string]map[string]bool{
	"s3": {"GetObject": true, "PutObject": true, "DeleteObject": true, "HeadObject": true, "DeleteObjects": true, "CopyObject": true,
		"ListObjects": true, "ListObjectsV2": true, "ListObjectVersions": true, "GetObjectAcl": true, "PutObjectAcl": true,
		"GetObjectTagging": true, "PutObjectTagging": true, "DeleteObjectTagging": true, "CreateMultipartUpload": true,
		"UploadPart": true, "CompleteMultipartUpload": true, "AbortMultipartUpload": true, "RestoreObject": true},
	"sqs": {"SendMessage": true, "SendMessageBatch": true, "ReceiveMessage": true, "DeleteMessage": true, "DeleteMessageBatch": true,
		"ChangeMessageVisibility": true, "ChangeMessageVisibilityBatch": true},
	"events": {"PutEvents": true},
	"lambda": {"Invoke": true, "InvokeWithResponseStream": true},
}

// DataEvent reports whether op of service is a data event.
func DataEvent(service, op string) bool { return dataOps[service][op] }

// CapturesResponse reports whether the record of op needs the answer's
// body: the responseElements of a management write.
func CapturesResponse(service, op string) bool {
	return !ReadOnly(service, op) && !DataEvent(service, op) && service != "s3" && service != "s3control"
}

// sourceIP is the client's address without its port.
func sourceIP(c *wire.Call) string {
	a := c.Req.RemoteAddr
	if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.Contains(a[i:], "]") {
		a = a[:i]
	}
	return strings.Trim(a, "[]")
}

// errorOf is the errorCode and errorMessage of an answered error. EC2
// writes its codes as Client.<code> (Server.<code> for its faults).
func errorOf(service string, p wire.Protocol, err error) (string, string) {
	ae, ok := err.(*wire.Error)
	if !ok {
		ae = wire.Errorf(500, "InternalFailure", "%v", err)
	}
	code := ae.Code
	if p == wire.EC2Query {
		if (ae.Server || ae.Status >= 500) && code != "RequestLimitExceeded" {
			code = "Server." + code
		} else {
			code = "Client." + code
		}
	}
	return code, ae.Message
}

// source is what a record's details are built from.
type source struct {
	service, op     string
	protocol        wire.Protocol
	account, region string
	body            []byte
	form            map[string][]string
	path            map[string]string
	query, host     string
	failed          bool
	response        []byte
}

func (s *source) details() world.TrailDetails {
	params := s.params()
	d := world.TrailDetails{RequestParameters: marshal(params)}
	if !s.failed && len(s.response) > 0 {
		d.ResponseElements = marshal(s.responseElements())
	}
	d.Resources = s.resources(params)
	return d
}
