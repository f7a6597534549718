package world

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CloudTrail records: what the simulator writes for every call it serves.
//
// Every call the simulator serves by an account it knows (a success, or
// an error the service answered: denied, throttled, invalid) becomes one
// TrailRecord with CloudTrail's schema. The records of an account and
// region are kept in a ring of TrailLog.Capacity records (2,048 by
// default), and the world keeps TrailLog.MaxRecords records at most
// (65,536 by default), the oldest going first either way: at about
// 1.3 KB a record (with the request it keeps), a simulator that serves
// millions of calls holds under 100 MB of them. A record is read three
// ways:
//
//   - LookupEvents (the CloudTrail service) reads the ring of the caller's
//     account and region: management events of the last 90 days.
//   - Trails deliver it: when it is stored, the trails that log it are
//     chosen (trail.go's routing, traildelivery.go), and TrailLog.Delay
//     later on the health clock (see health.go) it is written, gzipped
//     with the others due, to each trail's bucket under CloudTrail's key
//     layout. Nothing runs in the background: the simulator delivers what
//     fell due before it serves each call, and DeliverTrails does it when
//     a test asks.
//   - Subscribers (OnTrailEvent) get every record as it is stored, in
//     storage order; the EventBridge simulator routes them to rules.
//
// The parts of a record that cost to build (requestParameters and
// responseElements decoded from the request and the answer, resources,
// the JSON itself) are built the first time they are read and cached, so
// a call nobody looks at pays for a small struct only.
//
// Records carry the data clock (World.Now) as their eventTime; delivery
// runs on the health clock (Health.Elapsed) like the alarms, so a test
// moves it with a Stopwatch. Event IDs are UUIDs derived from a seed and
// the record's sequence number: the seed is TrailLog.Seed, or, when zero,
// derived from the data clock's first reading, so a world on a fixed
// clock repeats its IDs run after run and one on the wall clock does not.

// DefaultTrailCapacity is the number of records kept per account and
// region when TrailLog.Capacity is zero.
const DefaultTrailCapacity = 2048

// DefaultTrailRecords is the number of records the world keeps when
// TrailLog.MaxRecords is zero.
const DefaultTrailRecords = 1 << 16

// DefaultTrailDelay is TrailLog.Delay in a new world: CloudTrail delivers
// log files about every five minutes.
const DefaultTrailDelay = 5 * time.Minute

// maxPending bounds the records waiting for delivery across the world;
// past it the oldest are dropped (TrailStats.Dropped counts them).
const maxPending = 1 << 16

// TrailLog is the world's CloudTrail records, their delivery to trail
// buckets and their subscribers. Its settings are read while the
// simulator serves: set them before.
type TrailLog struct {
	// Capacity is the number of records kept per account and region;
	// zero means DefaultTrailCapacity.
	Capacity int
	// MaxRecords is the number of records kept in the world; zero means
	// DefaultTrailRecords.
	MaxRecords int
	// Delay is how long after a call, on the health clock, its record is
	// delivered to the buckets of the trails that log it.
	Delay time.Duration
	// Seed derives event IDs and log file names; zero derives it from
	// the data clock when the first record is stored.
	Seed uint64
	// Off stops recording (a benchmark's baseline).
	Off bool

	mu      sync.Mutex
	seq     uint64
	seed    uint64
	files   uint64
	rings   map[ringKey]*ring
	order   []kept // every record kept, oldest first (from orderHead)
	head    int
	kept    int // records in the rings
	pending queue
	targets map[deliveryTarget]*deliveryTarget
	alsoReq map[string][]alsoTrail // request ID → trails that log that call although no longer logging
	stats   TrailStats
	npend   atomic.Int64 // len(pending), read without mu
	nextDue atomic.Int64 // the first pending record's due time

	hookMu   sync.Mutex
	onRecord []func(TrailRecord)
	onObject []func(account, bucket, key string)
	hooked   atomic.Bool
	disp     dispatcher
}

// TrailStats counts what the trail log did.
type TrailStats struct {
	Records   uint64 // records stored
	Delivered uint64 // records written to trail buckets (once per trail)
	Files     uint64 // log files written
	Pending   int    // records waiting for delivery
	// Dropped are records not delivered: evicted while pending, or their
	// trail's bucket does not exist.
	Dropped uint64
}

type ringKey struct{ account, region string }

// ring holds the newest records of one account and region, oldest first
// from start.
type ring struct {
	recs  []*TrailRecord
	start int
	n     int
}

// push adds rec, dropping the oldest record when the ring holds
// capacity; it reports whether it dropped one.
func (r *ring) push(rec *TrailRecord, capacity int) bool {
	if r.n < len(r.recs) {
		r.recs[(r.start+r.n)%len(r.recs)] = rec
		r.n++
		return false
	}
	if r.n < capacity {
		grown := make([]*TrailRecord, min(capacity, max(8, 2*len(r.recs))))
		copy(grown, r.all())
		r.recs, r.start = grown, 0
		r.recs[r.n] = rec
		r.n++
		return false
	}
	r.recs[r.start] = rec
	r.start = (r.start + 1) % len(r.recs)
	return true
}

// oldest is the ring's oldest record, or nil.
func (r *ring) oldest() *TrailRecord {
	if r.n == 0 {
		return nil
	}
	return r.recs[r.start]
}

// pop drops the oldest record.
func (r *ring) pop() {
	r.recs[r.start] = nil
	r.start = (r.start + 1) % len(r.recs)
	r.n--
}

// all returns the ring's records, oldest first.
func (r *ring) all() []*TrailRecord {
	out := make([]*TrailRecord, 0, r.n)
	for i := 0; i < r.n; i++ {
		out = append(out, r.recs[(r.start+i)%len(r.recs)])
	}
	return out
}

// kept is one record in the world's order of records: its ring and
// sequence number (it may have left its ring already).
type kept struct {
	ring *ring
	seq  uint64
}

// keep stores rec in its ring and drops the world's oldest records past
// MaxRecords. The caller holds t.mu.
func (t *TrailLog) keep(rec *TrailRecord) {
	if t.rings == nil {
		t.rings = map[ringKey]*ring{}
	}
	k := ringKey{rec.Account, rec.Region}
	rg := t.rings[k]
	if rg == nil {
		rg = &ring{}
		t.rings[k] = rg
	}
	capacity, most := t.Capacity, t.MaxRecords
	if capacity <= 0 {
		capacity = DefaultTrailCapacity
	}
	if most <= 0 {
		most = DefaultTrailRecords
	}
	if !rg.push(rec, capacity) {
		t.kept++
	}
	t.order = append(t.order, kept{rg, rec.Seq})
	for t.kept > most {
		o := t.order[t.head]
		t.order[t.head] = kept{}
		t.head++
		if old := o.ring.oldest(); old != nil && old.Seq == o.seq {
			o.ring.pop()
			t.kept--
		}
	}
	if len(t.order)-t.head > 2*most {
		// Most entries are of records their ring dropped already.
		live := t.order[:0]
		for _, o := range t.order[t.head:] {
			if old := o.ring.oldest(); old != nil && old.Seq <= o.seq {
				live = append(live, o)
			}
		}
		clear(t.order[len(live):])
		t.order, t.head = live, 0
	} else if t.head > 1024 && t.head >= len(t.order)/2 {
		m := copy(t.order, t.order[t.head:])
		clear(t.order[m:])
		t.order, t.head = t.order[:m], 0
	}
}

// TrailIdentity is a record's userIdentity.
type TrailIdentity struct {
	// Type is Root, IAMUser, AssumedRole or AWSService.
	Type        string
	PrincipalID string
	ARN         string
	AccountID   string
	AccessKeyID string
	// UserName is the IAM user's name (IAMUser).
	UserName string
	// InvokedBy is the service principal of an AWSService identity.
	InvokedBy string
	// The role behind an AssumedRole session (sessionContext.sessionIssuer)
	// and when its credentials were issued.
	IssuerPrincipalID string
	IssuerARN         string
	IssuerUserName    string
	SessionCreated    time.Time
	MFAAuthenticated  bool
}

// Username is the user name LookupEvents shows and filters by: "root",
// the IAM user's name, the role session's name, or the service.
func (id TrailIdentity) Username() string {
	switch id.Type {
	case "Root":
		return "root"
	case "IAMUser":
		return id.UserName
	case "AssumedRole":
		return id.ARN[strings.LastIndexByte(id.ARN, '/')+1:]
	case "AWSService":
		return id.InvokedBy
	}
	return id.UserName
}

// IdentityOf is the userIdentity of a call signed with c.
func IdentityOf(c *Credential) TrailIdentity {
	p := c.Principal
	id := TrailIdentity{PrincipalID: p.UserID, ARN: p.ARN, AccountID: p.Account, AccessKeyID: c.AccessKeyID}
	switch {
	case strings.HasSuffix(p.ARN, ":root"):
		id.Type = "Root"
		id.PrincipalID = p.Account
	case strings.Contains(p.ARN, ":assumed-role/"):
		id.Type = "AssumedRole"
		roleID, _, _ := strings.Cut(p.UserID, ":")
		id.IssuerPrincipalID, id.IssuerUserName = roleID, p.Role
		id.IssuerARN = p.RoleARN
		if id.IssuerARN == "" {
			id.IssuerARN = "arn:" + Partition + ":iam::" + p.Account + ":role/" + p.Role
		}
		id.SessionCreated = c.Issued
	case strings.Contains(p.ARN, ":user/"):
		id.Type = "IAMUser"
		id.UserName = p.ARN[strings.LastIndexByte(p.ARN, '/')+1:]
	default:
		id.Type = "Unknown"
	}
	return id
}

// TrailResource is a resource a record names. LookupEvents shows Type
// and Name; a resource with an ARN also goes into the record's
// "resources" (as data events and some services write it).
type TrailResource struct {
	Type      string // AWS::EC2::SecurityGroup, AWS::S3::Object, ...
	Name      string // sg-0123..., the bucket name, ...
	ARN       string
	AccountID string
}

// TrailDetails are the parts of a record built from the request and the
// answer.
type TrailDetails struct {
	// RequestParameters and ResponseElements are JSON documents; nil
	// writes null.
	RequestParameters   json.RawMessage
	ResponseElements    json.RawMessage
	AdditionalEventData json.RawMessage
	Resources           []TrailResource
}

// TrailRecord is one CloudTrail record. A record handed out (to a
// subscriber, by TrailRecords) is shared and must not be changed.
type TrailRecord struct {
	// Seq orders the records of the world as they were stored.
	Seq     uint64
	EventID string
	// EventTime is on the data clock, second precision.
	EventTime   time.Time
	EventSource string // ec2.amazonaws.com, ...
	EventName   string // the operation
	// EventType is AwsApiCall, AwsConsoleSignIn or AwsServiceEvent.
	EventType string
	// Region is awsRegion; Account is recipientAccountId.
	Region          string
	Account         string
	Identity        TrailIdentity
	SourceIPAddress string
	UserAgent       string
	RequestID       string
	ErrorCode       string
	ErrorMessage    string
	ReadOnly        bool
	// Data marks a data event (S3 object-level calls): managementEvent
	// false, eventCategory Data, delivered only to trails that select
	// it, never shown by LookupEvents.
	Data bool
	// Details, for a record built whole. Build, when set, computes them
	// instead, the first time they are read.
	Details TrailDetails
	Build   func() TrailDetails

	lazy *trailLazy
}

type trailLazy struct {
	once    sync.Once
	details TrailDetails
	jsOnce  sync.Once
	js      []byte
}

// Category is the record's eventCategory: Management or Data.
func (r TrailRecord) Category() string {
	if r.Data {
		return "Data"
	}
	return "Management"
}

// Detail returns the record's details, built on first use.
func (r TrailRecord) Detail() TrailDetails {
	if r.lazy == nil {
		return r.Details
	}
	r.lazy.once.Do(func() {
		if r.Build != nil {
			r.lazy.details = r.Build()
		} else {
			r.lazy.details = r.Details
		}
	})
	return r.lazy.details
}

// JSON returns the record as CloudTrail writes it, built on first use.
func (r TrailRecord) JSON() []byte {
	if r.lazy == nil {
		return r.appendJSON(nil)
	}
	r.lazy.jsOnce.Do(func() { r.lazy.js = r.appendJSON(make([]byte, 0, 1024)) })
	return r.lazy.js
}

// global reports whether r is a global service event: one a trail logs
// only if it includes global service events (IAM, STS's global endpoint,
// console sign-in, CloudFront; all recorded in us-east-1).
func (r *TrailRecord) global() bool {
	switch r.EventSource {
	case "iam.amazonaws.com", "signin.amazonaws.com", "cloudfront.amazonaws.com":
		return true
	case "sts.amazonaws.com":
		return r.Region == "us-east-1"
	}
	return false
}

// ---- storing ----

// AppendTrailRecord stores r as the next record of r.Account in r.Region,
// sends it to the trails that log it and to the subscribers, and returns
// it as stored. EventTime defaults to the data clock, EventType to
// AwsApiCall, EventID to a new ID; Account and Region are required. Call
// it holding no lock of the world (it takes the account's).
func (w *World) AppendTrailRecord(in TrailRecord) TrailRecord {
	t := &w.Trail
	st := &stored{rec: in} // the record and its cache in one allocation
	r := &st.rec
	r.lazy = &st.lazy
	if r.EventTime.IsZero() {
		r.EventTime = w.Now()
	}
	r.EventTime = r.EventTime.UTC().Truncate(time.Second)
	if r.EventType == "" {
		r.EventType = "AwsApiCall"
	}
	var buf [4]deliveryTarget
	targets := w.route(r, buf[:0])
	rec := r
	t.mu.Lock()
	t.seq++
	r.Seq = t.seq
	if t.seed == 0 {
		t.seed = t.Seed
		if t.seed == 0 {
			t.seed = mix(uint64(w.Now().UnixNano()) | 1)
		}
	}
	if r.EventID == "" {
		r.EventID = uuid(t.seed, r.Seq)
	}
	t.keep(rec)
	t.stats.Records++
	if len(targets) > 0 {
		// Read under t.mu, so that the queue stays in due order.
		due := w.elapsed() + t.Delay
		for _, tg := range targets {
			t.enqueue(rec, t.intern(tg), due)
		}
	}
	ticket := uint64(0)
	if t.hooked.Load() {
		ticket = t.disp.add(notice{rec: rec})
	}
	t.mu.Unlock()
	if ticket > 0 {
		t.fire(ticket)
	}
	return *r
}

// stored is a record as the world keeps it.
type stored struct {
	rec  TrailRecord
	lazy trailLazy
}

// TrailRecords returns the records kept for account in region, oldest
// first. They are shared: read them, do not change them.
func (w *World) TrailRecords(account, region string) []*TrailRecord {
	t := &w.Trail
	t.mu.Lock()
	defer t.mu.Unlock()
	rg := t.rings[ringKey{account, region}]
	if rg == nil {
		return nil
	}
	return rg.all()
}

// TrailStats reports what the trail log did so far.
func (w *World) TrailStats() TrailStats {
	t := &w.Trail
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.Pending = t.pending.len()
	return s
}

// ---- subscribers ----

// OnTrailEvent subscribes fn to every CloudTrail record the world stores
// from now on: every call the simulator serves, every record appended or
// injected. fn is called once per record, after it is stored, in the
// order records are stored, never twice at once, and holding no lock of
// the world: it may read and change the world (lock an account, add
// messages to a queue). The call that made the record returns only after
// fn has returned, so what fn does is visible to the caller's next call.
// fn must not block for long, must not append records itself and must
// not call the simulator over HTTP (its own call would wait for fn: a
// deadlock). The record is shared: read it (JSON, Detail), do not keep
// mutable references into it.
func (w *World) OnTrailEvent(fn func(TrailRecord)) {
	t := &w.Trail
	t.hookMu.Lock()
	t.onRecord = append(t.onRecord, fn)
	t.hookMu.Unlock()
	t.hooked.Store(true)
}

// OnObjectCreated subscribes fn to every object created in a bucket of
// the world: a PutObject call, and every log file a trail delivers.
// account owns the bucket. fn runs as OnTrailEvent's subscribers do (in
// order, one at a time, holding no lock, before the call that created
// the object returns), with the same rules. The S3 event notifications
// of a bucket are the subscriber's to send.
func (w *World) OnObjectCreated(fn func(account, bucket, key string)) {
	t := &w.Trail
	t.hookMu.Lock()
	t.onObject = append(t.onObject, fn)
	t.hookMu.Unlock()
	t.hooked.Store(true)
}

// ObjectCreated tells the subscribers of OnObjectCreated that key was
// created in account's bucket. The S3 simulator calls it with the
// account's lock held: it only queues the notice, which the simulator
// sends when the call is over (FlushTrail).
func (w *World) ObjectCreated(account, bucket, key string) {
	t := &w.Trail
	if !t.hooked.Load() {
		return
	}
	t.disp.add(notice{account: account, bucket: bucket, key: key})
}

// FlushTrail sends every notice queued so far to the subscribers and
// returns once they were sent. The simulator calls it after each call,
// holding no lock.
func (w *World) FlushTrail() {
	t := &w.Trail
	if !t.hooked.Load() {
		return
	}
	if ticket := t.disp.last(); ticket > 0 {
		t.fire(ticket)
	}
}

// notice is one thing to tell the subscribers: a record, or an object
// created.
type notice struct {
	rec                  *TrailRecord
	account, bucket, key string
}

// dispatcher hands notices to the subscribers in the order they were
// queued, one goroutine at a time. A goroutine that queued a notice waits
// until it was sent (by itself, or by the goroutine sending at the time).
type dispatcher struct {
	mu     sync.Mutex
	cond   sync.Cond
	queue  []notice
	queued uint64 // tickets given
	sent   uint64 // tickets sent
	firing bool
}

// add queues n and returns its ticket.
func (d *dispatcher) add(n notice) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queue = append(d.queue, n)
	d.queued++
	return d.queued
}

// last is the newest ticket given.
func (d *dispatcher) last() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.queued == d.sent {
		return 0
	}
	return d.queued
}

// fire sends queued notices until ticket was sent.
func (t *TrailLog) fire(ticket uint64) {
	d := &t.disp
	d.mu.Lock()
	if d.cond.L == nil {
		d.cond.L = &d.mu
	}
	for d.sent < ticket {
		if d.firing {
			d.cond.Wait()
			continue
		}
		batch := d.queue
		d.queue = nil
		d.firing = true
		d.mu.Unlock()
		t.send(batch)
		d.mu.Lock()
		d.firing = false
		d.sent += uint64(len(batch))
		d.cond.Broadcast()
	}
	d.mu.Unlock()
}

func (t *TrailLog) send(batch []notice) {
	t.hookMu.Lock()
	onRecord, onObject := t.onRecord, t.onObject
	t.hookMu.Unlock()
	for _, n := range batch {
		if n.rec != nil {
			for _, fn := range onRecord {
				fn(*n.rec)
			}
			continue
		}
		for _, fn := range onObject {
			fn(n.account, n.bucket, n.key)
		}
	}
}

// ---- console sign-in ----

// ConsoleLogin is a sign-in to the AWS Management Console, for
// InjectConsoleLogin.
type ConsoleLogin struct {
	Account string
	// User is an IAM user's name, or "root".
	User    string
	MFA     bool
	Success bool
	// SourceIPAddress, UserAgent, Region (us-east-1 when empty) and
	// LoginTo are as the sign-in recorded them.
	SourceIPAddress string
	UserAgent       string
	Region          string
	LoginTo         string
	// Time is the data-clock instant (now when zero).
	Time time.Time
}

// InjectConsoleLogin records a console sign-in as CloudTrail does: a
// ConsoleLogin event of signin.amazonaws.com, Success or Failure, with
// whether MFA was used. A user not in the account's IAM is recorded as
// AWS records a failed sign-in with an unknown user name. Call it holding
// no lock.
func (w *World) InjectConsoleLogin(l ConsoleLogin) (TrailRecord, error) {
	a := w.Account(l.Account)
	if a == nil {
		return TrailRecord{}, fmt.Errorf("console login: no account %q", l.Account)
	}
	if l.User == "" {
		return TrailRecord{}, fmt.Errorf("console login: user is required (an IAM user's name, or root)")
	}
	region := l.Region
	if region == "" {
		region = "us-east-1"
	}
	if _, ok := w.Region(region); !ok {
		return TrailRecord{}, fmt.Errorf("console login: no region %q", region)
	}
	id := TrailIdentity{AccountID: a.ID}
	if l.User == "root" {
		id.Type, id.PrincipalID, id.ARN = "Root", a.ID, "arn:"+Partition+":iam::"+a.ID+":root"
	} else {
		id.Type, id.UserName = "IAMUser", l.User
		a.Mu.Lock()
		var u *User
		for _, x := range a.IAM.Users {
			if x.Name == l.User {
				u = x
			}
		}
		if u != nil {
			id.PrincipalID, id.ARN = u.ID, "arn:"+Partition+":iam::"+a.ID+":user"+pathOf(u.Path)+u.Name
		}
		a.Mu.Unlock()
		if u == nil {
			if l.Success {
				return TrailRecord{}, fmt.Errorf("console login: account %s has no IAM user %q to sign in", a.ID, l.User)
			}
			id.UserName = "HIDDEN_DUE_TO_SECURITY_REASONS"
		}
	}
	result, mfa := "Success", "No"
	if !l.Success {
		result = "Failure"
	}
	if l.MFA {
		mfa = "Yes"
	}
	loginTo := l.LoginTo
	if loginTo == "" {
		loginTo = "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true"
	}
	ua := l.UserAgent
	if ua == "" {
		ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	}
	ip := l.SourceIPAddress
	if ip == "" {
		ip = "192.0.2.10"
	}
	add, _ := json.Marshal(map[string]string{"LoginTo": loginTo, "MobileVersion": "No", "MFAUsed": mfa})
	resp, _ := json.Marshal(map[string]string{"ConsoleLogin": result})
	r := TrailRecord{
		EventTime: l.Time, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin", EventType: "AwsConsoleSignIn",
		Region: region, Account: a.ID, Identity: id, SourceIPAddress: ip, UserAgent: ua,
		Details: TrailDetails{ResponseElements: resp, AdditionalEventData: add},
	}
	if !l.Success {
		r.ErrorMessage = "Failed authentication"
	}
	return w.AppendTrailRecord(r), nil
}

func pathOf(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// ---- JSON ----

const trailTime = "2006-01-02T15:04:05Z"

// appendJSON writes r in CloudTrail's field order.
func (r TrailRecord) appendJSON(b []byte) []byte {
	d := r.Detail()
	b = append(b, `{"eventVersion":"1.11","userIdentity":`...)
	b = r.Identity.appendJSON(b)
	b = appendField(b, "eventTime", r.EventTime.UTC().Format(trailTime))
	b = appendField(b, "eventSource", r.EventSource)
	b = appendField(b, "eventName", r.EventName)
	b = appendField(b, "awsRegion", r.Region)
	b = appendField(b, "sourceIPAddress", r.SourceIPAddress)
	b = appendField(b, "userAgent", r.UserAgent)
	if r.ErrorCode != "" {
		b = appendField(b, "errorCode", r.ErrorCode)
	}
	if r.ErrorMessage != "" {
		b = appendField(b, "errorMessage", r.ErrorMessage)
	}
	b = appendRaw(b, "requestParameters", d.RequestParameters)
	b = appendRaw(b, "responseElements", d.ResponseElements)
	if len(d.AdditionalEventData) > 0 {
		b = appendRaw(b, "additionalEventData", d.AdditionalEventData)
	}
	if r.RequestID != "" {
		b = appendField(b, "requestID", r.RequestID)
	}
	b = appendField(b, "eventID", r.EventID)
	b = append(b, `,"readOnly":`...)
	b = appendBool(b, r.ReadOnly)
	first := true
	for _, res := range d.Resources {
		if res.ARN == "" {
			continue
		}
		if first {
			b = append(b, `,"resources":[`...)
			first = false
		} else {
			b = append(b, ',')
		}
		b = append(b, '{')
		if res.AccountID != "" {
			b = append(b, `"accountId":`...)
			b = appendString(b, res.AccountID)
			b = append(b, ',')
		}
		b = append(b, `"type":`...)
		b = appendString(b, res.Type)
		b = append(b, `,"ARN":`...)
		b = appendString(b, res.ARN)
		b = append(b, '}')
	}
	if !first {
		b = append(b, ']')
	}
	b = appendField(b, "eventType", r.EventType)
	b = append(b, `,"managementEvent":`...)
	b = appendBool(b, !r.Data)
	b = appendField(b, "recipientAccountId", r.Account)
	b = appendField(b, "eventCategory", r.Category())
	return append(b, '}')
}

func (id TrailIdentity) appendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, id.Type)
	if id.Type == "AWSService" {
		b = appendField(b, "invokedBy", id.InvokedBy)
		return append(b, '}')
	}
	if id.PrincipalID != "" {
		b = appendField(b, "principalId", id.PrincipalID)
	}
	if id.ARN != "" {
		b = appendField(b, "arn", id.ARN)
	}
	b = appendField(b, "accountId", id.AccountID)
	b = appendField(b, "accessKeyId", id.AccessKeyID)
	if id.UserName != "" {
		b = appendField(b, "userName", id.UserName)
	}
	if id.Type == "AssumedRole" {
		b = append(b, `,"sessionContext":{"sessionIssuer":{"type":"Role"`...)
		b = appendField(b, "principalId", id.IssuerPrincipalID)
		b = appendField(b, "arn", id.IssuerARN)
		b = appendField(b, "accountId", id.AccountID)
		b = appendField(b, "userName", id.IssuerUserName)
		b = append(b, `},"attributes":{"creationDate":`...)
		created := id.SessionCreated
		b = appendString(b, created.UTC().Format(trailTime))
		b = append(b, `,"mfaAuthenticated":`...)
		b = appendString(b, fmt.Sprint(id.MFAAuthenticated))
		b = append(b, `}}`...)
	}
	if id.InvokedBy != "" {
		b = appendField(b, "invokedBy", id.InvokedBy)
	}
	return append(b, '}')
}

func appendField(b []byte, name, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

func appendRaw(b []byte, name string, v json.RawMessage) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if len(v) == 0 {
		return append(b, "null"...)
	}
	return append(b, v...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ---- IDs ----

// mix is SplitMix64's finalizer.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uuid is a version 4 UUID derived from seed and n.
func uuid(seed, n uint64) string {
	hi, lo := mix(seed^n), mix(seed+n*0x9e3779b97f4a7c15)
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // variant 10
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], hi)
	binary.BigEndian.PutUint64(raw[8:], lo)
	var b [36]byte
	hex.Encode(b[0:8], raw[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], raw[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], raw[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], raw[8:10])
	b[23] = '-'
	hex.Encode(b[24:], raw[10:])
	return string(b[:])
}
