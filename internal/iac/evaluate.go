package iac

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// Status is the outcome of a control for one resource of the code: the
// statuses of control.Status, and three of its own.
type Status string

// Statuses. UNKNOWN, NOT_ASSESSED and ERROR are never a pass.
const (
	Passed        Status = "PASSED"
	Failed        Status = "FAILED"
	NotApplicable Status = "NOT_APPLICABLE"
	Error         Status = "ERROR"
	// Unknown: the verdict rests on a value known only after apply.
	Unknown Status = "UNKNOWN"
	// Exempted: a failure an approved, unexpired exception covers.
	Exempted Status = "EXEMPTED"
	// NotAssessed: account-level state the code does not define and no
	// context supplied, or a resource type no mapping covers.
	NotAssessed Status = "NOT_ASSESSED"
)

// Account-level facts: state of the whole account (or region) that a
// control judges, and that the code may define. A Resource names the
// facts it defines in Facts; Context supplies them otherwise.
const (
	FactPasswordPolicy         = "iam-password-policy"
	FactEBSEncryptionByDefault = "ebs-encryption-by-default"
	FactS3AccountPublicAccess  = "s3-account-public-access-block"
	FactCloudTrail             = "cloudtrail"
	FactConfigRecorder         = "config-recorder"
	FactGuardDuty              = "guardduty-detector"
	FactMetricFilters          = "cloudwatch-metric-filters"
)

// factOf names the fact an account-level control judges; an
// account-level control it does not know is about state no code defines
// (the root user, the security contact, Security Hub).
func factOf(id string) string {
	switch {
	case id == "IAM.7" || id == "IAM.15" || id == "IAM.16":
		return FactPasswordPolicy
	case id == "EC2.7":
		return FactEBSEncryptionByDefault
	case id == "S3.1":
		return FactS3AccountPublicAccess
	case id == "CloudTrail.1" || id == "S3.22" || id == "S3.23":
		return FactCloudTrail
	case id == "Config.1":
		return FactConfigRecorder
	case strings.HasPrefix(id, "GuardDuty."):
		return FactGuardDuty
	case strings.HasPrefix(id, "CloudWatch.") || strings.HasPrefix(id, "GR.CloudWatch."):
		return FactMetricFilters
	}
	return ""
}

// factHint says how a CLI user supplies fact.
func factHint(fact string) string {
	switch fact {
	case FactEBSEncryptionByDefault:
		return "--ebs-encryption-by-default[=false] or --context-from-store"
	case FactS3AccountPublicAccess:
		return "--s3-account-public-access-block[=false] or --context-from-store"
	}
	return "--context-from-store (the latest live scan of the account)"
}

// Context is account-level state the code does not hold, from a live
// scan or from flags.
type Context struct {
	// Source says where it comes from ("flags", "store: scan-… of
	// account 111122223333").
	Source string
	// EBSEncryptionByDefault and S3AccountPublicAccessBlock, when set,
	// are the account's settings (flags).
	EBSEncryptionByDefault     *bool
	S3AccountPublicAccessBlock *s3.PublicAccessBlock
	// Results are the results of account-level controls of the latest
	// live scan of the account, by control ID (the store keeps results,
	// not the snapshot): a control the code does not define reports
	// them, labelled with Source.
	Results map[string][]control.Result
}

// Options tune Evaluate.
type Options struct {
	Context    *Context
	Exemptions *Exemptions
	// Now is the time of the assessment: exemptions expire against it.
	Now time.Time
	// Controls and Standards (short names, "cis-3.0") select controls;
	// both empty means every control. A selector that matches nothing is
	// an error.
	Controls  []string
	Standards []string
	// Catalog is the catalog to use; nil means catalog.Default().
	Catalog *control.Catalog
}

// Result is the outcome of a control for one resource of the code.
type Result struct {
	Control  string           `json:"control"`
	Title    string           `json:"title"`
	Severity control.Severity `json:"severity"`
	Status   Status           `json:"status"`
	Reason   string           `json:"reason"`
	// Source is the input file; Address, Type, File and Line the
	// resource in it ("" for a result from Context).
	Source  string `json:"source"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	// Construct is the CDK construct path of the resource, if any.
	Construct string `json:"construct,omitempty"`
	// Resource is the snapshot resource the control judged.
	Resource snapshot.Meta `json:"resource"`
	// Context says where an account-level result's state came from, when
	// not from the code.
	Context string `json:"context,omitempty"`
	// DefinedBy are the resources of the code that define the
	// account-level state of the result, when more than the one it is
	// reported on.
	DefinedBy []string `json:"defined_by,omitempty"`
	// Exemption is the exception that covers the failure (also when
	// expired: Status is then FAILED).
	Exemption *Applied `json:"exemption,omitempty"`
}

// Report is the outcome of Evaluate over one or more sources.
type Report struct {
	Generated time.Time          `json:"generated"`
	Sources   []SourceSummary    `json:"sources"`
	Controls  []*control.Control `json:"controls"`
	// Results are sorted by source, address, control.
	Results []Result `json:"results"`
	// NotAssessed are the resources of types no mapping covers.
	NotAssessed []NotAssessedResource `json:"not_assessed"`
	Context     string                `json:"context,omitempty"`
}

// SourceSummary is one input of the report.
type SourceSummary struct {
	Path      string `json:"path"`
	Format    string `json:"format"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Resources int    `json:"resources"`
}

// NotAssessedResource is a resource no mapping covers.
type NotAssessedResource struct {
	Source  string `json:"source"`
	Address string `json:"address"`
	Type    string `json:"type"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Reason  string `json:"reason"`
}

// SelectControls returns the controls of cat that ids and standards
// select (both empty: all). An unknown ID or standard is an error.
func SelectControls(cat *control.Catalog, ids, standards []string) ([]*control.Control, error) {
	if len(ids) == 0 && len(standards) == 0 {
		return cat.Controls(), nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		if cat.Control(id) == nil {
			return nil, fmt.Errorf("no control %q (see 'guardrail controls')", id)
		}
		want[id] = true
	}
	for _, name := range standards {
		std, ok := cat.Standard(name)
		if !ok {
			return nil, fmt.Errorf("no standard %q (see 'guardrail controls --help')", name)
		}
		for _, r := range std.Requirements {
			for _, id := range r.Controls {
				want[id] = true
			}
		}
	}
	var out []*control.Control
	for _, c := range cat.Controls() {
		if want[c.ID] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the selection (controls %v, standards %v) has no control", ids, standards)
	}
	return out, nil
}

// GlobalCollectors are the collectors that run once per account (the
// others once per region), as collect/registry declares them; a test
// keeps the two the same. The package does not import the registry,
// which would bring the AWS SDK in.
var GlobalCollectors = map[string]bool{"iam": true, "account": true, "s3": true, "cloudfront": true, "route53": true}

// Evaluate runs the selected controls over src's snapshot and maps every
// result back to the code's resource (see the package doc for UNKNOWN,
// NOT_ASSESSED and EXEMPTED).
func Evaluate(src *Source, opts Options) (*Report, error) {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = catalog.Default(); err != nil {
			return nil, err
		}
	}
	controls, err := SelectControls(cat, opts.Controls, opts.Standards)
	if err != nil {
		return nil, err
	}
	acct := src.Account()
	if acct == nil {
		return nil, fmt.Errorf("%s: no account in the source's snapshot (a bug in its loader)", src.Path)
	}
	region := Region(acct)
	// Facts the code defines, and the resources that define them.
	definedBy := map[string][]*Resource{}
	byARN := map[string]*Resource{}
	for _, r := range src.Resources {
		for _, f := range r.Facts {
			definedBy[f] = append(definedBy[f], r)
		}
		if r.ARN != "" && r.Joins == "" {
			if _, dup := byARN[r.ARN]; !dup {
				byARN[r.ARN] = r
			}
		}
	}
	ctxFacts := applyContext(opts.Context, acct, region, definedBy)
	applyDefaults(src, region, func(f string) bool { return len(definedBy[f]) > 0 || ctxFacts[f] })
	results := control.EvaluateAccount(controls, src.Snapshot, acct, func(n string) bool { return GlobalCollectors[n] }, opts.Now)

	rep := &Report{Generated: opts.Now, Controls: controls,
		Sources: []SourceSummary{{Path: src.Path, Format: src.Format, Account: acct.ID, Region: acct.HomeRegion, Resources: len(src.Resources)}}}
	if opts.Context != nil {
		rep.Context = opts.Context.Source
	}
	accountARN := acct.ARN()
	fromContext := map[string]bool{} // controls already reported from stored results
	for _, cr := range results {
		c := cat.Control(cr.Control)
		res := Result{Control: cr.Control, Title: c.Title, Severity: c.Severity, Status: Status(cr.Status),
			Reason: cr.Reason, Source: src.Path, Resource: cr.Resource}
		if cr.Resource.ARN == accountARN {
			fact := factOf(cr.Control)
			switch {
			case fact != "" && len(definedBy[fact]) > 0:
				def := definedBy[fact][0]
				res.Address, res.Type, res.File, res.Line = def.Address, def.Type, def.File, def.Line
				if len(definedBy[fact]) > 1 {
					res.DefinedBy = addresses(definedBy[fact])
				}
				markUnknown(&res, def)
			case fact != "" && ctxFacts[fact]:
				res.Context = opts.Context.Source
			case opts.Context != nil && len(opts.Context.Results[cr.Control]) > 0:
				if fromContext[cr.Control] {
					continue
				}
				fromContext[cr.Control] = true
				for _, lr := range opts.Context.Results[cr.Control] {
					if !c.Global && lr.Resource.Region != cr.Resource.Region {
						continue
					}
					rep.Results = append(rep.Results, Result{Control: cr.Control, Title: c.Title, Severity: c.Severity,
						Status: Status(lr.Status), Reason: lr.Reason, Source: src.Path, Resource: lr.Resource, Context: opts.Context.Source})
				}
				continue
			case fact != "":
				res.Status = NotAssessed
				res.Reason = fmt.Sprintf("account-level state (%s) the code does not define: supply it with %s, or assess the live account with 'guardrail scan'", fact, factHint(fact))
			default:
				res.Status = NotAssessed
				res.Reason = "account-level state no infrastructure code defines: assess the live account with 'guardrail scan'"
			}
			rep.Results = append(rep.Results, res)
			continue
		}
		r := byARN[cr.Resource.ARN]
		if r == nil {
			// A resource the mapping made without a Resource of its own
			// (a bug in the loader): reported by ARN, never dropped.
			res.Address = cr.Resource.ARN
			rep.Results = append(rep.Results, res)
			continue
		}
		res.Address, res.Type, res.File, res.Line, res.Construct = r.Address, r.Type, r.File, r.Line, r.Construct
		markUnknown(&res, r)
		rep.Results = append(rep.Results, res)
	}
	for _, r := range src.NotAssessed {
		rep.NotAssessed = append(rep.NotAssessed, NotAssessedResource{Source: src.Path, Address: r.Address, Type: r.Type, File: r.File, Line: r.Line, Reason: r.Reason})
	}
	tags := map[string]map[string]string{}
	for _, r := range src.Resources {
		if len(r.Tags) > 0 {
			tags[r.Address] = r.Tags
		}
	}
	if err := applyExemptions(rep.Results, opts.Exemptions, tags, opts.Now); err != nil {
		return nil, err
	}
	sortResults(rep.Results)
	return rep, nil
}

// KnownAfterApply starts the reason of a detail a loader marks unknown
// in the snapshot's own error fields (Bucket.Errors and the like): the
// control then reports ERROR with it, and Evaluate makes it UNKNOWN.
const KnownAfterApply = "known after apply"

func markUnknown(res *Result, r *Resource) {
	if res.Status == Error && strings.Contains(res.Reason, KnownAfterApply) {
		res.Status = Unknown
		return
	}
	if r.Partial != "" && (res.Status == Passed || res.Status == NotApplicable) {
		res.Reason = fmt.Sprintf("%s (the verdict on the code's part would have been %s: %s)", r.Partial, res.Status, res.Reason)
		res.Status = Unknown
		return
	}
	attrs := r.Unknown
	if r.UnknownFor != nil {
		attrs = r.UnknownFor[res.Control]
	} else if res.Status != Passed && res.Status != Failed && res.Status != NotApplicable {
		return
	}
	if len(attrs) == 0 {
		return
	}
	res.Reason = fmt.Sprintf("%s: %s (the verdict would have been %s: %s)", KnownAfterApply, strings.Join(attrs, ", "), res.Status, res.Reason)
	res.Status = Unknown
}

// applyContext puts the context's settings the code does not define into
// the snapshot, and returns the facts it supplied.
func applyContext(c *Context, a *snapshot.Account, reg *snapshot.Region, defined map[string][]*Resource) map[string]bool {
	out := map[string]bool{}
	if c == nil {
		return out
	}
	if on, ok := c.ebsDefault(reg.Name); ok && len(defined[FactEBSEncryptionByDefault]) == 0 && reg.EC2 != nil {
		reg.EC2.EBSEncryptionByDefault = on
		out[FactEBSEncryptionByDefault] = true
	}
	if p, ok := c.s3Account(); ok && len(defined[FactS3AccountPublicAccess]) == 0 && a.S3 != nil {
		cp := *p
		a.S3.PublicAccessBlock = &cp
		out[FactS3AccountPublicAccess] = true
	}
	return out
}

// applyDefaults settles the attributes a resource leaves to an
// account-level fact that the code or the context defines: an EBS volume
// without "encrypted" is encrypted exactly when EBS encryption by default
// is on.
func applyDefaults(src *Source, reg *snapshot.Region, known func(string) bool) {
	for _, r := range src.Resources {
		if r.DefaultFrom != FactEBSEncryptionByDefault || !known(r.DefaultFrom) || reg == nil || reg.EC2 == nil {
			continue
		}
		on := reg.EC2.EBSEncryptionByDefault
		if !on && r.DefaultOnlyIfOn {
			continue
		}
		for i := range reg.EC2.Volumes {
			if v := &reg.EC2.Volumes[i]; v.ARN == r.ARN {
				v.Encrypted = on
			}
		}
		r.Unknown, r.UnknownFor = nil, nil
	}
}

func addresses(rs []*Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Address)
	}
	return out
}

func sortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.Control != b.Control {
			return control.Less(a.Control, b.Control)
		}
		return a.Resource.ARN < b.Resource.ARN
	})
}

// Merge joins the reports of several sources into one.
func Merge(reps ...*Report) *Report {
	if len(reps) == 0 {
		return &Report{}
	}
	out := &Report{Generated: reps[0].Generated, Controls: reps[0].Controls, Context: reps[0].Context}
	for _, r := range reps {
		out.Sources = append(out.Sources, r.Sources...)
		out.Results = append(out.Results, r.Results...)
		out.NotAssessed = append(out.NotAssessed, r.NotAssessed...)
	}
	sortResults(out.Results)
	return out
}

// Failing returns the results that fail the run at threshold: FAILED
// (not exempted) at or over it.
func (r *Report) Failing(threshold control.Severity) []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == Failed && res.Severity >= threshold {
			out = append(out, res)
		}
	}
	return out
}

// Counts counts results by status.
func (r *Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, res := range r.Results {
		out[res.Status]++
	}
	return out
}
