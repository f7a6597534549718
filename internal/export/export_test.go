package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// asffArray writes every finding's ASFF as one indented JSON array.
func asffArray(w *bytes.Buffer, fs []finding.Finding) error {
	var docs []json.RawMessage
	for _, f := range fs {
		b, err := export.ASFF(f, opts)
		if err != nil {
			return err
		}
		docs = append(docs, b)
	}
	b, err := json.MarshalIndent(docs, "", "  ")
	w.Write(append(b, '\n'))
	return err
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []finding.Finding) error
	}{
		{"findings.ocsf.jsonl", func(b *bytes.Buffer, fs []finding.Finding) error { return export.OCSFLines(b, fs, opts) }},
		{"findings.csv", func(b *bytes.Buffer, fs []finding.Finding) error { return export.CSV(b, fs) }},
		{"findings.asff.json", asffArray},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, again bytes.Buffer
			if err := tc.write(&got, sample()); err != nil {
				t.Fatal(err)
			}
			if err := tc.write(&again, sample()); err != nil || !bytes.Equal(got.Bytes(), again.Bytes()) {
				t.Fatalf("two runs differ (%v)", err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s (go test -update rewrites it); got:\n%s", tc.name, path, got.Bytes())
			}
		})
	}
}

// asffDoc returns f's ASFF as a generic document and as the SDK's type,
// failing t unless the two agree (a misspelt field would be lost).
func asffDoc(t *testing.T, f finding.Finding, o export.Options) (map[string]any, shtypes.AwsSecurityFinding) {
	t.Helper()
	raw, err := export.ASFF(f, o)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	var sdk shtypes.AwsSecurityFinding
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &sdk); err != nil {
		t.Fatalf("not an AwsSecurityFinding: %v", err)
	}
	back, _ := json.Marshal(sdk)
	var a, b any
	json.Unmarshal(raw, &a)
	json.Unmarshal(back, &b)
	if !reflect.DeepEqual(a, prune(b)) {
		t.Errorf("ASFF does not survive a round trip through the SDK's types:\n%s\nvs\n%s", raw, back)
	}
	return doc, sdk
}

// prune drops the null and empty values the SDK's types marshal.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if x = prune(x); x != nil {
				out[k] = x
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = prune(x)
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	}
	return v
}

func TestASFF(t *testing.T) {
	fs := sample()
	stamp := func(d int) string { return day(d).Format("2006-01-02T15:04:05.000Z07:00") }
	for _, tc := range []struct {
		name                         string
		f                            finding.Finding
		workflow, record, compliance string
		severity, original           string
		first, last, updated         string
		note, reasonCode             string
		fields                       map[string]string
	}{
		{"new", fs[0], "NEW", "ACTIVE", "FAILED", "HIGH", "HIGH", stamp(1), stamp(1), stamp(1), "", "", nil},
		{"notified", fs[1], "NOTIFIED", "ACTIVE", "FAILED", "CRITICAL", "CRITICAL", stamp(1), stamp(3), stamp(2), "SEC-42 opened", "", nil},
		{"suppressed, severity overridden", fs[2], "SUPPRESSED", "ACTIVE", "FAILED", "LOW", "LOW", stamp(1), stamp(3), stamp(2), "+kept in the safe", "",
			map[string]string{"guardrail/SuppressedBy": "bob", "guardrail/SuppressionReason": "=break-glass key, reviewed",
				"guardrail/SuppressedUntil": stamp(30), "guardrail/SeverityOverridden": "true"}},
		{"resolved", fs[3], "RESOLVED", "ARCHIVED", "PASSED", "INFORMATIONAL", "HIGH", stamp(1), stamp(3), stamp(3), "", "", nil},
		{"error", fs[4], "NEW", "ACTIVE", "NOT_AVAILABLE", "CRITICAL", "CRITICAL", stamp(1), stamp(3), stamp(3), "", "NOT_ASSESSED", nil},
		{"not applicable", fs[5], "RESOLVED", "ARCHIVED", "NOT_AVAILABLE", "INFORMATIONAL", "CRITICAL", stamp(1), stamp(2), stamp(2), "", "NOT_APPLICABLE", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, f := asffDoc(t, tc.f, opts)
			if got := *f.Id; got != "guardrail/"+tc.f.Control+"/"+tc.f.ID {
				t.Errorf("Id %s", got)
			}
			if string(f.Workflow.Status) != tc.workflow || string(f.RecordState) != tc.record || string(f.Compliance.Status) != tc.compliance {
				t.Errorf("workflow %s record %s compliance %s, want %s %s %s", f.Workflow.Status, f.RecordState, f.Compliance.Status, tc.workflow, tc.record, tc.compliance)
			}
			if string(f.Severity.Label) != tc.severity || *f.Severity.Original != tc.original {
				t.Errorf("severity %s (%s), want %s (%s)", f.Severity.Label, *f.Severity.Original, tc.severity, tc.original)
			}
			if *f.CreatedAt != tc.first || *f.FirstObservedAt != tc.first || *f.LastObservedAt != tc.last || *f.UpdatedAt != tc.updated {
				t.Errorf("created %s first %s last %s updated %s, want %s %s %s", *f.CreatedAt, *f.FirstObservedAt, *f.LastObservedAt, *f.UpdatedAt, tc.first, tc.last, tc.updated)
			}
			if tc.note == "" && f.Note != nil || tc.note != "" && (f.Note == nil || *f.Note.Text != tc.note || *f.Note.UpdatedBy == "" || *f.Note.UpdatedAt == "") {
				t.Errorf("note %+v, want %q", doc["Note"], tc.note)
			}
			if tc.reasonCode == "" && len(f.Compliance.StatusReasons) != 0 ||
				tc.reasonCode != "" && (len(f.Compliance.StatusReasons) != 1 || *f.Compliance.StatusReasons[0].ReasonCode != tc.reasonCode || *f.Compliance.StatusReasons[0].Description != tc.f.Reason) {
				t.Errorf("status reasons %+v, want %s", doc["Compliance"], tc.reasonCode)
			}
			for k, v := range tc.fields {
				if f.ProductFields[k] != v {
					t.Errorf("ProductFields[%s] = %q, want %q", k, f.ProductFields[k], v)
				}
			}
			if tc.fields == nil && f.ProductFields["guardrail/SuppressedBy"] != "" {
				t.Errorf("suppression written for an unsuppressed finding: %v", f.ProductFields)
			}
			if *f.AwsAccountId != tc.f.Account || *f.Region != tc.f.Region || *f.Resources[0].Id != tc.f.ResourceARN ||
				*f.ProductArn != "arn:aws:securityhub:"+tc.f.Region+":"+tc.f.Account+":product/"+tc.f.Account+"/default" {
				t.Errorf("account %s region %s resource %s product %s", *f.AwsAccountId, *f.Region, *f.Resources[0].Id, *f.ProductArn)
			}
			if f.ProductFields["guardrail/ScanId"] != tc.f.LastScan {
				t.Errorf("scan %q, want %q", f.ProductFields["guardrail/ScanId"], tc.f.LastScan)
			}
		})
	}
}

// TestASFFAsReport exports, for a result a scan just found, the same
// ASFF finding as the scan's report: same Id, same shape; the export adds
// only when the finding was observed.
func TestASFFAsReport(t *testing.T) {
	cat := testCatalog()
	at := day(4)
	for _, s := range []control.Status{control.Failed, control.Passed, control.Error} {
		t.Run(string(s), func(t *testing.T) {
			o := observation(cat, "EC2.19", s, sg(prod, "eu-west-1", "sg-0a1b2c3d", "bastion"), "port 22 open to 0.0.0.0/0")
			r := &report.Report{ID: "scan-20261104T101500Z", Started: at.Add(-time.Minute), Finished: at,
				Scope:    report.Scope{OrgID: opts.OrgID},
				Accounts: []report.Account{{ID: prod, Name: o.AccountName, OUPath: o.OUPath, Regions: []string{"eu-west-1"}}},
				Controls: cat.Controls(), Standards: cat.Standards(), Results: []control.Result{o.Result}}
			var b bytes.Buffer
			if err := report.ASFF(&b, r, report.Options{Version: opts.Version}); err != nil {
				t.Fatal(err)
			}
			var fromReport []map[string]any
			if err := json.Unmarshal(b.Bytes(), &fromReport); err != nil || len(fromReport) != 1 {
				t.Fatalf("report ASFF: %v %s", err, b.Bytes())
			}
			f, _ := finding.Observe(nil, o, r.ID, at)
			fromFinding, _ := asffDoc(t, f, opts)
			if fromFinding["Id"] != fromReport[0]["Id"] || fromFinding["Id"] != "guardrail/EC2.19/"+finding.ID(o.Result) {
				t.Errorf("Id %v, report's %v", fromFinding["Id"], fromReport[0]["Id"])
			}
			want := fromReport[0]
			want["FirstObservedAt"], want["LastObservedAt"] = want["CreatedAt"], want["CreatedAt"]
			if s != control.Failed {
				// Not failing when first seen (finding.Observe): nothing
				// is opened, so resolved and archived.
				want["Workflow"], want["RecordState"] = map[string]any{"Status": "RESOLVED"}, "ARCHIVED"
			}
			if !reflect.DeepEqual(fromFinding, want) {
				g, _ := json.MarshalIndent(fromFinding, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("finding's ASFF:\n%s\nreport's, with the lifecycle:\n%s", g, w)
			}
		})
	}
}

// TestASFFDefaultCatalog exports with the embedded catalog: standards are
// named as Security Hub names them (the catalog's IDs already start with
// "standards/").
func TestASFFDefaultCatalog(t *testing.T) {
	f := sample()[2] // IAM.4
	_, sdk := asffDoc(t, f, export.Options{Version: "1.0.0-test"})
	var ids []string
	for _, s := range sdk.Compliance.AssociatedStandards {
		ids = append(ids, *s.StandardsId)
	}
	want := []string{"standards/cis-aws-foundations-benchmark/v/3.0.0", "standards/aws-foundational-security-best-practices/v/1.0.0"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("AssociatedStandards %v, want %v", ids, want)
	}
	if sdk.Remediation == nil || *sdk.Remediation.Recommendation.Text == "" || *sdk.Title == "IAM.4" {
		t.Errorf("the control's texts are missing: %+v", sdk)
	}
}

func TestOCSFLines(t *testing.T) {
	fs := sample()
	var b bytes.Buffer
	if err := export.OCSFLines(&b, fs, opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(fs) {
		t.Fatalf("%d lines for %d findings", len(lines), len(fs))
	}
	type want struct {
		status, compliance, activity int
		statusName                   string
	}
	wants := []want{
		{1, 3, 1, "New"},         // new
		{2, 3, 2, "In Progress"}, // notified
		{3, 3, 2, "Suppressed"},  // suppressed
		{4, 1, 3, "Resolved"},    // resolved
		{1, 0, 2, "New"},         // error
		{4, 99, 3, "Resolved"},   // not applicable
		{1, 3, 1, "New"},         // unknown control
	}
	for i, line := range lines {
		var ev struct {
			ClassUID    int    `json:"class_uid"`
			CategoryUID int    `json:"category_uid"`
			ActivityID  int    `json:"activity_id"`
			TypeUID     int    `json:"type_uid"`
			Time        int64  `json:"time"`
			SeverityID  int    `json:"severity_id"`
			StatusID    int    `json:"status_id"`
			Status      string `json:"status"`
			Metadata    struct {
				Version string                `json:"version"`
				Product struct{ Name string } `json:"product"`
			} `json:"metadata"`
			FindingInfo struct {
				UID           string `json:"uid"`
				Title         string `json:"title"`
				FirstSeenTime int64  `json:"first_seen_time"`
				LastSeenTime  int64  `json:"last_seen_time"`
				ModifiedTime  int64  `json:"modified_time"`
			} `json:"finding_info"`
			Compliance struct {
				Control  string   `json:"control"`
				Status   int      `json:"status_id"`
				Standard []string `json:"standards"`
			} `json:"compliance"`
			Cloud struct {
				Provider string
				Account  struct{ UID string }
			} `json:"cloud"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		if err := dec.Decode(&ev); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object: %v", i+1, err)
		}
		f, w := fs[i], wants[i]
		if ev.ClassUID != 2003 || ev.CategoryUID != 2 || ev.Metadata.Version != "1.5.0" || ev.Metadata.Product.Name == "" || ev.Cloud.Provider != "AWS" {
			t.Errorf("line %d: not an OCSF 1.5.0 Compliance Finding: %s", i+1, line)
		}
		if ev.StatusID != w.status || ev.Status != w.statusName || ev.Compliance.Status != w.compliance || ev.ActivityID != w.activity || ev.TypeUID != 200300+w.activity {
			t.Errorf("line %d (%s %s): status %d %q compliance %d activity %d type %d, want %+v", i+1, f.Workflow, f.Compliance,
				ev.StatusID, ev.Status, ev.Compliance.Status, ev.ActivityID, ev.TypeUID, w)
		}
		if ev.FindingInfo.UID != "guardrail/"+f.Control+"/"+f.ID || ev.Compliance.Control != f.Control || ev.Cloud.Account.UID != f.Account {
			t.Errorf("line %d: uid %s control %s account %s", i+1, ev.FindingInfo.UID, ev.Compliance.Control, ev.Cloud.Account.UID)
		}
		if ev.FindingInfo.FirstSeenTime != f.FirstSeen.UnixMilli() || ev.FindingInfo.LastSeenTime != f.LastSeen.UnixMilli() ||
			ev.FindingInfo.ModifiedTime != f.UpdatedAt.UnixMilli() || ev.Time != f.UpdatedAt.UnixMilli() {
			t.Errorf("line %d: times %+v %d", i+1, ev.FindingInfo, ev.Time)
		}
		if sev := map[control.Severity]int{control.Informational: 1, control.Low: 2, control.Medium: 3, control.High: 4, control.Critical: 5}[f.Severity]; ev.SeverityID != sev {
			t.Errorf("line %d: severity_id %d, want %d (%s)", i+1, ev.SeverityID, sev, f.Severity)
		}
	}
	// The control the catalog does not know keeps the finding's title, and
	// only the standard the catalog knows.
	if !strings.Contains(lines[6], `"title":"CloudTrail log file validation should be enabled"`) ||
		!strings.Contains(lines[6], `"standards":["CIS AWS Foundations Benchmark v3.0.0"]`) {
		t.Errorf("unknown control: %s", lines[6])
	}
}

func TestCSV(t *testing.T) {
	fs := sample()
	var b bytes.Buffer
	if err := export.CSV(&b, fs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v", err)
	}
	if len(rows) != len(fs)+1 {
		t.Fatalf("%d rows for %d findings", len(rows), len(fs))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, f := range fs {
		r := rows[i+1]
		if r[col["finding_id"]] != f.ID || r[col["workflow"]] != string(f.Workflow) || r[col["compliance"]] != string(f.Compliance) ||
			r[col["resource_arn"]] != f.ResourceARN || r[col["severity"]] != f.Severity.String() {
			t.Errorf("row %d = %v for %+v", i+1, r, f)
		}
		for j, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %d column %s: %q could run as a formula", i+1, rows[0][j], c)
			}
		}
	}
	sup := rows[3]
	if sup[col["account_name"]] != "'@dev-sandbox" || sup[col["ou_path"]] != "'-Sandbox & Experiments" ||
		sup[col["suppression_reason"]] != "'=break-glass key, reviewed" || sup[col["note"]] != "'+kept in the safe" ||
		sup[col["suppressed_until"]] != "2026-11-30T10:15:00Z" || sup[col["severity_overridden"]] != "true" ||
		sup[col["standards"]] != "cis-3.0:1.4;fsbp:IAM.4" {
		t.Errorf("suppressed row = %v", sup)
	}
	// No findings: the header alone.
	b.Reset()
	if err := export.CSV(&b, nil); err != nil || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("empty CSV = %q, %v", b.String(), err)
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return w.n, os.ErrClosed
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	fs := sample()
	if err := export.OCSFLines(&failingWriter{n: 10}, fs, opts); err == nil {
		t.Error("OCSFLines: no error from a failing writer")
	}
	if err := export.CSV(&failingWriter{n: 10}, fs); err == nil {
		t.Error("CSV: no error from a failing writer")
	}
}
