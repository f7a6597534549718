package cli

import (
	"context"
	"fmt"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// stager stages a shard's accounts into the store as the scan evaluates
// them (scan.Options.Account), stageBatch pieces per transaction, so
// that the shard's memory does not grow with its share of the
// organization. The pieces go through a bounded channel: once the part
// has begun, collection waits for the store rather than piling results
// up. Pieces that come before the part has begun (accounts evaluated
// while discovery still runs: the scan's scope, which the part is
// started with, is known only once discovery is over) wait in memory
// until it has.
type stager struct {
	st         store.Store
	scan, part string
	in         chan report.AccountPart
	done       chan error

	mu     sync.Mutex
	begun  bool
	failed error
	// staged counts the pieces and results staged.
	pieces, results int
	start           chan struct{}
}

func newStager(ctx context.Context, st store.Store, scan, part string) *stager {
	s := &stager{st: st, scan: scan, part: part, in: make(chan report.AccountPart, stageBatch), done: make(chan error, 1), start: make(chan struct{})}
	go s.run(ctx)
	return s
}

// put hands over one piece; it blocks while the store is behind. After
// a failure to stage it returns that error (and the scan ends with it).
func (s *stager) put(p report.AccountPart) error {
	s.mu.Lock()
	err := s.failed
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.in <- p
	return nil
}

// begin says the part has begun in the store: staging may start.
func (s *stager) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.begun {
		s.begun = true
		close(s.start)
	}
}

// close stages what is left and returns the first error.
func (s *stager) close() error {
	close(s.in)
	return <-s.done
}

func (s *stager) run(ctx context.Context) {
	var pending []report.AccountPart
	flush := func() {
		if len(pending) == 0 {
			return
		}
		s.mu.Lock()
		failed := s.failed
		s.mu.Unlock()
		if failed == nil {
			if err := s.st.StageAccounts(ctx, s.scan, s.part, pending); err != nil {
				s.mu.Lock()
				s.failed = fmt.Errorf("shard %s of scan %s: %w", s.part, s.scan, err)
				s.mu.Unlock()
			} else {
				s.pieces += len(pending)
				for _, p := range pending {
					s.results += len(p.Results)
				}
			}
		}
		clear(pending)
		pending = pending[:0]
	}
	started := func() bool {
		select {
		case <-s.start:
			return true
		default:
			return false
		}
	}
	for p := range s.in {
		pending = append(pending, p)
		if len(pending) >= stageBatch && started() {
			flush()
		}
	}
	if started() {
		flush()
	}
	s.mu.Lock()
	err := s.failed
	s.mu.Unlock()
	s.done <- err
}
