package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// embeddedReport is a one-account scan scored against every embedded
// standard: IAM.4 (root access key) failed, IAM.9 (root MFA) passed.
func embeddedReport(t *testing.T) *report.Report {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	acct := "123456789012"
	m := snapshot.Meta{ARN: "arn:aws:iam::" + acct + ":root", Type: "AwsAccount", Account: acct, Region: "us-east-1"}
	r := &report.Report{
		ID: "scan-standards", Started: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		Controls: []*control.Control{cat.Control("IAM.4"), cat.Control("IAM.9")}, Standards: cat.Standards(),
		Results: []control.Result{{Control: "IAM.4", Status: control.Failed, Resource: m, Reason: "root has an access key"},
			{Control: "IAM.9", Status: control.Passed, Resource: m, Reason: "root has MFA"}},
		Accounts: []report.Account{{ID: acct, Name: "prod", Regions: []string{"us-east-1"}}},
	}
	r.Finished = r.Started.Add(time.Minute)
	r.ComputeScores()
	return r
}

// TestASFFStandards: a finding names every Security Hub standard that
// maps its control (CIS v1.2.0 as Security Hub's "ruleset/" ID), leaves
// out the standards Security Hub does not offer (CIS v4.0.1,
// Well-Architected), and lists every standard's requirement.
func TestASFFStandards(t *testing.T) {
	var b bytes.Buffer
	if err := report.ASFF(&b, embeddedReport(t), report.Options{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		comp := d["Compliance"].(map[string]any)
		if comp["SecurityControlId"] != "IAM.4" {
			continue
		}
		if got, want := fmt.Sprint(comp["AssociatedStandards"]), "[map[StandardsId:ruleset/cis-aws-foundations-benchmark/v/1.2.0] "+
			"map[StandardsId:standards/cis-aws-foundations-benchmark/v/1.4.0] map[StandardsId:standards/cis-aws-foundations-benchmark/v/3.0.0] "+
			"map[StandardsId:standards/cis-aws-foundations-benchmark/v/5.0.0] map[StandardsId:standards/aws-foundational-security-best-practices/v/1.0.0]]"; got != want {
			t.Errorf("AssociatedStandards = %s\nwant %s", got, want)
		}
		if got, want := fmt.Sprint(comp["RelatedRequirements"]), "[CIS AWS Foundations Benchmark v1.2.0/1.12 CIS AWS Foundations Benchmark v1.4.0/1.4 "+
			"CIS AWS Foundations Benchmark v3.0.0/1.4 CIS AWS Foundations Benchmark v4.0.1/1.4 CIS AWS Foundations Benchmark v5.0.0/1.3 "+
			"AWS Foundational Security Best Practices v1.0.0/IAM.4 AWS Well-Architected Security Pillar (2024-06-27)/SEC01 AWS Well-Architected Security Pillar (2024-06-27)/SEC02]"; got != want {
			t.Errorf("RelatedRequirements = %s\nwant %s", got, want)
		}
		if got := fmt.Sprint(d["Types"]); strings.Count(got, "CIS AWS Foundations Benchmark") != 1 {
			t.Errorf("Types name CIS once: %s", got)
		}
		return
	}
	t.Fatal("no IAM.4 finding")
}

// TestTextStandards: SCORES has a line per standard; the account table
// has room for the primary ones and says where the others are.
func TestTextStandards(t *testing.T) {
	var b bytes.Buffer
	if err := report.Text(&b, embeddedReport(t), report.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"CIS AWS Foundations Benchmark v1.2.0", "CIS AWS Foundations Benchmark v5.0.0",
		"AWS Well-Architected Security Pillar (2024-06-27)", "CIS-3.0", "FSBP", "5 more standards are scored per account"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "CIS-1.2 ") || strings.Contains(out, "WA-SEC") {
		t.Errorf("the account table has a column per standard:\n%s", out)
	}
}

// TestTextOneStandard: a scan of one standard lists the requirements
// that did not pass, and counts the others.
func TestTextOneStandard(t *testing.T) {
	r := embeddedReport(t)
	for _, s := range r.Standards {
		if s.Short == "cis-1.2" {
			r.Standards = []control.Standard{s}
		}
	}
	r.ComputeScores()
	var b bytes.Buffer
	if err := report.Text(&b, r, report.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"REQUIREMENTS  CIS AWS Foundations Benchmark v1.2.0\n  1 passed, 1 failed, 37 no data, 3 need a person, 7 not implemented;",
		"1.12  FAILED           IAM.4", "1.5   NOT_IMPLEMENTED  IAM.11", "need a person: see 'guardrail controls list --standard cis-1.2'"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "1.13  PASSED") {
		t.Errorf("passed requirements are listed:\n%s", out)
	}
}
