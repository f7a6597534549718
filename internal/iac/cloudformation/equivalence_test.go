package cloudformation_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/iac/cloudformation"
	"github.com/guardrail-sec/guardrail/internal/iac/iactest"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// TestEquivalence is the CloudFormation column of the shared table: the
// same misconfiguration created live in the simulator through the SDK
// and written as a template gives the same controls FAILED with the
// same reasons (IDs aside). Every scenario has a template, or says why
// CloudFormation cannot express it.
func TestEquivalence(t *testing.T) {
	for _, sc := range append(iactest.Scenarios(), iactest.CloudFormationScenarios()...) {
		t.Run(sc.Name, func(t *testing.T) {
			tpl := iactest.CloudFormationTemplate(sc)
			if tpl == "" {
				if why := iactest.NoTemplate[sc.Name]; why != "" {
					t.Skip(why)
				}
				t.Fatal("no CloudFormation template for this scenario (iactest/cloudformation.go)")
			}
			live := iactest.LiveVerdicts(t, sc)
			name := "template.yaml"
			if strings.HasPrefix(strings.TrimSpace(tpl), "{") {
				name = "template.json"
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, []byte(tpl), 0o600); err != nil {
				t.Fatal(err)
			}
			srcs, err := cloudformation.Load(path, cloudformation.LoadOptions{Now: simtest.Now,
				Options: cloudformation.Options{AccountID: iactest.Account, Region: iactest.Region}})
			if err != nil {
				t.Fatal(err)
			}
			src := srcs[0]
			if len(src.NotAssessed) > 0 {
				t.Errorf("not assessed: %+v", src.NotAssessed[0])
			}
			rep, err := iac.Evaluate(src, iac.Options{Now: simtest.Now, Controls: sc.Controls})
			if err != nil {
				t.Fatal(err)
			}
			code := iactest.CodeVerdicts(rep, sc.Controls)
			if len(live) == 0 {
				t.Fatalf("the live side has no FAILED result for %v: the scenario proves nothing", sc.Controls)
			}
			if fmt.Sprint(live) != fmt.Sprint(code) {
				t.Errorf("live and template differ:\nlive:\n  %s\ntemplate:\n  %s", join(live), join(code))
			}
		})
	}
}

func join(vs []iactest.Verdict) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.String())
	}
	return strings.Join(s, "\n  ")
}
