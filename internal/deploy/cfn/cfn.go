// Package cfn is a small typed model of the CloudFormation templates
// 'guardrail deploy template' writes: a Template of Parameters,
// Conditions, Resources and Outputs, one Go struct per resource type
// used (properties named as CloudFormation names them), and the
// intrinsic functions as typed values (Str: a literal, Ref, Fn::GetAtt,
// Fn::Sub, Fn::Join).
//
// Why not awslabs/goformation: it models every resource type AWS has,
// and its template type links them all. Measured in this tree (Go
// 1.26.8, goformation/v7 v7.14.9, importing only the template and five
// resource packages): the guardrail binary went from 95.25 MB to
// 116.69 MB (+21.4 MB), over the size guard of .ci/run. The twenty-odd
// types the templates use cost a few hundred lines here.
//
// Decoding is strict: a template read back (Parse) must name only
// resource types this package models, and every object only the fields
// its struct has, so a test that reads a generated template back checks
// its shape, not just that it is JSON. cfn imports nothing of ours.
package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Template is one CloudFormation template.
type Template struct {
	AWSTemplateFormatVersion string               `json:"AWSTemplateFormatVersion"`
	Description              string               `json:"Description,omitempty"`
	Parameters               map[string]Parameter `json:"Parameters,omitempty"`
	Conditions               map[string]Condition `json:"Conditions,omitempty"`
	Resources                map[string]*Resource `json:"Resources"`
	Outputs                  map[string]Output    `json:"Outputs,omitempty"`
}

// New returns an empty template.
func New(description string) *Template {
	return &Template{AWSTemplateFormatVersion: "2010-09-09", Description: description,
		Parameters: map[string]Parameter{}, Resources: map[string]*Resource{}}
}

// Parameter is a template parameter.
type Parameter struct {
	Type                  string   `json:"Type"`
	Description           string   `json:"Description,omitempty"`
	Default               *string  `json:"Default,omitempty"`
	AllowedPattern        string   `json:"AllowedPattern,omitempty"`
	AllowedValues         []string `json:"AllowedValues,omitempty"`
	ConstraintDescription string   `json:"ConstraintDescription,omitempty"`
	NoEcho                bool     `json:"NoEcho,omitempty"`
}

// Condition is a template condition: Fn::Equals of two values.
type Condition struct {
	Equals [2]Str `json:"Fn::Equals"`
}

// Output is a template output.
type Output struct {
	Description string `json:"Description,omitempty"`
	Value       Str    `json:"Value"`
}

// Resource is one resource: its type and its properties, a pointer to
// the type's struct (*Role for AWS::IAM::Role).
type Resource struct {
	Type                string   `json:"Type"`
	Condition           string   `json:"Condition,omitempty"`
	DependsOn           []string `json:"DependsOn,omitempty"`
	DeletionPolicy      string   `json:"DeletionPolicy,omitempty"`
	UpdateReplacePolicy string   `json:"UpdateReplacePolicy,omitempty"`
	Properties          any      `json:"Properties"`
}

// Add adds a resource of properties p (a pointer to one of this
// package's resource structs) under the logical ID id.
func (t *Template) Add(id string, p Properties) *Resource {
	if _, dup := t.Resources[id]; dup {
		panic("cfn: resource " + id + " added twice")
	}
	r := &Resource{Type: p.CFNType(), Properties: p}
	t.Resources[id] = r
	return r
}

// Properties are a resource type's properties.
type Properties interface{ CFNType() string }

// JSON is the template as indented JSON, keys sorted.
func (t *Template) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(t); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Parse reads a template strictly: unknown resource types, unknown
// fields and malformed intrinsic functions are errors.
func Parse(data []byte) (*Template, error) {
	var t Template
	if err := strict(data, &t); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if t.AWSTemplateFormatVersion != "2010-09-09" {
		return nil, fmt.Errorf("template: AWSTemplateFormatVersion %q, want 2010-09-09", t.AWSTemplateFormatVersion)
	}
	for id, r := range t.Resources {
		if r.Condition != "" {
			if _, ok := t.Conditions[r.Condition]; !ok {
				return nil, fmt.Errorf("template: resource %s: condition %q is not defined", id, r.Condition)
			}
		}
		for _, d := range r.DependsOn {
			if _, ok := t.Resources[d]; !ok {
				return nil, fmt.Errorf("template: resource %s: DependsOn %q is not a resource", id, d)
			}
		}
	}
	var refErr error
	t.walkStrs(func(where string, s Str) {
		for _, name := range s.Refs() {
			_, isRes := t.Resources[name]
			_, isPar := t.Parameters[name]
			if !isRes && !isPar && !strings.HasPrefix(name, "AWS::") && refErr == nil {
				refErr = fmt.Errorf("template: %s: %q is neither a parameter nor a resource", where, name)
			}
		}
	})
	if refErr != nil {
		return nil, refErr
	}
	if err := t.checkCycles(); err != nil {
		return nil, err
	}
	return &t, nil
}

// checkCycles reports resources that depend on each other (through Ref,
// Fn::GetAtt, Fn::Sub or DependsOn), which CloudFormation refuses.
func (t *Template) checkCycles() error {
	deps := map[string]map[string]bool{}
	for id, r := range t.Resources {
		deps[id] = map[string]bool{}
		for _, d := range r.DependsOn {
			deps[id][d] = true
		}
		walk(reflect.ValueOf(r.Properties), id, func(_ string, s Str) {
			for _, name := range s.Refs() {
				if _, ok := t.Resources[name]; ok {
					deps[id][name] = true
				}
			}
		})
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(id string) error
	visit = func(id string) error {
		switch state[id] {
		case visiting:
			i := slices.Index(path, id)
			return fmt.Errorf("template: circular dependency: %s", strings.Join(append(path[i:], id), " -> "))
		case done:
			return nil
		}
		state[id] = visiting
		path = append(path, id)
		for _, d := range slices.Sorted(maps.Keys(deps[id])) {
			if err := visit(d); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[id] = done
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(deps)) {
		if err := visit(id); err != nil {
			return err
		}
	}
	return nil
}

// UnmarshalJSON decodes a resource's properties into its type's struct.
func (r *Resource) UnmarshalJSON(data []byte) error {
	var raw struct {
		Type                string          `json:"Type"`
		Condition           string          `json:"Condition"`
		DependsOn           []string        `json:"DependsOn"`
		DeletionPolicy      string          `json:"DeletionPolicy"`
		UpdateReplacePolicy string          `json:"UpdateReplacePolicy"`
		Properties          json.RawMessage `json:"Properties"`
	}
	if err := strict(data, &raw); err != nil {
		return err
	}
	mk, ok := types[raw.Type]
	if !ok {
		return fmt.Errorf("resource type %q is not modelled (known: %s)", raw.Type, strings.Join(slices.Sorted(maps.Keys(types)), ", "))
	}
	p := mk()
	if err := strict(raw.Properties, p); err != nil {
		return fmt.Errorf("%s properties: %w", raw.Type, err)
	}
	*r = Resource{Type: raw.Type, Condition: raw.Condition, DependsOn: raw.DependsOn,
		DeletionPolicy: raw.DeletionPolicy, UpdateReplacePolicy: raw.UpdateReplacePolicy, Properties: p}
	return nil
}

func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// Str is a string value: a literal, or one intrinsic function.
type Str struct {
	Lit    string
	Ref    string     // Ref
	GetAtt *[2]string // Fn::GetAtt [resource, attribute]
	Sub    *SubFn     // Fn::Sub
	Join   *JoinFn    // Fn::Join
}

// SubFn is Fn::Sub: a string with ${Name} or ${Resource.Attribute}
// references, and optional variables of its own.
type SubFn struct {
	Format string
	Vars   map[string]Str
}

// JoinFn is Fn::Join: parts joined by a separator; List, when set, is
// a list parameter (Ref) to join instead.
type JoinFn struct {
	Sep     string
	Parts   []Str
	ListRef string
}

// S is a literal string.
func S(s string) Str { return Str{Lit: s} }

// Ref refers to a parameter, resource or pseudo parameter.
func Ref(name string) Str { return Str{Ref: name} }

// GetAtt is a resource's attribute.
func GetAtt(resource, attr string) Str { return Str{GetAtt: &[2]string{resource, attr}} }

// Sub substitutes ${...} in format.
func Sub(format string) Str { return Str{Sub: &SubFn{Format: format}} }

// SubVars substitutes ${...} in format, with variables of its own.
func SubVars(format string, vars map[string]Str) Str {
	return Str{Sub: &SubFn{Format: format, Vars: vars}}
}

// Join joins parts with sep.
func Join(sep string, parts ...Str) Str { return Str{Join: &JoinFn{Sep: sep, Parts: parts}} }

// JoinList joins the list parameter name with sep.
func JoinList(sep, name string) Str { return Str{Join: &JoinFn{Sep: sep, ListRef: name}} }

// IsZero says s is the empty literal (for omitzero).
func (s Str) IsZero() bool {
	return s.Lit == "" && s.Ref == "" && s.GetAtt == nil && s.Sub == nil && s.Join == nil
}

// Refs are the names s refers to: Ref, Fn::GetAtt's resource, and the
// ${...} of Fn::Sub that are not its own variables.
func (s Str) Refs() []string {
	switch {
	case s.Ref != "":
		return []string{s.Ref}
	case s.GetAtt != nil:
		return []string{s.GetAtt[0]}
	case s.Sub != nil:
		var out []string
		for _, v := range s.Sub.Vars {
			out = append(out, v.Refs()...)
		}
		for _, name := range SubNames(s.Sub.Format) {
			if _, own := s.Sub.Vars[name]; !own {
				res, _, _ := strings.Cut(name, ".")
				out = append(out, res)
			}
		}
		return out
	case s.Join != nil:
		var out []string
		if s.Join.ListRef != "" {
			out = append(out, s.Join.ListRef)
		}
		for _, p := range s.Join.Parts {
			out = append(out, p.Refs()...)
		}
		return out
	}
	return nil
}

// SubNames are the ${...} names of a Fn::Sub format (${!Literal} is
// not one).
func SubNames(format string) []string {
	var out []string
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			return out
		}
		j := strings.Index(format[i:], "}")
		if j < 0 {
			return out
		}
		name := format[i+2 : i+j]
		if !strings.HasPrefix(name, "!") {
			out = append(out, name)
		}
		format = format[i+j+1:]
	}
}

// MarshalJSON writes a literal as a string and a function as its
// one-key object.
func (s Str) MarshalJSON() ([]byte, error) {
	switch {
	case s.Ref != "":
		return json.Marshal(map[string]string{"Ref": s.Ref})
	case s.GetAtt != nil:
		return json.Marshal(map[string][2]string{"Fn::GetAtt": *s.GetAtt})
	case s.Sub != nil && len(s.Sub.Vars) == 0:
		return json.Marshal(map[string]string{"Fn::Sub": s.Sub.Format})
	case s.Sub != nil:
		return json.Marshal(map[string][2]any{"Fn::Sub": {s.Sub.Format, s.Sub.Vars}})
	case s.Join != nil && s.Join.ListRef != "":
		return json.Marshal(map[string][2]any{"Fn::Join": {s.Join.Sep, Ref(s.Join.ListRef)}})
	case s.Join != nil:
		return json.Marshal(map[string][2]any{"Fn::Join": {s.Join.Sep, s.Join.Parts}})
	}
	return json.Marshal(s.Lit)
}

// UnmarshalJSON reads a string or one of the functions Str models.
func (s *Str) UnmarshalJSON(data []byte) error {
	*s = Str{}
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &s.Lit)
	}
	var fn map[string]json.RawMessage
	if err := json.Unmarshal(data, &fn); err != nil {
		return fmt.Errorf("want a string or an intrinsic function, got %s", data)
	}
	if len(fn) != 1 {
		return fmt.Errorf("an intrinsic function is an object of one key, got %s", data)
	}
	for k, v := range fn {
		switch k {
		case "Ref":
			return json.Unmarshal(v, &s.Ref)
		case "Fn::GetAtt":
			var a [2]string
			if err := strict(v, &a); err != nil || a[0] == "" || a[1] == "" {
				return fmt.Errorf("Fn::GetAtt: want [resource, attribute], got %s", v)
			}
			s.GetAtt = &a
			return nil
		case "Fn::Sub":
			var f string
			if json.Unmarshal(v, &f) == nil {
				s.Sub = &SubFn{Format: f}
				return nil
			}
			var pair []json.RawMessage
			if err := json.Unmarshal(v, &pair); err != nil || len(pair) != 2 {
				return fmt.Errorf("Fn::Sub: want a string or [string, {vars}], got %s", v)
			}
			sub := &SubFn{}
			if err := json.Unmarshal(pair[0], &sub.Format); err != nil {
				return fmt.Errorf("Fn::Sub: %w", err)
			}
			if err := strict(pair[1], &sub.Vars); err != nil {
				return fmt.Errorf("Fn::Sub variables: %w", err)
			}
			s.Sub = sub
			return nil
		case "Fn::Join":
			var pair []json.RawMessage
			if err := json.Unmarshal(v, &pair); err != nil || len(pair) != 2 {
				return fmt.Errorf("Fn::Join: want [separator, [parts]], got %s", v)
			}
			j := &JoinFn{}
			if err := json.Unmarshal(pair[0], &j.Sep); err != nil {
				return fmt.Errorf("Fn::Join separator: %w", err)
			}
			if bytes.HasPrefix(bytes.TrimSpace(pair[1]), []byte("{")) {
				var r Str
				if err := r.UnmarshalJSON(pair[1]); err != nil || r.Ref == "" {
					return fmt.Errorf("Fn::Join: want a list or a Ref to a list, got %s", pair[1])
				}
				j.ListRef = r.Ref
			} else if err := strict(pair[1], &j.Parts); err != nil {
				return fmt.Errorf("Fn::Join parts: %w", err)
			}
			s.Join = j
			return nil
		}
		return fmt.Errorf("intrinsic function %q is not modelled", k)
	}
	return nil
}

// Strs is a list of strings, or a Ref to a list parameter.
type Strs struct {
	Items []Str
	Ref   string
}

// RefList refers to a list parameter.
func RefList(name string) Strs { return Strs{Ref: name} }

// List is a list of values.
func List(items ...Str) Strs { return Strs{Items: items} }

// IsZero says the list is empty (for omitzero).
func (l Strs) IsZero() bool { return len(l.Items) == 0 && l.Ref == "" }

// MarshalJSON writes the list, or the Ref.
func (l Strs) MarshalJSON() ([]byte, error) {
	if l.Ref != "" {
		return Ref(l.Ref).MarshalJSON()
	}
	if l.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(l.Items)
}

// UnmarshalJSON reads a list or a Ref.
func (l *Strs) UnmarshalJSON(data []byte) error {
	*l = Strs{}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		var r Str
		if err := r.UnmarshalJSON(data); err != nil || r.Ref == "" {
			return fmt.Errorf("want a list or a Ref to a list parameter, got %s", data)
		}
		l.Ref = r.Ref
		return nil
	}
	return strict(data, &l.Items)
}
