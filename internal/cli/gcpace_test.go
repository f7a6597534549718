package cli

import (
	"io"
	"os"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/gcpace"
)

// TestPacedCommands: the batch commands (and their subcommands) pace
// the collector, the long-running ones and the rest do not.
func TestPacedCommands(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	root := newRoot(io.Discard, io.Discard)
	for _, c := range []struct {
		path  []string
		paced bool
	}{
		{[]string{"scan"}, true},
		{[]string{"baseline", "apply"}, true},
		{[]string{"bench", "scan"}, true},
		{[]string{"remediate"}, true},
		{[]string{"serve"}, false},
		{[]string{"watch"}, false},
		{[]string{"findings"}, false},
		{[]string{"sim", "serve"}, false},
	} {
		cmd, _, err := root.Find(c.path)
		if err != nil {
			t.Fatalf("%v: %v", c.path, err)
		}
		paceGC(cmd)
		if paced := gcpace.Percent() != 0; paced != c.paced {
			t.Errorf("%v: paced %v, want %v", c.path, paced, c.paced)
		}
		stopPacing()
	}
}
