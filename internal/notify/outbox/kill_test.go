package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// envKill tells the test binary it is the child of TestKillMidDelivery:
// "<db>|<config>". The child delivers the outbox and is killed (SIGKILL)
// while the receiver holds its third request.
const envKill = "GUARDRAIL_OUTBOX_KILL"

// TestKillMidDelivery kills the sending process while a receiver holds
// a delivery it has taken: after a restart (the lease expired) every
// notification is delivered, none is lost, and the only repeat is the
// delivery the process died in, with the same delivery ID, which the
// receiver drops.
func TestKillMidDelivery(t *testing.T) {
	if spec := os.Getenv(envKill); spec != "" {
		killChild(t, spec)
		return
	}
	c := newClock()
	r := newReceiver(t, c, "")
	hold := make(chan struct{})
	held := make(chan struct{})
	r.answer = func(path string, n int, w http.ResponseWriter) int {
		if n == 2 {
			close(held)
			<-hold // the child is killed meanwhile
		}
		return http.StatusOK
	}
	yaml := `
destinations:
  - name: hook
    type: webhook
    url: ` + r.url + `/hook
routes:
  - match: {}
    to: [hook]
`
	f := newFixture(t, c, yaml, nil)
	failing := map[string]bool{}
	for i := 0; i < 6; i++ {
		failing[fmt.Sprint("i-", i)] = true
	}
	f.scan(instances("s1", storetest.Now(), failing, nil))
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	db := f.dbPath
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidDelivery$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKill+"="+db+"|"+cfgPath)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(time.Minute): // bounds a hang: the child never got to its third delivery
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the child did not deliver three notifications")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(hold)

	// Restarted after the lease ran out.
	c.Wait(context.Background(), 3*time.Minute)
	f.drain()
	byID := map[string]int{}
	events := map[string]bool{}
	for _, q := range r.got("/hook") {
		byID[q.Delivery]++
		events[q.Payload.Events[0].Key()] = true
	}
	if len(byID) != 6 || len(events) != 6 {
		t.Fatalf("the receiver got %d delivery IDs for %d events, want 6 of each", len(byID), len(events))
	}
	repeats := 0
	for id, n := range byID {
		if n > 1 {
			repeats++
			if n != 2 {
				t.Errorf("delivery %s came %d times", id, n)
			}
		}
	}
	if repeats != 1 {
		t.Errorf("%d deliveries were repeated, want exactly the one the process died in", repeats)
	}
	rows, err := f.st.Outbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row.Status != store.OutboxSent {
			t.Errorf("row %d is %s after the restart", row.ID, row.Status)
		}
	}
}

func killChild(t *testing.T, spec string) {
	db, cfgPath, _ := strings.Cut(spec, "|")
	ctx := context.Background()
	cfg, err := notify.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenWith(ctx, db, store.Options{Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	s, err := notify.NewSender(cfg, notify.Options{Clock: storetest.Now, HTTP: &http.Client{Timeout: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := outbox.New(outbox.Options{Store: st, Sender: s, Now: storetest.Now, Lease: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	d.Drain(ctx, 0)
	t.Fatal("not killed")
}
