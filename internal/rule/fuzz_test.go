package rule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, that every rejection
// is located in the file, and that what parses can be applied twice with
// nothing new the second time.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "example.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(oneRule("      resource_id: [\"arn:*[a-c]\\\\*\"]\n", "      note: n\n")))
	f.Add([]byte("rules:\n  - name: r\n    criteria: &c {control: EC2.8}\n    actions: {note: n}\n  - name: s\n    criteria: *c\n    actions: {severity: low}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse("rules.yaml", b, testCatalog)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "rules.yaml") {
				t.Fatalf("error does not name the file: %q", err)
			}
			return
		}
		fd := failing()
		g, _ := s.Apply(fd, day(10))
		if _, evs := s.Apply(g, day(10)); len(evs) != 0 {
			t.Fatalf("second Apply recorded %s", evString(evs))
		}
	})
}
