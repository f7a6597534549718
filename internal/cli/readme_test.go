package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// readme is the repository's README, which a new user follows word by
// word.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// documentedCommands reads the README's command table: each row's
// command line, "guardrail scans list|show [SCAN]|diff [A B] ...", names
// one command or, with alternatives, several ("scans list", "scans
// show", "scans diff").
func documentedCommands(text string) []string {
	row := regexp.MustCompile("(?m)^\\| `guardrail ([^`]*)`")
	word := regexp.MustCompile(`^[a-z][a-z-]*$`)
	placeholder := regexp.MustCompile(`\[[^\]]*\]`)
	var out []string
	for _, m := range row.FindAllStringSubmatch(text, -1) {
		fields := strings.Fields(strings.ReplaceAll(m[1], `\|`, "|"))
		top := fields[0]
		var subs []string
		for i, f := range fields[1:] {
			f = placeholder.ReplaceAllString(f, "")
			if i > 0 && !strings.HasPrefix(f, "|") {
				break
			}
			n := 0
			for _, alt := range strings.Split(f, "|") {
				if word.MatchString(alt) {
					subs = append(subs, alt)
					n++
				}
			}
			if i == 0 && n == 0 {
				break
			}
		}
		if len(subs) == 0 {
			out = append(out, top)
		}
		for _, s := range subs {
			out = append(out, top+" "+s)
		}
	}
	return out
}

// TestREADMECommands: the README's command table names every command
// there is (a command missing from it, like 'sim ops' once, is unknown to
// its users) and none that is not (the README describes what exists).
func TestREADMECommands(t *testing.T) {
	documented := documentedCommands(readme(t))
	if len(documented) < 20 {
		t.Fatalf("read only %d commands from the README's table: %v", len(documented), documented)
	}
	root := newRoot(io.Discard, io.Discard)
	var exist []string
	var walk func(c *cobra.Command, path string)
	walk = func(c *cobra.Command, path string) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			p := strings.TrimSpace(path + " " + sub.Name())
			if sub.HasSubCommands() {
				walk(sub, p)
				continue
			}
			exist = append(exist, p)
		}
	}
	walk(root, "")
	for _, c := range exist {
		if !slices.Contains(documented, c) {
			t.Errorf("'guardrail %s' is not in the README's command table", c)
		}
	}
	for _, d := range documented {
		if !slices.Contains(exist, d) {
			t.Errorf("the README's command table names 'guardrail %s', which does not exist", d)
		}
	}
}

// TestREADMELinks: the README and the documents it links to stand on
// their own in a clone: no path outside the repository (../shared is not
// in a clone), and every relative link names a file that is there.
func TestREADMELinks(t *testing.T) {
	top := filepath.Join("..", "..")
	link := regexp.MustCompile(`\]\(([^)#\s]+)`)
	for _, doc := range []string{"README.md", filepath.Join("docs", "ARCHITECTURE.md")} {
		b, err := os.ReadFile(filepath.Join(top, doc))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if strings.Contains(string(b), "../shared") {
			t.Errorf("%s points into ../shared, which a clone does not have", doc)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(top, filepath.Dir(doc), target)); err != nil {
				t.Errorf("%s links to %s, which is not in the repository", doc, target)
			}
		}
	}
}

// TestHelpPromisesOnlyWhatExists: the root help and the README's
// introduction name a capability only once its command exists (they
// once promised remediation and a CloudTrail watch before either was
// built).
func TestHelpPromisesOnlyWhatExists(t *testing.T) {
	root := newRoot(io.Discard, io.Discard)
	text := readme(t)
	intro := text[:strings.Index(text, "## Quick start")]
	for _, tc := range []struct{ word, command string }{
		{"remediat", "remediate"},
		{"watch", "watch"},
		{"notif", "notify"},
		{"service control polic", "scp"},
		{"terraform", "iac"},
		{"cloudformation", "iac"},
		{"stackset", "deploy"},
	} {
		if c, _, err := root.Find([]string{tc.command}); err == nil && c != root {
			// The command exists: the root help says what it is for.
			if tc.command == "notify" && !strings.Contains(strings.ToLower(root.Long), tc.word) {
				t.Errorf("the root help does not mention %q, but there is a '%s' command", tc.word, tc.command)
			}
			continue
		}
		for name, doc := range map[string]string{"the root help": root.Long + root.Short, "the README's introduction": intro} {
			if strings.Contains(strings.ToLower(doc), tc.word) {
				t.Errorf("%s mentions %q, but there is no '%s' command", name, tc.word, tc.command)
			}
		}
	}
}
