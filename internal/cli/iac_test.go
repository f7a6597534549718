package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/iac/iactest"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

var simtestNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// copyTree copies the files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var scanLine = regexp.MustCompile(`(?m)^\s*(?:-\s*)?run:\s*(guardrail iac scan .*)$`)

// TestCIExamples runs the exact 'guardrail iac scan' command lines of
// examples/ci (GitHub Actions, Atlantis) in-process, in a directory laid
// out as the workflows expect (the Terraform root module with the plan's
// JSON and the exemption file), with fixture plans standing in for
// terraform's output: a plan with failures exits 1, a clean one 0, and
// the GitHub workflow's SARIF file is written with file:line locations.
func TestCIExamples(t *testing.T) {
	for _, file := range []string{"github-actions.yml", "atlantis.yaml"} {
		text, err := os.ReadFile(filepath.Join("..", "..", "examples", "ci", file))
		if err != nil {
			t.Fatal(err)
		}
		m := scanLine.FindAllStringSubmatch(string(text), -1)
		if len(m) != 1 {
			t.Fatalf("%s: %d 'guardrail iac scan' run lines, want 1", file, len(m))
		}
		line := strings.TrimSpace(m[0][1])
		for _, tc := range []struct {
			name string
			plan []byte
			code int
		}{
			{"failing plan", mustReadFile(t, filepath.Join("..", "iac", "terraform", "testdata", "plan.json")), ExitFindings},
			{"clean plan", iactest.Plan("us-east-1", iactest.Resource{Address: "aws_kms_key.data",
				Values: map[string]any{"description": "data", "enable_key_rotation": true, "is_enabled": true,
					"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}]}`}}), ExitOK},
		} {
			t.Run(file+"/"+tc.name, func(t *testing.T) {
				// The repository: the root module in infra/. GitHub
				// Actions runs the scan from the repository's root;
				// Atlantis runs steps in the project's directory.
				root := t.TempDir()
				dir := filepath.Join(root, "infra")
				copyTree(t, filepath.Join("..", "iac", "terraform", "testdata", "src"), dir)
				if err := os.WriteFile(filepath.Join(dir, "guardrail-exemptions.yaml"), []byte(
					"exemptions:\n  - control: S3.8\n    address: module.app.*\n    reason: app buckets are fronted by CloudFront (SEC-9)\n    approver: alice@example.com\n    expires: 2099-12-31\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				env := map[string]string{"PLANFILE": filepath.Join(dir, "default.tfplan"), "SHOWFILE": filepath.Join(dir, "default.tfplan.json")}
				for _, p := range []string{filepath.Join(dir, "plan.json"), env["SHOWFILE"]} {
					if err := os.WriteFile(p, tc.plan, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				args := strings.Fields(os.Expand(line, func(k string) string { return env[k] }))
				if args[0] != "guardrail" {
					t.Fatalf("%q does not start with guardrail", line)
				}
				if strings.HasPrefix(file, "github") {
					t.Chdir(root)
				} else {
					t.Chdir(dir)
				}
				var out, errb bytes.Buffer
				code := Main(context.Background(), args[1:], &out, &errb)
				if code != tc.code {
					t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", line, code, tc.code, out.String(), errb.String())
				}
				if !strings.Contains(line, "--format sarif") {
					if tc.code == ExitFindings && (!strings.Contains(out.String(), "EXEMPTED") || !strings.Contains(out.String(), "main.tf:5")) {
						t.Errorf("text output without the exemption or the file:line:\n%s", out.String())
					}
					return
				}
				b, err := os.ReadFile(filepath.Join(root, "guardrail.sarif"))
				if err != nil {
					t.Fatal(err)
				}
				var log struct {
					Version string `json:"version"`
					Runs    []struct {
						Results []struct {
							RuleID    string `json:"ruleId"`
							Locations []struct {
								PhysicalLocation struct {
									ArtifactLocation struct {
										URI string `json:"uri"`
									} `json:"artifactLocation"`
									Region *struct {
										StartLine int `json:"startLine"`
									} `json:"region"`
								} `json:"physicalLocation"`
							} `json:"locations"`
						} `json:"results"`
					} `json:"runs"`
				}
				if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" {
					t.Fatalf("guardrail.sarif: %v, version %q", err, log.Version)
				}
				found := false
				for _, r := range log.Runs[0].Results {
					l := r.Locations[0].PhysicalLocation
					if r.RuleID == "S3.2" && l.ArtifactLocation.URI == "infra/main.tf" && l.Region != nil && l.Region.StartLine == 5 {
						found = true
					}
				}
				if tc.code == ExitFindings && !found {
					t.Errorf("no S3.2 result at infra/main.tf:5 in %s", b)
				}
			})
		}
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHelpMentionsIAC: now that 'iac' exists, the root help and the
// README's introduction say that plans are checked.
func TestHelpMentionsIAC(t *testing.T) {
	root := newRoot(io.Discard, io.Discard)
	text := readme(t)
	intro := text[:strings.Index(text, "## Quick start")]
	for name, doc := range map[string]string{"the root help": root.Long, "the README's introduction": intro} {
		if !strings.Contains(doc, "Terraform plans") {
			t.Errorf("%s does not mention that Terraform plans are checked", name)
		}
	}
}

// TestIACContextFromStore: --context-from-store takes the account-level
// results of the account's latest scan from the store: EC2.7 FAILED in
// the plan's region is reported as the context's, S3.1 PASSED makes the
// account's Block Public Access neutralize a public bucket policy of the
// plan; an account the store does not know is a usage error.
func TestIACContextFromStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	ctx := context.Background()
	s, err := store.OpenWith(ctx, db, store.Options{Now: clock.Fixed(simtestNow)})
	if err != nil {
		t.Fatal(err)
	}
	const acct = "111122223333"
	cat, _ := catalog.Default()
	rep := storetest.NewReport("scan-1", simtestNow).Controls(cat.Control("EC2.7"), cat.Control("S3.1"), cat.Control("S3.2")).Account(acct, "prod", "Root/Prod", "us-east-1", "eu-west-1").
		Result("EC2.7", control.Failed, acct, "eu-west-1", "AwsAccount", "AWS::::Account:"+acct, "EBS encryption by default is off").
		Result("EC2.7", control.Passed, acct, "us-east-1", "AwsAccount", "AWS::::Account:"+acct, "EBS encryption by default is on").
		Result("S3.1", control.Passed, acct, "us-east-1", "AwsAccount", "AWS::::Account:"+acct, "all four account-level Block Public Access settings are on").Report()
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishScan(ctx, rep, nil); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	plan := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(plan, iactest.Plan("eu-west-1",
		iactest.Resource{Address: "aws_s3_bucket.site", Values: map[string]any{"bucket": "acme-site"}},
		iactest.Resource{Address: "aws_s3_bucket_public_access_block.site", Values: map[string]any{"bucket": "acme-site", "block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}},
		iactest.Resource{Address: "aws_s3_bucket_policy.site", Values: map[string]any{"bucket": "acme-site",
			"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-site/*"}]}`}},
	), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"iac", "scan", plan, "--controls", "EC2.7,S3.1,S3.2", "--format", "json", "--db", db, "--context-from-store", "--context-account", acct}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Results []struct {
			Control, Status, Reason, Address, Context string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"EC2.7": "FAILED", "S3.1": "PASSED", "S3.2 aws_s3_bucket.site": "PASSED"}
	for _, r := range got.Results {
		key := r.Control
		if r.Address != "" {
			key += " " + r.Address
		}
		if w, ok := want[key]; ok {
			if r.Status != w {
				t.Errorf("%s: %s %q, want %s", key, r.Status, r.Reason, w)
			}
			if r.Address == "" && !strings.Contains(r.Context, "store") {
				t.Errorf("%s: context %q, want the store's", key, r.Context)
			}
			delete(want, key)
		}
	}
	for k := range want {
		t.Errorf("%s: no result in %s", k, out.String())
	}
	errb.Reset()
	if code := Main(ctx, []string{"iac", "scan", plan, "--db", db, "--context-from-store", "--context-account", "999999999999"}, io.Discard, &errb); code != ExitUsage || !strings.Contains(errb.String(), "no result for account 999999999999") {
		t.Errorf("unknown account: exit %d, %s", code, errb.String())
	}
}
