package watch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

const (
	logBucket = "org-trail-logs"
	orgID     = "o-abcdefghij"
)

// logKey is where CloudTrail delivers a log file of account's region at
// t, in the organization trail's layout.
func logKey(account, region string, t time.Time, unique string) string {
	return fmt.Sprintf("AWSLogs/%s/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz", orgID, account, region,
		t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), unique)
}

// trailBucket makes the log bucket in the simulator and returns a client
// and the configuration that reads it.
func trailBucket(t *testing.T, s *simtest.Sim) (*s3api.Client, aws.Config) {
	t.Helper()
	cfg := s.Config(t, simtest.Management, use1)
	c := s3api.NewFromConfig(cfg)
	if _, err := c.CreateBucket(context.Background(), &s3api.CreateBucketInput{Bucket: aws.String(logBucket)}); err != nil {
		t.Fatal(err)
	}
	return c, cfg
}

func put(t testing.TB, c *s3api.Client, key string, body []byte) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3api.PutObjectInput{Bucket: aws.String(logBucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

// runUntil runs e until cond holds (or a minute passes), then stops it
// and returns Run's error.
func runUntil(t *testing.T, e *Engine, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestBucketSource reads a trail bucket through the simulator's S3: each
// new log file once, from the checkpoint of its (account, region), a
// file that appears late behind the checkpoint included; a first run
// starts Since before now; a restart reads only what is new.
func TestBucketSource(t *testing.T) {
	s := simtest.Start(t, nil)
	c, cfg := trailBucket(t, s)
	st, _ := openStore(t)
	now := simtest.Now                                                                                                  // 12:00
	put(t, c, logKey(acctA, euw1, now.Add(-time.Hour), "old"), gz(logJSON(evDenied)))                                   // before Since: not read
	put(t, c, logKey(acctA, euw1, now.Add(-10*time.Minute), "a1"), gz(logJSON(evSSH, evRead)))                          // 11:50
	put(t, c, logKey(acctB, use1, now.Add(-9*time.Minute), "b1"), gz(logJSON(evStop)))                                  // 11:51
	put(t, c, logKey(acctA, use1, now.Add(-8*time.Minute), "a2"), gz(logJSON(evRoot)))                                  // 11:52
	put(t, c, "AWSLogs/"+orgID+"/"+acctA+"/CloudTrail-Digest/eu-west-1/2026/06/01/digest.json.gz", []byte("not a log")) // not a log file
	cut := gz(logJSON(evTag, evTag, evTag))
	put(t, c, logKey(acctB, euw1, now.Add(-7*time.Minute), "bad"), cut[:len(cut)/2])

	src := func() *BucketSource {
		return &BucketSource{Config: cfg, Store: st, Bucket: logBucket, Interval: 5 * time.Millisecond, Now: clock.Fixed(now)}
	}
	e, err := New(Options{Store: st, Rules: mustRules(t), Source: src()})
	if err != nil {
		t.Fatal(err)
	}
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 4 })
	want := expect("ev-ssh", "ev-stop", "ev-root")
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cp, _ := st.Checkpoints(context.Background(), "bucket:"+logBucket+"/")
	if k := "AWSLogs/" + orgID + "/" + acctA + "/CloudTrail/" + euw1 + "/"; cp[k] != logKey(acctA, euw1, now.Add(-10*time.Minute), "a1") || len(cp) != 4 {
		t.Errorf("checkpoints %v", cp)
	}
	errs, _ := st.WatchErrors(context.Background(), 0)
	if len(errs) == 0 || !strings.HasPrefix(errs[len(errs)-1].Origin, "s3://"+logBucket+"/AWSLogs/") {
		t.Errorf("the truncated file's errors: %+v", errs)
	}

	// New files: one after the checkpoint, one behind it (delivered late,
	// same minute as a1, within Lookback), and one already read.
	put(t, c, logKey(acctA, euw1, now.Add(-5*time.Minute), "a3"), gz(logJSON(evPolicy)))
	late := evSSH
	late.id = "ev-late"
	put(t, c, logKey(acctA, euw1, now.Add(-10*time.Minute), "a0"), gz(logJSON(late)))
	e, _ = New(Options{Store: st, Rules: mustRules(t), Source: src()})
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 2 })
	time.Sleep(50 * time.Millisecond) // a few more listings
	want = append(want, expect("ev-policy")...)
	for _, a := range expect("ev-ssh") {
		want = append(want, strings.Replace(a, "ev-ssh", "ev-late", 1))
	}
	sort.Strings(want)
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts after the restart:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := e.Stats().Events.Load(); n != 2 {
		t.Errorf("the restart read %d events, want the 2 of the new files only", n)
	}
}

const envKill = "GUARDRAIL_WATCH_KILL"

// killCase is a watch killed in the middle of its input: the child
// reads src's input and logs each alert; the parent kills it after some.
type killCase struct {
	name string
	// src makes the source, from the simulator's URL (in the child) or
	// configuration, the store and the queue URL.
	src func(cfg aws.Config, st store.Store, queue string) Source
	// feed puts the 30 events of the test in the source's input.
	feed func(t *testing.T, s *simtest.Sim, cfg aws.Config, events []rec) (queue string)
}

var killCases = map[string]killCase{
	"bucket": {
		src: func(cfg aws.Config, st store.Store, _ string) Source {
			return &BucketSource{Config: cfg, Store: st, Bucket: logBucket, Interval: 5 * time.Millisecond, Now: clock.Fixed(simtest.Now)}
		},
		feed: func(t *testing.T, s *simtest.Sim, _ aws.Config, events []rec) string {
			c, _ := trailBucket(t, s)
			for i, ev := range events {
				put(t, c, logKey(acctB, use1, ev.at, fmt.Sprintf("k%02d", i)), gz(logJSON(ev, evRead)))
			}
			return ""
		},
	},
	"sqs": {
		src: func(cfg aws.Config, _ store.Store, queue string) Source {
			s := NewSQSSource(sqsapi.NewFromConfig(cfg), queue, cfg)
			s.Wait, s.Visibility = time.Second, 2*time.Second
			return s
		},
		feed: func(t *testing.T, s *simtest.Sim, cfg aws.Config, events []rec) string {
			c := sqsapi.NewFromConfig(cfg)
			q, err := c.CreateQueue(context.Background(), &sqsapi.CreateQueueInput{QueueName: aws.String("kill")})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range events {
				if _, err := c.SendMessage(context.Background(), &sqsapi.SendMessageInput{QueueUrl: q.QueueUrl,
					MessageBody: aws.String(eventBridge(ev, "AWS API Call via CloudTrail"))}); err != nil {
					t.Fatal(err)
				}
			}
			return aws.ToString(q.QueueUrl)
		},
	},
}

// TestKillMid kills (SIGKILL) a watch in the middle of its input, read
// from a trail bucket or an SQS queue, at the worst moment: a batch's
// alerts and checkpoint are committed and the source is not told yet
// (the messages not deleted). A restart (from the store's checkpoints,
// or the messages coming back) stores every alert, none twice.
func TestKillMid(t *testing.T) {
	if spec := os.Getenv(envKill); spec != "" {
		killChild(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	for _, kind := range []string{"bucket", "sqs"} {
		t.Run(kind, func(t *testing.T) {
			kc := killCases[kind]
			s := simtest.Start(t, nil)
			cfg := s.Config(t, simtest.Management, use1)
			st, dsn := openStore(t)
			var events []rec
			var want []string
			for i := range 30 {
				ev := evStop
				ev.id = fmt.Sprintf("ev-%02d", i)
				ev.at = simtest.Now.Add(-14*time.Minute + time.Duration(i)*20*time.Second)
				events = append(events, ev)
				for _, a := range expect("ev-stop") {
					want = append(want, strings.Replace(a, "ev-stop", ev.id, 1))
				}
			}
			sort.Strings(want)
			queue := kc.feed(t, s, cfg, events)
			s.SetFaults(sim.Faults{Latency: sim.Latency{Min: sim.Duration(5 * time.Millisecond), Max: sim.Duration(10 * time.Millisecond)}})

			cmd := exec.Command(os.Args[0], "-test.run=^TestKillMid$", "-test.count=1")
			cmd.Env = append(os.Environ(), envKill+"="+strings.Join([]string{kind, s.URL, dsn, queue}, "|"))
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			killer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
			defer killer.Stop()
			killed := false
			for lines := bufio.NewScanner(out); lines.Scan(); {
				if strings.Contains(lines.Text(), "stalled after a commit") {
					cmd.Process.Kill()
					killed = true
					break
				}
			}
			cmd.Wait()
			if !killed {
				t.Fatal("the child ended before it was killed")
			}
			s.SetFaults(sim.Faults{})
			if n := len(alertsOf(t, st)); n == 0 || n >= len(want) {
				t.Fatalf("%d alerts stored by the killed watch, want some, not all", n)
			}
			e, _ := New(Options{Store: st, Rules: mustRules(t), Source: kc.src(cfg, st, queue)})
			runUntil(t, e, func() bool {
				return len(alertsOf(t, st)) >= len(want) && (queue == "" || queueEmpty(t, cfg, queue))
			})
			if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
				t.Errorf("alerts after the restart:\n%s", strings.Join(got, "\n"))
			}
			// The messages of the batch committed but not deleted came
			// back, and their alerts were not stored again.
			if queue != "" && e.Stats().Duplicates.Load() == 0 {
				t.Error("the restart met no alert stored already: the stalled batch did not come back")
			}
		})
	}
}

// killChild is the child's side: watch the parent's source into the
// parent's store, logging each alert on stdout, until killed.
func killChild(t *testing.T, spec string) {
	parts := strings.Split(spec, "|")
	kind, url, dsn, queue := parts[0], parts[1], parts[2], parts[3]
	ctx := context.Background()
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: use1, EndpointURL: url,
		AccessKeyID: world.RootKey(simtest.Management), SecretAccessKey: world.RootSecret(simtest.Management)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Store: st, Rules: mustRules(t), Log: slog.New(slog.NewJSONHandler(os.Stdout, nil)),
		Source: &stall{Source: killCases[kind].src(cfg, st, queue), after: 2}})
	if err != nil {
		t.Fatal(err)
	}
	e.Run(ctx)
}

// stall is a source whose after-th batch, once committed, never tells
// its source: the process stalls there, to be killed.
type stall struct {
	Source
	after, n int
}

func (s *stall) Next(ctx context.Context) (*Batch, error) {
	b, err := s.Source.Next(ctx)
	if b == nil || err != nil {
		return b, err
	}
	if s.n++; s.n == s.after {
		b.Done = func(context.Context, bool) error {
			fmt.Println("stalled after a commit")
			os.Stdout.Sync()
			select {}
		}
	}
	return b, nil
}

// queueEmpty reports whether the queue holds no message, visible or not.
func queueEmpty(t *testing.T, cfg aws.Config, queue string) bool {
	out, err := sqsapi.NewFromConfig(cfg).GetQueueAttributes(context.Background(), &sqsapi.GetQueueAttributesInput{QueueUrl: aws.String(queue),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Error(err)
		return true
	}
	return out.Attributes["ApproximateNumberOfMessages"] == "0" && out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
}

// TestBucketUnreadableFile: a log file that cannot be read (here every
// GetObject is denied) is tried a few times, then reported and skipped:
// it does not stop the watch.
func TestBucketUnreadableFile(t *testing.T) {
	s := simtest.Start(t, nil)
	c, cfg := trailBucket(t, s)
	st, _ := openStore(t)
	key := logKey(acctA, euw1, simtest.Now.Add(-10*time.Minute), "denied")
	put(t, c, key, gz(logJSON(evSSH)))
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Service: "s3", Action: "GetObject"}}})
	m := NewMetrics(nil)
	e, _ := New(Options{Store: st, Rules: mustRules(t), Metrics: m, Backoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Source: &BucketSource{Config: cfg, Store: st, Bucket: logBucket, Interval: 5 * time.Millisecond, Now: clock.Fixed(simtest.Now)}})
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 1 })
	errs, _ := st.WatchErrors(context.Background(), 0)
	if len(errs) != 1 || errs[0].Kind != ErrKindRead || errs[0].Origin != "s3://"+logBucket+"/"+key || !strings.Contains(errs[0].Message, "skipped after 5 attempts") {
		t.Errorf("errors %+v", errs)
	}
	if got := m.Value(`guardrail_watch_errors_total{kind="source"}`); got != 4 {
		t.Errorf("%v source errors counted, want 4 (the fifth attempt skips the file)", got)
	}
	if seen, _ := st.Seen(context.Background(), []string{"file:s3://" + logBucket + "/" + key}); len(seen) != 1 {
		t.Error("the skipped file is not marked read: a restart would try it again")
	}
}
