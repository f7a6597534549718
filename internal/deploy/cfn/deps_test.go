package cfn_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNeutral keeps the template model a neutral library: the standard
// library only (no SDK, none of our packages), so that it stays a model
// of CloudFormation and nothing else.
func TestNeutral(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/guardrail-sec/guardrail/internal/deploy/cfn" {
			continue
		}
		if first, _, _ := strings.Cut(dep, "/"); strings.Contains(first, ".") {
			t.Errorf("internal/deploy/cfn depends on %s: only the standard library is allowed", dep)
		}
	}
}
