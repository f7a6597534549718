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

	"github.com/guardrail-sec/guardrail/internal/iac/iactest"
)

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
