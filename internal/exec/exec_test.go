package exec

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/target"
)

func tasks(n int) []Task {
	out := make([]Task, n)
	for i := range out {
		out[i] = Task{Target: target.Target{Account: "111122223333", Region: "us-east-1"}, Collector: string(rune('a' + i%26))}
	}
	return out
}

// TestLocalRunsAllAndKeepsGoing: failing tasks are reported and the rest
// still run; tasks pushed while running are run; concurrency is bounded.
func TestLocalRunsAllAndKeepsGoing(t *testing.T) {
	q := NewQueue()
	q.Push(tasks(50)...)
	var running, peak, ran atomic.Int64
	var mu sync.Mutex
	var failed []Task
	go func() {
		time.Sleep(20 * time.Millisecond)
		q.Push(tasks(50)...)
		q.Close()
	}()
	err := Local{Concurrency: 4}.Run(context.Background(), q, func(ctx context.Context, tk Task) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		ran.Add(1)
		if tk.Collector == "c" {
			return errors.New("denied")
		}
		return nil
	}, func(tk Task, err error) {
		if err != nil {
			mu.Lock()
			failed = append(failed, tk)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if ran.Load() != 100 {
		t.Errorf("ran %d tasks, want 100", ran.Load())
	}
	if len(failed) != 4 {
		t.Errorf("%d failures reported, want 4", len(failed))
	}
	if p := peak.Load(); p > 4 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..4", p)
	}
	if q.Pushed() != 100 {
		t.Errorf("pushed %d", q.Pushed())
	}
}

// TestLocalStopsOnCancel: cancelling stops taking tasks and returns the
// context's error; pushing afterwards is harmless.
func TestLocalStopsOnCancel(t *testing.T) {
	q := NewQueue()
	q.Push(tasks(1000)...)
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int64
	err := Local{Concurrency: 2}.Run(ctx, q, func(ctx context.Context, tk Task) error {
		if ran.Add(1) == 10 {
			cancel()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := ran.Load(); n > 12 {
		t.Errorf("ran %d tasks after cancel at 10", n)
	}
	q.Push(tasks(1)...) // after Close: dropped, no panic
}
