// Package wire speaks the AWS wire protocols on the simulator's side: it
// decodes which operation a request names and encodes results and errors the
// way each protocol does on AWS, so the unmodified AWS SDK for Go v2 (and the
// AWS CLI) cannot tell the simulator from the real service.
//
// Seven protocols cover the services Guardrail uses: awsQuery (STS, IAM, RDS,
// SNS), ec2Query (EC2), awsJson1.1 (Organizations, CloudTrail, Config, KMS,
// CloudWatch Logs, EventBridge), awsJson1.0 (SQS), restJson1 (GuardDuty,
// Security Hub, Access Analyzer, Inspector2, Detective, Lambda, Account),
// restXml (S3, S3 Control) and Smithy RPC v2 CBOR (CloudWatch).
//
// wire knows nothing of the simulated world; it must not import sim/world.
package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Protocol is an AWS wire protocol.
type Protocol int

// The protocols the simulator speaks.
const (
	Query Protocol = iota + 1
	EC2Query
	JSON11
	RestJSON
	RestXML
	CBOR
	// JSON10 is awsJson1.0: awsJson1.1 with its own content type (SQS).
	JSON10
)

func (p Protocol) String() string {
	switch p {
	case Query:
		return "awsQuery"
	case EC2Query:
		return "ec2Query"
	case JSON11:
		return "awsJson1.1"
	case RestJSON:
		return "restJson1"
	case RestXML:
		return "restXml"
	case CBOR:
		return "rpcv2Cbor"
	case JSON10:
		return "awsJson1.0"
	}
	return "unknown"
}

// Call is one decoded request, as a service handler sees it.
type Call struct {
	Ctx       context.Context
	Req       *http.Request
	Body      []byte
	Protocol  Protocol
	Op        string            // operation name, e.g. "ListUsers"
	Form      url.Values        // awsQuery / ec2Query parameters
	Path      map[string]string // restJson / restXml path labels
	RequestID string
}

// Query returns a URL query parameter (REST protocols).
func (c *Call) Query(name string) string { return c.Req.URL.Query().Get(name) }

// Header returns a request header.
func (c *Call) Header(name string) string { return c.Req.Header.Get(name) }

// DecodeJSON decodes the JSON body into v; an empty body leaves v unchanged.
// A malformed body is a SerializationException, as AWS answers.
func (c *Call) DecodeJSON(v any) error {
	if len(bytes.TrimSpace(c.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return Errorf(400, "SerializationException", "could not decode request body: %v", err)
	}
	return nil
}

// DecodeXML decodes the XML body into v; an empty body leaves v unchanged.
func (c *Call) DecodeXML(v any) error {
	if len(bytes.TrimSpace(c.Body)) == 0 {
		return nil
	}
	if err := xml.Unmarshal(c.Body, v); err != nil {
		return Errorf(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: %v", err)
	}
	return nil
}

// Int returns an integer form parameter, or def when it is absent.
func (c *Call) Int(name string, def int) (int, error) {
	s := c.Form.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, Errorf(400, "InvalidParameterValue", "invalid value %q for %s", s, name)
	}
	return n, nil
}

// List returns an awsQuery list parameter: Name.member.1, Name.member.2, ...
func (c *Call) List(name string) []string { return indexed(c.Form, name+".member.") }

// EC2List returns an ec2Query list parameter: Name.1, Name.2, ...
func (c *Call) EC2List(name string) []string { return indexed(c.Form, name+".") }

func indexed(f url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := f[prefix+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// Filter is one EC2-style filter (Filter.N.Name, Filter.N.Value.M).
type Filter struct {
	Name   string
	Values []string
}

// EC2Filters returns the Filter.N.Name / Filter.N.Value.M parameters.
func (c *Call) EC2Filters() []Filter {
	var out []Filter
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i) + "."
		name, ok := c.Form[p+"Name"]
		if !ok {
			return out
		}
		out = append(out, Filter{Name: name[0], Values: indexed(c.Form, p+"Value.")})
	}
}

// Response lets a REST handler set the status code and headers. Body is
// encoded as the protocol's document (JSON or XML); a []byte is written as is.
type Response struct {
	Status int
	Header http.Header
	Body   any
}

// Error is an AWS error response.
type Error struct {
	Status int
	Code   string
	// Type is the error's shape name where the protocol sends it apart
	// from the code: an awsQueryCompatible CBOR service (CloudWatch) puts
	// the shape ("com.amazonaws.cloudwatch#InvalidParameterValueException")
	// in the body's __type, which the SDK maps to a typed error, and the
	// query code ("InvalidParameterValue") in X-Amzn-Query-Error. An
	// awsQueryCompatible awsJson service (SQS) does the same with the
	// shape "com.amazonaws.sqs#QueueDoesNotExist" and the query code
	// "AWS.SimpleQueueService.NonExistentQueue". Empty means Code.
	Type    string
	Message string
	Server  bool // fault lies with the service (5xx), not the caller
	Header  http.Header
	// Fields are more members of a JSON error document, as some errors
	// carry them (Organizations' ConstraintViolationException: Reason).
	Fields map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...), Server: status >= 500}
}

// Codes are the error codes a service answers for the conditions the
// simulator injects. They differ per protocol and sometimes per service.
type Codes struct {
	Throttle       string
	ThrottleStatus int
	AccessDenied   string
	DeniedStatus   int
	InvalidToken   string // credentials not valid here (e.g. region not opted in)
	TokenStatus    int
	Internal       string
	Unavailable    string
}

// DefaultCodes returns what AWS answers for protocol p.
func DefaultCodes(p Protocol) Codes {
	switch p {
	case Query:
		return Codes{"Throttling", 400, "AccessDenied", 403, "InvalidClientTokenId", 403, "InternalFailure", "ServiceUnavailable"}
	case EC2Query:
		return Codes{"RequestLimitExceeded", 503, "UnauthorizedOperation", 403, "AuthFailure", 401, "InternalError", "Unavailable"}
	case RestXML:
		return Codes{"SlowDown", 503, "AccessDenied", 403, "InvalidAccessKeyId", 403, "InternalError", "ServiceUnavailable"}
	case CBOR:
		return Codes{"Throttling", 400, "AccessDenied", 403, "InvalidClientTokenId", 403, "InternalFailure", "ServiceUnavailable"}
	case RestJSON:
		return Codes{"TooManyRequestsException", 429, "AccessDeniedException", 403, "UnrecognizedClientException", 403, "InternalServerException", "ServiceUnavailableException"}
	}
	return Codes{"ThrottlingException", 400, "AccessDeniedException", 400, "UnrecognizedClientException", 400, "InternalFailure", "ServiceUnavailable"}
}

// ResolveOp finds the operation a request names for the RPC protocols
// (awsQuery, ec2Query, awsJson, CBOR). REST protocols use a Router.
func ResolveOp(p Protocol, r *http.Request, body []byte) (op string, form url.Values, err error) {
	switch p {
	case Query, EC2Query:
		form, err = url.ParseQuery(string(body))
		if err != nil {
			return "", nil, Errorf(400, "MalformedQueryString", "could not parse form body: %v", err)
		}
		for k, v := range r.URL.Query() { // the AWS CLI may send GET-style parameters
			if _, ok := form[k]; !ok {
				form[k] = v
			}
		}
		op = form.Get("Action")
		if op == "" {
			return "", nil, Errorf(400, "MissingAction", "the request must contain the parameter Action")
		}
		return op, form, nil
	case JSON11, JSON10:
		t := r.Header.Get("X-Amz-Target")
		i := strings.LastIndexByte(t, '.')
		if i < 0 {
			return "", nil, Errorf(400, "UnknownOperationException", "missing or malformed X-Amz-Target header %q", t)
		}
		return t[i+1:], nil, nil
	case CBOR:
		// POST /service/{ServiceName}/operation/{Operation}
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) != 4 || parts[0] != "service" || parts[2] != "operation" {
			return "", nil, Errorf(404, "UnknownOperationException", "path %q is not an RPC v2 operation", r.URL.Path)
		}
		return parts[3], nil, nil
	}
	return "", nil, Errorf(500, "InternalFailure", "protocol %v has no RPC operation", p)
}
