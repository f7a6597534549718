package rule_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/rule"
)

func TestCheckOUs(t *testing.T) {
	const file = `rules:
  - name: prod-note
    criteria:
      ou: [Workloads/Production, Workloads/Prodution]
    actions:
      note: production
  - name: sandbox
    order: 1
    criteria:
      ou: Sandbox
    actions:
      severity: low
`
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := rule.Parse("rules.yaml", []byte(file), cat)
	if err != nil {
		t.Fatal(err)
	}
	ous := []string{"Workloads", "Workloads/Production", "Sandbox"}
	err = s.CheckOUs(func(p string) bool { return slices.Contains(ous, p) })
	want := `rules.yaml:4:34: rules[0].criteria.ou[1]: rule "prod-note": "Workloads/Prodution" is not an OU of the organization`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if err := s.CheckOUs(func(string) bool { return true }); err != nil {
		t.Errorf("every OU known: %v", err)
	}
	err = s.CheckOUs(func(string) bool { return false })
	if got := strings.Count(err.Error(), "is not an OU"); got != 3 {
		t.Errorf("%d errors, want one per unknown OU: %v", got, err)
	}
	if !strings.HasPrefix(err.Error(), "rules.yaml:4:12:") || !strings.Contains(err.Error(), "\nrules.yaml:10:11: rules[1].criteria.ou: ") {
		t.Errorf("errors are not in file order: %v", err)
	}
	var none *rule.Set
	if err := none.CheckOUs(func(string) bool { return false }); err != nil {
		t.Errorf("a nil set: %v", err)
	}
}
