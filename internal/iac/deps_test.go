package iac_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/iac"
)

// TestNoSDK: the IaC checks read files, never AWS: the core and the
// loaders import neither the AWS SDK nor the simulator (iactest, the
// tests' helper, may).
func TestNoSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".", "./terraform", "./cloudformation").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/") || strings.Contains(dep, "/internal/sim") || strings.Contains(dep, "/internal/collect") {
			t.Errorf("depends on %s", dep)
		}
	}
}

// TestGlobalCollectors: iac's list of global collectors is the
// registry's.
func TestGlobalCollectors(t *testing.T) {
	for _, c := range registry.All() {
		if iac.GlobalCollectors[c.Name] != c.Global {
			t.Errorf("collector %s: global %v in the registry, %v in iac.GlobalCollectors", c.Name, c.Global, iac.GlobalCollectors[c.Name])
		}
	}
}
