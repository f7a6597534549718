package trail_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the record builder below the server and the services:
// trail reads wire's calls and writes world's records, and the world
// (which holds the records) knows no protocol.
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for pkg, banned := range map[string][]string{
		".":        {mod + "sim", mod + "sim/svc"},
		"../world": {mod + "sim", mod + "sim/svc", mod + "sim/wire", mod + "sim/trail"},
	} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if dep == b || strings.HasPrefix(dep, mod+"sim/svc/") && b == mod+"sim/svc" {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
			// eventpattern and policy are neutral libraries the
			// simulator shares with the product (EventBridge patterns
			// with the watch's rules; resource policies and SCPs with
			// the controls and the SCP rollout).
			if strings.HasPrefix(dep, mod) && !strings.HasPrefix(dep, mod+"sim/") && dep != mod+"eventpattern" && dep != mod+"policy" {
				t.Errorf("%s depends on the product's %s", pkg, dep)
			}
		}
	}
}
