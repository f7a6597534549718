package awsx

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

type captureClient struct{ req *http.Request }

func (c *captureClient) Do(req *http.Request) (*http.Response, error) {
	c.req = req
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

// TestInMemoryBodies: a request's body reaches net/http as a
// bytes.Reader (which it writes with the headers and does not read again
// after the answer), the same bytes, replayable through GetBody; the
// SDK's body is closed. A body of unknown length is passed as it is.
func TestInMemoryBodies(t *testing.T) {
	const form = "Action=DescribeInstances&Version=2016-11-15"
	orig := &closeTracker{Reader: strings.NewReader(form)}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", orig)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(form))
	next := &captureClient{}
	if _, err := (inMemoryBodies{next}).Do(req); err != nil {
		t.Fatal(err)
	}
	if !orig.closed {
		t.Error("the SDK's body was not closed")
	}
	body, ok := next.req.Body.(interface {
		WriteTo(io.Writer) (int64, error)
	})
	if !ok {
		t.Fatalf("body %T is not a bytes.Reader behind io.NopCloser", next.req.Body)
	}
	var got bytes.Buffer
	if _, err := body.WriteTo(&got); err != nil || got.String() != form {
		t.Fatalf("body %q (%v), want %q", got.String(), err, form)
	}
	again, err := next.req.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(again); string(b) != form {
		t.Errorf("GetBody gave %q, want %q", b, form)
	}

	stream := &closeTracker{Reader: strings.NewReader("streamed")}
	req, _ = http.NewRequest(http.MethodPut, "http://127.0.0.1:1/", stream)
	req.ContentLength = -1
	if _, err := (inMemoryBodies{next}).Do(req); err != nil {
		t.Fatal(err)
	}
	if next.req.Body != stream || stream.closed {
		t.Errorf("a body of unknown length was replaced (%T) or closed (%v)", next.req.Body, stream.closed)
	}

	short := &closeTracker{Reader: strings.NewReader("abc")}
	req, _ = http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", short)
	req.ContentLength = 10
	if _, err := (inMemoryBodies{next}).Do(req); err == nil || !strings.Contains(err.Error(), "read the request body") {
		t.Errorf("a body shorter than its length: err = %v", err)
	}
}
