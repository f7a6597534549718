package org

// Selection. A selector picks accounts by account ID, OU ID, OU name or
// path, or tag (key=value); --include keeps the accounts any include
// selector matches, --exclude drops those any exclude selector matches.
//
// A selector that selects nothing is almost always a typo, and a typo in
// a selector must not pass for a scan: "--include Workloads/Prodution"
// that assessed no account and exited 0 would read as "nothing to fix".
// So a selector that is malformed (CheckSelectors, before any AWS call),
// that matches no account and names no OU of the organization, or a
// selection that leaves no account, is a *SelectorError, which the
// command line reports as a usage error. A selector that names an OU
// with no account in it is fine: the OU exists, it is just empty. The
// same holds for --regions: a region enabled in some accounts in scope
// is assessed there and listed as not enabled in the others; one enabled
// in none of them (once their regions are known) is an error.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SelectorError is a selector that is malformed or selects nothing of the
// organization.
type SelectorError struct {
	// Flag is the option the selector came from: "--include".
	Flag string
	// Selector is the selector as given.
	Selector string
	Msg      string

	selection bool // about the whole selection: Flag is every selector
}

func (e *SelectorError) Error() string {
	if e.selection {
		return e.Flag + ": " + e.Msg
	}
	return fmt.Sprintf("%s %q: %s", e.Flag, e.Selector, e.Msg)
}

// CheckSelectors checks the form of include and exclude selectors: none
// empty, a tag selector has a key and a value, an OU path has no empty
// element.
func CheckSelectors(include, exclude []string) error {
	var errs []error
	for _, f := range []struct {
		flag string
		sels []string
	}{{"--include", include}, {"--exclude", exclude}} {
		for _, s := range f.sels {
			if msg := malformed(s); msg != "" {
				errs = append(errs, &SelectorError{Flag: f.flag, Selector: s, Msg: msg})
			}
		}
	}
	return errors.Join(errs...)
}

func malformed(s string) string {
	switch k, v, tag := strings.Cut(s, "="); {
	case strings.TrimSpace(s) == "":
		return "empty selector (want an account ID, OU ID, OU name or path, or tag key=value)"
	case s != strings.TrimSpace(s):
		return "leading or trailing spaces"
	case tag && k == "":
		return "a tag selector needs a key (key=value)"
	case tag && v == "":
		return "a tag selector needs a value (key=value)"
	case !tag && (strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//")):
		return "not an OU path (want OU names separated by /, like Workloads/Production)"
	}
	return ""
}

// tagSelectors reports whether any selector needs account tags.
func tagSelectors(sels ...[]string) bool {
	for _, ss := range sels {
		for _, s := range ss {
			if strings.Contains(s, "=") {
				return true
			}
		}
	}
	return false
}

// checkSelectors checks that each selector matches an account of o or
// names one of its OUs (the accounts' tags must be known when a selector
// is a tag).
func (o *Organization) checkSelectors(include, exclude []string) error {
	var errs []error
	for _, f := range []struct {
		flag string
		sels []string
	}{{"--include", include}, {"--exclude", exclude}} {
		for _, s := range f.sels {
			if slices.ContainsFunc(o.Accounts, func(a Account) bool { return matchAny(a, []string{s}) }) {
				continue
			}
			msg := "no account or OU of the organization matches"
			switch {
			case strings.Contains(s, "="):
				msg = "no account of the organization has this tag"
			case o.namesOU(s):
				continue
			}
			if o.ID == "" && len(o.Accounts) == 1 {
				msg = "does not match account " + o.Accounts[0].ID + ", the only account in scope (no organization)"
			}
			errs = append(errs, &SelectorError{Flag: f.flag, Selector: s, Msg: msg})
		}
	}
	return errors.Join(errs...)
}

// HasOU reports whether path is the path of an OU of o
// ("Workloads/Production").
func (o *Organization) HasOU(path string) bool {
	return slices.ContainsFunc(o.OUs, func(ou OU) bool { return ou.Path == path })
}

// namesOU reports whether s is the ID, name or path of an OU of o.
func (o *Organization) namesOU(s string) bool {
	return slices.ContainsFunc(o.OUs, func(ou OU) bool { return s == ou.ID || s == ou.Path || s == ou.Name })
}

// emptySelection is the error of a selection that leaves no account.
func emptySelection(include, exclude []string) error {
	var flags []string
	for _, s := range include {
		flags = append(flags, fmt.Sprintf("--include %q", s))
	}
	for _, s := range exclude {
		flags = append(flags, fmt.Sprintf("--exclude %q", s))
	}
	return &SelectorError{Flag: strings.Join(flags, " "), Msg: "the selection leaves no account to assess", selection: true}
}

// checkRegions checks that each region asked for is enabled in at least
// one account in scope whose regions are known.
func checkRegions(accounts []Account, want []string) error {
	var errs []error
	for _, r := range want {
		known, enabled := false, false
		for _, a := range accounts {
			if a.Err == nil && !a.Unexamined {
				known = true
				enabled = enabled || slices.Contains(a.Regions, r)
			}
		}
		if known && !enabled && !anyUnexamined(accounts) {
			errs = append(errs, &SelectorError{Flag: "--regions", Selector: r, Msg: "not enabled in any account in scope (or not a region)"})
		}
	}
	return errors.Join(errs...)
}

// selectAccounts applies include and exclude selectors.
func selectAccounts(all []Account, include, exclude []string) []Account {
	var out []Account
	for _, a := range all {
		if len(include) > 0 && !matchAny(a, include) {
			continue
		}
		if matchAny(a, exclude) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func matchAny(a Account, sels []string) bool {
	for _, s := range sels {
		if k, v, ok := strings.Cut(s, "="); ok {
			if tv, has := a.Tags[k]; has && tv == v {
				return true
			}
			continue
		}
		if s == a.ID || s == a.OUID || s == a.Path || strings.HasPrefix(a.Path+"/", s+"/") || lastElem(a.Path) == s {
			return true
		}
	}
	return false
}

func lastElem(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Matches reports whether selector s (in the form of --include: an
// account ID, an OU's ID, name or path, or a tag "key=value") selects
// account a. OU IDs above the account's own OU do not match: pass its
// path instead.
func Matches(a Account, s string) bool { return matchAny(a, []string{s}) }

// anyUnexamined reports whether discovery left accounts unexamined
// (Options.Examine): a region none of the examined accounts has enabled
// may be enabled in those, so it is not an error here.
func anyUnexamined(accounts []Account) bool {
	for _, a := range accounts {
		if a.Unexamined {
			return true
		}
	}
	return false
}
