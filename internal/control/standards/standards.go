// Package standards holds the published standards Guardrail assesses
// against as embedded YAML, one file per standard: CIS AWS Foundations
// Benchmark v1.2.0, v1.4.0, v3.0.0, v4.0.1 and v5.0.0, AWS Foundational
// Security Best Practices, and the AWS Well-Architected security pillar.
// Each requirement lists the IDs of the controls that assess it.
//
// # Mappings
//
// A standard maps its own requirement numbering onto controls, as
// Security Hub's consolidated controls do: a control is implemented once,
// and each standard names it from its requirements. A requirement may name
// several controls (it passes when all of them pass), or none (a manual
// requirement: a person must judge it, and it never counts as passed).
//
// The YAML names Security Hub's control IDs ("EFS.1"), or GR.<Service>.<n>
// for Guardrail's own checks. The catalog (control.NewCatalog) resolves
// the names against the controls it has: an implemented control is
// mapped; a Security Hub ID it does not have yet is kept as "not
// implemented" on the requirement, shown as such, and left out of the
// score; the day a control with that ID is added to the catalog, the
// requirement maps to it with no edit here. A GR.* name must exist (it is
// ours). TestNotImplementedAreSecurityHubControls keeps the not-implemented
// names honest: each must be a Security Hub control ID listed, with its
// Security Hub title, in testdata/securityhub-controls.txt.
//
// The Well-Architected standard (controls_from: well_architected) also
// maps every control whose WellArchitected field names a question.
//
// Each file's header says what was verified about it (the number of
// requirements, automated and manual, and the sources); TestAllParse
// checks those counts.
package standards

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/control"
)

//go:embed *.yaml
var files embed.FS

// All returns the embedded standards, ordered by file name.
func All() ([]control.Standard, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []control.Standard
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		s, err := Parse(n, b)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Parse decodes one standard strictly: unknown fields are errors, and
// errors name the file and line.
func Parse(name string, b []byte) (control.Standard, error) {
	var s control.Standard
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", name, err)
	}
	if s.ID == "" || s.Short == "" || s.Name == "" || len(s.Requirements) == 0 {
		return s, fmt.Errorf("%s: id, short, name and requirements are required", name)
	}
	for i, r := range s.Requirements {
		switch {
		case r.ID == "" || r.Title == "":
			return s, fmt.Errorf("%s: requirements[%d]: id and title are required", name, i)
		case r.Level < 0 || r.Level > 2:
			return s, fmt.Errorf("%s: requirements[%d] (%s): level %d: want 1 or 2 (0 when the standard has none)", name, i, r.ID, r.Level)
		case slices.Contains(r.Controls, ""):
			return s, fmt.Errorf("%s: requirements[%d] (%s): an empty control ID", name, i, r.ID)
		}
	}
	return s, nil
}
