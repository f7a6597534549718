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
func Brief(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return apiText(err, ae)
	}
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	return err.Error()
}

// apiText is an AWS error's code and message, or, for an answer with no
// AWS error code, its HTTP status.
func apiText(err error, ae smithy.APIError) string {
	if ae.ErrorCode() == unknownCode && (ae.ErrorMessage() == unknownCode || ae.ErrorMessage() == "") {
		if st := Status(err); st != 0 {
			return fmt.Sprintf("HTTP %d with no AWS error code", st)
		}
	}
	return ae.ErrorCode() + ": " + ae.ErrorMessage()
}

// Describe returns err for a report: the AWS operation, error code and
// message ("iam:ListUsers: AccessDenied: User ... is not authorized"),
// after whatever context the caller wrapped around it, without the SDK's
// HTTP details.
func Describe(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return err.Error()
	}
	msg := err.Error()
	prefix := ""
	if i := strings.Index(msg, oe.Error()); i > 0 {
		prefix = msg[:i]
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return describeOperation(prefix, oe)
	}
	return prefix + strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", "")) + ":" + oe.OperationName + ": " + apiText(err, ae)
}
