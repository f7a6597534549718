// Package exec runs the scan's units of work: a Task is one collector for
// one target. Tasks are plain values so that another executor (SQS and
// Lambda workers) can run them elsewhere; Local runs them on a bounded
// pool of goroutines. One failing task never stops the others: its error
// goes to the caller's callback and the pool goes on.
package exec

import (
	"context"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/target"
)

// Task is a collector to run for a target.
type Task struct {
	Target    target.Target `json:"target"`
	Collector string        `json:"collector"`
}

// Queue is an unbounded FIFO of tasks that producers fill while workers
// drain it: discovery pushes an account's tasks as soon as the account is
// ready, without waiting for workers.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	tasks  []Task
	closed bool
	pushed int
}

// NewQueue returns an empty, open queue.
func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push adds tasks. Tasks pushed after Close (a cancelled run) are
// dropped.
func (q *Queue) Push(ts ...Task) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.tasks = append(q.tasks, ts...)
	q.pushed += len(ts)
	q.cond.Broadcast()
}

// Close says no more tasks will come.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.cond.Broadcast()
}

// Pushed returns how many tasks were pushed so far.
func (q *Queue) Pushed() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pushed
}

// pop waits for a task; ok is false once the queue is closed and empty.
func (q *Queue) pop() (t Task, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.tasks) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.tasks) == 0 {
		return Task{}, false
	}
	t = q.tasks[0]
	q.tasks[0] = Task{}
	q.tasks = q.tasks[1:]
	return t, true
}

// Local runs tasks on at most Concurrency goroutines.
type Local struct {
	Concurrency int
}

// Run runs do for every task of q until q is closed and drained, or ctx
// is done. The error of each task goes to done (which may be nil); Run
// returns ctx.Err() if it was cancelled, else nil.
func (l Local) Run(ctx context.Context, q *Queue, do func(context.Context, Task) error, done func(Task, error)) error {
	n := l.Concurrency
	if n < 1 {
		n = 1
	}
	stop := context.AfterFunc(ctx, q.Close)
	defer stop()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t, ok := q.pop()
				if !ok || ctx.Err() != nil {
					return
				}
				err := do(ctx, t)
				if done != nil {
					done(t, err)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
