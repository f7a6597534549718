package notify

import (
	"strconv"
	"strings"
	"time"
)

// Event is one thing to tell someone about: a finding's state change
// after a scan, a real-time alert from the watch, or a remediation run's
// outcome. It is JSON-serializable: the outbox stores it as it is and
// hands it back to the Sender.
type Event struct {
	// Source is "scan", "watch", "remediation" or "test".
	Source string
	// Change is, for a finding: "new", "reopened", "resolved" or
	// "suppressed"; for a watch alert: "alert"; for a remediation run:
	// "halted", "rolled_back", "failed" or "completed".
	Change  string
	At      time.Time
	Scan    string   `json:",omitempty"` // scan ID when from a scan
	Finding *Finding `json:",omitempty"`
	Alert   *Alert   `json:",omitempty"`
	Run     *Run     `json:",omitempty"`
}

// Finding is what a notification says about a finding.
type Finding struct {
	ID, Control, Title, Severity string
	Standards                    []string `json:",omitempty"`
	Account, AccountName, OUPath string
	Region, ResourceType         string
	ResourceARN                  string
	// Status is the compliance (FAILED, PASSED...); Reason says why.
	Status, Reason string
	// Remediation is the fix steps, as the control states them.
	Remediation string `json:",omitempty"`
	// Evidence is what the check saw (free text, possibly JSON).
	Evidence                  string            `json:",omitempty"`
	AccountTags, ResourceTags map[string]string `json:",omitempty"`
	// Workflow is the finding's workflow status (NEW, SUPPRESSED...).
	Workflow         string
	SuppressedReason string `json:",omitempty"`
}

// Alert is what a notification says about a watch alert.
type Alert struct {
	ID, Rule, Title, Severity    string
	EventName, EventSource       string
	Account, AccountName, OUPath string
	Region, Resource             string
	Actor, SourceIP              string
	// Count is how many events the alert groups; First and Last are the
	// first and last of them.
	Count                     int
	First, Last               time.Time
	AccountTags, ResourceTags map[string]string `json:",omitempty"`
	// Controls are the controls the event may have changed the result
	// of.
	Controls []string `json:",omitempty"`
}

// Run is what a notification says about a remediation run.
type Run struct {
	ID, Engine, Outcome, Reason string
	Controls                    []string `json:",omitempty"`
	Accounts                    []string `json:",omitempty"`
	// Changes is how many changes the run applied; RolledBack how many
	// of them it undid.
	Changes, RolledBack int
}

// Severities, lowest first.
var severities = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// severityRank ranks s (any case) from 0 (INFORMATIONAL) to 4
// (CRITICAL); -1 if s is not a severity.
func severityRank(s string) int {
	for i, n := range severities {
		if strings.EqualFold(s, n) {
			return i
		}
	}
	return -1
}

// Severity is the event's severity label: the finding's or the alert's;
// for a remediation run, HIGH when it halted, failed or was rolled back,
// INFORMATIONAL when it completed; INFORMATIONAL for a test.
func (e *Event) Severity() string {
	switch {
	case e.Finding != nil:
		return strings.ToUpper(e.Finding.Severity)
	case e.Alert != nil:
		return strings.ToUpper(e.Alert.Severity)
	case e.Run != nil && e.Change != "completed":
		return "HIGH"
	}
	return "INFORMATIONAL"
}

// Key is the event's stable identity, which the outbox de-duplicates on
// (with the destination):
//
//	finding:<finding ID>:<change>@<scan ID>     a finding's change in a scan
//	finding:<finding ID>:<change>@<unix nanos>  a change outside a scan (a person, a rule, a ticket)
//	alert:<alert ID>                            a watch alert
//	run:<run ID>:<change>                       a remediation run's outcome
//	test:<unix nanos>                           a test message
//
// A finding's change carries the scan (or the instant) because a finding
// may be reopened or resolved more than once in its life: each is one
// notification, and the same scan's change, written twice (a retry after
// a crash), is the same key.
func (e *Event) Key() string {
	switch {
	case e.Finding != nil:
		at := e.Scan
		if at == "" {
			at = strconv.FormatInt(e.At.UnixNano(), 10)
		}
		return "finding:" + e.Finding.ID + ":" + e.Change + "@" + at
	case e.Alert != nil:
		return "alert:" + e.Alert.ID
	case e.Run != nil:
		return "run:" + e.Run.ID + ":" + e.Change
	}
	return "test:" + strconv.FormatInt(e.At.UnixNano(), 10)
}

// GroupKey is what alerts are grouped by within the grouping window
// (Config.Defaults.GroupWindow): the same rule on the same resource in
// the same account and region. Events other than alerts return their Key.
func (e *Event) GroupKey() string {
	if a := e.Alert; a != nil {
		return "alert:" + a.Rule + ":" + a.Account + ":" + a.Region + ":" + a.Resource
	}
	return e.Key()
}
