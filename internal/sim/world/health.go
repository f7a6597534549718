package world

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// The application health model: the EC2.8 incident in the simulator.
//
// A team enforced IMDSv2 on every instance; old web sites whose code
// still read instance metadata the IMDSv1 way (a plain GET, no session
// token) could no longer fetch their role's credentials, failed their
// requests, and their CloudWatch alarms fired. The model is this much:
//
//   - An instance can run such an application (Instance.LegacyIMDSv1).
//     The application works while IMDSv1 answers it: HttpTokens is not
//     "required" and HttpEndpoint is not "disabled".
//   - A metric alarm follows the application when one of its dimensions
//     is InstanceId = that instance and its metric is the application's
//     own, one the application or the CloudWatch agent publishes (a
//     namespace outside "AWS/"). AWS/EC2 metrics (CPUUtilization,
//     StatusCheckFailed) do not see an application fail, so alarms on
//     them are left alone.
//   - When ModifyInstanceMetadataOptions takes IMDSv1 away from such an
//     instance, its alarms go to ALARM Health.Delay later, the time the
//     failing requests take to show in the metric and the alarm to
//     evaluate them; when IMDSv1 comes back, they return to OK after the
//     same delay. Quick toggles play out in order (ALARM, then OK).
//   - A new alarm on such an instance (PutMetricAlarm) leaves
//     INSUFFICIENT_DATA for its actual state Delay after it is created.
//   - SetAlarmState forces any alarm's state until the next evaluation,
//     one Period of the alarm later, when it returns to its actual state
//     (the state it had, unless the application changed since).
//
// State is computed, not simulated by a goroutine: every CloudWatch call
// that reads alarms first brings the region's alarms up to the health
// clock's reading (EvaluateAlarms), applying what fell due since, in
// time order, each stamped with the instant it fell due. The same calls
// at the same clock readings give the same answers.
//
// Its clock. World.Now is the clock data is judged by (ages, expiries):
// fixed in tests and in the reproducible demo, it never advances, so it
// cannot say "five seconds after the change". The model therefore has
// its own clock, Health.Elapsed: a duration since the world started,
// read from the monotonic clock in a running simulator (New), and from
// a Stopwatch that a test advances explicitly. Durations, not instants,
// because that is all the model needs and because a monotonic reading
// cannot be set back by a wall-clock jump. The instants the model
// writes (StateUpdatedTimestamp) are the health clock's readings placed
// on the data clock: World.Now when the health clock was first read,
// minus Elapsed then, plus the reading. On the wall clock that is the
// wall time; on a fixed clock they run on from the fixed instant, so
// the alarms' timestamps always follow their transitions in order.
//
// Not modelled: stopped instances (their metric would go missing), metric
// data itself (GetMetricData), alarm history, composite alarms.

// DefaultHealthDelay is Health.Delay in a new world: long enough for a
// health gate to see an alarm fire during its soak, short enough for a
// demo to run in seconds.
const DefaultHealthDelay = 3 * time.Second

// Health is the world's application health model (see above).
type Health struct {
	// Delay is how long after an instance's metadata options change its
	// application's alarms reflect it, both ways; zero is at once.
	Delay time.Duration
	// Elapsed is the model's clock: how long the world has been running.
	// New sets it to the monotonic time since the world was made; tests
	// use a Stopwatch. Nil reads as the monotonic time since first use.
	Elapsed func() time.Duration

	mu      sync.Mutex
	started bool
	base    time.Time // the data-clock instant of Elapsed() == 0
	seq     uint64
	events  map[string][]imdsEvent // account/region/instance → IMDSv1 changes
}

// imdsEvent is an instance's IMDSv1 appearing or disappearing.
type imdsEvent struct {
	seq    uint64
	at     time.Duration
	before bool // IMDSv1 answered before the change
	after  bool
}

// AlarmEval is the health model's bookkeeping for one alarm; its fields
// are the model's own (MetricAlarm.Eval, never in data).
type AlarmEval struct {
	instance string         // the instance the alarm follows ("": not yet seen)
	seq      uint64         // the instance's events up to seq are applied
	first    *time.Duration // when a new alarm's first evaluation falls due
	forced   *forcedState
}

// forcedState is when an alarm state set by SetAlarmState ends, and the
// state the alarm returns to then.
type forcedState struct {
	until                              time.Duration
	priorState, priorReason, priorData string
}

// Stopwatch is a health clock that moves only when told to: a test sets
// w.Health.Elapsed = sw.Elapsed, then calls sw.Advance. Safe for
// concurrent use.
type Stopwatch struct {
	mu sync.Mutex
	d  time.Duration
}

// Elapsed reads the stopwatch.
func (s *Stopwatch) Elapsed() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.d
}

// Advance moves the stopwatch forward by d.
func (s *Stopwatch) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d += d
}

// Monotonic returns a health clock that reads the monotonic time since
// it was made (what a running simulator uses).
func Monotonic() func() time.Duration {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}

// IMDSv1Available reports whether an application can read instance
// metadata without a session token under options m.
func IMDSv1Available(m InstanceMetadata) bool {
	return m.HTTPTokens != "required" && m.HTTPEndpoint != "disabled"
}

// now reads the health clock and, the first time, pins it to the data
// clock. Callers hold h.mu.
func (h *Health) now(w *World) time.Duration {
	if h.Elapsed == nil {
		h.Elapsed = Monotonic()
	}
	e := h.Elapsed()
	if !h.started {
		h.started = true
		h.base = w.Now().UTC().Add(-e)
	}
	return e
}

// stamp is the data-clock instant of health-clock reading d.
func (h *Health) stamp(d time.Duration) time.Time { return h.base.Add(d) }

func instanceKey(account, region, id string) string { return account + "/" + region + "/" + id }

// MetadataChanged tells the health model that instance i of account in
// region has new metadata options (i.Metadata, before was what it had).
// ModifyInstanceMetadataOptions calls it with the account's lock held.
// Only an instance running a legacy application, and only a change in
// whether IMDSv1 answers, is recorded.
func (w *World) MetadataChanged(account, region string, i *Instance, before InstanceMetadata) {
	was, is := IMDSv1Available(before), IMDSv1Available(i.Metadata)
	if !i.LegacyIMDSv1 || was == is {
		return
	}
	h := &w.Health
	h.mu.Lock()
	defer h.mu.Unlock()
	at := h.now(w)
	if h.events == nil {
		h.events = map[string][]imdsEvent{}
	}
	h.seq++
	k := instanceKey(account, region, i.ID)
	h.events[k] = append(h.events[k], imdsEvent{seq: h.seq, at: at, before: was, after: is})
}

// watched returns the running legacy instance whose application alarm a
// follows in r, or nil.
func watched(r *Region, a *MetricAlarm) *Instance {
	if a.Namespace == "" || strings.HasPrefix(a.Namespace, "AWS/") {
		return nil
	}
	for _, d := range a.Dimensions {
		if d.Name != "InstanceId" {
			continue
		}
		for _, i := range r.EC2.Instances {
			if i.ID == d.Value && i.LegacyIMDSv1 && i.State != "terminated" && i.State != "shutting-down" {
				return i
			}
		}
	}
	return nil
}

// AlarmPut tells the health model that alarm a was just created or
// updated in an account's region r (PutMetricAlarm, which brought the
// region up to date first; the caller holds the account's lock). An
// alarm that now follows another instance (or follows one for the first
// time) sees only what happens to it from now on; a new alarm on a
// legacy application has its first evaluation Delay from now.
func (w *World) AlarmPut(r *Region, a *MetricAlarm, created bool) {
	h := &w.Health
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now(w)
	if a.Eval == nil {
		a.Eval = &AlarmEval{}
	}
	id := ""
	if i := watched(r, a); i != nil {
		id = i.ID
	}
	if created || a.Eval.instance != id {
		a.Eval.instance, a.Eval.seq, a.Eval.first = id, h.seq, nil
	}
	if created && id != "" {
		due := now + h.Delay
		a.Eval.first = &due
	}
}

// ForceAlarmState sets a's state as SetAlarmState does, until the next
// evaluation (one Period of the alarm later), and returns the instant it
// stamped. The caller has brought the region up to date (EvaluateAlarms)
// and holds the account's lock.
func (w *World) ForceAlarmState(a *MetricAlarm, state, reason, data string) time.Time {
	h := &w.Health
	h.mu.Lock()
	now := h.now(w)
	at := h.stamp(now)
	h.mu.Unlock()
	if a.Eval == nil {
		a.Eval = &AlarmEval{}
	}
	f := a.Eval.forced
	if f == nil {
		f = &forcedState{priorState: a.StateValue(), priorReason: a.StateReason, priorData: a.StateReasonData}
	}
	period := time.Duration(a.Period) * time.Second
	if period <= 0 {
		period = time.Minute
	}
	f.until = now + period
	a.Eval.forced = f
	a.setState(state, reason, data, at)
	return at
}

// step is one thing that falls due for an alarm.
type step struct {
	at    time.Duration
	order int // among steps at the same instant: events first, in sequence
	event *imdsEvent
	first bool
}

// EvaluateAlarms brings the alarms of account's region r up to the health
// clock: every event, first evaluation and end of a forced state that fell
// due since the last call is applied in time order. The caller holds the
// account's lock (CloudWatch handlers call it before they read alarms).
func (w *World) EvaluateAlarms(account, region string, r *Region) {
	h := &w.Health
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now(w)
	for _, a := range r.CloudWatch.Alarms {
		ev := a.Eval
		inst := watched(r, a)
		if inst == nil && (ev == nil || ev.forced == nil) {
			continue
		}
		if ev == nil {
			ev = &AlarmEval{}
			a.Eval = ev
		}
		if inst != nil && ev.instance == "" {
			ev.instance = inst.ID
		}
		var steps []step
		var history []imdsEvent
		if inst != nil {
			history = h.events[instanceKey(account, region, inst.ID)]
			for n := range history {
				e := &history[n]
				if e.seq > ev.seq && e.at+h.Delay <= now {
					steps = append(steps, step{at: e.at + h.Delay, order: n, event: e})
				}
			}
			if ev.first != nil && *ev.first <= now {
				steps = append(steps, step{at: *ev.first, order: len(history), first: true})
			}
		}
		sort.SliceStable(steps, func(i, j int) bool {
			if steps[i].at != steps[j].at {
				return steps[i].at < steps[j].at
			}
			return steps[i].order < steps[j].order
		})
		for _, s := range steps {
			h.expireForced(a, s.at)
			switch {
			case s.event != nil:
				ev.seq, ev.first, ev.forced = s.event.seq, nil, nil
				a.evaluated(s.event.after, h.stamp(s.at))
			case s.first && ev.first != nil:
				ev.first, ev.forced = nil, nil
				a.evaluated(availableAt(history, inst, s.at-h.Delay), h.stamp(s.at))
			}
		}
		h.expireForced(a, now)
	}
}

// expireForced ends a's forced state if its next evaluation came by t:
// the alarm returns to the state it had before it was forced. An
// evaluation after the forcing (an event falling due) replaces the
// forced state, so this runs before each one.
func (h *Health) expireForced(a *MetricAlarm, t time.Duration) {
	ev := a.Eval
	if ev == nil || ev.forced == nil || ev.forced.until > t {
		return
	}
	f := ev.forced
	ev.forced = nil
	a.setState(f.priorState, f.priorReason, f.priorData, h.stamp(f.until))
}

// availableAt is whether IMDSv1 answered instance i at health-clock
// reading t, from its recorded changes (or its options when none).
func availableAt(history []imdsEvent, i *Instance, t time.Duration) bool {
	if len(history) == 0 {
		return IMDSv1Available(i.Metadata)
	}
	v := history[0].before
	for _, e := range history {
		if e.at <= t {
			v = e.after
		}
	}
	return v
}

// StateValue is a's state, INSUFFICIENT_DATA when data leaves it empty.
func (a *MetricAlarm) StateValue() string {
	if a.State == "" {
		return "INSUFFICIENT_DATA"
	}
	return a.State
}

// Transitioned is when a's state value last changed.
func (a *MetricAlarm) Transitioned() time.Time {
	if a.StateTransitioned.IsZero() {
		return a.StateUpdated
	}
	return a.StateTransitioned
}

// setState records a state as CloudWatch does: StateUpdatedTimestamp
// moves when the state or its reason changes, StateTransitionedTimestamp
// only when the state value does.
func (a *MetricAlarm) setState(state, reason, data string, at time.Time) {
	if state == a.StateValue() && reason == a.StateReason && data == a.StateReasonData {
		return
	}
	if state != a.StateValue() {
		a.StateTransitioned = at
	} else if a.StateTransitioned.IsZero() {
		a.StateTransitioned = a.StateUpdated
	}
	a.State, a.StateReason, a.StateReasonData, a.StateUpdated = state, reason, data, at
}

// evaluated sets a to what evaluating its metric gives at instant at when
// the application is healthy or not: ALARM with a breaching datapoint, or
// OK with one inside the threshold, and the reason CloudWatch writes.
func (a *MetricAlarm) evaluated(healthy bool, at time.Time) {
	state, from := "ALARM", "OK"
	if healthy {
		state, from = "OK", "ALARM"
	}
	if a.StateValue() == "INSUFFICIENT_DATA" {
		from = "INSUFFICIENT_DATA"
	}
	n := a.EvaluationPeriods
	if n < 1 {
		n = 1
	}
	m := a.DatapointsToAlarm
	if m < 1 || m > n {
		m = n
	}
	period := time.Duration(a.Period) * time.Second
	if period <= 0 {
		period = time.Minute
	}
	v := a.metricValue(!healthy)
	// The datapoints are the last n complete periods, the newest first.
	last := at.Truncate(period).Add(-period)
	points := make([]string, n)
	evaluated := make([]string, n)
	for k := 0; k < n; k++ {
		ts := last.Add(-time.Duration(k) * period)
		points[k] = fmt.Sprintf("%s (%s)", num(v), ts.Format("02/01/06 15:04:05"))
		evaluated[k] = fmt.Sprintf(`{"timestamp":"%s","sampleCount":1.0,"value":%s}`, cwTime(ts), num(v))
	}
	verb, not := "was", ""
	if n > 1 {
		verb = "were"
	}
	if healthy {
		not = "not "
	}
	count, plural := m, "datapoint"
	if m > 1 {
		plural = "datapoints"
	}
	reason := fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] %s %s%s the threshold (%s) (minimum %d %s for %s -> %s transition).",
		n, n, strings.Join(points, ", "), verb, not, comparisonWords[a.ComparisonOperator], num(a.Threshold), count, plural, from, state)
	stat := a.Statistic
	if stat == "" {
		stat = a.ExtendedStatistic
	}
	recent := make([]string, n)
	for k := range recent {
		recent[k] = num(v)
	}
	data := fmt.Sprintf(`{"version":"1.0","queryDate":"%s","startDate":"%s","statistic":"%s","period":%d,"recentDatapoints":[%s],"threshold":%s,"evaluatedDatapoints":[%s]}`,
		cwTime(at), cwTime(last.Add(-time.Duration(n-1)*period)), stat, int(period/time.Second), strings.Join(recent, ","), num(a.Threshold), strings.Join(evaluated, ","))
	a.setState(state, reason, data, at)
}

var comparisonWords = map[string]string{
	"GreaterThanOrEqualToThreshold": "greater than or equal to",
	"GreaterThanThreshold":          "greater than",
	"LessThanThreshold":             "less than",
	"LessThanOrEqualToThreshold":    "less than or equal to",
}

// metricValue is a datapoint of a's metric that breaches its threshold
// (the application failing) or stays inside it.
func (a *MetricAlarm) metricValue(breach bool) float64 {
	t := a.Threshold
	high := t + max(1, abs(t)) // above the threshold
	low := t - max(1, abs(t))  // below it
	if t > 0 {
		low = 0
	}
	lowIsBad := strings.HasPrefix(a.ComparisonOperator, "LessThan") && a.ComparisonOperator != "LessThanLowerOrGreaterThanUpperThreshold"
	if breach == lowIsBad {
		return low
	}
	return high
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// num formats a metric value as CloudWatch's reasons do (one decimal at
// least: 12.0, 0.5).
func num(f float64) string {
	s := fmt.Sprintf("%g", f)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// cwTime formats an instant as StateReasonData does.
func cwTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }
