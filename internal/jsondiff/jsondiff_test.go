package jsondiff

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name, cur, want string
		changes         []string
	}{
		{"same", `{"a":1,"b":[1,2]}`, `{"b":[1, 2],"a":1}`, nil},
		{"field changes, in want's order", `{"exists":false}`, `{"exists":true,"name":"x"}`, []string{"exists: false -> true", `name: null -> "x"`}},
		{"field dropped", `{"exists":true,"id":"d1"}`, `{"exists":false}`, []string{"exists: true -> false", `id: "d1" -> null`}},
		{"nested", `{"features":{"S3":"DISABLED","EKS":"ENABLED"}}`, `{"features":{"EKS":"ENABLED","S3":"ENABLED"}}`, []string{`features.S3: "DISABLED" -> "ENABLED"`}},
		{"object from null", `{"recorder":null}`, `{"recorder":{"name":"default"}}`, []string{`recorder: null -> {"name":"default"}`}},
		{"key only in cur", `{"a":1,"z":2}`, `{"a":1}`, []string{"z: 2 -> null"}},
		{"same bytes", `{"a":{"b":[1]}}`, `{"a":{"b":[1]}}`, nil},
		{"spaced object", ` {"a":1}`, "\n{\"a\":2}", []string{"a: 1 -> 2"}},
		{"scalar and array", `[1,2]`, `"x"`, []string{`: [1,2] -> "x"`}},
		{"object to scalar", `{"a":{"b":1}}`, `{"a":true}`, []string{`a: {"b":1} -> true`}},
		{"nothing and null", ``, `null`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range Diff(json.RawMessage(tc.cur), json.RawMessage(tc.want)) {
				got = append(got, c.Field+": "+string(c.From)+" -> "+string(c.To))
			}
			if strings.Join(got, "\n") != strings.Join(tc.changes, "\n") {
				t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.changes, "\n"))
			}
		})
	}
}
