package terraform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/iac/iactest"
	"github.com/guardrail-sec/guardrail/internal/iac/terraform"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// TestEquivalence: the same misconfiguration, created live in the
// simulator through the SDK and expressed as a Terraform plan, gives the
// same controls FAILED with the same reasons (IDs aside), for every row
// of the shared table.
func TestEquivalence(t *testing.T) {
	for _, sc := range iactest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			live := iactest.LiveVerdicts(t, sc)
			plan := iactest.Plan(iactest.Region, sc.Plan...)
			src, err := terraform.Load("plan.json", plan, terraform.Options{Account: iactest.Account, Now: simtest.Now})
			if err != nil {
				t.Fatal(err)
			}
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
			for _, c := range sc.Controls {
				if !has(live, c) {
					t.Errorf("%s: no FAILED result live", c)
				}
			}
			if fmt.Sprint(live) != fmt.Sprint(code) {
				t.Errorf("live and plan differ:\nlive:\n  %s\nplan:\n  %s", join(live), join(code))
			}
		})
	}
}

func has(vs []iactest.Verdict, c string) bool {
	for _, v := range vs {
		if v.Control == c {
			return true
		}
	}
	return false
}

func join(vs []iactest.Verdict) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.String())
	}
	return strings.Join(s, "\n  ")
}
