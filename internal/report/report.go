package report

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// Options tune the writers; the zero value is fine.
type Options struct {
	// Top is how many failing controls Text lists; 0 lists them all.
	Top int
	// Version is Guardrail's version, written in ASFF, OCSF and HTML;
	// empty means the version the binary was built as.
	Version string
}

// DefaultTop is how many failing controls Write's text summary lists.
const DefaultTop = 20

// Formats are the names Write accepts.
func Formats() []string { return []string{"text", "json", "csv", "asff", "ocsf", "html"} }

// Write writes r to w in format (one of Formats), with the default
// options: the text summary lists the DefaultTop worst failing controls.
func Write(w io.Writer, r *Report, format string) error {
	return WriteOptions(w, r, format, Options{Top: DefaultTop})
}

// WriteOptions is Write with options.
func WriteOptions(w io.Writer, r *Report, format string, opts Options) error {
	switch strings.ToLower(format) {
	case "text":
		return Text(w, r, opts)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r)
	case "asff":
		return ASFF(w, r, opts)
	case "ocsf":
		return OCSF(w, r, opts)
	case "html":
		return HTML(w, r, opts)
	}
	return fmt.Errorf("report format %q: want one of %s", format, strings.Join(Formats(), ", "))
}

// version is opts.Version, or the version the binary was built as.
func (o Options) version() string {
	if o.Version != "" {
		return o.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
