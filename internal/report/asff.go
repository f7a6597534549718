package report

import (
	"encoding/json"
	"io"
	"strings"

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
)

// asffFinding is an AwsSecurityFinding as BatchImportFindings takes it.
type asffFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	ID            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	Region        string            `json:"Region"`
	GeneratorID   string            `json:"GeneratorId"`
	AwsAccountID  string            `json:"AwsAccountId"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      asffSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   *asffRemediation  `json:"Remediation,omitempty"`
	ProductFields map[string]string `json:"ProductFields"`
	Resources     []asffResource    `json:"Resources"`
	Compliance    asffCompliance    `json:"Compliance"`
	Workflow      asffWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
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
	out := []asffFinding{}
	ts := when(r).Format(timeFormat)
	for _, res := range r.Results {
		if res.Status == control.NotApplicable {
			continue
		}
		if a := v.accounts[res.Resource.Account]; a != nil && a.Skipped[res.Resource.Region] != "" {
			continue // the region is not enabled: Security Hub cannot hold findings there
		}
		out = append(out, v.asff(res, ts, opts))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func (v *view) asff(res control.Result, ts string, opts Options) asffFinding {
	m := res.Resource
	c := v.controls[res.Control]
	if c == nil {
		c = &control.Control{ID: res.Control, Title: res.Control, Severity: control.Informational}
	}
	part := partition(m)
	f := asffFinding{
		SchemaVersion: asffSchema,
		ID:            findingID(res),
		ProductArn:    "arn:" + part + ":securityhub:" + m.Region + ":" + m.Account + ":product/" + m.Account + "/default",
		ProductName:   "Guardrail",
		CompanyName:   "Guardrail",
		Region:        m.Region,
		GeneratorID:   "guardrail/" + c.ID,
		AwsAccountID:  m.Account,
		CreatedAt:     ts,
		UpdatedAt:     ts,
		Severity:      asffSeverity{Label: c.Severity.String(), Original: c.Severity.String()},
		Title:         clip(c.Title, asffTitleMax),
		Description:   clip(description(res.Reason, c), asffDescriptionMax),
		ProductFields: map[string]string{},
		Resources: []asffResource{{Type: m.Type, ID: m.ARN, Partition: part, Region: m.Region,
			Tags: nonEmpty(m.Tags)}},
		Compliance:  asffCompliance{SecurityControlID: c.ID},
		Workflow:    asffWorkflow{Status: "NEW"},
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
	default:
		f.Compliance.Status = "NOT_AVAILABLE"
		f.Compliance.StatusReasons = []asffStatusReason{{ReasonCode: "NOT_ASSESSED", Description: clip(nonBlank(res.Reason, "not assessed"), asffReasonMax)}}
	}
	seen := map[string]bool{}
	for _, q := range v.reqs[c.ID] {
		if !seen[q.Std.ID] && len(f.Compliance.AssociatedStandards) < asffStandardsMax {
			seen[q.Std.ID] = true
			f.Compliance.AssociatedStandards = append(f.Compliance.AssociatedStandards, asffStandard{StandardsID: "standards/" + q.Std.ID})
			f.Types = append(f.Types, "Software and Configuration Checks/Industry and Regulatory Standards/"+nonBlank(q.Std.Name, q.Std.Short))
		}
		f.Compliance.RelatedRequirements = append(f.Compliance.RelatedRequirements, standardLabel(*q.Std)+"/"+q.ID)
	}
	if len(f.Types) == 0 {
		f.Types = []string{"Software and Configuration Checks/AWS Security Best Practices"}
	}
	a := v.accounts[m.Account]
	fields := map[string]string{
		"ProviderName":              "Guardrail",
		"ProviderVersion":           opts.version(),
		"guardrail/ScanId":          v.r.ID,
		"guardrail/Status":          string(res.Status),
		"guardrail/Reason":          clip(res.Reason, asffReasonMax),
		"guardrail/Service":         c.Service,
		"guardrail/ResourceName":    m.Name,
		"guardrail/WellArchitected": strings.Join(c.WellArchitected, ","),
	}
	if a != nil {
		fields["guardrail/AccountName"] = a.Name
		fields["guardrail/OUPath"] = a.OUPath
	}
	for k, val := range fields {
		if strings.TrimSpace(val) != "" {
			f.ProductFields[k] = val
		}
	}
	return f
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
