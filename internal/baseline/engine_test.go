package baseline

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/smithy-go"
)

// TestUnavailable: a service AWS does not offer in a region (no endpoint
// to resolve, an unsupported operation, a region not opted in) is a skip
// with the reason; a denial or a throttle is not.
func TestUnavailable(t *testing.T) {
	api := func(code string) error {
		return &smithy.OperationError{ServiceID: "Detective", OperationName: "ListGraphs", Err: &smithy.GenericAPIError{Code: code, Message: "m"}}
	}
	for _, tc := range []struct {
		err  error
		skip bool
	}{
		{fmt.Errorf("read: %w", &net.DNSError{Err: "no such host", Name: "api.detective.ap-northeast-3.amazonaws.com", IsNotFound: true}), true},
		{api("UnsupportedOperationException"), true},
		{api("OptInRequired"), true},
		{api("AccessDeniedException"), false},
		{api("ThrottlingException"), false},
		{&net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}, false},
		{errors.New("boom"), false},
	} {
		why := unavailable(tc.err, "ap-northeast-3")
		if (why != "") != tc.skip {
			t.Errorf("unavailable(%v) = %q, want skip %v", tc.err, why, tc.skip)
		}
	}
}
