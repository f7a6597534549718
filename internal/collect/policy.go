package collect

import (
	"encoding/json"
	"sort"
	"strings"
)

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// Policy returns the least-privilege read-only policy that lets every
// collector in cs (and discovery, whose actions are extra) do its work:
// one statement per AWS service, actions sorted and deduplicated.
func Policy(cs []Collector, extra ...string) PolicyDocument {
	byService := map[string]map[string]bool{}
	add := func(a string) {
		svc, _, _ := strings.Cut(a, ":")
		if byService[svc] == nil {
			byService[svc] = map[string]bool{}
		}
		byService[svc][a] = true
	}
	for _, c := range cs {
		for _, a := range c.Actions {
			add(a)
		}
	}
	for _, a := range extra {
		add(a)
	}
	services := make([]string, 0, len(byService))
	for s := range byService {
		services = append(services, s)
	}
	sort.Strings(services)
	doc := PolicyDocument{Version: "2012-10-17"}
	for _, s := range services {
		acts := make([]string, 0, len(byService[s]))
		for a := range byService[s] {
			acts = append(acts, a)
		}
		sort.Strings(acts)
		doc.Statement = append(doc.Statement, Statement{
			Sid:      "GuardrailRead" + sid(s),
			Effect:   "Allow",
			Action:   acts,
			Resource: "*",
		})
	}
	return doc
}

// sid turns a service prefix into a statement ID part ("access-analyzer"
// becomes "AccessAnalyzer").
func sid(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r == '-' || r == '_':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// JSON returns the document indented, as IAM takes it.
func (d PolicyDocument) JSON() []byte {
	b, _ := json.MarshalIndent(d, "", "  ")
	return append(b, '\n')
}
