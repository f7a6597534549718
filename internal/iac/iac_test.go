package iac_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/iac/iactest"
	"github.com/guardrail-sec/guardrail/internal/iac/terraform"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// publicPlan has a public bucket tagged with an exemption for S3.8 and a
// bucket without one, and an EBS volume whose encryption is left to the
// account's default.
func publicPlan(tag string) []byte {
	tags := map[string]any{}
	if tag != "" {
		tags["guardrail:exempt"] = tag
	}
	pab := map[string]any{"block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}
	return iactest.Plan("eu-west-1",
		iactest.Resource{Address: "aws_s3_bucket.site", Values: map[string]any{"bucket": "acme-site", "tags": tags, "tags_all": tags}},
		iactest.Resource{Address: "aws_s3_bucket_public_access_block.site", Values: mergeMaps(pab, map[string]any{"bucket": "acme-site"})},
		iactest.Resource{Address: "module.legacy.aws_s3_bucket.old", Values: map[string]any{"bucket": "acme-old"}},
		iactest.Resource{Address: "module.legacy.aws_s3_bucket_public_access_block.old", Values: mergeMaps(pab, map[string]any{"bucket": "acme-old"})},
		iactest.Resource{Address: "aws_s3_bucket_policy.site", Values: map[string]any{"bucket": "acme-site", "policy": publicPolicy("acme-site")}},
		iactest.Resource{Address: "module.legacy.aws_s3_bucket_policy.old", Values: map[string]any{"bucket": "acme-old", "policy": publicPolicy("acme-old")}},
		iactest.Resource{Address: "aws_ebs_volume.data", Values: map[string]any{"size": 10, "availability_zone": "eu-west-1a"},
			Unknown: map[string]any{"encrypted": true, "kms_key_id": true}},
		iactest.Resource{Address: "aws_volume_attachment.data", Values: map[string]any{"device_name": "/dev/sdf", "instance_id": "i-0123456789abcdef0"},
			Unknown: map[string]any{"volume_id": true}, Refs: map[string][]string{"volume_id": {"aws_ebs_volume.data.id", "aws_ebs_volume.data"}}},
	)
}

func publicPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func report(t *testing.T, plan []byte, o iac.Options) *iac.Report {
	t.Helper()
	src, err := terraform.Load("plan.json", plan, terraform.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if o.Now.IsZero() {
		o.Now = now
	}
	rep, err := iac.Evaluate(src, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func find(rep *iac.Report, control, address string) iac.Result {
	for _, r := range rep.Results {
		if r.Control == control && r.Address == address {
			return r
		}
	}
	return iac.Result{}
}

func cat(t *testing.T) *control.Catalog {
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestExemptions: a failure covered by the exemption file or by the
// guardrail:exempt tag is EXEMPTED with its approver, unless expired:
// then FAILED again with a note. Other controls and addresses are not
// covered.
func TestExemptions(t *testing.T) {
	file := []byte(`exemptions:
  - control: S3.8
    address: module.legacy.*
    reason: legacy site, public by design (SEC-123)
    approver: alice@example.com
    expires: 2026-12-31
  - control: S3.2
    address: module.legacy.aws_s3_bucket.old
    reason: expired one
    approver: bob@example.com
    expires: 2026-01-31
`)
	ex, err := iac.ParseExemptions("exemptions.yaml", file, cat(t))
	if err != nil {
		t.Fatal(err)
	}
	rep := report(t, publicPlan("S3.8 until 2026-12-31: tagged exception"), iac.Options{Exemptions: ex, Controls: []string{"S3.2", "S3.8"}})
	for _, tc := range []struct {
		control, address string
		status           iac.Status
		note             string
	}{
		{"S3.8", "module.legacy.aws_s3_bucket.old", iac.Exempted, ""},
		{"S3.2", "module.legacy.aws_s3_bucket.old", iac.Failed, "the exemption at exemptions.yaml:7 expired on 2026-01-31"},
		{"S3.8", "aws_s3_bucket.site", iac.Exempted, ""},
		{"S3.2", "aws_s3_bucket.site", iac.Failed, ""},
	} {
		r := find(rep, tc.control, tc.address)
		if r.Status != tc.status || !strings.Contains(r.Reason, tc.note) {
			t.Errorf("%s %s: %s %q, want %s with %q", tc.control, tc.address, r.Status, r.Reason, tc.status, tc.note)
		}
	}
	if e := find(rep, "S3.8", "module.legacy.aws_s3_bucket.old").Exemption; e == nil || e.Approver != "alice@example.com" || e.From != "exemptions.yaml:2" {
		t.Errorf("exemption %+v, want alice's from exemptions.yaml:2", e)
	}
	if e := find(rep, "S3.8", "aws_s3_bucket.site").Exemption; e == nil || e.From != "tag guardrail:exempt" {
		t.Errorf("exemption %+v, want the tag's", e)
	}
	if n := len(rep.Failing(control.High)); n == 0 {
		t.Error("the unexempted S3.2 failures must fail the run")
	}
	for _, r := range rep.Failing(control.Informational) {
		if r.Status == iac.Exempted {
			t.Errorf("exempted result %s %s fails the run", r.Control, r.Address)
		}
	}
	// A tag that does not parse is an error naming the resource.
	src, _ := terraform.Load("plan.json", publicPlan("S3.8 forever"), terraform.Options{Now: now})
	if _, err := iac.Evaluate(src, iac.Options{Now: now, Controls: []string{"S3.8"}}); err == nil || !strings.Contains(err.Error(), "aws_s3_bucket.site: tag guardrail:exempt") {
		t.Errorf("malformed tag: %v", err)
	}
}

// TestExemptionFileErrors: every problem with its file:line and field.
func TestExemptionFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown control", "exemptions:\n  - control: S3.999\n    address: a\n    reason: r\n    approver: p\n    expires: 2027-01-01\n", `x.yaml:2:14: exemptions[0].control: no control "S3.999"`},
		{"bad date", "exemptions:\n  - control: S3.8\n    address: a\n    reason: r\n    approver: p\n    expires: next year\n", `x.yaml:6:14: exemptions[0].expires: "next year" is not a date`},
		{"missing approver", "exemptions:\n  - control: S3.8\n    address: a\n    reason: r\n    expires: 2027-01-01\n", "x.yaml:2:5: exemptions[0].approver: required"},
		{"unknown key", "exemptions:\n  - control: S3.8\n    adress: a\n", `x.yaml:3:5: exemptions[0]: unknown field "adress"`},
		{"repeated key", "exemptions:\n  - control: S3.8\n    control: S3.2\n", "x.yaml:3:5: exemptions[0].control: given twice (first on line 2)"},
		{"not a list", "exemptions: yes\n", "x.yaml:1:13: exemptions: want a list"},
		{"syntax", "exemptions:\n  - control: [S3.8\n", "x.yaml:"},
		{"empty", "", "x.yaml:1:1: exemptions: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := iac.ParseExemptions("x.yaml", []byte(tc.yaml), cat(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var ye *yamlpos.Error
			if !errors.As(err, &ye) {
				t.Errorf("error %T, want a *yamlpos.Error", err)
			}
		})
	}
}

// TestContext: account-level state comes from the plan, else from the
// context (flags or stored results), else is NOT_ASSESSED; and the
// context changes the verdicts of the plan's own resources that depend
// on it.
func TestContext(t *testing.T) {
	plan := publicPlan("")
	opts := iac.Options{Controls: []string{"EC2.7", "S3.1", "S3.2", "Config.1"}}
	rep := report(t, plan, opts)
	for _, c := range []string{"EC2.7", "S3.1", "Config.1"} {
		if r := find(rep, c, ""); r.Status != iac.NotAssessed {
			t.Errorf("%s without context: %s %q, want NOT_ASSESSED", c, r.Status, r.Reason)
		}
	}
	if r := find(rep, "S3.2", "aws_s3_bucket.site"); r.Status != iac.Failed {
		t.Errorf("S3.2: %s %q: the policy is public and nothing blocks it", r.Status, r.Reason)
	}

	on := true
	opts.Context = &iac.Context{Source: "flags", EBSEncryptionByDefault: &on,
		S3AccountPublicAccessBlock: &s3.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}}
	rep = report(t, plan, opts)
	if r := find(rep, "EC2.7", ""); r.Status != iac.Passed || r.Context != "flags" {
		t.Errorf("EC2.7 with --ebs-encryption-by-default: %+v", r)
	}
	// The account's Block Public Access neutralizes the bucket's policy.
	if r := find(rep, "S3.2", "aws_s3_bucket.site"); r.Status != iac.Passed || !strings.Contains(r.Reason, "on the account") {
		t.Errorf("S3.2 with the account's Block Public Access on: %s %q", r.Status, r.Reason)
	}

	// Stored results: S3.1 FAILED in the live account makes the
	// account-wide verdict FAILED; Config.1 is reported as stored.
	fs := []finding.Finding{
		{Control: "S3.1", Account: "111122223333", Region: "us-east-1", ResourceARN: "AWS::::Account:111122223333", ResourceType: "AwsAccount", Compliance: control.Failed, Reason: "account-level Block Public Access is not configured", LastScan: "scan-1"},
		{Control: "Config.1", Account: "111122223333", Region: "eu-west-1", ResourceARN: "AWS::::Account:111122223333", ResourceType: "AwsAccount", Compliance: control.Passed, Reason: "recorder default records all resources", LastScan: "scan-1"},
		{Control: "Config.1", Account: "111122223333", Region: "us-east-1", ResourceARN: "AWS::::Account:111122223333", ResourceType: "AwsAccount", Compliance: control.Failed, Reason: "no recorder", LastScan: "scan-1"},
	}
	opts.Context = iac.ContextFromFindings(fs, "111122223333")
	rep = report(t, plan, opts)
	if r := find(rep, "S3.1", ""); r.Status != iac.Failed || !strings.Contains(r.Context, "store") {
		t.Errorf("S3.1 from the store: %+v", r)
	}
	var config []iac.Result
	for _, r := range rep.Results {
		if r.Control == "Config.1" {
			config = append(config, r)
		}
	}
	if len(config) != 1 || config[0].Status != iac.Passed || config[0].Resource.Region != "eu-west-1" {
		t.Errorf("Config.1 from the store: %+v, want the eu-west-1 result only (the plan's region)", config)
	}
}

// TestOutputs: SARIF validates against the SARIF 2.1.0 schema; JUnit and
// JSON parse and hold the results; text groups by resource.
func TestOutputs(t *testing.T) {
	ex, err := iac.ParseExemptions("ex.yaml", []byte("exemptions:\n  - {control: S3.8, address: module.legacy.*, reason: legacy, approver: alice, expires: 2099-01-01}\n"), cat(t))
	if err != nil {
		t.Fatal(err)
	}
	rep := report(t, publicPlan(""), iac.Options{Exemptions: ex})
	var sarifOut, junitOut, jsonOut, textOut bytes.Buffer
	for f, w := range map[string]*bytes.Buffer{"sarif": &sarifOut, "junit": &junitOut, "json": &jsonOut, "text": &textOut} {
		if err := iac.Write(w, rep, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	validateSARIF(t, sarifOut.Bytes())
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				Level               string            `json:"level"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []any             `json:"suppressions"`
				Locations           []struct {
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarifOut.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	sev := map[string]any{}
	for _, r := range run.Tool.Driver.Rules {
		sev[r.ID] = r.Properties["security-severity"]
	}
	if sev["S3.2"] != "9.5" || sev["S3.8"] != "8.0" {
		t.Errorf("security-severity S3.2 %v (critical), S3.8 %v (high)", sev["S3.2"], sev["S3.8"])
	}
	suppressed, fails := 0, 0
	for _, r := range run.Results {
		if len(r.Suppressions) > 0 {
			suppressed++
		}
		if r.RuleID == "S3.8" && r.Level == "error" {
			fails++
		}
		if r.PartialFingerprints["guardrailResult/v1"] == "" || len(r.Locations) == 0 {
			t.Errorf("result %s without fingerprint or location", r.RuleID)
		}
	}
	if suppressed != 1 || fails != 2 {
		t.Errorf("%d suppressed results (want the exempted S3.8), %d S3.8 errors (want 2)", suppressed, fails)
	}
	// Fingerprints do not depend on the run.
	var again bytes.Buffer
	_ = iac.SARIF(&again, report(t, publicPlan(""), iac.Options{Exemptions: ex, Now: now.Add(48 * time.Hour)}))
	if !bytes.Equal(again.Bytes(), sarifOut.Bytes()) {
		t.Error("SARIF differs between two runs over the same plan")
	}

	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junitOut.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	c := rep.Counts()
	if suites.Tests != len(rep.Results) || suites.Failures != c[iac.Failed] || len(suites.Suites) != 1 || suites.Suites[0].Name != "plan.json" {
		t.Errorf("junit: %d tests %d failures in %d suites, want %d, %d in 1 (plan.json)", suites.Tests, suites.Failures, len(suites.Suites), len(rep.Results), c[iac.Failed])
	}

	var back iac.Report
	if err := json.Unmarshal(jsonOut.Bytes(), &back); err != nil || len(back.Results) != len(rep.Results) {
		t.Errorf("json: %v, %d results", err, len(back.Results))
	}
	if !regexp.MustCompile(`(?m)^aws_s3_bucket.site  \(plan.json\)\n  FAILED +CRITICAL +S3.2 +publicly readable`).MatchString(textOut.String()) {
		t.Errorf("text output not grouped by resource:\n%s", textOut.String())
	}
	if !strings.Contains(textOut.String(), "EXEMPTED") || !strings.Contains(textOut.String(), "by alice") {
		t.Errorf("text output does not show the exemption and its approver:\n%s", textOut.String())
	}
}

// validateSARIF checks a log against the official SARIF 2.1.0 JSON
// schema (the OASIS schema, as embedded by the go-sarif module: read
// from its source in the module cache), and that go-sarif reads it.
func validateSARIF(t *testing.T, b []byte) {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil {
		t.Fatalf("locate go-sarif: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "report", "v210", "sarif", "schema.go"))
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.IndexByte(src, '`'), bytes.LastIndexByte(src, '`')
	if i < 0 || j <= i {
		t.Fatal("no schema in go-sarif's schema.go")
	}
	schema := src[i+1 : j]
	if !bytes.Contains(schema, []byte("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema")) {
		t.Fatal("go-sarif's schema.go does not hold the SARIF 2.1.0 schema")
	}
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors() {
		t.Errorf("SARIF schema: %s", e)
	}
	if _, err := sarif.FromBytes(b); err != nil {
		t.Errorf("go-sarif cannot read the log: %v", err)
	}
}

// TestSARIFSchemaCatchesErrors: the validation can fail.
func TestSARIFSchemaCatchesErrors(t *testing.T) {
	bad := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"severe","message":{"text":"x"}}]}]}`)
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "report", "v210", "sarif", "schema.go"))
	schema := src[bytes.IndexByte(src, '`')+1 : bytes.LastIndexByte(src, '`')]
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(bad))
	if err != nil || res.Valid() {
		t.Errorf("a result with level \"severe\" passed the schema (%v)", err)
	}
}
