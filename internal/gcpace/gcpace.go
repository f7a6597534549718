// Package gcpace paces Go's garbage collector for a batch run that
// makes many AWS calls (a scan, a baseline apply or rollback, a
// remediation).
//
// Why. Each AWS SDK call allocates about 40 KB (its middleware stack,
// the signed request, the decoded answer), and a scan makes one call
// every few hundred microseconds, so the collector's work is a third of
// the client's CPU per call. With GOGC=100 the collector runs every
// time the heap doubles: early in a run, while the state collected so
// far is small, that is every few megabytes, and each cycle also scans
// the stacks of the hundreds of goroutines waiting on AWS.
//
// What. A floor under the heap goal: the collector lets the heap grow
// to Floor before it runs, and never runs less often than GOGC=100
// would make it once the live heap is over half the floor. It sets
// GOGC after each cycle from the live heap:
//
//	GOGC = max(100, 100 × (Floor / live − 1))
//
// While GOGC is over 100 the runtime's memory limit is the floor too,
// so that freed pages not yet returned to the system and the stacks
// count: the peak memory of a run is max(Floor, what GOGC=100 gives): a
// large run (whose peak is over the floor) keeps its peak and its
// pace at the end, and spends less CPU on the cycles of its start. This
// is the "minimum heap" Go's own GOMEMLIMIT design discusses and that
// memory ballasts were used for, without the ballast.
//
// The user's choice wins: with GOGC or GOMEMLIMIT set in the
// environment, Start does nothing. In a container with a memory limit
// (cgroup v2 memory.max) the floor is at most a quarter of it.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultFloor is the heap a batch run may grow to before the collector
// runs: a fraction of what a scan of a few hundred accounts holds anyway.
const DefaultFloor = 256 << 20

// cgroupMemoryMax is where cgroup v2 shows this process's memory limit.
var cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

var (
	mu      sync.Mutex
	running *pacer
)

type pacer struct {
	floor uint64
	// setMu orders set (run by the finalizer goroutine) and stop: once
	// stop has put GOGC back, no set in flight changes it again.
	setMu   sync.Mutex
	stopped atomic.Bool
	percent atomic.Int64 // the GOGC set last
	prior   int
	// priorLimit is the memory limit before Start, which is also the
	// limit once the floor is behind.
	priorLimit int64
	cycles     atomic.Int64
}

// Start paces the collector with floor (DefaultFloor when 0) until the
// returned stop is called, which puts GOGC back. It does nothing, and
// returns a stop that does nothing, when the environment sets GOGC or
// GOMEMLIMIT, or when pacing has already started.
func Start(floor uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	if floor == 0 {
		floor = DefaultFloor
	}
	if limit := cgroupLimit(); limit > 0 && floor > limit/4 {
		floor = limit / 4
	}
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		return func() {}
	}
	p := &pacer{floor: floor}
	p.prior = debug.SetGCPercent(100)
	p.priorLimit = debug.SetMemoryLimit(-1)
	p.percent.Store(100)
	running = p
	p.set()
	p.arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if running != p {
			return
		}
		running = nil
		p.setMu.Lock()
		defer p.setMu.Unlock()
		p.stopped.Store(true)
		debug.SetGCPercent(p.prior)
		debug.SetMemoryLimit(p.priorLimit)
	}
}

// Percent returns the GOGC the pacer set last (0 when not pacing).
func Percent() int {
	mu.Lock()
	defer mu.Unlock()
	if running == nil {
		return 0
	}
	return int(running.percent.Load())
}

// sentinel is an object whose finalizer runs once per collection cycle
// (it is never reachable): big enough not to share a block with other
// tiny objects, whose finalizers may never run.
type sentinel struct {
	p   *pacer
	pad [16]byte
}

// arm makes a sentinel whose finalizer, after the next cycle, sets GOGC
// and arms the next one.
func (p *pacer) arm() {
	s := &sentinel{p: p}
	runtime.SetFinalizer(s, func(s *sentinel) {
		if s.p.stopped.Load() {
			return
		}
		s.p.cycles.Add(1)
		s.p.set()
		s.p.arm()
	})
}

// set sets GOGC from the live heap.
func (p *pacer) set() {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	if p.stopped.Load() {
		return
	}
	live, roots := liveHeap()
	pct := Goal(p.floor, live, roots)
	if int64(pct) == p.percent.Load() {
		return
	}
	p.percent.Store(int64(pct))
	// Under the floor, the memory limit holds everything the runtime
	// has mapped (freed pages not yet returned, stacks) to the floor
	// too, not only the heap; over it, GOGC=100 and no limit of ours.
	if pct > 100 {
		debug.SetMemoryLimit(int64(min(p.floor, uint64(p.priorLimit))))
	} else {
		debug.SetMemoryLimit(p.priorLimit)
	}
	debug.SetGCPercent(pct)
}

// maxPercent bounds GOGC while the live heap is tiny (at the start).
const maxPercent = 10000

// Goal is the GOGC that makes the heap goal floor for a live heap of
// live bytes and roots bytes of goroutine stacks and globals, never
// less than 100. Go's goal is live + (live + roots) × GOGC/100: the
// stacks count, and at the start of a run, with hundreds of goroutines
// and little heap, they are most of it.
func Goal(floor, live, roots uint64) int {
	if live*2+roots >= floor {
		return 100
	}
	if live+roots == 0 {
		return maxPercent
	}
	return int(max(100, min(maxPercent, 100*(floor-live)/(live+roots))))
}

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/gc/scan/stack:bytes"},
	{Name: "/gc/scan/globals:bytes"},
}

// liveHeap is the heap the last cycle found reachable, and the stacks
// and globals it scanned.
func liveHeap() (live, roots uint64) {
	s := make([]metrics.Sample, len(samples))
	copy(s, samples)
	metrics.Read(s)
	var v [3]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	return v[0], v[1] + v[2]
}

// cgroupLimit is the cgroup v2 memory limit in bytes, 0 when none.
func cgroupLimit() uint64 {
	b, err := os.ReadFile(cgroupMemoryMax)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil { // "max": no limit
		return 0
	}
	return n
}
