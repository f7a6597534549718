package policy

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Minify renders d as compact JSON in a stable order: Version, Id, then
// Statement as a list; in each statement Sid, Effect, Principal or
// NotPrincipal, Action or NotAction, Resource or NotResource, Condition.
// A one-element list is written as a plain string, as AWS's own examples
// do, which is also the shortest form. Map keys (principal types,
// operators, condition keys) are sorted.
func Minify(d *Document) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(k string, v any) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		return writeJSON(&b, v)
	}
	if d.Version != "" {
		if err := field("Version", d.Version); err != nil {
			return nil, err
		}
	}
	if d.ID != "" {
		if err := field("Id", d.ID); err != nil {
			return nil, err
		}
	}
	if !first {
		b.WriteByte(',')
	}
	b.WriteString(`"Statement":[`)
	for i, s := range d.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := MinifyStatement(&b, s); err != nil {
			return nil, err
		}
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// MinifyStatement writes one statement as Minify does.
func MinifyStatement(b *bytes.Buffer, s *Statement) error {
	b.WriteByte('{')
	first := true
	field := func(k string, v any) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		return writeJSON(b, v)
	}
	var err error
	set := func(k string, v any, ok bool) {
		if ok && err == nil {
			err = field(k, v)
		}
	}
	set("Sid", s.Sid, s.Sid != "")
	set("Effect", s.Effect, true)
	set("Principal", principalJSON(s.Principal), s.Principal != nil)
	set("NotPrincipal", principalJSON(s.NotPrincipal), s.NotPrincipal != nil)
	set("Action", listJSON(s.Action), s.Action != nil)
	set("NotAction", listJSON(s.NotAction), s.NotAction != nil)
	set("Resource", listJSON(s.Resource), s.Resource != nil)
	set("NotResource", listJSON(s.NotResource), s.NotResource != nil)
	if len(s.Condition) > 0 && err == nil {
		cond := map[string]map[string]any{}
		for _, c := range s.Condition {
			if cond[c.Operator] == nil {
				cond[c.Operator] = map[string]any{}
			}
			cond[c.Operator][c.Key] = listJSON(c.Values)
		}
		err = field("Condition", cond)
	}
	if err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

// listJSON is a list as a string when it has one element.
func listJSON(l []string) any {
	if len(l) == 1 {
		return l[0]
	}
	return l
}

func principalJSON(m map[string][]string) any {
	if len(m) == 1 && len(m["AWS"]) == 1 && m["AWS"][0] == "*" {
		return "*"
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = listJSON(v)
	}
	return out
}

// writeJSON marshals v without HTML escaping (encoding/json sorts map
// keys, which keeps the order stable).
func writeJSON(b *bytes.Buffer, v any) error {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
