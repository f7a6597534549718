package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// The LookupEvents source: no setup, for small organizations.
//
// It polls CloudTrail's event history (LookupEvents: management events of
// the last 90 days, per account and region) of every account and region
// in the scope, every Interval. LookupEvents answers at most two calls
// per second per account and region (ratelimit's cloudtrail:LookupEvents
// bucket paces the calls; the targets are polled Concurrency at a time).
//
// Its checkpoint, per (account, region), is the time of the newest event
// read and the IDs of the events at that time. Event history is not
// complete at once: an event appears there minutes after the call
// (about five on average, not guaranteed), not always in time order. So
// each poll asks from Overlap before the checkpoint to now; what it reads
// again is de-duplicated (the checkpoint's own IDs here, the rest by the
// store's unique alerts and seen window). A target with no event for a
// while moves its checkpoint to Overlap before now, so that the window a
// poll asks for stays bounded: an event that reaches the event history
// more than Overlap late can be missed; Overlap (15 min by default)
// trades that against calls.

// LookupSource polls LookupEvents.
type LookupSource struct {
	Scope *Scope
	Store store.Store
	// Interval is the time between polls of a target (1 min when 0),
	// Overlap see above (15 min when 0), Since how far back a first run
	// starts (15 min when 0), Concurrency the targets polled at once (8
	// when 0).
	Interval, Overlap, Since time.Duration
	Concurrency              int
	// CallTimeout bounds each call (30 s when 0).
	CallTimeout time.Duration
	Now         func() time.Time
	// Log, when set, tells each target whose poll failed (the others go
	// on; its checkpoint stays).
	Log *slog.Logger

	positions map[string]lookupPosition
	queue     []*Batch
	lastPoll  time.Time
}

// lookupPosition is a checkpoint: the newest event time read and the IDs
// of the events at that time.
type lookupPosition struct {
	Time time.Time `json:"time"`
	IDs  []string  `json:"ids,omitempty"`
}

// Name is SourceLookup.
func (s *LookupSource) Name() string { return SourceLookup }

func (s *LookupSource) init(ctx context.Context) error {
	if s.positions != nil {
		return nil
	}
	if s.Interval <= 0 {
		s.Interval = time.Minute
	}
	for _, d := range []*time.Duration{&s.Overlap, &s.Since} {
		if *d <= 0 {
			*d = 15 * time.Minute
		}
	}
	if s.Concurrency <= 0 {
		s.Concurrency = 8
	}
	if s.CallTimeout <= 0 {
		s.CallTimeout = 30 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	cp, err := s.Store.Checkpoints(ctx, SourceLookup)
	if err != nil {
		return err
	}
	s.positions = map[string]lookupPosition{}
	for k, v := range cp {
		var p lookupPosition
		if json.Unmarshal([]byte(v), &p) == nil {
			s.positions[k] = p
		}
	}
	return nil
}

// Next returns the next target's new events, polling every target again
// every Interval.
func (s *LookupSource) Next(ctx context.Context) (*Batch, error) {
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	if len(s.queue) == 0 {
		if wait := s.Interval - time.Since(s.lastPoll); !s.lastPoll.IsZero() && wait > 0 {
			if !sleep(ctx, wait) {
				return nil, ctx.Err()
			}
		}
		s.lastPoll = time.Now()
		if err := s.poll(ctx); err != nil {
			return nil, err
		}
	}
	if len(s.queue) == 0 {
		return nil, nil
	}
	b := s.queue[0]
	s.queue = s.queue[1:]
	return b, nil
}

// poll asks every target for its events since its checkpoint and queues
// a batch per target. A target whose calls fail is skipped this time
// (its checkpoint stays); if all fail, poll fails.
func (s *LookupSource) poll(ctx context.Context) error {
	targets := s.Scope.Targets()
	if len(targets) == 0 {
		return fmt.Errorf("no account and region to poll (none reachable in the selection)")
	}
	now := s.Now().UTC()
	var (
		mu      sync.Mutex
		batches = make([]*Batch, len(targets))
		failed  []error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.Concurrency)
	for i, t := range targets {
		g.Go(func() error {
			b, err := s.target(gctx, t, now)
			if err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
				if s.Log != nil && gctx.Err() == nil {
					s.Log.Warn("lookup events failed; the target is polled again next time", "account", t.Account, "region", t.Region, "err", err)
				}
				return nil
			}
			batches[i] = b
			return nil
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, b := range batches {
		if b != nil {
			s.queue = append(s.queue, b)
		}
	}
	if len(failed) == len(targets) {
		return fmt.Errorf("lookup events: every target failed, the first: %w", failed[0])
	}
	return nil
}

type lookupEvent struct {
	id  string
	at  time.Time
	raw string
}

// target reads one target's events since its checkpoint.
func (s *LookupSource) target(ctx context.Context, t Target, now time.Time) (*Batch, error) {
	key := t.Account + "/" + t.Region
	pos, have := s.positions[key]
	start := now.Add(-s.Since)
	if have {
		start = pos.Time.Add(-s.Overlap)
	}
	client := ctapi.NewFromConfig(t.Config)
	var evs []lookupEvent
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		cctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
		defer cancel()
		out, err := client.LookupEvents(cctx, &ctapi.LookupEventsInput{StartTime: aws.Time(start), EndTime: aws.Time(now),
			MaxResults: aws.Int32(50), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("lookup events in %s %s: %w", t.Account, t.Region, err)
		}
		for _, e := range out.Events {
			evs = append(evs, lookupEvent{id: aws.ToString(e.EventId), at: aws.ToTime(e.EventTime).UTC(), raw: aws.ToString(e.CloudTrailEvent)})
		}
		return out.NextToken, nil
	})
	if err != nil {
		return nil, err
	}
	// Oldest first, as the events happened.
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
	seenAt := map[string]bool{}
	for _, id := range pos.IDs {
		seenAt[id] = true
	}
	next := pos
	origin := "lookup:" + key
	b := &Batch{}
	for _, e := range evs {
		if have && e.at.Equal(pos.Time) && seenAt[e.id] {
			continue
		}
		b.Records = append(b.Records, Record{Raw: []byte(e.raw), Origin: origin, Offset: -1})
		switch {
		case e.at.After(next.Time):
			next = lookupPosition{Time: e.at, IDs: []string{e.id}}
		case e.at.Equal(next.Time) && !contains(next.IDs, e.id):
			next.IDs = append(next.IDs, e.id)
		}
	}
	// A quiet target moves on to Overlap before now (see above).
	if quiet := now.Add(-s.Overlap); next.Time.Before(quiet) {
		next = lookupPosition{Time: quiet}
	}
	enc, err := json.Marshal(next)
	if err != nil {
		return nil, err
	}
	b.Checkpoints = []store.Checkpoint{{Source: SourceLookup, Key: key, Position: string(enc)}}
	b.Done = func(_ context.Context, committed bool) error {
		if committed {
			s.positions[key] = next
		}
		return nil
	}
	return b, nil
}
