package standards_test

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
)

//go:embed testdata/securityhub-metadata.tsv
var shMetadata []byte

// shControl is one row of testdata/securityhub-metadata.tsv.
type shControl struct {
	severity control.Severity
	fsbp     string // yes, no or retired
	title    string
}

func readSHMetadata(t *testing.T) map[string]shControl {
	t.Helper()
	out := map[string]shControl{}
	sc := bufio.NewScanner(bytes.NewReader(shMetadata))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("testdata/securityhub-metadata.tsv:%d: %q: want ID<tab>severity<tab>fsbp<tab>title", n, line)
		}
		sev, err := control.ParseSeverity(f[1])
		if err != nil {
			t.Fatalf("testdata/securityhub-metadata.tsv:%d: %v", n, err)
		}
		switch f[2] {
		case "yes", "no", "retired":
		default:
			t.Fatalf("testdata/securityhub-metadata.tsv:%d: fsbp %q, want yes, no or retired", n, f[2])
		}
		if _, dup := out[f[0]]; dup {
			t.Fatalf("testdata/securityhub-metadata.tsv:%d: %s listed twice", n, f[0])
		}
		out[f[0]] = shControl{sev, f[2], f[3]}
	}
	return out
}

// TestSecurityHubMetadata holds every control that carries a Security
// Hub ID to Security Hub's own title and severity, and the FSBP standard
// to Security Hub's membership list: a control Security Hub moved out of
// FSBP (or retired) must not count in the FSBP score, and one it lists
// must.
func TestSecurityHubMetadata(t *testing.T) {
	sh := readSHMetadata(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	fsbp, ok := cat.Standard("fsbp")
	if !ok {
		t.Fatal("no fsbp standard")
	}
	inFSBP := map[string]bool{}
	for _, r := range fsbp.Requirements {
		inFSBP[r.ID] = true
	}
	for _, c := range cat.Controls() {
		if strings.HasPrefix(c.ID, "GR.") {
			continue
		}
		want, ok := sh[c.ID]
		if !ok {
			t.Errorf("%s: not in testdata/securityhub-metadata.tsv (add Security Hub's title, severity and FSBP membership)", c.ID)
			continue
		}
		if c.Title != want.title {
			t.Errorf("%s title %q, Security Hub says %q", c.ID, c.Title, want.title)
		}
		if c.Severity != want.severity {
			t.Errorf("%s severity %s, Security Hub says %s", c.ID, c.Severity, want.severity)
		}
		if in := inFSBP[c.ID]; in != (want.fsbp == "yes") {
			t.Errorf("%s: in fsbp.yaml %v, Security Hub's FSBP membership %q", c.ID, in, want.fsbp)
		}
	}
	for _, r := range fsbp.Requirements {
		if want, ok := sh[r.ID]; ok && r.Title != want.title {
			t.Errorf("fsbp.yaml %s title %q, Security Hub says %q", r.ID, r.Title, want.title)
		}
	}
}
