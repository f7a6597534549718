package httpstop_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/httpstop"
)

// serve serves h on loopback until the test ends.
func serve(t *testing.T, h http.Handler, track bool) (*http.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if track {
		httpstop.Track(srv)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return srv, ln.Addr().String()
}

// TestShutdownClosesUnusedConnections: a connection that never sent a
// request does not hold Shutdown, which net/http alone does for 5
// seconds (shown with the same server untracked: its Shutdown runs out
// of a 2-second context); the connection is closed.
func TestShutdownClosesUnusedConnections(t *testing.T) {
	for _, track := range []bool{true, false} {
		srv, addr := serve(t, http.NotFoundHandler(), track)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// A request on another connection: the unused one has surely
		// been accepted (and marked new) once it is answered.
		waitAccepted(t, addr)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = srv.Shutdown(ctx)
		cancel()
		if !track {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("untracked: Shutdown: %v, want it to wait out its context (else this test shows nothing)", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Shutdown: %v, want nil: the unused connection held it", err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("the unused connection: read %v, want EOF (closed by the server)", err)
		}
	}
}

func waitAccepted(t *testing.T, addr string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	resp, err := cl.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestShutdownLetsRequestsFinish: a request in flight when Shutdown
// starts is answered in full.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	srv, addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	}), true)
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		cl := &http.Client{Timeout: 10 * time.Second}
		resp, err := cl.Get("http://" + addr + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	// Shutdown is under way (the listener refuses) before the handler
	// answers.
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "done" {
		t.Errorf("request in flight: %q, %v; want done", r.body, r.err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
