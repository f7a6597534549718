package notify_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataFlowsOneWay: notify renders and delivers; the sources of its
// events (scan, watch, remediation) and the outbox in the store import
// it, never the other way, and the simulator is only its tests'.
// notifytest (the receivers) imports nothing of ours but notify.
func TestDataFlowsOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/internal/"
	for _, pkg := range []string{".", "./notifytest"} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range []string{"store", "web", "cli", "scan", "watch", "remediate", "baseline", "sim", "detect"} {
				if dep == mod+f || strings.HasPrefix(dep, mod+f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "./notifytest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, mod) && imp != mod+"notify" {
			t.Errorf("notifytest imports %s", imp)
		}
	}
}
