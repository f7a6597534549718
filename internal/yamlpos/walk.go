package yamlpos

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Field is one key a mapping may have, and what to do with its value
// (resolved) at its field path.
type Field struct {
	Key string
	Fn  func(n *yaml.Node, path string)
}

// Errorf reports a problem at a node and field path.
type Errorf func(n *yaml.Node, path, format string, args ...any)

// Mapping walks the mapping n in file order, calling the field for each
// key; unknown and repeated keys are reported. It returns the keys seen,
// and false if n is not a mapping (reported too).
func Mapping(n *yaml.Node, path string, fields []Field, errorf Errorf) (map[string]bool, bool) {
	n = Resolve(n)
	if n.Kind != yaml.MappingNode {
		errorf(n, path, "want a mapping of %s", keys(fields))
		return nil, false
	}
	seen := map[string]bool{}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		fi := slices.IndexFunc(fields, func(f Field) bool { return f.Key == k.Value })
		switch {
		case k.Kind != yaml.ScalarNode || fi < 0:
			errorf(k, path, "unknown field %q (want %s)", k.Value, keys(fields))
		case seen[k.Value]:
			errorf(k, Join(path, k.Value), "given twice (first on line %d)", first[k.Value])
		default:
			seen[k.Value], first[k.Value] = true, k.Line
			fields[fi].Fn(Resolve(v), Join(path, k.Value))
		}
	}
	return seen, true
}

func keys(fields []Field) string {
	ks := make([]string, len(fields))
	for i, f := range fields {
		ks[i] = f.Key
	}
	return strings.Join(ks, ", ")
}

// Scalar returns n's value; a missing value or a non-scalar is reported.
func Scalar(n *yaml.Node, path string, errorf Errorf) (string, bool) {
	switch {
	case n.Kind != yaml.ScalarNode:
		errorf(n, path, "want a single value")
		return "", false
	case n.Tag == "!!null" || strings.TrimSpace(n.Value) == "":
		errorf(n, path, "empty")
		return "", false
	}
	return n.Value, true
}

// Items are the nodes (resolved) of a list field at path and their
// paths: a sequence's items (path[i]), or the one scalar given for a
// list (path).
func Items(n *yaml.Node, path string) ([]*yaml.Node, []string) {
	if n.Kind != yaml.SequenceNode {
		return []*yaml.Node{n}, []string{path}
	}
	nodes, paths := make([]*yaml.Node, len(n.Content)), make([]string, len(n.Content))
	for i, c := range n.Content {
		nodes[i], paths[i] = Resolve(c), path+"["+strconv.Itoa(i)+"]"
	}
	return nodes, paths
}

// List reads a list of scalars, or one scalar given for a list,
// checking each with ok (nil: any value); an empty list is reported
// with the message empty. Values that fail are reported and left out.
func List(n *yaml.Node, path, empty string, errorf Errorf, ok func(v string) error) []string {
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		errorf(n, path, "%s", empty)
		return nil
	}
	nodes, paths := Items(n, path)
	var out []string
	for i, c := range nodes {
		v, good := Scalar(c, paths[i], errorf)
		if !good {
			continue
		}
		if ok != nil {
			if err := ok(v); err != nil {
				errorf(c, paths[i], "%s", err)
				continue
			}
		}
		out = append(out, v)
	}
	return out
}
