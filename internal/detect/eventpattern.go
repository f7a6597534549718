package detect

import (
	"errors"

	"github.com/guardrail-sec/guardrail/internal/eventpattern"
)

// eventPattern is a compiled EventBridge event pattern.
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

// compileEventPattern compiles an EventBridge event pattern with
// internal/eventpattern, the engine the simulator's EventBridge runs; a
// variable so that a test can stand in for it.
var compileEventPattern = func(src []byte) (eventPattern, error) {
	p, err := eventpattern.Compile(src)
	var pe *eventpattern.Error
	switch {
	case errors.As(err, &pe):
		return nil, &patternError{line: pe.Line, col: pe.Column, msg: pe.Reason}
	case err != nil:
		return nil, err
	}
	return p, nil
}
