package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDemoClock: 'guardrail demo --now' runs the demo world and the scan
// on one clock stopped at that date. The dates that follow it (the
// simulator's key deletion date, the certificate's expiry in the world,
// the days left that the scan counts) move with --now, and nothing reads
// the wall clock: the same results on any day.
func TestDemoClock(t *testing.T) {
	for _, day := range []string{"2026-06-01", "2031-11-17"} {
		t.Run(day, func(t *testing.T) {
			now, err := time.Parse(time.DateOnly, day)
			if err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"demo", "--no-serve", "--no-store", "-q", "--now", day,
				"--controls", "IAM.26,KMS.3", "--include", "Development", "--regions", "us-east-1", "--format", "csv"}, &out, &errb)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			for _, want := range []string{
				// dev-data: PendingDeletion with a 30-day window, scheduled by the simulator.
				fmt.Sprintf("scheduled for deletion on %s (in 30 days)", now.AddDate(0, 0, 30).Format(time.DateOnly)),
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("no %q in the output:\n%s", want, out.String())
				}
			}
		})
	}
}

// TestDemoScenarioIMDSv2 is issue #13's EC2.8 incident, as a user runs
// it: the gate halts the run in the canary (the Development OU) when the
// legacy web app's alarm fires, rolls the canary back, never reaches
// Production, and the command exits 0.
func TestDemoScenarioIMDSv2(t *testing.T) {
	if testing.Short() {
		t.Skip("soaks for a few seconds")
	}
	var out, errb bytes.Buffer
	db := t.TempDir() + "/demo.db"
	code := Main(context.Background(), []string{"demo", "--no-serve", "-q", "--db", db, "--now", "2026-06-01", "--scenario", "imdsv2"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	for _, want := range []string{
		"alarm legacy-web-555555555502-health fired in 555555555502/us-east-1: Threshold Crossed",
		"Wave 1 (rolled-back): 37 changes in 555555555501 555555555502 555555555503",
		"(not-run)",
		"37 instances restored to IMDSv1",
		"  555555555502  13/13 -> 13/13",
		"as designed: Production was never touched",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the output:\n%s", want, out.String())
		}
	}
	// The journal has the halted run and its rollback.
	code = Main(context.Background(), []string{"remediate", "status", "--db", db}, &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), "HALTED") || !strings.Contains(out.String(), "rolled back by remediate-") {
		t.Errorf("remediate status: exit %d:\n%s", code, out.String())
	}
}

// TestAutoRemediation: an automation rule with a remediate action fixes
// the failing findings it matches right after the scan that found them,
// and only those; a remediate rule naming a control without a playbook
// is refused at its line before anything runs.
func TestAutoRemediation(t *testing.T) {
	dir := t.TempDir()
	rules := dir + "/rules.yaml"
	if err := os.WriteFile(rules, []byte("rules:\n  - name: imdsv2-in-sandbox\n    criteria:\n      control: EC2.8\n      ou: Sandbox\n    actions:\n      remediate: {max_changes: 100}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	db := dir + "/demo.db"
	code := Main(context.Background(), []string{"demo", "--no-serve", "-q", "--db", db, "--now", "2026-06-01", "--rules", rules, "--controls", "EC2.8"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	for _, want := range []string{"Auto-remediation by rule imdsv2-in-sandbox (44 failing findings):", "44 changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the output:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "changed    EC2.8        4444") || strings.Contains(out.String(), "changed    EC2.8        5555") {
		t.Errorf("changed outside the Sandbox OU:\n%s", out.String())
	}
	bad := dir + "/bad.yaml"
	if err := os.WriteFile(bad, []byte("rules:\n  - name: gd\n    criteria: {control: GuardDuty.1}\n    actions:\n      remediate: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	code = Main(context.Background(), []string{"demo", "--no-serve", "-q", "--db", db, "--rules", bad}, &out, &errb)
	if code != ExitUsage || !strings.Contains(errb.String(), "bad.yaml:5:18: rules[0].actions.remediate: no playbook for GuardDuty.1") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}
