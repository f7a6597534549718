package report

import (
	"encoding/json"
	"io"
)

// JSON writes r itself, indented: every result, gap, score and statistic.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
