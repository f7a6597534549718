package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/scan"
)

// progress shows how a scan is going on w: one line redrawn in place on a
// terminal, a plain log line every few seconds otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu   sync.Mutex
	last time.Time
	cur  scan.Progress
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 200*time.Millisecond
		}
	}
	return p
}

func (p *progress) update(s scan.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur = s
	if time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	p.print(false)
}

func (p *progress) line() string {
	s := p.cur
	phase := "collecting"
	if s.Discovering {
		phase = "discovering+collecting"
	}
	return fmt.Sprintf("%s: %d accounts, %d targets, tasks %d/%d, %d API calls, %d task errors, %.1fs",
		phase, s.Accounts, s.Targets, s.TasksDone, s.TasksQueued, s.APICalls, s.TaskErrors, float64(s.ElapsedMillis)/1000)
}

func (p *progress) print(final bool) {
	if p.terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r\033[K%s%s", p.line(), end)
		return
	}
	fmt.Fprintf(p.w, "guardrail: %s\n", p.line())
}

// finish prints the last state.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur.TasksQueued > 0 {
		p.print(true)
	}
}
