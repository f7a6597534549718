package outbox_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataFlowsOneWay: the outbox reads the store and sends through
// notify; it knows no dashboard, command line, scan, watch, remediation
// or simulator. And the store knows nothing of notify: it enqueues the
// rows a router hands it.
func TestDataFlowsOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for pkg, forbidden := range map[string][]string{
		".":           {"web", "cli", "scan", "watch", "remediate", "baseline", "sim"},
		"../../store": {"notify"},
	} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == mod+f || strings.HasPrefix(dep, mod+f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
