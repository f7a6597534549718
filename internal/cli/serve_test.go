package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// lockedBuffer is a buffer a command writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serving runs args until the dashboard says where it is, and returns
// its URL; the command stops when the test ends.
func serving(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, args, &out, &errb) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("%s: exit %d\n%s", args[0], code, errb.String())
		}
	})
	at := regexp.MustCompile(`Dashboard at (http://[0-9.:]+)/`)
	for range 600 {
		if m := at.FindStringSubmatch(out.String()); m != nil {
			return m[1], &errb
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("%s exited %d before serving\n%s\n%s", args[0], code, out.String(), errb.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("%s: no dashboard after a minute\n%s\n%s", args[0], out.String(), errb.String())
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeAWSAccess: 'serve' calls AWS only with --aws (with the global
// AWS flags), and the demo's dashboard has the simulator's access, so
// its Plan works.
func TestServeAWSAccess(t *testing.T) {
	if testing.Short() {
		t.Skip("serves the dashboard")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"serve", "--role", "Auditor", "--addr", "127.0.0.1:0", "--db", db}, &out, &errb); code != ExitUsage ||
		!strings.Contains(errb.String(), "--role goes with --aws") {
		t.Errorf("serve --role without --aws: exit %d %s", code, errb.String())
	}

	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	mgmt := w.Org.ManagementAccount
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey(mgmt))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret(mgmt))

	t.Run("read-only by default", func(t *testing.T) {
		url, errb := serving(t, "serve", "--addr", "127.0.0.1:0", "--db", db, "--endpoint-url", sim.URL, "--region", "us-east-1")
		if code, body := get(t, url+"/remediation"); code != 200 || !strings.Contains(body, "No remediation run yet") {
			t.Errorf("/remediation: %d %.300s", code, body)
		}
		if strings.Contains(errb.String(), "rolls runs back as") {
			t.Errorf("serve without --aws announced AWS access: %s", errb.String())
		}
	})
	t.Run("--aws", func(t *testing.T) {
		_, errb := serving(t, "serve", "--aws", "--addr", "127.0.0.1:0", "--db", db, "--endpoint-url", sim.URL, "--region", "us-east-1")
		if want := "the dashboard plans remediations and rolls runs back as arn:aws:iam::" + mgmt; !strings.Contains(errb.String(), want) {
			t.Errorf("serve --aws: no %q in %s", want, errb.String())
		}
	})
	t.Run("--aws with unknown credentials", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
		var out, errb bytes.Buffer
		// Were the credentials taken, it would serve until this ends.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		code := Main(ctx, []string{"serve", "--aws", "--addr", "127.0.0.1:0", "--db", db, "--endpoint-url", sim.URL, "--region", "us-east-1"}, &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), "--aws: the AWS credentials do not work") || strings.Contains(out.String(), "Dashboard at") {
			t.Errorf("serve --aws with unknown credentials: exit %d %s %s", code, out.String(), errb.String())
		}
	})
	t.Run("demo", func(t *testing.T) {
		url, _ := serving(t, "demo", "-q", "--addr", "127.0.0.1:0", "--dashboard-addr", "127.0.0.1:0", "--db", filepath.Join(dir, "demo.db"),
			"--now", "2026-06-01", "--controls", "EC2.8", "--include", "444444444401", "--regions", "us-east-1")
		code, body := get(t, url+"/api/findings?control=EC2.8")
		var page struct {
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(body), &page); code != 200 || err != nil || len(page.Findings) == 0 {
			t.Fatalf("demo findings: %d %v %.300s", code, err, body)
		}
		code, body = get(t, url+"/api/findings/"+page.Findings[0].ID+"/remediation/plan")
		if code != 200 || !strings.Contains(body, `"action": "change"`) || !strings.Contains(body, `"http_tokens"`) {
			t.Errorf("demo plan: %d %.800s", code, body)
		}
	})
}
