// Package securityhub simulates AWS Security Hub (restJson1).
package securityhub

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS Security Hub (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "securityhub",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
