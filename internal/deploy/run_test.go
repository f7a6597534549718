package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/cli"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/deploy"
	"github.com/guardrail-sec/guardrail/internal/deploy/cfn"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// container is a task definition's container, read back from tooling.json.
func container(t *testing.T, tpl *cfn.Template, id string) cfn.ContainerDefinition {
	t.Helper()
	r, ok := tpl.Resources[id]
	if !ok {
		t.Fatalf("no %s in tooling.json", id)
	}
	return r.Properties.(*cfn.TaskDefinition).ContainerDefinitions[0]
}

// resolve evaluates a value of the template with the test's stand-ins
// for what only the stack knows (the database's endpoint, the queue's
// URL, the region); a name without a stand-in fails the test.
func resolve(t *testing.T, s cfn.Str, vals map[string]string) string {
	t.Helper()
	look := func(name string) string {
		v, ok := vals[name]
		if !ok {
			t.Fatalf("no stand-in for %s", name)
		}
		return v
	}
	switch {
	case s.Ref != "":
		return look(s.Ref)
	case s.GetAtt != nil:
		return look(s.GetAtt[0] + "." + s.GetAtt[1])
	case s.Sub != nil:
		out := s.Sub.Format
		for _, n := range cfn.SubNames(s.Sub.Format) {
			out = strings.ReplaceAll(out, "${"+n+"}", look(n))
		}
		return out
	case s.Join != nil:
		t.Fatalf("Fn::Join in a command or environment: %+v", s)
	}
	return s.Lit
}

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

// TestTaskCommands runs the commands of the tooling template's task
// definitions (command and environment, as ECS would start them) against
// the simulator's demo organization and a PostgreSQL store: the scan
// stores a complete scan, the dashboard serves it and stops cleanly, the
// watch reads the queue and stops cleanly.
//
// What differs from ECS, and why: the PG* variables that name the RDS
// instance (host, port: Fn::GetAtt) point at the test's PostgreSQL; its
// database, TLS and schema (PGDATABASE, PGSSLMODE, PGSSLROOTCERT,
// PGOPTIONS) are the test cluster's, which has no TLS; the secrets ECS
// injects (PGPASSWORD, GUARDRAIL_DASHBOARD_TOKEN) are the test's; AWS
// credentials are the simulator's management account's (ECS: the task
// role), and the dashboard listens on 127.0.0.1:0 instead of
// 0.0.0.0:8080 (tests use loopback only). Everything else, every
// argument and variable, is the template's.
func TestTaskCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	dsn := storetest.Postgres(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	mgmt := w.Org.ManagementAccount
	ctx := context.Background()

	// The user's parameters: the demo organization's role, and two of
	// its regions.
	base, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	params := filepath.Join(dir, "params.yaml")
	text := strings.Replace(string(base), "regions: [us-east-1]", "regions: [us-east-1, eu-west-1]\nread_role: OrganizationAccountAccessRole", 1)
	if err := os.WriteFile(params, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if code := cli.Main(ctx, []string{"deploy", "template", "--params", params, "--out", out}, &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("deploy template: exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "tooling.json"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Parse(data)
	if err != nil {
		t.Fatal(err)
	}

	// The queue the stack's rule would feed.
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: sim.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	sqs := sqsapi.NewFromConfig(cfg)
	q, err := sqs.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("guardrail-events")})
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{
		"Database.Endpoint.Address": u.Query().Get("host"),
		"Database.Endpoint.Port":    "5432",
		"AWS::Region":               "us-east-1",
		"EventsQueue.QueueUrl":      aws.ToString(q.QueueUrl),
	}
	test := map[string]string{ // the test cluster's, for the template's
		"PGDATABASE": strings.TrimPrefix(u.Path, "/"), "PGSSLMODE": "disable", "PGSSLROOTCERT": "",
	}
	token := "deploy-test-token-0123456789abcdef"
	secrets := map[string]string{"PGPASSWORD": "", "GUARDRAIL_DASHBOARD_TOKEN": token}
	env := func(t *testing.T, c cfn.ContainerDefinition) {
		t.Helper()
		for _, kv := range c.Environment {
			v := resolve(t, kv.Value, vals)
			if tv, ok := test[kv.Name]; ok {
				v = tv
			}
			t.Setenv(kv.Name, v)
		}
		for _, s := range c.Secrets {
			v, ok := secrets[s.Name]
			if !ok {
				t.Fatalf("secret %s: no stand-in", s.Name)
			}
			t.Setenv(s.Name, v)
		}
		t.Setenv("PGOPTIONS", "-c search_path="+u.Query().Get("search_path"))
		t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
		t.Setenv("AWS_ENDPOINT_URL", sim.URL)
		t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey(mgmt))
		t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret(mgmt))
	}
	command := func(t *testing.T, c cfn.ContainerDefinition) []string {
		var args []string
		for _, a := range c.Command {
			args = append(args, resolve(t, a, vals))
		}
		return args
	}
	openStore := func(t *testing.T) store.Store {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}

	t.Run("scan", func(t *testing.T) {
		c := container(t, tpl, deploy.ScanTask)
		env(t, c)
		args := command(t, c)
		var o, e bytes.Buffer
		if code := cli.Main(ctx, args, &o, &e); code != cli.ExitOK {
			t.Fatalf("%q: exit %d\n%s", args, code, e.String())
		}
		scans, err := openStore(t).Scans(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(scans) != 1 || scans[0].Status != store.Complete {
			t.Fatalf("scans stored: %+v", scans)
		}
	})

	t.Run("serve", func(t *testing.T) {
		c := container(t, tpl, deploy.ServeTask)
		env(t, c)
		args := command(t, c)
		for i, a := range args {
			if a == "--addr" {
				if args[i+1] != "0.0.0.0:8080" {
					t.Fatalf("--addr %s", args[i+1])
				}
				args[i+1] = "127.0.0.1:0"
			}
		}
		runCtx, cancel := context.WithCancel(ctx)
		var o, e lockedBuffer
		done := make(chan int, 1)
		go func() { done <- cli.Main(runCtx, args, &o, &e) }()
		at := regexp.MustCompile(`Dashboard at (http://[0-9.:]+)/`)
		var base string
		for i := 0; base == "" && i < 600; i++ {
			if m := at.FindStringSubmatch(o.String()); m != nil {
				base = m[1]
				break
			}
			select {
			case code := <-done:
				cancel()
				t.Fatalf("%q exited %d before serving\n%s", args, code, e.String())
			case <-time.After(100 * time.Millisecond):
			}
		}
		if base == "" {
			cancel()
			t.Fatalf("no dashboard after a minute: %s", e.String())
		}
		get := func(path string, auth bool) (int, string) {
			req, _ := http.NewRequest("GET", base+path, nil)
			if auth {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			cl := &http.Client{Timeout: 30 * time.Second}
			resp, err := cl.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, _ := get("/healthz", false); code != 200 {
			t.Errorf("/healthz: %d", code)
		}
		if code, _ := get("/api/summary", false); code != 401 {
			t.Errorf("/api/summary without the token: %d, want 401", code)
		}
		if code, body := get("/api/summary", true); code != 200 || !strings.Contains(body, `"overall"`) {
			t.Errorf("/api/summary: %d %.200s", code, body)
		}
		cancel()
		select {
		case code := <-done:
			if code != cli.ExitOK {
				t.Errorf("serve stopped with exit %d\n%s", code, e.String())
			}
		case <-time.After(time.Minute):
			t.Fatal("serve did not stop within a minute of its context's end")
		}
	})

	t.Run("watch", func(t *testing.T) {
		c := container(t, tpl, deploy.WatchTask)
		env(t, c)
		args := command(t, c)
		body := `{"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"444444444401","time":"2026-06-01T12:00:00Z","region":"us-east-1","resources":[],` +
			`"detail":{"eventVersion":"1.08","eventTime":"2026-06-01T12:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"444444444401",` +
			`"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::444444444401:assumed-role/admin/alice","accountId":"444444444401"},"requestParameters":{"name":"org-trail"}}}`
		if _, err := sqs.SendMessage(ctx, &sqsapi.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		var o, e lockedBuffer
		done := make(chan int, 1)
		go func() { done <- cli.Main(runCtx, args, &o, &e) }()
		// The watch deletes a message once its alerts are stored.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			a, err := sqs.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
				AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			if a.Attributes["ApproximateNumberOfMessages"] == "0" && a.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0" {
				break
			}
			select {
			case code := <-done:
				cancel()
				t.Fatalf("%q exited %d\n%s", args, code, e.String())
			case <-time.After(200 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("the watch did not take the message in 2 minutes\n%s", e.String())
			}
		}
		cancel()
		select {
		case code := <-done:
			if code != cli.ExitOK {
				t.Errorf("watch stopped with exit %d\n%s", code, e.String())
			}
		case <-time.After(time.Minute):
			t.Fatal("watch did not stop within a minute of its context's end")
		}
		fmt.Fprint(io.Discard, o.String())
	})
}
