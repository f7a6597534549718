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

// TestKillMidBucket kills (SIGKILL) a watch reading a trail bucket in the
// middle of its files; a restart from the store's checkpoints stores
// every alert, none twice.
func TestKillMidBucket(t *testing.T) {
	if spec := os.Getenv(envKill); spec != "" {
		killChild(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	s := simtest.Start(t, nil)
	c, cfg := trailBucket(t, s)
	st, dsn := openStore(t)
	now := simtest.Now
	var want []string
	for i := range 30 {
		ev := evStop
		ev.id = fmt.Sprintf("ev-%02d", i)
		ev.at = now.Add(-14*time.Minute + time.Duration(i)*20*time.Second)
		put(t, c, logKey(acctB, use1, ev.at, fmt.Sprintf("k%02d", i)), gz(logJSON(ev, evRead)))
		for _, a := range expect("ev-stop") {
			want = append(want, strings.Replace(a, "ev-stop", ev.id, 1))
		}
	}
	sort.Strings(want)
	s.SetFaults(sim.Faults{Latency: sim.Latency{Min: sim.Duration(5 * time.Millisecond), Max: sim.Duration(10 * time.Millisecond)}})

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidBucket$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKill+"="+s.URL+"|"+dsn)
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
	alerts, killed := 0, false
	for lines := bufio.NewScanner(out); lines.Scan(); {
		if strings.Contains(lines.Text(), `"msg":"alert"`) {
			if alerts++; alerts == 10 {
				cmd.Process.Kill()
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child ended before it was killed")
	}
	s.SetFaults(sim.Faults{})
	if n := len(alertsOf(t, st)); n < 10 || n >= len(want) {
		t.Fatalf("%d alerts stored by the killed watch, want at least the 10 it logged and not all", n)
	}
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: &BucketSource{Config: cfg, Store: st, Bucket: logBucket, Interval: 5 * time.Millisecond, Now: clock.Fixed(now)}})
	runUntil(t, e, func() bool { return len(alertsOf(t, st)) >= len(want) })
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts after the restart:\n%s", strings.Join(got, "\n"))
	}
}

// killChild is the child's side: watch the parent's bucket into the
// parent's store, logging each alert on stdout, until killed.
func killChild(t *testing.T, spec string) {
	url, dsn, _ := strings.Cut(spec, "|")
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
		Source: &BucketSource{Config: cfg, Store: st, Bucket: logBucket, Interval: 5 * time.Millisecond, Now: clock.Fixed(simtest.Now)}})
	if err != nil {
		t.Fatal(err)
	}
	e.Run(ctx)
}
