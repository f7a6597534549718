package detect_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the watch's hot path and its rules apart from what they
// must not depend on: filterpattern imports nothing of Guardrail's (the
// controls and the rules share it), trailevent only filterpattern, and
// detect neither the AWS SDK nor the store, the dashboard or the CLI.
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/guardrail-sec/guardrail/"
	for _, tc := range []struct {
		pkg     string
		allowed func(dep string) bool
	}{
		{"../filterpattern", func(dep string) bool { return !strings.HasPrefix(dep, mod) || dep == mod+"internal/filterpattern" }},
		{"../trailevent/...", func(dep string) bool {
			return !strings.HasPrefix(dep, mod) || strings.HasPrefix(dep, mod+"internal/trailevent") || dep == mod+"internal/filterpattern"
		}},
		{".", func(dep string) bool {
			for _, no := range []string{"github.com/aws/", mod + "internal/store", mod + "internal/web", mod + "internal/cli", mod + "internal/watch", mod + "internal/sim"} {
				if strings.HasPrefix(dep, no) {
					return false
				}
			}
			return true
		}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if !tc.allowed(dep) {
				t.Errorf("%s depends on %s", tc.pkg, dep)
			}
		}
	}
}
