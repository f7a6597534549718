package control_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoSDKImports keeps controls and the snapshot free of the AWS SDK:
// controls judge a snapshot, whatever produced it (a live account, a
// Terraform plan, a CloudTrail event), and never call AWS.
func TestNoSDKImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, pkg := range []string{"../control/...", "../snapshot/..."} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/aws/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
