package cloudformation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// The mapping turns a resolved template into the snapshot the collectors
// would produce once the stack is deployed, so that the same controls
// judge it. Each mapped type fills the same struct its collector fills,
// with AWS's documented defaults for what the template leaves out (a new
// bucket blocks public access and encrypts with SSE-S3; a security group
// without egress rules gets the allow-all egress rule; a new VPC gets its
// default security group).
//
// A property the template does not decide is never guessed. Where the
// snapshot has a place for "could not be read" (a bucket's Errors, a
// policy's Error), the mapping puts iac.KnownAfterApply there and the
// control's ERROR becomes UNKNOWN; elsewhere the property is listed on
// the resource (iac.Resource.Unknown) with the controls it decides
// (UnknownFor), whose verdicts become UNKNOWN.

// ignoredTypes are resources that hold no state a control judges and
// are not infrastructure (the CDK's own metadata).
var ignoredTypes = map[string]bool{"AWS::CDK::Metadata": true}

// mapper builds one source from one template.
type mapper struct {
	t    *Template
	e    *evaluator
	src  *iac.Source
	acct *snapshot.Account
	reg  *snapshot.Region
	// ir is the iac.Resource of each mapped logical ID.
	ir map[string]*iac.Resource
	// address prefixes logical IDs (cdk: "Stack/").
	address string
	now     time.Time
}

// resource is one template resource being mapped, with what the mapping
// records on its iac.Resource.
type resource struct {
	*Resource
	m  *mapper
	ir *iac.Resource
}

// build maps t into a Source.
func build(t *Template, e *evaluator, format, path, address string, now time.Time) *iac.Source {
	o := t.opts
	snap := iac.NewSnapshot(o.AccountID, o.Region, now)
	acct := snap.Accounts[0]
	acct.Partition = o.Partition
	m := &mapper{t: t, e: e, acct: acct, reg: acct.Regions[o.Region], ir: map[string]*iac.Resource{},
		address: address, now: now,
		src: &iac.Source{Path: path, Format: format, Snapshot: snap}}
	// Primary resources first, then the ones that configure them (a
	// bucket policy, a security group rule), which look them up.
	for pass := 0; pass < 2; pass++ {
		for _, r := range t.Resources {
			f, known := mappers[r.Type]
			if pass == 0 && !known {
				m.notAssessed(r)
				continue
			}
			if !known || f.join != (pass == 1) {
				continue
			}
			rr := m.resource(r)
			f.fn(rr)
		}
	}
	// Then what links resources once all exist (a managed policy's
	// attachments, an instance's security groups).
	for _, r := range t.Resources {
		if f := mappers[r.Type]; f.after != nil && m.ir[r.LogicalID] != nil {
			f.after(&resource{Resource: r, m: m, ir: m.ir[r.LogicalID]})
		}
	}
	for _, ir := range m.src.Resources {
		sort.Strings(ir.Unknown)
	}
	return m.src
}

// mapFunc maps one resource; join marks types that configure another
// resource and so run after every primary one.
type mapFunc struct {
	fn   func(r *resource)
	join bool
	// after runs once every resource is mapped.
	after func(r *resource)
}

func (m *mapper) addr(r *Resource) string { return m.address + r.LogicalID }

func (m *mapper) resource(r *Resource) *resource {
	ir := &iac.Resource{Address: m.addr(r), Type: r.Type, File: m.t.File, Line: r.Line, Construct: r.CDKPath, UnknownFor: map[string][]string{}}
	if tags := tagsOf(r.Prop("Tags")); len(tags) > 0 {
		ir.Tags = tags
	}
	if r.createdWhy != "" {
		// Whether the resource exists at all is open: every verdict
		// on it is.
		ir.UnknownFor = nil
		ir.AddUnknown("Condition " + r.Condition + " (" + r.createdWhy + ")")
	}
	m.ir[r.LogicalID] = ir
	m.src.Resources = append(m.src.Resources, ir)
	return &resource{Resource: r, m: m, ir: ir}
}

func (m *mapper) notAssessed(r *Resource) {
	if ignoredTypes[r.Type] {
		return
	}
	why := "no mapping for " + r.Type + ": no control judges it from the template"
	switch {
	case r.Type == "AWS::CloudFormation::Stack":
		why = "nested stack: its resources are in its own template (TemplateURL); give that template (cdk.out: the .nested.template.json) to iac scan"
	case strings.HasPrefix(r.Type, "AWS::Serverless::") && len(m.t.Transforms) > 0:
		why = "expanded by the transform " + strings.Join(m.t.Transforms, ", ") + " at deploy: assess the transformed template (sam build, or aws cloudformation get-template --template-stage Processed)"
	case strings.HasPrefix(r.Type, "Custom::") || r.Type == "AWS::CloudFormation::CustomResource":
		why = "custom resource: what it creates is decided by its provider at deploy"
	case !strings.HasPrefix(r.Type, "AWS::"):
		why = "resource type " + r.Type + " is not an AWS resource type (a transform or module generates it)"
	}
	m.src.NotAssessed = append(m.src.NotAssessed, &iac.Resource{Address: m.addr(r), Type: r.Type, File: m.t.File, Line: r.Line, Construct: r.CDKPath, Reason: why})
}

// identity returns r's synthetic name (or ID) and ARN.
func (r *resource) identity() (id, arn string) {
	v, a := r.m.t.identity(r.m.e, r.Resource)
	if v.Kind == Unknown {
		// The name is not decided: the generated one stands in, so the
		// resource is still judged; what the name decides is noted.
		name := r.m.e.generatedID(r.Resource)
		r.unknown(types[r.Type].nameProp, v.Reason)
		r.ir.ARN = r.m.e.arnOf(r.Resource, name)
		return name, r.ir.ARN
	}
	r.ir.ARN = a
	return v.Str, a
}

// unknown records that path is not decided by the template, for the
// controls named (none: only listed, as the snapshot carries it).
func (r *resource) unknown(path, why string, controls ...string) string {
	entry := path
	if why != "" {
		entry += " (" + why + ")"
	}
	r.ir.AddUnknown(entry)
	if r.ir.UnknownFor != nil {
		for _, c := range controls {
			r.ir.UnknownFor[c] = append(r.ir.UnknownFor[c], entry)
		}
	}
	return iac.KnownAfterApply + ": " + entry
}

// get returns the value at path ("A.B[0].C") under v, or nil.
func get(v *Value, path string) *Value {
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			continue
		}
		name, idx, hasIdx := strings.Cut(seg, "[")
		if name != "" {
			v = v.Get(name)
		}
		if hasIdx {
			i, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			if v == nil || v.Kind != List || err != nil || i >= len(v.List) {
				return nil
			}
			v = v.List[i]
		}
		if v == nil {
			return nil
		}
	}
	return v
}

// str reads the string at path: ok is false when it is absent; an
// unknown value is recorded for controls and reads as absent with why.
func (r *resource) str(v *Value, path string, controls ...string) (s string, ok bool, why string) {
	x := get(v, path)
	switch {
	case x == nil || x.Kind == Null:
		return "", false, ""
	case x.IsUnknown():
		return "", false, r.unknown(path, firstReason(x), controls...)
	}
	s, ok = x.Scalar()
	return s, ok, ""
}

func firstReason(v *Value) string {
	if v.Kind == Unknown {
		return v.Reason
	}
	if u := v.Unknowns(""); len(u) > 0 {
		return u[0].Reason
	}
	return ""
}

// prop is str on the resource's properties.
func (r *resource) prop(path string, controls ...string) (string, bool, string) {
	return r.str(r.Properties, path, controls...)
}

// boolProp reads a boolean property; def when absent or unknown (known
// false then).
func (r *resource) boolProp(path string, def bool, controls ...string) (b, known bool) {
	s, ok, why := r.prop(path, controls...)
	if why != "" {
		return def, false
	}
	if !ok {
		return def, true
	}
	return strings.EqualFold(s, "true"), true
}

func (r *resource) intProp(path string, def int, controls ...string) int {
	s, ok, _ := r.prop(path, controls...)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// strings reads a list of strings at path; unknown elements are
// recorded.
func (r *resource) strList(v *Value, path string, controls ...string) (out []string, known bool) {
	x := get(v, path)
	if x == nil {
		return nil, true
	}
	if x.Kind == Unknown {
		r.unknown(path, x.Reason, controls...)
		return nil, false
	}
	if s, ok := x.Scalar(); ok {
		return []string{s}, true
	}
	known = true
	for i, e := range x.List {
		if e.Kind == Unknown {
			r.unknown(fmt.Sprintf("%s[%d]", path, i), e.Reason, controls...)
			known = false
			continue
		}
		if s, ok := e.Scalar(); ok {
			out = append(out, s)
		}
	}
	return out, known
}

// refTarget returns the template resource v refers to (by Ref or GetAtt),
// or the one whose name or ARN is the string v, of one of the types.
func (m *mapper) refTarget(v *Value, types ...string) *Resource {
	if v == nil {
		return nil
	}
	if v.From != "" {
		if t := m.e.res[v.From]; t != nil && t.created && typeIn(t.Type, types) {
			return t
		}
	}
	s, ok := v.Scalar()
	if !ok {
		return nil
	}
	for _, t := range m.t.Resources {
		if !typeIn(t.Type, types) {
			continue
		}
		id := m.e.rawID(t)
		if id.Kind != String {
			continue
		}
		if id.Str == s || m.e.arnOf(t, id.Str) == s {
			return t
		}
	}
	return nil
}

func typeIn(t string, types []string) bool {
	for _, x := range types {
		if t == x {
			return true
		}
	}
	return false
}

// tagsOf reads a Tags property: a list of {Key, Value} (most types) or a
// map (a few, such as AWS::SSM::Parameter).
func tagsOf(v *Value) map[string]string {
	if v == nil {
		return nil
	}
	out := map[string]string{}
	switch v.Kind {
	case List:
		for _, t := range v.List {
			k, ok1 := t.Get("Key").Scalar()
			val, ok2 := t.Get("Value").Scalar()
			if ok1 && ok2 {
				out[k] = val
			}
		}
	case Map:
		for k, x := range v.Fields {
			if s, ok := x.Scalar(); ok {
				out[k] = s
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// policyJSON renders a policy document property as JSON; why is set
// when some of it is unknown.
func (r *resource) policyJSON(v *Value, path string, controls ...string) (doc string, why string) {
	if v == nil {
		return "", ""
	}
	if v.IsUnknown() {
		return "", r.unknown(path, firstReason(v), controls...)
	}
	if s, ok := v.Scalar(); ok {
		return s, ""
	}
	b, err := json.Marshal(v.Plain())
	if err != nil {
		return "", err.Error()
	}
	return string(b), ""
}
