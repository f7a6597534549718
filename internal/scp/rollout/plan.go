package rollout

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Desired is what the built intents want attached: per target (a
// reference State.Resolve understands), the packed policies.
type Desired struct {
	// Source names where it came from (the intents file).
	Source  string          `json:"source,omitempty"`
	Targets []DesiredTarget `json:"targets"`
}

// DesiredTarget is one target's built policies.
type DesiredTarget struct {
	Target   string          `json:"target"`
	Policies []DesiredPolicy `json:"policies"`
}

// DesiredPolicy is one built SCP. Name gets NamePrefix when it lacks it.
type DesiredPolicy struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Content     string `json:"content"`
}

// Change kinds, in the order apply sends them.
const (
	Create = "create"
	Update = "update"
	Attach = "attach"
	Detach = "detach"
)

// Change is one call apply makes.
type Change struct {
	Kind string `json:"kind"`
	// Policy is the policy's name, PolicyID its ID ("" for one not yet
	// created).
	Policy   string `json:"policy"`
	PolicyID string `json:"policy_id,omitempty"`
	// Target and TargetPath for attach and detach.
	Target     string `json:"target,omitempty"`
	TargetPath string `json:"target_path,omitempty"`
	// Description and Content are what create and update set.
	Description string `json:"description,omitempty"`
	Content     string `json:"content,omitempty"`
}

func (c Change) String() string {
	switch c.Kind {
	case Attach, Detach:
		return fmt.Sprintf("%s %s %s %s", c.Kind, c.Policy, map[string]string{Attach: "to", Detach: "from"}[c.Kind], c.TargetPath)
	}
	return c.Kind + " " + c.Policy
}

// Plan is what apply would do, and what it would mean.
type Plan struct {
	OrgID   string          `json:"org_id"`
	Source  string          `json:"source,omitempty"`
	Desired Desired         `json:"desired"`
	Changes []Change        `json:"changes"`
	Targets []TargetPlan    `json:"targets"`
	Calls   []CallDecisions `json:"calls,omitempty"`
	// State is the organization the plan was made from; After(State)
	// the one it leaves (what 'scp explain --policies-from' reads).
	State *State `json:"state"`
	// Unused are Guardrail's policies that no target wants any more:
	// detached by the plan, left in place (a later run may reuse them).
	Unused []string `json:"unused,omitempty"`
}

// TargetPlan is one target's SCPs before and after.
type TargetPlan struct {
	Target string `json:"target"`
	Path   string `json:"path"`
	// Policies are the SCPs attached before or after, each with what
	// happens to it: unchanged, created, updated, attached, detached,
	// kept (not Guardrail's).
	Policies []PolicyFate `json:"policies"`
	Before   int          `json:"before"`
	After    int          `json:"after"`
}

// PolicyFate is what a plan does to one policy at one target.
type PolicyFate struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	Fate string `json:"fate"`
}

// MakePlan computes the changes that bring s to d. It fails, before
// anything is changed, on a target it cannot resolve, a policy name used
// by a policy Guardrail did not create, a target that would carry more
// than 5 SCPs, or a policy over 5,120 characters.
func MakePlan(s *State, d Desired) (*Plan, error) {
	p := &Plan{OrgID: s.OrgID, Source: d.Source, Desired: d, Changes: []Change{}, State: s}
	want := map[string][]string{} // target ID -> policy names
	byName := map[string]DesiredPolicy{}
	var order []string
	for i, dt := range d.Targets {
		t, err := s.Resolve(dt.Target)
		if err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", i, err)
		}
		for j, dp := range dt.Policies {
			if !strings.HasPrefix(dp.Name, NamePrefix) {
				dp.Name = NamePrefix + dp.Name
			}
			if len(dp.Content) > 5120 {
				return nil, fmt.Errorf("targets[%d].policies[%d] %s: %d characters, over AWS's limit of 5,120", i, j, dp.Name, len(dp.Content))
			}
			if prev, ok := byName[dp.Name]; ok && prev.Content != dp.Content {
				return nil, fmt.Errorf("targets[%d].policies[%d]: two different policies are named %s", i, j, dp.Name)
			}
			if _, ok := byName[dp.Name]; !ok {
				order = append(order, dp.Name)
			}
			byName[dp.Name] = dp
			if !slices.Contains(want[t.ID], dp.Name) {
				want[t.ID] = append(want[t.ID], dp.Name)
			}
		}
	}
	// Policies: create or update.
	fate := map[string]string{} // name -> created, updated, unchanged
	for _, name := range order {
		dp := byName[name]
		cur := s.Named(name)
		switch {
		case cur == nil:
			p.Changes = append(p.Changes, Change{Kind: Create, Policy: name, Description: dp.Description, Content: dp.Content})
			fate[name] = "created"
		case !cur.Ours():
			return nil, fmt.Errorf("policy %s exists and Guardrail did not create it (AWS-managed): rename the intent", name)
		case cur.Content != dp.Content || cur.Description != dp.Description:
			p.Changes = append(p.Changes, Change{Kind: Update, Policy: name, PolicyID: cur.ID, Description: dp.Description, Content: dp.Content})
			fate[name] = "updated"
		default:
			fate[name] = "unchanged"
		}
	}
	// Attachments, then detachments, target by target in path order.
	targets := make([]string, 0, len(s.Targets))
	for id := range s.Targets {
		targets = append(targets, id)
	}
	sort.Slice(targets, func(i, j int) bool {
		pi, pj := s.PathName(targets[i]), s.PathName(targets[j])
		return pi < pj
	})
	var detaches []Change
	stillWanted := map[string]bool{}
	for _, names := range want {
		for _, n := range names {
			stillWanted[n] = true
		}
	}
	for _, id := range targets {
		tp := TargetPlan{Target: id, Path: s.PathName(id)}
		cur := s.Attached(id)
		changed := false
		for _, c := range cur {
			tp.Before++
			f := PolicyFate{Name: c.Name, ID: c.ID}
			switch {
			case !c.Ours():
				f.Fate = "kept"
				tp.After++
			case slices.Contains(want[id], c.Name):
				f.Fate = fate[c.Name]
				tp.After++
				changed = changed || f.Fate != "unchanged"
			default:
				f.Fate = "detached"
				detaches = append(detaches, Change{Kind: Detach, Policy: c.Name, PolicyID: c.ID, Target: id, TargetPath: tp.Path})
				changed = true
			}
			tp.Policies = append(tp.Policies, f)
		}
		for _, n := range want[id] {
			if slices.ContainsFunc(cur, func(c *Policy) bool { return c.Name == n }) {
				continue
			}
			id2 := ""
			if c := s.Named(n); c != nil {
				id2 = c.ID
			}
			tp.Policies = append(tp.Policies, PolicyFate{Name: n, ID: id2, Fate: "attached"})
			p.Changes = append(p.Changes, Change{Kind: Attach, Policy: n, PolicyID: id2, Target: id, TargetPath: tp.Path})
			tp.After++
			changed = true
		}
		if tp.After > 5 {
			return nil, fmt.Errorf("%s would carry %d SCPs (%d already attached that Guardrail keeps, %d of Guardrail's): AWS allows 5 per target; pack the intents into fewer policies", tp.Path, tp.After, tp.After-len(want[id]), len(want[id]))
		}
		if tp.After == 0 {
			return nil, fmt.Errorf("%s would carry no SCP: AWS needs at least one per target", tp.Path)
		}
		if changed {
			p.Targets = append(p.Targets, tp)
		}
	}
	p.Changes = append(p.Changes, detaches...)
	for _, pol := range s.Policies {
		if pol.Ours() && !stillWanted[pol.Name] {
			p.Unused = append(p.Unused, pol.Name)
		}
	}
	sort.Strings(p.Unused)
	return p, nil
}

// newID starts the ID After gives a policy not yet created.
const newID = "new:"

// After returns the state the plan leaves (a policy not yet created has
// the ID "new:" and its name).
func (p *Plan) After(s *State) *State {
	out := &State{OrgID: s.OrgID, Management: s.Management, RootID: s.RootID, Targets: s.Targets, Policies: map[string]*Policy{}}
	for id, pol := range s.Policies {
		c := *pol
		c.Targets = slices.Clone(pol.Targets)
		out.Policies[id] = &c
	}
	for _, c := range p.Changes {
		switch c.Kind {
		case Create:
			id := newID + c.Policy
			out.Policies[id] = &Policy{ID: id, Name: c.Policy, Description: c.Description, Content: c.Content}
		case Update:
			out.Policies[c.PolicyID].Content, out.Policies[c.PolicyID].Description = c.Content, c.Description
		case Attach:
			pol := out.Named(c.Policy)
			pol.Targets = append(pol.Targets, c.Target)
		case Detach:
			pol := out.Policies[c.PolicyID]
			pol.Targets = slices.DeleteFunc(pol.Targets, func(t string) bool { return t == c.Target })
		}
	}
	return out
}

// WriteText writes the plan for a person.
func (p *Plan) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "SCP plan for organization %s", p.OrgID)
	if p.Source != "" {
		fmt.Fprintf(w, " from %s", p.Source)
	}
	fmt.Fprintf(w, ": %d changes\n", len(p.Changes))
	for _, t := range p.Targets {
		fmt.Fprintf(w, "\n%s (%s): %d SCPs before, %d after\n", t.Path, t.Target, t.Before, t.After)
		for _, f := range t.Policies {
			id := f.ID
			if id == "" {
				id = "new"
			}
			fmt.Fprintf(w, "  %-10s %s (%s)\n", f.Fate, f.Name, id)
		}
	}
	if len(p.Changes) > 0 {
		fmt.Fprintln(w, "\nChanges, in order:")
		for i, c := range p.Changes {
			fmt.Fprintf(w, "  %2d. %s\n", i+1, c)
		}
	}
	if len(p.Unused) > 0 {
		fmt.Fprintf(w, "\nGuardrail's policies no target wants any more (left detached, not deleted): %s\n", strings.Join(p.Unused, ", "))
	}
	for _, cd := range p.Calls {
		fmt.Fprintf(w, "\nEffective SCP decisions in %s:\n", cd.AccountPath)
		for _, r := range cd.Results {
			mark := ""
			if r.Before != r.After {
				mark = "  <- changes"
			}
			fmt.Fprintf(w, "  %-62s %-6s -> %s%s\n", r.Call, r.Before, r.After, mark)
			if r.Why != "" {
				fmt.Fprintf(w, "  %-62s    %s\n", "", r.Why)
			}
		}
	}
	return nil
}

// JSON returns the plan as saved by plan --out and read by apply --plan.
func (p *Plan) JSON() []byte {
	b, _ := json.MarshalIndent(p, "", "  ")
	return append(b, '\n')
}

// ReadPlan reads a saved plan; name is for errors.
func ReadPlan(data []byte, name string) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a saved SCP plan: %w", name, err)
	}
	if p.OrgID == "" {
		return nil, fmt.Errorf("%s: not a saved SCP plan: no org_id", name)
	}
	return &p, nil
}
