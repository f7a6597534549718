package cli

import (
	"sync"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/gcpace"
)

// pacedCommands are the commands whose run makes many AWS calls one
// after the other and then ends: their garbage collector is paced with
// a heap floor (package gcpace). Long-running ones (serve, watch) are
// not: a floor would be memory held for as long as they run.
var pacedCommands = map[string]bool{"scan": true, "baseline": true, "remediate": true, "bench": true}

var (
	paceMu   sync.Mutex
	paceStop func()
)

// paceGC starts pacing the collector when c is (under) a paced command.
func paceGC(c *cobra.Command) {
	top := c
	for top.HasParent() && top.Parent().HasParent() {
		top = top.Parent()
	}
	if !top.HasParent() || !pacedCommands[top.Name()] {
		return
	}
	paceMu.Lock()
	defer paceMu.Unlock()
	if paceStop == nil {
		paceStop = gcpace.Start(0)
	}
}

// stopPacing puts the collector back as it was before paceGC.
func stopPacing() {
	paceMu.Lock()
	defer paceMu.Unlock()
	if paceStop != nil {
		paceStop()
		paceStop = nil
	}
}
