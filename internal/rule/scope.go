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
// error joins one *Error per unknown OU, naming file (the rule file's
// name) and the rule's line, in file order.
func (s *Set) CheckOUs(file string, known func(path string) bool) error {
	if s == nil {
		return nil
	}
	rules := slices.Clone(s.rules)
	slices.SortFunc(rules, func(a, b Rule) int { return a.index - b.index })
	var errs []error
	for _, r := range rules {
		for i, ou := range r.Criteria.OUs {
			if !known(ou) {
				errs = append(errs, &Error{File: file, Line: r.Line, Path: fmt.Sprintf("rules[%d].criteria.ou[%d]", r.index, i),
					Msg: fmt.Sprintf("rule %q: %q is not an OU of the organization", r.Name, ou)})
			}
		}
	}
	return errors.Join(errs...)
}
