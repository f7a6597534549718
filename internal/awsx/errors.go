package awsx

import (
	"errors"
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
)

func (c Class) String() string {
	return [...]string{"error", "access denied", "not found", "throttled", "region disabled", "unsupported"}[c]
}

// Code returns the AWS error code of err, or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Classify sorts err by its AWS error code.
func Classify(err error) Class {
	code := Code(err)
	switch code {
	case "":
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
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// Describe returns err for a report: the AWS operation, error code and
// message ("iam:ListUsers: AccessDenied: User ... is not authorized"),
// after whatever context the caller wrapped around it, without the SDK's
// HTTP details.
func Describe(err error) string {
	var oe *smithy.OperationError
	var ae smithy.APIError
	if !errors.As(err, &oe) || !errors.As(err, &ae) {
		return err.Error()
	}
	msg := err.Error()
	prefix := ""
	if i := strings.Index(msg, oe.Error()); i > 0 {
		prefix = msg[:i]
	}
	return prefix + strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", "")) + ":" + oe.OperationName + ": " + ae.ErrorCode() + ": " + ae.ErrorMessage()
}
