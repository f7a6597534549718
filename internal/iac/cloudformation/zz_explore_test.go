package cloudformation

import (
	"fmt"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

func TestExplore(t *testing.T) {
	srcs, err := Load("testdata/services.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := iac.Evaluate(srcs[0], iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status == iac.NotAssessed {
			continue
		}
		fmt.Printf("%-28s %-10s %-13s L%-3d %s\n", r.Address, r.Control, r.Status, r.Line, r.Reason)
	}
	for _, n := range rep.NotAssessed {
		fmt.Println("NA", n.Address, n.Type, n.Line, n.Reason)
	}
}
