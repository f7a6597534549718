// Package jsondiff lists the fields in which two JSON documents (states
// of a setting or a resource, as the baseline and remediation journal
// them) differ.
package jsondiff

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Field is one field of a state that differs.
type Field struct {
	Field string          `json:"field"`
	From  json.RawMessage `json:"from"`
	To    json.RawMessage `json:"to"`
}

// Diff lists the fields of two states that differ, in field order of
// want (then those only cur has); objects on both sides are compared
// field by field ("features.S3_DATA_EVENTS").
func Diff(cur, want json.RawMessage) []Field {
	return diff("", cur, want)
}

func diff(prefix string, cur, want json.RawMessage) []Field {
	// The states come from one encoder: equal values are most often
	// equal bytes, and only two objects are compared field by field.
	if bytes.Equal(cur, want) {
		return nil
	}
	var c, w map[string]json.RawMessage
	if !isObject(cur) || !isObject(want) || json.Unmarshal(cur, &c) != nil || json.Unmarshal(want, &w) != nil || c == nil || w == nil {
		a, b := compact(cur), compact(want)
		if bytes.Equal(a, b) {
			return nil
		}
		return []Field{{Field: prefix, From: a, To: b}}
	}
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(want))
	if t, _ := dec.Token(); t == json.Delim('{') {
		for dec.More() {
			k, _ := dec.Token()
			var skip json.RawMessage
			_ = dec.Decode(&skip)
			keys = append(keys, k.(string))
		}
	}
	for _, k := range sortedKeys(c) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var out []Field
	for _, k := range keys {
		out = append(out, diff(join(prefix, k), orNull(c[k]), orNull(w[k]))...)
	}
	return out
}

// isObject reports whether b starts as a JSON object.
func isObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c == '{'
	}
	return false
}

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func compact(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
