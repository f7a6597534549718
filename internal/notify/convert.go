package notify

import (
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
)

// FindingEvent is the event of a change of f: change is "new",
// "reopened", "resolved" or "suppressed"; scan the scan that made it (""
// for a change by a person, a rule or a ticket). ctl (nil if unknown)
// gives the fix steps. Account tags are not part of a finding: set
// Event.Finding.AccountTags from the organization when they are known.
func FindingEvent(f finding.Finding, change, scan string, at time.Time, ctl *control.Control) Event {
	nf := &Finding{
		ID: f.ID, Control: f.Control, Title: f.Title, Severity: f.Severity.String(), Standards: f.Standards,
		Account: f.Account, AccountName: f.AccountName, OUPath: f.OUPath, Region: f.Region,
		ResourceType: f.ResourceType, ResourceARN: f.ResourceARN, Status: string(f.Compliance), Reason: f.Reason,
		ResourceTags: f.ResourceTags, Workflow: string(f.Workflow),
	}
	if f.Suppression != nil {
		nf.SuppressedReason = f.Suppression.Reason
	}
	if ctl != nil {
		nf.Remediation = strings.TrimSpace(ctl.Remediation)
	}
	return Event{Source: "scan", Change: change, At: at, Scan: scan, Finding: nf}
}

// ChangeOf is the change a finding's current state stands for, for a
// finding read from the store: RESOLVED is "resolved", SUPPRESSED
// "suppressed", anything else "new".
func ChangeOf(f finding.Finding) string {
	switch f.Workflow {
	case finding.Resolved:
		return "resolved"
	case finding.Suppressed:
		return "suppressed"
	}
	return "new"
}
