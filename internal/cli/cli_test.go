package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// storeMain runs the tests, then stops the PostgreSQL cluster that
// storetest.Postgres may have started.
type storeMain struct{ m *testing.M }

func (s storeMain) Run() int { return storetest.Main(s.m) }

func TestMain(m *testing.M) {
	testscript.Main(storeMain{m}, map[string]func(){
		// As cmd/guardrail: SIGINT and SIGTERM end the context.
		"guardrail": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the end-to-end command scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			// Never read the developer's real AWS setup.
			e.Setenv("AWS_CONFIG_FILE", filepath.Join(e.WorkDir, "no-aws-config"))
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(e.WorkDir, "no-aws-credentials"))
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			// A date a year from today, for commands that judge dates on
			// the real clock (findings suppress --until): a fixed date
			// would turn into the past one day. Never compared.
			e.Setenv("NEXT_YEAR", time.Now().AddDate(1, 0, 0).Format(time.DateOnly))
			return nil
		},
	})
}

// TestExitCodes runs every command with bad input: each must fail with
// the code the README's table gives (2 for usage and configuration
// errors), say what is wrong on stderr, and do nothing. Every command of
// the tree must have a usage-error row: a new command adds one.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // nothing listens: a row that reached AWS would fail with 3
	t.Setenv("GUARDRAIL_DASHBOARD_TOKEN", "")
	db := filepath.Join(dir, "g.db")
	badRules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(badRules, []byte("rules:\n  - name: r\n    criteria: {control: [EC2.999]}\n    actions: {note: n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	badIntents := filepath.Join(dir, "intents.yaml")
	brokenSCP := filepath.Join(dir, "scp.json")
	if err := os.WriteFile(badIntents, []byte("targets:\n  - target: ou:Workloads\n    allowed_regions: [mars-1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPlan := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(badPlan, []byte("{\n  \"format_version\": \"1.2\",\n  oops\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(brokenSCP, []byte(`{"Statement": [{"Effect": "Deny" "Action": "*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	hookNotify := filepath.Join(dir, "hook.yaml")
	if err := os.WriteFile(hookNotify, []byte("destinations:\n  - name: hook\n    type: webhook\n    url: http://127.0.0.1:1/hook\nroutes:\n  - match: {}\n    to: [hook]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badNotify := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(badNotify, []byte("destinations:\n  - {name: hook, type: webhook, url: 'http://127.0.0.1:1/'}\nroutes:\n  - {match: {severity: SEVERE}, to: [hook]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory that already holds templates: not overwritten without --force.
	deployed := filepath.Join(dir, "deployed")
	if err := os.MkdirAll(deployed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deployed, "tooling.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		args   []string
		code   int
		stderr string
		stdout string // must not appear on stdout
	}{
		{[]string{"version"}, ExitOK, "", ""},
		{[]string{"version", "extra"}, ExitUsage, `unknown command "extra" for "guardrail version"`, ""},
		{[]string{"no-such-command"}, ExitUsage, `unknown command "no-such-command" for "guardrail"`, ""},
		{[]string{"--no-such-flag"}, ExitUsage, "unknown flag: --no-such-flag", ""},
		{[]string{"scan", "--format", "yaml"}, ExitUsage, `--format "yaml": want one of`, ""},
		{[]string{"scan", "--standard", "nist"}, ExitUsage, `--standard "nist": want one of cis-1.2, cis-1.4, cis-3.0, cis-4.0, cis-5.0, fsbp, wa-sec`, ""},
		{[]string{"scan", "--rules", badRules}, ExitUsage, `rules.yaml:3:26: rules[0].criteria.control[0]: no control "EC2.999"`, ""},
		{[]string{"scan", "--db", "host=db user=alice password=s3cret"}, ExitUsage, "a libpq keyword/value string is not supported", ""},
		{[]string{"scan", "--db", "mysql://alice:s3cret@db/guardrail"}, ExitUsage, `scheme "mysql" is not supported`, ""},
		{[]string{"scan", "--shard", "1/3"}, ExitUsage, "--shard needs --scan-id", ""},
		{[]string{"scan", "--shard", "4/3", "--scan-id", "nightly"}, ExitUsage, `--shard: shard "4/3": the index must be between 1 and 3`, ""},
		{[]string{"scan", "--shard", "1/3", "--scan-id", "nightly", "--no-store"}, ExitUsage, "it cannot go with --no-store", ""},
		{[]string{"baseline", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail baseline"`, ""},
		{[]string{"baseline", "plan", "--items", "bogus"}, ExitUsage, `--items: unknown item "bogus"`, ""},
		{[]string{"baseline", "apply", "--yes", "--run", "nope", "--db", db}, ExitUsage, `--run "nope": no unfinished apply run of that name (see 'guardrail baseline runs --db `, ""},
		{[]string{"baseline", "apply", "--run", "a", "--resume", "--db", db}, ExitUsage, "--run and --resume", ""},
		{[]string{"baseline", "status", "--format", "yaml"}, ExitUsage, `--format "yaml"`, ""},
		{[]string{"baseline", "rollback", "--yes", "--run", "nope", "--db", db}, ExitUsage, `--run "nope": no apply run of that name`, ""},
		{[]string{"baseline", "runs", "nope", "--db", db}, ExitUsage, `no baseline run "nope"`, ""},
		{[]string{"baseline", "spec", "extra"}, ExitUsage, "unknown command", ""},
		{[]string{"remediate", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail remediate"`, ""},
		{[]string{"remediate", "plan", "--db", db}, ExitUsage, "say what to fix: --controls (one of ", ""},
		{[]string{"remediate", "plan", "--controls", "EC2.999", "--db", db}, ExitUsage, "unknown control EC2.999", ""},
		{[]string{"remediate", "plan", "--controls", "GuardDuty.1", "--db", db}, ExitUsage, "no playbook for GuardDuty.1; the controls with a playbook are", ""},
		{[]string{"remediate", "plan", "--controls", "EC2.8", "--param", "x", "--db", db}, ExitUsage, `--param "x": want name=value`, ""},
		{[]string{"remediate", "plan", "--controls", "EC2.8", "--canary", "0", "--db", db}, ExitUsage, `--canary "0": at least one account`, ""},
		{[]string{"remediate", "plan", "--controls", "EC2.8", "--db", db}, ExitUsage, "no complete scan in the store", ""},
		{[]string{"remediate", "apply", "--controls", "EC2.8", "--db", db}, ExitUsage, "pass --yes", ""},
		{[]string{"remediate", "rollback", "--yes", "--run", "nope", "--db", db}, ExitUsage, `--run "nope": no such remediation run`, ""},
		{[]string{"remediate", "rollback", "--yes", "--db", db}, ExitUsage, "no remediation run has changes left to roll back", ""},
		{[]string{"remediate", "status", "nope", "--db", db}, ExitUsage, `no remediation run "nope"`, ""},
		{[]string{"remediate", "playbooks", "--format", "yaml"}, ExitUsage, `--format "yaml"`, ""},
		{[]string{"iam-policy", "--remediate"}, ExitOK, "", ""},
		{[]string{"demo", "--scenario", "nope", "--no-serve"}, ExitUsage, `--scenario "nope": want imdsv2`, ""},
		{[]string{"findings", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail findings"`, ""},
		{[]string{"findings", "list", "--standard", "nist"}, ExitUsage, `--standard "nist": want one of cis-1.2, cis-1.4, cis-3.0, cis-4.0, cis-5.0, fsbp, wa-sec`, ""},
		{[]string{"findings", "list", "--control", "EC2.999"}, ExitUsage, `--control: no control "EC2.999"`, ""},
		{[]string{"findings", "list", "--account", "4444"}, ExitUsage, `--account: "4444" is not an account ID`, ""},
		{[]string{"findings", "list", "--in-region", "Europe"}, ExitUsage, `--in-region: "Europe" is not a region name`, ""},
		{[]string{"findings", "list", "--status", "OPEN"}, ExitUsage, `--status "OPEN"`, ""},
		{[]string{"findings", "list", "--ou", "Nope", "--db", db}, ExitUsage, `--ou "Nope": the store has no findings yet`, ""},
		{[]string{"findings", "list", "--scan", "nope", "--db", db}, ExitUsage, `--scan "nope": no scan of that ID in the store`, ""},
		{[]string{"findings", "show", "abc"}, ExitUsage, "give at least 8 characters", ""},
		{[]string{"findings", "show"}, ExitUsage, "accepts 1 arg(s), received 0", ""},
		{[]string{"findings", "suppress", "--reason", "x", "--until", "2020-01-01", "--control", "EC2.8"}, ExitUsage, "--until 2020-01-01: the date has passed", ""},
		{[]string{"findings", "suppress", "--reason", "x", "--control", "EC2.8", "--ou", "Nope", "--db", db}, ExitUsage, `--ou "Nope"`, ""},
		{[]string{"findings", "unsuppress", "--control", "EC2.8"}, ExitUsage, "--reason is required", ""},
		{[]string{"findings", "export", "--format", "xml"}, ExitUsage, `--format "xml"`, ""},
		{[]string{"scans", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail scans"`, ""},
		{[]string{"scans", "list", "--format", "yaml"}, ExitUsage, `--format "yaml": want text or json`, ""},
		{[]string{"scans", "show", "nope", "--db", db}, ExitUsage, `no scan "nope" in the store (see 'guardrail scans list --db `, ""},
		{[]string{"scans", "diff", "a"}, ExitUsage, "scans diff takes two scan IDs", ""},
		{[]string{"scans", "diff", "a", "b", "--db", db}, ExitUsage, `no scan "a" in the store`, ""},
		{[]string{"search", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail search"`, ""},
		{[]string{"search", "sg", "--ip", "300.1.2.3"}, ExitUsage, `--ip: "300.1.2.3" is not an IPv4 or IPv6 address or CIDR`, ""},
		{[]string{"search", "sg", "--port", "0"}, ExitUsage, "--ip: give an IP address or CIDR, a port, or both", ""},
		{[]string{"search", "sg", "--port", "22", "--protocol", "gre"}, ExitUsage, `--protocol: "gre"`, ""},
		{[]string{"search", "buckets", "--format", "yaml"}, ExitUsage, `--format "yaml"`, ""},
		{[]string{"search", "buckets", "--account", "444444444499", "--db", db}, ExitUsage, `--account "444444444499": the store has no findings yet`, ""},
		{[]string{"search", "users", "--key-age", "-5"}, ExitUsage, "--key-age: -5 days", ""},
		{[]string{"search", "instances", "--limit", "-1"}, ExitUsage, "--limit: -1: must not be negative", ""},
		{[]string{"org", "--no-such-flag"}, ExitUsage, "unknown flag: --no-such-flag", ""},
		{[]string{"org", "--format", "yaml"}, ExitUsage, `--format "yaml": want text or json`, ""},
		{[]string{"org", "--regions", "Europe"}, ExitUsage, `--regions: "Europe" is not a region name`, ""},
		{[]string{"org", "--concurrency", "0"}, ExitUsage, "--concurrency must be at least 1", ""},
		{[]string{"controls", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail controls"`, ""},
		{[]string{"controls", "list", "--standard", "nist"}, ExitUsage, `--standard "nist": want one of cis-1.2, cis-1.4, cis-3.0, cis-4.0, cis-5.0, fsbp, wa-sec`, ""},
		{[]string{"controls", "list", "--standard", "cis-2.0"}, ExitUsage, `--standard "cis-2.0": want one of cis-1.2`, ""},
		{[]string{"scan", "--standard", "fsbp,wa"}, ExitUsage, `--standard "wa": want one of`, ""},
		{[]string{"iam-policy", "extra"}, ExitUsage, "unknown command", ""},
		{[]string{"watch"}, ExitUsage, "say what to watch: --source sqs:QUEUE_URL, bucket:NAME[/PREFIX] or lookup, or --from FILE...", ""},
		{[]string{"watch", "extra"}, ExitUsage, `unexpected argument "extra": files to replay go after --from`, ""},
		{[]string{"watch", "--source", "kafka:events"}, ExitUsage, `--source "kafka:events": want sqs:QUEUE_URL, bucket:NAME[/PREFIX] or lookup`, ""},
		{[]string{"watch", "--source", "sqs:guardrail-events"}, ExitUsage, `--source "sqs:guardrail-events": not a queue URL`, ""},
		{[]string{"watch", "--source", "bucket:Logs_Bucket"}, ExitUsage, `"Logs_Bucket" is not an S3 bucket name`, ""},
		{[]string{"watch", "--source", "lookup", "--from", missing}, ExitUsage, "--source and --from go apart", ""},
		{[]string{"watch", "--from", missing}, ExitUsage, "--from: stat " + missing, ""},
		{[]string{"watch", "--source", "lookup", "--debounce", "0s"}, ExitUsage, "--debounce must be positive", ""},
		{[]string{"watch", "--source", "lookup", "--metrics-addr", "127.0.0.1:99999"}, ExitUsage, `--metrics-addr "127.0.0.1:99999": the port must be a number`, ""},
		{[]string{"watch", "--source", "lookup", "--controls", "EC2.999"}, ExitUsage, `--controls: no control "EC2.999"`, ""},
		{[]string{"watch", "--source", "lookup", "--regions", "Europe"}, ExitUsage, `--regions: "Europe" is not a region name`, ""},
		{[]string{"watch", "--source", "lookup", "--db", "mysql://alice:s3cret@db/guardrail"}, ExitUsage, `scheme "mysql" is not supported`, ""},
		{[]string{"worker"}, ExitUsage, "say which queue: --queue QUEUE_URL", ""},
		{[]string{"worker", "extra"}, ExitUsage, `unknown command "extra" for "guardrail worker"`, ""},
		{[]string{"worker", "--queue", "guardrail-scan"}, ExitUsage, `--queue "guardrail-scan": not a queue URL`, ""},
		{[]string{"worker", "--queue", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--messages", "11"}, ExitUsage, "--messages must be from 1 to 10", ""},
		{[]string{"worker", "--queue", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--visibility", "1500ms"}, ExitUsage, "--visibility 1.5s: want whole seconds from 1s to 12h", ""},
		{[]string{"worker", "--queue", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--rules", badRules}, ExitUsage, `rules.yaml:3:26: rules[0].criteria.control[0]: no control "EC2.999"`, ""},
		{[]string{"worker", "--queue", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--db", "mysql://alice:s3cret@db/guardrail"}, ExitUsage, `scheme "mysql" is not supported`, ""},
		{[]string{"scan", "--dispatch", "guardrail-scan"}, ExitUsage, `--dispatch "guardrail-scan": not a queue URL`, ""},
		{[]string{"scan", "--wait"}, ExitUsage, "--wait goes with --dispatch", ""},
		{[]string{"scan", "--dispatch", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--no-store"}, ExitUsage, "--dispatch and --no-store: the workers store the scan", ""},
		{[]string{"scan", "--dispatch", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--fail-on", "high"}, ExitUsage, "--dispatch and --fail-on", ""},
		{[]string{"baseline", "apply", "--shard", "3/2", "--yes", "--db", db}, ExitUsage, "--shard: shard \"3/2\": the index must be between 1 and 2", ""},
		{[]string{"baseline", "plan", "--shard", "2"}, ExitUsage, `--shard: shard "2": want I/N`, ""},
		{[]string{"remediate", "plan", "--controls", "EC2.8", "--shard", "0/4", "--db", db}, ExitUsage, `--shard: shard "0/4": the index must be between 1 and 4`, ""},
		{[]string{"iac", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail iac"`, ""},
		{[]string{"iac", "scan"}, ExitUsage, "requires at least 1 arg(s), only received 0", ""},
		{[]string{"iac", "scan", "--format", "yaml", badPlan}, ExitUsage, `--format "yaml": want one of text, json, sarif, junit`, ""},
		{[]string{"iac", "scan", "--fail-on", "severe", badPlan}, ExitUsage, `--fail-on: severity "severe"`, ""},
		{[]string{"iac", "scan", "--controls", "S3.999", badPlan}, ExitUsage, `no control "S3.999"`, ""},
		{[]string{"iac", "scan", "--context-from-store", badPlan}, ExitUsage, "--context-from-store and --context-account go together", ""},
		{[]string{"iac", "scan", badPlan}, ExitUsage, "plan.json:3:3: not valid JSON", ""},
		{[]string{"iac", "scan", missing}, ExitUsage, "missing.pem: no such file", ""},
		{[]string{"notify", "status", "--format", "yaml", "--db", db}, ExitUsage, `--format "yaml": want text or json`, ""},
		{[]string{"notify", "retry", "--db", db}, ExitUsage, "choose one of --id, --destination or --all-dead", ""},
		{[]string{"notify", "retry", "--id", "7", "--all-dead", "--db", db}, ExitUsage, "choose one of --id, --destination or --all-dead", ""},
		{[]string{"notify", "retry", "--id", "7", "--db", db}, ExitUsage, "no dead notification 7", ""},
		{[]string{"notify", "retry", "--destination", "nowhere", "--db", db}, ExitUsage, "no dead notifications to nowhere", ""},
		{[]string{"notify", "send", "--db", db}, ExitUsage, "--config is required", ""},
		{[]string{"notify", "send", "--config", badNotify, "--db", db}, ExitUsage, "notify.yaml:4:24", ""},
		{[]string{"bench", "notify", "--destinations", "0"}, ExitUsage, "--destinations from 1 to --notifications", ""},
		{[]string{"bench", "notify", "--throughput", "--digest"}, ExitUsage, "--throughput and --digest each run one part", ""},
		{[]string{"notify", "sync", "--db", db}, ExitUsage, "--config is required", ""},
		{[]string{"notify", "sync", "--config", hookNotify, "--db", db}, ExitUsage, "no jira destination to sync", ""},
		{[]string{"serve", "--notify", hookNotify, "--db", db}, ExitUsage, "no jira destination", ""},
		{[]string{"serve", "--notify", badNotify, "--db", db}, ExitUsage, "notify.yaml:4:24", ""},
		{[]string{"watch", "--from", badNotify, "--notify", badNotify, "--db", db}, ExitUsage, "notify.yaml:4:24", ""},
		{[]string{"scan", "--notify", badNotify}, ExitUsage, "notify.yaml:4:24", ""},
		{[]string{"scan", "--notify", filepath.Join(dir, "missing.yaml")}, ExitUsage, "missing.yaml", ""},
		{[]string{"scan", "--notify", badNotify, "--no-store"}, ExitUsage, "--notify sends what changed in the stored findings: it cannot go with --no-store", ""},
		{[]string{"demo", "--no-serve", "--notify", badNotify}, ExitUsage, "notify.yaml:4:24", ""},
		{[]string{"bench", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail bench"`, ""},
		{[]string{"bench", "iac", "--resources", "0"}, ExitUsage, "--resources must be at least 1", ""},
		{[]string{"bench", "scan", "--accounts", "0"}, ExitUsage, "--accounts must be at least 1", ""},
		{[]string{"bench", "baseline", "--accounts", "2"}, ExitUsage, "--accounts must be at least 4", ""},
		{[]string{"bench", "watch", "--events", "0"}, ExitUsage, "--events must be at least 1", ""},
		{[]string{"bench", "remediate", "--accounts", "2"}, ExitUsage, "--accounts must be at least 4", ""},
		{[]string{"bench", "remediate", "--controls", "EC2.9"}, ExitUsage, "no playbook for EC2.9; the controls with a playbook are", ""},
		{[]string{"bench", "watch", "--throughput", "--e2e"}, ExitUsage, "--throughput and --e2e each run one measurement alone", ""},
		{[]string{"bench", "watch", "--e2e", "--calls", "0"}, ExitUsage, "--calls must be at least 1", ""},
		{[]string{"bench", "watch", "--e2e", "--rate", "0"}, ExitUsage, "--rate must be above 0", ""},
		{[]string{"bench", "watch", "--e2e", "--accounts", "2"}, ExitUsage, "--accounts must be from 3 to 1000", ""},
		{[]string{"bench", "watch", "--e2e", "--latency", "fast"}, ExitUsage, `--latency "fast"`, ""},
		{[]string{"scp", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail scp"`, ""},
		{[]string{"scp", "plan"}, ExitUsage, "say what to roll out: --intents FILE or --build manifest.json", ""},
		{[]string{"scp", "plan", "--intents", badRules}, ExitUsage, badRules + `:1:1: unknown field "rules"`, ""},
		{[]string{"scp", "plan", "--build", missing}, ExitUsage, "--build open " + missing, ""},
		{[]string{"scp", "apply"}, ExitUsage, "say what to apply: --plan FILE", ""},
		{[]string{"scp", "apply", "--plan", "p.json", "--intents", "i.yaml"}, ExitUsage, "say what to apply: --plan FILE", ""},
		{[]string{"scp", "apply", "--plan", missing}, ExitUsage, "--plan: open " + missing, ""},
		{[]string{"scp", "rollback"}, ExitUsage, "accepts 1 arg(s), received 0", ""},
		{[]string{"scp", "rollback", "scp-nope", "--yes", "--db", db}, ExitUsage, `no SCP run "scp-nope"`, ""},
		{[]string{"scp", "status", "scp-nope", "--db", db}, ExitUsage, `no SCP run "scp-nope"`, ""},
		{[]string{"scp", "explain"}, ExitUsage, "say which call to explain: --event FILE, or --account, --principal, --action, --region", ""},
		{[]string{"scp", "explain", "--event", badRules}, ExitUsage, "--event " + badRules + ":1:1: not a CloudTrail record", ""},
		{[]string{"scp", "explain", "--account", "1", "--principal", "p", "--action", "RunInstances", "--region", "us-east-1"}, ExitUsage, `--action "RunInstances": want service:Action`, ""},
		{[]string{"scp", "explain", "--account", "1", "--principal", "p", "--action", "ec2:RunInstances", "--region", "us-east-1", "--context", "x"}, ExitUsage, `--context "x": want key=value`, ""},
		{[]string{"sim", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail sim"`, ""},
		{[]string{"sim", "serve", "--addr", "0.0.0.0:4566"}, ExitUsage, "not a loopback address", ""},
		{[]string{"sim", "serve", "--addr", "127.0.0.1:99999"}, ExitUsage, `--addr "127.0.0.1:99999": the port must be a number from 0 to 65535`, ""},
		{[]string{"sim", "serve", "--latency", "50ms-20ms"}, ExitUsage, "--latency", ""},
		{[]string{"sim", "serve", "--error-rate", "2"}, ExitUsage, "--error-rate 2", ""},
		{[]string{"sim", "serve", "--faults", "/nonexistent/faults.json"}, ExitUsage, "--faults: open /nonexistent/faults.json", ""},
		{[]string{"sim", "ops", "extra"}, ExitUsage, "unknown command", ""},
		{[]string{"demo", "--accounts", "2"}, ExitUsage, "--accounts/--sim-regions", ""},
		{[]string{"demo", "--no-serve", "--db", "postgresql://alice:s3cret@127.0.0.1:1/g?connect_timeout=5"}, ExitUsage, `--db: store postgresql://alice:xxxxx@127.0.0.1:1/g?connect_timeout=5: open:`, ""},
		{[]string{"demo", "--no-serve", "--db", "sqlite://demo.db"}, ExitUsage, "give the SQLite file's path itself", "Demo organization"},
		{[]string{"demo", "--addr", "127.0.0.1:99999"}, ExitUsage, `--addr "127.0.0.1:99999"`, "Guardrail scan"},
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, ExitUsage, `--addr "127.0.0.1:99999": the port must be a number from 0 to 65535`, "Dashboard at"},
		{[]string{"serve", "--addr", "nonsense"}, ExitUsage, `--addr "nonsense"`, "Dashboard at"},
		{[]string{"serve", "--tls-cert", missing, "--tls-key", missing}, ExitUsage, "--tls-cert " + missing, "Dashboard at"},
		{[]string{"org", "--include", "env="}, ExitUsage, `--include "env=": a tag selector needs a value`, ""},
		{[]string{"scan", "--exclude", "=prod"}, ExitUsage, `--exclude "=prod": a tag selector needs a key`, ""},
		{[]string{"org", "--attempt-timeout", "0s"}, ExitUsage, "--attempt-timeout must be positive", ""},
		{[]string{"scan", "--connect-timeout", "-1s"}, ExitUsage, "--connect-timeout must be positive", ""},
		{[]string{"scan", "--task-timeout", "0s"}, ExitUsage, "--task-timeout must be positive", ""},
		{[]string{"demo", "--now", "yesterday"}, ExitUsage, `--now "yesterday": want a date (2026-06-01) or an RFC 3339 time`, ""},
		{[]string{"sim", "serve", "--now", "2026-13-01"}, ExitUsage, `--now "2026-13-01"`, ""},
		{[]string{"serve", "--allowed-host", "evil example"}, ExitUsage, `--allowed-host "evil example"`, "Dashboard at"},
		{[]string{"scp", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail scp"`, ""},
		{[]string{"scp", "build"}, ExitUsage, "--intents FILE is required", ""},
		{[]string{"scp", "build", "--intents", badIntents, "--out", filepath.Join(dir, "scp-out")}, ExitUsage, `intents.yaml:3:23: targets[0].allowed_regions[0]: "mars-1" is not an AWS Region code`, "wrote"},
		{[]string{"scp", "build", "--intents", "../../examples/scp/intents.yaml", "--attached", brokenSCP}, ExitUsage, "--attached: " + brokenSCP + ": want a JSON object", "policies"},
		{[]string{"scp", "build", "--intents", "../../examples/scp/intents.yaml", "--format", "yaml"}, ExitUsage, `--format "yaml": want text or json`, ""},
		{[]string{"scp", "validate"}, ExitUsage, "requires at least 1 arg", ""},
		{[]string{"scp", "validate", brokenSCP}, ExitUsage, "scp.json:1:34: error: invalid character", "valid"},
		{[]string{"notify", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail notify"`, ""},
		{[]string{"notify", "test"}, ExitUsage, "--config is required", "Test messages"},
		{[]string{"notify", "test", "--config", badNotify}, ExitUsage, `notify.yaml:4:24: routes[0].match.severity: "SEVERE" is not a severity`, "Test messages"},
		{[]string{"notify", "test", "--config", filepath.Join(dir, "none.yaml")}, ExitUsage, "--config: notify config: open", "Test messages"},
		{[]string{"notify", "test", "--config", badNotify, "--account-tag", "env"}, ExitUsage, `--account-tag "env": want KEY=VALUE`, "Test messages"},
		{[]string{"deploy", "bogus"}, ExitUsage, `unknown command "bogus" for "guardrail deploy"`, ""},
		{[]string{"deploy", "template", "--params", "../deploy/testdata/minimal.yaml"}, ExitUsage, "--out: required", "wrote"},
		{[]string{"deploy", "template", "--params", "../deploy/testdata/minimal.yaml", "--out", filepath.Join(dir, "deploy"), "--regions", "us-east-1,mars-1"}, ExitUsage,
			`--regions (regions[1]): "mars-1" is not a region name`, "wrote"},
		{[]string{"deploy", "template", "--out", filepath.Join(dir, "deploy"), "--org-id", "o-a1b2c3d4e5"}, ExitUsage, "home_region: required", "wrote"},
		{[]string{"deploy", "template", "--params", filepath.Join(dir, "none.yaml"), "--out", filepath.Join(dir, "deploy")}, ExitUsage, "--params: open", "wrote"},
		{[]string{"deploy", "template", "--params", "../deploy/testdata/minimal.yaml", "--out", deployed}, ExitUsage, "tooling.json already there (--force overwrites)", "wrote"},
	}
	for _, tc := range rows {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, &out, &errb)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.stderr)
			}
			if tc.stdout != "" && strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout says %q before failing:\n%s", tc.stdout, out.String())
			}
			if strings.Contains(errb.String()+out.String(), "s3cret") {
				t.Errorf("the output shows a password:\n%s%s", out.String(), errb.String())
			}
		})
	}

	// Every command has a usage-error row.
	root := newRoot(io.Discard, io.Discard)
	covered := map[string]bool{}
	for _, tc := range rows {
		if c, _, err := root.Find(tc.args); err == nil && tc.code == ExitUsage {
			covered[c.CommandPath()] = true
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !covered[c.CommandPath()] {
			t.Errorf("%q has no usage-error row in TestExitCodes: add one", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestOrgAgainstSimulator runs 'guardrail org' through the standard
// credential chain (environment variables) and AWS_ENDPOINT_URL, as a user
// pointing it at 'guardrail sim serve' would.
func TestOrgAgainstSimulator(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_ENDPOINT_URL", s.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey("111111111111"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret("111111111111"))
	t.Setenv("AWS_REGION", "us-east-1")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"org", "--format", "json", "--include", "Workloads/Production"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{`"id": "444444444401"`, `"ou_path": "Workloads/Production"`, `"owner": "payments"`,
		`"error": "cannot act in account 444444444404`, `"region_source": "account:ListRegions"`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(got, "555555555501") {
		t.Errorf("--include Workloads/Production let a Development account through")
	}
}

// TestDemoBusyPorts: the demo binds every address it will serve on before
// any work; a busy one is a usage error naming the flag, before the scan
// (it used to fail on the dashboard's port only after the whole scan).
func TestDemoBusyPorts(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--addr", "127.0.0.1:0", "--dashboard-addr", addr}, "--dashboard-addr " + addr + ": listen tcp " + addr},
		{[]string{"demo", "--addr", addr, "--dashboard-addr", "127.0.0.1:0"}, "--addr " + addr + ": listen tcp " + addr},
		{[]string{"sim", "serve", "--addr", addr}, "--addr " + addr + ": listen tcp " + addr},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, &out, &errb)
			if code != ExitUsage || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, want %d; stderr %q, want it to say %q", code, ExitUsage, errb.String(), tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("work was done before the port was found busy:\n%s", out.String())
			}
		})
	}
}
