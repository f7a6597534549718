package export

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Options tune the exports; the zero value is fine.
type Options struct {
	// Catalog resolves a finding's control (rationale, remediation,
	// service, Well-Architected questions) and the standards behind its
	// requirement IDs. Nil means the embedded catalog (catalog.Default).
	Catalog *control.Catalog
	// Version is Guardrail's version, written in ASFF and OCSF; empty
	// means the version the binary was built as.
	Version string
	// OrgID is the organization's ID, written in OCSF (cloud.org.uid).
	OrgID string

	// The rest tune SecurityHub.

	// ConfigFor returns the configuration that imports the findings of
	// account in region: credentials of that account (Security Hub takes
	// a finding only from its own account), in that region. Nil means
	// SecurityHub's cfg with the region set.
	ConfigFor func(account, region string) (aws.Config, error)
	// Concurrency is how many (account, region) targets are imported at
	// once (default 8). Batches of one target go one after the other.
	Concurrency int
	// MaxRetries is how many times a batch that is still throttled after
	// the SDK's own retries is sent again (default 5); Backoff is the
	// first wait (default 1s), doubled each time up to MaxBackoff
	// (default 20s), with jitter.
	MaxRetries int
	Backoff    time.Duration
	MaxBackoff time.Duration
}

var defaultCatalog = sync.OnceValues(catalog.Default)

// resolver turns findings into report entries.
type resolver struct {
	opts Options
	cat  *control.Catalog
	// standards are the catalog's standards by short name.
	standards map[string]*control.Standard
}

func newResolver(opts Options) (*resolver, error) {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = defaultCatalog(); err != nil {
			return nil, fmt.Errorf("export: control catalog: %w", err)
		}
	}
	r := &resolver{opts: opts, cat: cat, standards: map[string]*control.Standard{}}
	for _, s := range cat.Standards() {
		r.standards[s.Short] = &s
	}
	return r, nil
}

func (r *resolver) reportOptions() report.Options { return report.Options{Version: r.opts.Version} }

// entry is f as package report writes it. A control the catalog does not
// know is written with what the finding holds (its title and severity);
// requirement IDs of standards the catalog does not know are left out.
func (r *resolver) entry(f *finding.Finding) report.Entry {
	c := r.cat.Control(f.Control)
	if c == nil {
		title := f.Title
		if strings.TrimSpace(title) == "" {
			title = f.Control
		}
		c = &control.Control{ID: f.Control, Title: title, Severity: f.Severity}
	}
	e := report.Entry{
		Result: control.Result{Control: f.Control, Status: f.Compliance, Reason: f.Reason,
			Resource: snapshot.Meta{ARN: f.ResourceARN, Type: f.ResourceType, Name: f.ResourceName,
				Account: f.Account, Region: f.Region, Tags: f.ResourceTags}},
		Control: c, AccountName: f.AccountName, OUPath: f.OUPath, OrgID: r.opts.OrgID,
		Scan: f.LastScan, Time: f.LastSeen, Finding: f,
	}
	for _, q := range f.Standards {
		short, id, ok := strings.Cut(q, ":")
		if s := r.standards[short]; ok && s != nil {
			e.Requirements = append(e.Requirements, report.Requirement{Standard: s, ID: id})
		}
	}
	return e
}

// ASFF returns f as an AWS Security Finding Format finding: a JSON object
// that decodes into the SDK's securityhub types.AwsSecurityFinding, as
// BatchImportFindings takes it from f's account, in f's region.
//
// Id is "guardrail/<control>/<finding ID>", the Id a report's ASFF gives
// the same result. Workflow.Status is f's workflow; RecordState is
// ARCHIVED once f is RESOLVED, else ACTIVE; Compliance.Status is PASSED,
// FAILED, or NOT_AVAILABLE (ERROR, NOT_APPLICABLE) with the reason in
// StatusReasons. CreatedAt and FirstObservedAt are when f was first seen,
// LastObservedAt when it was last seen, UpdatedAt when it last changed.
// Severity is f's (a rule may have overridden it; Security Hub's
// INFORMATIONAL for a passing check, the severity in Severity.Original).
// Note is f's latest note; the suppression is in ProductFields
// (guardrail/SuppressedBy, guardrail/SuppressionReason,
// guardrail/SuppressedUntil).
func ASFF(f finding.Finding, opts Options) (json.RawMessage, error) {
	r, err := newResolver(opts)
	if err != nil {
		return nil, err
	}
	return report.ASFFEntry(r.entry(&f), r.reportOptions())
}
