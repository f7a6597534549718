package yamlpos

import (
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestSyntax: a syntax error is reported at the line and column of the
// fault itself, not at the construct around it (go.yaml.in/yaml/v3
// reported most of these on the line above).
func TestSyntax(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"unclosed flow sequence", "a: [1, 2\n",
			"f.yaml:1:4: not valid YAML: did not find expected ',' or ']' while parsing a flow sequence that starts here (the file ends before it is closed)"},
		{"unclosed flow sequence on line 4", "a: 1\nb: 2\nc: 3\nd: [1, 2\n",
			"f.yaml:4:4: not valid YAML: did not find expected ',' or ']' while parsing a flow sequence that starts here (the file ends before it is closed)"},
		{"tab on line 4", "a:\n  b: 1\n  c: 2\n\td: 3\n",
			"f.yaml:4:1: not valid YAML: found a tab character that violates indentation (while scanning a plain scalar that starts at line 3, column 6)"},
		{"tab starting line 4", "a:\n  b:\n    c: 1\n\t  d: 2\n",
			"f.yaml:4:1: not valid YAML: found a tab character that violates indentation (while scanning a plain scalar that starts at line 3, column 8)"},
		{"tab indenting a list item", "rules:\n  - name: r\n    criteria:\n\t  control: EC2.8\n",
			"f.yaml:4:1: not valid YAML: found character that cannot start any token"},
		{"tab after a key", "a: b\n\tc: d\n",
			"f.yaml:2:1: not valid YAML: found a tab character that violates indentation (while scanning a plain scalar that starts at line 1, column 4)"},
		{"unclosed double quote", "a: 1\nb: \"x\nc: 3\n",
			"f.yaml:2:4: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts here (the file ends before it is closed)"},
		{"unclosed single quote", "rules:\n  - name: 'r\n",
			"f.yaml:2:11: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts here (the file ends before it is closed)"},
		{"bad indentation", "rules:\n  - name: r\n    criteria:\n      control: EC2.8\n     actions: {}\n",
			"f.yaml:5:6: not valid YAML: did not find expected key (while parsing a block mapping that starts at line 2, column 5)"},
		{"key indented less", "a:\n  b: 1\n c: 2\n",
			"f.yaml:3:2: not valid YAML: did not find expected key (while parsing a block mapping that starts at line 1, column 1)"},
		{"two colons", "a: 1\nb: 2\nc: 3\nd: e: f\n",
			"f.yaml:4:5: not valid YAML: mapping values are not allowed in this context"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tc.doc), &n)
			if err == nil {
				t.Fatalf("%q: no error", tc.doc)
			}
			if got := Syntax("f.yaml", []byte(tc.doc), err).Error(); got != tc.want {
				t.Errorf("%q:\n got %s\nwant %s", tc.doc, got, tc.want)
			}
		})
	}
}

func TestError(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "r.yaml", Line: 4, Col: 9, Path: "rules[0].name", Msg: "missing"}, "r.yaml:4:9: rules[0].name: missing"},
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
