package scp_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoSDK keeps the SCP compiler off the AWS SDK: it turns intents into
// documents and judges them; the rollout (in the CLI) talks to AWS.
func TestNoSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test=false", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/") {
			t.Errorf("internal/scp depends on %s", dep)
		}
	}
}
