package yamlpos

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSyntax(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"a: [1, 2\n", "f.yaml:1: not valid YAML: did not find expected ',' or ']'"},
		{"a: b\n\tc: d\n", "f.yaml:2: not valid YAML: found a tab character that violates indentation"},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.doc), &n)
		if err == nil {
			t.Fatalf("%q: no error", tc.doc)
		}
		if got := Syntax("f.yaml", err).Error(); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.doc, got, tc.want)
		}
	}
}

func TestError(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "r.yaml", Line: 4, Path: "rules[0].name", Msg: "missing"}, "r.yaml:4: rules[0].name: missing"},
		{Error{File: "r.yaml", Msg: "empty"}, "r.yaml: empty"},
		{Error{File: "r.yaml", Path: "x", Msg: "bad"}, "r.yaml: x: bad"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	if Join("", "a") != "a" || Join("a", "b") != "a.b" {
		t.Error("Join")
	}
}
