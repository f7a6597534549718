package iac

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
)

// Formats of Write.
var Formats = []string{"text", "json", "sarif", "junit"}

// Write writes r in format (one of Formats).
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "text", "":
		return Text(w, r)
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r)
	case "junit":
		return JUnit(w, r)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// JSON writes r itself, indented: the same results as 'scan --format
// json' (control, status, resource, reason), with the code's address,
// file and line.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// where is a result's location: file:line when known, else the source.
func (res Result) where() string {
	switch {
	case res.File != "" && res.Line > 0:
		return fmt.Sprintf("%s:%d", res.File, res.Line)
	case res.File != "":
		return res.File
	}
	return res.Source
}

// Text writes the results grouped by resource: what fails first, each
// with its reason; then what is unknown, not assessed, and a summary.
func Text(w io.Writer, r *Report) error {
	type group struct {
		key   string
		where string
		rs    []Result
	}
	var groups []*group
	byKey := map[string]*group{}
	// Account-level controls the code does not define: one line per
	// reason, not one per control.
	accountNA := map[string][]string{}
	var naOrder []string
	for _, res := range r.Results {
		if res.Status == Passed || res.Status == NotApplicable {
			continue
		}
		if res.Status == NotAssessed && res.Address == "" {
			if _, ok := accountNA[res.Reason]; !ok {
				naOrder = append(naOrder, res.Reason)
			}
			if !containsStr(accountNA[res.Reason], res.Control) {
				accountNA[res.Reason] = append(accountNA[res.Reason], res.Control)
			}
			continue
		}
		key := res.Source + "\x00" + res.Address
		if res.Address == "" {
			key = res.Source + "\x00account"
		}
		g := byKey[key]
		if g == nil {
			name := res.Address
			if res.Construct != "" {
				name += " (" + res.Construct + ")"
			}
			if name == "" {
				name = "account " + res.Resource.Account
				if res.Context != "" {
					name += " (context: " + res.Context + ")"
				}
			}
			g = &group{key: name, where: res.where()}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.rs = append(g.rs, res)
	}
	ew := &errWriter{w: w}
	for _, g := range groups {
		ew.printf("%s  (%s)\n", g.key, g.where)
		for _, res := range g.rs {
			ew.printf("  %-13s %-9s %-8s %s", res.Status, res.Severity, res.Control, res.Reason)
			if e := res.Exemption; e != nil && res.Status == Exempted {
				ew.printf(" [exempted until %s by %s at %s: %s]", e.Expires.Format(time.DateOnly), orDash(e.Approver), e.From, e.Reason)
			}
			if len(res.DefinedBy) > 0 {
				ew.printf(" (account-level state defined by %s)", strings.Join(res.DefinedBy, ", "))
			}
			ew.printf("\n")
		}
	}
	if len(naOrder) > 0 {
		ew.printf("\nNOT ASSESSED (account-level)\n")
		for _, why := range naOrder {
			ew.printf("  %s: %s\n", strings.Join(accountNA[why], ", "), why)
		}
	}
	if len(r.NotAssessed) > 0 {
		ew.printf("\nNOT ASSESSED (no mapping)\n")
		for _, n := range r.NotAssessed {
			ew.printf("  %s  %s\n", n.Address, n.Reason)
		}
	}
	c := r.Counts()
	ew.printf("\n%d resources in %d source(s): %d passed, %d failed, %d exempted, %d unknown until apply, %d not assessed, %d error, %d not applicable; %d resources of unmapped types\n",
		resources(r), len(r.Sources), c[Passed], c[Failed], c[Exempted], c[Unknown], c[NotAssessed], c[Error], c[NotApplicable], len(r.NotAssessed))
	return ew.err
}

func resources(r *Report) int {
	n := 0
	for _, s := range r.Sources {
		n += s.Resources
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// SARIF 2.1.0. Rules are the controls evaluated; results are the FAILED,
// EXEMPTED (with an accepted suppression) and UNKNOWN results. Levels
// follow the severity (critical and high: error, medium: warning, low
// and informational: note; UNKNOWN: note), and every rule carries the
// security-severity property code scanning ranks alerts by.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Kind                string             `json:"kind"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

func level(s control.Severity) string {
	switch {
	case s >= control.High:
		return "error"
	case s == control.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the score code scanning buckets: over 9.0
// critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
func securitySeverity(s control.Severity) string {
	switch s {
	case control.Critical:
		return "9.5"
	case control.High:
		return "8.0"
	case control.Medium:
		return "5.5"
	case control.Low:
		return "3.0"
	}
	return "0.0"
}

// Fingerprint identifies a result across runs: the control, the source
// file's name and the resource's address (not its line, which moves).
func (res Result) Fingerprint() string {
	h := sha256.Sum256([]byte(res.Control + "\x00" + filepath.ToSlash(res.Source) + "\x00" + res.Address))
	return hex.EncodeToString(h[:16])
}

// SARIF writes r as a SARIF 2.1.0 log.
func SARIF(w io.Writer, r *Report) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "Guardrail", InformationURI: "https://github.com/guardrail-sec/guardrail"}}, Results: []sarifResult{}}
	index := map[string]int{}
	controls := append([]*control.Control(nil), r.Controls...)
	sort.Slice(controls, func(i, j int) bool { return control.Less(controls[i].ID, controls[j].ID) })
	for _, c := range controls {
		index[c.ID] = len(run.Tool.Driver.Rules)
		var std []string
		for _, s := range c.Standards {
			std = append(std, s.Standard+" "+s.ID)
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: c.ID, Name: strings.ReplaceAll(c.ID, ".", ""),
			ShortDescription:     sarifText{Text: c.Title},
			FullDescription:      sarifText{Text: c.Rationale},
			Help:                 sarifText{Text: c.Remediation, Markdown: "**" + c.Title + "**\n\n" + c.Rationale + "\n\n**Remediation**\n\n" + c.Remediation},
			DefaultConfiguration: sarifConfig{Level: level(c.Severity)},
			Properties: map[string]any{"security-severity": securitySeverity(c.Severity), "severity": c.Severity.String(),
				"tags": append([]string{"security", "aws", c.Service}, std...), "precision": "high"},
		})
	}
	for _, res := range r.Results {
		if res.Status != Failed && res.Status != Exempted && res.Status != Unknown {
			continue
		}
		i, ok := index[res.Control]
		if !ok {
			continue
		}
		sr := sarifResult{RuleID: res.Control, RuleIndex: i, Level: level(res.Severity), Kind: "fail",
			Message:             sarifText{Text: fmt.Sprintf("%s: %s", orAccount(res), res.Reason)},
			PartialFingerprints: map[string]string{"guardrailResult/v1": res.Fingerprint()},
			Properties:          map[string]any{"status": string(res.Status)}}
		if res.Status == Unknown {
			sr.Level, sr.Kind = "note", "review"
		}
		loc := sarifLocation{}
		file := res.File
		if file == "" {
			file = res.Source
		}
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(file)}}
		if res.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: res.Line}
		}
		if res.Address != "" {
			loc.LogicalLocations = []sarifLogical{{Name: res.Address, FullyQualifiedName: res.Address, Kind: "resource"}}
		}
		sr.Locations = []sarifLocation{loc}
		if e := res.Exemption; e != nil && res.Status == Exempted {
			sr.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
				Justification: fmt.Sprintf("%s (approved by %s until %s, %s)", e.Reason, orDash(e.Approver), e.Expires.Format(time.DateOnly), e.From)}}
		}
		run.Results = append(run.Results, sr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func orAccount(res Result) string {
	if res.Address != "" {
		return res.Address
	}
	return "account " + res.Resource.Account
}

// JUnit XML: one testsuite per source file, one testcase per control and
// resource; FAILED is a failure with the reason, UNKNOWN, NOT_ASSESSED
// and EXEMPTED are skipped with why, ERROR is an error.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes r as JUnit XML.
func JUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: "guardrail iac scan"}
	bySource := map[string]*junitSuite{}
	var order []string
	for _, s := range r.Sources {
		if bySource[s.Path] == nil {
			bySource[s.Path] = &junitSuite{Name: s.Path}
			order = append(order, s.Path)
		}
	}
	for _, res := range r.Results {
		st := bySource[res.Source]
		if st == nil {
			st = &junitSuite{Name: res.Source}
			bySource[res.Source] = st
			order = append(order, res.Source)
		}
		tc := junitCase{Name: fmt.Sprintf("%s %s", res.Control, orAccount(res)), Classname: res.Control, File: res.File, Line: res.Line}
		msg := fmt.Sprintf("[%s] %s: %s", res.Severity, res.Title, res.Reason)
		switch res.Status {
		case Failed:
			tc.Failure = &junitMessage{Message: res.Reason, Type: res.Severity.String(), Text: msg}
			st.Failures++
		case Error:
			tc.Error = &junitMessage{Message: res.Reason, Type: "ERROR", Text: msg}
			st.Errors++
		case Unknown, NotAssessed, Exempted:
			why := res.Reason
			if e := res.Exemption; e != nil && res.Status == Exempted {
				why = fmt.Sprintf("exempted until %s by %s: %s (%s)", e.Expires.Format(time.DateOnly), orDash(e.Approver), e.Reason, res.Reason)
			}
			tc.Skipped = &junitMessage{Message: string(res.Status) + ": " + why}
			st.Skipped++
		}
		st.Tests++
		st.Cases = append(st.Cases, tc)
	}
	for _, p := range order {
		s := bySource[p]
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
