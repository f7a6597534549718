package cloudformation

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Kind is the kind of a resolved value.
type Kind int

// Kinds of Value. Unknown is a value the template alone does not decide
// (an import, a parameter without a default, an attribute known only
// once the resource exists): it carries why, and is never guessed.
const (
	Null Kind = iota
	String
	Number
	Bool
	List
	Map
	Unknown
)

// Value is a property value with its intrinsic functions resolved as far
// as the template decides them.
type Value struct {
	Kind Kind
	// Str is the text of a String, Number or Bool ("true", "false").
	Str  string
	List []*Value
	// Keys are a Map's keys in template order; Fields its values.
	Keys   []string
	Fields map[string]*Value
	// Reason says why an Unknown value is unknown.
	Reason string
	// From is the logical ID of the resource whose Ref or GetAtt made
	// the value, "" otherwise: how a bucket policy finds its bucket
	// even when the bucket's name is unknown.
	From string
	// Line and Col are where the value (or the function that made it)
	// is written in the template.
	Line, Col int
}

func str(s string) *Value      { return &Value{Kind: String, Str: s} }
func unknown(r string) *Value  { return &Value{Kind: Unknown, Reason: r} }
func boolean(b bool) *Value    { return &Value{Kind: Bool, Str: strconv.FormatBool(b)} }
func list(vs ...*Value) *Value { return &Value{Kind: List, List: vs} }

// Get returns the field key of a Map, or nil (also for any other kind).
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Map {
		return nil
	}
	return v.Fields[key]
}

// Scalar reports v's text when v is a string, number or boolean.
func (v *Value) Scalar() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case String, Number, Bool:
		return v.Str, true
	}
	return "", false
}

// IsUnknown reports whether v, or anything in it, is unknown.
func (v *Value) IsUnknown() bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case Unknown:
		return true
	case List:
		for _, e := range v.List {
			if e.IsUnknown() {
				return true
			}
		}
	case Map:
		for _, e := range v.Fields {
			if e.IsUnknown() {
				return true
			}
		}
	}
	return false
}

// Unknowns returns the paths under prefix of the unknown values in v,
// each with why, sorted by path.
func (v *Value) Unknowns(prefix string) []UnknownValue {
	var out []UnknownValue
	var walk func(v *Value, path string)
	walk = func(v *Value, path string) {
		if v == nil {
			return
		}
		switch v.Kind {
		case Unknown:
			out = append(out, UnknownValue{Path: path, Reason: v.Reason, Line: v.Line})
		case List:
			for i, e := range v.List {
				walk(e, path+"["+strconv.Itoa(i)+"]")
			}
		case Map:
			for _, k := range v.Keys {
				walk(v.Fields[k], joinPath(path, k))
			}
		}
	}
	walk(v, prefix)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// UnknownValue is a property whose value the template does not decide.
type UnknownValue struct {
	Path   string
	Reason string
	Line   int
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Plain returns v as plain Go values (string, bool, float64 kept as
// their text, []any, map[string]any) for encoding as JSON; unknown parts
// are nil. Numbers stay json.Number-like strings so that large values
// and their spelling survive.
func (v *Value) Plain() any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case String:
		return v.Str
	case Number:
		return json.Number(v.Str)
	case Bool:
		return v.Str == "true"
	case List:
		out := make([]any, len(v.List))
		for i, e := range v.List {
			out[i] = e.Plain()
		}
		return out
	case Map:
		out := make(map[string]any, len(v.Fields))
		for k, e := range v.Fields {
			out[k] = e.Plain()
		}
		return out
	}
	return nil
}

// text renders a scalar for a string context (Join, Sub): CloudFormation
// turns numbers and booleans into their text.
func (v *Value) text() (string, bool) {
	s, ok := v.Scalar()
	return s, ok
}

// describe names a value's kind for error messages.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case String:
		return "a string"
	case Number:
		return "a number"
	case Bool:
		return "a boolean"
	case List:
		return "a list"
	case Map:
		return "a mapping"
	case Unknown:
		return "unknown"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// truthy reads a CloudFormation boolean ("true"/"false" in any case, as
// a string or a boolean).
func truthy(v *Value) (b, ok bool) {
	s, isScalar := v.Scalar()
	if !isScalar {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
