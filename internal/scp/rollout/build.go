package rollout

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/scp"
)

// FromBuild is what a build wants attached, as a rollout reads it.
func FromBuild(p *scp.Plan) Desired {
	d := Desired{Source: p.Intents}
	for _, t := range p.Targets {
		dt := DesiredTarget{Target: t.Target}
		for _, b := range t.Policies {
			dt.Policies = append(dt.Policies, DesiredPolicy{Name: b.Name, Description: b.Description, Content: string(b.Document)})
		}
		d.Targets = append(d.Targets, dt)
	}
	return d
}

// Attached returns, for each target the intents name (as they spell
// it), the names of the SCPs attached to it now, so that a build packs
// around what stays attached (FullAWSAccess, hand-written policies).
func (s *State) AttachedFor(in *scp.Intents) (scp.Attached, error) {
	out := scp.Attached{}
	for _, t := range in.Targets {
		lt, err := s.Resolve(t.Target)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", in.File, t.Line, err)
		}
		var names []string
		for _, p := range s.Attached(lt.ID) {
			names = append(names, p.Name)
		}
		out[scp.CanonicalTarget(t.Target)] = names
	}
	return out, nil
}

// LoadIntents reads an intents file (errors name file:line:column and
// field).
func LoadIntents(path string) (*scp.Intents, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return scp.Load(path, data)
}

// Build builds intents against the live attachments of s.
func (s *State) Build(in *scp.Intents) (Desired, error) {
	att, err := s.AttachedFor(in)
	if err != nil {
		return Desired{}, err
	}
	p, err := scp.Build(in, att)
	if err != nil {
		return Desired{}, err
	}
	return FromBuild(p), nil
}

// ReadBuild reads the manifest a build wrote (scp build --out DIR:
// DIR/manifest.json).
func ReadBuild(path string) (Desired, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Desired{}, err
	}
	var p scp.Plan
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Desired{}, fmt.Errorf("%s: not a build manifest: %w", path, err)
	}
	if len(p.Targets) == 0 {
		return Desired{}, fmt.Errorf("%s: not a build manifest: no targets", path)
	}
	for i, t := range p.Targets {
		for j, b := range t.Policies {
			if len(b.Document) == 0 {
				return Desired{}, fmt.Errorf("%s: targets[%d].policies[%d] (%s): no document", path, i, j, b.Name)
			}
		}
	}
	return FromBuild(&p), nil
}
