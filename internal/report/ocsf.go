package report

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// OCSF 1.5.0 Compliance Finding (class 2003, category 2 Findings),
// activity 1 Create.
const (
	ocsfVersion      = "1.5.0"
	ocsfClassUID     = 2003
	ocsfCategoryUID  = 2
	ocsfActivityUID  = 1
	ocsfTypeUID      = ocsfClassUID*100 + ocsfActivityUID
	ocsfAWSAccountID = 10 // account.type_id "AWS Account"
)

type ocsfEvent struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	Time         int64  `json:"time"`
	TimeDT       string `json:"time_dt"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	// Finding status: always New (the report has no lifecycle).
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	StatusCode   string           `json:"status_code"`
	StatusDetail string           `json:"status_detail,omitempty"`
	Message      string           `json:"message"`
	Metadata     ocsfMetadata     `json:"metadata"`
	FindingInfo  ocsfFindingInfo  `json:"finding_info"`
	Compliance   ocsfCompliance   `json:"compliance"`
	Resources    []ocsfResource   `json:"resources"`
	Cloud        ocsfCloud        `json:"cloud"`
	Remediation  *ocsfRemediation `json:"remediation,omitempty"`
	Unmapped     map[string]any   `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version   string      `json:"version"`
	Product   ocsfProduct `json:"product"`
	EventCode string      `json:"event_code"`
	Profiles  []string    `json:"profiles"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	UID        string `json:"uid"`
	Version    string `json:"version"`
}

type ocsfFindingInfo struct {
	UID             string   `json:"uid"`
	Title           string   `json:"title"`
	Desc            string   `json:"desc"`
	Types           []string `json:"types,omitempty"`
	FirstSeenTime   int64    `json:"first_seen_time"`
	FirstSeenTimeDT string   `json:"first_seen_time_dt"`
	LastSeenTime    int64    `json:"last_seen_time"`
	LastSeenTimeDT  string   `json:"last_seen_time_dt"`
}

type ocsfCompliance struct {
	Control      string   `json:"control"`
	Standards    []string `json:"standards"`
	Requirements []string `json:"requirements,omitempty"`
	StatusID     int      `json:"status_id"`
	Status       string   `json:"status"`
	StatusDetail string   `json:"status_detail,omitempty"`
}

type ocsfResource struct {
	UID            string     `json:"uid"`
	Type           string     `json:"type"`
	Name           string     `json:"name,omitempty"`
	Region         string     `json:"region"`
	CloudPartition string     `json:"cloud_partition"`
	Group          *ocsfGroup `json:"group,omitempty"`
	// Labels are the resource's tags as "key:value".
	Labels []string `json:"labels,omitempty"`
}

type ocsfGroup struct {
	Name string `json:"name"`
}

type ocsfCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region"`
	Account  ocsfAccount `json:"account"`
	Org      *ocsfOrg    `json:"org,omitempty"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfOrg struct {
	UID    string `json:"uid,omitempty"`
	OUName string `json:"ou_name,omitempty"`
}

type ocsfRemediation struct {
	Desc string `json:"desc"`
}

// ocsfSeverity maps a control severity to OCSF's severity_id and name.
func ocsfSeverity(s control.Severity) (int, string) {
	switch s {
	case control.Critical:
		return 5, "Critical"
	case control.High:
		return 4, "High"
	case control.Medium:
		return 3, "Medium"
	case control.Low:
		return 2, "Low"
	}
	return 1, "Informational"
}

// OCSF writes r's results as a JSON array of OCSF 1.5.0 Compliance
// Finding events (class_uid 2003, activity Create), with the cloud and
// datetime profiles. compliance.status_id is 1 Pass, 3 Fail or 0 Unknown
// (ERROR: could not be assessed); the finding status is New. severity is
// the control's, whatever the outcome. NOT_APPLICABLE results are not
// exported. finding_info.uid is the same stable ID as ASFF's Id.
func OCSF(w io.Writer, r *Report, opts Options) error {
	v := newView(r)
	t := when(r)
	ms, dt := t.UnixMilli(), t.Format(timeFormat)
	out := []ocsfEvent{}
	for _, res := range r.Results {
		if res.Status == control.NotApplicable {
			continue
		}
		m := res.Resource
		c := v.controls[res.Control]
		if c == nil {
			c = &control.Control{ID: res.Control, Title: res.Control, Severity: control.Informational}
		}
		sevID, sev := ocsfSeverity(c.Severity)
		uid := findingID(res)
		e := ocsfEvent{
			ActivityID: ocsfActivityUID, ActivityName: "Create",
			CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
			ClassUID: ocsfClassUID, ClassName: "Compliance Finding",
			TypeUID: ocsfTypeUID, TypeName: "Compliance Finding: Create",
			Time: ms, TimeDT: dt,
			SeverityID: sevID, Severity: sev,
			StatusID: 1, Status: "New",
			StatusCode: string(res.Status), StatusDetail: res.Reason,
			Message: nonBlank(res.Reason, c.Title),
			Metadata: ocsfMetadata{
				Version:   ocsfVersion,
				Product:   ocsfProduct{Name: "Guardrail", VendorName: "Guardrail", UID: "guardrail", Version: opts.version()},
				EventCode: c.ID,
				Profiles:  []string{"cloud", "datetime"},
			},
			FindingInfo: ocsfFindingInfo{UID: uid, Title: c.Title, Desc: description(res.Reason, c),
				FirstSeenTime: ms, FirstSeenTimeDT: dt, LastSeenTime: ms, LastSeenTimeDT: dt},
			Compliance: ocsfCompliance{Control: c.ID, Standards: []string{}, StatusDetail: res.Reason},
			Resources: []ocsfResource{{UID: m.ARN, Type: nonBlank(m.Type, "Other"), Name: m.Name, Region: m.Region,
				CloudPartition: partition(m), Group: &ocsfGroup{Name: c.Service}}},
			Cloud: ocsfCloud{Provider: "AWS", Region: m.Region,
				Account: ocsfAccount{UID: m.Account, TypeID: ocsfAWSAccountID, Type: "AWS Account"}},
			Unmapped: map[string]any{"scan_id": v.r.ID},
		}
		if c.Service == "" {
			e.Resources[0].Group = nil
		}
		for _, k := range sortedKeys(m.Tags) {
			e.Resources[0].Labels = append(e.Resources[0].Labels, k+":"+m.Tags[k])
		}
		switch res.Status {
		case control.Passed:
			e.Compliance.StatusID, e.Compliance.Status = 1, "Pass"
		case control.Failed:
			e.Compliance.StatusID, e.Compliance.Status = 3, "Fail"
		default:
			e.Compliance.StatusID, e.Compliance.Status = 0, "Unknown"
		}
		seen := map[string]bool{}
		for _, q := range v.reqs[c.ID] {
			label := standardLabel(*q.Std)
			if !seen[q.Std.ID] {
				seen[q.Std.ID] = true
				e.Compliance.Standards = append(e.Compliance.Standards, label)
				e.FindingInfo.Types = append(e.FindingInfo.Types, "Software and Configuration Checks/Industry and Regulatory Standards/"+nonBlank(q.Std.Name, q.Std.Short))
			}
			e.Compliance.Requirements = append(e.Compliance.Requirements, label+"/"+q.ID)
		}
		if a := v.accounts[m.Account]; a != nil {
			e.Cloud.Account.Name = a.Name
			if r.Scope.OrgID != "" || a.OUPath != "" {
				e.Cloud.Org = &ocsfOrg{UID: r.Scope.OrgID, OUName: a.OUPath}
			}
		} else if r.Scope.OrgID != "" {
			e.Cloud.Org = &ocsfOrg{UID: r.Scope.OrgID}
		}
		if c.Remediation != "" {
			e.Remediation = &ocsfRemediation{Desc: c.Remediation}
		}
		if len(c.WellArchitected) > 0 {
			e.Unmapped["well_architected"] = strings.Join(c.WellArchitected, ",")
		}
		out = append(out, e)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
