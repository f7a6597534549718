package item

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
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range Diff(State(tc.cur), State(tc.want)) {
				got = append(got, c.Field+": "+string(c.From)+" -> "+string(c.To))
			}
			if strings.Join(got, "\n") != strings.Join(tc.changes, "\n") {
				t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.changes, "\n"))
			}
		})
	}
}

// TestDenyDelete: the statement is added once, after the statements
// already there, which are kept as they are.
func TestDenyDelete(t *testing.T) {
	for _, tc := range []struct{ name, policy string }{
		{"no policy", ""},
		{"one statement as an object", `{"Version":"2012-10-17","Statement":{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}`},
		{"a list", `{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := withDenyDelete(tc.policy, "logs")
			var doc struct{ Statement []map[string]any }
			if err := json.Unmarshal([]byte(p), &doc); err != nil {
				t.Fatal(err)
			}
			last := doc.Statement[len(doc.Statement)-1]
			if last["Sid"] != denyDeleteSid || last["Effect"] != "Deny" || !strings.Contains(p, `"arn:aws:s3:::logs/*"`) {
				t.Errorf("policy = %s", p)
			}
			if tc.policy != "" && doc.Statement[0]["Sid"] != "TLS" {
				t.Errorf("the existing statement is lost: %s", p)
			}
			if again := withDenyDelete(p, "logs"); again != p {
				t.Errorf("added twice: %s", again)
			}
		})
	}
	if p := withDenyDelete("not json", "logs"); p != "not json" {
		t.Errorf("a policy that is not JSON was rewritten: %s", p)
	}
}

// TestItemNames: names are unique and "<service>.<setting>"; every item
// is either regional or global.
func TestItemNames(t *testing.T) {
	seen := map[string]bool{}
	for _, it := range All() {
		n := it.Name()
		if seen[n] || !strings.Contains(n, ".") || Service(n) == n {
			t.Errorf("bad or duplicate item name %q", n)
		}
		seen[n] = true
		if it.Phase() < 0 || it.Phase() > 1 {
			t.Errorf("%s: phase %d", n, it.Phase())
		}
	}
}
