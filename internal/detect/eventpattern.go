package detect

import "errors"

// eventPattern is a compiled EventBridge event pattern: what
// internal/eventpattern's Compile returns.
type eventPattern interface {
	Match(event []byte) bool
}

// patternError is an invalid event pattern, with the position in the
// pattern's JSON where the fault is (1-based; 0 when unknown).
type patternError struct {
	line, col int
	msg       string
}

func (e *patternError) Error() string { return e.msg }

// errNoEventPatterns is what compileEventPattern answers in a build
// without internal/eventpattern.
var errNoEventPatterns = errors.New("event patterns need internal/eventpattern, which this build of Guardrail does not include; write the rule as a filter_pattern")

// compileEventPattern compiles an EventBridge event pattern; a variable
// so that a test can stand in for the compiler.
var compileEventPattern = func(src []byte) (eventPattern, error) {
	return nil, errNoEventPatterns
}
