package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// startDemoSim serves a fresh demo organization on loopback until the
// test ends and returns its URL.
func startDemoSim(t testing.TB) string {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim.New(w, sim.Services()))
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestBaselineScripts runs the baseline's command scripts
// (testdata/baseline), each against its own demo organization, with the
// management account's simulator credentials in the environment as
// 'guardrail sim serve' says to set them.
func TestBaselineScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/baseline",
		Setup: func(e *testscript.Env) error {
			url := startDemoSim(e.T().(testing.TB))
			e.Setenv("AWS_CONFIG_FILE", filepath.Join(e.WorkDir, "no-aws-config"))
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(e.WorkDir, "no-aws-credentials"))
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_ENDPOINT_URL", url)
			e.Setenv("AWS_REGION", "us-east-1")
			e.Setenv("AWS_ACCESS_KEY_ID", world.RootKey("111111111111"))
			e.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret("111111111111"))
			e.Setenv("XDG_DATA_HOME", filepath.Join(e.WorkDir, "data"))
			return nil
		},
	})
}

// TestBaselineExitCodes: usage and spec errors are 2, drift with
// --fail-on-drift is 1, a clean status is 0.
func TestBaselineExitCodes(t *testing.T) {
	url := startDemoSim(t)
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey("111111111111"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret("111111111111"))
	t.Setenv("AWS_REGION", "us-east-1")
	common := []string{"--endpoint-url", url, "-q", "--regions", "eu-west-1"}
	db := filepath.Join(dir, "g.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"drift", append([]string{"baseline", "status", "--fail-on-drift"}, common...), ExitFindings, "differ from the spec"},
		{"drift without --fail-on-drift", append([]string{"baseline", "status"}, common...), ExitOK, ""},
		{"bad spec", append([]string{"baseline", "plan", "--spec", filepath.Join("testdata", "baseline", "bad-spec.yaml")}, common...), ExitUsage, "bad-spec.yaml:"},
		{"missing spec", append([]string{"baseline", "plan", "--spec", filepath.Join(dir, "nope.yaml")}, common...), ExitUsage, "--spec: read baseline spec"},
		{"unknown item", append([]string{"baseline", "plan", "--items", "guardduty.nope"}, common...), ExitUsage, `--items: unknown item "guardduty.nope"`},
		{"apply not interactive", append([]string{"baseline", "apply", "--db", db}, common...), ExitUsage, "pass --yes"},
		{"apply of a run that does not exist", append([]string{"baseline", "apply", "--yes", "--run", "nope", "--db", db}, common...), ExitUsage, `--run "nope": no unfinished apply run of that name`},
		{"rollback with nothing journaled", []string{"baseline", "rollback", "--yes", "--db", db, "--endpoint-url", url}, ExitUsage, "no apply run has changes left to roll back"},
		{"apply", append([]string{"baseline", "apply", "--yes", "--db", db}, common...), ExitOK, ""},
		{"no drift after apply", append([]string{"baseline", "status", "--fail-on-drift"}, common...), ExitOK, ""},
		{"rollback", []string{"baseline", "rollback", "--yes", "--db", db, "--endpoint-url", url, "-q"}, ExitOK, ""},
		{"drift again", append([]string{"baseline", "status", "--fail-on-drift"}, common...), ExitFindings, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.err) {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
		})
	}
}
