// Package export writes stored findings (package finding, from the store)
// for other tools: AWS Security Hub through BatchImportFindings
// (SecurityHub, and ASFF for one finding), OCSF 1.5.0 Compliance Finding
// events as JSON lines (OCSFLines), and CSV.
//
// A finding is written in the shape a scan's report writes its result
// (package report's ASFF and OCSF, through report.Entry), plus what lives
// across scans: the workflow status, first and last sighting, last
// change, the latest note, the suppression and an overridden severity.
// The same control, account, region and resource give the same ASFF Id
// and OCSF finding_info.uid in a report and in an export, so importing
// either updates the same Security Hub finding.
//
// Security Hub is called through the concrete SDK client, never through
// an interface (that would link every Security Hub operation into the
// binary). Partial failure is normal: a target (account, region) that
// denies access or is throttled to death is reported in the Result, with
// every finding it could not take, and the others are imported.
//
// It reads findings it is given and never the store, so the CLI and the
// dashboard choose what to export (package store's Filter). Formats are
// built by package report; this package must not grow its own copy of
// the ASFF or OCSF shapes.
package export
