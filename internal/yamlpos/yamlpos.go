// Package yamlpos reports problems in a YAML file the way Guardrail's
// configuration files (automation rules, the baseline spec) all do: the
// file, the line and column and the field, "rules.yaml:4:9:
// rules[0].criteria.severity[0]: ...". It holds the error type and the
// helpers both parsers share.
//
// # Where a syntax error is
//
// The position is the fault itself, not the construct around it: a tab
// that breaks the indentation on line 4 is reported on line 4, at the
// tab; a key indented one column too far is reported at that key, with
// the mapping it does not fit in named in the message. When the file ends
// inside a construct that was never closed (a quoted string, a [ or a {),
// the fault is the opening of that construct, so that is the position.
// go.yaml.in/yaml/v3 (which Guardrail used before) reports the line of
// the enclosing construct (often the line above the fault, and 0-based
// for parser errors) and no column; v4 reports both marks, which is why
// Guardrail uses v4 for every YAML file it reads.
package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Error is one problem in a file.
type Error struct {
	File string
	// Line and Col are 1-based; 0 is unknown (Col 0: the whole line).
	Line int
	Col  int
	// Path is the field: "rules[1].criteria.severity[0]".
	Path string
	Msg  string
}

func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
		if e.Col > 0 {
			s += ":" + strconv.Itoa(e.Col)
		}
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	return s + ": " + e.Msg
}

// At returns an Error at node n of file.
func At(file string, n *yaml.Node, path, format string, args ...any) *Error {
	e := &Error{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Syntax turns the YAML decoder's error for file, whose text is src, into
// an Error at the fault (see the package doc).
func Syntax(file string, src []byte, err error) *Error {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		msg := "not valid YAML: " + le.Message
		line, col := le.Mark.Line, le.Mark.Column
		ctx := le.ContextMark
		lastLine, lastCol := end(src)
		atEnd := func(l, c int) bool { return l > lastLine || l == lastLine && c > lastCol }
		switch {
		case atEnd(line, col) && ctx.Line > 0 && le.ContextMsg != "" && !atEnd(ctx.Line, ctx.Column):
			// The file ends inside a construct: the fault is where it
			// opens.
			line, col = ctx.Line, ctx.Column
			msg += " " + le.ContextMsg + " that starts here (the file ends before it is closed)"
		case atEnd(line, col):
			// Nothing says where the construct opened: the fault is
			// where the file stops short.
			line, col = max(lastLine, 1), max(lastCol, 1)
			msg += " (the file ends here)"
		case ctx.Line > 0 && le.ContextMsg != "" && (ctx.Line != line || ctx.Column != col):
			msg += fmt.Sprintf(" (%s that starts at line %d, column %d)", le.ContextMsg, ctx.Line, ctx.Column)
		}
		return &Error{File: file, Line: line, Col: col, Msg: msg}
	}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return &Error{File: file, Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// end returns the line and column (1-based, in characters, as the decoder
// counts them) of the last character of src that is not white space;
// 0, 0 if there is none.
func end(src []byte) (line, col int) {
	rest := bytes.TrimRightFunc(src, unicode.IsSpace)
	if len(rest) == 0 {
		return 0, 0
	}
	return bytes.Count(rest, []byte("\n")) + 1, utf8.RuneCount(rest[bytes.LastIndexByte(rest, '\n')+1:])
}

// Join is the path of field key under path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Resolve follows aliases to the node they stand for.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
