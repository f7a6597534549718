package world

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SQS is every account's standard queues, in every region: state of the
// world rather than of an account, so that EventBridge and S3 can
// deliver to a queue of another account without that account's lock,
// and so that a long poll waits without holding any lock.
//
// Locking: SQS has a mutex of its own (Lock, Unlock). It is a leaf: taken
// after an account lock when there is one, never together with World.Mu
// or the EventBridge lock. The SQS handlers run without the account lock.
//
// Its clock. Visibility timeouts, delays, retention and the 60-second
// waits of DeleteQueue and PurgeQueue run on Elapsed, a duration since
// the world started, like the health model's (health.go): the monotonic
// time in a running simulator, a Stopwatch a test advances. The instants
// SQS reports (SentTimestamp, CreatedTimestamp) are those readings placed
// on the data clock: World.Now when SQS first read Elapsed, plus the
// reading minus Elapsed then. A long poll, though, waits in real time: it
// is a network wait, bounded by WaitTimeSeconds and the request.
//
// Not modelled: FIFO queues, server-side encryption (the attributes are
// kept), message move tasks, the sampling of short polls (a receive sees
// every visible message, oldest first), the 120,000 in-flight limit.
type SQS struct {
	// Elapsed is the SQS clock (see above); nil reads the monotonic time
	// since first use.
	Elapsed func() time.Duration

	mu      sync.Mutex
	started bool
	base    time.Time // the data-clock instant of Elapsed() == 0
	seq     uint64
	queues  map[string]*Queue        // by account/region/name
	deleted map[string]time.Duration // when a name was last deleted
	waiting int                      // receives in a long poll now
}

// Queue is one standard queue.
type Queue struct {
	Account, Region, Name string
	// Attributes are the settable attributes as last set, defaults
	// included (VisibilityTimeout, MessageRetentionPeriod, DelaySeconds,
	// MaximumMessageSize, ReceiveMessageWaitTimeSeconds, RedrivePolicy,
	// Policy, ...).
	Attributes map[string]string
	Tags       map[string]string
	Created    time.Time
	Modified   time.Time

	messages []*Message
	purged   time.Duration // the last PurgeQueue; valid when hasPurged
	hasPurge bool
	changed  chan struct{} // closed when a message may have become receivable
	gone     bool
}

// Message is one message in a queue.
type Message struct {
	ID         string
	Body       string
	Attributes map[string]MessageAttribute
	// TraceHeader is the AWSTraceHeader system attribute.
	TraceHeader string
	SenderID    string
	// SourceQueueARN is the queue a dead-letter queue's message came
	// from (the DeadLetterQueueSourceArn attribute).
	SourceQueueARN string

	sentAt       time.Duration // on the SQS clock
	visibleAt    time.Duration
	receives     int
	firstReceive time.Duration
	lastReceive  time.Duration
	receipt      uint64 // the number of the latest receive's handle
}

// MessageAttribute is a message attribute: a data type (String, Number,
// Binary, with an optional ".custom" suffix) and its value.
type MessageAttribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// Queue defaults and limits (the Amazon SQS Developer Guide's quotas).
const (
	DefaultVisibilityTimeout  = 30
	DefaultRetentionPeriod    = 345600 // 4 days
	DefaultMaximumMessageSize = 262144
	MaxVisibilityTimeout      = 43200 // 12 hours
	queueReuseWait            = 60 * time.Second
)

// QueueDefaults are the attributes of a new queue that the caller does
// not set.
func QueueDefaults() map[string]string {
	return map[string]string{
		"VisibilityTimeout":             strconv.Itoa(DefaultVisibilityTimeout),
		"MessageRetentionPeriod":        strconv.Itoa(DefaultRetentionPeriod),
		"DelaySeconds":                  "0",
		"MaximumMessageSize":            strconv.Itoa(DefaultMaximumMessageSize),
		"ReceiveMessageWaitTimeSeconds": "0",
		"SqsManagedSseEnabled":          "true",
	}
}

// Lock takes the SQS lock.
func (s *SQS) Lock() { s.mu.Lock() }

// Unlock releases it.
func (s *SQS) Unlock() { s.mu.Unlock() }

func queueKey(account, region, name string) string { return account + "/" + region + "/" + name }

// Elapse reads the SQS clock and, the first time, pins it to w's data
// clock. Callers hold the lock.
func (s *SQS) Elapse(w *World) time.Duration {
	if s.Elapsed == nil {
		s.Elapsed = Monotonic()
	}
	e := s.Elapsed()
	if !s.started {
		s.started = true
		s.base = w.Now().Add(-e)
	}
	return e
}

// Instant places a reading of the SQS clock on the data clock.
func (s *SQS) Instant(e time.Duration) time.Time { return s.base.Add(e).UTC() }

// Queue returns a queue, or nil. Callers hold the lock.
func (s *SQS) Queue(account, region, name string) *Queue {
	return s.queues[queueKey(account, region, name)]
}

// Queues returns an account's queues in a region, by name. Callers hold
// the lock.
func (s *SQS) Queues(account, region string) []*Queue {
	var out []*Queue
	for _, q := range s.queues {
		if q.Account == account && q.Region == region {
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DeletedRecently reports whether a queue of that name was deleted less
// than 60 seconds ago. Callers hold the lock.
func (s *SQS) DeletedRecently(account, region, name string, now time.Duration) bool {
	at, ok := s.deleted[queueKey(account, region, name)]
	return ok && now-at < queueReuseWait
}

// AddQueue adds a new queue. Callers hold the lock.
func (s *SQS) AddQueue(q *Queue) {
	if s.queues == nil {
		s.queues = map[string]*Queue{}
	}
	q.changed = make(chan struct{})
	s.queues[queueKey(q.Account, q.Region, q.Name)] = q
}

// DeleteQueue removes a queue; its waiters return. Callers hold the lock.
func (s *SQS) DeleteQueue(q *Queue, now time.Duration) {
	k := queueKey(q.Account, q.Region, q.Name)
	delete(s.queues, k)
	if s.deleted == nil {
		s.deleted = map[string]time.Duration{}
	}
	s.deleted[k] = now
	q.gone = true
	q.notify()
}

// ARN is the queue's ARN.
func (q *Queue) ARN() string { return ARN("sqs", q.Region, q.Account, q.Name) }

// Gone reports whether the queue was deleted.
func (q *Queue) Gone() bool { return q.gone }

// Attr returns an integer attribute, or def.
func (q *Queue) Attr(name string, def int) int {
	if n, err := strconv.Atoi(q.Attributes[name]); err == nil {
		return n
	}
	return def
}

func (q *Queue) notify() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// Changed returns a channel closed at the next change that may make a
// message receivable. Callers hold the lock.
func (q *Queue) Changed() <-chan struct{} { return q.changed }

// prune drops the messages older than the retention period.
func (q *Queue) prune(now time.Duration) {
	keep := time.Duration(q.Attr("MessageRetentionPeriod", DefaultRetentionPeriod)) * time.Second
	out := q.messages[:0]
	for _, m := range q.messages {
		if now-m.sentAt < keep {
			out = append(out, m)
		}
	}
	for i := len(out); i < len(q.messages); i++ {
		q.messages[i] = nil
	}
	q.messages = out
}

// Counts returns the approximate numbers of messages: visible, in
// flight (received, not yet visible again), delayed. Callers hold the
// lock.
func (q *Queue) Counts(now time.Duration) (visible, inflight, delayed int) {
	q.prune(now)
	for _, m := range q.messages {
		switch {
		case m.visibleAt <= now:
			visible++
		case m.receives > 0:
			inflight++
		default:
			delayed++
		}
	}
	return
}

// NewMessageID returns a message ID (a UUID's shape). Callers hold the
// lock.
func (s *SQS) NewMessageID() string {
	s.seq++
	h := md5.Sum([]byte("sqs-message-" + strconv.FormatUint(s.seq, 10)))
	x := hex.EncodeToString(h[:])
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32]
}

// Send enqueues m, visible after delay. Callers hold the lock.
func (q *Queue) Send(m *Message, now, delay time.Duration) {
	q.prune(now)
	m.sentAt = now
	m.visibleAt = now + delay
	q.messages = append(q.messages, m)
	if delay == 0 {
		q.notify()
	}
}

// SentAt is when the message was sent, on the SQS clock.
func (m *Message) SentAt() time.Duration { return m.sentAt }

// Receives is the ApproximateReceiveCount.
func (m *Message) Receives() int { return m.receives }

// FirstReceive is when it was first received (ApproximateFirstReceive-
// Timestamp), on the SQS clock.
func (m *Message) FirstReceive() time.Duration { return m.firstReceive }

// Received is one message a receive returns, with its receipt handle.
type Received struct {
	*Message
	ReceiptHandle string
}

// Receive returns up to max visible messages, oldest first, and hides
// them for visibility. A message received as many times as the queue's
// redrive policy allows moves to its dead-letter queue instead, when
// that queue exists. Callers hold the lock.
func (s *SQS) Receive(q *Queue, max int, visibility, now time.Duration) []Received {
	q.prune(now)
	dlq, maxReceives := s.redrive(q)
	var out []Received
	kept := q.messages[:0]
	for _, m := range q.messages {
		if len(out) < max && m.visibleAt <= now && dlq != nil && m.receives >= maxReceives {
			m.SourceQueueARN = q.ARN()
			m.visibleAt = now
			dlq.prune(now)
			dlq.messages = append(dlq.messages, m) // keeps its ID, send time and count
			dlq.notify()
			continue
		}
		kept = append(kept, m)
		if len(out) < max && m.visibleAt <= now {
			m.receives++
			if m.receives == 1 {
				m.firstReceive = now
			}
			m.receipt++
			m.lastReceive = now
			m.visibleAt = now + visibility
			out = append(out, Received{m, receiptHandle(q, m)})
		}
	}
	for i := len(kept); i < len(q.messages); i++ {
		q.messages[i] = nil
	}
	q.messages = kept
	return out
}

// RedrivePolicy is a queue's RedrivePolicy attribute.
type RedrivePolicy struct {
	DeadLetterTargetARN string
	MaxReceiveCount     int
}

// ParseRedrivePolicy reads a RedrivePolicy attribute; maxReceiveCount
// may be a number or a string, as AWS takes it.
func ParseRedrivePolicy(s string) (RedrivePolicy, error) {
	var raw struct {
		DeadLetterTargetArn string
		MaxReceiveCount     json.RawMessage
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return RedrivePolicy{}, fmt.Errorf("redrive policy is not valid JSON")
	}
	if raw.DeadLetterTargetArn == "" || len(raw.MaxReceiveCount) == 0 {
		return RedrivePolicy{}, fmt.Errorf("redrive policy needs deadLetterTargetArn and maxReceiveCount")
	}
	n, err := strconv.Atoi(strings.Trim(string(raw.MaxReceiveCount), `"`))
	if err != nil || n < 1 || n > 1000 {
		return RedrivePolicy{}, fmt.Errorf("maxReceiveCount must be an integer from 1 to 1000")
	}
	return RedrivePolicy{DeadLetterTargetARN: raw.DeadLetterTargetArn, MaxReceiveCount: n}, nil
}

// redrive returns q's dead-letter queue and its maxReceiveCount.
func (s *SQS) redrive(q *Queue) (*Queue, int) {
	p := q.Attributes["RedrivePolicy"]
	if p == "" {
		return nil, 0
	}
	rp, err := ParseRedrivePolicy(p)
	if err != nil {
		return nil, 0
	}
	return s.QueueByARN(rp.DeadLetterTargetARN), rp.MaxReceiveCount
}

// QueueByARN returns the queue an ARN names, or nil. Callers hold the
// lock.
func (s *SQS) QueueByARN(arn string) *Queue {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "sqs" {
		return nil
	}
	return s.Queue(f[4], f[3], f[5])
}

// receiptHandle encodes which receive of which message of which queue a
// handle is: each receive gets a new one, and an old one can be told
// from a forged one.
func receiptHandle(q *Queue, m *Message) string {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], m.receipt)
	return base64.StdEncoding.EncodeToString([]byte("sim1 " + q.ARN() + " " + m.ID + " " + base64.RawURLEncoding.EncodeToString(n[:])))
}

// HandleState is what a receipt handle refers to now.
type HandleState int

const (
	// HandleInvalid: not a handle of this queue.
	HandleInvalid HandleState = iota
	// HandleLatest: the handle of the message's latest receive.
	HandleLatest
	// HandleStale: a handle of an earlier receive of a message received
	// again since.
	HandleStale
	// HandleGone: the message is no longer in the queue (deleted,
	// expired, moved to a dead-letter queue).
	HandleGone
)

// Resolve finds the message a receipt handle refers to. Callers hold the
// lock.
func (q *Queue) Resolve(handle string) (*Message, HandleState) {
	raw, err := base64.StdEncoding.DecodeString(handle)
	if err != nil {
		return nil, HandleInvalid
	}
	f := strings.Split(string(raw), " ")
	if len(f) != 4 || f[0] != "sim1" || f[1] != q.ARN() {
		return nil, HandleInvalid
	}
	nb, err := base64.RawURLEncoding.DecodeString(f[3])
	if err != nil || len(nb) != 8 {
		return nil, HandleInvalid
	}
	n := binary.BigEndian.Uint64(nb)
	for _, m := range q.messages {
		if m.ID == f[2] {
			if m.receipt == n {
				return m, HandleLatest
			}
			return m, HandleStale
		}
	}
	return nil, HandleGone
}

// Remove deletes a message. Callers hold the lock.
func (q *Queue) Remove(m *Message) {
	for i, x := range q.messages {
		if x == m {
			q.messages = append(q.messages[:i], q.messages[i+1:]...)
			return
		}
	}
}

// LastReceive is when it was last received, on the SQS clock.
func (m *Message) LastReceive() time.Duration { return m.lastReceive }

// InFlight reports whether m was received and is not visible yet.
func (m *Message) InFlight(now time.Duration) bool { return m.receives > 0 && m.visibleAt > now }

// SetVisibility makes m visible again after d from now. Callers hold the
// lock.
func (q *Queue) SetVisibility(m *Message, d, now time.Duration) {
	m.visibleAt = now + d
	if d == 0 {
		q.notify()
	}
}

// Purge deletes every message. Callers hold the lock.
func (q *Queue) Purge(now time.Duration) {
	q.messages = nil
	q.purged, q.hasPurge = now, true
}

// Purging reports whether a PurgeQueue ran less than 60 seconds ago.
func (q *Queue) Purging(now time.Duration) bool {
	return q.hasPurge && now-q.purged < queueReuseWait
}

// Wait waits, with the lock released, until changed is closed (a
// message may have become receivable), poll passes (the SQS clock may
// have moved on a delay or a visibility timeout), deadline fires, or
// ctx is done. It reports whether to look again: false once deadline
// fired or ctx is done. Callers hold the lock.
func (s *SQS) Wait(ctx context.Context, changed <-chan struct{}, deadline <-chan time.Time, poll time.Duration) bool {
	s.waiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.waiting--
	}()
	t := time.NewTimer(poll)
	defer t.Stop()
	select {
	case <-changed:
		return true
	case <-t.C:
		return true
	case <-deadline:
		return false
	case <-ctx.Done():
		return false
	}
}

// Waiting returns how many receives are in a long poll now (tests wait
// for one to be waiting before they send).
func (s *SQS) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// MD5OfBody is the hex MD5 of a message body, as SQS returns it.
func MD5OfBody(body string) string {
	h := md5.Sum([]byte(body))
	return hex.EncodeToString(h[:])
}

// MD5OfAttributes is the MD5 of message attributes as SQS computes it
// (the Amazon SQS Developer Guide, "Calculating the MD5 message digest
// for message attributes"): the attributes sorted by name, each encoded
// as its name, its data type (each a 4-byte big-endian length and the
// UTF-8 bytes), a transport byte (1 for String and Number, 2 for
// Binary), and its value (length and bytes). "" when there are none.
func MD5OfAttributes(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		h.Write(l[:])
		h.Write(b)
	}
	for _, n := range names {
		a := attrs[n]
		put([]byte(n))
		put([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			h.Write([]byte{2})
			put(a.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(a.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ServiceSend is a message an AWS service (EventBridge, S3) sends to a
// queue on behalf of a resource of its own.
type ServiceSend struct {
	QueueARN string
	Body     string
	// Service is the sending service principal (events.amazonaws.com).
	Service string
	// SourceARN and SourceAccount are the resource that sends (a rule,
	// a bucket) and its account: what the queue policy's aws:SourceArn
	// and aws:SourceAccount conditions see.
	SourceARN, SourceAccount string
}

// ErrDelivery is why a service could not deliver to a queue.
type ErrDelivery struct{ Reason string }

func (e *ErrDelivery) Error() string { return "delivery failed: " + e.Reason }

// DeliverToQueue sends a service's message to a queue, as EventBridge
// and S3 do: only when the queue exists and its policy allows the
// service to send (queues allow no service by default). It takes the
// SQS lock; callers must not hold it.
func (w *World) DeliverToQueue(d ServiceSend) error {
	s := &w.SQS
	s.Lock()
	defer s.Unlock()
	now := s.Elapse(w)
	q := s.QueueByARN(d.QueueARN)
	if q == nil {
		return &ErrDelivery{"queue " + d.QueueARN + " does not exist"}
	}
	if !PolicyAllowsService(q.Attributes["Policy"], d.Service, "sqs:SendMessage", q.ARN(), d.SourceARN, d.SourceAccount) {
		return &ErrDelivery{"the policy of queue " + d.QueueARN + " does not allow " + d.Service + " to send messages"}
	}
	m := &Message{ID: s.NewMessageID(), Body: d.Body, SenderID: senderIDOfService(d.Service)}
	delay := time.Duration(q.Attr("DelaySeconds", 0)) * time.Second
	q.Send(m, now, delay)
	return nil
}

// senderIDOfService is the SenderId of a message a service sent (an
// AWS-owned principal ID).
func senderIDOfService(service string) string {
	switch service {
	case "events.amazonaws.com":
		return "AIDAIEVENTBRIDGESIM01"
	case "s3.amazonaws.com":
		return "AIDAIS3NOTIFYSIM0001"
	}
	return "AIDAISERVICESIM00001"
}

// SQSSeed is the queues a world file declares for an account in a region
// (the demo organization's data): queues live in World.SQS, not in the
// region, so RegisterQueues creates them there when the world is built.
type SQSSeed struct {
	Queues []*SQSQueueSeed `yaml:"queues"`
}

// SQSQueueSeed is a queue to create: the attributes not given take
// CreateQueue's defaults (QueueDefaults).
type SQSQueueSeed struct {
	Name       string            `yaml:"name"`
	Attributes map[string]string `yaml:"attributes"`
	Tags       map[string]string `yaml:"tags"`
}

// RegisterQueues creates in World.SQS every queue the accounts' regions
// declare (Region.SQS), created at the world's clock. Call it while
// building a world, before the simulator serves it.
func RegisterQueues(w *World) {
	s := &w.SQS
	s.Lock()
	defer s.Unlock()
	now := w.Now().UTC().Truncate(time.Second)
	for id, a := range w.Accounts {
		for region, r := range a.Regional {
			if r == nil {
				continue
			}
			for _, seed := range r.SQS.Queues {
				attrs := QueueDefaults()
				for k, v := range seed.Attributes {
					attrs[k] = v
				}
				if attrs["KmsMasterKeyId"] != "" {
					attrs["SqsManagedSseEnabled"] = "false" // SSE-KMS replaces SSE-SQS
				}
				tags := map[string]string{}
				for k, v := range seed.Tags {
					tags[k] = v
				}
				s.AddQueue(&Queue{Account: id, Region: region, Name: seed.Name, Attributes: attrs, Tags: tags, Created: now, Modified: now})
			}
		}
	}
}
