package item

import (
	"encoding/json"
	"strings"
	"testing"
)

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
