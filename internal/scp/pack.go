package scp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

// How statements are packed.
//
// AWS limits an SCP to 5,120 characters and a target (the root, an OU,
// an account) to 5 attached SCPs (Organizations quotas). The Console
// strips whitespace outside quoted strings before counting; the API, which
// Guardrail uses, counts what it is given, so every policy is built
// minified, and its size is counted in bytes, which is never less than
// AWS's count of characters.
//
// Statements with the same effect, conditions, resources and principals
// are merged into one (the union of their actions, an action covered by a
// wildcard of the same statement dropped): conditions and resources are
// written once. The merged statements are then packed into as few
// policies as fit (first fit, largest first), each kept in the order the
// intents gave. A statement too big for one policy is split by its
// actions; one that cannot be split (a NotAction list) is an error.
//
// The slots of a target are 5 less what stays attached: FullAWSAccess
// (SCPs need an Allow at every level, so Guardrail never detaches it)
// and any other policy attached today, except Guardrail's own from an
// earlier build (named guardrail-…), which this build replaces.

// MaxPolicySize is AWS's limit on an SCP's size, in characters.
const MaxPolicySize = 5120

// MaxPerTarget is AWS's limit on the SCPs attached to one target.
const MaxPerTarget = 5

// FullAWSAccess is the AWS managed SCP that allows everything.
const FullAWSAccess = "FullAWSAccess"

// PolicyPrefix starts the name of every policy Guardrail builds; an
// attached policy with this prefix is Guardrail's, replaced by a new
// build.
const PolicyPrefix = "guardrail-"

// Plan is what a build produces and the rollout consumes: per target,
// the policies to attach (in manifest.json beside the policy files).
type Plan struct {
	// Intents is the intents file the plan was built from.
	Intents string `json:"intents"`
	// GuardrailRole is the member-account role every exemptible
	// statement spares.
	GuardrailRole string           `json:"guardrail_role"`
	Targets       []TargetPolicies `json:"targets"`
}

// TargetPolicies are one target's built policies.
type TargetPolicies struct {
	// Target as the intents wrote it (root, ou:Path, ou-…, account:…).
	Target string `json:"target"`
	// Keep are the policies attached today that stay attached
	// (FullAWSAccess first); Guardrail's own old ones are not in it.
	Keep     []string `json:"keep"`
	Policies []Built  `json:"policies"`
}

// Built is one policy.
type Built struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// File is the policy's file, relative to the manifest, when the
	// build wrote one.
	File string `json:"file,omitempty"`
	// Document is the policy, minified: what is sent to AWS.
	Document json.RawMessage `json:"document"`
	// Size is the document's size in bytes (at most MaxPolicySize).
	Size int `json:"size"`
	// Sids are the statement IDs the policy holds, in order.
	Sids []string `json:"sids"`
}

// Attached maps a target (as in the intents; any spelling that
// CanonicalTarget makes equal) to the names of the SCPs attached to it
// today. A target it does not list has FullAWSAccess only.
type Attached map[string][]string

// LoadAttached reads an attached-policies file:
// {"ou:Workloads": ["FullAWSAccess", "DenyBilling"], "root": ["FullAWSAccess"]}.
func LoadAttached(name string, data []byte) (Attached, error) {
	var raw map[string][]string
	if err := json.Unmarshal(data, &raw); err != nil {
		if doc, perr := policy.Parse(data); perr == nil && doc != nil {
			return nil, fmt.Errorf("%s: a policy document, not a map of target to attached policy names", name)
		}
		return nil, fmt.Errorf("%s: want a JSON object of target to a list of attached policy names, e.g. "+
			`{"ou:Workloads": ["FullAWSAccess"]}: %v`, name, err)
	}
	out := Attached{}
	for t, names := range raw {
		if err := CheckTarget(t); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		out[CanonicalTarget(t)] = names
	}
	return out, nil
}

// keep returns what stays attached to target: FullAWSAccess and every
// other policy but Guardrail's own.
func (a Attached) keep(target string) []string {
	var names []string
	for k, v := range a {
		if CanonicalTarget(k) == CanonicalTarget(target) {
			names = v
		}
	}
	out := []string{FullAWSAccess}
	for _, n := range names {
		if n != FullAWSAccess && !strings.HasPrefix(n, PolicyPrefix) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// PackError is a target whose policies cannot fit.
type PackError struct {
	Target string
	// Need is how many policies the statements need, Free how many
	// slots the target has, Size the statements' total size.
	Need, Free, Size int
	Keep             []string
	// Statement and StatementSize name a statement too big for any
	// policy.
	Statement     string
	StatementSize int
}

func (e *PackError) Error() string {
	if e.Statement != "" {
		return fmt.Sprintf("target %s: statement %s is %d characters minified, more than the %d an SCP may hold, and cannot be split "+
			"(NotAction lists stay whole): shorten it", e.Target, e.Statement, e.StatementSize, MaxPolicySize)
	}
	return fmt.Sprintf("target %s: the intents need %d policies (%d characters minified, at most %d each) but only %d of %d slots "+
		"are free (attached and kept: %s): remove intents, move some to a parent OU, or detach a policy",
		e.Target, e.Need, e.Size, MaxPolicySize, e.Free, MaxPerTarget, strings.Join(e.Keep, ", "))
}

// Build compiles, merges and packs the intents into a plan.
func Build(in *Intents, attached Attached) (*Plan, error) {
	plan := &Plan{Intents: in.File, GuardrailRole: in.GuardrailRole}
	var errs []error
	for _, c := range Compile(in) {
		tp, err := Pack(c.Target, Merge(c.Statements), attached.keep(c.Target))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		plan.Targets = append(plan.Targets, *tp)
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return plan, nil
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("%s", strings.Join(msgs, "\n"))
}

// mergeKey is what two statements must share to be merged.
func mergeKey(s *policy.Statement) (string, bool) {
	if s.Action == nil || s.NotAction != nil {
		return "", false
	}
	c := *s
	c.Sid, c.Action, c.Index = "", []string{"x"}, 0
	// Condition values are ORed: their order does not matter.
	c.Condition = nil
	for _, cd := range s.Condition {
		cd.Values = slices.Sorted(slices.Values(cd.Values))
		c.Condition = append(c.Condition, cd)
	}
	var b bytes.Buffer
	if err := policy.MinifyStatement(&b, &c); err != nil {
		return "", false
	}
	return b.String(), true
}

// Merge merges statements that differ only in their actions (see the
// package notes); the result keeps the order of first appearance and
// the merged Sids joined.
func Merge(stmts []*policy.Statement) []*policy.Statement {
	var out []*policy.Statement
	byKey := map[string]*policy.Statement{}
	for _, s := range stmts {
		c := *s
		c.Action = slices.Clone(s.Action)
		key, ok := mergeKey(s)
		if !ok {
			c.Index = len(out)
			out = append(out, &c)
			continue
		}
		if m, seen := byKey[key]; seen {
			m.Sid += c.Sid
			m.Action = append(m.Action, c.Action...)
			continue
		}
		c.Index = len(out)
		byKey[key] = &c
		out = append(out, &c)
	}
	for _, s := range out {
		if s.Action != nil {
			s.Action = dropCovered(s.Action)
		}
	}
	return out
}

// dropCovered removes repeated actions and those another pattern of the
// list covers ("s3:GetObject" beside "s3:*").
func dropCovered(acts []string) []string {
	var out []string
	for i, a := range acts {
		covered := false
		for j, b := range acts {
			if i == j {
				continue
			}
			if strings.EqualFold(a, b) {
				covered = j < i
			} else if policy.MatchAction(b, a) && !policy.MatchAction(a, b) {
				covered = true
			}
			if covered {
				break
			}
		}
		if !covered {
			out = append(out, a)
		}
	}
	return out
}

// envelope is the size of a policy's text around its statements:
// {"Version":"2012-10-17","Statement":[]}.
var envelope = len(`{"Version":"2012-10-17","Statement":[]}`)

func statementSize(s *policy.Statement) int {
	var b bytes.Buffer
	policy.MinifyStatement(&b, s)
	return b.Len()
}

// split returns s as statements that each fit in a policy, splitting its
// Action list in halves as often as needed; nil when it cannot.
func split(s *policy.Statement) []*policy.Statement {
	if envelope+statementSize(s) <= MaxPolicySize {
		return []*policy.Statement{s}
	}
	if len(s.Action) < 2 {
		return nil
	}
	half := len(s.Action) / 2
	a, b := *s, *s
	a.Action, b.Action = slices.Clone(s.Action[:half]), slices.Clone(s.Action[half:])
	a.Sid, b.Sid = s.Sid+"A", s.Sid+"B"
	pa, pb := split(&a), split(&b)
	if pa == nil || pb == nil {
		return nil
	}
	return append(pa, pb...)
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

// Slug is the part of a policy name that names its target:
// "ou-workloads-prod" for ou:Workloads/Prod.
func Slug(target string) string {
	s := strings.Trim(slugChars.ReplaceAllString(strings.ToLower(CanonicalTarget(target)), "-"), "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return s
}

// Pack packs a target's statements into policies of at most
// MaxPolicySize, at most as many as the target's free slots (MaxPerTarget
// less keep).
func Pack(target string, stmts []*policy.Statement, keep []string) (*TargetPolicies, error) {
	var parts []*policy.Statement
	total := 0
	for _, s := range stmts {
		p := split(s)
		if p == nil {
			return nil, &PackError{Target: target, Statement: s.Name(), StatementSize: statementSize(s)}
		}
		for _, x := range p {
			total += statementSize(x)
		}
		parts = append(parts, p...)
	}
	for i, s := range parts {
		s.Index = i
	}
	// First fit, largest first.
	order := slices.Clone(parts)
	sort.SliceStable(order, func(i, j int) bool { return statementSize(order[i]) > statementSize(order[j]) })
	type bin struct {
		size  int
		stmts []*policy.Statement
	}
	var bins []*bin
	for _, s := range order {
		n := statementSize(s)
		placed := false
		for _, b := range bins {
			if b.size+1+n <= MaxPolicySize {
				b.size += 1 + n
				b.stmts = append(b.stmts, s)
				placed = true
				break
			}
		}
		if !placed {
			bins = append(bins, &bin{size: envelope + n, stmts: []*policy.Statement{s}})
		}
	}
	free := MaxPerTarget - len(keep)
	if len(bins) > free {
		return nil, &PackError{Target: target, Need: len(bins), Free: max(free, 0), Size: total, Keep: keep}
	}
	tp := &TargetPolicies{Target: target, Keep: keep}
	for i, b := range bins {
		slices.SortFunc(b.stmts, func(x, y *policy.Statement) int { return x.Index - y.Index })
		doc := &policy.Document{Version: "2012-10-17", Statements: b.stmts}
		text, err := policy.Minify(doc)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", target, err)
		}
		var sids []string
		for _, s := range b.stmts {
			sids = append(sids, s.Sid)
		}
		name := fmt.Sprintf("%s%s-%d", PolicyPrefix, Slug(target), i+1)
		desc := fmt.Sprintf("Guardrail preventive guardrails for %s (%d of %d): %s", target, i+1, len(bins), strings.Join(sids, ", "))
		if len(desc) > 512 {
			desc = desc[:509] + "..."
		}
		tp.Policies = append(tp.Policies, Built{Name: name, Description: desc, Document: text, Size: len(text), Sids: sids})
	}
	return tp, nil
}
