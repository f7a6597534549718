package scan

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Streaming evaluation: an account is evaluated as soon as all its tasks
// are done, its inventory is built, and what the controls of the other
// accounts do not need of it is let go, so that a scan's memory is its
// concurrency's working set, not the organization's state.
//
// Most controls read only the account they judge. Those that read the
// CloudTrail collector also read other accounts:
//
//   - a member sees the organization's trail as a shadow copy; the trail's
//     status and selectors, and whether it is judged in the member at all,
//     come from the owner's copy (control/cloudtrail: copies, judgedHere);
//   - the CloudWatch.1-14 controls read the metric filters, alarms and
//     topics of the account the trail's log group is in (control/cloudwatch:
//     regionOf): for an organization trail, the owner's (CloudTrail
//     delivers to a log group of the trail's own account only);
//   - CloudTrail.6 and .7 (control/s3: findBucket) judge the trail's bucket
//     in whatever account holds it (a log archive), found by name.
//
// So the controls are evaluated in three sets. The local ones when the
// account is complete. The trail ones (they need "cloudtrail", not "s3")
// once every account the account's trails name (owner, log group
// account) is complete, or absent from the scan for good (discovery
// over), or at the end. The bucket ones (they need "cloudtrail" and "s3")
// at the end, when every account's S3 state is known. What stays alive
// for them: every account's S3 state and trails (small), the whole of the
// management account and of any account that owns an organization trail
// (the context of every member), and the trail collectors' state of the
// accounts still waiting. The sets partition the controls and results
// are sorted per account (control.Sort is stable and keys on the
// control), so the results are those of one evaluation of the account.

// sets are the controls of a scan, by when they can be evaluated.
type sets struct {
	local, trail, bucket []*control.Control
	// trailKeep and bucketKeep are the collectors whose state the trail
	// and bucket sets read; nil when a collector's state could not be
	// told apart (then nothing is let go).
	trailKeep, bucketKeep map[string]bool
}

func split(cs []*control.Control) sets {
	var s sets
	trailNeeds, bucketNeeds := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		switch {
		case slices.Contains(c.Needs, "cloudtrail") && slices.Contains(c.Needs, "s3"):
			s.bucket = append(s.bucket, c)
			for _, n := range c.Needs {
				bucketNeeds[n] = true
			}
		case slices.Contains(c.Needs, "cloudtrail"):
			s.trail = append(s.trail, c)
			for _, n := range c.Needs {
				trailNeeds[n] = true
			}
		default:
			s.local = append(s.local, c)
		}
	}
	// What the bucket set reads is kept for every account until the end;
	// what the trail set reads, while the account waits.
	for n := range bucketNeeds {
		trailNeeds[n] = true
	}
	bucketNeeds["cloudtrail"], bucketNeeds["s3"] = true, true
	if known(trailNeeds) {
		s.trailKeep = trailNeeds
	}
	if known(bucketNeeds) {
		s.bucketKeep = bucketNeeds
	}
	return s
}

// stateFields are the snapshot's per-collector state fields of an
// account and of a region, by JSON name (the collector's name).
var accountFields, regionFields = stateFields(reflect.TypeFor[snapshot.Account]()), stateFields(reflect.TypeFor[snapshot.Region]())

func stateFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Kind() != reflect.Pointer || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = i
	}
	return out
}

// known reports whether every collector of names has a state field of
// the same name: only then can the rest be let go safely.
func known(names map[string]bool) bool {
	for n := range names {
		if _, ok := accountFields[n]; ok {
			continue
		}
		if _, ok := regionFields[n]; ok {
			continue
		}
		return false
	}
	return true
}

// release lets go of a's state but what keep names.
func release(a *snapshot.Account, keep map[string]bool) {
	if keep == nil {
		return
	}
	clear := func(v reflect.Value, fields map[string]int) {
		for name, i := range fields {
			if !keep[name] {
				f := v.Field(i)
				f.Set(reflect.Zero(f.Type()))
			}
		}
	}
	clear(reflect.ValueOf(a).Elem(), accountFields)
	for _, r := range a.Regions {
		if r != nil {
			clear(reflect.ValueOf(r).Elem(), regionFields)
		}
	}
}

// The pieces of an account's results (report.AccountPart.Piece), in the
// order they come: the local set with the account's gaps and inventory,
// the trail set, the bucket set, and last the account's record.
const (
	pieceLocal = iota
	pieceTrail
	pieceBucket
	pieceRecord
)

// stream evaluates accounts as they complete.
type stream struct {
	r    *run
	sets sets
	// global says which collectors are global, now is the scan's time.
	global control.Global
	now    time.Time
	// emit receives each account's results (possibly in several parts);
	// it is called with mu not held.
	emit func(id string, piece int, results []control.Result, gaps []snapshot.Gap, inv *inventory.Inventory) error

	// eval is held for reading while controls read other accounts,
	// and for writing while an account's state is let go.
	eval sync.RWMutex

	mu sync.Mutex
	// left counts each account's tasks still to run.
	left map[string]int
	// complete are the accounts whose tasks are all done.
	complete map[string]bool
	// whole are the accounts kept whole: context of the others.
	whole map[string]bool
	// waiting are accounts whose trail set waits for other accounts.
	waiting map[string]bool
	// discovered is set once discovery is over: an account not in the
	// snapshot then never will be.
	discovered bool
	err        error
}

func newStream(r *run, cs []*control.Control, collectors []collect.Collector, now time.Time) *stream {
	isGlobal := map[string]bool{}
	for _, c := range collectors {
		isGlobal[c.Name] = c.Global
	}
	return &stream{r: r, sets: split(cs), global: func(n string) bool { return isGlobal[n] }, now: now,
		left: map[string]int{}, complete: map[string]bool{}, whole: map[string]bool{}, waiting: map[string]bool{}}
}

// add registers an account's tasks (none: it is complete at once).
func (s *stream) add(id string, tasks int, management bool) {
	s.mu.Lock()
	if management {
		s.whole[id] = true
	}
	s.left[id] = tasks
	s.mu.Unlock()
	if tasks == 0 {
		s.finished(id)
	}
}

// done counts a task of account id.
func (s *stream) done(id string) {
	s.mu.Lock()
	s.left[id]--
	last := s.left[id] == 0
	s.mu.Unlock()
	if last {
		s.finished(id)
	}
}

// finished evaluates the account id, whose tasks are all done.
func (s *stream) finished(id string) {
	a := s.r.snap.Account(id)
	if a == nil {
		return
	}
	s.r.mu.Lock()
	isContext := s.r.context[id]
	delete(s.r.configs, id) // no task of the account is left
	s.r.mu.Unlock()
	s.r.o.Limiter.Forget(id)
	if ownsOrgTrail(a) {
		s.mu.Lock()
		s.whole[id] = true
		s.mu.Unlock()
	}
	if !isContext {
		res := control.EvaluateAccount(s.sets.local, s.r.snap, a, s.global, s.now)
		inv := inventory.BuildAccount(s.r.snap, a)
		s.send(id, pieceLocal, res, s.r.snap.AccountGaps(id), inv)
	}
	s.mu.Lock()
	s.complete[id] = true
	if !isContext && len(s.sets.trail) > 0 {
		s.waiting[id] = true
	}
	s.mu.Unlock()
	if !isContext {
		s.eval.Lock()
		if s.keepWhole(id) {
			// context of the others
		} else if len(s.sets.trail) > 0 {
			release(a, s.sets.trailKeep)
		} else {
			release(a, s.sets.bucketKeep)
		}
		s.eval.Unlock()
	}
	s.retry(false)
}

func (s *stream) keepWhole(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.whole[id]
}

// retry evaluates the trail set of the waiting accounts whose trails'
// accounts are complete (all of them when final).
func (s *stream) retry(final bool) {
	s.mu.Lock()
	var ready []string
	for id := range s.waiting {
		if final || s.depsReady(id) {
			ready = append(ready, id)
			delete(s.waiting, id)
		}
	}
	s.mu.Unlock()
	slices.Sort(ready)
	for _, id := range ready {
		a := s.r.snap.Account(id)
		s.eval.RLock()
		res := control.EvaluateAccount(s.sets.trail, s.r.snap, a, s.global, s.now)
		s.eval.RUnlock()
		s.send(id, pieceTrail, res, nil, nil)
		if !s.keepWhole(id) {
			s.eval.Lock()
			release(a, s.sets.bucketKeep)
			s.eval.Unlock()
		}
	}
}

// depsReady reports whether every other account id's trails name is
// complete, or will never be in the scan. Called with mu held; reads
// id's trails, which stay until the end.
func (s *stream) depsReady(id string) bool {
	a := s.r.snap.Account(id)
	for _, r := range a.Regions {
		if r == nil || r.CloudTrail == nil {
			continue
		}
		for _, t := range r.CloudTrail.Trails {
			for _, d := range []string{t.Owner(), logGroupAccount(t.CloudWatchLogsLogGroupARN)} {
				if d == "" || d == id || s.complete[d] {
					continue
				}
				if s.discovered && s.r.snap.Account(d) == nil {
					continue
				}
				return false
			}
		}
	}
	return true
}

// discoveryOver says discovery is over.
func (s *stream) discoveryOver() {
	s.mu.Lock()
	s.discovered = true
	s.mu.Unlock()
	s.retry(false)
}

// end evaluates what waited for the whole scan: the trail set of the
// accounts still waiting, and the bucket set of every account; and
// returns the first error of emit.
func (s *stream) end(accounts []*snapshot.Account) error {
	s.retry(true)
	if len(s.sets.bucket) > 0 {
		for _, a := range accounts {
			s.r.mu.Lock()
			isContext := s.r.context[a.ID]
			s.r.mu.Unlock()
			if isContext {
				continue
			}
			s.eval.RLock()
			res := control.EvaluateAccount(s.sets.bucket, s.r.snap, a, s.global, s.now)
			s.eval.RUnlock()
			s.send(a.ID, pieceBucket, res, nil, nil)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// send hands a part of an account's results to emit, and keeps its
// first error.
func (s *stream) send(id string, piece int, res []control.Result, gaps []snapshot.Gap, inv *inventory.Inventory) {
	s.mu.Lock()
	failed := s.err != nil
	s.mu.Unlock()
	if failed {
		return
	}
	if err := s.emit(id, piece, res, gaps, inv); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
}

// ownsOrgTrail reports whether a owns an organization trail that its
// regions show: the members' trail controls read its state.
func ownsOrgTrail(a *snapshot.Account) bool {
	for _, r := range a.Regions {
		if r == nil || r.CloudTrail == nil {
			continue
		}
		for _, t := range r.CloudTrail.Trails {
			if t.IsOrganization && t.Owner() == a.ID {
				return true
			}
		}
	}
	return false
}

// logGroupAccount is the account of a log group ARN
// (arn:aws:logs:<region>:<account>:log-group:<name>[:*]), or "".
func logGroupAccount(arn string) string {
	f := strings.Split(arn, ":")
	if len(f) < 5 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

// collected gathers the streamed parts into the report a scan returns
// when no Options.Account takes them: each account's results sorted as
// one evaluation of it sorts them, accounts in ID order.
type collected struct {
	mu      sync.Mutex
	results map[string][]control.Result
	inv     map[string]*inventory.Inventory
}

func (c *collected) add(id string, _ int, res []control.Result, _ []snapshot.Gap, inv *inventory.Inventory) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results[id] = append(c.results[id], res...)
	if inv != nil {
		c.inv[id] = inv
	}
	return nil
}

// fill puts the results and inventory of accounts (in ID order) into rep.
func (c *collected) fill(rep *report.Report, accounts []*snapshot.Account, taken time.Time, skip func(string) bool) {
	n := 0
	for _, rs := range c.results {
		n += len(rs)
	}
	rep.Results = make([]control.Result, 0, n)
	inv := &inventory.Inventory{Taken: taken}
	for _, a := range accounts {
		if skip(a.ID) {
			continue
		}
		rs := c.results[a.ID]
		control.Sort(rs)
		rep.Results = append(rep.Results, rs...)
		delete(c.results, a.ID)
		if ai := c.inv[a.ID]; ai != nil {
			inv.Resources = append(inv.Resources, ai.Resources...)
			inv.Collected = append(inv.Collected, ai.Collected...)
		}
	}
	rep.Inventory = inv
}
