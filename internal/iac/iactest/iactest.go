// Package iactest holds what the IaC tests share: a builder of Terraform
// plans that look like 'terraform show -json' output, the live side of
// the equivalence table (the same misconfiguration created through the
// AWS SDK in the simulator and assessed with scan.AssessSnapshot), and
// the reason normalization both sides are compared under.
//
// The equivalence table (Scenarios) is shared by the Terraform and the
// CloudFormation tests: each scenario has a live setup, a plan, and a
// template column for the CloudFormation loader.
package iactest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Resource is one managed resource of a generated plan.
type Resource struct {
	// Address is "aws_s3_bucket.logs" or "module.app.aws_s3_bucket.x[\"a\"]".
	Address string
	// Action is "create" (default), "update", "no-op" or "delete".
	Action string
	// Values are the planned "after" values; Unknown the after_unknown
	// mirror (attribute → true).
	Values  map[string]any
	Unknown map[string]any
	// Refs are the configuration's expression references by attribute:
	// "bucket": {"aws_s3_bucket.logs.id", "aws_s3_bucket.logs"}.
	Refs map[string][]string
	// Index is the count or for_each key, if any.
	Index any
}

// Plan renders resources as the JSON 'terraform show -json' prints for a
// saved plan (format 1.2), with a root aws provider in region.
func Plan(region string, rs ...Resource) []byte {
	type module struct {
		resources []map[string]any
		calls     map[string]*module
	}
	root := &module{calls: map[string]*module{}}
	var changes []map[string]any
	seenConfig := map[string]bool{}
	for _, r := range rs {
		mod, typ, name := split(r.Address)
		action := r.Action
		if action == "" {
			action = "create"
		}
		after, unknown := r.Values, r.Unknown
		if after == nil {
			after = map[string]any{}
		}
		if unknown == nil {
			unknown = map[string]any{}
		}
		if _, ok := unknown["id"]; !ok && action == "create" {
			unknown["id"] = true
		}
		change := map[string]any{"actions": []string{action}, "before": nil, "after": after, "after_unknown": unknown,
			"before_sensitive": false, "after_sensitive": map[string]any{}}
		if action == "delete" {
			change["after"], change["after_unknown"], change["before"] = nil, map[string]any{}, after
		}
		rc := map[string]any{"address": r.Address, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
		if mod != "" {
			rc["module_address"] = moduleAddress(r.Address)
		}
		if r.Index != nil {
			rc["index"] = r.Index
		}
		changes = append(changes, rc)
		m := root
		for _, call := range modulePath(mod) {
			if m.calls[call] == nil {
				m.calls[call] = &module{calls: map[string]*module{}}
			}
			m = m.calls[call]
		}
		key := mod + "." + typ + "." + name
		if seenConfig[key] {
			continue
		}
		seenConfig[key] = true
		exprs := map[string]any{}
		for k, v := range after {
			exprs[k] = map[string]any{"constant_value": v}
		}
		for k, refs := range r.Refs {
			exprs[k] = map[string]any{"references": refs}
		}
		cr := map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"provider_config_key": "aws", "expressions": exprs, "schema_version": 0}
		m.resources = append(m.resources, cr)
	}
	var render func(m *module) map[string]any
	render = func(m *module) map[string]any {
		out := map[string]any{"resources": m.resources}
		if len(m.calls) > 0 {
			calls := map[string]any{}
			for n, c := range m.calls {
				calls[n] = map[string]any{"source": "./modules/" + n, "module": render(c)}
			}
			out["module_calls"] = calls
		}
		return out
	}
	plan := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.8",
		"planned_values":    map[string]any{"root_module": map[string]any{}},
		"resource_changes":  changes,
		"configuration": map[string]any{
			"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
				"expressions": map[string]any{"region": map[string]any{"constant_value": region}}}},
			"root_module": render(root),
		},
		"timestamp": "2026-06-01T12:00:00Z",
		"errored":   false,
	}
	b, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

var indexRE = regexp.MustCompile(`\[[^\]]*\]`)

// split returns the module path (module.a.module.b, no keys), the type
// and the name of an address.
func split(addr string) (mod, typ, name string) {
	parts := strings.Split(indexRE.ReplaceAllString(addr, ""), ".")
	var m []string
	for len(parts) > 2 && parts[0] == "module" {
		m = append(m, parts[0], parts[1])
		parts = parts[2:]
	}
	return strings.Join(m, "."), parts[0], parts[1]
}

// moduleAddress is the module part of addr, keys included.
func moduleAddress(addr string) string {
	i := strings.LastIndex(indexRE.ReplaceAllStringFunc(addr, func(s string) string { return strings.Repeat("_", len(s)) }), ".")
	j := strings.LastIndex(addr[:i], ".")
	return addr[:j]
}

func modulePath(mod string) []string {
	if mod == "" {
		return nil
	}
	parts := strings.Split(mod, ".")
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

var ids = regexp.MustCompile(`\b(sg|sgr|i|vol|snap|vpc|lt|subnet|eni|fl|ami|key)-[0-9a-f]{8,}\b|\bAKIA[0-9A-Z]{16}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b`)

var (
	ruleIDs = regexp.MustCompile(`\bsgr-[0-9a-f]{8,}\b`)
	ipv4    = regexp.MustCompile(`address (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\(known after apply\))`)
)

// Normalize makes reasons comparable across sources: resource IDs (sg-…,
// i-…, key UUIDs, GuardDuty detector IDs), which each side makes up, become <id>; a security
// group rule's ID, which exists only once applied, becomes "rule", as a
// plan names it; a public IPv4 address, which AWS assigns at launch,
// becomes <ip> (a plan says it is known after apply).
func Normalize(reason string) string {
	reason = ruleIDs.ReplaceAllString(reason, "rule")
	reason = ipv4.ReplaceAllString(reason, "address <ip>")
	return ids.ReplaceAllString(reason, "<id>")
}

// Verdict is one result reduced to what the equivalence compares.
type Verdict struct {
	Control string
	Status  string
	Reason  string
}

func (v Verdict) String() string { return fmt.Sprintf("%s %s: %s", v.Control, v.Status, v.Reason) }

// SortVerdicts orders verdicts for comparison.
func SortVerdicts(vs []Verdict) {
	sort.Slice(vs, func(i, j int) bool { return vs[i].String() < vs[j].String() })
}
