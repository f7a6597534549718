package org

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText prints the organization as a tree of OUs and accounts, with
// each account's enabled regions (and which API listed them, when it was
// not the Account API) or the reason it cannot be assessed.
func WriteText(w io.Writer, o *Organization) error {
	ok, failed, targets := 0, 0, 0
	for _, a := range o.Accounts {
		if a.Err != nil {
			failed++
		} else {
			ok++
			targets += len(a.Regions)
		}
	}
	id := o.ID
	if id == "" {
		id = "(no organization: single account)"
	}
	fmt.Fprintf(w, "Organization %s  management account %s\n", id, o.ManagementAccount)
	fmt.Fprintf(w, "%d accounts (%d reachable, %d not), %d OUs, %d account-region targets\n\n", len(o.Accounts), ok, failed, len(o.OUs), targets)
	byPath := map[string][]Account{}
	for _, a := range o.Accounts {
		byPath[a.Path] = append(byPath[a.Path], a)
	}
	paths := []string{""}
	for _, ou := range o.OUs {
		paths = append(paths, ou.Path)
	}
	sort.Strings(paths)
	// Names are padded so the IDs line up whatever the OU depth.
	width, deepest := 0, 0
	for _, a := range o.Accounts {
		width = max(width, len(a.Name))
		if a.Path != "" {
			deepest = max(deepest, strings.Count(a.Path, "/")+1)
		}
	}
	for _, p := range paths {
		depth := 0
		label := "Root"
		if p != "" {
			depth = strings.Count(p, "/") + 1
			label = lastElem(p) + "/"
		}
		indent := strings.Repeat("  ", depth)
		pad := width + 2*(deepest-depth)
		fmt.Fprintf(w, "%s%s\n", indent, label)
		for _, a := range byPath[p] {
			fmt.Fprintf(w, "%s  %-*s  %s  ", indent, pad, a.Name, a.ID)
			switch {
			case a.Err != nil:
				fmt.Fprintf(w, "NOT ASSESSED: %v\n", a.Err)
			default:
				fmt.Fprintf(w, "%s\n", strings.Join(a.Regions, " "))
				if a.RegionSource != "" && a.RegionSource != RegionsByAccountAPI {
					fmt.Fprintf(w, "%s  %-*s  %s  regions listed by %s\n", indent, pad, "", strings.Repeat(" ", len(a.ID)), a.RegionSource)
				}
			}
			for _, r := range sortedKeys(a.Skipped) {
				fmt.Fprintf(w, "%s  %-*s  %s  skipped %s: %s\n", indent, pad, "", strings.Repeat(" ", len(a.ID)), r, a.Skipped[r])
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
