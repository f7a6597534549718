// Package control defines controls, the checks Guardrail assesses, and
// their results. A control reads only the snapshot: it never calls AWS,
// so the same control judges a live account, a Terraform plan or the
// resource a CloudTrail event just changed.
//
// Every resource a control looks at yields a Result, PASSED included.
// What could not be read yields ERROR with the reason, never PASSED: the
// evaluator turns a collector's Gap into ERROR before the control runs,
// and a control reports ERROR for a resource whose detail is unknown.
//
// Controls live in control/<service>; control/catalog assembles them with
// the standards (control/standards) they implement. This package must not
// import the AWS SDK.
package control

import (
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Severity ranks how bad a failure is, as Security Hub labels it.
type Severity int

// Severities, lowest first.
const (
	Informational Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the label ("HIGH").
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a label, in any case.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// ParseSeverity reads a severity label in any case ("high", "CRITICAL").
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want one of informational, low, medium, high, critical", s)
}

// Status is the outcome of a control for one resource.
type Status string

// Statuses. ERROR means it could not be assessed; it is never a pass.
const (
	Passed        Status = "PASSED"
	Failed        Status = "FAILED"
	NotApplicable Status = "NOT_APPLICABLE"
	Error         Status = "ERROR"
)

// Control is one check.
type Control struct {
	// ID is the AWS Foundational Security Best Practices ID ("S3.1") when
	// the check is one; otherwise "GR.<Service>.<n>".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Service is the AWS service the control is about ("S3", "IAM").
	Service  string   `json:"service"`
	Severity Severity `json:"severity"`
	// ResourceType is the ASFF type of the resources it judges.
	ResourceType string `json:"resource_type"`
	// Global controls are evaluated once per account (account-wide state,
	// or a judgement across all regions), with Input.Region nil; results
	// are reported in the home region. The others run per region.
	Global bool `json:"global"`
	// Needs are the collectors whose state Check reads. When one of them
	// has a gap for the target (global collectors: the account; regional
	// collectors: the region of a regional control), the control yields
	// ERROR with the gap's reason instead of running. A Global control
	// that reads regional collectors checks Input.Gap itself.
	Needs []string `json:"needs"`
	// Reads, when set, names for a collector of Needs the only parts of
	// its state Check reads (for "ec2", the snapshot/ec2 Part*
	// constants): a re-assessment of the control (scan.Assess) collects
	// only those. A part Check reads but Reads leaves out is reported
	// not collected, so a Reads too narrow yields ERROR, never a pass.
	// A collector it does not name is collected whole.
	Reads map[string][]string `json:"-"`
	// Check judges the resources of in and reports through in.
	Check func(in *Input) `json:"-"`
	// Rationale says why it matters; Remediation how to fix it (console
	// and CLI steps).
	Rationale   string `json:"rationale"`
	Remediation string `json:"remediation"`
	// WellArchitected lists the Well-Architected security questions the
	// control supports ("SEC03").
	WellArchitected []string `json:"well_architected,omitempty"`
	// Standards are the requirements the control implements; the catalog
	// fills them from control/standards.
	Standards []Requirement `json:"standards,omitempty"`
}

// Requirement is one item of a standard.
type Requirement struct {
	// Standard is the standard's ID ("standards/cis-aws-foundations-benchmark/v/3.0.0").
	Standard string `json:"standard"`
	// ID is the item within it ("1.4", "IAM.4").
	ID string `json:"id"`
}

// Result is the outcome of a control for one resource.
type Result struct {
	Control  string        `json:"control"`
	Status   Status        `json:"status"`
	Resource snapshot.Meta `json:"resource"`
	// Reason says what was found ("MFA is not enabled for alice") or, for
	// ERROR, why it could not be assessed.
	Reason string `json:"reason"`
}

// Input is what Check reads, and where it reports.
type Input struct {
	Snapshot *snapshot.Snapshot
	Account  *snapshot.Account
	// Region is the region being judged; nil for Global controls.
	Region *snapshot.Region
	// Now is the time of the scan.
	Now time.Time

	control *Control
	region  string
	results []Result
}

// RegionName is the region results are reported in: the judged region,
// or the account's home region for Global controls.
func (in *Input) RegionName() string { return in.region }

// AccountMeta is the account as a resource, in RegionName.
func (in *Input) AccountMeta() snapshot.Meta { return in.Account.Meta(in.region) }

// Gap returns the gap of collector for this account in region ("" for
// global collectors), if there is one.
func (in *Input) Gap(collector, region string) (snapshot.Gap, bool) {
	return in.Snapshot.Gap(in.Account.ID, region, collector)
}

func (in *Input) add(s Status, m snapshot.Meta, format string, args []any) {
	if m.Account == "" {
		m.Account = in.Account.ID
	}
	if m.Region == "" {
		m.Region = in.region
	}
	in.results = append(in.results, Result{Control: in.control.ID, Status: s, Resource: m, Reason: reason(format, args)})
}

// reason formats a result's reason. Most are a constant string (Check's
// pass and fail): those are kept as they are, not copied into a new
// string for every resource of a scan.
func reason(format string, args []any) string {
	switch {
	case len(args) == 0 && !strings.Contains(format, "%"):
		return format
	case len(args) == 1 && format == "%s":
		if s, ok := args[0].(string); ok {
			return s
		}
	}
	return fmt.Sprintf(format, args...)
}

// Pass reports that m complies.
func (in *Input) Pass(m snapshot.Meta, format string, args ...any) { in.add(Passed, m, format, args) }

// Fail reports that m does not comply, and why.
func (in *Input) Fail(m snapshot.Meta, format string, args ...any) { in.add(Failed, m, format, args) }

// NotApplicable reports that the control does not apply to m.
func (in *Input) NotApplicable(m snapshot.Meta, format string, args ...any) {
	in.add(NotApplicable, m, format, args)
}

// Error reports that m could not be assessed, and why.
func (in *Input) Error(m snapshot.Meta, format string, args ...any) { in.add(Error, m, format, args) }

// Check reports pass or fail for m by ok.
func (in *Input) Check(m snapshot.Meta, ok bool, pass, fail string) {
	if ok {
		in.Pass(m, "%s", pass)
	} else {
		in.Fail(m, "%s", fail)
	}
}
