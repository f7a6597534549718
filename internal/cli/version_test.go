package cli

import (
	"runtime/debug"
	"testing"
)

// TestVersionString: the version comes from the build (module version,
// VCS revision and time) unless -ldflags set it; never a bare "dev".
func TestVersionString(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-01-02T15:04:05Z"}, {Key: "vcs.modified", Value: "false"}}
	dirty := append(vcs[:3:3], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	info := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/guardrail-sec/guardrail", Version: version}, Settings: settings}
	}
	for _, tc := range []struct {
		name     string
		override string
		bi       *debug.BuildInfo
		want     string
	}{
		{"tagged release", "", info("v1.2.3", vcs), "v1.2.3 (revision 0123456789ab, 2026-01-02T15:04:05Z)"},
		{"go install module@version", "", info("v1.2.3", nil), "v1.2.3"},
		{"source tree", "", info("(devel)", vcs), "devel (revision 0123456789ab, 2026-01-02T15:04:05Z)"},
		{"untagged commit", "", info("v0.0.0-20260102150405-0123456789ab", vcs), "devel (revision 0123456789ab, 2026-01-02T15:04:05Z)"},
		{"after a tag", "", info("v1.2.4-0.20260102150405-0123456789ab+dirty", dirty), "devel (revision 0123456789ab, 2026-01-02T15:04:05Z, modified)"},
		{"tag, uncommitted changes", "", info("v1.2.3+dirty", dirty), "v1.2.3 (revision 0123456789ab, 2026-01-02T15:04:05Z, modified)"},
		{"-buildvcs=false", "", info("(devel)", nil), "devel"},
		{"-ldflags override", "v9.9.9", info("(devel)", vcs), "v9.9.9 (revision 0123456789ab, 2026-01-02T15:04:05Z)"},
		{"no build info", "", nil, "devel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionString(tc.override, tc.bi); got != tc.want {
				t.Errorf("versionString = %q, want %q", got, tc.want)
			}
		})
	}
}
