package awsx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cwapi "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go"
)

// Issue #12: a CloudWatch decode failure read "decode argument:
// unexpected minor value 28", naming neither the service nor the call.
func TestDescribeDecodeFailure(t *testing.T) {
	decode := &smithy.DeserializationError{Err: errors.New("decode argument: unexpected minor value 28")}
	op := func(err error) error {
		return &smithy.OperationError{ServiceID: "CloudWatch", OperationName: "DescribeAlarms", Err: err}
	}
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: x is not authorized"}
	for _, tc := range []struct {
		name            string
		err             error
		describe, brief string
	}{
		{"decode failure", fmt.Errorf("describe alarms: %w", op(decode)),
			"describe alarms: cloudwatch:DescribeAlarms: the response could not be decoded (decode argument: unexpected minor value 28)",
			"cloudwatch:DescribeAlarms: the response could not be decoded (decode argument: unexpected minor value 28)"},
		{"decode failure, no cause", op(&smithy.DeserializationError{}),
			"cloudwatch:DescribeAlarms: the response could not be decoded", "cloudwatch:DescribeAlarms: the response could not be decoded"},
		{"decode failure, no operation", fmt.Errorf("read: %w", decode),
			"read: the response could not be decoded (decode argument: unexpected minor value 28)",
			"the response could not be decoded (decode argument: unexpected minor value 28)"},
		{"API error", fmt.Errorf("list users: %w", &smithy.OperationError{ServiceID: "IAM", OperationName: "ListUsers", Err: denied}),
			"list users: iam:ListUsers: AccessDenied: User: x is not authorized", "AccessDenied: User: x is not authorized"},
		{"API error without a message", op(&smithy.GenericAPIError{Code: "InternalFailure"}),
			"cloudwatch:DescribeAlarms: InternalFailure", "InternalFailure"},
		{"other", errors.New("dial tcp: connection refused"), "dial tcp: connection refused", "dial tcp: connection refused"},
		{"empty", errors.New(""), "an error with no message (*errors.errorString)", "an error with no message (*errors.errorString)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Describe(tc.err); got != tc.describe {
				t.Errorf("Describe = %q\nwant       %q", got, tc.describe)
			}
			if got := Brief(tc.err); got != tc.brief {
				t.Errorf("Brief = %q\nwant    %q", got, tc.brief)
			}
		})
	}
}

// The SDK wraps a response it cannot decode as the cases above assume:
// a CloudWatch client, over loopback, gets an undecodable CBOR body.
func TestDescribeDecodeFailureFromSDK(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write([]byte{0xa1, 0x7c}) // a map whose key has minor value 28
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg, err := Load(ctx, Options{Isolated: true, Region: "us-east-1", EndpointURL: srv.URL, AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cwapi.NewFromConfig(cfg).DescribeAlarms(ctx, &cwapi.DescribeAlarmsInput{})
	if err == nil {
		t.Fatal("DescribeAlarms decoded garbage")
	}
	want := "describe alarms: cloudwatch:DescribeAlarms: the response could not be decoded (unexpected minor value 28)"
	if got := Describe(fmt.Errorf("describe alarms: %w", err)); got != want {
		t.Errorf("Describe = %q\nwant       %q\n(SDK error: %v)", got, want, err)
	}
}
