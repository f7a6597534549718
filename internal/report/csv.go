package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvHeader names the columns CSV writes.
var csvHeader = []string{"account_id", "account_name", "ou_path", "region", "control_id", "title", "severity",
	"status", "resource_type", "resource_arn", "reason", "requirements"}

// CSV writes one row per result (RFC 4180, with a header row), in report
// order. requirements lists the standards' items the control implements
// ("cis-3.0:1.4;fsbp:IAM.4"). Text that came from AWS and could read as a
// spreadsheet formula is prefixed with a quote.
func CSV(w io.Writer, r *Report) error {
	v := newView(r)
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, res := range r.Results {
		c := v.controls[res.Control]
		var title, sev string
		if c != nil {
			title, sev = c.Title, c.Severity.String()
		}
		var reqs []string
		for _, q := range v.reqs[res.Control] {
			reqs = append(reqs, q.Std.Short+":"+q.ID)
		}
		var name, ou string
		if a := v.accounts[res.Resource.Account]; a != nil {
			name, ou = a.Name, a.OUPath
		}
		m := res.Resource
		if err := cw.Write([]string{m.Account, cell(name), cell(ou), m.Region, res.Control, title, sev,
			string(res.Status), m.Type, cell(m.ARN), cell(res.Reason), strings.Join(reqs, ";")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell defuses text a spreadsheet would run as a formula (OWASP's CSV
// injection advice): a leading = + - @ tab or CR gets a quote before it.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
