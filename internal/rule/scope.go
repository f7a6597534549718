package rule

import (
	"errors"
	"fmt"
	"slices"
)

// CheckOUs checks the rules' OU criteria against the organization a scan
// found: a rule whose ou names a path that is not an OU of the
// organization (known reports whether it is) could never match, which is
// almost always a typo, and a suppression with a typo is a risk accepted
// for nothing. Parse cannot tell: it does not know the organization. The
// error joins one *Error per unknown OU, at the file, line and column of
// that OU in the rule file, in file order.
func (s *Set) CheckOUs(known func(path string) bool) error {
	if s == nil {
		return nil
	}
	rules := slices.Clone(s.rules)
	slices.SortFunc(rules, func(a, b Rule) int { return a.index - b.index })
	var errs []error
	for _, r := range rules {
		for i, ou := range r.Criteria.OUs {
			if known(ou) {
				continue
			}
			e := &Error{File: s.file, Line: r.Line, Path: fmt.Sprintf("rules[%d].criteria.ou", r.index),
				Msg: fmt.Sprintf("rule %q: %q is not an OU of the organization", r.Name, ou)}
			if len(r.ouAt) == len(r.Criteria.OUs) { // parsed from a file
				e.Line, e.Col, e.Path = r.ouAt[i].Line, r.ouAt[i].Column, r.ouPath[i]
			}
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
