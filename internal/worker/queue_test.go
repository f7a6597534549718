package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
	"github.com/guardrail-sec/guardrail/internal/worker"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// demoRegions: the demo's four regions and eu-south-1, an opt-in region
// one account has enabled.
var demoRegions = []string{"eu-central-1", "eu-south-1", "eu-west-1", "us-east-1", "us-west-2"}

// denied is the demo account whose role the scanner cannot assume.
const denied = "444444444404"

// cuttable is an HTTP client whose network can be cut: a worker killed
// mid-message says nothing more to AWS, not even a release.
type cuttable struct {
	next aws.HTTPClient
	cut  atomic.Bool
}

func (c *cuttable) Do(r *http.Request) (*http.Response, error) {
	if c.cut.Load() {
		return nil, errors.New("network cut: the worker was killed")
	}
	return c.next.Do(r)
}

func mgmtConfig(t testing.TB, s *simtest.Sim) (aws.Config, *cuttable) {
	t.Helper()
	mgmt := s.World().Org.ManagementAccount
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt), AttemptTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := &cuttable{next: cfg.HTTPClient}
	cfg.HTTPClient = c
	return cfg, c
}

func openPG(t testing.TB, dsn string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestQueueScan is the queue test: a scan of the demo
// organization dispatched to the simulator's SQS and done by three
// workers with their own SDK clients, one of them killed mid-message
// (its network cut and its context cancelled: the message comes back
// after the visibility timeout), stores the same scan as one process
// does. The account whose role cannot be assumed fails every attempt:
// after the redrive policy's maxReceiveCount it is stored as not
// assessed with the reason, as one process stores it, and its message
// ends in the dead-letter queue, as does a message that is not JSON.
func TestQueueScan(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization twice")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	now := w.Now()
	w.Now = func() time.Time { return now }
	s := simtest.Start(t, w)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	started := now.Add(-time.Hour)

	cfg, _ := mgmtConfig(t, s)
	// The queue (in the management account, so both scans see it):
	// visibility 2 s, two receives before the dead-letter queue.
	q := sqsapi.NewFromConfig(cfg)
	dlq := createQueue(ctx, t, q, "guardrail-scan-dlq", nil)
	dlqARN := queueARN(ctx, t, q, dlq)
	queue := createQueue(ctx, t, q, "guardrail-scan", map[string]string{"VisibilityTimeout": "2",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`})

	// One process.
	single := openPG(t, storetest.Postgres(t))
	rep, err := scan.Run(ctx, cfg, scan.Options{Discover: org.Options{Regions: demoRegions}, Collectors: registry.All(), Controls: cat.Controls(),
		Standards: cat.Standards(), Now: func() time.Time { return started }})
	if err != nil {
		t.Fatal(err)
	}
	if err := single.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, Status: store.Running}); err != nil {
		t.Fatal(err)
	}
	if _, err := single.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}

	dsn := storetest.Postgres(t)
	st := openPG(t, dsn)
	sd, err := worker.Start(ctx, cfg, st, q, worker.StartOptions{Queue: queue, Discover: org.Options{Regions: demoRegions}, Controls: cat.Controls(),
		Standards: cat.Standards(), Collectors: registry.All(), Now: func() time.Time { return started }, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if sd.Scan != rep.ID || sd.Accounts != len(rep.Accounts) {
		t.Fatalf("dispatched %+v, want scan %s of %d accounts", sd, rep.ID, len(rep.Accounts))
	}

	if _, err := q.SendMessage(ctx, &sqsapi.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String("not a scan message")}); err != nil {
		t.Fatal(err)
	}

	// Three workers, each with its own client and store connection.
	type running struct {
		w      *worker.Worker
		cut    *cuttable
		cancel context.CancelFunc
		done   chan error
	}
	var logs syncBuffer
	start := func(name string) *running {
		wcfg, cut := mgmtConfig(t, s)
		wst := openPG(t, dsn)
		log := slog.New(slog.NewTextHandler(&logs, nil)).With("worker", name)
		a := &worker.Assessor{Config: wcfg, Store: wst, Catalog: cat, Collectors: registry.All(), Concurrency: 16, Log: log}
		wk, err := worker.New(sqsapi.NewFromConfig(wcfg), worker.Options{Queue: queue, Visibility: 2 * time.Second, Wait: time.Second,
			RetryDelay: -1, Handle: a.Handle, GiveUp: a.GiveUp, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		wctx, wcancel := context.WithCancel(ctx)
		r := &running{w: wk, cut: cut, cancel: wcancel, done: make(chan error, 1)}
		go func() { r.done <- wk.Run(wctx) }()
		return r
	}
	killed := start("killed")
	waitFor(t, "the first worker to start on a message", func() bool { return killed.w.InProgress() > 0 })
	killed.cut.cut.Store(true)
	killed.cancel()
	if err := <-killed.done; err != nil {
		t.Errorf("killed worker: %v", err)
	}
	if ks := killed.w.Stats(); ks.Done != 0 || ks.Malformed != 0 {
		t.Fatalf("the killed worker was not killed mid-account (%+v): the test proves nothing", ks)
	}
	others := []*running{start("b"), start("c")}
	waitFor(t, "the scan to complete", func() bool {
		sc, err := st.Scan(ctx, sd.Scan)
		return err == nil && sc.Status != store.Running
	})
	// The dead-letter queue gets the denied account's message and the
	// malformed one (moved at a receive after their last attempt).
	waitFor(t, "two messages in the dead-letter queue", func() bool { return queueCount(ctx, t, q, dlq) == 2 })
	for _, r := range others {
		r.cancel()
		if err := <-r.done; err != nil {
			t.Errorf("worker: %v", err)
		}
	}
	var stats worker.Stats
	for _, r := range others {
		s := r.w.Stats()
		stats.Done += s.Done
		stats.GaveUp += s.GaveUp
		stats.Malformed += s.Malformed
	}
	if stats.GaveUp != 1 || stats.Malformed != 2 || stats.Done != int64(sd.Accounts-1) {
		t.Errorf("workers' stats %+v: want %d accounts stored, 1 given up, the malformed message seen twice\n%s", stats, sd.Accounts-1, logs.String())
	}
	out, err := q.ReceiveMessage(ctx, &sqsapi.ReceiveMessageInput{QueueUrl: aws.String(dlq), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range out.Messages {
		body := aws.ToString(m.Body)
		if msg, err := worker.Parse(aws.ToString(m.MessageId), body); err == nil {
			body = "account " + msg.Account.ID
		}
		bodies = append(bodies, body)
	}
	sort.Strings(bodies)
	if strings.Join(bodies, "|") != "account "+denied+"|not a scan message" {
		t.Errorf("dead-letter queue = %q", bodies)
	}

	// The same stored scan.
	want, got := storedScan(ctx, t, single, rep.ID), storedScan(ctx, t, st, sd.Scan)
	if got.scan != want.scan {
		t.Errorf("scan record:\n got %s\nwant %s", got.scan, want.scan)
	}
	if len(got.findings) != len(want.findings) {
		t.Errorf("%d findings stored, one process stored %d", len(got.findings), len(want.findings))
	}
	n := 0
	for id, f := range want.findings {
		if got.findings[id] != f && n < 10 {
			t.Errorf("finding %s:\n got %s\nwant %s", id, got.findings[id], f)
			n++
		}
	}
	for id, f := range got.findings {
		if _, ok := want.findings[id]; !ok && n < 10 {
			t.Errorf("finding only the queue stored: %s", f)
			n++
		}
	}
	if !strings.Contains(want.scan, denied) || !strings.Contains(got.scan, "not_assessed") {
		t.Errorf("the scan does not say %s was not assessed: %s", denied, got.scan)
	}
}

// stored is what a store keeps of a scan, as JSON to compare.
type stored struct {
	scan     string
	findings map[string]string
}

func storedScan(ctx context.Context, t *testing.T, st store.Store, id string) stored {
	t.Helper()
	sc, err := st.Scan(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Status != store.Complete {
		t.Fatalf("scan %s is %s", id, sc.Status)
	}
	// What depends on the run, not the organization: when it finished,
	// how long it took, how many calls, who ran it.
	sc.Finished, sc.Stats, sc.By, sc.Parts, sc.Reported = time.Time{}, report.Stats{}, "", 0, 0
	b, _ := json.Marshal(sc)
	fs, _, err := st.Findings(ctx, store.Filter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	out := stored{scan: string(b), findings: map[string]string{}}
	for _, f := range fs {
		b, _ := json.Marshal(f)
		out.findings[f.ID] = string(b)
	}
	return out
}

func createQueue(ctx context.Context, t *testing.T, q *sqsapi.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := q.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl)
}

func queueARN(ctx context.Context, t *testing.T, q *sqsapi.Client, url string) string {
	t.Helper()
	out, err := q.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes["QueueArn"]
}

func queueCount(ctx context.Context, t *testing.T, q *sqsapi.Client, url string) int {
	t.Helper()
	out, err := q.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(out.Attributes["ApproximateNumberOfMessages"], &n)
	return n
}

// waitFor polls cond for up to two minutes (a loaded machine).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)
