package eventpattern_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNeutral keeps the package neutral: the simulator and the product
// both import it, so it imports nothing of Guardrail's and nothing but
// the standard library.
func TestNeutral(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, ".") && dep != "github.com/guardrail-sec/guardrail/internal/eventpattern" {
			t.Errorf("eventpattern depends on %s", dep)
		}
	}
}
