package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/guardrail-sec/guardrail/internal/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var opts = report.Options{Top: 20, Version: "1.0.0-test"}

var writers = map[string]func(*bytes.Buffer, *report.Report) error{
	"text": func(b *bytes.Buffer, r *report.Report) error { return report.Text(b, r, opts) },
	"json": func(b *bytes.Buffer, r *report.Report) error { return report.JSON(b, r) },
	"csv":  func(b *bytes.Buffer, r *report.Report) error { return report.CSV(b, r) },
	"asff": func(b *bytes.Buffer, r *report.Report) error { return report.ASFF(b, r, opts) },
	"ocsf": func(b *bytes.Buffer, r *report.Report) error { return report.OCSF(b, r, opts) },
	"html": func(b *bytes.Buffer, r *report.Report) error { return report.HTML(b, r, opts) },
}

func render(t *testing.T, format string, r *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writers[format](&b, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, format := range report.Formats() {
		t.Run(format, func(t *testing.T) {
			got := render(t, format, sample())
			// Deterministic: a second run gives the same bytes.
			if again := render(t, format, sample()); !bytes.Equal(got, again) {
				t.Fatal("two runs differ")
			}
			path := filepath.Join("testdata", format+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it); got:\n%s", format, path, got)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	r := sample()
	for _, format := range report.Formats() {
		var b bytes.Buffer
		if err := report.WriteOptions(&b, r, strings.ToUpper(format), opts); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !bytes.Equal(b.Bytes(), render(t, format, r)) {
			t.Errorf("Write(%s) is not %s's writer", format, format)
		}
		if err := report.Write(&bytes.Buffer{}, r, format); err != nil {
			t.Errorf("Write(%s): %v", format, err)
		}
	}
	err := report.Write(&bytes.Buffer{}, r, "pdf")
	if err == nil || !strings.Contains(err.Error(), `"pdf"`) || !strings.Contains(err.Error(), "text, json, csv, asff, ocsf, html") {
		t.Errorf("Write(pdf) = %v, want an error naming the valid formats", err)
	}
}

func TestTextLayout(t *testing.T) {
	out := string(render(t, "text", sample()))
	for i, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
	for _, want := range []string{
		"3 accounts (1 not assessed), 4 targets, 1,284 API calls, 42.3s",
		// Worst first: dev fails everything it could assess.
		"dev-sandbox",
		"legacy-billing (333333333333): assume role",
		"ec2 in 2 targets: describe security groups: AccessDenied",
		"eu-south-1 in 1 account: region not enabled",
		"S3.5 on 1 resource: bucket policy not readable",
		"guardduty in 1 target: list detectors: ThrottlingException",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	dev, prod := strings.Index(out, "dev-sandbox  "), strings.Index(out, "prod-payments  ")
	if dev < 0 || prod < 0 || dev > prod {
		t.Errorf("accounts not worst first (dev at %d, prod at %d)", dev, prod)
	}
	// The per-target ERRORs the gaps and the unassessed account caused
	// are reported once, as gaps, not per control.
	if strings.Contains(out, "EC2.19 in") || strings.Contains(out, "IAM.4 in") {
		t.Errorf("wholesale errors listed per control:\n%s", out)
	}

	// Top limits the failing controls listed.
	var b bytes.Buffer
	if err := report.Text(&b, sample(), report.Options{Top: 2}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "... and 4 more failing controls") {
		t.Errorf("Top 2: %s", b.String())
	}
}

func TestCSV(t *testing.T) {
	r := sample()
	rows, err := csv.NewReader(bytes.NewReader(render(t, "csv", r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(r.Results)+1 {
		t.Fatalf("%d rows for %d results", len(rows), len(r.Results))
	}
	want := []string{"account_id", "account_name", "ou_path", "region", "control_id", "title", "severity",
		"status", "resource_type", "resource_arn", "reason", "requirements"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Errorf("header = %v", rows[0])
	}
	found := false
	for _, row := range rows[1:] {
		if row[4] == "IAM.4" && row[0] == dev {
			found = true
			if row[1] != "dev-sandbox" || row[2] != "Sandbox & Experiments" || row[6] != "CRITICAL" || row[7] != "FAILED" ||
				row[8] != "AwsAccount" || row[9] != "AWS::::Account:"+dev || row[11] != "cis-3.0:1.4;fsbp:IAM.4" {
				t.Errorf("IAM.4 row = %q", row)
			}
		}
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("formula cell %q", cell)
			}
		}
	}
	if !found {
		t.Error("no IAM.4 row for dev")
	}
}

func TestHTMLEscapes(t *testing.T) {
	out := string(render(t, "html", sample()))
	for _, bad := range []string{"<img src=x", "<b>rdp</b>", "Sandbox & Experiments"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML has unescaped %q", bad)
		}
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") || !strings.Contains(out, "&lt;b&gt;rdp&lt;/b&gt;") {
		t.Error("HTML lacks the escaped untrusted text")
	}
	// Self-contained: no external URL is loaded.
	ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|@import|url\(`)
	if m := ext.FindString(out); m != "" {
		t.Errorf("HTML loads something external: %q", m)
	}
	if strings.Contains(out, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ)")
	}
}

func TestOCSF(t *testing.T) {
	r := sample()
	var events []map[string]any
	if err := json.Unmarshal(render(t, "ocsf", r), &events); err != nil {
		t.Fatal(err)
	}
	exported := 0
	for _, res := range r.Results {
		if res.Status != "NOT_APPLICABLE" {
			exported++
		}
	}
	if len(events) != exported || exported == 0 {
		t.Fatalf("%d events for %d exportable results", len(events), exported)
	}
	statuses := map[float64]int{}
	for i, e := range events {
		// Base event and Compliance Finding required attributes (OCSF 1.5.0).
		for _, k := range []string{"activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "time",
			"metadata", "finding_info", "compliance", "cloud", "status_id", "resources"} {
			if _, ok := e[k]; !ok {
				t.Fatalf("event %d lacks %s: %v", i, k, e)
			}
		}
		if e["class_uid"] != 2003.0 || e["category_uid"] != 2.0 || e["activity_id"] != 1.0 || e["type_uid"] != 200301.0 || e["status_id"] != 1.0 {
			t.Errorf("event %d class = %v %v %v %v %v", i, e["class_uid"], e["category_uid"], e["activity_id"], e["type_uid"], e["status_id"])
		}
		if e["time"] != float64(r.Finished.UnixMilli()) {
			t.Errorf("event %d time = %v", i, e["time"])
		}
		md := e["metadata"].(map[string]any)
		prod := md["product"].(map[string]any)
		if md["version"] != "1.5.0" || prod["name"] != "Guardrail" || prod["vendor_name"] != "Guardrail" || prod["uid"] != "guardrail" ||
			prod["version"] != "1.0.0-test" || md["event_code"] == "" {
			t.Errorf("event %d metadata = %v", i, md)
		}
		if p, _ := md["profiles"].([]any); len(p) != 2 || p[0] != "cloud" || p[1] != "datetime" {
			t.Errorf("event %d profiles = %v", i, md["profiles"])
		}
		fi := e["finding_info"].(map[string]any)
		if fi["uid"] == "" || fi["title"] == "" || fi["desc"] == "" || fi["first_seen_time"] == nil {
			t.Errorf("event %d finding_info = %v", i, fi)
		}
		comp := e["compliance"].(map[string]any)
		if comp["control"] != md["event_code"] || comp["standards"] == nil || comp["status_id"] == nil {
			t.Errorf("event %d compliance = %v", i, comp)
		}
		statuses[comp["status_id"].(float64)]++
		cloud := e["cloud"].(map[string]any)
		acct := cloud["account"].(map[string]any)
		if cloud["provider"] != "AWS" || cloud["region"] == "" || acct["uid"] == "" || acct["type_id"] != 10.0 || acct["type"] != "AWS Account" {
			t.Errorf("event %d cloud = %v", i, cloud)
		}
		res := e["resources"].([]any)[0].(map[string]any)
		for _, k := range []string{"uid", "type", "region", "cloud_partition"} {
			if s, _ := res[k].(string); s == "" {
				t.Errorf("event %d resource lacks %s: %v", i, k, res)
			}
		}
	}
	// Pass, Fail and Unknown (ERROR) all appear; ERROR is never Pass.
	if statuses[1] == 0 || statuses[3] == 0 || statuses[0] == 0 || len(statuses) != 3 {
		t.Errorf("compliance statuses = %v", statuses)
	}
}

func TestEmptyReport(t *testing.T) {
	r := &report.Report{ID: "scan-empty"}
	for _, format := range report.Formats() {
		got := render(t, format, r)
		switch format {
		case "asff", "ocsf":
			if strings.TrimSpace(string(got)) != "[]" {
				t.Errorf("%s of an empty report = %s", format, got)
			}
		case "text":
			if !strings.Contains(string(got), "Everything in scope was assessed.") || !strings.Contains(string(got), "FAILING CONTROLS  none") {
				t.Errorf("text of an empty report:\n%s", got)
			}
		}
	}
}
