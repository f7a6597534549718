package standards

import (
	"strings"
	"testing"
)

func TestAllParse(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	byShort := map[string]int{}
	for _, s := range all {
		byShort[s.Short] = len(s.Requirements)
	}
	if byShort["cis-3.0"] != 62 {
		t.Errorf("CIS v3.0.0 has 62 recommendations, got %d", byShort["cis-3.0"])
	}
	automated := 0
	for _, s := range all {
		if s.Short != "cis-3.0" {
			continue
		}
		for _, r := range s.Requirements {
			if !r.Manual {
				automated++
				if len(r.Controls) == 0 {
					t.Errorf("automated CIS %s has no control", r.ID)
				}
			}
		}
	}
	if automated != 35 {
		t.Errorf("CIS v3.0.0 has 35 automated recommendations, got %d", automated)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown field", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1', title: t, controlz: []}\n", "line 5"},
		{"missing title", "id: x\nshort: x\nname: X\nrequirements:\n  - {id: '1'}\n", "requirements[0]"},
		{"no requirements", "id: x\nshort: x\nname: X\n", "required"},
	} {
		_, err := Parse("bad.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("%s: got %v, want error naming bad.yaml and %q", tc.name, err, tc.want)
		}
	}
}
