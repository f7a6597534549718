package store

import (
	"context"
	"errors"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// ErrNotFound says a scan or finding does not exist.
var ErrNotFound = errors.New("not found")

// Store keeps scans and findings. Implementations are safe for concurrent
// use.
type Store interface {
	Journal
	// StartScan records that a scan began (Status RUNNING).
	StartScan(ctx context.Context, s Scan) error
	// FinishScan stores rep, the report of a scan StartScan recorded: the
	// scan's counts, scores and gaps; each result as a finding moved
	// through its lifecycle (finding.Observe, finding.Gone for resources
	// no longer found in fully assessed targets) and then through rules
	// (each change recorded as an event by "rule:<name>"); and the scan's
	// results. All in one transaction. It returns what changed.
	FinishScan(ctx context.Context, rep *report.Report, rules *rule.Set) (Changes, error)
	// Scans lists the scans of the organization, newest first; the
	// watch's re-assessments are Watch.WatchScans.
	Scans(ctx context.Context, limit int) ([]Scan, error)
	// Scan returns one scan (ErrNotFound if none).
	Scan(ctx context.Context, id string) (Scan, error)
	// Findings lists the findings that match f, in f's order, and how many
	// match in all.
	Findings(ctx context.Context, f Filter) ([]finding.Finding, int, error)
	// Finding returns one finding and its history, oldest event first.
	Finding(ctx context.Context, id string) (finding.Finding, []finding.Event, error)
	// Suppress suppresses findings (finding.Suppress) and records it.
	Suppress(ctx context.Context, ids []string, reason, by string, until time.Time) error
	// Unsuppress puts suppressed findings back (finding.Unsuppress).
	Unsuppress(ctx context.Context, ids []string, reason, by string) error
	// Diff compares two scans: findings failing as of b but not as of a,
	// failing as of a but not as of b, and score changes. A finding's
	// state as of a scan is what the latest scan up to it that judged it
	// found (see the package doc).
	Diff(ctx context.Context, a, b string) (Diff, error)
	// ScoreHistory returns the overall, per-standard, per-account and
	// per-region scores of the last n complete scans of the organization
	// (KindScan), oldest first: a re-assessment by the watch scores one
	// account and region, and is not a point of the organization's
	// history.
	ScoreHistory(ctx context.Context, n int) ([]ScoreAt, error)
	Staged
	Dashboard
	Inventory
	Watch
	Notify
	Close() error
}

// Scan status.
const (
	Running     = "RUNNING"
	Complete    = "COMPLETE"
	Interrupted = "INTERRUPTED"
)

// Scan is a recorded scan.
type Scan struct {
	ID       string    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Status   string    `json:"status"`
	// Kind is KindScan, or KindWatch for a re-assessment by the watch of
	// the account, region and controls an event touched.
	Kind   string         `json:"kind,omitempty"`
	By     string         `json:"by"` // the local user who ran it; Scope.Caller is the AWS principal
	Scope  report.Scope   `json:"scope"`
	Stats  report.Stats   `json:"stats"`
	Counts Counts         `json:"counts"`
	Scores score.Scores   `json:"scores"`
	Gaps   []snapshot.Gap `json:"gaps,omitempty"`
	// NotAssessed are accounts that could not be assessed, with why.
	NotAssessed map[string]string `json:"not_assessed,omitempty"`
	Changes     Changes           `json:"changes"`
	// Accounts are the accounts in scope, by ID.
	Accounts []ScanAccount `json:"accounts,omitempty"`
	// Parts is how many parts a staged scan waits for (shards, or a
	// queue's accounts; 0 for a scan stored at once), Reported how many
	// have reported: a RUNNING staged scan with Reported < Parts is
	// incomplete, and has changed no finding (see Staged).
	Parts    int `json:"parts,omitempty"`
	Reported int `json:"parts_reported,omitempty"`
}

// ScanAccount is an account in a scan's scope.
type ScanAccount struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	OUPath string `json:"ou_path,omitempty"`
	Status string `json:"status,omitempty"`
	// Error says why it was not assessed at all.
	Error string `json:"error,omitempty"`
	// Regions are the regions in scope that the scan assessed (empty
	// when the account was not assessed).
	Regions []string `json:"regions,omitempty"`
	// NotEnabled are the regions asked for that the account has not
	// enabled: out of scope.
	NotEnabled []string `json:"not_enabled,omitempty"`
}

// Counts are a scan's results by status.
type Counts struct {
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	NotApplicable int `json:"not_applicable"`
	Error         int `json:"error"`
}

// Changes are what a scan changed in the findings.
type Changes struct {
	New        int `json:"new"`
	Reopened   int `json:"reopened"`
	Resolved   int `json:"resolved"`
	Unchanged  int `json:"unchanged"`
	RuleEvents int `json:"rule_events"`
}

// Filter selects findings. Empty fields match everything.
type Filter struct {
	Accounts     []string
	OUPath       string // the OU and every OU under it
	Regions      []string
	Controls     []string
	Standard     string // short name: "cis-3.0", "fsbp"
	Severities   []control.Severity
	Compliance   []control.Status
	Workflow     []finding.Workflow
	ResourceType string
	// Text matches the resource ARN or name, the title or the reason.
	Text string
	// Scan keeps findings the scan saw.
	Scan string
	// IDPrefix keeps findings whose ID starts with it (a shortened ID).
	IDPrefix string
	// Order: "priority" (severity, then exposure: public, internet,
	// privileged, see inventory.Exposure.Rank; then failing first, then
	// newest first seen; the default) or "last_seen".
	Order         string
	Limit, Offset int
}

// Diff is what changed between two scans.
type Diff struct {
	A string `json:"a"`
	B string `json:"b"`
	// Appeared fail as of B and did not as of A; Fixed failed as of A and
	// do not as of B (passed, not applicable, or gone). Both hold the
	// findings as they are now, in priority order.
	Appeared []finding.Finding `json:"appeared"`
	Fixed    []finding.Finding `json:"fixed"`
	// Scores are B's scores minus A's, overall and per standard and
	// account that both scans scored.
	Overall   float64            `json:"overall_delta"`
	Standards map[string]float64 `json:"standards_delta"`
	Accounts  map[string]float64 `json:"accounts_delta"`
}

// ScoreAt is the scores of one scan, in percent: overall, and for each
// standard (by ID), account and region that had data.
type ScoreAt struct {
	Scan      string             `json:"scan"`
	At        time.Time          `json:"at"`
	Overall   float64            `json:"overall"`
	Standards map[string]float64 `json:"standards"`
	Accounts  map[string]float64 `json:"accounts"`
	Regions   map[string]float64 `json:"regions"`
}
