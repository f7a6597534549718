package policy_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNeutral keeps the policy package a neutral library: the standard
// library only, so the simulator may use it without importing the
// product (and the product's binary pays nothing for it).
func TestNeutral(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/guardrail-sec/guardrail/internal/policy" {
			continue
		}
		if first, _, _ := strings.Cut(dep, "/"); strings.Contains(first, ".") {
			t.Errorf("internal/policy depends on %s: only the standard library is allowed", dep)
		}
	}
}
