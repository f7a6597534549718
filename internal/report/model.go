package report

import (
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Report is the outcome of one scan: what was assessed, every result,
// what could not be collected and why, and the scores.
type Report struct {
	// ID identifies the scan ("scan-20261123T101500Z").
	ID       string    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Scope    Scope     `json:"scope"`
	// Accounts are every account in scope, assessed or not, by ID.
	Accounts []Account `json:"accounts"`
	// Controls are the controls evaluated, by ID; Standards the standards
	// they map to.
	Controls  []*control.Control `json:"controls"`
	Standards []control.Standard `json:"standards"`
	// Results are sorted by account, region, control, resource.
	Results []control.Result `json:"results"`
	// Collectors are the collectors the scan ran.
	Collectors []Collector `json:"collectors,omitempty"`
	// Gaps are the (account, region, collector) whose state could not be
	// read, with why.
	Gaps []snapshot.Gap `json:"gaps"`
	// Coverage is every target in scope and what became of it; Scores
	// count the targets assessed (see ComputeScores).
	Coverage Coverage     `json:"coverage"`
	Scores   score.Scores `json:"scores"`
	// Requirements are each standard's requirements with their status
	// across the scan, by standard short name (score.Requirements).
	Requirements map[string][]score.RequirementStatus `json:"requirements,omitempty"`
	Stats        Stats                                `json:"stats"`
	// Inventory is the scan's resources with their exposure, built from
	// its snapshot; nil when the scan kept none. Stores keep it for
	// search and rank findings by it; reports do not print it.
	Inventory *inventory.Inventory `json:"-"`
}

// Scope is what was asked for.
type Scope struct {
	OrgID      string   `json:"org_id,omitempty"`
	Management string   `json:"management_account,omitempty"`
	Caller     string   `json:"caller_arn,omitempty"`
	Regions    []string `json:"regions,omitempty"`
	Include    []string `json:"include,omitempty"`
	Exclude    []string `json:"exclude,omitempty"`
	Standards  []string `json:"standards,omitempty"`
}

// Account is an account in scope.
type Account struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	OUPath string            `json:"ou_path,omitempty"`
	Status string            `json:"status,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Regions are the enabled regions in scope, the ones assessed.
	Regions []string `json:"regions"`
	// RegionSource says which API listed the regions, when it was not the
	// Account API: "ec2:DescribeRegions (account:ListRegions failed: ...)".
	RegionSource string `json:"region_source,omitempty"`
	// Skipped are regions asked for (--regions) that the account has not
	// enabled, with why: out of scope, shown as not enabled.
	Skipped map[string]string `json:"skipped_regions,omitempty"`
	// Error says why the account was not assessed at all.
	Error string `json:"error,omitempty"`
}

// Stats measure the work the scan did.
type Stats struct {
	Accounts int `json:"accounts"`
	// Targets are the (account, region) pairs assessed.
	Targets int `json:"targets"`
	Tasks   int `json:"tasks"`
	// APICalls counts every AWS call, retries included.
	APICalls int64 `json:"api_calls"`
	// Retries counts calls the SDK made again after a throttle or a
	// server error.
	Retries  int64   `json:"retries"`
	Errors   int     `json:"errors"`
	WallSecs float64 `json:"wall_s"`
}
