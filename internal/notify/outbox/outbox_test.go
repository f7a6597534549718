package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// fakeClock is the tests' clock: Wait advances it instead of sleeping,
// so a Retry-After of minutes is waited out at once, and every request
// a receiver gets is stamped with the time the deliverer believed it
// was.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: storetest.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

// request is one request a receiver got.
type request struct {
	Path     string
	Delivery string
	At       time.Time // the deliverer's clock
	Answer   int
	Body     []byte
	Payload  notify.WebhookPayload
}

// receiver is a webhook and Slack receiver on loopback: answer decides
// each answer (status and headers) from the request's number on its
// path.
type receiver struct {
	t      *testing.T
	url    string
	clock  *fakeClock
	secret string
	mu     sync.Mutex
	reqs   []request
	answer func(path string, n int, w http.ResponseWriter) int
}

func newReceiver(t *testing.T, c *fakeClock, secret string) *receiver {
	r := &receiver{t: t, clock: c, secret: secret}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r.url = "http://" + ln.Addr().String()
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rq := request{Path: req.URL.Path, Delivery: req.Header.Get(notify.HeaderDelivery), Body: body}
	if r.clock != nil {
		rq.At = r.clock.Now()
	}
	if strings.HasPrefix(req.URL.Path, "/hook") {
		if err := json.Unmarshal(body, &rq.Payload); err != nil {
			r.t.Errorf("webhook body is not the payload: %v: %s", err, body)
		}
		if r.secret != "" {
			if err := notify.Verify(r.secret, req.Header, body, rq.At, 5*time.Minute); err != nil {
				r.t.Errorf("webhook signature: %v", err)
			}
		}
	}
	r.mu.Lock()
	n := 0
	for _, q := range r.reqs {
		if q.Path == rq.Path {
			n++
		}
	}
	answer := r.answer
	r.mu.Unlock()
	code := http.StatusOK
	if answer != nil {
		code = answer(rq.Path, n, w)
	}
	rq.Answer = code
	r.mu.Lock()
	r.reqs = append(r.reqs, rq)
	r.mu.Unlock()
	w.WriteHeader(code)
	fmt.Fprint(w, "ok")
}

// got returns the requests to path.
func (r *receiver) got(path string) []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []request
	for _, q := range r.reqs {
		if q.Path == path {
			out = append(out, q)
		}
	}
	return out
}

// accepted returns the requests to path answered 2xx, by delivery ID,
// failing the test on a delivery accepted twice.
func (r *receiver) accepted(path string) map[string]request {
	r.t.Helper()
	out := map[string]request{}
	for _, q := range r.got(path) {
		if q.Answer/100 != 2 {
			continue
		}
		if _, dup := out[q.Delivery]; dup {
			r.t.Errorf("delivery %s accepted twice at %s", q.Delivery, path)
		}
		out[q.Delivery] = q
	}
	return out
}

// fixture is a store with a notify config installed and a deliverer.
type fixture struct {
	t      *testing.T
	dbPath string
	st     store.Store
	cfg    *notify.Config
	clock  *fakeClock
	d      *outbox.Deliverer
	// allowDead: a test that wants notifications dead.
	allowDead bool
}

func newFixture(t *testing.T, c *fakeClock, yaml string, tweak func(*outbox.Options)) *fixture {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := notify.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "g.db")
	st, err := store.OpenWith(context.Background(), db, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.SetRouter(outbox.Router(cfg, outbox.RouterOptions{}))
	f := &fixture{t: t, dbPath: db, st: st, cfg: cfg, clock: c}
	f.d = f.deliverer(tweak)
	return f
}

func (f *fixture) deliverer(tweak func(*outbox.Options)) *outbox.Deliverer {
	f.t.Helper()
	s, err := notify.NewSender(f.cfg, notify.Options{Clock: f.clock.Now, HTTP: &http.Client{Timeout: 10 * time.Second}})
	if err != nil {
		f.t.Fatal(err)
	}
	o := outbox.Options{Store: f.st, Sender: s, Now: f.clock.Now, Wait: f.clock.Wait, Jitter: func() float64 { return 0.5 }}
	if tweak != nil {
		tweak(&o)
	}
	d, err := outbox.New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// scan stores rep as a scan.
func (f *fixture) scan(rep *report.Report) store.Changes {
	f.t.Helper()
	ctx := context.Background()
	if err := f.st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		f.t.Fatal(err)
	}
	ch, err := f.st.FinishScan(ctx, rep, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return ch
}

// drain delivers for up to an hour of the fake clock and wants nothing
// left.
func (f *fixture) drain() outbox.Stats {
	f.t.Helper()
	st, left, err := f.d.Drain(context.Background(), time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	if left != 0 {
		f.t.Fatalf("after draining, %d notifications are left", left)
	}
	if st.Dead > 0 && !f.allowDead {
		rows, _ := f.st.Outbox(context.Background(), store.OutboxFilter{Status: []string{store.OutboxDead}, Limit: 1})
		f.t.Fatalf("%d notifications are dead: %s", st.Dead, rows[0].LastError)
	}
	return st
}

const (
	acct = "111111111111"
	eu   = "eu-west-1"
)

// instances is a scan of acct in which instances fail EC2.8 (false:
// pass), with tags.
func instances(id string, at time.Time, status map[string]bool, tags map[string]map[string]string) *report.Report {
	b := storetest.NewReport(id, at).Account(acct, "prod", "Root/Production", eu)
	for _, name := range sortedKeys(status) {
		s := control.Passed
		if status[name] {
			s = control.Failed
		}
		b.Instance(s, acct, eu, name)
	}
	rep := b.Report()
	for i := range rep.Results {
		if t, ok := tags[rep.Results[i].Resource.Name]; ok {
			rep.Results[i].Resource.Tags = t
		}
	}
	return rep
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestDigestDedupAndResolve: a first scan with a digest route is one
// digest; the same scan again sends nothing; a fix is one "resolved"
// message on the per-event route (and a digest of one).
func TestDigestDedupAndResolve(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "s3cret")
	f := newFixture(t, c, `
destinations:
  - name: digest
    type: webhook
    url: `+r.url+`/hook/digest
    secret: s3cret
  - name: events
    type: webhook
    url: `+r.url+`/hook/events
    secret: s3cret
routes:
  - match: {change: [new]}
    to: [digest]
    digest: true
  - match: {change: [resolved]}
    to: [events]
`, nil)
	failing := map[string]bool{}
	for i := 0; i < 40; i++ {
		failing[fmt.Sprintf("i-%03d", i)] = true
	}
	base := storetest.Now().Add(time.Hour)
	f.scan(instances("s1", base, failing, nil))
	st := f.drain()
	d := r.accepted("/hook/digest")
	if len(d) != 1 || st.Messages != 1 || st.Rows != 40 {
		t.Fatalf("first scan: %d digests (%+v), want one of 40 notifications", len(d), st)
	}
	for _, q := range d {
		if !q.Payload.Digest || len(q.Payload.Events) != 40 || q.Delivery == "" || q.Delivery != q.Payload.ID {
			t.Errorf("digest: digest=%v, %d events, delivery %q (payload ID %q)", q.Payload.Digest, len(q.Payload.Events), q.Delivery, q.Payload.ID)
		}
	}

	f.scan(instances("s2", base.Add(time.Hour), failing, nil))
	if st := f.drain(); st.Messages != 0 || len(r.got("/hook/digest")) != 1 {
		t.Fatalf("an identical scan sent %+v", st)
	}

	failing["i-007"] = false
	f.scan(instances("s3", base.Add(2*time.Hour), failing, nil))
	f.drain()
	ev := r.accepted("/hook/events")
	if len(ev) != 1 {
		t.Fatalf("the fix sent %d messages to events, want 1", len(ev))
	}
	for _, q := range ev {
		if len(q.Payload.Events) != 1 || q.Payload.Events[0].Change != "resolved" || q.Payload.Events[0].Finding == nil ||
			q.Payload.Events[0].Finding.ID != storetest.Instance(acct, eu, "i-007") {
			t.Errorf("resolved message: %s", q.Body)
		}
	}
	if n := len(r.got("/hook/digest")); n != 1 {
		t.Errorf("a fix sent a digest of new findings: %d digests in all", n)
	}
}

// TestOutageExactlyOnce: a receiver that answers 500 for a while gets
// every message once it recovers, each accepted once, with backoff
// between the attempts.
func TestOutageExactlyOnce(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "")
	r.answer = func(path string, n int, w http.ResponseWriter) int {
		if n < 6 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	f := newFixture(t, c, `
destinations:
  - name: hook
    type: webhook
    url: `+r.url+`/hook
routes:
  - match: {}
    to: [hook]
`, nil)
	failing := map[string]bool{"i-1": true, "i-2": true, "i-3": true, "i-4": true}
	f.scan(instances("s1", storetest.Now(), failing, nil))
	start := c.Now()
	st := f.drain()
	acc := r.accepted("/hook")
	if len(acc) != 4 || st.Messages != 4 || st.Retried != 6 {
		t.Fatalf("after the outage: %d messages accepted, stats %+v; want 4, after 6 failures", len(acc), st)
	}
	keys := map[string]bool{}
	for _, q := range acc {
		keys[q.Payload.Events[0].Key()] = true
	}
	if len(keys) != 4 {
		t.Errorf("accepted %d distinct events, want 4", len(keys))
	}
	// Backoff: 10s, 20s, 40s... (jitter fixed at its middle: 3/4 of
	// each) between one destination's attempts, never two at once.
	got := r.got("/hook")
	for i := 1; i < 7; i++ {
		gap := got[i].At.Sub(got[i-1].At)
		if gap <= 0 {
			t.Errorf("attempt %d came %v after the one before: no backoff", i+1, gap)
		}
	}
	if c.Now().Sub(start) < 30*time.Second {
		t.Errorf("the outage was waited out in %v: no backoff", c.Now().Sub(start))
	}
	rows, err := f.st.Outbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row.Status != store.OutboxSent || row.Receipt != "HTTP 200" {
			t.Errorf("row %d: %s, receipt %q", row.ID, row.Status, row.Receipt)
		}
	}
}

// TestRetryAfterPausesOneDestination: Slack's 429 with Retry-After is
// honored (no request to Slack before the time), and the other
// destination is not held up.
func TestRetryAfterPausesOneDestination(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "")
	r.answer = func(path string, n int, w http.ResponseWriter) int {
		if strings.HasPrefix(path, "/services/") && n == 0 {
			w.Header().Set("Retry-After", "90")
			return http.StatusTooManyRequests
		}
		return http.StatusOK
	}
	f := newFixture(t, c, `
destinations:
  - name: slack
    type: slack
    url: `+r.url+`/services/T000/B000/XXXX
  - name: hook
    type: webhook
    url: `+r.url+`/hook
routes:
  - match: {}
    to: [slack, hook]
`, nil)
	f.scan(instances("s1", storetest.Now(), map[string]bool{"i-1": true, "i-2": true, "i-3": true}, nil))
	f.drain()
	slack := r.got("/services/T000/B000/XXXX")
	if len(slack) != 4 || slack[0].Answer != http.StatusTooManyRequests {
		t.Fatalf("slack got %d requests, want the 429 then 3", len(slack))
	}
	for _, q := range slack[1:] {
		if q.At.Before(slack[0].At.Add(90 * time.Second)) {
			t.Errorf("a request to slack at %v, before the Retry-After of the 429 at %v ran out", q.At, slack[0].At)
		}
	}
	hook := r.got("/hook")
	if len(hook) != 3 {
		t.Fatalf("hook got %d requests, want 3", len(hook))
	}
	for _, q := range hook {
		if q.At.After(slack[0].At.Add(time.Second)) {
			t.Errorf("hook waited for slack's Retry-After: a request at %v", q.At)
		}
	}
}

// TestDeadAndRetry: a permanent refusal is dead at once, visible in
// the status, and retried on demand.
func TestDeadAndRetry(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "")
	refuse := true
	var mu sync.Mutex
	r.answer = func(path string, n int, w http.ResponseWriter) int {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			return http.StatusGone
		}
		return http.StatusOK
	}
	f := newFixture(t, c, `
destinations:
  - name: hook
    type: webhook
    url: `+r.url+`/hook
routes:
  - match: {}
    to: [hook]
`, func(o *outbox.Options) { o.MaxAttempts = 3 })
	f.allowDead = true
	f.scan(instances("s1", storetest.Now(), map[string]bool{"i-1": true}, nil))
	st := f.drain()
	if st.Dead != 1 || len(r.got("/hook")) != 1 {
		t.Fatalf("a 410 answer: %+v after %d requests; want dead at once", st, len(r.got("/hook")))
	}
	ds, err := f.st.OutboxStatus(context.Background())
	if err != nil || len(ds) != 1 || ds[0].Dead != 1 || !strings.Contains(ds[0].LastError, "HTTP 410") || strings.Contains(ds[0].LastError, r.url) {
		t.Fatalf("status %+v, %v: want one dead row with the 410, never the URL", ds, err)
	}
	mu.Lock()
	refuse = false
	mu.Unlock()
	if n, err := f.st.RetryOutbox(context.Background(), store.RetrySelector{Destination: "hook"}); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	if st := f.drain(); st.Messages != 1 {
		t.Fatalf("after retry: %+v", st)
	}
}

// TestRoutingByResourceTag: two systems in one account, told apart by a
// resource tag, go to two destinations.
func TestRoutingByResourceTag(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "")
	f := newFixture(t, c, `
destinations:
  - name: payments
    type: webhook
    url: `+r.url+`/hook/payments
  - name: search
    type: webhook
    url: `+r.url+`/hook/search
routes:
  - match: {resource_tag: {system: [payments]}}
    to: [payments]
  - match: {resource_tag: {system: [search]}}
    to: [search]
`, nil)
	f.scan(instances("s1", storetest.Now(), map[string]bool{"i-pay": true, "i-search": true, "i-other": true},
		map[string]map[string]string{"i-pay": {"system": "payments"}, "i-search": {"system": "search"}}))
	f.drain()
	for path, want := range map[string]string{"/hook/payments": "i-pay", "/hook/search": "i-search"} {
		acc := r.accepted(path)
		if len(acc) != 1 {
			t.Errorf("%s got %d messages, want 1", path, len(acc))
			continue
		}
		for _, q := range acc {
			if id := q.Payload.Events[0].Finding.ID; id != storetest.Instance(acct, eu, want) {
				t.Errorf("%s got finding %s, want %s's", path, id, want)
			}
		}
	}
}

// TestAlertGrouping: alerts on one rule and resource within the window
// are one message with their count; another resource's alone.
func TestAlertGrouping(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, "")
	f := newFixture(t, c, `
destinations:
  - name: hook
    type: webhook
    url: `+r.url+`/hook
routes:
  - match: {source: [watch]}
    to: [hook]
options:
  group_window: 5m
`, nil)
	ctx := context.Background()
	at := storetest.Now()
	var alerts []store.Alert
	for i, res := range []string{"sg-1", "sg-1", "sg-1", "sg-2"} {
		alerts = append(alerts, store.Alert{EventID: fmt.Sprint("ev-", i), Rule: "sg-open", Title: "Security group opened", Severity: control.High,
			Account: acct, Region: eu, Resource: res, EventName: "AuthorizeSecurityGroupIngress", EventSource: "ec2.amazonaws.com",
			EventTime: at.Add(time.Duration(i) * time.Minute), Source: "file", Raw: json.RawMessage(`{}`)})
	}
	if _, err := f.st.CommitWatch(ctx, store.WatchBatch{Alerts: alerts[:2]}); err != nil {
		t.Fatal(err)
	}
	// Nothing goes before the window ends.
	if st, err := f.d.Deliver(ctx); err != nil || st.Messages != 0 {
		t.Fatalf("before the window ended: %+v, %v", st, err)
	}
	c.Wait(ctx, 2*time.Minute)
	if _, err := f.st.CommitWatch(ctx, store.WatchBatch{Alerts: alerts[2:]}); err != nil {
		t.Fatal(err)
	}
	f.drain()
	acc := r.accepted("/hook")
	if len(acc) != 2 {
		t.Fatalf("got %d messages, want 2 (sg-1's three alerts, sg-2's one)", len(acc))
	}
	counts := map[string]int{}
	for _, q := range acc {
		a := q.Payload.Events[0].Alert
		counts[a.Resource] = a.Count
		if a.Resource == "sg-1" && (!a.First.Equal(at) || !a.Last.Equal(at.Add(2*time.Minute))) {
			t.Errorf("sg-1's group spans %v to %v, want %v to %v", a.First, a.Last, at, at.Add(2*time.Minute))
		}
	}
	if counts["sg-1"] != 3 || counts["sg-2"] != 1 {
		t.Errorf("counts %v, want sg-1: 3, sg-2: 1", counts)
	}
}

// TestAlertRoutedByAccount: an alert carries only its account's ID; the
// router names the account and its OU path from the organization, so
// routes on OU, account name and account tag reach it.
func TestAlertRoutedByAccount(t *testing.T) {
	cfg, err := notify.Parse("notify.yaml", []byte(`
destinations:
  - {name: payments, type: webhook, url: "http://127.0.0.1:1/payments"}
  - {name: prod, type: webhook, url: "http://127.0.0.1:1/prod"}
  - {name: named, type: webhook, url: "http://127.0.0.1:1/named"}
routes:
  - match: {account_tag: {team: [payments]}}
    to: [payments]
  - match: {ou: Root/Workloads/Production}
    to: [prod]
  - match: {account: [storefront-prod]}
    to: [named]
`))
	if err != nil {
		t.Fatal(err)
	}
	alert := store.Change{Source: store.SourceAlert, Kind: store.ChangeAlert, Position: "7", At: storetest.Now(),
		Alert: &store.Alert{ID: 7, EventID: "ev-7", Rule: "sg-open", Title: "Security group opened", Severity: control.High,
			Account: acct, Region: eu, Resource: "sg-1", EventTime: storetest.Now(), Raw: json.RawMessage(`{}`)}}
	for _, tc := range []struct {
		name string
		opts outbox.RouterOptions
		want []string
	}{
		{"the organization known", outbox.RouterOptions{
			AccountTags:  map[string]map[string]string{acct: {"team": "payments"}},
			AccountNames: map[string]string{acct: "storefront-prod"},
			OUPaths:      map[string]string{acct: "Root/Workloads/Production"},
		}, []string{"named", "payments", "prod"}},
		{"nothing known of the account", outbox.RouterOptions{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := outbox.Router(cfg, tc.opts)(alert)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range out {
				got = append(got, o.Destination)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("destinations %v, want %v", got, tc.want)
			}
		})
	}
}
