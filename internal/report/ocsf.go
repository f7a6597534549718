package report

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	findingid "github.com/guardrail-sec/guardrail/internal/finding"
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
	// Finding status: New in a report (it has no lifecycle); a
	// finding's follows its workflow.
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
	ModifiedTime    int64    `json:"modified_time,omitempty"`
	ModifiedTimeDT  string   `json:"modified_time_dt,omitempty"`
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
	reqs := v.requirements()
	out := []ocsfEvent{}
	for _, res := range r.Results {
		if res.Status == control.NotApplicable {
			continue
		}
		out = append(out, ocsfOf(v.entry(res, reqs), opts))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// OCSFEntry returns e as one OCSF 1.5.0 Compliance Finding event, a JSON
// object on one line, in the shape OCSF writes for a report. With
// e.Finding set, the event follows the finding's lifecycle: activity
// Create for a finding unchanged since it was first seen, Update once it
// changed, Close once RESOLVED; time is its last change; status_id is 1
// New, 2 In Progress (NOTIFIED), 3 Suppressed or 4 Resolved;
// finding_info carries its first and last sighting and last change;
// severity is the finding's (a rule may have overridden it);
// compliance.status_id is 99 Other ("Not Applicable") for a
// NOT_APPLICABLE result; unmapped holds its suppression and notes.
func OCSFEntry(e Entry, opts Options) (json.RawMessage, error) {
	return json.Marshal(ocsfOf(e, opts))
}

func ocsfOf(e Entry, opts Options) ocsfEvent {
	res := e.Result
	m := res.Resource
	c := entryControl(e)
	t := e.Time.UTC()
	ms, dt := t.UnixMilli(), t.Format(timeFormat)
	sevID, sev := ocsfSeverity(entrySeverity(e, c))
	ev := ocsfEvent{
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
		FindingInfo: ocsfFindingInfo{UID: entryID(e), Title: c.Title, Desc: description(res.Reason, c),
			FirstSeenTime: ms, FirstSeenTimeDT: dt, LastSeenTime: ms, LastSeenTimeDT: dt},
		Compliance: ocsfCompliance{Control: c.ID, Standards: []string{}, StatusDetail: res.Reason},
		Resources: []ocsfResource{{UID: m.ARN, Type: nonBlank(m.Type, "Other"), Name: m.Name, Region: m.Region,
			CloudPartition: partition(m), Group: &ocsfGroup{Name: c.Service}}},
		Cloud: ocsfCloud{Provider: "AWS", Region: m.Region,
			Account: ocsfAccount{UID: m.Account, Name: e.AccountName, TypeID: ocsfAWSAccountID, Type: "AWS Account"}},
		Unmapped: map[string]any{"scan_id": e.Scan},
	}
	if c.Service == "" {
		ev.Resources[0].Group = nil
	}
	for _, k := range sortedKeys(m.Tags) {
		ev.Resources[0].Labels = append(ev.Resources[0].Labels, k+":"+m.Tags[k])
	}
	switch res.Status {
	case control.Passed:
		ev.Compliance.StatusID, ev.Compliance.Status = 1, "Pass"
	case control.Failed:
		ev.Compliance.StatusID, ev.Compliance.Status = 3, "Fail"
	case control.NotApplicable:
		ev.Compliance.StatusID, ev.Compliance.Status = 99, "Not Applicable"
	default:
		ev.Compliance.StatusID, ev.Compliance.Status = 0, "Unknown"
	}
	seen := map[string]bool{}
	for _, q := range e.Requirements {
		label := standardLabel(*q.Standard)
		if !seen[q.Standard.ID] {
			seen[q.Standard.ID] = true
			ev.Compliance.Standards = append(ev.Compliance.Standards, label)
			if t := "Software and Configuration Checks/Industry and Regulatory Standards/" + nonBlank(q.Standard.Name, q.Standard.Short); !slices.Contains(ev.FindingInfo.Types, t) {
				ev.FindingInfo.Types = append(ev.FindingInfo.Types, t)
			}
		}
		ev.Compliance.Requirements = append(ev.Compliance.Requirements, label+"/"+q.ID)
	}
	if e.OrgID != "" || e.OUPath != "" {
		ev.Cloud.Org = &ocsfOrg{UID: e.OrgID, OUName: e.OUPath}
	}
	if c.Remediation != "" {
		ev.Remediation = &ocsfRemediation{Desc: c.Remediation}
	}
	if len(c.WellArchitected) > 0 {
		ev.Unmapped["well_architected"] = strings.Join(c.WellArchitected, ",")
	}
	if fd := e.Finding; fd != nil {
		ev.lifecycle(fd)
	}
	return ev
}

// ocsfWorkflow maps a workflow status to OCSF's finding status_id and
// name.
func ocsfWorkflow(w findingid.Workflow) (int, string) {
	switch w {
	case findingid.Notified:
		return 2, "In Progress"
	case findingid.Suppressed:
		return 3, "Suppressed"
	case findingid.Resolved:
		return 4, "Resolved"
	}
	return 1, "New"
}

// lifecycle writes what a finding adds to a result: activity, status,
// times, suppression and notes.
func (ev *ocsfEvent) lifecycle(fd *findingid.Finding) {
	ev.StatusID, ev.Status = ocsfWorkflow(fd.Workflow)
	stamp := func(t time.Time) (int64, string) { t = t.UTC(); return t.UnixMilli(), t.Format(timeFormat) }
	if !fd.UpdatedAt.IsZero() {
		ev.Time, ev.TimeDT = stamp(fd.UpdatedAt)
		ev.FindingInfo.ModifiedTime, ev.FindingInfo.ModifiedTimeDT = stamp(fd.UpdatedAt)
	}
	if !fd.FirstSeen.IsZero() {
		ev.FindingInfo.FirstSeenTime, ev.FindingInfo.FirstSeenTimeDT = stamp(fd.FirstSeen)
	}
	if !fd.LastSeen.IsZero() {
		ev.FindingInfo.LastSeenTime, ev.FindingInfo.LastSeenTimeDT = stamp(fd.LastSeen)
	}
	switch {
	case fd.Workflow == findingid.Resolved:
		ev.ActivityID, ev.ActivityName = 3, "Close"
	case fd.UpdatedAt.After(fd.FirstSeen):
		ev.ActivityID, ev.ActivityName = 2, "Update"
	}
	ev.TypeUID, ev.TypeName = ocsfClassUID*100+ev.ActivityID, "Compliance Finding: "+ev.ActivityName
	if s := fd.Suppression; s != nil {
		sup := map[string]any{"reason": s.Reason, "by": s.By}
		if !s.Until.IsZero() {
			_, sup["until"] = stamp(s.Until)
		}
		ev.Unmapped["suppression"] = sup
	}
	if len(fd.Notes) > 0 {
		ev.Unmapped["notes"] = fd.Notes
	}
	if fd.SeverityOverridden {
		ev.Unmapped["severity_overridden"] = true
	}
}
