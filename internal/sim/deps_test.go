package sim_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps: the simulator is a test double, not the product. It imports
// only neutral libraries of ours: eventpattern (EventBridge patterns),
// policy (resource policies, SCPs), scpeval (the SCP rule it enforces),
// clock and httpstop (a shutdown that does not wait for unused
// connections).
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	neutral := map[string]bool{mod + "eventpattern": true, mod + "policy": true, mod + "scpeval": true, mod + "clock": true, mod + "httpstop": true}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, mod) && !strings.HasPrefix(dep, mod+"sim") && !neutral[dep] {
			t.Errorf("the simulator depends on the product's %s", dep)
		}
	}
}
