// Package report writes a scan's report (Report) for people and for
// other tools: a terminal summary (Text), the report itself (JSON), one
// CSV row per result, AWS Security Finding Format for Security Hub's
// BatchImportFindings (ASFF), OCSF 1.5.0 Compliance Findings (OCSF), and
// one self-contained HTML page (HTML). Write picks one by name.
//
// Every writer is deterministic: what it prints comes from the report
// alone (times included), in a fixed order, so outputs can be compared
// and golden-tested. Names, tags and reasons come from AWS accounts and
// are treated as untrusted: HTML escapes them, CSV defuses spreadsheet
// formulas.
//
// The summaries read what the scan computed (Report.Coverage and
// Report.Scores, from package score, set by ComputeScores): every score
// is shown with its coverage (targets assessed / in scope), rounded as
// Security Hub rounds (score.Round), and regions an account has not
// enabled are shown as not enabled, apart from what could not be
// assessed. They never call AWS. This package must not import the
// AWS SDK outside its tests.
package report
