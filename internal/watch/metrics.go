package watch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Metrics are the watch's Prometheus metrics, in a set of their own (no
// global registry).
//
//	guardrail_watch_events_read_total{source}       records read and decoded
//	guardrail_watch_events_ignored_total{source}    events outside the selection
//	guardrail_watch_rule_matches_total{rule}        alerts stored (new matches)
//	guardrail_watch_lag_seconds{source}             now - time of the newest event read
//	guardrail_watch_reassessments_total{result}     re-assessments stored (ok) or failed (error)
//	guardrail_watch_errors_total{kind}              malformed input by kind, and source, store and
//	                                                re-assessment failures
//	guardrail_watch_batches_total{source}           batches committed
type Metrics struct {
	set *metrics.Set
	now func() time.Time

	mu     sync.Mutex
	newest map[string]time.Time
}

// NewMetrics returns an empty set of metrics on the clock now (time.Now
// when nil).
func NewMetrics(now func() time.Time) *Metrics {
	if now == nil {
		now = time.Now
	}
	return &Metrics{set: metrics.NewSet(), now: now, newest: map[string]time.Time{}}
}

// label quotes a label value for a metric name.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}

func (m *Metrics) counter(name, key, value string) *metrics.Counter {
	return m.set.GetOrCreateCounter(name + "{" + key + "=" + label(value) + "}")
}

// Read counts n events read from source, the newest of them at newest.
func (m *Metrics) Read(source string, n int, newest time.Time) {
	if m == nil {
		return
	}
	m.counter("guardrail_watch_events_read_total", "source", source).Add(n)
	if newest.IsZero() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.newest[source]; !ok {
		m.set.GetOrCreateGauge("guardrail_watch_lag_seconds{source="+label(source)+"}", func() float64 {
			m.mu.Lock()
			defer m.mu.Unlock()
			return m.now().Sub(m.newest[source]).Seconds()
		})
	}
	if newest.After(m.newest[source]) {
		m.newest[source] = newest
	}
}

// Ignored counts n events of source outside the selection.
func (m *Metrics) Ignored(source string, n int) {
	if m != nil && n > 0 {
		m.counter("guardrail_watch_events_ignored_total", "source", source).Add(n)
	}
}

// Match counts a new alert of rule.
func (m *Metrics) Match(rule string) {
	if m != nil {
		m.counter("guardrail_watch_rule_matches_total", "rule", rule).Inc()
	}
}

// Error counts an error of kind.
func (m *Metrics) Error(kind string) {
	if m != nil {
		m.counter("guardrail_watch_errors_total", "kind", kind).Inc()
	}
}

// Reassessed counts a re-assessment, stored or failed.
func (m *Metrics) Reassessed(err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.counter("guardrail_watch_reassessments_total", "result", result).Inc()
}

// Batch counts a batch of source committed.
func (m *Metrics) Batch(source string) {
	if m != nil {
		m.counter("guardrail_watch_batches_total", "source", source).Inc()
	}
}

// Value returns the value of the counter or gauge named name (with its
// labels, as in the text format), 0 if there is none: for tests.
func (m *Metrics) Value(name string) float64 {
	var b strings.Builder
	m.set.WritePrometheus(&b)
	for _, line := range strings.Split(b.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	return 0
}

// Health serves /healthz (the process is alive), /readyz (the store
// answers and the source was read lately) and /metrics (the Prometheus
// text format).
type Health struct {
	Metrics *Metrics
	// Ready returns nil when the watch is ready, else why not.
	Ready func(ctx context.Context) error
}

// Handler returns the endpoints' handler.
func (h *Health) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if h.Ready != nil {
			if err := h.Ready(ctx); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, "not ready: %v\n", err)
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if h.Metrics != nil {
			h.Metrics.set.WritePrometheus(w)
		}
	})
	return mux
}

// Serve serves the endpoints on ln until ctx is done, then shuts down
// within a few seconds.
func (h *Health) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           h.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && e != nil {
		return e
	}
	return err
}
