package rule_test

import (
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/rule"
)

func ExampleSet_Apply() {
	cat, err := catalog.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	set, err := rule.Parse("rules.yaml", []byte(`
rules:
  - name: accept-legacy-imdsv1
    criteria:
      control: [EC2.8]
      resource_tag: {app: erp}
    actions:
      suppress: {reason: "accepted risk, ticket SEC-123", until: 2027-06-30}
      note: owned by the ERP team
`), cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := finding.Finding{ID: "f1", Control: "EC2.8", ResourceTags: map[string]string{"app": "erp"},
		Severity: control.High, Compliance: control.Failed, Workflow: finding.New}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f, evs := set.Apply(f, at)
	for _, e := range evs {
		fmt.Printf("%s by %s: %s\n", e.Kind, e.By, e.Detail)
	}
	fmt.Println(f.Workflow)
	_, again := set.Apply(f, at)
	fmt.Println(len(again), "changes the second time")
	// Output:
	// suppressed by rule:accept-legacy-imdsv1: accepted risk, ticket SEC-123 (until 2027-06-30)
	// note by rule:accept-legacy-imdsv1: owned by the ERP team
	// SUPPRESSED
	// 0 changes the second time
}

func ExampleParse() {
	cat, err := catalog.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = rule.Parse("rules.yaml", []byte(`
rules:
  - name: page-critical
    criteria: {severity: [hgih]}
    actions: {workflow: NOTIFIED}
`), cat)
	fmt.Println(err)
	// Output:
	// rules.yaml:4:27: rules[0].criteria.severity[0]: "hgih" is not a severity (want informational, low, medium, high, critical)
}
