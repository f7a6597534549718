package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"guardrail": func() { os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
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

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"no-such-command"}, ExitUsage, "unknown command"},
		{[]string{"org", "--no-such-flag"}, ExitUsage, "unknown flag: --no-such-flag"},
		{[]string{"org", "--format", "yaml"}, ExitUsage, `--format "yaml": want text or json`},
		{[]string{"org", "--regions", "Europe"}, ExitUsage, `--regions: "Europe" is not a region name`},
		{[]string{"org", "--concurrency", "0"}, ExitUsage, "--concurrency must be at least 1"},
		{[]string{"org", "--include", "env="}, ExitUsage, `--include "env=": a tag selector needs a value`},
		{[]string{"scan", "--exclude", "=prod"}, ExitUsage, `--exclude "=prod": a tag selector needs a key`},
		{[]string{"org", "--attempt-timeout", "0s"}, ExitUsage, "--attempt-timeout must be positive"},
		{[]string{"scan", "--connect-timeout", "-1s"}, ExitUsage, "--connect-timeout must be positive"},
		{[]string{"scan", "--task-timeout", "0s"}, ExitUsage, "--task-timeout must be positive"},
		{[]string{"sim", "serve", "--addr", "0.0.0.0:4566"}, ExitUsage, "not a loopback address"},
		{[]string{"sim", "serve", "--latency", "50ms-20ms"}, ExitUsage, "--latency"},
		{[]string{"sim", "serve", "--error-rate", "2"}, ExitUsage, "--error-rate 2"},
		{[]string{"sim", "serve", "--faults", "/nonexistent/faults.json"}, ExitUsage, "--faults: open /nonexistent/faults.json"},
		{[]string{"demo", "--accounts", "2"}, ExitUsage, "--accounts/--sim-regions"},
		{[]string{"demo", "--now", "yesterday"}, ExitUsage, `--now "yesterday": want a date (2026-06-01) or an RFC 3339 time`},
		{[]string{"sim", "serve", "--now", "2026-13-01"}, ExitUsage, `--now "2026-13-01"`},
		{[]string{"search", "sg", "--ip", "300.1.2.3"}, ExitUsage, `--ip: "300.1.2.3" is not an IPv4 or IPv6 address or CIDR`},
		{[]string{"search", "sg", "--port", "0"}, ExitUsage, "--ip: give an IP address or CIDR, a port, or both"},
		{[]string{"search", "sg", "--port", "22", "--protocol", "gre"}, ExitUsage, `--protocol: "gre"`},
		{[]string{"search", "users", "--key-age", "-5"}, ExitUsage, "--key-age: -5 days"},
		{[]string{"search", "instances", "--limit", "-1"}, ExitUsage, "--limit: -1: must not be negative"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, &out, &errb)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.stderr)
			}
		})
	}
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
