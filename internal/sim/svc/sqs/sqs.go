// Package sqs simulates Amazon SQS standard queues (awsJson1.0 with the
// awsQueryCompatible trait: errors carry their query code in
// X-Amzn-Query-Error, which the SDK reports).
//
// Queues live in world.SQS, outside any account (see world/sqs.go for
// the clock and the locking); the handlers run without the account lock,
// so a long poll holds no lock while it waits.
//
// Queue URLs. A queue's URL is the endpoint the request came to, then
// /<account>/<name> (http://127.0.0.1:4566/111111111111/alerts), as
// simulators of SQS commonly answer, so a client that sends requests to
// the URL still reaches the simulator. A request names its queue by the
// URL's last two path segments; AWS's own forms
// (https://sqs.eu-west-1.amazonaws.com/111111111111/alerts) work too,
// and one whose host names another region than the request's does not
// exist here, as on AWS.
package sqs

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon SQS (awsJson1.0) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:            "sqs",
		Protocol:        wire.JSON10,
		QueryCompatible: true,
		Unlocked:        true,
		Codes: &wire.Codes{Throttle: "RequestThrottled", ThrottleStatus: 400, AccessDenied: "AccessDenied", DeniedStatus: 403,
			InvalidToken: "InvalidClientTokenId", TokenStatus: 403, Internal: "InternalError", Unavailable: "ServiceUnavailable"},
		Ops: map[string]svc.Handler{
			"CreateQueue":                  createQueue,
			"GetQueueUrl":                  getQueueURL,
			"ListQueues":                   listQueues,
			"DeleteQueue":                  deleteQueue,
			"GetQueueAttributes":           getQueueAttributes,
			"SetQueueAttributes":           setQueueAttributes,
			"PurgeQueue":                   purgeQueue,
			"TagQueue":                     tagQueue,
			"UntagQueue":                   untagQueue,
			"ListQueueTags":                listQueueTags,
			"ListDeadLetterSourceQueues":   listDeadLetterSourceQueues,
			"SendMessage":                  sendMessage,
			"SendMessageBatch":             sendMessageBatch,
			"ReceiveMessage":               receiveMessage,
			"DeleteMessage":                deleteMessage,
			"DeleteMessageBatch":           deleteMessageBatch,
			"ChangeMessageVisibility":      changeMessageVisibility,
			"ChangeMessageVisibilityBatch": changeMessageVisibilityBatch,
		},
	}
}

// pollInterval is how often a waiting long poll looks at the SQS clock
// again, for messages whose delay or visibility timeout ended.
const pollInterval = 50 * time.Millisecond

// ---- errors ----

// modeled is an error with a shape in the SQS model: its query code
// (what the SDK reports) and its shape.
func modeled(shape, code, format string, args ...any) error {
	e := wire.Errorf(400, code, format, args...)
	e.Type = "com.amazonaws.sqs#" + shape
	return e
}

func nonExistentQueue() error {
	return modeled("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func invalidParameter(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterValue", format, args...)
}

func missingParameter(name string) error {
	return wire.Errorf(400, "MissingParameter", "The request must contain the parameter %s.", name)
}

func invalidAttributeName(name string) error {
	return modeled("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", name)
}

func invalidAttributeValue(name string) error {
	return modeled("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter %s.", name)
}

func decode(c *svc.Ctx, v any) error { return c.DecodeJSON(v) }

// ---- queues ----

var queueNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// queueURL is the URL of q as the caller reaches the simulator.
func queueURL(c *svc.Ctx, q *world.Queue) string {
	scheme := "http"
	if c.Req.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Req.Host + "/" + q.Account + "/" + q.Name
}

// parseQueueURL returns the account and name a queue URL names, or why
// it names none.
func parseQueueURL(c *svc.Ctx, raw string) (account, name string, err error) {
	if raw == "" {
		return "", "", missingParameter("QueueUrl")
	}
	u, perr := url.Parse(raw)
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if perr != nil || u.Host == "" || len(segs) < 2 {
		return "", "", modeled("InvalidAddress", "InvalidAddress", "The address %s is not valid for this endpoint.", raw)
	}
	account, name = segs[len(segs)-2], segs[len(segs)-1]
	host := strings.ToLower(u.Hostname())
	region := ""
	switch {
	case strings.HasPrefix(host, "sqs.") && strings.HasSuffix(host, ".amazonaws.com"):
		region = strings.TrimSuffix(strings.TrimPrefix(host, "sqs."), ".amazonaws.com")
	case strings.HasSuffix(host, ".queue.amazonaws.com"):
		region = strings.TrimSuffix(host, ".queue.amazonaws.com")
	case host == "queue.amazonaws.com":
		region = "us-east-1"
	}
	if region != "" && region != c.Region {
		return "", "", nonExistentQueue()
	}
	return account, name, nil
}

// access is the caller's standing towards queues of another account:
// what their policies judge.
type access struct {
	account, principal, org string
}

func callerAccess(c *svc.Ctx, queueAccount string) access {
	a := access{account: c.Account.ID, principal: c.Principal.ARN}
	if queueAccount != c.Account.ID {
		a.org = c.World.OrgIDOf(c.Account.ID) // before the SQS lock: OrgIDOf takes World.Mu
	}
	return a
}

// allowed judges a call on q by a caller of another account on the
// queue's policy; the owner may do anything.
func (a access) allowed(q *world.Queue, op string) bool {
	if q.Account == a.account {
		return true
	}
	return world.PolicyAllows(q.Attributes["Policy"], world.PolicyRequest{Account: a.account, PrincipalARN: a.principal,
		Action: "sqs:" + op, Resource: q.ARN(),
		Context: map[string]string{"aws:principalaccount": a.account, "aws:principalorgid": a.org}})
}

// withQueue resolves a queue URL and calls f with the SQS lock held.
func withQueue(c *svc.Ctx, rawURL string, f func(s *world.SQS, q *world.Queue, now time.Duration) (any, error)) (any, error) {
	account, name, err := parseQueueURL(c, rawURL)
	if err != nil {
		return nil, err
	}
	a := callerAccess(c, account)
	s := &c.World.SQS
	s.Lock()
	defer s.Unlock()
	now := s.Elapse(c.World)
	q := s.Queue(account, c.Region, name)
	if q == nil {
		return nil, nonExistentQueue()
	}
	if !a.allowed(q, c.Op) {
		return nil, wire.Errorf(403, "AccessDenied", "Access to the resource %s is denied.", queueURL(c, q))
	}
	return f(s, q, now)
}

func intRange(lo, hi int) func(string) bool {
	return func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= lo && n <= hi
	}
}

func isJSONObject(v string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(v), &m) == nil
}

// settable are the attributes a standard queue takes, with their checks.
var settable = map[string]func(string) bool{
	"DelaySeconds":                  intRange(0, 900),
	"MaximumMessageSize":            intRange(1024, 1048576),
	"MessageRetentionPeriod":        intRange(60, 1209600),
	"ReceiveMessageWaitTimeSeconds": intRange(0, 20),
	"VisibilityTimeout":             intRange(0, world.MaxVisibilityTimeout),
	"Policy":                        func(v string) bool { return v == "" || isJSONObject(v) },
	"RedrivePolicy":                 func(string) bool { return true }, // checked by checkRedrive
	"RedriveAllowPolicy":            func(v string) bool { return v == "" || isJSONObject(v) },
	"KmsMasterKeyId":                func(string) bool { return true },
	"KmsDataKeyReusePeriodSeconds":  intRange(60, 86400),
	"SqsManagedSseEnabled":          func(v string) bool { return v == "true" || v == "false" },
}

// checkAttributes validates attributes to set on a queue of account in
// region. Callers hold the SQS lock.
func checkAttributes(s *world.SQS, account, region string, attrs map[string]string) error {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := attrs[n]
		if n == "FifoQueue" {
			if v == "true" {
				return modeled("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", "FIFO queues are not simulated: only standard queues are.")
			}
			if v != "false" {
				return invalidAttributeValue(n)
			}
			continue
		}
		ok, known := settable[n]
		if !known {
			return invalidAttributeName(n)
		}
		if !ok(v) {
			return invalidAttributeValue(n)
		}
		if n == "RedrivePolicy" && v != "" {
			if err := checkRedrive(s, account, region, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkRedrive(s *world.SQS, account, region, v string) error {
	rp, err := world.ParseRedrivePolicy(v)
	if err != nil {
		return invalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: %s.", v, err)
	}
	f := strings.SplitN(rp.DeadLetterTargetARN, ":", 6)
	if len(f) != 6 || f[2] != "sqs" {
		return invalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.", v)
	}
	if f[4] != account {
		return invalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Dead-letter target owner should be same as the source.", v)
	}
	if f[3] != region || s.QueueByARN(rp.DeadLetterTargetARN) == nil {
		return invalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.", v)
	}
	return nil
}

type createQueueIn struct {
	QueueName  string
	Attributes map[string]string
	Tags       map[string]string `json:"tags"`
}

type queueURLOut struct {
	QueueUrl string
}

func createQueue(c *svc.Ctx) (any, error) {
	var in createQueueIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.QueueName == "" {
		return nil, missingParameter("QueueName")
	}
	if strings.HasSuffix(in.QueueName, ".fifo") {
		return nil, modeled("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", "FIFO queues are not simulated: only standard queues are (queue name %s).", in.QueueName)
	}
	if !queueNameRE.MatchString(in.QueueName) {
		return nil, invalidParameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	s := &c.World.SQS
	s.Lock()
	defer s.Unlock()
	now := s.Elapse(c.World)
	if err := checkAttributes(s, c.Account.ID, c.Region, in.Attributes); err != nil {
		return nil, err
	}
	if q := s.Queue(c.Account.ID, c.Region, in.QueueName); q != nil {
		names := make([]string, 0, len(in.Attributes))
		for n := range in.Attributes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if n != "FifoQueue" && q.Attributes[n] != in.Attributes[n] {
				return nil, modeled("QueueNameExists", "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute %s", n)
			}
		}
		return queueURLOut{queueURL(c, q)}, nil
	}
	if s.DeletedRecently(c.Account.ID, c.Region, in.QueueName, now) {
		return nil, modeled("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
	}
	if len(in.Tags) > 50 {
		return nil, invalidParameter("Too many tags added for queue %s.", in.QueueName)
	}
	attrs := world.QueueDefaults()
	for n, v := range in.Attributes {
		if n != "FifoQueue" && v != "" {
			attrs[n] = v
		}
	}
	at := s.Instant(now)
	q := &world.Queue{Account: c.Account.ID, Region: c.Region, Name: in.QueueName, Attributes: attrs, Tags: map[string]string{}, Created: at, Modified: at}
	for k, v := range in.Tags {
		q.Tags[k] = v
	}
	s.AddQueue(q)
	return queueURLOut{queueURL(c, q)}, nil
}

func getQueueURL(c *svc.Ctx) (any, error) {
	var in struct {
		QueueName              string
		QueueOwnerAWSAccountId string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.QueueName == "" {
		return nil, missingParameter("QueueName")
	}
	owner := in.QueueOwnerAWSAccountId
	if owner == "" {
		owner = c.Account.ID
	}
	a := callerAccess(c, owner)
	s := &c.World.SQS
	s.Lock()
	defer s.Unlock()
	q := s.Queue(owner, c.Region, in.QueueName)
	if q == nil || !a.allowed(q, "GetQueueUrl") {
		return nil, nonExistentQueue()
	}
	return queueURLOut{queueURL(c, q)}, nil
}

func listQueues(c *svc.Ctx) (any, error) {
	var in struct {
		QueueNamePrefix string
		NextToken       string
		MaxResults      *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 1000) {
		return nil, invalidParameter("Value %d for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *in.MaxResults)
	}
	if in.NextToken != "" && in.MaxResults == nil {
		return nil, invalidParameter("MaxResults is a mandatory parameter when you provide a value for NextToken.")
	}
	s := &c.World.SQS
	s.Lock()
	var urls []string
	for _, q := range s.Queues(c.Account.ID, c.Region) {
		if strings.HasPrefix(q.Name, in.QueueNamePrefix) {
			urls = append(urls, queueURL(c, q))
		}
	}
	s.Unlock()
	out := struct {
		QueueUrls []string `json:",omitempty"`
		NextToken string   `json:",omitempty"`
	}{}
	if in.MaxResults == nil {
		if len(urls) > 1000 {
			urls = urls[:1000]
		}
		out.QueueUrls = urls
		return out, nil
	}
	page, next, err := svc.Page(urls, in.NextToken, *in.MaxResults, 1000, "InvalidParameterValue")
	if err != nil {
		return nil, err
	}
	out.QueueUrls, out.NextToken = page, next
	return out, nil
}

type queueRef struct {
	QueueUrl string
}

func deleteQueue(c *svc.Ctx) (any, error) {
	var in queueRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		s.DeleteQueue(q, now)
		return nil, nil
	})
}

func purgeQueue(c *svc.Ctx) (any, error) {
	var in queueRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		if q.Purging(now) {
			return nil, modeled("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", "Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.Name)
		}
		q.Purge(now)
		return nil, nil
	})
}

// readOnlyAttributes are what GetQueueAttributes reports besides the
// settable ones.
var readOnlyAttributes = []string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
	"ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"}

func getQueueAttributes(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl       string
		AttributeNames []string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		visible, inflight, delayed := q.Counts(now)
		all := map[string]string{}
		for n, v := range q.Attributes {
			if v != "" {
				all[n] = v
			}
		}
		all["ApproximateNumberOfMessages"] = strconv.Itoa(visible)
		all["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(inflight)
		all["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(delayed)
		all["CreatedTimestamp"] = strconv.FormatInt(q.Created.Unix(), 10)
		all["LastModifiedTimestamp"] = strconv.FormatInt(q.Modified.Unix(), 10)
		all["QueueArn"] = q.ARN()
		out := map[string]string{}
		for _, n := range in.AttributeNames {
			if n == "All" {
				out = all
				break
			}
			_, set := settable[n]
			known := set || n == "FifoQueue" || contains(readOnlyAttributes, n)
			if !known {
				return nil, invalidAttributeName(n)
			}
			if v, ok := all[n]; ok {
				out[n] = v
			}
		}
		if len(out) == 0 {
			return struct{}{}, nil
		}
		return struct{ Attributes map[string]string }{out}, nil
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func setQueueAttributes(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl   string
		Attributes map[string]string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if len(in.Attributes) == 0 {
		return nil, missingParameter("Attribute.Name")
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		if err := checkAttributes(s, q.Account, q.Region, in.Attributes); err != nil {
			return nil, err
		}
		for n, v := range in.Attributes {
			switch {
			case n == "FifoQueue":
			case v == "" && (n == "Policy" || n == "RedrivePolicy" || n == "RedriveAllowPolicy" || n == "KmsMasterKeyId"):
				delete(q.Attributes, n)
			default:
				q.Attributes[n] = v
			}
		}
		q.Modified = s.Instant(now)
		return nil, nil
	})
}

func tagQueue(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl string
		Tags     map[string]string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		n := len(q.Tags)
		for k := range in.Tags {
			if _, ok := q.Tags[k]; !ok {
				n++
			}
		}
		if n > 50 {
			return nil, invalidParameter("Too many tags added for queue %s.", q.Name)
		}
		for k, v := range in.Tags {
			q.Tags[k] = v
		}
		return nil, nil
	})
}

func untagQueue(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl string
		TagKeys  []string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		for _, k := range in.TagKeys {
			delete(q.Tags, k)
		}
		return nil, nil
	})
}

func listQueueTags(c *svc.Ctx) (any, error) {
	var in queueRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		if len(q.Tags) == 0 {
			return struct{}{}, nil
		}
		tags := map[string]string{}
		for k, v := range q.Tags {
			tags[k] = v
		}
		return struct{ Tags map[string]string }{tags}, nil
	})
}

func listDeadLetterSourceQueues(c *svc.Ctx) (any, error) {
	var in queueRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		urls := []string{}
		for _, src := range s.Queues(q.Account, q.Region) {
			if rp, err := world.ParseRedrivePolicy(src.Attributes["RedrivePolicy"]); err == nil && rp.DeadLetterTargetARN == q.ARN() {
				urls = append(urls, queueURL(c, src))
			}
		}
		return struct {
			QueueUrls []string `json:"queueUrls"`
		}{urls}, nil
	})
}

// ---- messages ----

type attrValue struct {
	DataType    string
	StringValue string `json:",omitempty"`
	BinaryValue []byte `json:",omitempty"`
}

// sendEntry is one message to send (SendMessage, or an entry of
// SendMessageBatch).
type sendEntry struct {
	Id                      string
	MessageBody             *string
	DelaySeconds            *int
	MessageAttributes       map[string]attrValue
	MessageSystemAttributes map[string]attrValue
	MessageDeduplicationId  string
	MessageGroupId          string
}

var attrNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)

// checkBody applies SQS's allowed characters: #x9 | #xA | #xD | #x20 to
// #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
func checkBody(body string) error {
	for i, r := range body {
		ok := r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(body[i:]); n <= 1 {
				ok = false
			}
		}
		if !ok {
			return modeled("InvalidMessageContents", "InvalidMessageContents", "Invalid binary character '#x%X' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF", r)
		}
	}
	return nil
}

func checkAttributesOfMessage(attrs map[string]attrValue, kind string) (map[string]world.MessageAttribute, int, error) {
	if len(attrs) > 10 {
		return nil, 0, invalidParameter("Number of message attributes [%d] exceeds the allowed maximum [10].", len(attrs))
	}
	out := map[string]world.MessageAttribute{}
	size := 0
	for name, a := range attrs {
		lower := strings.ToLower(name)
		if !attrNameRE.MatchString(name) || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") ||
			strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
			return nil, 0, invalidParameter("Message (%s) attribute name '%s' is invalid.", kind, name)
		}
		base, _, _ := strings.Cut(a.DataType, ".")
		switch base {
		case "String", "Number":
			if a.StringValue == "" {
				return nil, 0, invalidParameter("The message (%s) attribute '%s' must contain a non-empty value of type '%s'.", kind, name, base)
			}
			if base == "Number" {
				if _, err := strconv.ParseFloat(a.StringValue, 64); err != nil {
					return nil, 0, invalidParameter("Can't cast the value of message (%s) attribute '%s' to a number.", kind, name)
				}
			}
		case "Binary":
			if len(a.BinaryValue) == 0 {
				return nil, 0, invalidParameter("The message (%s) attribute '%s' must contain a non-empty value of type 'Binary'.", kind, name)
			}
		default:
			return nil, 0, invalidParameter("The type of message (%s) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", kind, name)
		}
		out[name] = world.MessageAttribute{DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
		size += len(name) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return out, size, nil
}

type sendResult struct {
	MessageId                    string
	MD5OfMessageBody             string
	MD5OfMessageAttributes       string `json:",omitempty"`
	MD5OfMessageSystemAttributes string `json:",omitempty"`
}

// send validates and enqueues one message. Callers hold the SQS lock.
func send(c *svc.Ctx, s *world.SQS, q *world.Queue, now time.Duration, e sendEntry) (sendResult, error) {
	if e.MessageBody == nil {
		return sendResult{}, missingParameter("MessageBody")
	}
	body := *e.MessageBody
	if body == "" {
		return sendResult{}, invalidParameter("The request must contain the parameter MessageBody.")
	}
	if err := checkBody(body); err != nil {
		return sendResult{}, err
	}
	delay := q.Attr("DelaySeconds", 0)
	if e.DelaySeconds != nil {
		if *e.DelaySeconds < 0 || *e.DelaySeconds > 900 {
			return sendResult{}, invalidParameter("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *e.DelaySeconds)
		}
		delay = *e.DelaySeconds
	}
	if e.MessageDeduplicationId != "" {
		return sendResult{}, invalidParameter("The request include parameter MessageDeduplicationId which is not valid for this queue type")
	}
	attrs, size, err := checkAttributesOfMessage(e.MessageAttributes, "user")
	if err != nil {
		return sendResult{}, err
	}
	trace := ""
	for name, a := range e.MessageSystemAttributes {
		if name != "AWSTraceHeader" || a.DataType != "String" || a.StringValue == "" {
			return sendResult{}, invalidParameter("Message system attribute name '%s' is invalid.", name)
		}
		trace = a.StringValue
	}
	if max := q.Attr("MaximumMessageSize", world.DefaultMaximumMessageSize); len(body)+size > max {
		return sendResult{}, invalidParameter("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", max)
	}
	m := &world.Message{ID: s.NewMessageID(), Body: body, Attributes: attrs, TraceHeader: trace, SenderID: c.Principal.UserID}
	q.Send(m, now, time.Duration(delay)*time.Second)
	r := sendResult{MessageId: m.ID, MD5OfMessageBody: world.MD5OfBody(body), MD5OfMessageAttributes: world.MD5OfAttributes(attrs)}
	if trace != "" {
		r.MD5OfMessageSystemAttributes = world.MD5OfAttributes(map[string]world.MessageAttribute{"AWSTraceHeader": {DataType: "String", StringValue: trace}})
	}
	return r, nil
}

func sendMessage(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl string
		sendEntry
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		r, err := send(c, s, q, now, in.sendEntry)
		if err != nil {
			return nil, err
		}
		return r, nil
	})
}

type batchFailure struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string
}

func failure(id string, err error) batchFailure {
	f := batchFailure{Id: id, SenderFault: true, Code: "InternalError", Message: err.Error()}
	if ae, ok := err.(*wire.Error); ok {
		f.Code, f.Message, f.SenderFault = ae.Code, ae.Message, !ae.Server
	}
	return f
}

var batchIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatch applies SQS's rules for a batch's entries.
func checkBatch(ids []string, entry string) error {
	if len(ids) == 0 {
		return modeled("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one %s in the request.", entry)
	}
	if len(ids) > 10 {
		return modeled("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent %d.", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !batchIDRE.MatchString(id) {
			return modeled("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[id] {
			return modeled("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id %s repeated.", id)
		}
		seen[id] = true
	}
	return nil
}

func sendMessageBatch(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl string
		Entries  []sendEntry
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.Id
		if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
		for n, a := range e.MessageAttributes {
			total += len(n) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
		}
	}
	if err := checkBatch(ids, "SendMessageBatchRequestEntry"); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		if max := q.Attr("MaximumMessageSize", world.DefaultMaximumMessageSize); total > max {
			return nil, modeled("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", max, total)
		}
		type ok struct {
			Id string
			sendResult
		}
		out := struct {
			Successful []ok
			Failed     []batchFailure
		}{Successful: []ok{}, Failed: []batchFailure{}}
		for _, e := range in.Entries {
			r, err := send(c, s, q, now, e)
			if err != nil {
				out.Failed = append(out.Failed, failure(e.Id, err))
				continue
			}
			out.Successful = append(out.Successful, ok{e.Id, r})
		}
		return out, nil
	})
}

// systemAttributes are the message system attributes ReceiveMessage
// returns on request.
var systemAttributes = []string{"SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
	"AWSTraceHeader", "DeadLetterQueueSourceArn", "SqsManagedSseEnabled", "MessageDeduplicationId", "MessageGroupId", "SequenceNumber"}

type messageOut struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string    `json:",omitempty"`
	MD5OfMessageAttributes string               `json:",omitempty"`
	MessageAttributes      map[string]attrValue `json:",omitempty"`
}

func receiveMessage(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl                    string
		AttributeNames              []string
		MessageSystemAttributeNames []string
		MessageAttributeNames       []string
		MaxNumberOfMessages         *int
		VisibilityTimeout           *int
		WaitTimeSeconds             *int
		ReceiveRequestAttemptId     string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
		if max < 1 || max > 10 {
			return nil, invalidParameter("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
		}
	}
	if in.VisibilityTimeout != nil && (*in.VisibilityTimeout < 0 || *in.VisibilityTimeout > world.MaxVisibilityTimeout) {
		return nil, invalidParameter("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *in.VisibilityTimeout)
	}
	if in.WaitTimeSeconds != nil && (*in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > 20) {
		return nil, invalidParameter("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", *in.WaitTimeSeconds)
	}
	wantSys := map[string]bool{}
	for _, n := range append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...) {
		switch {
		case n == "All":
			for _, a := range systemAttributes {
				wantSys[a] = true
			}
		case contains(systemAttributes, n):
			wantSys[n] = true
		default:
			return nil, invalidAttributeName(n)
		}
	}
	account, name, err := parseQueueURL(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	a := callerAccess(c, account)
	s := &c.World.SQS
	s.Lock()
	defer s.Unlock()
	q := s.Queue(account, c.Region, name)
	if q == nil {
		return nil, nonExistentQueue()
	}
	if !a.allowed(q, "ReceiveMessage") {
		return nil, wire.Errorf(403, "AccessDenied", "Access to the resource %s is denied.", queueURL(c, q))
	}
	wait := q.Attr("ReceiveMessageWaitTimeSeconds", 0)
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
	}
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(time.Duration(wait) * time.Second)
		defer t.Stop()
		deadline = t.C
	}
	for {
		if q.Gone() {
			return nil, nonExistentQueue()
		}
		now := s.Elapse(c.World)
		vis := q.Attr("VisibilityTimeout", world.DefaultVisibilityTimeout)
		if in.VisibilityTimeout != nil {
			vis = *in.VisibilityTimeout
		}
		got := s.Receive(q, max, time.Duration(vis)*time.Second, now)
		if len(got) > 0 {
			out := make([]messageOut, 0, len(got))
			for _, r := range got {
				out = append(out, message(s, r, wantSys, in.MessageAttributeNames))
			}
			return struct{ Messages []messageOut }{out}, nil
		}
		if wait == 0 || !s.Wait(c.Ctx, q.Changed(), deadline, pollInterval) {
			return struct{}{}, nil
		}
	}
}

func message(s *world.SQS, r world.Received, wantSys map[string]bool, attrNames []string) messageOut {
	m := r.Message
	o := messageOut{MessageId: m.ID, ReceiptHandle: r.ReceiptHandle, MD5OfBody: world.MD5OfBody(m.Body), Body: m.Body}
	sys := map[string]string{
		"SenderId":                         m.SenderID,
		"SentTimestamp":                    strconv.FormatInt(s.Instant(m.SentAt()).UnixMilli(), 10),
		"ApproximateReceiveCount":          strconv.Itoa(m.Receives()),
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(s.Instant(m.FirstReceive()).UnixMilli(), 10),
		"SqsManagedSseEnabled":             "true",
	}
	if m.TraceHeader != "" {
		sys["AWSTraceHeader"] = m.TraceHeader
	}
	if m.SourceQueueARN != "" {
		sys["DeadLetterQueueSourceArn"] = m.SourceQueueARN
	}
	for n := range wantSys {
		if v, ok := sys[n]; ok {
			if o.Attributes == nil {
				o.Attributes = map[string]string{}
			}
			o.Attributes[n] = v
		}
	}
	picked := map[string]world.MessageAttribute{}
	for name, a := range m.Attributes {
		for _, want := range attrNames {
			if want == "All" || want == ".*" || want == name || strings.HasSuffix(want, ".*") && strings.HasPrefix(name, strings.TrimSuffix(want, "*")) {
				picked[name] = a
				break
			}
		}
	}
	if len(picked) > 0 {
		o.MessageAttributes = map[string]attrValue{}
		for name, a := range picked {
			o.MessageAttributes[name] = attrValue{DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
		}
		o.MD5OfMessageAttributes = world.MD5OfAttributes(picked)
	}
	return o
}

func invalidHandle(h string) error {
	return modeled("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// deleteOne deletes by receipt handle as AWS documents: the latest
// handle deletes the message, even while another reader holds it; an
// earlier handle of a message received again since succeeds and deletes
// nothing; a handle of a message already gone succeeds.
func deleteOne(q *world.Queue, handle string) error {
	if handle == "" {
		return missingParameter("ReceiptHandle")
	}
	m, st := q.Resolve(handle)
	switch st {
	case world.HandleInvalid:
		return invalidHandle(handle)
	case world.HandleLatest:
		q.Remove(m)
	}
	return nil
}

func deleteMessage(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl      string
		ReceiptHandle string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		return nil, deleteOne(q, in.ReceiptHandle)
	})
}

type handleEntry struct {
	Id                string
	ReceiptHandle     string
	VisibilityTimeout *int
}

type batchOut struct {
	Successful []struct{ Id string }
	Failed     []batchFailure
}

func handleBatch(c *svc.Ctx, entryName string, f func(s *world.SQS, q *world.Queue, now time.Duration, e handleEntry) error) (any, error) {
	var in struct {
		QueueUrl string
		Entries  []handleEntry
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids, entryName); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		out := batchOut{Successful: []struct{ Id string }{}, Failed: []batchFailure{}}
		for _, e := range in.Entries {
			if err := f(s, q, now, e); err != nil {
				out.Failed = append(out.Failed, failure(e.Id, err))
				continue
			}
			out.Successful = append(out.Successful, struct{ Id string }{e.Id})
		}
		return out, nil
	})
}

func deleteMessageBatch(c *svc.Ctx) (any, error) {
	return handleBatch(c, "DeleteMessageBatchRequestEntry", func(s *world.SQS, q *world.Queue, now time.Duration, e handleEntry) error {
		return deleteOne(q, e.ReceiptHandle)
	})
}

// changeOne changes a message's visibility timeout: only a message in
// flight, by its latest handle, and not beyond 12 hours from its receive.
func changeOne(q *world.Queue, now time.Duration, handle string, timeout *int) error {
	if handle == "" {
		return missingParameter("ReceiptHandle")
	}
	if timeout == nil {
		return missingParameter("VisibilityTimeout")
	}
	if *timeout < 0 || *timeout > world.MaxVisibilityTimeout {
		return invalidParameter("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", *timeout)
	}
	m, st := q.Resolve(handle)
	switch st {
	case world.HandleInvalid:
		return invalidHandle(handle)
	case world.HandleStale, world.HandleGone:
		return invalidParameter("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", handle)
	}
	if !m.InFlight(now) {
		return modeled("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "Message not inflight.")
	}
	d := time.Duration(*timeout) * time.Second
	if now+d-m.LastReceive() > time.Duration(world.MaxVisibilityTimeout)*time.Second {
		return invalidParameter("Value %d for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]", *timeout)
	}
	q.SetVisibility(m, d, now)
	return nil
}

func changeMessageVisibility(c *svc.Ctx) (any, error) {
	var in struct {
		QueueUrl          string
		ReceiptHandle     string
		VisibilityTimeout *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return withQueue(c, in.QueueUrl, func(s *world.SQS, q *world.Queue, now time.Duration) (any, error) {
		return nil, changeOne(q, now, in.ReceiptHandle, in.VisibilityTimeout)
	})
}

func changeMessageVisibilityBatch(c *svc.Ctx) (any, error) {
	return handleBatch(c, "ChangeMessageVisibilityBatchRequestEntry", func(s *world.SQS, q *world.Queue, now time.Duration, e handleEntry) error {
		return changeOne(q, now, e.ReceiptHandle, e.VisibilityTimeout)
	})
}
