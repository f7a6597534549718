package cli

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
)

// TestStandardsHelp: the flag help names exactly the catalog's standards.
func TestStandardsHelp(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := standardNames(cat); got != standardsHelp {
		t.Errorf("standardsHelp = %q, the catalog has %q", standardsHelp, got)
	}
}

// TestControlsListStandard: each standard lists every requirement, with
// what assesses it, what needs a person and what is not implemented yet.
func TestControlsListStandard(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		std  string
		want []string
	}{
		{"cis-1.2", []string{"ruleset/cis-aws-foundations-benchmark/v/1.2.0",
			"1.5   1      automated   not implemented: IAM.11", "4.4   2      manual      (needs a person)",
			"1.1   1      automated   GR.IAM.1,CloudWatch.1", "\n49 requirements, "}},
		{"cis-1.4", []string{"2.1.5  1      automated   S3.1,S3.8", "\n58 requirements, "}},
		// EFS.1 was "not implemented" until the EFS controls landed: the
		// requirement mapped to it by itself.
		{"cis-3.0", []string{"2.4.1  1      manual      EFS.1", "\n62 requirements, 57 assessed by Guardrail controls, 5 need a person\n"}},
		{"cis-4.0", []string{"guardrail/cis-aws-foundations-benchmark/v/4.0.1", "5.1.1  1      automated   EC2.7", "\n64 requirements, "}},
		{"cis-5.0", []string{"1.3    1      automated   IAM.4", "\n63 requirements, "}},
		{"wa-sec", []string{"SEC07  -      automated   Macie.1,Macie.2,RDS.16,RDS.17", "(+", "\n11 requirements, 11 assessed"}},
	} {
		var b strings.Builder
		if err := listControls(&b, cat, tc.std, "text"); err != nil {
			t.Fatalf("%s: %v", tc.std, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("controls list --standard %s: no %q in\n%s", tc.std, w, b.String())
			}
		}
	}
	var b strings.Builder
	if err := listControls(&b, cat, "cis-1.2", "json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"not_implemented": [`) {
		t.Errorf("JSON lists no not_implemented controls:\n%s", b.String()[:400])
	}
}
