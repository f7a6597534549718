package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// awsEnv points the standard credential chain at endpoint as the
// management account, and nothing of the developer's AWS setup.
func awsEnv(t *testing.T, endpoint string) {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey("111111111111"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret("111111111111"))
	t.Setenv("AWS_REGION", "us-east-1")
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestSelectionMistakes: selectors, regions and rules that name nothing
// of the organization are usage errors that name what is wrong, and no
// scan is recorded for them.
func TestSelectionMistakes(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	awsEnv(t, s.URL)
	dir := t.TempDir()
	db := filepath.Join(dir, "guardrail.db")
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte("rules:\n  - name: typo\n    criteria:\n      ou: [Workloads/Prodution]\n    actions:\n      note: prod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scan := []string{"scan", "-q", "--db", db, "--controls", "S3.1"}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--include", "Nope/Nothing"}, `--include "Nope/Nothing": no account or OU of the organization matches`},
		{[]string{"--include", "env="}, `--include "env=": a tag selector needs a value (key=value)`},
		{[]string{"--include", "owner=nobody"}, `--include "owner=nobody": no account of the organization has this tag`},
		{[]string{"--exclude", "Sandbx"}, `--exclude "Sandbx": no account or OU of the organization matches`},
		{[]string{"--include", "Workloads/Production", "--exclude", "Workloads"}, "the selection leaves no account to assess"},
		{[]string{"--include", "Sandbox", "--regions", "eu-south-1"}, `--regions "eu-south-1": not enabled in any account in scope`},
		{[]string{"--include", "Sandbox", "--rules", rules}, `--rules: ` + rules + `:4:12: rules[0].criteria.ou[0]: rule "typo": "Workloads/Prodution" is not an OU of the organization`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := run(append(scan, tc.args...)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, ExitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not say %q", stderr, tc.stderr)
			}
		})
	}
	if code, _, stderr := run("org", "--include", "Nope"); code != ExitUsage || !strings.Contains(stderr, `--include "Nope": no account or OU`) {
		t.Errorf("org: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		scans, err := st.Scans(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(scans) != 0 {
			t.Errorf("%d scans recorded for selections that select nothing, the first %s", len(scans), scans[0].Status)
		}
	}
	// A sound selection scans.
	if code, _, stderr := run(append(scan, "--include", "Sandbox", "--regions", "eu-west-1")...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestUnreachableEndpoint: an endpoint that accepts connections and never
// answers, and a port that refuses them, end the command quickly (exit 3)
// with a message that names the endpoint and why.
func TestUnreachableEndpoint(t *testing.T) {
	silent, _ := simtest.Silent(t)
	refused := simtest.Refused(t)
	for _, tc := range []struct {
		cmd      string
		endpoint string
		stderr   string
	}{
		{"scan", silent, "cannot reach " + silent + ": no answer within 200ms (--attempt-timeout)"},
		{"org", silent, "cannot reach " + silent + ": no answer within 200ms (--attempt-timeout)"},
		{"scan", refused, "cannot reach " + refused + ": connection refused"},
	} {
		t.Run(tc.cmd+" "+tc.stderr, func(t *testing.T) {
			awsEnv(t, tc.endpoint)
			start := time.Now()
			code, _, stderr := run(tc.cmd, "-q", "--no-store", "--attempt-timeout", "200ms")
			if tc.cmd == "org" {
				code, _, stderr = run(tc.cmd, "--attempt-timeout", "200ms")
			}
			if code != ExitFailure {
				t.Errorf("exit %d, want %d; stderr: %s", code, ExitFailure, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not say %q", stderr, tc.stderr)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
