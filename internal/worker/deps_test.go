package worker_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataFlowsOneWay: a worker reads the queue, assesses with the
// scanner and writes the store; it knows no dashboard, command line,
// remediation or baseline, and the simulator is only its tests'.
func TestDataFlowsOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range []string{mod + "web", mod + "cli", mod + "remediate", mod + "baseline", mod + "sim"} {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("the worker depends on %s", dep)
			}
		}
	}
}
