package awsx

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestClassify(t *testing.T) {
	for code, want := range map[string]Class{
		"AccessDenied":                                   AccessDenied,
		"AccessDeniedException":                          AccessDenied,
		"UnauthorizedOperation":                          AccessDenied,
		"AWSOrganizationsNotInUseException":              AccessDenied,
		"Throttling":                                     Throttled,
		"RequestLimitExceeded":                           Throttled,
		"SlowDown":                                       Throttled,
		"TooManyRequestsException":                       Throttled,
		"UnrecognizedClientException":                    RegionDisabled,
		"AuthFailure":                                    RegionDisabled,
		"InvalidClientTokenId":                           RegionDisabled,
		"NoSuchEntity":                                   NotFound,
		"NoSuchBucketPolicy":                             NotFound,
		"InvalidGroup.NotFound":                          NotFound,
		"ResourceNotFoundException":                      NotFound,
		"ServerSideEncryptionConfigurationNotFoundError": NotFound,
		"UnsupportedOperationException":                  Unsupported,
		"ValidationError":                                Other,
	} {
		// Wrapped as the SDK wraps it.
		err := fmt.Errorf("operation error X: %w", &smithy.GenericAPIError{Code: code, Message: "m"})
		if got := Classify(err); got != want {
			t.Errorf("Classify(%s) = %v, want %v", code, got, want)
		}
	}
	if Classify(errors.New("dial tcp: refused")) != Other || Code(errors.New("x")) != "" {
		t.Errorf("a non-AWS error must be Other with no code")
	}
	denied := fmt.Errorf("wrap: %w", &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: x is not authorized"})
	if !IsAccessDenied(denied) || IsNotFound(denied) {
		t.Errorf("predicates disagree with Classify")
	}
	if got := Brief(denied); got != "AccessDenied: User: x is not authorized" {
		t.Errorf("Brief = %q", got)
	}
}
