package rollout_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps: the rollout and explain sit below the dashboard and the CLI,
// and talk to AWS, never to the simulator.
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for _, pkg := range []string{".", "../explain"} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, banned := range []string{mod + "web", mod + "cli", mod + "sim"} {
				if dep == banned || strings.HasPrefix(dep, banned+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
