package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// fakeSource gives its batches one by one, then fails or blocks as told.
type fakeSource struct {
	batches []*Batch
	// before, when set, runs at the start of each Next.
	before func(n int)
	// fail fails the Nexts after the batches with it, until failN of
	// them; then the source blocks until ctx is done.
	fail  error
	failN int
	n     int
	calls atomic.Int64
}

func (f *fakeSource) Name() string { return "fake" }

func (f *fakeSource) Next(ctx context.Context) (*Batch, error) {
	f.calls.Add(1)
	if f.before != nil {
		f.before(f.n)
	}
	if f.n < len(f.batches) {
		b := f.batches[f.n]
		f.n++
		return b, nil
	}
	if f.fail != nil && f.failN > 0 {
		f.failN--
		return nil, f.fail
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func batchOf(done *[]bool, recs ...rec) *Batch {
	b := &Batch{Checkpoints: []store.Checkpoint{{Source: "fake", Key: "k", Position: recs[len(recs)-1].id}}}
	for _, r := range recs {
		b.Records = append(b.Records, Record{Raw: r.json(), Origin: "fake", Offset: -1})
	}
	b.Done = func(_ context.Context, committed bool) error {
		*done = append(*done, committed)
		return nil
	}
	return b
}

// TestShutdownCommitsBatchInFlight: a stop (Ctrl-C, SIGTERM) that comes
// while a batch is being read still commits it with its checkpoint,
// then the source is told.
func TestShutdownCommitsBatchInFlight(t *testing.T) {
	st, _ := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	var done []bool
	src := &fakeSource{batches: []*Batch{batchOf(&done, evSSH), batchOf(&done, evStop)}}
	src.before = func(n int) {
		if n == 1 {
			cancel() // the stop arrives while the second batch is read
		}
	}
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: src})
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := alertsOf(t, st), expect("ev-ssh", "ev-stop"); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %q, want both batches' (the second read during the stop)", got)
	}
	if cp, _ := st.Checkpoints(context.Background(), "fake"); cp["k"] != "ev-stop" {
		t.Errorf("checkpoint %q, want the second batch's", cp["k"])
	}
	if len(done) != 2 || !done[0] || !done[1] {
		t.Errorf("batches settled %v, want both committed", done)
	}
}

// TestSourceFailuresDoNotStop: a source that fails is retried with a
// backoff and counted; the watch goes on.
func TestSourceFailuresDoNotStop(t *testing.T) {
	st, _ := openStore(t)
	var done []bool
	m := NewMetrics(nil)
	src := &fakeSource{fail: errors.New("connection refused"), failN: 3, batches: []*Batch{batchOf(&done, evSSH)}}
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: src, Metrics: m, Backoff: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for src.calls.Load() < 5 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.Value(`guardrail_watch_errors_total{kind="source"}`); got != 3 {
		t.Errorf("source errors counted %v, want 3", got)
	}
	if len(alertsOf(t, st)) != len(expect("ev-ssh")) {
		t.Error("the batch before the failures was not stored")
	}
}

// TestHealth: /healthz answers while the process lives, /readyz only
// while the source answered lately and the store answers, /metrics in
// the Prometheus text format.
func TestHealth(t *testing.T) {
	st, _ := openStore(t)
	m := NewMetrics(func() time.Time { return t0.Add(time.Minute) })
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: &FileSource{Paths: writeFiles(t, gz(logJSON(evSSH)))}, Metrics: m})
	within := time.Hour
	h := &Health{Metrics: m, Ready: func(ctx context.Context) error { return e.Ready(ctx, within) }}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz %d", code)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz before the first read, within the grace: %d %s", code, body)
	}
	within = 0
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "has not answered") {
		t.Errorf("/readyz with a source that never answered: %d %s", code, body)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	within = time.Hour
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after a read: %d %s", code, body)
	}
	st.Close()
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "store") {
		t.Errorf("/readyz with the store closed: %d %s", code, body)
	}
	_, body := get("/metrics")
	for _, want := range []string{
		`guardrail_watch_events_read_total{source="file"} 1`,
		`guardrail_watch_rule_matches_total{rule="GR.SecurityGroupOpenToInternet"} 1`,
		`guardrail_watch_lag_seconds{source="file"} 60`,
		`guardrail_watch_batches_total{source="file"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
}

// TestCommittedHook: Committed sees each batch once it is stored and
// before its source is told, with its alerts' IDs: new ones the first
// time, 0 when the same events come again.
func TestCommittedHook(t *testing.T) {
	st, _ := openStore(t)
	var done []bool
	var seen []string
	hook := func(b *store.WatchBatch, c *store.WatchCommit) {
		if len(b.Alerts) != len(c.Alerts) {
			t.Errorf("%d alerts, %d IDs", len(b.Alerts), len(c.Alerts))
		}
		for i, a := range b.Alerts {
			seen = append(seen, fmt.Sprintf("%s %s new=%v told=%d", a.EventID, a.Rule, c.Alerts[i] != 0, len(done)))
		}
	}
	for range 2 {
		src := &fakeSource{batches: []*Batch{batchOf(&done, evSSH), batchOf(&done, evStop)}}
		e, _ := New(Options{Store: st, Rules: mustRules(t), Source: src, Committed: hook})
		ctx, cancel := context.WithCancel(context.Background())
		src.before = func(n int) {
			if n == 2 {
				cancel()
			}
		}
		if err := e.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"ev-ssh CIS.4.10 new=true told=0", "ev-ssh GR.SecurityGroupOpenToInternet new=true told=0",
		"ev-stop CIS.4.5 new=true told=1", "ev-stop GR.CloudTrailStopped new=true told=1",
		"ev-ssh CIS.4.10 new=false told=2", "ev-ssh GR.SecurityGroupOpenToInternet new=false told=2",
		"ev-stop CIS.4.5 new=false told=3", "ev-stop GR.CloudTrailStopped new=false told=3",
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("hook saw\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
