package baseline_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataFlowsOneWay: spec is plain data (no AWS SDK, no engine); item
// reads and sets AWS but knows neither the journal nor the engine; the
// engine knows no command line.
func TestDataFlowsOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"./spec", []string{"github.com/aws/", mod + "baseline", mod + "store", mod + "cli"}},
		{"./item", []string{mod + "baseline/item/", mod + "store", mod + "cli", mod + "scan"}},
		{".", []string{mod + "cli", mod + "scan"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tc.forbidden {
				if strings.HasPrefix(dep, f) && dep != mod+"baseline/spec" {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
