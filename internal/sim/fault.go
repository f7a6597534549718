package sim

import (
	"math"
	"math/rand/v2"
	"path"
	"strings"
	"sync"
	"time"
)

// Faults are the costs and failures the simulator injects, set per run
// (Server.SetFaults, or POST /_sim/faults with this document as JSON).
type Faults struct {
	// Latency is added to every call.
	Latency Latency `json:"latency"`
	// Throttle enables AWS-like token buckets per (account, region, service).
	Throttle bool `json:"throttle"`
	// Limits overrides the default bucket of a service (by signing name),
	// or of an action with a limit of its own ("cloudtrail:LookupEvents").
	Limits map[string]Limit `json:"limits,omitempty"`
	// Deny answers AccessDenied to matching calls.
	Deny []DenyRule `json:"deny,omitempty"`
	// Answers replace the service's answer to matching calls (the first
	// matching rule applies).
	Answers []Answer `json:"answers,omitempty"`
	// ErrorRate is the fraction of calls answered with a 5xx (0..1).
	ErrorRate float64 `json:"error_rate"`
	// Seed makes latency and error injection reproducible.
	Seed uint64 `json:"seed"`
}

// Latency is a per-call latency distribution: uniform in [Min, Max].
type Latency struct {
	Min Duration `json:"min"`
	Max Duration `json:"max"`
}

// Duration is a time.Duration that reads and writes as "25ms" in JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// DenyRule matches calls by glob patterns ("" matches everything).
type DenyRule struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Service string `json:"service,omitempty"` // signing name: ec2, s3, iam...
	Action  string `json:"action,omitempty"`  // operation: Describe*, GetBucketPolicy
}

func (d DenyRule) match(account, region, service, op string) bool {
	return glob(d.Account, account) && glob(d.Region, region) && glob(d.Service, service) && glob(d.Action, op)
}

func glob(pattern, s string) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

// Answer replaces the service's answer to the calls it matches, for what
// real endpoints do that the services never do: a status with an empty
// body or one that is not the protocol's (a 404 from a proxy or from an
// endpoint that does not offer the API, an HTML error page), a
// connection closed without an answer, or an answer slower than a
// client's timeout. The patterns are DenyRule's.
type Answer struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Service string `json:"service,omitempty"`
	Action  string `json:"action,omitempty"`
	// Delay holds the call this long first (or until the client gives
	// up); alone, the service then answers as usual.
	Delay Duration `json:"delay,omitempty"`
	// Status, when not 0, is the answer's HTTP status, with Body (may be
	// empty) of ContentType.
	Status      int    `json:"status,omitempty"`
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
}

func (a *Answer) match(account, region, service, op string) bool {
	return DenyRule{Account: a.Account, Region: a.Region, Service: a.Service, Action: a.Action}.match(account, region, service, op)
}

// replaces reports whether a answers instead of the service.
func (a *Answer) replaces() bool { return a.Status != 0 || a.Drop }

// Limit is a token bucket: Burst tokens, refilled at Rate per second.
type Limit struct {
	Rate  float64 `json:"rate"`
	Burst float64 `json:"burst"`
}

// DefaultLimits are the request-rate limits AWS documents or that are
// observed, per (account, region, service). They are what the simulator
// enforces when Faults.Throttle is on, and what a benchmark's lower bound
// is computed from.
//
//   - ec2: non-mutating actions, bucket 100, refill 20/s
//     https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
//   - iam: global per account; AWS does not publish it, ~20 TPS observed.
//   - sts: 600 requests/s per account and region (STS quotas page).
//   - organizations: ~10 TPS observed, shared by the organization.
//   - s3: bucket-configuration calls are not published; generous.
//   - sqs: standard queues support "a nearly unlimited number of API calls
//     per second" (SQS quotas page); a bucket that never binds a client.
//   - events: PutEvents 10,000/s in the largest regions, far less in
//     others; the control plane (PutRule, PutTargets) 50 TPS
//     https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
//     One bucket per service, so the smaller PutEvents figure.
//   - apigateway: the management API, REST and v2 together: 10 requests
//     per second, burst 40 (API Gateway quotas, "Total operations").
//   - kinesis: DescribeStreamSummary 20/s per account (ListStreams 5/s,
//     an action limit below), from the Kinesis API reference.
//   - route53: five requests per second per account (Route 53 quotas).
//   - everything else: 20/s, burst 40, the order of the documented
//     control-plane quotas (CloudTrail 10 TPS for Describe*, Config 12).
var DefaultLimits = map[string]Limit{
	"ec2":           {Rate: 20, Burst: 100},
	"iam":           {Rate: 20, Burst: 40},
	"sts":           {Rate: 600, Burst: 600},
	"organizations": {Rate: 10, Burst: 20},
	"s3":            {Rate: 100, Burst: 200},
	"cloudtrail":    {Rate: 10, Burst: 20},
	"config":        {Rate: 12, Burst: 24},
	"apigateway":    {Rate: 10, Burst: 40},
	"sqs":           {Rate: 100000, Burst: 100000},
	"events":        {Rate: 400, Burst: 800},
	"kinesis":       {Rate: 20, Burst: 20},
	"route53":       {Rate: 5, Burst: 5},
}

// DefaultActionLimits are the actions AWS limits on their own, per
// (account, region), besides their service's limit; each has its own
// bucket, keyed "service:Action".
//
//   - cloudtrail:LookupEvents: 2 requests per second per account and
//     region (LookupEvents API reference).
var DefaultActionLimits = map[string]Limit{
	"cloudtrail:LookupEvents": {Rate: 2, Burst: 2},
	"kinesis:ListStreams":     {Rate: 5, Burst: 5},
}

// DefaultLimit applies to services not in DefaultLimits.
var DefaultLimit = Limit{Rate: 20, Burst: 40}

// limit returns the bucket of service under f.
func (f *Faults) limit(service string) Limit {
	if l, ok := f.Limits[service]; ok {
		return l
	}
	if l, ok := DefaultLimits[service]; ok {
		return l
	}
	return DefaultLimit
}

// bucket is a token bucket that is refilled lazily.
type bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	lim    Limit
}

// take takes one token and reports whether one was there.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = b.lim.Burst
	} else {
		b.tokens = math.Min(b.lim.Burst, b.tokens+now.Sub(b.last).Seconds()*b.lim.Rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// faultState is the live state of the injected faults.
type faultState struct {
	mu      sync.Mutex
	f       Faults
	rng     *rand.Rand
	buckets map[key]*bucket
	// actions are the limits of single actions: service → action → limit.
	actions map[string]map[string]Limit
}

func newFaultState(f Faults) *faultState {
	s := &faultState{f: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15)), buckets: map[key]*bucket{},
		actions: map[string]map[string]Limit{}}
	for _, m := range []map[string]Limit{DefaultActionLimits, f.Limits} {
		for name, l := range m {
			service, action, ok := strings.Cut(name, ":")
			if !ok {
				continue
			}
			if s.actions[service] == nil {
				s.actions[service] = map[string]Limit{}
			}
			s.actions[service][action] = l
		}
	}
	return s
}

// decide returns the latency to add, and whether to answer 5xx.
func (s *faultState) decide() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lat := time.Duration(s.f.Latency.Min)
	if span := time.Duration(s.f.Latency.Max) - lat; span > 0 {
		lat += time.Duration(s.rng.Int64N(int64(span)))
	}
	fail := s.f.ErrorRate > 0 && s.rng.Float64() < s.f.ErrorRate
	return lat, fail
}

func (s *faultState) denied(account, region, service, op string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.f.Deny {
		if d.match(account, region, service, op) {
			return true
		}
	}
	return false
}

// answer returns the first Answer that matches the call, or nil.
func (s *faultState) answer(account, region, service, op string) *Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.f.Answers {
		if a := &s.f.Answers[i]; a.match(account, region, service, op) {
			return a
		}
	}
	return nil
}

// allow takes a token from the (account, region, service) bucket, or
// from the action's own bucket when the action has a limit of its own.
func (s *faultState) allow(k key, op string, now time.Time) bool {
	s.mu.Lock()
	if !s.f.Throttle {
		s.mu.Unlock()
		return true
	}
	lim, own := s.actions[k.Service][op]
	if own {
		k.Service += ":" + op
	} else {
		lim = s.f.limit(k.Service)
	}
	b := s.buckets[k]
	if b == nil {
		b = &bucket{lim: lim}
		s.buckets[k] = b
	}
	s.mu.Unlock()
	return b.take(now)
}
