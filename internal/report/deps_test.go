package report_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoSDK keeps the AWS SDK out of report and score: they format what a
// scan found and never call AWS (only this package's tests use the SDK,
// to import ASFF into the simulator).
func TestNoSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "../score").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/") {
			t.Errorf("report or score imports %s", dep)
		}
	}
}
