package scpeval_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps scpeval neutral: the simulator imports it, so it may
// import nothing of ours but the policy engine.
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, mod) && dep != mod+"scpeval" && dep != mod+"policy" {
			t.Errorf("scpeval depends on %s", dep)
		}
	}
}
