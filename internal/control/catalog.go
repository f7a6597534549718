package control

import (
	"fmt"
	"regexp"
	"sort"
)

// Standard is a published set of requirements (CIS AWS Foundations, AWS
// FSBP) and the controls that implement each.
type Standard struct {
	// ID is how Security Hub names it ("standards/cis-aws-foundations-benchmark/v/3.0.0").
	ID string `yaml:"id" json:"id"`
	// Short is the name used on the command line ("cis-3.0", "fsbp").
	Short        string    `yaml:"short" json:"short"`
	Name         string    `yaml:"name" json:"name"`
	Version      string    `yaml:"version" json:"version"`
	Requirements []StdItem `yaml:"requirements" json:"requirements"`
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
	Controls []string `yaml:"controls" json:"controls"`
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
// are unique; every control a standard names exists. Each control's
// Standards is filled from the standards.
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
	for _, s := range standards {
		if s.ID == "" || s.Short == "" {
			return nil, fmt.Errorf("standard %q: id and short name are required", s.Name)
		}
		seen := map[string]bool{}
		for _, r := range s.Requirements {
			if seen[r.ID] {
				return nil, fmt.Errorf("standard %s: requirement %s listed twice", s.Short, r.ID)
			}
			seen[r.ID] = true
			for _, id := range r.Controls {
				ctl := c.byID[id]
				if ctl == nil {
					return nil, fmt.Errorf("standard %s requirement %s: no control %s", s.Short, r.ID, id)
				}
				ctl.Standards = append(ctl.Standards, Requirement{Standard: s.ID, ID: r.ID})
			}
		}
		c.standards = append(c.standards, s)
	}
	sort.Slice(c.controls, func(i, j int) bool { return Less(c.controls[i].ID, c.controls[j].ID) })
	return c, nil
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
