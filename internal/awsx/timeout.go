package awsx

// Timeouts. Without them a call to an endpoint that accepts the
// connection and never answers waits forever, and one to a refused port
// is retried with back-off for a minute. Every configuration Load returns
// (real AWS or a custom endpoint) bounds each step of a call:
//
//   - opening the connection, TLS handshake included: ConnectTimeout;
//   - one attempt, from sending the request to reading the whole answer
//     (the SDK deserializes inside the attempt): AttemptTimeout, through a
//     middleware that runs inside the SDK's retry loop (the SDK has no
//     per-attempt timeout of its own), backed by the transport's
//     response-header timeout;
//   - the retries of a call that got no answer at all (refused, dropped,
//     silent): at most transportAttempts attempts, after which the call
//     fails with an UnreachableError naming the endpoint and why. An AWS
//     answer (throttling, 5xx) is retried as the retryer says.
//
// A task's whole run is bounded by its caller (scan's task timeout).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Default timeouts (see Options).
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultAttemptTimeout = 30 * time.Second
)

// transportAttempts bounds the attempts of a call that got no answer at
// all: a second try rides out a blip, more only delay the report that an
// endpoint is down.
const transportAttempts = 2

// UnreachableError says a call got no answer from its endpoint: the
// connection was refused or dropped, the host does not exist, or nothing
// came back within the attempt timeout.
type UnreachableError struct {
	// Endpoint is where the call went: "https://sts.us-east-1.amazonaws.com".
	Endpoint string
	// Reason says what happened: "connection refused", "no answer within
	// 30s (--attempt-timeout)".
	Reason string
	// Err is the transport's error.
	Err error

	retry bool
}

func (e *UnreachableError) Error() string { return "cannot reach " + e.Endpoint + ": " + e.Reason }
func (e *UnreachableError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer whether to try again: only while
// the call has attempts left for transport failures.
func (e *UnreachableError) RetryableError() bool { return e.retry }

// CanceledError says the call was not cancelled by its caller (an
// attempt that timed out carries the SDK's CanceledError, which the
// retryer would otherwise never retry).
func (e *UnreachableError) CanceledError() bool { return false }

// IsUnreachable reports whether err is a call that got no answer.
func IsUnreachable(err error) bool {
	var ue *UnreachableError
	return errors.As(err, &ue)
}

// httpClient returns the HTTP client of a configuration: base (the SDK's
// client, which may carry a custom CA bundle) with the connect, TLS and
// response-header timeouts.
//
// For a custom endpoint, some services put a label in front of the
// endpoint's host: S3 Control always prefixes the account ID
// (123456789012.127.0.0.1), S3 may use virtual-hosted buckets. Such names
// resolve nowhere, so the client dials the endpoint's own host for any
// subdomain of it; the Host header (and so the signature) keeps the full
// name, which is how the server routes.
func httpClient(base aws.HTTPClient, endpoint string, connect, attempt time.Duration) (aws.HTTPClient, error) {
	bc, ok := base.(*awshttp.BuildableClient)
	if !ok || bc == nil {
		bc = awshttp.NewBuildableClient()
	}
	var rewrite string
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("endpoint URL %q: want scheme://host[:port]", endpoint)
		}
		rewrite = u.Hostname()
	}
	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	return inMemoryBodies{bc.WithTransportOptions(func(t *http.Transport) {
		t.TLSHandshakeTimeout = connect
		t.ResponseHeaderTimeout = attempt
		// Keep a connection for every call that may run at once: a
		// scan runs hundreds of tasks against each regional endpoint,
		// and a connection closed for want of an idle slot is a TLS
		// handshake on the next call (the SDK keeps 10 per host).
		t.MaxIdleConns = maxIdleConns
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		if rewrite == "" {
			t.DialContext = dialer.DialContext
			return
		}
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err == nil && strings.HasSuffix(host, "."+rewrite) {
				addr = net.JoinHostPort(rewrite, port)
			}
			return dialer.DialContext(ctx, network, addr)
		}
	})}, nil
}

// Idle connections kept: per host, as many as the calls a scan runs at
// once (its --concurrency defaults to 64, bench scan's to 256); in all,
// enough for a few busy regional endpoints.
const (
	maxIdleConnsPerHost = 256
	maxIdleConns        = 1024
)

// inMemoryBodies is the HTTP client that hands net/http each request's
// body as a bytes.Reader, read from the SDK's body.
//
// net/http sends the headers of a body it does not know to be in memory
// first (a write of its own), then the body, then reads the body once
// more to check it is over. The SDK's body (smithy-go) reads io.EOF once
// the SDK has closed it, which it does as soon as the response arrives.
// A server that answers before that last read (one on loopback does now
// and then) makes the check fail, and net/http closes the connection
// under the answer being read: the call fails with "use of closed
// network connection" and is retried after a back-off (aws-sdk-go-v2
// issues 1825 and 2737). With the body in memory, net/http writes
// headers and body at once and checks nothing: one write instead of two
// per call, and no race. Bodies of unknown length (streamed uploads) and
// large ones are passed as they are.
type inMemoryBodies struct{ next aws.HTTPClient }

// maxInMemoryBody is the largest body read into memory (API calls send
// a few kilobytes; policies at most tens).
const maxInMemoryBody = 1 << 20

func (c inMemoryBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody && req.ContentLength > 0 && req.ContentLength <= maxInMemoryBody {
		b := make([]byte, req.ContentLength)
		_, err := io.ReadFull(req.Body, b)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read the request body: %w", err)
		}
		// The request is the SDK's copy for this attempt (smithy-go
		// builds one per attempt): its body can be replaced in place.
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return c.next.Do(req)
}

type attemptsKey struct{}

// attemptTimeout returns the SDK option that bounds each attempt of a
// call by d and turns a call that got no answer into an UnreachableError.
// It counts attempts in the Initialize step (once per call) and times
// each in the Deserialize step (once per attempt, inside the retry loop,
// after the client-side rate limiters have let it through).
func attemptTimeout(d, connect time.Duration) func(*middleware.Stack) error {
	// Made once: the SDK runs the returned option for every operation.
	count := middleware.InitializeMiddlewareFunc("guardrail.attempts",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(context.WithValue(ctx, attemptsKey{}, new(atomic.Int32)), in)
		})
	bound := middleware.DeserializeMiddlewareFunc("guardrail.attemptTimeout",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			attempt := int32(1)
			if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
				attempt = n.Add(1)
			}
			actx, cancel := context.WithTimeout(ctx, d)
			out, md, err := next.HandleDeserialize(actx, in)
			if err == nil && streams(out.Result) {
				// The body is read after the call returns: it gets
				// the rest of the attempt's time.
				time.AfterFunc(d, cancel)
				return out, md, nil
			}
			cancel()
			if err == nil || ctx.Err() != nil {
				return out, md, err
			}
			reason := ""
			if actx.Err() == context.DeadlineExceeded {
				reason = fmt.Sprintf("no answer within %s (--attempt-timeout)", d)
			} else if reason = noAnswer(err, connect, d); reason == "" {
				return out, md, err
			}
			return out, md, &UnreachableError{Endpoint: endpointOf(in.Request), Reason: reason, Err: err, retry: attempt < transportAttempts}
		})
	return func(s *middleware.Stack) error {
		s.Initialize.Remove("guardrail.attempts")
		s.Deserialize.Remove("guardrail.attemptTimeout")
		if err := s.Initialize.Add(count, middleware.Before); err != nil {
			return err
		}
		return s.Deserialize.Add(bound, middleware.Before)
	}
}

// noAnswer says why a call that failed in the transport got no answer,
// or "" when the failure is not of the connection.
func noAnswer(err error, connect, attempt time.Duration) string {
	var send *smithyhttp.RequestSendError
	if !errors.As(err, &send) {
		return ""
	}
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host " + dns.Name
	case errors.As(err, &op) && op.Op == "dial" && op.Timeout():
		return fmt.Sprintf("no connection within %s (--connect-timeout)", connect)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed without an answer"
	}
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() {
		// The transport's response-header timeout (the attempt's).
		return fmt.Sprintf("no answer within %s (--attempt-timeout)", attempt)
	}
	return innermost(send).Error()
}

// innermost is the last error of err's chain.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// endpointOf is the scheme and host a request goes to.
func endpointOf(req any) string {
	if r, ok := req.(*smithyhttp.Request); ok && r.URL != nil {
		return r.URL.Scheme + "://" + r.URL.Host
	}
	return "the endpoint"
}

var readCloser = reflect.TypeFor[io.ReadCloser]()

// bodyFields caches, per output type, the indexes of its io.ReadCloser
// fields: streams runs after every call.
var bodyFields sync.Map // reflect.Type → []int

// streams reports whether an operation's output holds a body to read
// after the call (S3 GetObject): a non-nil struct field of type
// io.ReadCloser.
func streams(result any) bool {
	v := reflect.ValueOf(result)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	idx, ok := bodyFields.Load(v.Type())
	if !ok {
		var fs []int
		for i := range v.NumField() {
			if v.Type().Field(i).Type == readCloser {
				fs = append(fs, i)
			}
		}
		idx, _ = bodyFields.LoadOrStore(v.Type(), fs)
	}
	for _, i := range idx.([]int) {
		if !v.Field(i).IsNil() {
			return true
		}
	}
	return false
}

// describeOperation is Describe for an operation error that carries no
// AWS error code (the endpoint did not answer, or not as AWS would).
func describeOperation(prefix string, oe *smithy.OperationError) string {
	if oe.Err == nil {
		return prefix + operation(oe) + ": failed with no error"
	}
	return prefix + operation(oe) + ": " + nonEmpty(oe.Err)
}

// FailFast returns a copy of cfg whose calls, once one of them got no
// answer (an UnreachableError), fail at once with that error. The calls
// of one task (one service in one account and region) go to one
// endpoint: when it is down, each call would otherwise wait out its own
// attempts, one after the other.
func FailFast(cfg aws.Config) aws.Config {
	var down atomic.Pointer[UnreachableError]
	// Made once per configuration, not per call.
	fail := middleware.InitializeMiddlewareFunc("guardrail.failFast",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if ue := down.Load(); ue != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, ue
			}
			out, md, err := next.HandleInitialize(ctx, in)
			var ue *UnreachableError
			if err != nil && errors.As(err, &ue) {
				down.CompareAndSwap(nil, ue)
			}
			return out, md, err
		})
	out := cfg.Copy()
	// Clipped: cfg.Copy shares APIOptions' array, and an append into its
	// spare capacity would race with (and overwrite) another copy's.
	out.APIOptions = append(slices.Clip(out.APIOptions), func(s *middleware.Stack) error {
		return s.Initialize.Add(fail, middleware.Before)
	})
	return out
}
