package report

import (
	"encoding/json"
	"io"

	"github.com/guardrail-sec/guardrail/internal/scan"
)

// JSON writes r itself, indented: every result, gap, score and statistic.
func JSON(w io.Writer, r *scan.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
