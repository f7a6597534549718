package export

import (
	"bufio"
	"fmt"
	"io"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
)

// OCSFLines writes each finding as an OCSF 1.5.0 Compliance Finding event
// (class_uid 2003), one JSON object per line, in the order given, in the
// shape a report's OCSF writes its results (report.OCSFEntry).
//
// status_id follows the workflow: 1 New, 2 In Progress (NOTIFIED), 3
// Suppressed, 4 Resolved. compliance.status_id follows the latest result:
// 1 Pass, 3 Fail, 0 Unknown (ERROR: could not be assessed), 99 Other
// ("Not Applicable"). The activity is Create for a finding unchanged
// since it was first seen, Update once it changed, Close once resolved;
// time is its last change. finding_info.uid is the same ID as ASFF's.
func OCSFLines(w io.Writer, findings []finding.Finding, opts Options) error {
	r, err := newResolver(opts)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i := range findings {
		b, err := report.OCSFEntry(r.entry(&findings[i]), r.reportOptions())
		if err != nil {
			return fmt.Errorf("export ocsf: finding %s: %w", findings[i].ID, err)
		}
		bw.Write(b)
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}
