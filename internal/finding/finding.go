// Package finding turns results into findings that live across scans: a
// finding has a stable ID (the control and the resource it judges), the
// first and last time it was seen, a workflow status, and a history of
// what happened to it. This package holds the types and the lifecycle
// rules as pure functions; package store keeps findings, and package rule
// applies the team's automation rules to them.
//
// The lifecycle, as Security Hub's workflow:
//
//   - A failing result makes a NEW finding.
//   - A finding that passes, becomes not applicable, or whose resource
//     is gone from a target that was fully assessed is RESOLVED.
//   - A RESOLVED finding that fails again is reopened: NEW.
//   - NOTIFIED and SUPPRESSED are set by people or rules; a failing result
//     keeps them. A suppression that has expired goes back to NEW.
//   - ERROR (could not be assessed) never resolves anything: the finding
//     keeps its workflow, with the reason recorded. Only a failure opens
//     a finding: one first seen as ERROR is recorded, not opened (the
//     gap is reported on the scan).
//
// It must not import the AWS SDK.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
)

// Workflow is where a finding is in a team's handling of it.
type Workflow string

// The workflow statuses, as Security Hub names them.
const (
	New        Workflow = "NEW"
	Notified   Workflow = "NOTIFIED"
	Suppressed Workflow = "SUPPRESSED"
	Resolved   Workflow = "RESOLVED"
)

// Valid reports whether w is one of the four statuses.
func (w Workflow) Valid() bool {
	switch w {
	case New, Notified, Suppressed, Resolved:
		return true
	}
	return false
}

// ID is the stable ID of the finding a result belongs to: the same
// control, account, region and resource give the same ID in every scan.
// (The region is part of it because account-level resources are judged
// per region.)
func ID(r control.Result) string {
	m := r.Resource
	h := sha256.Sum256([]byte(r.Control + "\x00" + m.Account + "\x00" + m.Region + "\x00" + m.ARN))
	return hex.EncodeToString(h[:20])
}

// Finding is a control's judgement of one resource, across scans.
type Finding struct {
	ID           string            `json:"id"`
	Control      string            `json:"control"`
	Title        string            `json:"title"`
	Account      string            `json:"account"`
	AccountName  string            `json:"account_name,omitempty"`
	OUPath       string            `json:"ou_path,omitempty"`
	Region       string            `json:"region"`
	ResourceARN  string            `json:"resource_arn"`
	ResourceType string            `json:"resource_type"`
	ResourceName string            `json:"resource_name,omitempty"`
	ResourceTags map[string]string `json:"resource_tags,omitempty"`
	// Exposure is how far the resource is open, as of the scan that last
	// saw it (see package inventory): it ranks findings of the same
	// severity. JSON: ["public","internet"].
	Exposure inventory.Exposure `json:"exposure,omitempty"`
	// Standards are the requirement IDs the control maps to
	// ("cis-3.0:1.4", "fsbp:IAM.4").
	Standards []string `json:"standards,omitempty"`
	// Severity is the control's, unless a rule overrode it
	// (SeverityOverridden).
	Severity           control.Severity `json:"severity"`
	SeverityOverridden bool             `json:"severity_overridden,omitempty"`
	// Compliance is the latest result: PASSED, FAILED, NOT_APPLICABLE or
	// ERROR; Reason says why.
	Compliance control.Status `json:"compliance"`
	Reason     string         `json:"reason"`
	Workflow   Workflow       `json:"workflow"`
	// Suppression says why, by whom and until when a SUPPRESSED finding
	// is suppressed.
	Suppression *Suppression `json:"suppression,omitempty"`
	Notes       []Note       `json:"notes,omitempty"`
	FirstSeen   time.Time    `json:"first_seen"`
	LastSeen    time.Time    `json:"last_seen"`
	// UpdatedAt is when anything about the finding last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// LastScan is the ID of the scan that last saw the resource.
	LastScan string `json:"last_scan"`
}

// Suppression is an accepted risk.
type Suppression struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
	// Until is when it expires; zero means never.
	Until time.Time `json:"until,omitzero"`
}

// Note is a remark on a finding.
type Note struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Event is one change in a finding's history.
type Event struct {
	FindingID string    `json:"finding_id"`
	At        time.Time `json:"at"`
	Scan      string    `json:"scan,omitempty"`
	// Kind: "created", "resolved", "reopened", "suppressed",
	// "unsuppressed", "suppression_expired", "severity", "workflow", "note",
	// "compliance".
	Kind string `json:"kind"`
	// By is who made the change: "scan", "rule:<name>" or a user name.
	By     string `json:"by"`
	Detail string `json:"detail,omitempty"`
}
