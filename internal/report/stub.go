package report

import (
	"encoding/json"
	"io"

	"github.com/guardrail-sec/guardrail/internal/scan"
)

// Write is a stub until the report package lands.
func Write(w io.Writer, r *scan.Report, format string) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}
