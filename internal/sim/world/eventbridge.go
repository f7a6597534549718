package world

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/eventpattern"
)

// Events is Amazon EventBridge across the world: every account's event
// buses in every region, their rules and targets, and the routing of
// events between them, to SQS queues and to other buses.
//
// Locking: Events has a mutex of its own, a leaf like SQS's: rules are
// matched under it, and the deliveries that result are made after it
// is released (a delivery to a queue takes the SQS lock; one to a bus
// takes this lock again). The EventBridge handlers run without the
// account lock.
//
// Routing, as AWS documents it:
//
//   - Every account has a "default" bus in every region; AWS services
//     (CloudTrail, S3) put their events there.
//   - A rule whose State is ENABLED matches every event but the read-only
//     management events CloudTrail delivers (those whose name starts with
//     Describe, Get or List); ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
//     matches those too (the user guide, "Receiving read-only management
//     events from AWS services"); DISABLED matches nothing.
//   - A matching rule sends the event to each of its targets: an SQS
//     queue receives the event's JSON as the message body, when the
//     queue's policy lets events.amazonaws.com send (resourcepolicy.go);
//     another bus receives the event itself and applies its own rules.
//   - A bus of another account accepts the event only if its policy
//     allows the rule's account to put events: by account, or by
//     organization (Principal "*" with aws:PrincipalOrgID), in which case
//     the target must name a RoleArn (PutPermission's documentation). An
//     event that reached a bus from another bus is not forwarded to a
//     bus again ("events received from a sender account are not sent on
//     to a third account").
//   - Delivery failures are not errors of the call that produced the
//     event: they are counted per rule (RuleMetrics), as CloudWatch
//     counts FailedInvocations.
//
// Not modelled: schedules (PutRule refuses ScheduleExpression), input
// transformers (an Input or InputPath of a target is applied),
// archives, replays, endpoints, API destinations, retry policies.
type Events struct {
	mu         sync.Mutex
	seq        uint64
	buses      map[string]*EventBus // by account/region/name
	stats      map[string]*RuleMetrics
	subscribed bool
}

// EventBus is an event bus.
type EventBus struct {
	Account, Region, Name string
	Description           string
	// Policy is the bus's resource policy (PutPermission), "" when none.
	Policy   string
	Created  time.Time
	Modified time.Time
	Tags     map[string]string
	Rules    map[string]*Rule
}

// Rule is a rule of a bus.
type Rule struct {
	Name, Description string
	State             string // ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
	EventPattern      string
	RoleARN           string
	ManagedBy         string
	CreatedBy         string
	Pattern           *eventpattern.Pattern
	Targets           []*Target // by ID
}

// Target is a target of a rule, as PutTargets gave it (Raw is the
// target's JSON, echoed by ListTargetsByRule).
type Target struct {
	ID, ARN, RoleARN string
	Input, InputPath string
	Raw              json.RawMessage
}

// RuleMetrics counts what a rule did (CloudWatch's AWS/Events metrics).
type RuleMetrics struct {
	MatchedEvents     int
	Invocations       int
	FailedInvocations int
	// LastFailure says why the last failed invocation failed.
	LastFailure string
}

// Lock takes the EventBridge lock.
func (e *Events) Lock() { e.mu.Lock() }

// Unlock releases it.
func (e *Events) Unlock() { e.mu.Unlock() }

func busKey(account, region, name string) string { return account + "/" + region + "/" + name }

// ARN is the bus's ARN.
func (b *EventBus) ARN() string { return ARN("events", b.Region, b.Account, "event-bus/"+b.Name) }

// RuleARN is the ARN of a rule of b.
func (b *EventBus) RuleARN(rule string) string {
	if b.Name == "default" {
		return ARN("events", b.Region, b.Account, "rule/"+rule)
	}
	return ARN("events", b.Region, b.Account, "rule/"+b.Name+"/"+rule)
}

// Bus returns a bus, or nil; the default bus always exists. Callers
// hold the lock.
func (e *Events) Bus(account, region, name string) *EventBus {
	if b := e.buses[busKey(account, region, name)]; b != nil {
		return b
	}
	if name != "default" {
		return nil
	}
	b := &EventBus{Account: account, Region: region, Name: "default", Rules: map[string]*Rule{}}
	e.AddBus(b)
	return b
}

// AddBus adds a bus. Callers hold the lock.
func (e *Events) AddBus(b *EventBus) {
	if e.buses == nil {
		e.buses = map[string]*EventBus{}
	}
	if b.Rules == nil {
		b.Rules = map[string]*Rule{}
	}
	e.buses[busKey(b.Account, b.Region, b.Name)] = b
}

// DeleteBus removes a bus. Callers hold the lock.
func (e *Events) DeleteBus(b *EventBus) { delete(e.buses, busKey(b.Account, b.Region, b.Name)) }

// Buses returns an account's buses in a region, by name, the default bus
// first created if needed. Callers hold the lock.
func (e *Events) Buses(account, region string) []*EventBus {
	e.Bus(account, region, "default")
	var out []*EventBus
	for _, b := range e.buses {
		if b.Account == account && b.Region == region {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RuleNames returns b's rule names, sorted.
func (b *EventBus) RuleNames() []string {
	names := make([]string, 0, len(b.Rules))
	for n := range b.Rules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewEventID returns an event ID (a UUID's shape). Callers hold the lock.
func (e *Events) NewEventID() string {
	e.seq++
	h := md5.Sum([]byte("event-" + strconv.FormatUint(e.seq, 10)))
	x := hex.EncodeToString(h[:])
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32]
}

// FirstSubscription reports whether it is the first time it is asked in
// this world: the EventBridge simulator subscribes to the world's
// CloudTrail records once, however many servers serve the world.
func (e *Events) FirstSubscription() bool {
	e.Lock()
	defer e.Unlock()
	first := !e.subscribed
	e.subscribed = true
	return first
}

// RuleMetrics returns the metrics of a rule (by ARN).
func (w *World) RuleMetrics(ruleARN string) RuleMetrics {
	e := &w.Events
	e.Lock()
	defer e.Unlock()
	if m := e.stats[ruleARN]; m != nil {
		return *m
	}
	return RuleMetrics{}
}

// Event is an event on a bus.
type Event struct {
	ID         string
	DetailType string
	Source     string
	Account    string
	Time       time.Time
	Region     string
	Resources  []string
	Detail     json.RawMessage
	// ReadOnlyManagement marks a read-only management event from
	// CloudTrail (Describe*, Get*, List*), which only rules enabled for
	// all management events match.
	ReadOnlyManagement bool

	hops int // bus-to-bus deliveries so far
}

// JSON is the event as rules match it and targets receive it, its keys
// in AWS's order.
func (ev *Event) JSON() []byte {
	res := ev.Resources
	if res == nil {
		res = []string{}
	}
	detail := ev.Detail
	if len(detail) == 0 {
		detail = json.RawMessage("{}")
	}
	env := struct {
		Version    string          `json:"version"`
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Time       string          `json:"time"`
		Region     string          `json:"region"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}{"0", ev.ID, ev.DetailType, ev.Source, ev.Account, ev.Time.UTC().Format(time.RFC3339), ev.Region, res, detail}
	b, err := json.Marshal(env)
	if err != nil { // a detail that is not JSON: the caller checked it
		return nil
	}
	return b
}

// delivery is one target a matching rule sends an event to.
type delivery struct {
	bus     *EventBus
	rule    *Rule
	ruleARN string
	target  Target
}

// PutEvent puts ev on a bus and delivers it to the targets of the rules
// it matches (see the routing rules above). It takes the EventBridge
// lock; callers must not hold it or the SQS lock.
func (w *World) PutEvent(account, region, bus string, ev Event) {
	body := ev.JSON()
	if body == nil {
		return
	}
	e := &w.Events
	e.Lock()
	b := e.buses[busKey(account, region, bus)]
	if b == nil && bus == "default" {
		b = e.Bus(account, region, bus)
	}
	var out []delivery
	if b != nil {
		for _, name := range b.RuleNames() {
			r := b.Rules[name]
			switch {
			case r.Pattern == nil, r.State == "DISABLED", r.State == "", r.State == "ENABLED" && ev.ReadOnlyManagement:
				continue
			}
			if !r.Pattern.Match(body) {
				continue
			}
			arn := b.RuleARN(name)
			e.metrics(arn).MatchedEvents++
			for _, t := range r.Targets {
				out = append(out, delivery{bus: b, rule: r, ruleARN: arn, target: *t})
			}
		}
	}
	e.Unlock()
	for _, d := range out {
		err := w.deliver(d, ev, body)
		e.Lock()
		m := e.metrics(d.ruleARN)
		m.Invocations++
		if err != nil {
			m.FailedInvocations++
			m.LastFailure = err.Error()
		}
		e.Unlock()
	}
}

func (e *Events) metrics(ruleARN string) *RuleMetrics {
	if e.stats == nil {
		e.stats = map[string]*RuleMetrics{}
	}
	m := e.stats[ruleARN]
	if m == nil {
		m = &RuleMetrics{}
		e.stats[ruleARN] = m
	}
	return m
}

func (w *World) deliver(d delivery, ev Event, body []byte) error {
	t := d.target
	payload := body
	switch {
	case t.Input != "":
		payload = []byte(t.Input)
	case t.InputPath != "":
		payload = jsonPath(body, t.InputPath)
	}
	f := strings.SplitN(t.ARN, ":", 6)
	if len(f) != 6 {
		return &ErrDelivery{"target " + t.ARN + " is not an ARN"}
	}
	switch f[2] {
	case "sqs":
		return w.DeliverToQueue(ServiceSend{QueueARN: t.ARN, Body: string(payload), Service: "events.amazonaws.com",
			SourceARN: d.ruleARN, SourceAccount: d.bus.Account})
	case "events":
		if !strings.HasPrefix(f[5], "event-bus/") {
			break
		}
		if ev.hops > 0 {
			return &ErrDelivery{"an event that came from another bus is not forwarded to a bus again"}
		}
		account, region, name := f[4], f[3], strings.TrimPrefix(f[5], "event-bus/")
		if err := w.mayForward(d, account, region, name); err != nil {
			return err
		}
		ev.hops++
		w.PutEvent(account, region, name, ev)
		return nil
	}
	return &ErrDelivery{"the simulator delivers to SQS queues and event buses only, not to " + t.ARN}
}

// mayForward judges a rule's delivery to a bus, of its account or
// another's.
func (w *World) mayForward(d delivery, account, region, name string) error {
	src := d.bus.Account
	e := &w.Events
	e.Lock()
	b := e.Bus(account, region, name)
	policy := ""
	if b != nil {
		policy = b.Policy
	}
	e.Unlock()
	if b == nil {
		return &ErrDelivery{"event bus " + ARN("events", region, account, "event-bus/"+name) + " does not exist"}
	}
	if account == src {
		return nil
	}
	req := PolicyRequest{Account: src, PrincipalARN: d.target.RoleARN, Action: "events:PutEvents", Resource: b.ARN(),
		Context: map[string]string{"aws:principalaccount": src, "aws:sourceaccount": src, "aws:sourcearn": d.ruleARN}}
	if PolicyAllows(policy, req) {
		return nil
	}
	req.Context["aws:principalorgid"] = w.OrgIDOf(src)
	if !PolicyAllows(policy, req) {
		return &ErrDelivery{"the policy of event bus " + b.ARN() + " does not allow account " + src + " to put events"}
	}
	if d.target.RoleARN == "" {
		return &ErrDelivery{"event bus " + b.ARN() + " grants its organization: the target needs a RoleArn"}
	}
	return nil
}

// OrgIDOf returns the ID of the organization an account is an active
// member of, or "".
func (w *World) OrgIDOf(account string) string {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	o := w.Org
	if o == nil {
		return ""
	}
	if account == o.ManagementAccount {
		return o.ID
	}
	if m := o.Members[account]; m != nil && (m.Status == "" || m.Status == "ACTIVE") {
		return o.ID
	}
	return ""
}

// jsonPath extracts a simple JSONPath ($, $.a.b) from doc; "null" when
// absent.
func jsonPath(doc []byte, p string) []byte {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return []byte("null")
	}
	for _, k := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(p, "$"), "."), ".") {
		if k == "" {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return []byte("null")
		}
		v = m[k]
	}
	b, _ := json.Marshal(v)
	return b
}

// ---- CloudTrail to EventBridge ----

// CloudTrail delivers to EventBridge, as the user guide documents
// ("AWS service events delivered via AWS CloudTrail"):
//
//   - the management events of every account, whether or not a trail
//     records them; data events only when a trail logs them (the caller
//     says so);
//   - on the default bus of the account that received the call
//     (recipientAccountId), in the region of the call (awsRegion: global
//     services' calls arrive in us-east-1);
//   - as detail-type "AWS API Call via CloudTrail" (eventType AwsApiCall),
//     "AWS Console Sign In via CloudTrail" (AwsConsoleSignIn), "AWS
//     Console Action via CloudTrail" (AwsConsoleAction) or "AWS Service
//     Event via CloudTrail" (AwsServiceEvent); Insights events are not
//     sent;
//   - source "aws." and the event source's service (ec2.amazonaws.com is
//     aws.ec2, monitoring.amazonaws.com aws.monitoring, signin aws.signin);
//   - the record itself as detail; the event's time is the record's;
//   - read-only calls whose name starts with Describe, Get or List reach
//     only the rules enabled for all management events.

// TrailEvent is what routing needs of a CloudTrail record: its fields,
// and its JSON, built only if a rule may see it.
type TrailEvent struct {
	EventSource string // ec2.amazonaws.com
	EventName   string
	EventType   string // AwsApiCall, AwsConsoleSignIn, AwsConsoleAction, AwsServiceEvent
	Category    string // Management (""), Data or Insight
	Region      string // awsRegion
	Account     string // recipientAccountId
	Time        time.Time
	ReadOnly    bool
	// DataLogged says a trail logs this data event (Category Data).
	DataLogged bool
	// JSON returns the record as CloudTrail writes it.
	JSON func() []byte
}

// TrailDetailType is the detail-type of the EventBridge event of a
// CloudTrail record of eventType, "" when CloudTrail sends none.
func TrailDetailType(eventType string) string {
	switch eventType {
	case "AwsApiCall":
		return "AWS API Call via CloudTrail"
	case "AwsConsoleSignIn":
		return "AWS Console Sign In via CloudTrail"
	case "AwsConsoleAction":
		return "AWS Console Action via CloudTrail"
	case "AwsServiceEvent":
		return "AWS Service Event via CloudTrail"
	}
	return ""
}

// PutTrailEvent puts a CloudTrail record on EventBridge as CloudTrail
// does (see above) and reports whether it did. The record's JSON is not
// built when the bus has no rule. Callers must not hold the EventBridge
// or SQS lock (an account lock is fine).
func (w *World) PutTrailEvent(t TrailEvent) bool {
	dt := TrailDetailType(t.EventType)
	switch {
	case dt == "", t.Category == "Insight", t.Account == "", t.Region == "", t.EventSource == "":
		return false
	case t.Category == "Data" && !t.DataLogged:
		return false
	}
	listing := strings.HasPrefix(t.EventName, "Describe") || strings.HasPrefix(t.EventName, "Get") || strings.HasPrefix(t.EventName, "List")
	e := &w.Events
	e.Lock()
	b := e.buses[busKey(t.Account, t.Region, "default")]
	if b == nil || len(b.Rules) == 0 {
		e.Unlock()
		return true // on the bus, and no rule to see it
	}
	id := e.NewEventID()
	e.Unlock()
	at := t.Time
	if at.IsZero() {
		at = w.Now()
	}
	w.PutEvent(t.Account, t.Region, "default", Event{
		ID:                 id,
		DetailType:         dt,
		Source:             "aws." + strings.TrimSuffix(t.EventSource, ".amazonaws.com"),
		Account:            t.Account,
		Time:               at,
		Region:             t.Region,
		Detail:             json.RawMessage(t.JSON()),
		ReadOnlyManagement: t.ReadOnly && listing,
	})
	return true
}

// PutTrailRecord is PutTrailEvent for a record given as JSON.
// dataEventLogged says a trail logs it, for data events.
func (w *World) PutTrailRecord(record []byte, dataEventLogged bool) bool {
	var f struct {
		EventSource        string
		EventName          string
		EventType          string
		EventCategory      string
		AwsRegion          string
		RecipientAccountID string `json:"recipientAccountId"`
		EventTime          time.Time
		ReadOnly           bool
		ManagementEvent    *bool
	}
	if json.Unmarshal(record, &f) != nil {
		return false
	}
	cat := f.EventCategory
	if f.ManagementEvent != nil && !*f.ManagementEvent && cat != "Insight" {
		cat = "Data"
	}
	return w.PutTrailEvent(TrailEvent{EventSource: f.EventSource, EventName: f.EventName, EventType: f.EventType, Category: cat,
		Region: f.AwsRegion, Account: f.RecipientAccountID, Time: f.EventTime, ReadOnly: f.ReadOnly, DataLogged: dataEventLogged,
		JSON: func() []byte { return record }})
}

// ---- S3 event notifications ----

// ObjectCreated is an object written to a bucket, with what S3's event
// notifications need to describe it.
type ObjectCreated struct {
	Bucket      string
	BucketOwner string // account ID
	Region      string
	Key         string
	Size        int64
	ETag        string // without quotes
	VersionID   string
	// EventName is ObjectCreated:Put, ObjectCreated:Copy,
	// ObjectCreated:Post or ObjectCreated:CompleteMultipartUpload.
	EventName string
	Time      time.Time
	// Requester is the caller's principal ID; SourceIP its address.
	Requester, SourceIP, RequestID string
	// Notification is the bucket's notification configuration (the caller
	// reads it under the owner's lock); nil sends nothing.
	Notification *BucketNotification
}

// NotifyObjectCreated sends the S3 event notifications of a new object:
// to each queue whose configuration selects the event (s3:ObjectCreated:*
// or the exact event, with the key's prefix and suffix filters), the
// event message in S3's format ({"Records": [...]}), when the queue's
// policy lets s3.amazonaws.com send; and, when the bucket sends to
// EventBridge, an "Object Created" event on the default bus of the
// bucket's account and region. Topics and functions are not simulated.
// It returns the deliveries that failed. Callers may hold an account
// lock, not the SQS or EventBridge lock.
func (w *World) NotifyObjectCreated(o ObjectCreated) []error {
	n := o.Notification
	if n == nil {
		return nil
	}
	var errs []error
	seq := strconv.FormatInt(o.Time.UnixNano(), 16)
	for _, q := range n.Queues {
		if !selectsEvent(q, "s3:"+o.EventName, o.Key) {
			continue
		}
		body := s3EventMessage(o, q.ID, seq)
		err := w.DeliverToQueue(ServiceSend{QueueARN: q.ARN, Body: string(body), Service: "s3.amazonaws.com",
			SourceARN: "arn:aws:s3:::" + o.Bucket, SourceAccount: o.BucketOwner})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if n.EventBridge {
		detail, _ := json.Marshal(map[string]any{
			"version": "0",
			"bucket":  map[string]string{"name": o.Bucket},
			"object": map[string]any{"key": o.Key, "size": o.Size, "etag": o.ETag, "version-id": o.VersionID,
				"sequencer": seq},
			"request-id": o.RequestID, "requester": o.BucketOwner, "source-ip-address": o.SourceIP,
			"reason": map[string]string{"ObjectCreated:Put": "PutObject", "ObjectCreated:Copy": "CopyObject",
				"ObjectCreated:Post": "PostObject", "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload"}[o.EventName],
		})
		e := &w.Events
		e.Lock()
		id := e.NewEventID()
		e.Unlock()
		w.PutEvent(o.BucketOwner, o.Region, "default", Event{ID: id, DetailType: "Object Created", Source: "aws.s3",
			Account: o.BucketOwner, Time: o.Time, Region: o.Region, Resources: []string{"arn:aws:s3:::" + o.Bucket}, Detail: detail})
	}
	return errs
}

// NotifyNewObject sends the notifications of an object just created in
// account's bucket (a PutObject, a trail's log file): it reads the
// bucket, the object and the notification configuration under the
// account's lock, then calls NotifyObjectCreated. Callers hold no lock.
func (w *World) NotifyNewObject(account, bucket, key string) []error {
	a := w.Account(account)
	if a == nil {
		return nil
	}
	a.Mu.Lock()
	b := a.S3.Bucket(bucket)
	if b == nil || b.Notification == nil {
		a.Mu.Unlock()
		return nil
	}
	n := *b.Notification
	o := ObjectCreated{Bucket: bucket, BucketOwner: account, Region: b.Region, Key: key, EventName: "ObjectCreated:Put",
		Requester: account, SourceIP: "127.0.0.1", Notification: &n}
	for _, x := range b.Objects {
		if x.Key == key {
			sum := md5.Sum([]byte(x.Body))
			o.Size, o.ETag, o.VersionID, o.Time = int64(len(x.Body)), hex.EncodeToString(sum[:]), x.VersionID, x.Modified
		}
	}
	a.Mu.Unlock()
	if o.Region == "" {
		o.Region = w.HomeRegion
	}
	if o.Time.IsZero() {
		o.Time = w.Now()
	}
	o.RequestID = strings.ToUpper(w.HexID("", 16))
	return w.NotifyObjectCreated(o)
}

func selectsEvent(t NotificationTarget, event, key string) bool {
	if !strings.HasPrefix(key, t.Prefix) || !strings.HasSuffix(key, t.Suffix) {
		return false
	}
	for _, e := range t.Events {
		if e == event || strings.HasSuffix(e, ":*") && strings.HasPrefix(event, strings.TrimSuffix(e, "*")) {
			return true
		}
	}
	return false
}

// s3EventMessage is S3's event message (event structure version 2.1);
// the key is URL-encoded as S3 encodes it (a space is "+", a slash
// stays).
func s3EventMessage(o ObjectCreated, configID, seq string) []byte {
	obj := map[string]any{"key": strings.ReplaceAll(url.QueryEscape(o.Key), "%2F", "/"), "size": o.Size, "eTag": o.ETag, "sequencer": strings.ToUpper(seq)}
	if o.VersionID != "" {
		obj["versionId"] = o.VersionID
	}
	rec := map[string]any{
		"eventVersion":      "2.1",
		"eventSource":       "aws:s3",
		"awsRegion":         o.Region,
		"eventTime":         o.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
		"eventName":         o.EventName,
		"userIdentity":      map[string]string{"principalId": o.Requester},
		"requestParameters": map[string]string{"sourceIPAddress": o.SourceIP},
		"responseElements":  map[string]string{"x-amz-request-id": o.RequestID, "x-amz-id-2": "sim/" + o.RequestID},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0",
			"configurationId": configID,
			"bucket": map[string]any{"name": o.Bucket, "ownerIdentity": map[string]string{"principalId": o.BucketOwner},
				"arn": "arn:aws:s3:::" + o.Bucket},
			"object": obj,
		},
	}
	b, _ := json.Marshal(map[string]any{"Records": []any{rec}})
	return b
}

// EventBridgeSeed is the custom event buses a world file declares for an
// account in a region (the demo organization's data): buses live in
// World.Events, so RegisterBuses creates them there when the world is
// built.
type EventBridgeSeed struct {
	Buses []*EventBusSeed `yaml:"buses"`
}

// EventBusSeed is a custom event bus to create.
type EventBusSeed struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Policy is its resource policy, "" for none.
	Policy string            `yaml:"policy,omitempty"`
	Tags   map[string]string `yaml:"tags,omitempty"`
}

// RegisterBuses creates in World.Events every custom bus the accounts'
// regions declare (Region.EventBridge), created at the world's clock.
// Call it while building a world, before the simulator serves it.
func RegisterBuses(w *World) {
	e := &w.Events
	e.Lock()
	defer e.Unlock()
	now := w.Now().UTC().Truncate(time.Second)
	for id, a := range w.Accounts {
		for region, r := range a.Regional {
			if r == nil {
				continue
			}
			for _, s := range r.EventBridge.Buses {
				tags := map[string]string{}
				for k, v := range s.Tags {
					tags[k] = v
				}
				e.AddBus(&EventBus{Account: id, Region: region, Name: s.Name, Description: s.Description, Policy: s.Policy,
					Created: now, Modified: now, Tags: tags})
			}
		}
	}
}
