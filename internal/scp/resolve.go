package scp

import (
	"fmt"
	"strings"
)

// Node is an OU or an account of the organization, as the rollout knows
// it (from discovery): the fields a target can name.
type Node struct {
	// Kind is "root", "ou" or "account".
	Kind string
	// ID is r-…, ou-… or the 12-digit account ID.
	ID string
	// Name is the OU's or the account's name.
	Name string
	// Path is the OU's path below the root ("Workloads/Production"; ""
	// for the root); for an account, its OU's path.
	Path string
}

// Resolve finds the node a target names among the organization's OUs
// and accounts (root is the root node given, if any). A target that
// names nothing, or an account name two accounts share, is an error: a
// policy must never be attached somewhere else than meant.
func Resolve(target string, root Node, ous, accounts []Node) (Node, error) {
	t := CanonicalTarget(target)
	switch {
	case t == "root" || rootIDPattern.MatchString(t):
		if root.ID == "" || rootIDPattern.MatchString(t) && t != root.ID {
			return Node{}, fmt.Errorf("target %s: the organization's root is %q", target, root.ID)
		}
		return root, nil
	case ouIDPattern.MatchString(t):
		for _, o := range ous {
			if o.ID == t {
				return o, nil
			}
		}
		return Node{}, fmt.Errorf("target %s: no OU with that ID in the organization", target)
	case strings.HasPrefix(t, "ou:"):
		path := strings.TrimPrefix(t, "ou:")
		for _, o := range ous {
			if strings.EqualFold(o.Path, path) {
				return o, nil
			}
		}
		return Node{}, fmt.Errorf("target %s: no OU at path %q in the organization", target, path)
	case strings.HasPrefix(t, "account:"):
		want := strings.TrimPrefix(t, "account:")
		var found []Node
		for _, a := range accounts {
			if a.ID == want || a.Name == want {
				found = append(found, a)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			return Node{}, fmt.Errorf("target %s: no account with that ID or name in the organization", target)
		}
		var ids []string
		for _, a := range found {
			ids = append(ids, a.ID)
		}
		return Node{}, fmt.Errorf("target %s: %d accounts are named %q (%s): name it by ID", target, len(found), want, strings.Join(ids, ", "))
	}
	return Node{}, fmt.Errorf("target %s: %v", target, CheckTarget(target))
}
