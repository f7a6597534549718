package control

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Standard is a published set of requirements (CIS AWS Foundations, AWS
// FSBP, the Well-Architected security pillar) and the controls that
// implement each.
type Standard struct {
	// ID is how Security Hub names it ("standards/cis-aws-foundations-benchmark/v/3.0.0",
	// "ruleset/cis-aws-foundations-benchmark/v/1.2.0"). A standard Security
	// Hub does not offer has an ID under "guardrail/" (see InSecurityHub).
	ID string `yaml:"id" json:"id"`
	// Short is the name used on the command line ("cis-3.0", "fsbp").
	Short   string `yaml:"short" json:"short"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Primary standards are the ones a scan of every standard shows as
	// columns of its account table (the text report has room for two).
	Primary bool `yaml:"primary" json:"primary,omitempty"`
	// ControlsFrom, when "well_architected", adds to each requirement the
	// controls whose WellArchitected names the requirement's ID: a new
	// control tagged "SEC08" joins SEC08 without an edit here.
	ControlsFrom string    `yaml:"controls_from" json:"controls_from,omitempty"`
	Requirements []StdItem `yaml:"requirements" json:"requirements"`
}

// Label names the standard with its version, as reports and the
// dashboard show it: "CIS AWS Foundations Benchmark v3.0.0"; a version
// that is a date is shown in parentheses ("… Security Pillar (2024-06-27)").
func (s Standard) Label() string {
	name := s.Name
	if name == "" {
		name = s.Short
	}
	switch {
	case s.Version == "" || strings.Contains(name, s.Version):
		return name
	case strings.Count(s.Version, "-") == 2:
		return name + " (" + s.Version + ")"
	}
	return name + " v" + s.Version
}

// InSecurityHub reports whether Security Hub offers the standard under
// its ID (an ASFF finding names it in Compliance.AssociatedStandards).
func (s Standard) InSecurityHub() bool { return !strings.HasPrefix(s.ID, "guardrail/") }

// Counts counts the requirements assessed by a Guardrail control,
// the manual ones with none, and those whose controls Guardrail does not
// implement yet.
func (s Standard) Counts() (assessed, manual, notImplemented int) {
	for _, r := range s.Requirements {
		switch r.Kind() {
		case KindAssessed:
			assessed++
		case KindManual:
			manual++
		default:
			notImplemented++
		}
	}
	return
}

// StdItem is one requirement of a standard.
type StdItem struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Level is the CIS profile level (1 or 2); 0 when the standard has none.
	Level int `yaml:"level" json:"level,omitempty"`
	// Manual requirements need a person's judgement; Guardrail may still
	// have a control that helps.
	Manual bool `yaml:"manual" json:"manual,omitempty"`
	// Controls are the IDs of the controls that assess the requirement.
	// The YAML lists Security Hub control IDs (or GR.<Service>.<n> for
	// Guardrail's own); the catalog keeps here the ones it implements and
	// moves the others to NotImplemented.
	Controls []string `yaml:"controls" json:"controls"`
	// NotImplemented are the Security Hub controls that assess the
	// requirement and Guardrail does not implement yet: the requirement
	// maps to them as soon as the catalog has them. Set by NewCatalog.
	NotImplemented []string `yaml:"-" json:"not_implemented,omitempty"`
}

// Kind is how a requirement is assessed.
type Kind string

// Requirement kinds. Only assessed requirements count in a score: a
// manual one needs a person, and one not implemented has no control yet;
// neither ever reads as passed.
const (
	KindAssessed       Kind = "assessed"
	KindManual         Kind = "manual"
	KindNotImplemented Kind = "not implemented"
)

// Kind is assessed when a Guardrail control assesses the requirement,
// not implemented when only controls Guardrail lacks would, else manual.
func (r StdItem) Kind() Kind {
	switch {
	case len(r.Controls) > 0:
		return KindAssessed
	case len(r.NotImplemented) > 0:
		return KindNotImplemented
	}
	return KindManual
}

// Catalog is the set of controls and the standards they implement.
type Catalog struct {
	controls  []*Control
	byID      map[string]*Control
	standards []Standard
}

var idPattern = regexp.MustCompile(`^(GR\.)?[A-Z][A-Za-z0-9]*\.[0-9]+$`)

// NewCatalog checks controls and standards and links them: every control
// has an ID of the right form, a title, a check and a resource type; IDs
// are unique. A standard's requirement names controls by ID: one the
// catalog has is linked (the control's Standards is filled from the
// standards); a Security Hub control ID it does not have yet is kept in
// the requirement's NotImplemented, so the mapping starts to count the day
// the control is added; a Guardrail control (GR.*) must exist. The
// standards are copied: the caller's are not changed.
func NewCatalog(controls []*Control, standards []Standard) (*Catalog, error) {
	c := &Catalog{byID: map[string]*Control{}}
	for _, ctl := range controls {
		switch {
		case !idPattern.MatchString(ctl.ID):
			return nil, fmt.Errorf("control %q: ID must look like S3.1 or GR.IAM.1", ctl.ID)
		case c.byID[ctl.ID] != nil:
			return nil, fmt.Errorf("control %s: defined twice", ctl.ID)
		case ctl.Title == "" || ctl.Check == nil || ctl.ResourceType == "" || ctl.Service == "":
			return nil, fmt.Errorf("control %s: title, service, resource type and check are required", ctl.ID)
		case ctl.Remediation == "" || ctl.Rationale == "":
			return nil, fmt.Errorf("control %s: rationale and remediation are required", ctl.ID)
		}
		cp := *ctl
		cp.Standards = nil
		c.byID[ctl.ID] = &cp
		c.controls = append(c.controls, &cp)
	}
	shorts := map[string]bool{}
	for _, s := range standards {
		if s.ID == "" || s.Short == "" {
			return nil, fmt.Errorf("standard %q: id and short name are required", s.Name)
		}
		if shorts[s.Short] || shorts[s.ID] {
			return nil, fmt.Errorf("standard %s: defined twice", s.Short)
		}
		shorts[s.Short], shorts[s.ID] = true, true
		s, err := c.link(s)
		if err != nil {
			return nil, err
		}
		c.standards = append(c.standards, s)
	}
	sort.Slice(c.controls, func(i, j int) bool { return Less(c.controls[i].ID, c.controls[j].ID) })
	return c, nil
}

// link resolves s's requirements against the catalog's controls (see
// NewCatalog) and returns the resolved copy.
func (c *Catalog) link(s Standard) (Standard, error) {
	tagged := map[string][]string{}
	switch s.ControlsFrom {
	case "":
	case "well_architected":
		// A control names questions of every pillar (REL10, COST02);
		// the standard takes those of its own pillars (SEC01: "SEC"),
		// and a question of its pillars it does not have is an error.
		pillars := map[string]bool{}
		for _, r := range s.Requirements {
			pillars[strings.TrimRight(r.ID, "0123456789")] = true
		}
		for _, ctl := range c.controls {
			for _, q := range ctl.WellArchitected {
				if pillars[strings.TrimRight(q, "0123456789")] {
					tagged[q] = append(tagged[q], ctl.ID)
				}
			}
		}
		for _, ids := range tagged {
			slices.SortFunc(ids, func(a, b string) int {
				if Less(a, b) {
					return -1
				}
				if Less(b, a) {
					return 1
				}
				return 0
			})
		}
	default:
		return s, fmt.Errorf("standard %s: controls_from %q: want well_architected", s.Short, s.ControlsFrom)
	}
	seen := map[string]bool{}
	reqs := make([]StdItem, 0, len(s.Requirements))
	for _, r := range s.Requirements {
		if seen[r.ID] {
			return s, fmt.Errorf("standard %s: requirement %s listed twice", s.Short, r.ID)
		}
		seen[r.ID] = true
		listed := append(slices.Clone(r.Controls), tagged[r.ID]...)
		delete(tagged, r.ID)
		r.Controls, r.NotImplemented = nil, nil
		dup := map[string]bool{}
		for _, id := range listed {
			if dup[id] {
				continue
			}
			dup[id] = true
			ctl := c.byID[id]
			switch {
			case ctl != nil:
				r.Controls = append(r.Controls, id)
				ctl.Standards = append(ctl.Standards, Requirement{Standard: s.ID, ID: r.ID})
			case !idPattern.MatchString(id):
				return s, fmt.Errorf("standard %s requirement %s: %q is not a control ID (want S3.1 or GR.IAM.1)", s.Short, r.ID, id)
			case strings.HasPrefix(id, "GR."):
				return s, fmt.Errorf("standard %s requirement %s: no control %s", s.Short, r.ID, id)
			default:
				r.NotImplemented = append(r.NotImplemented, id)
			}
		}
		reqs = append(reqs, r)
	}
	for _, q := range slices.Sorted(maps.Keys(tagged)) {
		return s, fmt.Errorf("standard %s: control %s names %s, which the standard does not have", s.Short, tagged[q][0], q)
	}
	s.Requirements = reqs
	return s, nil
}

// Controls returns every control, ordered by ID (S3.2 before S3.10).
func (c *Catalog) Controls() []*Control { return c.controls }

// Control returns the control with id, or nil.
func (c *Catalog) Control(id string) *Control { return c.byID[id] }

// Standards returns the standards.
func (c *Catalog) Standards() []Standard { return c.standards }

// Standard returns the standard whose ID or short name is name.
func (c *Catalog) Standard(name string) (Standard, bool) {
	for _, s := range c.standards {
		if s.ID == name || s.Short == name {
			return s, true
		}
	}
	return Standard{}, false
}

// In reports whether control id implements a requirement of standard.
func (c *Catalog) In(id, standard string) bool {
	ctl := c.byID[id]
	if ctl == nil {
		return false
	}
	for _, r := range ctl.Standards {
		if r.Standard == standard {
			return true
		}
	}
	return false
}

// Less orders control IDs service first, then by number: "EC2.2" < "EC2.10".
func Less(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	return na < nb
}

func splitID(id string) (string, int) {
	n, mul := 0, 1
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
		n += int(id[i]-'0') * mul
		mul *= 10
	}
	return id[:i], n
}
