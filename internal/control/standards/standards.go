// Package standards holds the published standards Guardrail assesses
// against (CIS AWS Foundations Benchmark, AWS Foundational Security Best
// Practices) as embedded YAML: each requirement with the IDs of the
// controls that assess it.
package standards

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
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
		if r.ID == "" || r.Title == "" {
			return s, fmt.Errorf("%s: requirements[%d]: id and title are required", name, i)
		}
	}
	return s, nil
}
