package cfn

import (
	"fmt"
	"reflect"
	"sort"
)

// newOf returns a new zero value of p's struct type.
func newOf(p Properties) Properties {
	return reflect.New(reflect.TypeOf(p).Elem()).Interface().(Properties)
}

var (
	strType  = reflect.TypeOf(Str{})
	strsType = reflect.TypeOf(Strs{})
)

// walkStrs calls fn for every value of the template (Str, and a list's
// Ref as a Str), with where it is.
func (t *Template) walkStrs(fn func(where string, s Str)) {
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		walk(reflect.ValueOf(t.Resources[id].Properties), "Resources."+id, fn)
	}
	for id, o := range t.Outputs {
		fn("Outputs."+id, o.Value)
	}
	for id, c := range t.Conditions {
		fn("Conditions."+id, c.Equals[0])
		fn("Conditions."+id, c.Equals[1])
	}
}

// Strs calls fn for every value of the template.
func (t *Template) Strs(fn func(where string, s Str)) { t.walkStrs(fn) }

func walk(v reflect.Value, where string, fn func(string, Str)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), where, fn)
		}
		return
	}
	switch v.Type() {
	case strType:
		s := v.Interface().(Str)
		fn(where, s)
		if s.Sub != nil {
			for k, sv := range s.Sub.Vars {
				walk(reflect.ValueOf(sv), where+".Fn::Sub."+k, fn)
			}
		}
		if s.Join != nil {
			for i, p := range s.Join.Parts {
				walk(reflect.ValueOf(p), fmt.Sprintf("%s.Fn::Join[%d]", where, i), fn)
			}
		}
		return
	case strsType:
		l := v.Interface().(Strs)
		if l.Ref != "" {
			fn(where, Ref(l.Ref))
		}
		for i, s := range l.Items {
			walk(reflect.ValueOf(s), fmt.Sprintf("%s[%d]", where, i), fn)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			walk(v.Field(i), where+"."+v.Type().Field(i).Name, fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walk(v.Index(i), fmt.Sprintf("%s[%d]", where, i), fn)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			walk(v.MapIndex(k), fmt.Sprintf("%s.%v", where, k), fn)
		}
	}
}
