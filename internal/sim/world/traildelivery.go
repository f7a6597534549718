package world

import (
	"bytes"
	"compress/gzip"
	"sort"
	"strings"
	"sync"
	"time"
)

// Which trails log a record, and how their log files reach S3.
//
// A trail logs a record when, at the moment the record is stored:
//
//   - it is logging, and has a bucket;
//   - it covers the record's account: its own, or, for an organization
//     trail of the management account, every account of the
//     organization (the organization's copy of its trails, see
//     Organization.Trails, kept by the CloudTrail simulator);
//   - it covers the record's region: its home region, or every region
//     for a multi-region trail; a global service event (IAM, STS's
//     global endpoint, console sign-in, recorded in us-east-1) only if
//     the trail includes global service events;
//   - its event selectors select it. No selectors: every management
//     event. Classic selectors: a management event if a selector includes
//     management events, matches its read/write type and does not exclude
//     its source; a data event if a selector's data resources name its
//     type and a prefix of its resource's ARN ("arn:aws:s3" is every
//     object) and its read/write type matches. Advanced selectors: a
//     selector whose every field selector holds (Equals, StartsWith,
//     EndsWith: one value matches; their Not forms: none does).
//
// The call that stops or deletes a trail is itself logged by that trail,
// as it is on AWS: the CloudTrail simulator says so (LogsOwnCall).
//
// Each record goes to each trail that logs it once. TrailLog.Delay after
// it was stored (health clock), the next delivery writes the records due,
// grouped per trail, account and region in the order they were stored,
// as one gzipped {"Records":[...]} file per group (at most
// maxFileRecords records), to
//
//	[prefix/]AWSLogs/[<org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//	  <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 characters>.json.gz
//
// where the time is the delivery's (the health clock placed on the data
// clock, as the alarms' timestamps are) and the organization ID is there
// for organization trails. A delivery runs before the simulator serves
// each call and when DeliverTrails is called; the same calls at the same
// clock readings write the same files with the same names. A bucket that
// does not exist (or no longer) loses its files, counted as dropped.
//
// Not modelled: bucket policies and KMS keys that would make a delivery
// fail, digest files, SNS notifications, CloudWatch Logs delivery, and
// the trail's LatestDeliveryTime (GetTrailStatus keeps its own).

const maxFileRecords = 1000

// deliveryTarget is where one trail writes its log files.
type deliveryTarget struct {
	account, home, trail string // the trail
	bucket               string
	prefix               string
	orgID                string // organization trails only
}

// less orders targets by trail (account, home region, name).
func (a *deliveryTarget) less(b *deliveryTarget) bool {
	if a.account != b.account {
		return a.account < b.account
	}
	if a.home != b.home {
		return a.home < b.home
	}
	return a.trail < b.trail
}

// pending is a record waiting for delivery to one trail.
type pending struct {
	rec *TrailRecord
	tg  *deliveryTarget
	due time.Duration
}

// alsoTrail is a trail that logs one more call although it no longer
// logs (the call stopped or deleted it).
type alsoTrail struct {
	account, home, orgID string
	trail                Trail
}

// LogsOwnCall tells the trail log that trail t of account, homed in home,
// which the call requestID has just stopped or deleted, still logs that
// call. The CloudTrail simulator calls it with account's lock held.
func (w *World) LogsOwnCall(requestID, account, home string, t *Trail) {
	if requestID == "" || w.Trail.Off {
		return
	}
	orgID := ""
	if t.IsOrganization {
		w.Mu.Lock()
		if w.Org != nil && w.Org.ManagementAccount == account {
			orgID = w.Org.ID
		}
		w.Mu.Unlock()
	}
	cp := *t
	cp.Logging = true
	if !logsTrail(&cp) {
		return
	}
	tl := &w.Trail
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.alsoReq == nil || len(tl.alsoReq) > 1024 {
		tl.alsoReq = map[string][]alsoTrail{} // calls that were never recorded
	}
	tl.alsoReq[requestID] = append(tl.alsoReq[requestID], alsoTrail{account: account, home: home, orgID: orgID, trail: cp})
}

func logsTrail(t *Trail) bool { return t.Logging && t.S3BucketName != "" }

// route appends to out the trails that log r, in a stable order (by
// trail), once each.
func (w *World) route(r *TrailRecord, out []deliveryTarget) []deliveryTarget {
	if r.Account == "" {
		return out
	}
	w.Mu.Lock()
	org := w.Org
	a := w.Accounts[r.Account]
	var orgID string
	var orgTrails []OrgTrail
	if org != nil {
		orgID = org.ID
		if org.Belongs(r.Account) {
			orgTrails = org.Trails // replaced whole, never changed in place
		}
	}
	w.Mu.Unlock()
	if a != nil {
		a.Mu.Lock()
		for home, reg := range a.Regional {
			for _, t := range reg.CloudTrail.Trails {
				if logsTrail(t) && covers(t, home, r) {
					out = append(out, target(a.ID, home, t, orgIDIf(t, orgID, org, a.ID)))
				}
			}
		}
		a.Mu.Unlock()
	}
	for i := range orgTrails {
		ot := &orgTrails[i]
		if ot.Account != r.Account && ot.Trail.IsOrganization && logsTrail(&ot.Trail) && covers(&ot.Trail, ot.HomeRegion, r) {
			out = append(out, target(ot.Account, ot.HomeRegion, &ot.Trail, orgID))
		}
	}
	if r.RequestID != "" {
		tl := &w.Trail
		tl.mu.Lock()
		also := tl.alsoReq[r.RequestID]
		delete(tl.alsoReq, r.RequestID)
		tl.mu.Unlock()
		for _, x := range also {
			if covers(&x.trail, x.home, r) {
				out = append(out, target(x.account, x.home, &x.trail, x.orgID))
			}
		}
	}
	// Insertion sort (few targets), dropping duplicates.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].less(&out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	n := 0
	for i := range out {
		if n > 0 && out[i] == out[n-1] {
			continue
		}
		out[n] = out[i]
		n++
	}
	return out[:n]
}

// intern returns the one *deliveryTarget equal to tg. The caller holds
// t.mu.
func (t *TrailLog) intern(tg deliveryTarget) *deliveryTarget {
	if t.targets == nil {
		t.targets = map[deliveryTarget]*deliveryTarget{}
	}
	p := t.targets[tg]
	if p == nil {
		p = &tg
		t.targets[tg] = p
	}
	return p
}

// orgIDIf is the organization ID in the key layout of an account's own
// trail: set for an organization trail of the management account.
func orgIDIf(t *Trail, orgID string, org *Organization, account string) string {
	if t.IsOrganization && org != nil && org.ManagementAccount == account {
		return orgID
	}
	return ""
}

func target(account, home string, t *Trail, orgID string) deliveryTarget {
	return deliveryTarget{account: account, home: home, trail: t.Name, bucket: t.S3BucketName, prefix: t.S3KeyPrefix, orgID: orgID}
}

// covers reports whether trail t, homed in home, logs r (its logging
// status and accounts aside).
func covers(t *Trail, home string, r *TrailRecord) bool {
	if home != r.Region && !t.IsMultiRegion {
		return false
	}
	if r.global() && !t.IncludeGlobalServiceEvents {
		return false
	}
	return selects(t, r)
}

// selects reports whether t's event selectors select r.
func selects(t *Trail, r *TrailRecord) bool {
	if len(t.AdvancedEventSelectors) > 0 {
		for i := range t.AdvancedEventSelectors {
			if advancedSelects(&t.AdvancedEventSelectors[i], r) {
				return true
			}
		}
		return false
	}
	if len(t.EventSelectors) == 0 {
		return !r.Data
	}
	for _, s := range t.EventSelectors {
		if !readWriteMatch(s.ReadWriteType, r.ReadOnly) {
			continue
		}
		if !r.Data {
			if s.IncludeManagementEvents && !contains(s.ExcludeManagementEventSources, r.EventSource) {
				return true
			}
			continue
		}
		for _, res := range r.Detail().Resources {
			for _, dr := range s.DataResources {
				if dr.Type != res.Type {
					continue
				}
				for _, v := range dr.Values {
					if dataValueMatches(v, res.ARN) {
						return true
					}
				}
			}
		}
	}
	return false
}

func readWriteMatch(rw string, readOnly bool) bool {
	switch rw {
	case "ReadOnly":
		return readOnly
	case "WriteOnly":
		return !readOnly
	}
	return true
}

// dataValueMatches reports whether a classic data resource value selects
// the resource arn: "arn:aws:s3" (or "arn:aws:s3:::") is every S3 object,
// "arn:aws:s3:::bucket/" every object of the bucket (a value without the
// slash too), "arn:aws:s3:::bucket/prefix" the keys under the prefix;
// other types' values are ARN prefixes.
func dataValueMatches(v, arn string) bool {
	const s3 = "arn:aws:s3:::"
	switch {
	case v == "arn:aws:s3" || v == s3:
		return strings.HasPrefix(arn, s3)
	case strings.HasPrefix(v, s3):
		vb, vk, _ := strings.Cut(v[len(s3):], "/")
		if !strings.HasPrefix(arn, s3) {
			return false
		}
		ab, ak, _ := strings.Cut(arn[len(s3):], "/")
		return vb == ab && strings.HasPrefix(ak, vk)
	}
	return arn != "" && strings.HasPrefix(arn, v)
}

func advancedSelects(s *AdvancedSelector, r *TrailRecord) bool {
	for i := range s.FieldSelectors {
		if !fieldHolds(&s.FieldSelectors[i], r) {
			return false
		}
	}
	return true
}

// fieldHolds reports whether one field selector holds for r. A field
// with several values (resources.ARN) holds if it holds for one.
func fieldHolds(f *FieldSelector, r *TrailRecord) bool {
	var values []string
	switch f.Field {
	case "eventCategory":
		values = []string{r.Category()}
	case "readOnly":
		values = []string{boolString(r.ReadOnly)}
	case "eventSource":
		values = []string{r.EventSource}
	case "eventName":
		values = []string{r.EventName}
	case "eventType":
		values = []string{r.EventType}
	case "errorCode":
		values = []string{r.ErrorCode}
	case "userIdentity.arn":
		values = []string{r.Identity.ARN}
	case "resources.type", "resources.ARN":
		for _, res := range r.Detail().Resources {
			if f.Field == "resources.type" {
				values = append(values, res.Type)
			} else {
				values = append(values, res.ARN)
			}
		}
	default:
		return true // a field the simulator does not know restricts nothing
	}
	for _, v := range values {
		if valueHolds(f, v) {
			return true
		}
	}
	return false
}

func valueHolds(f *FieldSelector, v string) bool {
	any := func(list []string, ok func(string) bool) bool {
		for _, x := range list {
			if ok(x) {
				return true
			}
		}
		return false
	}
	eq := func(x string) bool { return v == x }
	sw := func(x string) bool { return strings.HasPrefix(v, x) }
	ew := func(x string) bool { return strings.HasSuffix(v, x) }
	if len(f.Equals) > 0 && !any(f.Equals, eq) {
		return false
	}
	if len(f.StartsWith) > 0 && !any(f.StartsWith, sw) {
		return false
	}
	if len(f.EndsWith) > 0 && !any(f.EndsWith, ew) {
		return false
	}
	return !any(f.NotEquals, eq) && !any(f.NotStartsWith, sw) && !any(f.NotEndsWith, ew)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- the delivery queue ----

// enqueue queues rec for delivery to tg at due. The caller holds t.mu.
func (t *TrailLog) enqueue(rec *TrailRecord, tg *deliveryTarget, due time.Duration) {
	q := &t.pending
	if q.len() >= maxPending {
		q.drop(1)
		t.stats.Dropped++
	}
	q.items = append(q.items, pending{rec: rec, tg: tg, due: due})
	t.npend.Store(int64(q.len()))
	t.nextDue.Store(int64(q.items[q.head].due))
}

// queue is the records waiting for delivery, in due order: a slice
// consumed from its head, compacted once half of it was consumed.
type queue struct {
	items []pending
	head  int
}

func (q *queue) len() int { return len(q.items) - q.head }

// drop removes the n first records.
func (q *queue) drop(n int) {
	clear(q.items[q.head : q.head+n])
	q.head += n
	if q.head >= len(q.items)/2 {
		m := copy(q.items, q.items[q.head:])
		clear(q.items[m:])
		q.items = q.items[:m]
		q.head = 0
	}
}

// take removes and returns the records due by now.
func (q *queue) take(now time.Duration) []pending {
	live := q.items[q.head:]
	k := sort.Search(len(live), func(i int) bool { return live[i].due > now })
	if k == 0 {
		return nil
	}
	out := append([]pending(nil), live[:k]...)
	q.drop(k)
	return out
}

// elapsed reads the health clock.
func (w *World) elapsed() time.Duration {
	h := &w.Health
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now(w)
}

// healthStamp places the health-clock reading d on the data clock.
func (w *World) healthStamp(d time.Duration) time.Time {
	h := &w.Health
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now(w)
	return h.stamp(d).UTC()
}

// logFile is one log file to write.
type logFile struct {
	tg              *deliveryTarget
	account, region string
	n               uint64 // the world's file number
	recs            []*TrailRecord
}

// DeliverTrails writes every record whose delivery fell due to the
// buckets of the trails that log it, tells OnObjectCreated's subscribers
// of each file, and returns the number of files written. The simulator
// calls it before it serves each call; a test calls it after moving the
// health clock. Call it holding no lock of the world.
func (w *World) DeliverTrails() int {
	t := &w.Trail
	if t.npend.Load() == 0 {
		return 0
	}
	now := w.elapsed()
	if int64(now) < t.nextDue.Load() {
		return 0
	}
	t.mu.Lock()
	// The queue is in due order (enqueue reads the clock under t.mu).
	due := t.pending.take(now)
	if len(due) == 0 {
		t.mu.Unlock()
		return 0
	}
	t.npend.Store(int64(t.pending.len()))
	if t.pending.len() > 0 {
		t.nextDue.Store(int64(t.pending.items[t.pending.head].due))
	}
	type fileKey struct {
		tg              *deliveryTarget
		account, region string
	}
	var files []*logFile
	open := map[fileKey]*logFile{}
	for _, p := range due {
		k := fileKey{p.tg, p.rec.Account, p.rec.Region}
		f := open[k]
		if f == nil || len(f.recs) == maxFileRecords {
			t.files++
			f = &logFile{tg: p.tg, account: k.account, region: k.region, n: t.files}
			open[k] = f
			files = append(files, f)
		}
		f.recs = append(f.recs, p.rec)
	}
	seed := t.seed
	t.mu.Unlock()

	at := w.healthStamp(now)
	var delivered, dropped, written uint64
	var created []notice
	for _, f := range files {
		key := f.key(at, seed)
		body := f.gzip()
		w.Mu.Lock()
		owner := w.Buckets[f.tg.bucket]
		a := w.Accounts[owner]
		w.Mu.Unlock()
		ok := false
		if a != nil {
			a.Mu.Lock()
			if b := a.S3.Bucket(f.tg.bucket); b != nil {
				o := &Object{Key: key, Body: string(body), ContentType: "application/json", ContentEncoding: "gzip", Modified: at}
				if i := objectIndex(b, key); i >= 0 {
					b.Objects[i] = o
				} else {
					b.Objects = append(b.Objects, o)
				}
				ok = true
			}
			a.Mu.Unlock()
		}
		if !ok {
			dropped += uint64(len(f.recs))
			continue
		}
		written++
		delivered += uint64(len(f.recs))
		created = append(created, notice{account: owner, bucket: f.tg.bucket, key: key})
	}
	t.mu.Lock()
	t.stats.Delivered += delivered
	t.stats.Dropped += dropped
	t.stats.Files += written
	t.mu.Unlock()
	if t.hooked.Load() && len(created) > 0 {
		var ticket uint64
		for _, n := range created {
			ticket = t.disp.add(n)
		}
		t.fire(ticket)
	}
	return int(written)
}

func objectIndex(b *Bucket, key string) int {
	for i, o := range b.Objects {
		if o.Key == key {
			return i
		}
	}
	return -1
}

// key is the file's object key, delivered at at.
func (f *logFile) key(at time.Time, seed uint64) string {
	var b strings.Builder
	if p := strings.Trim(f.tg.prefix, "/"); p != "" {
		b.WriteString(p)
		b.WriteByte('/')
	}
	b.WriteString("AWSLogs/")
	if f.tg.orgID != "" {
		b.WriteString(f.tg.orgID)
		b.WriteByte('/')
	}
	b.WriteString(f.account)
	b.WriteString("/CloudTrail/")
	b.WriteString(f.region)
	b.WriteByte('/')
	b.WriteString(at.Format("2006/01/02"))
	b.WriteByte('/')
	b.WriteString(f.account)
	b.WriteString("_CloudTrail_")
	b.WriteString(f.region)
	b.WriteByte('_')
	b.WriteString(at.Format("20060102T1504Z"))
	b.WriteByte('_')
	b.WriteString(uniqueString(seed, f.n))
	b.WriteString(".json.gz")
	return b.String()
}

// uniqueString is the 16 characters that keep two files of the same
// minute apart.
func uniqueString(seed, n uint64) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var out [16]byte
	x := mix(seed ^ (n * 0xd1b54a32d192ed03))
	for i := range out {
		if i == 8 {
			x = mix(x)
		}
		out[i] = alphabet[x%uint64(len(alphabet))]
		x /= uint64(len(alphabet))
	}
	return string(out[:])
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// gzip is the file's body: {"Records":[...]} gzipped.
func (f *logFile) gzip() []byte {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write([]byte(`{"Records":[`))
	for i, r := range f.recs {
		if i > 0 {
			zw.Write([]byte{','})
		}
		zw.Write(r.JSON())
	}
	zw.Write([]byte(`]}`))
	zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}
