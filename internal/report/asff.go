package report

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	findingid "github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// ASFF limits (Security Hub's BatchImportFindings).
const (
	asffSchema         = "2018-10-08"
	asffTitleMax       = 256
	asffDescriptionMax = 1024
	asffRemediationMax = 512
	asffReasonMax      = 2048
	asffStandardsMax   = 20
	// asffRequirementsMax bounds Compliance.RelatedRequirements.
	asffRequirementsMax = 32
	asffNoteMax         = 512
)

// asffFinding is an AwsSecurityFinding as BatchImportFindings takes it.
type asffFinding struct {
	SchemaVersion   string            `json:"SchemaVersion"`
	ID              string            `json:"Id"`
	ProductArn      string            `json:"ProductArn"`
	ProductName     string            `json:"ProductName"`
	CompanyName     string            `json:"CompanyName"`
	Region          string            `json:"Region"`
	GeneratorID     string            `json:"GeneratorId"`
	AwsAccountID    string            `json:"AwsAccountId"`
	Types           []string          `json:"Types"`
	FirstObservedAt string            `json:"FirstObservedAt,omitempty"`
	LastObservedAt  string            `json:"LastObservedAt,omitempty"`
	CreatedAt       string            `json:"CreatedAt"`
	UpdatedAt       string            `json:"UpdatedAt"`
	Severity        asffSeverity      `json:"Severity"`
	Title           string            `json:"Title"`
	Description     string            `json:"Description"`
	Remediation     *asffRemediation  `json:"Remediation,omitempty"`
	ProductFields   map[string]string `json:"ProductFields"`
	Resources       []asffResource    `json:"Resources"`
	Compliance      asffCompliance    `json:"Compliance"`
	Workflow        asffWorkflow      `json:"Workflow"`
	RecordState     string            `json:"RecordState"`
	Note            *asffNote         `json:"Note,omitempty"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

type asffRemediation struct {
	Recommendation struct {
		Text string `json:"Text"`
	} `json:"Recommendation"`
}

type asffResource struct {
	Type      string            `json:"Type"`
	ID        string            `json:"Id"`
	Partition string            `json:"Partition"`
	Region    string            `json:"Region"`
	Tags      map[string]string `json:"Tags,omitempty"`
}

type asffCompliance struct {
	Status              string             `json:"Status"`
	SecurityControlID   string             `json:"SecurityControlId"`
	AssociatedStandards []asffStandard     `json:"AssociatedStandards,omitempty"`
	RelatedRequirements []string           `json:"RelatedRequirements,omitempty"`
	StatusReasons       []asffStatusReason `json:"StatusReasons,omitempty"`
}

type asffStandard struct {
	StandardsID string `json:"StandardsId"`
}

type asffStatusReason struct {
	ReasonCode  string `json:"ReasonCode"`
	Description string `json:"Description"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

type asffNote struct {
	Text      string `json:"Text"`
	UpdatedBy string `json:"UpdatedBy"`
	UpdatedAt string `json:"UpdatedAt"`
}

// Entry is one control's judgement of one resource, as ASFFEntry and
// OCSFEntry write it: a result of a scan (what the report's writers
// export), or a finding that lives across scans (Finding set: package
// export builds these from the store).
type Entry struct {
	Result control.Result
	// Control is the control that judged the resource; nil when only
	// Result.Control is known.
	Control *control.Control
	// Requirements are the items of standards the control implements, in
	// the order they are written.
	Requirements []Requirement
	AccountName  string
	OUPath       string
	// OrgID is the organization's ID, when known.
	OrgID string
	// Scan is the ID of the scan that judged it.
	Scan string
	// Time is when that scan judged it.
	Time time.Time
	// Finding, when set, is the finding the result belongs to. Its ID,
	// severity (a rule may have overridden it), workflow status, first
	// and last sighting, last update, latest note and suppression replace
	// a report's defaults: workflow NEW, record ACTIVE, created and
	// updated at Time, the control's severity.
	Finding *findingid.Finding
}

// Requirement is one item of a standard that a control implements.
type Requirement struct {
	Standard *control.Standard
	// ID is the item within the standard ("1.4", "IAM.4").
	ID string
}

// ASFFEntry returns e as one AWS Security Finding Format finding: a JSON
// object that decodes into the SDK's securityhub types.AwsSecurityFinding,
// in the shape ASFF writes for a report. With e.Finding set, the finding's
// lifecycle is written too: Workflow.Status is its workflow, RecordState
// ARCHIVED once RESOLVED, CreatedAt and FirstObservedAt its first
// sighting, LastObservedAt its last, UpdatedAt its last change, Note its
// latest note, and ProductFields its suppression.
func ASFFEntry(e Entry, opts Options) (json.RawMessage, error) {
	return json.Marshal(asffOf(e, opts))
}

// ASFF writes r's results as a JSON array of AWS Security Finding Format
// findings, as Security Hub's BatchImportFindings takes them from the
// account's own default product
// (arn:aws:securityhub:<region>:<account>:product/<account>/default):
// import each account's findings, in batches of at most 100, as that
// account and in the finding's region.
//
// PASSED results become PASSED findings with severity INFORMATIONAL (as
// Security Hub reports passed control checks; the control's severity is
// in Severity.Original), FAILED become FAILED, and ERROR become
// NOT_AVAILABLE with the reason in Compliance.StatusReasons.
// NOT_APPLICABLE results are not exported, nor the ERROR results of
// regions not enabled in the account (Security Hub cannot hold findings
// there; the other formats report them). A finding's Id is a hash of
// (control, account, region, resource ARN), so the next scan updates the
// same finding instead of adding one.
func ASFF(w io.Writer, r *Report, opts Options) error {
	v := newView(r)
	reqs := v.requirements()
	out := []asffFinding{}
	for _, res := range r.Results {
		if res.Status == control.NotApplicable {
			continue
		}
		if a := v.accounts[res.Resource.Account]; a != nil && a.Skipped[res.Resource.Region] != "" {
			continue // the region is not enabled: Security Hub cannot hold findings there
		}
		out = append(out, asffOf(v.entry(res, reqs), opts))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// requirements converts the view's requirements per control for entries.
func (v *view) requirements() map[string][]Requirement {
	out := make(map[string][]Requirement, len(v.reqs))
	for id, qs := range v.reqs {
		rs := make([]Requirement, len(qs))
		for i, q := range qs {
			rs[i] = Requirement{Standard: q.Std, ID: q.ID}
		}
		out[id] = rs
	}
	return out
}

// entry is res as the report holds it.
func (v *view) entry(res control.Result, reqs map[string][]Requirement) Entry {
	e := Entry{Result: res, Control: v.controls[res.Control], Requirements: reqs[res.Control],
		OrgID: v.r.Scope.OrgID, Scan: v.r.ID, Time: when(v.r)}
	if a := v.accounts[res.Resource.Account]; a != nil {
		e.AccountName, e.OUPath = a.Name, a.OUPath
	}
	return e
}

// entryControl is e's control, or one made of what e knows.
func entryControl(e Entry) *control.Control {
	if e.Control != nil {
		return e.Control
	}
	return &control.Control{ID: e.Result.Control, Title: e.Result.Control, Severity: control.Informational}
}

// entryID is the stable ID of e's finding: the same control, account,
// region and resource give the same ID in every scan.
func entryID(e Entry) string {
	if e.Finding != nil && e.Finding.ID != "" {
		return "guardrail/" + e.Result.Control + "/" + e.Finding.ID
	}
	return findingID(e.Result)
}

// entrySeverity is the severity e is written with: the finding's, which
// a rule may have overridden, else the control's.
func entrySeverity(e Entry, c *control.Control) control.Severity {
	if e.Finding != nil {
		return e.Finding.Severity
	}
	return c.Severity
}

// standardsID is how Security Hub names a standard: "standards/…", or
// "ruleset/…" for CIS v1.2.0.
func standardsID(s *control.Standard) string {
	if strings.HasPrefix(s.ID, "standards/") || strings.HasPrefix(s.ID, "ruleset/") {
		return s.ID
	}
	return "standards/" + s.ID
}

func asffOf(e Entry, opts Options) asffFinding {
	res := e.Result
	m := res.Resource
	c := entryControl(e)
	sev := entrySeverity(e, c)
	part := partition(m)
	ts := e.Time.UTC().Format(timeFormat)
	f := asffFinding{
		SchemaVersion: asffSchema,
		ID:            entryID(e),
		ProductArn:    "arn:" + part + ":securityhub:" + m.Region + ":" + m.Account + ":product/" + m.Account + "/default",
		ProductName:   "Guardrail",
		CompanyName:   "Guardrail",
		Region:        m.Region,
		GeneratorID:   "guardrail/" + c.ID,
		AwsAccountID:  m.Account,
		CreatedAt:     ts,
		UpdatedAt:     ts,
		Severity:      asffSeverity{Label: sev.String(), Original: sev.String()},
		Title:         clip(c.Title, asffTitleMax),
		Description:   clip(description(res.Reason, c), asffDescriptionMax),
		ProductFields: map[string]string{},
		Resources: []asffResource{{Type: m.Type, ID: m.ARN, Partition: part, Region: m.Region,
			Tags: nonEmpty(m.Tags)}},
		Compliance:  asffCompliance{SecurityControlID: c.ID},
		Workflow:    asffWorkflow{Status: string(findingid.New)},
		RecordState: "ACTIVE",
	}
	if f.Resources[0].Type == "" {
		f.Resources[0].Type = "Other"
	}
	if c.Remediation != "" {
		f.Remediation = &asffRemediation{}
		f.Remediation.Recommendation.Text = clip(c.Remediation, asffRemediationMax)
	}
	switch res.Status {
	case control.Passed:
		f.Compliance.Status = "PASSED"
		f.Severity.Label = control.Informational.String()
	case control.Failed:
		f.Compliance.Status = "FAILED"
	case control.NotApplicable:
		// Only findings get here (a report leaves NOT_APPLICABLE out):
		// Security Hub has no such status, and reports it as
		// NOT_AVAILABLE with the reason.
		f.Compliance.Status = "NOT_AVAILABLE"
		f.Compliance.StatusReasons = []asffStatusReason{{ReasonCode: "NOT_APPLICABLE", Description: clip(nonBlank(res.Reason, "not applicable"), asffReasonMax)}}
		f.Severity.Label = control.Informational.String()
	default:
		f.Compliance.Status = "NOT_AVAILABLE"
		f.Compliance.StatusReasons = []asffStatusReason{{ReasonCode: "NOT_ASSESSED", Description: clip(nonBlank(res.Reason, "not assessed"), asffReasonMax)}}
	}
	// AssociatedStandards names only the standards Security Hub offers
	// (CIS v4.0.1 and Well-Architected are Guardrail's): their requirements
	// are still in RelatedRequirements, which names every standard.
	seen := map[string]bool{}
	for _, q := range e.Requirements {
		if !seen[q.Standard.ID] {
			seen[q.Standard.ID] = true
			if q.Standard.InSecurityHub() && len(f.Compliance.AssociatedStandards) < asffStandardsMax {
				f.Compliance.AssociatedStandards = append(f.Compliance.AssociatedStandards, asffStandard{StandardsID: standardsID(q.Standard)})
			}
			if t := "Software and Configuration Checks/Industry and Regulatory Standards/" + nonBlank(q.Standard.Name, q.Standard.Short); !slices.Contains(f.Types, t) {
				f.Types = append(f.Types, t)
			}
		}
		if len(f.Compliance.RelatedRequirements) < asffRequirementsMax {
			f.Compliance.RelatedRequirements = append(f.Compliance.RelatedRequirements, standardLabel(*q.Standard)+"/"+q.ID)
		}
	}
	if len(f.Types) == 0 {
		f.Types = []string{"Software and Configuration Checks/AWS Security Best Practices"}
	}
	fields := map[string]string{
		"ProviderName":              "Guardrail",
		"ProviderVersion":           opts.version(),
		"guardrail/ScanId":          e.Scan,
		"guardrail/Status":          string(res.Status),
		"guardrail/Reason":          clip(res.Reason, asffReasonMax),
		"guardrail/Service":         c.Service,
		"guardrail/ResourceName":    m.Name,
		"guardrail/WellArchitected": strings.Join(c.WellArchitected, ","),
		"guardrail/AccountName":     e.AccountName,
		"guardrail/OUPath":          e.OUPath,
	}
	if fd := e.Finding; fd != nil {
		f.lifecycle(fd, fields)
	}
	for k, val := range fields {
		if strings.TrimSpace(val) != "" {
			f.ProductFields[k] = val
		}
	}
	return f
}

// lifecycle writes what a finding adds to a result: its workflow, times,
// latest note and suppression.
func (f *asffFinding) lifecycle(fd *findingid.Finding, fields map[string]string) {
	if fd.Workflow.Valid() {
		f.Workflow.Status = string(fd.Workflow)
	}
	if fd.Workflow == findingid.Resolved {
		f.RecordState = "ARCHIVED"
	}
	stamp := func(t time.Time) string { return t.UTC().Format(timeFormat) }
	if !fd.FirstSeen.IsZero() {
		f.CreatedAt, f.FirstObservedAt = stamp(fd.FirstSeen), stamp(fd.FirstSeen)
	}
	if !fd.LastSeen.IsZero() {
		f.LastObservedAt = stamp(fd.LastSeen)
	}
	if !fd.UpdatedAt.IsZero() {
		f.UpdatedAt = stamp(fd.UpdatedAt)
	}
	if n := len(fd.Notes); n > 0 {
		note := fd.Notes[n-1]
		at := note.At
		if at.IsZero() {
			at = fd.UpdatedAt
		}
		f.Note = &asffNote{Text: clip(nonBlank(note.Text, "-"), asffNoteMax), UpdatedBy: clip(nonBlank(note.By, "guardrail"), asffNoteMax),
			UpdatedAt: stamp(at)}
	}
	if fd.SeverityOverridden {
		fields["guardrail/SeverityOverridden"] = "true"
	}
	if s := fd.Suppression; s != nil {
		fields["guardrail/SuppressedBy"] = s.By
		fields["guardrail/SuppressionReason"] = clip(s.Reason, asffReasonMax)
		if !s.Until.IsZero() {
			fields["guardrail/SuppressedUntil"] = stamp(s.Until)
		}
	}
}

// findingID is the finding's stable ID: the same control, account,
// region and resource give the same ID in every scan.
func findingID(res control.Result) string {
	return "guardrail/" + res.Control + "/" + findingid.ID(res)
}

// description says what was found, then why it matters.
func description(reason string, c *control.Control) string {
	reason = strings.TrimSpace(reason)
	if reason != "" && !strings.HasSuffix(reason, ".") {
		reason += "."
	}
	return nonBlank(strings.TrimSpace(reason+" "+c.Rationale), c.Title)
}

// partition is the resource's AWS partition: from its ARN, else from its
// region.
func partition(m snapshot.Meta) string {
	if p, ok := strings.CutPrefix(m.ARN, "arn:"); ok {
		if i := strings.IndexByte(p, ':'); i > 0 {
			return p[:i]
		}
	}
	switch {
	case strings.HasPrefix(m.Region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(m.Region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func nonBlank(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// nonEmpty returns the tags with a value (ASFF rejects empty values), or
// nil.
func nonEmpty(tags map[string]string) map[string]string {
	var out map[string]string
	for _, k := range sortedKeys(tags) {
		if strings.TrimSpace(tags[k]) == "" || strings.TrimSpace(k) == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = tags[k]
	}
	return out
}
