package export

import (
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
)

// csvHeader names the columns CSV writes.
var csvHeader = []string{"finding_id", "account_id", "account_name", "ou_path", "region", "control_id", "title",
	"severity", "severity_overridden", "compliance", "workflow", "resource_type", "resource_arn", "resource_name",
	"reason", "standards", "first_seen", "last_seen", "updated_at", "suppressed_by", "suppression_reason",
	"suppressed_until", "note", "note_by", "last_scan"}

// CSV writes one row per finding, in the order given, after a header row
// (RFC 4180). standards lists the requirement IDs ("cis-3.0:1.4;fsbp:IAM.4");
// note is the latest note; times are RFC 3339 in UTC, empty when unknown.
// Any cell that a spreadsheet could run as a formula is prefixed with a
// quote: names, tags, reasons and notes come from AWS accounts and people.
func CSV(w io.Writer, findings []finding.Finding) error {
	cw, err := NewCSV(w)
	if err != nil {
		return err
	}
	for i := range findings {
		if err := cw.Write(&findings[i]); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CSVWriter writes findings as CSV one at a time (CSV's columns), so a
// long list can be streamed.
type CSVWriter struct {
	cw  *csv.Writer
	row []string
}

// NewCSV writes the header and returns a writer for the rows.
func NewCSV(w io.Writer) (*CSVWriter, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return nil, err
	}
	return &CSVWriter{cw: cw, row: make([]string, len(csvHeader))}, nil
}

// Write writes one finding.
func (c *CSVWriter) Write(f *finding.Finding) error {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	var supBy, supReason, supUntil, note, noteBy string
	if s := f.Suppression; s != nil {
		supBy, supReason, supUntil = s.By, s.Reason, stamp(s.Until)
	}
	if n := len(f.Notes); n > 0 {
		note, noteBy = f.Notes[n-1].Text, f.Notes[n-1].By
	}
	overridden := ""
	if f.SeverityOverridden {
		overridden = "true"
	}
	row := c.row
	copy(row, []string{f.ID, f.Account, f.AccountName, f.OUPath, f.Region, f.Control, f.Title,
		f.Severity.String(), overridden, string(f.Compliance), string(f.Workflow), f.ResourceType, f.ResourceARN, f.ResourceName,
		f.Reason, strings.Join(f.Standards, ";"), stamp(f.FirstSeen), stamp(f.LastSeen), stamp(f.UpdatedAt), supBy, supReason,
		supUntil, note, noteBy, f.LastScan})
	for j := range row {
		row[j] = cell(row[j])
	}
	return c.cw.Write(row)
}

// Flush writes what is buffered and reports any error so far.
func (c *CSVWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// cell defuses text a spreadsheet would run as a formula (OWASP's CSV
// injection advice, as report's CSV does): a leading = + - @ tab or CR
// gets a quote before it.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
