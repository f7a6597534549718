package finding

import (
	"fmt"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// Observation is a result seen by a scan, with what the finding needs to
// know about the control and the account.
type Observation struct {
	Result      control.Result
	Control     *control.Control
	AccountName string
	OUPath      string
	// Standards are the control's requirement IDs, "<short>:<id>".
	Standards []string
}

// Observe returns the finding after scan saw o at time at, starting from
// prev (nil for a finding never seen), and the events that happened.
func Observe(prev *Finding, o Observation, scan string, at time.Time) (Finding, []Event) {
	r := o.Result
	var f Finding
	var evs []Event
	ev := func(kind, detail string) {
		evs = append(evs, Event{FindingID: f.ID, At: at, Scan: scan, Kind: kind, By: "scan", Detail: detail})
	}
	if prev == nil {
		// Only a failure opens a finding. A first result that could not be
		// assessed (ERROR) opens nothing: nothing was found, and the gap
		// is reported on the scan; the finding opens if it later fails.
		f = Finding{ID: ID(r), FirstSeen: at, Workflow: New}
		if r.Status != control.Failed {
			f.Workflow = Resolved
		}
	} else {
		f = *prev
		f.Notes = append([]Note(nil), prev.Notes...)
	}
	f.Control = r.Control
	f.Account, f.Region = r.Resource.Account, r.Resource.Region
	f.ResourceARN, f.ResourceType, f.ResourceName = r.Resource.ARN, r.Resource.Type, r.Resource.Name
	f.ResourceTags = r.Resource.Tags
	f.AccountName, f.OUPath, f.Standards = o.AccountName, o.OUPath, o.Standards
	if o.Control != nil {
		f.Title = o.Control.Title
		if !f.SeverityOverridden {
			f.Severity = o.Control.Severity
		}
	}
	f.LastSeen, f.LastScan = at, scan
	changed := prev == nil
	if prev == nil {
		ev("created", fmt.Sprintf("%s: %s", r.Status, r.Reason))
	} else if prev.Compliance != r.Status {
		ev("compliance", fmt.Sprintf("%s -> %s: %s", prev.Compliance, r.Status, r.Reason))
		changed = true
	}
	f.Compliance, f.Reason = r.Status, r.Reason

	switch r.Status {
	case control.Failed:
		switch {
		case f.Workflow == Resolved:
			f.Workflow = New
			ev("reopened", "failed again")
			changed = true
		case f.Workflow == Suppressed && f.Suppression != nil && !f.Suppression.Until.IsZero() && !at.Before(f.Suppression.Until):
			ev("suppression_expired", fmt.Sprintf("suppressed by %s until %s: %s", f.Suppression.By, f.Suppression.Until.Format(time.DateOnly), f.Suppression.Reason))
			f.Workflow, f.Suppression = New, nil
			changed = true
		}
	case control.Passed, control.NotApplicable:
		if f.Workflow != Resolved {
			ev("resolved", string(r.Status))
			f.Workflow, f.Suppression = Resolved, nil
			changed = true
		}
	case control.Error:
		// Could not be assessed: nothing is resolved or reopened.
	}
	if changed {
		f.UpdatedAt = at
	}
	return f, evs
}

// Gone returns the finding after a scan that fully assessed its target
// no longer found its resource: RESOLVED, unless it already was.
func Gone(prev Finding, scan string, at time.Time) (Finding, []Event) {
	f := prev
	if f.Workflow == Resolved {
		return f, nil
	}
	f.Workflow, f.Suppression, f.UpdatedAt = Resolved, nil, at
	return f, []Event{{FindingID: f.ID, At: at, Scan: scan, Kind: "resolved", By: "scan", Detail: "resource no longer exists"}}
}

// Suppress returns f suppressed by by for reason until until (zero:
// never), with the event.
func Suppress(f Finding, reason, by string, until, at time.Time) (Finding, Event) {
	f.Workflow = Suppressed
	f.Suppression = &Suppression{Reason: reason, By: by, Until: until}
	f.UpdatedAt = at
	d := reason
	if !until.IsZero() {
		d += " (until " + until.Format(time.DateOnly) + ")"
	}
	return f, Event{FindingID: f.ID, At: at, Kind: "suppressed", By: by, Detail: d}
}

// Unsuppress returns f back in the workflow its compliance implies.
func Unsuppress(f Finding, reason, by string, at time.Time) (Finding, Event) {
	f.Suppression = nil
	f.Workflow = New
	if f.Compliance == control.Passed || f.Compliance == control.NotApplicable {
		f.Workflow = Resolved
	}
	f.UpdatedAt = at
	return f, Event{FindingID: f.ID, At: at, Kind: "unsuppressed", By: by, Detail: reason}
}
