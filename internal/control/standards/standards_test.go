package standards_test

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/control/standards"
)

// verified are the counts each YAML header says were checked against
// the benchmark: requirements, and how many CIS marks manual.
var verified = map[string]struct{ requirements, manual int }{
	"cis-1.2": {49, 6},  // 43 scored, as Security Hub's v1.2.0 standard
	"cis-1.4": {58, 11}, // 47 automated
	"cis-3.0": {62, 27}, // 35 automated
	"cis-4.0": {64, 27}, // 37 automated
	"cis-5.0": {63, 26}, // 37 automated
	"wa-sec":  {11, 0},  // SEC01-SEC11
}

func TestAllParse(t *testing.T) {
	all, err := standards.All()
	if err != nil {
		t.Fatal(err)
	}
	var shorts []string
	for _, s := range all {
		shorts = append(shorts, s.Short)
		want, ok := verified[s.Short]
		if !ok {
			continue
		}
		manual := 0
		for _, r := range s.Requirements {
			if r.Manual {
				manual++
			}
		}
		if len(s.Requirements) != want.requirements || manual != want.manual {
			t.Errorf("%s: %d requirements (%d manual), the header verified %d (%d manual)", s.Short, len(s.Requirements), manual, want.requirements, want.manual)
		}
	}
	if got, want := strings.Join(shorts, " "), "cis-1.2 cis-1.4 cis-3.0 cis-4.0 cis-5.0 fsbp wa-sec"; got != want {
		t.Errorf("standards %q, want %q", got, want)
	}
}

// TestCatalogResolves: every standard links in the default catalog (a
// GR.* name must exist), every automated CIS requirement is assessed or
// waits for a named Security Hub control (never silently unmapped), and
// FSBP maps each requirement to the control of the same ID.
func TestCatalogResolves(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cat.Standards() {
		for _, r := range s.Requirements {
			for _, id := range r.Controls {
				if cat.Control(id) == nil {
					t.Errorf("%s %s: maps to %s, which the catalog lacks", s.Short, r.ID, id)
				}
			}
			if strings.HasPrefix(s.Short, "cis-") && !r.Manual && r.Kind() == control.KindManual {
				t.Errorf("%s %s: automated, but names no control (assessed or not implemented)", s.Short, r.ID)
			}
			if s.Short == "fsbp" && (len(r.Controls) != 1 || r.Controls[0] != r.ID) {
				t.Errorf("fsbp %s maps to %v", r.ID, r.Controls)
			}
		}
	}
	// Security Hub standards use its IDs; the others are Guardrail's.
	for short, inSH := range map[string]bool{"cis-1.2": true, "cis-1.4": true, "cis-3.0": true, "cis-4.0": false, "cis-5.0": true, "fsbp": true, "wa-sec": false} {
		s, ok := cat.Standard(short)
		if !ok || s.InSecurityHub() != inSH {
			t.Errorf("%s: found %v, in Security Hub %v, want %v", short, ok, s.InSecurityHub(), inSH)
		}
	}
	if s, _ := cat.Standard("cis-1.2"); s.ID != "ruleset/cis-aws-foundations-benchmark/v/1.2.0" {
		t.Errorf("cis-1.2 ID %q: Security Hub names v1.2.0 a ruleset", s.ID)
	}
	// Every security-pillar question a control declares is mapped from
	// it (questions of other pillars, REL10 or COST02, are not wa-sec's).
	wa, _ := cat.Standard("wa-sec")
	for _, c := range cat.Controls() {
		for _, q := range c.WellArchitected {
			if strings.HasPrefix(q, "SEC") && !cat.In(c.ID, wa.ID) {
				t.Errorf("%s declares %s but is not in wa-sec", c.ID, q)
			}
		}
	}
}

//go:embed testdata/securityhub-controls.txt
var shControls []byte

func TestNotImplementedAreSecurityHubControls(t *testing.T) {
	known := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(shControls))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, title, ok := strings.Cut(line, "\t")
		if !ok || title == "" {
			t.Fatalf("testdata/securityhub-controls.txt: %q: want ID<tab>title", line)
		}
		known[id] = true
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cat.Standards() {
		for _, r := range s.Requirements {
			for _, id := range r.NotImplemented {
				if !known[id] {
					t.Errorf("%s %s names %s: not implemented, and not a Security Hub control in testdata/securityhub-controls.txt (a typo?)", s.Short, r.ID, id)
				}
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown field", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1', title: t, controlz: []}\n", "line 5"},
		{"missing title", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1'}\n", "requirements[0]"},
		{"no requirements", "id: x\nshort: x\nname: X\n", "required"},
		{"bad level", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1', title: t, level: 3}\n", "level 3"},
		{"empty control", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1', title: t, controls: ['']}\n", "empty control"},
	} {
		_, err := standards.Parse("bad.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("%s: got %v, want error naming bad.yaml and %q", tc.name, err, tc.want)
		}
	}
}
