package sim

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// key identifies a throttling bucket and a call counter.
type key struct {
	Account string
	Region  string
	Service string
}

type counter struct {
	calls     atomic.Int64
	throttled atomic.Int64
	faults    atomic.Int64 // injected 5xx and AccessDenied
}

// stats counts calls per (account, region, service).
type stats struct {
	mu sync.Mutex
	m  map[key]*counter
}

func (s *stats) get(k key) *counter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[key]*counter{}
	}
	c := s.m[k]
	if c == nil {
		c = &counter{}
		s.m[k] = c
	}
	return c
}

// CallCount is the number of calls one (account, region, service) received.
type CallCount struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Calls     int64  `json:"calls"`
	Throttled int64  `json:"throttled"`
	Faults    int64  `json:"faults"`
}

// Stats is a report of the calls the simulator received.
type Stats struct {
	Calls     int64       `json:"calls"`
	Throttled int64       `json:"throttled"`
	Faults    int64       `json:"faults"`
	Counts    []CallCount `json:"counts"`
}

func (s *stats) report() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r Stats
	for k, c := range s.m {
		cc := CallCount{k.Account, k.Region, k.Service, c.calls.Load(), c.throttled.Load(), c.faults.Load()}
		r.Calls += cc.Calls
		r.Throttled += cc.Throttled
		r.Faults += cc.Faults
		r.Counts = append(r.Counts, cc)
	}
	sort.Slice(r.Counts, func(i, j int) bool {
		a, b := r.Counts[i], r.Counts[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Service < b.Service
	})
	return r
}

// LowerBound is the least wall time a perfect client could need for the
// successful calls in st under faults f: each (account, region, service)
// bucket serves its burst at once and then Rate calls per second, every
// call takes at least the minimum latency, and buckets drain in parallel.
// Throttled calls are not counted: a perfect client would not make them.
func LowerBound(st Stats, f Faults) time.Duration {
	worst := 0.0
	for _, c := range st.Counts {
		n := float64(c.Calls - c.Throttled - c.Faults)
		if n <= 0 || !f.Throttle {
			continue
		}
		l := f.limit(c.Service)
		if need := (n - l.Burst) / l.Rate; need > worst {
			worst = need
		}
	}
	d := time.Duration(math.Ceil(worst*1e3)) * time.Millisecond
	return d + time.Duration(f.Latency.Min)
}
