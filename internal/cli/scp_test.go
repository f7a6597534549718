package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/scp"
)

// TestSCPBuildWrites builds the shipped example: one file per policy, each
// the minified document within AWS's limit, and a manifest naming them.
func TestSCPBuildWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"scp", "build", "--intents", "../../examples/scp/intents.yaml", "--out", dir}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "wrote 3 policies and manifest.json to "+dir) {
		t.Fatalf("stdout %s", out.String())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan scp.Plan
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Targets) != 3 {
		t.Fatalf("targets %+v", plan.Targets)
	}
	for _, tp := range plan.Targets {
		for _, b := range tp.Policies {
			doc, err := os.ReadFile(filepath.Join(dir, b.File))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(doc, b.Document) || len(doc) > scp.MaxPolicySize {
				t.Fatalf("%s: %d bytes, manifest %d", b.File, len(doc), len(b.Document))
			}
			if _, err := policy.Parse(doc); err != nil {
				t.Fatalf("%s: %v", b.File, err)
			}
		}
	}
	// The built files validate clean as SCP files too.
	files, _ := filepath.Glob(filepath.Join(dir, "guardrail-*.json"))
	out.Reset()
	errb.Reset()
	code = Main(context.Background(), append([]string{"scp", "validate", "--regions", "eu-west-1,us-west-2"}, files...), &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), "3 file(s) valid, 0 warning(s)") {
		t.Fatalf("validate: exit %d, %s%s", code, out.String(), errb.String())
	}
}

// TestSCPValidateLockout: a policy denying what Guardrail's scan needs is
// an error naming the action and the statement; a warning alone exits 0.
func TestSCPValidateLockout(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "deny-iam.json")
	os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"NoIAMReads","Effect":"Deny","Action":"iam:Get*","Resource":"*"}]}`), 0o600)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"scp", "validate", bad}, &out, &errb)
	if code != ExitUsage || !strings.Contains(errb.String(), "statement NoIAMReads: denies Guardrail's role arn:aws:iam::111122223333:role/OrganizationAccountAccessRole iam:") ||
		!strings.Contains(errb.String(), "iam:GetAccountPasswordPolicy (baseline, remediation, scan)") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	warn := filepath.Join(dir, "warn.json")
	os.WriteFile(warn, []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"NoQuantum","Effect":"Deny","Action":"quantumledger:*","Resource":"*"}]}`), 0o600)
	out.Reset()
	errb.Reset()
	code = Main(context.Background(), []string{"scp", "validate", warn}, &out, &errb)
	if code != ExitOK || !strings.Contains(errb.String(), `warning: statement NoQuantum: service prefix "quantumledger"`) || !strings.Contains(out.String(), "1 file(s) valid, 1 warning(s)") {
		t.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
	}
}
