package remediate_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataFlowsOneWay: playbooks read and set AWS and may ask a control
// for its judgement, but know neither the journal, the engine, the
// baseline nor the command line; the engine knows no command line and no
// dashboard.
func TestDataFlowsOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"./playbook", []string{mod + "remediate", mod + "store", mod + "change", mod + "baseline", mod + "scan", mod + "cli", mod + "web"}},
		{".", []string{mod + "cli", mod + "web", mod + "baseline"}},
		{"../change", []string{"github.com/aws/", mod + "baseline", mod + "remediate", mod + "cli"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tc.forbidden {
				if strings.HasPrefix(dep, f) && dep != mod+"remediate/playbook" {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
