package cli

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version overrides the version 'guardrail version' prints, at build
// time: go build -ldflags "-X github.com/guardrail-sec/guardrail/internal/cli.Version=v1.2.3".
// Empty: the module version and the VCS revision the Go toolchain
// records (runtime/debug.ReadBuildInfo).
var Version = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version: the module version, or devel, with the VCS revision and time it was built from",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			bi, _ := debug.ReadBuildInfo()
			fmt.Fprintln(c.OutOrStdout(), "guardrail", versionString(Version, bi))
			return nil
		},
	}
}

// pseudoVersion matches a Go pseudo-version (v0.0.0-20260102150405-abcdef123456,
// v1.2.4-0.20260102150405-abcdef123456), which the toolchain makes up for a
// commit that has no tag of its own.
var pseudoVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-(?:[0-9A-Za-z.-]+\.)?(?:0\.)?[0-9]{14}-[0-9a-f]{12}(?:\+dirty)?$`)

// versionString is what 'guardrail version' prints after "guardrail":
// override if set; else the module's tagged version, or "devel" for a
// build of an untagged commit or a source tree; then, when the toolchain
// recorded them (go build in a Git checkout, -buildvcs), the revision,
// its time and whether the tree had changes: "devel (revision
// 0123456789ab, 2026-01-02T15:04:05Z, modified)".
func versionString(override string, bi *debug.BuildInfo) string {
	v := override
	if v == "" && bi != nil {
		v = strings.TrimSuffix(bi.Main.Version, "+dirty")
		if v == "(devel)" || pseudoVersion.MatchString(bi.Main.Version) {
			v = "devel"
		}
	}
	if v == "" {
		v = "devel"
	}
	if bi == nil {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{"revision " + rev}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	return v + " (" + strings.Join(parts, ", ") + ")"
}
