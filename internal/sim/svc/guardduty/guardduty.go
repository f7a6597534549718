// Package guardduty simulates Amazon GuardDuty (restJson1).
package guardduty

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon GuardDuty (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "guardduty",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
