// Package exempt reads the guardrail:exempt tag: an approved exception
// to some controls on one resource, until a date, with the reason. The
// remediation engine (a resource it must leave alone) and the IaC checks
// (a failure that does not fail the run) read the same tag the same way.
// It imports nothing of Guardrail's.
package exempt

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Tag is the resource tag that exempts a resource from some controls
// (remediation leaves it alone; an IaC failure is reported exempted): "<controls> until <YYYY-MM-DD>: <reason>", controls
// separated by spaces or "/" ("EC2.8", "EC2.8/EC2.170", or "*" for
// every control). Only characters every AWS service allows in tag
// values are needed.
//
//	guardrail:exempt = EC2.8 until 2027-03-31: legacy web app needs IMDSv1 (JIRA SEC-123)
const Tag = "guardrail:exempt"

// Exemption is a parsed Tag.
type Exemption struct {
	Controls []string  `json:"controls"`
	Until    time.Time `json:"until"`
	Reason   string    `json:"reason"`
}

var exemptForm = regexp.MustCompile(`^\s*(.+?)\s+until\s+(\S+)\s*:\s*(.*?)\s*$`)

var controlID = regexp.MustCompile(`^(\*|[A-Za-z0-9]+(\.[A-Za-z0-9]+)+)$`)

// Parse reads a Tag value.
func Parse(v string) (Exemption, error) {
	m := exemptForm.FindStringSubmatch(v)
	if m == nil {
		return Exemption{}, fmt.Errorf("%q: want \"<controls> until <YYYY-MM-DD>: <reason>\", as in \"EC2.8 until 2027-03-31: legacy app needs IMDSv1\"", v)
	}
	var e Exemption
	for _, c := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == '/' }) {
		if !controlID.MatchString(c) {
			return Exemption{}, fmt.Errorf("%q: %q is not a control ID (EC2.8) or *", v, c)
		}
		e.Controls = append(e.Controls, c)
	}
	until, err := time.Parse(time.DateOnly, m[2])
	if err != nil {
		return Exemption{}, fmt.Errorf("%q: expiry %q is not a date (YYYY-MM-DD)", v, m[2])
	}
	// Exempt through the whole day named, in UTC.
	e.Until = until.Add(24*time.Hour - time.Nanosecond)
	if e.Reason = m[3]; e.Reason == "" {
		return Exemption{}, fmt.Errorf("%q: no reason after the colon: say why the resource is exempt", v)
	}
	return e, nil
}

// Covers reports whether e exempts control.
func (e Exemption) Covers(control string) bool {
	return slices.Contains(e.Controls, "*") || slices.Contains(e.Controls, control)
}
