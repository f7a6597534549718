package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployCommandsExist: deploy template writes templates only when
// every command they run is one this build has; sharded schedules need
// the scan's --shard.
func TestDeployCommandsExist(t *testing.T) {
	params := "../deploy/testdata/minimal.yaml"
	root := newRoot(io.Discard, io.Discard)
	scan, _, _ := root.Find([]string{"scan"})
	sharded := scan.Flags().Lookup("shard") != nil
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"one scan task", nil, true},
		{"remediation and alerts", []string{"--remediate", "--sns-topic-arn", "arn:aws:sns:us-east-1:222233334444:alerts"}, true},
		{"shards", []string{"--shards", "2"}, sharded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var o, e bytes.Buffer
			code := Main(context.Background(), append([]string{"deploy", "template", "--params", params, "--out", out}, tc.args...), &o, &e)
			_, err := os.Stat(filepath.Join(out, "tooling.json"))
			switch {
			case tc.ok && (code != ExitOK || err != nil):
				t.Fatalf("exit %d (%v): %s", code, err, e.String())
			case !tc.ok && (code != ExitUsage || !os.IsNotExist(err)):
				t.Fatalf("exit %d (templates written: %v), want %d and none: %s", code, err == nil, ExitUsage, e.String())
			case !tc.ok && !strings.Contains(e.String(), "unknown flag: --shard"):
				t.Errorf("stderr %q: want the flag named", e.String())
			}
		})
	}
}
