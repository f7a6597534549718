package awsx

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Class is what an AWS error means for Guardrail, whatever the service's
// spelling of it.
type Class int

// The classes of AWS errors.
const (
	Other Class = iota
	AccessDenied
	NotFound
	Throttled
	RegionDisabled
	Unsupported
	// Unreachable is a call that got no answer (see UnreachableError).
	Unreachable
)

func (c Class) String() string {
	return [...]string{"error", "access denied", "not found", "throttled", "region disabled", "unsupported", "unreachable"}[c]
}

// Code returns the AWS error code of err, or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Classify sorts err by its AWS error code, or as Unreachable when the
// call got no answer.
func Classify(err error) Class {
	code := Code(err)
	switch code {
	case "":
		if IsUnreachable(err) {
			return Unreachable
		}
		return Other
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
		"AWSOrganizationsNotInUseException", "InvalidAccessException", "UnauthorizedException":
		return AccessDenied
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
		"TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException":
		return Throttled
	case "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired":
		return RegionDisabled
	case "UnsupportedOperation", "UnsupportedOperationException", "InvalidAction", "UnknownOperationException":
		return Unsupported
	}
	if strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, "NotFound") ||
		strings.HasSuffix(code, "NotFoundException") || strings.HasSuffix(code, "NotFoundError") {
		return NotFound
	}
	return Other
}

// unknownCode is what the SDK calls an error answer that has no AWS
// error code (a 404 from something that is not the service).
const unknownCode = "UnknownError"

// Status returns the HTTP status of the answer err came with, or 0 when
// there was none.
func Status(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// IsCredentials reports whether err says the credentials were refused
// (invalid, expired, or badly signed): another API will refuse them too.
func IsCredentials(err error) bool {
	switch Code(err) {
	case "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
		"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "AuthFailure":
		return true
	}
	return false
}

// IsAccessDenied reports whether err is an AWS access-denied answer.
func IsAccessDenied(err error) bool { return Classify(err) == AccessDenied }

// IsNotFound reports whether err says the resource does not exist.
func IsNotFound(err error) bool { return Classify(err) == NotFound }

// Brief returns the AWS error code and message of err ("AccessDenied:
// User ... is not authorized ..."), without the SDK's operation and
// request-ID wrapping; other errors as they are.
//
// A response that could not be decoded reads "cloudwatch:DescribeAlarms:
// the response could not be decoded (<cause>)": it has no AWS code, and
// the decoder's own words ("unexpected minor value 28") name neither the
// service nor the call. Brief never returns "".
func Brief(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return apiText(err, ae)
	}
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	if op, cause, ok := undecoded(err); ok {
		if op == "" {
			return cause
		}
		return op + ": " + cause
	}
	return nonEmpty(err)
}

// apiText is an AWS error's code and message, or, for an answer with no
// AWS error code, its HTTP status.
func apiText(err error, ae smithy.APIError) string {
	if ae.ErrorCode() == unknownCode && (ae.ErrorMessage() == unknownCode || ae.ErrorMessage() == "") {
		if st := Status(err); st != 0 {
			return fmt.Sprintf("HTTP %d with no AWS error code", st)
		}
	}
	return apiBrief(ae)
}

// Describe returns err for a report: the AWS operation, error code and
// message ("iam:ListUsers: AccessDenied: User ... is not authorized"),
// after whatever context the caller wrapped around it, without the SDK's
// HTTP details.
//
// A response that could not be decoded reads as in Brief, after the
// caller's context ("describe alarms: cloudwatch:DescribeAlarms: the
// response could not be decoded (...)"). Describe never returns "".
func Describe(err error) string {
	var oe *smithy.OperationError
	var ae smithy.APIError
	if !errors.As(err, &oe) {
		var de *smithy.DeserializationError
		if errors.As(err, &de) {
			msg := err.Error()
			_, cause, _ := undecoded(err)
			if i := strings.Index(msg, de.Error()); i > 0 {
				return msg[:i] + cause
			}
			return cause
		}
		return nonEmpty(err)
	}
	msg := err.Error()
	prefix := ""
	if i := strings.Index(msg, oe.Error()); i > 0 {
		prefix = msg[:i]
	}
	if errors.As(err, &ae) {
		return prefix + operation(oe) + ": " + apiText(err, ae)
	}
	if op, cause, ok := undecoded(err); ok {
		return prefix + op + ": " + cause
	}
	return describeOperation(prefix, oe)
}

// operation names the call of oe as an IAM action does
// ("cloudwatch:DescribeAlarms").
func operation(oe *smithy.OperationError) string {
	return strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", "")) + ":" + oe.OperationName
}

// undecoded reads a response the SDK could not decode
// (smithy.DeserializationError): the call, when the error names it
// ("cloudwatch:DescribeAlarms", else ""), and what happened.
func undecoded(err error) (op, cause string, ok bool) {
	var de *smithy.DeserializationError
	if !errors.As(err, &de) {
		return "", "", false
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = operation(oe)
	}
	cause = "the response could not be decoded"
	if de.Err != nil && de.Err.Error() != "" {
		cause += " (" + de.Err.Error() + ")"
	}
	return op, cause, true
}

// apiBrief is "Code: message", or whichever of the two there is.
func apiBrief(ae smithy.APIError) string {
	code, msg := ae.ErrorCode(), ae.ErrorMessage()
	switch {
	case code != "" && msg != "":
		return code + ": " + msg
	case code != "":
		return code
	case msg != "":
		return msg
	}
	return "an AWS error with no code or message"
}

// nonEmpty is err's text, or its type when it has none.
func nonEmpty(err error) string {
	if msg := err.Error(); strings.TrimSpace(msg) != "" {
		return msg
	}
	return fmt.Sprintf("an error with no message (%T)", err)
}
