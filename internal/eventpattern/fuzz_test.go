package eventpattern

import (
	"bytes"
	"encoding/json"
	"testing"
)

// refLevel and friends judge a compiled pattern on a decoded event: the
// semantics of match.go without its byte scanner, to check the scanner
// against.

func containsObject(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any:
		for _, e := range x {
			if containsObject(e) {
				return true
			}
		}
	}
	return false
}

func refLevel(lv *level, v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		arr, isArr := v.([]any)
		if !isArr {
			return lv.absentOK
		}
		if !containsObject(arr) {
			return lv.absentOK
		}
		for _, e := range arr {
			if containsObject(e) && refLevel(lv, e) {
				return true
			}
		}
		return false
	}
	return refConj(lv, lv.root, m)
}

func refConj(lv *level, cj *conj, m map[string]any) bool {
	for _, f := range cj.fields {
		v, present := m[lv.keys[f.slot]]
		if !present {
			if !f.absentOK() {
				return false
			}
			continue
		}
		if f.child != nil {
			if !refLevel(f.child, v) {
				return false
			}
		} else if !refLeaf(f.leaf, v) {
			return false
		}
	}
	for _, g := range cj.ors {
		ok := false
		for _, alt := range g {
			if refConj(lv, alt, m) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func refLeaf(l *leaf, v any) bool {
	var scalars []any
	var flat func(any)
	flat = func(v any) {
		switch x := v.(type) {
		case map[string]any:
		case []any:
			for _, e := range x {
				flat(e)
			}
		default:
			scalars = append(scalars, v)
		}
	}
	flat(v)
	if len(scalars) == 0 {
		return l.existsFalse
	}
	for _, s := range scalars {
		raw, _ := json.Marshal(s)
		if l.scalar(raw) {
			return true
		}
	}
	return false
}

// FuzzMatch compiles arbitrary patterns and matches them on arbitrary
// events: nothing may panic, and on a well-formed event the byte scanner
// must agree with the judgement of the decoded event.
func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{`{"source":["aws.ec2"],"detail":{"state":["running",{"prefix":"run"}]}}`, `{"source":"aws.ec2","detail":{"state":"running"}}`},
		{`{"a":{"b":[{"exists":false}]}}`, `{"a":[{"b":1},{"c":2},[{"d":[]}]]}`},
		{`{"$or":[{"a":[{"numeric":[">",1,"<=",5]}]},{"b":[{"anything-but":{"wildcard":"x*y"}}]}]}`, `{"a":[0,3],"b":"xay"}`},
		{`{"ip":[{"cidr":"10.0.0.0/8"},"::1"],"s":[{"suffix":{"equals-ignore-case":"Ä"}}]}`, `{"ip":"10.1.2.3","s":"bä"}`},
		{`{"e":[{"equals-ignore-case":"x\"y"}],"n":[null,true,1e2]}`, `{"e":"X\"Y","n":[100]}`},
		{`{"k\u00e9y":["v"]}`, `{"k\u00e9y":"v","k\\u00e9y":"w"}`},
		{`{"a":[{"anything-but":[1,2]}],"b":[{"anything-but":{"equals-ignore-case":["A"]}}]}`, `{"a":"x","b":["a","B"]}`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, pattern, event []byte) {
		p, err := Compile(pattern)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile error %T is not an *Error", err)
			}
			_ = err.(*Error).AWSMessage()
			return
		}
		p.Match(event) // must not panic on anything
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		// Re-encode: no duplicate keys, escapes of its own.
		canon, err := json.Marshal(m)
		if err != nil {
			return
		}
		want := refLevel(p.root, m)
		if got := p.Match(canon); got != want {
			t.Errorf("pattern %s\nevent %s\nMatch = %v, decoded judgement = %v", pattern, canon, got, want)
		}
	})
}
