// Package account simulates the AWS Account Management API (restJson1).
package account

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the the AWS Account Management API (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "account",
		Protocol: wire.RestJSON,
		Global:   true,
		Ops:      map[string]svc.Handler{},
	}
}
