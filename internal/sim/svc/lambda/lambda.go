// Package lambda simulates AWS Lambda (restJson1).
package lambda

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS Lambda (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "lambda",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
