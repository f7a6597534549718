package policy

import (
	"bytes"
	"encoding/json"
)

// Minify renders d as compact JSON in a stable order: Version, Id, then
// Statement as a list; in each statement Sid, Effect, Principal or
// NotPrincipal, Action or NotAction, Resource or NotResource, Condition.
// A one-element list is written as a plain string, as AWS's own examples
// do, which is also the shortest form. Map keys (principal types,
// operators, condition keys) are sorted.
func Minify(d *Document) ([]byte, error) {
	var b bytes.Buffer
	o := object{b: &b}
	o.field("Version", d.Version, d.Version != "")
	o.field("Id", d.ID, d.ID != "")
	if o.err != nil {
		return nil, o.err
	}
	if o.n > 0 {
		b.WriteByte(',')
	} else {
		b.WriteByte('{')
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

// object writes a JSON object's members in the order given (the opening
// brace on the first; the caller closes it).
type object struct {
	b   *bytes.Buffer
	n   int
	err error
}

// field writes "k":v when ok.
func (o *object) field(k string, v any, ok bool) {
	if !ok || o.err != nil {
		return
	}
	if o.n == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteByte(',')
	}
	o.n++
	kb, _ := json.Marshal(k)
	o.b.Write(kb)
	o.b.WriteByte(':')
	o.err = writeJSON(o.b, v)
}

// MinifyStatement writes one statement as Minify does.
func MinifyStatement(b *bytes.Buffer, s *Statement) error {
	o := object{b: b}
	o.field("Sid", s.Sid, s.Sid != "")
	o.field("Effect", s.Effect, true)
	o.field("Principal", principalJSON(s.Principal), s.Principal != nil)
	o.field("NotPrincipal", principalJSON(s.NotPrincipal), s.NotPrincipal != nil)
	o.field("Action", listJSON(s.Action), s.Action != nil)
	o.field("NotAction", listJSON(s.NotAction), s.NotAction != nil)
	o.field("Resource", listJSON(s.Resource), s.Resource != nil)
	o.field("NotResource", listJSON(s.NotResource), s.NotResource != nil)
	if len(s.Condition) > 0 {
		cond := map[string]map[string]any{}
		for _, c := range s.Condition {
			if cond[c.Operator] == nil {
				cond[c.Operator] = map[string]any{}
			}
			cond[c.Operator][c.Key] = listJSON(c.Values)
		}
		o.field("Condition", cond, true)
	}
	if o.err != nil {
		return o.err
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
